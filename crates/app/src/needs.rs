//! What each country's authorities need (`shared/spec/platform.md`, Flows and needs): five
//! indicators, each with its figures, the coalition's median and a sentence saying what it
//! suggests. Computed over what the caller may see (notifications of its country, incidents
//! its organisation may read; the secretariat's view for the ranking), so an indicator never
//! counts a record the caller could not read.

use std::collections::{BTreeMap, BTreeSet};

use interdict_core::CountryCode;
use interdict_domain::sharing::Scope;
use interdict_domain::Actor;
use interdict_store::PenFilter;
use serde_json::{json, Value};

use crate::early_warning::{alerts_for, with_feed, AlertQuery};
use crate::{App, AppError};

/// An indicator stands out when it is at least this many times the coalition's median (and
/// its figures are not too small to mean anything).
pub const STANDS_OUT: f64 = 2.0;
/// Fewest records an indicator needs before it says anything stands out.
pub const MIN_RECORDS: u64 = 3;
/// An aberration running this many weeks unabated counts as unanswered.
pub const UNANSWERED_WEEKS: u64 = 4;

/// The raw figures per country, from one caller's view.
#[derive(Default, Clone, Debug)]
struct Figures {
    received: u64,
    late: u64,
    /// (substance id, notified kg, ALR kg) with the highest ratio.
    alr: Option<(String, f64, f64)>,
    incidents: u64,
    unidentified: u64,
    seizures: u64,
    alerts: u64,
    unanswered: u64,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The figures of every country the caller's view holds.
fn figures(
    app: &App,
    scope: &Scope,
    year: i32,
    today: &str,
) -> Result<BTreeMap<CountryCode, Figures>, AppError> {
    let mut by: BTreeMap<CountryCode, Figures> = BTreeMap::new();
    // Notifications: late or missing answers; notified quantities against the ALR.
    let pens = app.db.read_as(scope, |tx| {
        tx.search_pens(&PenFilter::default(), None, usize::MAX)
    })?;
    let mut notified: BTreeMap<(CountryCode, String), f64> = BTreeMap::new();
    for (_, row) in &pens {
        let record: Value = serde_json::from_str(&row.body)
            .map_err(|e| AppError::corrupt(format!("notification {}", row.id), e))?;
        let f = by.entry(row.importing_country).or_default();
        f.received += 1;
        let answered_late = record["answered_at"]
            .as_str()
            .is_some_and(|a| &a[..a.len().min(10)] > row.reply_deadline.as_str());
        let open_late = matches!(row.status.as_str(), "sent" | "acknowledged")
            && row.reply_deadline.as_str() < today;
        if row.late || answered_late || open_late {
            f.late += 1;
        }
        let counts = !matches!(
            row.status.as_str(),
            "objection" | "withdrawn" | "expired" | "stopped"
        );
        let sent_year = record["sent_on"]
            .as_str()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse::<i32>().ok());
        if counts && sent_year == Some(year) {
            if let (Some(sid), Some(kg)) = (
                record["substance"]["substance_id"].as_str(),
                record["shipment"]["actual_kg"]
                    .as_f64()
                    .or_else(|| record["substance_kg"].as_f64()),
            ) {
                *notified
                    .entry((row.importing_country, sid.to_string()))
                    .or_default() += kg;
            }
        }
    }
    let alr = crate::screening::stored_alr(&app.db)?;
    let registry = app.registry();
    for ((country, sid), kg) in &notified {
        let allowed: f64 = alr
            .iter()
            .filter(|r| r.country == *country && r.year == year)
            .filter(|r| registry.by_cas(r.cas).is_some_and(|(s, _)| s.id == *sid))
            .map(|r| r.quantity_kg)
            .sum();
        if allowed <= 0.0 {
            continue;
        }
        let f = by.entry(*country).or_default();
        let better = f.alr.as_ref().is_none_or(|(_, n, a)| kg / allowed > n / a);
        if better {
            f.alr = Some((sid.clone(), *kg, allowed));
        }
    }
    // Incidents: without an identified substance; seizures.
    with_feed(app, scope, |feed| {
        for s in &feed.summaries {
            let Ok(c) = CountryCode::parse(&s.country) else {
                continue;
            };
            let f = by.entry(c).or_default();
            f.incidents += 1;
            if s.unidentified {
                f.unidentified += 1;
            }
            if matches!(s.kind.as_str(), "seizure" | "stopped_shipment") {
                f.seizures += 1;
            }
        }
        Ok(())
    })?;
    // Alerts: aberrations still running after weeks.
    for a in alerts_for(app, scope, &AlertQuery::default())? {
        if a["kind"] != "aberration" {
            continue;
        }
        let Some(c) = a["region"]
            .as_str()
            .and_then(|r| CountryCode::parse(r).ok())
        else {
            continue;
        };
        let f = by.entry(c).or_default();
        f.alerts += 1;
        if a["ongoing"] == json!(true) && a["weeks"].as_u64().unwrap_or(0) >= UNANSWERED_WEEKS {
            f.unanswered += 1;
        }
    }
    Ok(by)
}

/// One indicator's value per country (`None`: no figures).
fn values(by: &BTreeMap<CountryCode, Figures>, indicator: &str) -> Vec<(CountryCode, f64)> {
    by.iter()
        .filter_map(|(c, f)| value(f, indicator).map(|v| (*c, v)))
        .collect()
}

fn value(f: &Figures, indicator: &str) -> Option<f64> {
    match indicator {
        "late_answers" => ratio(f.late, f.received),
        "alr_use" => f.alr.as_ref().map(|(_, n, a)| n / a),
        "unidentified_substances" => ratio(f.unidentified, f.incidents),
        "seizures_per_notification" => ratio(f.seizures, f.received),
        "alerts_unanswered" => ratio(f.unanswered, f.alerts),
        _ => None,
    }
}

/// The indicators, in the order answered.
pub const INDICATORS: [&str; 5] = [
    "late_answers",
    "alr_use",
    "unidentified_substances",
    "seizures_per_notification",
    "alerts_unanswered",
];

fn indicator(country: CountryCode, id: &str, f: &Figures, coalition_median: Option<f64>) -> Value {
    let v = value(f, id);
    let records = match id {
        "late_answers" | "seizures_per_notification" => f.received,
        "alr_use" => u64::from(f.alr.is_some()) * MIN_RECORDS,
        "unidentified_substances" => f.incidents,
        _ => f.alerts,
    };
    let stands_out = match (v, coalition_median) {
        (Some(v), Some(m)) if records >= MIN_RECORDS => {
            if id == "alr_use" {
                v > 1.0
            } else {
                v > 0.0 && v >= STANDS_OUT * m.max(0.05)
            }
        }
        _ => false,
    };
    let (title, figures, sentence) = match id {
        "late_answers" => (
            "Notifications answered late or not at all",
            json!({"late_or_unanswered": f.late, "received": f.received}),
            format!(
                "{} of {} incoming notifications answered after the deadline or not at all{}",
                f.late,
                f.received,
                if stands_out {
                    ": the competent authority may need staff or training"
                } else {
                    ""
                }
            ),
        ),
        "alr_use" => match &f.alr {
            Some((sid, n, a)) => (
                "Imports against the annual legitimate requirement",
                json!({"substance_id": sid, "notified_kg": round(*n), "alr_kg": round(*a)}),
                format!(
                    "{} kg of {sid} notified this year against an ALR of {} kg ({:.0} %){}",
                    round(*n),
                    round(*a),
                    100.0 * n / a,
                    if n > a {
                        ": the estimate may need review, or imports may be diverted"
                    } else {
                        ""
                    }
                ),
            ),
            None => (
                "Imports against the annual legitimate requirement",
                json!({"substance_id": null, "notified_kg": 0, "alr_kg": null}),
                "no ALR on file for the substances notified this year: an estimate may be missing"
                    .to_string(),
            ),
        },
        "unidentified_substances" => (
            "Incidents without an identified substance",
            json!({"unidentified": f.unidentified, "incidents": f.incidents}),
            format!(
                "{} of {} incidents have no identified substance{}",
                f.unidentified,
                f.incidents,
                if stands_out {
                    ": forensic laboratory capacity may be short"
                } else {
                    ""
                }
            ),
        ),
        "seizures_per_notification" => (
            "Seizures per notification received",
            json!({"seizures": f.seizures, "notifications_received": f.received}),
            format!(
                "{} seizures against {} notifications received{}",
                f.seizures,
                f.received,
                if stands_out {
                    ": much is seized for the licit trade notified; controls at entry may need support"
                } else {
                    ""
                }
            ),
        ),
        _ => (
            "Alerts unanswered",
            json!({"running_weeks_or_more": f.unanswered, "aberrations": f.alerts, "weeks": UNANSWERED_WEEKS}),
            format!(
                "{} of {} aberration alerts have run {UNANSWERED_WEEKS} weeks or more without abating{}",
                f.unanswered,
                f.alerts,
                if stands_out {
                    ": the response to early warnings may need resources"
                } else {
                    ""
                }
            ),
        ),
    };
    json!({
        "id": id,
        "title": title,
        "country": country,
        "value": v.map(round),
        "coalition_median": coalition_median.map(round),
        "figures": figures,
        "stands_out": stands_out,
        "suggests": sentence,
    })
}

fn year_and_today(now: i64) -> (i32, String) {
    let today = interdict_core::Date::from_day_number(now.div_euclid(86_400));
    (today.year, today.to_string())
}

/// `GET /api/v1/countries/{cc}/needs`.
pub fn country_needs(app: &App, actor: &Actor, country: &str, now: i64) -> Result<Value, AppError> {
    let cc = CountryCode::parse(country).map_err(|_| {
        AppError::invalid(
            "cc",
            format!(
                "`{}` is not an ISO 3166-1 alpha-2 code",
                interdict_core::text::clip(country, 10)
            ),
        )
    })?;
    let scope = crate::error::scope_of(actor)?;
    crate::pens::sweep_deadlines(app, now)?;
    let (year, today) = year_and_today(now);
    let by = figures(app, &scope, year, &today)?;
    let empty = Figures::default();
    let f = by.get(&cc).unwrap_or(&empty);
    let indicators: Vec<Value> = INDICATORS
        .iter()
        .map(|id| {
            let m = median(values(&by, id).into_iter().map(|(_, v)| v).collect());
            indicator(cc, id, f, m)
        })
        .collect();
    Ok(json!({
        "country": cc,
        "year": year,
        "indicators": indicators,
        "countries_compared": by.len(),
        "basis": "the notifications and incidents the caller may see",
    }))
}

/// `GET /api/v1/needs`: the member countries ranked by each indicator (the secretariat).
pub fn ranking(app: &App, actor: &Actor, now: i64) -> Result<Value, AppError> {
    if actor.organisation.kind != interdict_domain::OrgKind::Secretariat || actor.user.disabled {
        return Err(AppError::Forbidden(
            "the ranking of member countries is the secretariat's".into(),
        ));
    }
    let scope = crate::error::scope_of(actor)?;
    crate::pens::sweep_deadlines(app, now)?;
    let (year, today) = year_and_today(now);
    let by = figures(app, &scope, year, &today)?;
    let members: BTreeSet<CountryCode> = app
        .db
        .read(|tx| tx.organisations())?
        .into_iter()
        .filter_map(|o| o.country)
        .collect();
    let mut out = Vec::new();
    for id in INDICATORS {
        let m = median(values(&by, id).into_iter().map(|(_, v)| v).collect());
        let mut rows: Vec<Value> = members
            .iter()
            .map(|c| indicator(*c, id, by.get(c).unwrap_or(&Figures::default()), m))
            .filter(|v| !v["value"].is_null())
            .collect();
        rows.sort_by(|a, b| {
            b["value"]
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&a["value"].as_f64().unwrap_or(0.0))
                .then(a["country"].as_str().cmp(&b["country"].as_str()))
        });
        out.push(json!({"id": id, "coalition_median": m.map(round), "countries": rows}));
    }
    Ok(json!({"year": year, "indicators": out}))
}
