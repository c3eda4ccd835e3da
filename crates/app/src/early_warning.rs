//! Early warning on the platform (`shared/spec/platform.md`, Alerts): the detectors of
//! `interdict alerts` over the incidents each organisation may see, kept current as incidents
//! arrive.
//!
//! Every incident is read from the store and parsed once, into the platform's base feed (in
//! sequence order; a later request reads only the incidents added since, and the incidents
//! changed since, by the store's numbering of changes, as their sharing may have). Each
//! organisation's feed is cut from the base in memory by `sharing::reaches` over each
//! incident's sharing — the rule the store's queries mirror — and holds the detectors' state
//! over what it may see. Organisations build their feeds side by side (one lock each), and no
//! lock is held while the store is read, so a slow first build of one organisation's feed never
//! holds back another's answer or a pooled connection. Coalition-wide series count only records
//! shared with the whole coalition, so no member learns of a rise from records it cannot read.
//! Overdoses and drug-checking results form their own series (`health:` keys) beside the
//! seizures.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use interdict_core::{Date, IsoWeek};
use interdict_domain::sharing::{self, Scope, Sharing};
use interdict_domain::Actor;
use interdict_ews::{Alert, AlertKind, AlertState, Detector, Incident, PointMemo};
use interdict_store::IncidentRow;
use serde_json::{json, Value};

use crate::{App, AppError};

/// One incident of a feed, as the detectors see it, and what the answer names.
#[derive(Clone, Debug)]
struct FeedIncident {
    id: String,
    detector: Incident,
}

/// The incidents one organisation may see, resolved, and the alerts last computed over them.
#[derive(Default)]
pub(crate) struct Feed {
    /// The base generation it was cut from (a new one when an incident changed).
    generation: u64,
    /// How many of the base's incidents it has looked at.
    upto: usize,
    incidents: Vec<Arc<FeedIncident>>,
    /// The positions in `incidents` of each substance key and `class:<class>`, by day, so the
    /// incidents behind an alert are looked for among those of its series and weeks only.
    by_series: HashMap<String, BTreeMap<i64, Vec<usize>>>,
    /// The weekly series and the detectors' results so far, kept up with each new incident.
    state: AlertState,
    /// One per incident, for the needs indicators.
    pub(crate) summaries: Vec<Arc<Summary>>,
    computed: Option<(String, Vec<Value>)>,
    /// The flows of the feed's incidents (read by `crate::flows`).
    pub(crate) flows: FeedFlows,
}

/// One stored incident, parsed once for every organisation's feed.
struct BaseIncident {
    seq: i64,
    sharing: Sharing,
    summary: Arc<Summary>,
    inputs: Vec<Arc<FeedIncident>>,
}

/// One stored incident, parsed for the base.
fn base_incident(seq: i64, row: IncidentRow) -> Result<BaseIncident, AppError> {
    let record: Value = serde_json::from_str(&row.body)
        .map_err(|e| AppError::corrupt(format!("incident {}", row.id), e))?;
    Ok(BaseIncident {
        seq,
        summary: Arc::new(summary(&row, &record)),
        inputs: detector_inputs(&row, &record)?
            .into_iter()
            .map(Arc::new)
            .collect(),
        sharing: row.sharing,
    })
}

/// Every stored incident, parsed, in sequence order: what the organisations' feeds are cut from.
#[derive(Clone, Default)]
struct Base {
    generation: u64,
    last_seq: i64,
    /// The number of the latest change of a stored incident it holds.
    last_change: i64,
    incidents: Vec<Arc<BaseIncident>>,
}

/// What the needs indicators and the flows read of an incident.
#[derive(Clone, Debug)]
pub(crate) struct Summary {
    pub(crate) id: String,
    pub(crate) day: i64,
    pub(crate) country: String,
    pub(crate) kind: String,
    /// No substance of it could be identified (a laboratory could tell).
    pub(crate) unidentified: bool,
    pub(crate) origin: Option<String>,
    pub(crate) destination: Option<String>,
    pub(crate) transit: Vec<String>,
    pub(crate) substances: Vec<SubstanceSummary>,
}

/// One substance of an incident, for the flows.
#[derive(Clone, Debug)]
pub(crate) struct SubstanceSummary {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) classes: Vec<String>,
    pub(crate) listed: bool,
    pub(crate) kg: Option<f64>,
    /// The listed substance an unlisted relative is a relative of.
    pub(crate) parent: Option<String>,
}

/// The platform's base feed and the feeds of the organisations that asked, by organisation id.
#[derive(Default)]
pub struct Feeds {
    /// The latest base; replaced whole (readers keep the one they took).
    base: Mutex<Arc<Base>>,
    /// Held while the store is read for the base, so it is read once, not by every request
    /// that finds it behind.
    refreshing: Mutex<()>,
    by_organisation: Mutex<HashMap<String, Arc<Mutex<Feed>>>>,
    /// The detectors' weekly results, shared between the organisations' feeds: most of their
    /// series hold the same counts (every coalition-wide one; a foreign country's for the
    /// organisations of one country), and each is computed once.
    memo: PointMemo,
    /// Held while the detectors run over a feed: they use every core already, and one feed
    /// after another lets each find the weeks the previous one computed in `memo`, where
    /// feeds computed side by side would each compute them.
    detecting: Mutex<()>,
}

fn poisoned() -> AppError {
    AppError::Unavailable("alert feeds poisoned".into())
}

impl Feeds {
    fn current(&self) -> Result<Arc<Base>, AppError> {
        Ok(self.base.lock().map_err(|_| poisoned())?.clone())
    }

    /// The base with every incident up to `max_seq` and every change up to `last_change` (the
    /// store's version, read by the caller first), reading from the store only what it lacks.
    fn base(&self, app: &App, max_seq: i64, last_change: i64) -> Result<Arc<Base>, AppError> {
        let fresh = |b: &Base| b.last_change == last_change && b.last_seq >= max_seq;
        let base = self.current()?;
        if fresh(&base) {
            return Ok(base);
        }
        let _reading = self.refreshing.lock().map_err(|_| poisoned())?;
        let base = self.current()?;
        if fresh(&base) {
            return Ok(base);
        }
        let mut next = if base.last_change == last_change {
            (*base).clone()
        } else if base.last_change < last_change && !base.incidents.is_empty() {
            // Incidents changed: only they are read again, in place (their sharing, dates or
            // substances may be new), and every organisation's feed is cut again.
            let mut next = (*base).clone();
            next.generation += 1;
            next.last_change = last_change;
            let since = base.last_change;
            let changed = app.db.read(|tx| tx.incidents_changed_unscoped(since))?;
            for (seq, row) in changed {
                if let Ok(at) = next.incidents.binary_search_by_key(&seq, |i| i.seq) {
                    next.incidents[at] = Arc::new(base_incident(seq, row)?);
                }
            }
            next
        } else {
            // The first read, or the store went back (a restored backup): all of it.
            Base {
                generation: base.generation + 1,
                last_change,
                ..Base::default()
            }
        };
        loop {
            let page = app
                .db
                .read(|tx| tx.incidents_unscoped_after(next.last_seq, PAGE))?;
            let n = page.len();
            for (seq, row) in page {
                next.incidents.push(Arc::new(base_incident(seq, row)?));
                next.last_seq = next.last_seq.max(seq);
            }
            if n < PAGE {
                break;
            }
        }
        next.last_seq = next.last_seq.max(max_seq);
        let next = Arc::new(next);
        *self.base.lock().map_err(|_| poisoned())? = next.clone();
        Ok(next)
    }

    /// The feed of one organisation (made empty on its first request).
    fn of(&self, organisation_id: &str) -> Result<Arc<Mutex<Feed>>, AppError> {
        let mut all = self.by_organisation.lock().map_err(|_| poisoned())?;
        Ok(all.entry(organisation_id.to_string()).or_default().clone())
    }

    /// Reads every stored incident into the base, so the first request after a start does not
    /// wait for it (the server calls this in the background as it starts).
    pub(crate) fn warm(&self, app: &App) -> Result<usize, AppError> {
        let (max_seq, last_change) = app.db.read(|tx| tx.incidents_version())?;
        Ok(self.base(app, max_seq, last_change)?.incidents.len())
    }
}

/// How many incidents one read of a feed takes.
const PAGE: usize = 5_000;

/// The stream a record's series belong to.
fn is_public_health(kind: &str) -> bool {
    matches!(kind, "overdose" | "drug_checking")
}

/// What the needs indicators read of a stored incident.
fn summary(row: &IncidentRow, record: &Value) -> Summary {
    let substances = record["substances"].as_array();
    let unidentified = substances.is_none_or(|list| {
        list.is_empty()
            || list
                .iter()
                .all(|s| matches!(s["resolved"]["by"].as_str(), Some("unknown") | None))
    });
    let text = |v: &Value| v.as_str().map(str::to_string);
    Summary {
        id: row.id.clone(),
        day: Date::parse(&row.date).map(Date::day_number).unwrap_or(0),
        country: row.country.as_str().to_string(),
        kind: row.kind.clone(),
        unidentified: unidentified && row.kind != "equipment",
        origin: text(&record["origin_country"]),
        destination: text(&record["destination_country"]),
        transit: record["transit_countries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(text)
            .collect(),
        substances: substances
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let r = &s["resolved"];
                Some(SubstanceSummary {
                    key: text(&r["key"])?,
                    name: text(&r["name"]).unwrap_or_default(),
                    classes: r["classes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(text)
                        .collect(),
                    listed: r["substance_id"].is_string(),
                    kg: s["quantity_kg"].as_f64(),
                    parent: text(&r["parent"]),
                })
            })
            .collect(),
    }
}

/// The detector inputs of one stored incident: one per substance it names.
fn detector_inputs(row: &IncidentRow, record: &Value) -> Result<Vec<FeedIncident>, AppError> {
    let Ok(date) = Date::parse(&row.date) else {
        return Ok(Vec::new());
    };
    let health = is_public_health(&row.kind);
    let coalition = row.sharing.distribution == interdict_domain::sharing::Distribution::Coalition;
    let mut out = Vec::new();
    for s in record["substances"].as_array().into_iter().flatten() {
        let r = &s["resolved"];
        let Some(key) = r["key"].as_str() else {
            continue;
        };
        let name = r["name"].as_str().unwrap_or(key);
        let classes: Vec<String> = r["classes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|c| {
                if health {
                    format!("health:{c}")
                } else {
                    c.to_string()
                }
            })
            .collect();
        let (substance, substance_name) = if health {
            (
                format!("health:{key}"),
                format!("{name} (overdoses and drug checking)"),
            )
        } else {
            (key.to_string(), name.to_string())
        };
        out.push(FeedIncident {
            id: row.id.clone(),
            detector: Incident {
                day: date.day_number(),
                country: row.country.as_str().to_string(),
                substance,
                substance_name,
                classes,
                coalition,
            },
        });
    }
    Ok(out)
}

/// Reads every stored incident into the platform's base feed (see [`Feeds::warm`]); how many.
pub fn warm_feeds(app: &App) -> Result<usize, AppError> {
    app.feeds.warm(app)
}

/// Runs the detectors once over the feed of one organisation of each country (and of the
/// secretariat), then lets those feeds go again; returns how many it ran. The detectors' weekly
/// results stay in the shared memo, and most series of an organisation hold the counts of the
/// others of its country (everything shared with the coalition or the country), so its first
/// alerts request then judges only what its own records make different: by `bench/load.sh`'s
/// seed, 0.2 s instead of 2-4 s for the first organisation of a country, which under load
/// queued behind one another past the request limit. Memory keeps only the feeds of the
/// organisations that asked. The server calls this in the background after [`warm_feeds`].
pub fn warm_alerts(app: &App) -> Result<usize, AppError> {
    let organisations = app.db.read(|tx| tx.organisations())?;
    let mut seen = std::collections::HashSet::new();
    let mut ran = 0;
    for org in organisations {
        let scope = Scope::of_organisation(&org);
        if !seen.insert((scope.country, scope.secretariat)) {
            continue;
        }
        let asked = app
            .feeds
            .by_organisation
            .lock()
            .map_err(|_| poisoned())?
            .contains_key(&org.id);
        if asked {
            continue;
        }
        let started = std::time::Instant::now();
        alerts_for(app, &scope, &AlertQuery::default())?;
        tracing::debug!(
            country = scope.country.as_ref().map_or("secretariat", |c| c.as_str()),
            ms = started.elapsed().as_millis() as u64,
            "alert detectors warmed"
        );
        ran += 1;
        // Let the feed go unless a request holds it now (then it is that organisation's).
        let mut all = app.feeds.by_organisation.lock().map_err(|_| poisoned())?;
        if all.get(&org.id).is_some_and(|f| Arc::strong_count(f) == 1) {
            all.remove(&org.id);
        }
    }
    Ok(ran)
}

/// What an alert request asks for.
#[derive(Clone, Debug, Default)]
pub struct AlertQuery {
    /// Report alerts from this day on (default: the last 12 weeks of the data).
    pub since: Option<Date>,
}

/// Brings the feed of `scope`'s organisation up to date (adding what it may see of the
/// incidents stored since, or cutting it again from a new base after a change) and runs `work`
/// over it.
pub(crate) fn with_feed<T>(
    app: &App,
    scope: &Scope,
    work: impl FnOnce(&mut Feed) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let (max_seq, last_change) = app.db.read(|tx| tx.incidents_version())?;
    let base = app.feeds.base(app, max_seq, last_change)?;
    let feed = app.feeds.of(&scope.organisation_id)?;
    let mut feed = feed.lock().map_err(|_| poisoned())?;
    if feed.generation != base.generation {
        *feed = Feed {
            generation: base.generation,
            ..Feed::default()
        };
    }
    if feed.upto < base.incidents.len() {
        let mut added = false;
        for incident in &base.incidents[feed.upto..] {
            let sharing = &incident.sharing;
            if !sharing::reaches(sharing, sharing.distribution, scope).allowed {
                continue;
            }
            added = true;
            feed.summaries.push(incident.summary.clone());
            for input in &incident.inputs {
                let at = feed.incidents.len();
                let d = &input.detector;
                let mut index = |key: &str| {
                    let days = match feed.by_series.get_mut(key) {
                        Some(days) => days,
                        None => feed.by_series.entry(key.to_string()).or_default(),
                    };
                    days.entry(d.day).or_default().push(at);
                };
                index(&d.substance);
                for c in &d.classes {
                    index(&format!("class:{c}"));
                }
                feed.state.add(d);
                feed.incidents.push(input.clone());
            }
        }
        feed.upto = base.incidents.len();
        if added {
            feed.computed = None;
            feed.flows.clear_answers();
        }
    }
    work(&mut feed)
}

/// The detectors of the platform: the Noufaily-improved Farrington where a series has a year
/// or more of history, EARS C2 otherwise.
fn detectors() -> Result<(Detector, Detector), AppError> {
    let noufaily = Detector::new(
        interdict_ews::Method::Farrington,
        &crate::detect::Preset::Noufaily.overrides(),
    )
    .map_err(|e| AppError::invalid("method", e))?;
    let ears = Detector::new(
        interdict_ews::Method::EarsC2,
        &interdict_ews::Overrides::default(),
    )
    .map_err(|e| AppError::invalid("method", e))?;
    Ok((noufaily, ears))
}

fn alert_key(a: &Alert) -> String {
    let kind = match a.kind {
        AlertKind::Aberration => "aberration",
        AlertKind::FirstDetection => "first_detection",
    };
    format!("{kind}|{}|{}|{}", a.substance, a.region, a.week)
}

/// The incidents behind an alert: those of its series from its onset on (coalition-wide only
/// the ones shared with the coalition), newest first, at most 200.
fn behind(a: &Alert, feed: &Feed) -> Vec<String> {
    let class = a.substance.strip_prefix("class:");
    let incidents = &feed.incidents;
    let Some(days) = feed.by_series.get(&a.substance) else {
        return Vec::new();
    };
    let mut ids: Vec<&str> = days
        .range(a.onset_day..a.last_day.saturating_add(7).max(a.onset_day))
        .flat_map(|(_, at)| at)
        .map(|&at| &incidents[at])
        .filter(|i| {
            let d = &i.detector;
            let in_series = match class {
                Some(c) => d.classes.iter().any(|x| x == c),
                None => d.substance == a.substance,
            };
            let in_region = if a.region == "ALL" {
                d.coalition
            } else {
                d.country == a.region
            };
            in_series && in_region && d.day >= a.onset_day && d.day < a.last_day + 7
        })
        .map(|i| i.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.reverse();
    ids.truncate(200);
    ids.into_iter().map(str::to_string).collect()
}

fn alert_json(a: &Alert, feed: &Feed) -> Value {
    let kind = match a.kind {
        AlertKind::Aberration => "aberration",
        AlertKind::FirstDetection => "first_detection",
    };
    let health = a.substance.starts_with("health:") || a.substance.starts_with("class:health:");
    let ids = behind(a, feed);
    let from = Date::from_day_number(a.onset_day).to_string();
    let (param, value) = match a.substance.strip_prefix("class:") {
        Some(c) => ("class", c.trim_start_matches("health:").to_string()),
        None => (
            "substance",
            a.substance.trim_start_matches("health:").to_string(),
        ),
    };
    let mut link = format!("/api/v1/incidents?{param}={value}&from={from}");
    if a.region != "ALL" {
        link.push_str(&format!("&country={}", a.region));
    }
    json!({
        "id": alert_key(a),
        "kind": kind,
        "stream": if health { "public_health" } else { "seizures" },
        "substance": a.substance,
        "substance_name": a.substance_name,
        "region": a.region,
        "week": a.week,
        "onset_week": a.week,
        "ongoing": a.ongoing,
        "weeks": a.weeks,
        "observed": a.observed,
        "expected": a.expected,
        "upperbound": a.upperbound,
        "method": a.method,
        "explanation": a.explanation,
        "priority": a.priority,
        "incidents": ids,
        "incidents_url": link,
        "series": a.points.iter().map(|p| json!({
            "week": p.week,
            "observed": p.observed,
            "expected": p.expected,
            "upperbound": p.upperbound,
            "alarm": p.alarm,
        })).collect::<Vec<_>>(),
    })
}

/// The alerts over what `scope` may see: aberrations (one per episode, reported from its
/// onset while any of its weeks falls in the window) and first detections, ranked.
pub fn alerts_for(app: &App, scope: &Scope, query: &AlertQuery) -> Result<Vec<Value>, AppError> {
    let (primary, fallback) = detectors()?;
    let cache_key = format!("{:?}", query.since);
    with_feed(app, scope, |feed| {
        if let Some((k, alerts)) = &feed.computed {
            if *k == cache_key {
                return Ok(alerts.clone());
            }
        }
        // Only the weeks the new incidents touched are judged again (AlertState); the answer
        // is the one a recomputation over every incident gives.
        let detecting = app.feeds.detecting.lock().map_err(|_| poisoned())?;
        let found = feed
            .state
            .alerts_sharing(
                &primary,
                Some(&fallback),
                query.since.map(|d| d.day_number()),
                Some(&app.feeds.memo),
            )
            .map_err(|e| AppError::invalid("method", e))?;
        drop(detecting);
        let out: Vec<Value> = found.iter().map(|a| alert_json(a, feed)).collect();
        feed.computed = Some((cache_key, out.clone()));
        Ok(out)
    })
}

/// `GET /api/v1/alerts`: the caller's organisation's alerts.
pub fn alerts(app: &App, actor: &Actor, query: &AlertQuery) -> Result<Value, AppError> {
    let scope = crate::error::scope_of(actor)?;
    let items = alerts_for(app, &scope, query)?;
    let (weeks, incidents) = {
        let feed = app.feeds.of(&scope.organisation_id)?;
        let f = feed.lock().map_err(|_| poisoned())?;
        let days = f.incidents.iter().map(|i| i.detector.day);
        let first = days.clone().min();
        let last = days.max();
        let weeks = match (first, last) {
            (Some(a), Some(b)) => json!({
                "first": IsoWeek::containing(a).to_string(),
                "last": IsoWeek::containing(b).to_string(),
            }),
            _ => Value::Null,
        };
        (weeks, f.incidents.len())
    };
    Ok(json!({
        "items": items,
        "method": "farrington (noufaily) with a year of history, else ears-c2",
        "series_weeks": weeks,
        "incidents_considered": incidents,
    }))
}

/// The incidents' flow records of one organisation's feed, made as its incidents arrive, and the
/// flows answers over them (by query, with the notifications' version they were computed at).
/// The feed clears the answers when an incident arrives and drops all this when one changed.
#[derive(Default)]
pub(crate) struct FeedFlows {
    pub(crate) upto: usize,
    pub(crate) records: Vec<interdict_flows::FlowRecord>,
    pub(crate) relatives: interdict_flows::Relatives,
    pub(crate) answers: std::collections::HashMap<String, ((i64, i64), serde_json::Value)>,
}

impl FeedFlows {
    pub(crate) fn clear_answers(&mut self) {
        self.answers.clear();
    }
}
