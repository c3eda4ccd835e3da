//! How precursors move (`shared/spec/platform.md`, Flows and needs): the flows engine over the
//! notifications (licit trade, with quantities) and incidents (diversion and trafficking) the
//! caller may see, and the changes — corridors new, grown or shrunk, and substitution after a
//! control.

use interdict_core::{CountryCode, Date};
use interdict_domain::sharing::Scope;
use interdict_domain::Actor;
pub use interdict_flows::Source;
use interdict_flows::{Controls, Filter, FlowRecord, Relatives};
use interdict_store::PenFilter;
use serde_json::Value;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::early_warning::{with_feed, Feed};
use crate::{App, AppError};

/// What a flows request asks for.
#[derive(Clone, Debug, Default)]
pub struct FlowQuery {
    /// Any name, CAS number or registry id; resolved through the registry.
    pub substance: Option<String>,
    pub class: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub source: Option<Source>,
}

use crate::error::scope_of;

/// Every country's map point, `{"CC": [lat, lon], …}`: the points the flow map's nodes stand on,
/// so a page that places a country (an incident without coordinates) puts it where the flows do.
pub fn centroids() -> Value {
    Value::Object(
        interdict_flows::all_centroids()
            .into_iter()
            .map(|c| (c.code, serde_json::json!([c.lat, c.lon])))
            .collect(),
    )
}

/// The notifications' flow records per organisation, with the notifications' version they were
/// read at: a flows request reads and parses every visible notification only after one changed.
#[derive(Default)]
pub(crate) struct FlowCaches(Mutex<HashMap<String, PenRecords>>);

type PenRecords = ((i64, i64), Arc<Vec<FlowRecord>>);

/// The flow records of the notifications `scope` may see, from the cache while no notification
/// changed. The version is read first, so a record cached under a version is never older than it.
fn pen_records(app: &App, scope: &Scope) -> Result<PenRecords, AppError> {
    let version = app.db.read(|tx| tx.pens_version())?;
    let cached = |caches: &HashMap<String, PenRecords>| {
        caches
            .get(&scope.organisation_id)
            .filter(|(v, _)| *v == version)
            .map(|(_, r)| r.clone())
    };
    let poisoned = || AppError::Unavailable("flow caches poisoned".into());
    if let Some(records) = cached(&*app.flow_caches.0.lock().map_err(|_| poisoned())?) {
        return Ok((version, records));
    }
    let records = Arc::new(read_pen_records(app, scope)?);
    app.flow_caches
        .0
        .lock()
        .map_err(|_| poisoned())?
        .insert(scope.organisation_id.clone(), (version, records.clone()));
    Ok((version, records))
}

fn read_pen_records(app: &App, scope: &Scope) -> Result<Vec<FlowRecord>, AppError> {
    let registry = app.registry();
    let mut out = Vec::new();
    let pens = app.db.read_as(scope, |tx| {
        tx.search_pens(&PenFilter::default(), None, usize::MAX)
    })?;
    for (_, row) in pens {
        // What did not or will not move is not a flow.
        if matches!(
            row.status.as_str(),
            "objection" | "withdrawn" | "expired" | "stopped"
        ) {
            continue;
        }
        let record: Value = serde_json::from_str(&row.body)
            .map_err(|e| AppError::corrupt(format!("notification {}", row.id), e))?;
        let s = &record["substance"];
        let (key, listed) = match s["substance_id"].as_str() {
            Some(id) => (id.to_string(), true),
            None => match s["cas"].as_str() {
                Some(c) => (format!("cas:{c}"), false),
                None => continue,
            },
        };
        let classes = registry
            .get(&key)
            .map(|x| x.classes.clone())
            .unwrap_or_default();
        let day = record["sent_on"]
            .as_str()
            .and_then(|d| Date::parse(d).ok())
            .map(Date::day_number)
            .unwrap_or(row.created_at.div_euclid(86_400));
        out.push(FlowRecord {
            id: row.id.clone(),
            source: Source::Notification,
            from: row.exporting_country,
            to: row.importing_country,
            via: row.transit_countries.clone(),
            day,
            quantity_kg: record["shipment"]["actual_kg"]
                .as_f64()
                .or_else(|| record["substance_kg"].as_f64()),
            substance: key,
            substance_name: s["name"].as_str().unwrap_or("").to_string(),
            classes,
            listed,
        });
    }
    Ok(out)
}

/// Makes the flow records of the feed's incidents that arrived since the last call.
fn catch_up(feed: &mut Feed) {
    let flows = &mut feed.flows;
    for inc in &feed.summaries[flows.upto..] {
        let country = |c: &str| CountryCode::parse(c).ok();
        let Some(from) = inc.origin.as_deref().and_then(country) else {
            continue;
        };
        let Some(to) = inc
            .destination
            .as_deref()
            .or(Some(inc.country.as_str()))
            .and_then(country)
        else {
            continue;
        };
        if from == to {
            continue;
        }
        let via: Vec<CountryCode> = inc.transit.iter().filter_map(|c| country(c)).collect();
        for s in &inc.substances {
            if let (Some(parent), false) = (&s.parent, s.listed) {
                flows.relatives.insert(s.key.clone(), parent.clone());
            }
            flows.records.push(FlowRecord {
                id: inc.id.clone(),
                source: Source::Incident,
                from,
                to,
                via: via.clone(),
                day: inc.day,
                quantity_kg: s.kg,
                substance: s.key.clone(),
                substance_name: s.name.clone(),
                classes: s.classes.clone(),
                listed: s.listed,
            });
        }
    }
    flows.upto = feed.summaries.len();
}

/// The flow records of what `scope` may see, and the relatives among their substances (an
/// unlisted ester, salt, protected form or designer precursor → its listed parent).
fn records(app: &App, scope: &Scope) -> Result<(Vec<FlowRecord>, Relatives), AppError> {
    let (_, pens) = pen_records(app, scope)?;
    with_feed(app, scope, |feed| {
        catch_up(feed);
        let mut out = pens.as_ref().clone();
        out.extend(feed.flows.records.iter().cloned());
        Ok((out, feed.flows.relatives.clone()))
    })
}

/// `GET /api/v1/flows`: edges and nodes of what the caller may see. The answer is kept per
/// query until an incident or notification arrives or changes.
pub fn flows(app: &App, actor: &Actor, q: &FlowQuery) -> Result<Value, AppError> {
    let scope = scope_of(actor)?;
    let (version, pens) = pen_records(app, &scope)?;
    let filter = Filter {
        substance: q
            .substance
            .as_deref()
            .map(|s| app.resolver().resolve(s).key),
        class: q.class.clone(),
        from_day: q.from.map(Date::day_number),
        to_day: q.to.map(Date::day_number),
        source: q.source,
    };
    let key = format!("{q:?}");
    with_feed(app, &scope, |feed| {
        catch_up(feed);
        if let Some((v, answer)) = feed.flows.answers.get(&key) {
            if *v == version {
                return Ok(answer.clone());
            }
        }
        let chosen: Vec<FlowRecord> = filter
            .apply(&pens)
            .into_iter()
            .chain(filter.apply(&feed.flows.records))
            .cloned()
            .collect();
        let out = interdict_flows::flows(&chosen);
        let answer = serde_json::to_value(out)
            .map_err(|e| AppError::Unavailable(format!("writing the flows: {e}")))?;
        feed.flows.answers.insert(key, (version, answer.clone()));
        Ok(answer)
    })
}

/// The day a listed substance was last brought under control (its most recent listing with a
/// date: `2024` as 1 January, or `2024-09-01`).
fn control_day(s: &interdict_registry::Substance) -> Option<i64> {
    s.controls
        .iter()
        .filter_map(|c| {
            let e = c.effective.trim();
            if e.len() == 4 {
                Date::parse(&format!("{e}-01-01")).ok()
            } else {
                Date::parse(e).ok()
            }
        })
        .map(Date::day_number)
        .max()
}

/// `GET /api/v1/flows/changes?window=`: corridors new, grown or shrunk in the last `window`
/// days against their history, and substitutions after a control.
pub fn changes(app: &App, actor: &Actor, window_days: i64, now: i64) -> Result<Value, AppError> {
    let scope = scope_of(actor)?;
    let (records, relatives) = records(app, &scope)?;
    let registry = app.registry();
    let mut controls = Controls::new();
    for r in &records {
        if let Some(s) = registry.get(&r.substance) {
            if let Some(day) = control_day(s) {
                controls.insert(s.id.clone(), day);
            }
        }
    }
    for parent in relatives.values() {
        if let Some(s) = registry.get(parent) {
            if let Some(day) = control_day(s) {
                controls.insert(s.id.clone(), day);
            }
        }
    }
    let out = interdict_flows::changes(
        &records,
        now.div_euclid(86_400),
        window_days,
        &relatives,
        &controls,
    );
    serde_json::to_value(out)
        .map_err(|e| AppError::Unavailable(format!("writing the changes: {e}")))
}

/// The flow records the caller may export (for `interdict export parquet --what flows`).
pub fn edges_for_export(app: &App, actor: &Actor) -> Result<Vec<Value>, AppError> {
    let v = flows(app, actor, &FlowQuery::default())?;
    Ok(v["edges"].as_array().cloned().unwrap_or_default())
}
