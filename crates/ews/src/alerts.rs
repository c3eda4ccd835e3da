//! Alerts from incident records: weekly series per substance (and per class) and region, an
//! aberration detector over each, and first detections — ranked and deduplicated.
//!
//! A persisting rise is one alert (at the week it began, with the peak so far), not one per week.
//! First detections are reported only from `since` on: what came before is history.

use std::collections::{BTreeMap, BTreeSet};

use interdict_core::{iso_week_label, week_start};

use crate::{
    cusum, ears, farrington, glrnb, CusumControl, EarsControl, EarsMethod, EwsError,
    FarringtonControl, GlrControl, Transform,
};

/// One incident, already resolved to a substance.
#[derive(Clone, Debug)]
pub struct Incident {
    /// Day number (see [`days_from_civil`]).
    pub day: i64,
    pub country: String,
    /// Stable key of the substance (registry id, `cas:…`, `name:…`).
    pub substance: String,
    pub substance_name: String,
    /// Classes the substance belongs to (`fentanyl-analogue` …).
    pub classes: Vec<String>,
}

/// The detector run over every weekly series.
#[derive(Clone, Debug)]
pub enum Detector {
    Ears(EarsMethod, EarsControl),
    /// CUSUM over the monitored weeks, `m` from the weeks before them.
    Cusum {
        k: f64,
        h: f64,
        trans: Transform,
    },
    /// Farrington/Noufaily; `b` is lowered to the years of history a series has (series with
    /// less than a year before the monitored weeks are skipped).
    Farrington(FarringtonControl),
    /// GLR chart (Poisson, or negative binomial with alpha given or estimated per series); the
    /// in-control mean is fitted to the weeks before the monitored ones.
    Glr(GlrControl),
}

impl Detector {
    pub fn name(&self) -> String {
        match self {
            Detector::Ears(m, _) => m.cli_name().into(),
            Detector::Cusum { .. } => "cusum".into(),
            Detector::Farrington(_) => "farrington".into(),
            Detector::Glr(c) if c.estimate_alpha || c.alpha > 0.0 => "glr-nb".into(),
            Detector::Glr(_) => "glr-pois".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AlertKind {
    Aberration,
    FirstDetection,
}

#[derive(Clone, Debug)]
pub struct Alert {
    pub kind: AlertKind,
    /// Substance key, or `class:<name>`.
    pub substance: String,
    pub substance_name: String,
    /// ISO country code or `ALL` (coalition-wide).
    pub region: String,
    pub week: String,
    pub observed: f64,
    pub expected: f64,
    pub upperbound: f64,
    pub method: String,
    pub explanation: String,
    /// Higher is more urgent.
    pub priority: f64,
}

/// Builds the weekly series and returns the alerts, most urgent first.
pub fn alerts(
    incidents: &[Incident],
    detector: &Detector,
    since_day: Option<i64>,
) -> Result<Vec<Alert>, EwsError> {
    if incidents.is_empty() {
        return Ok(Vec::new());
    }
    let first_week = incidents
        .iter()
        .map(|i| week_start(i.day))
        .min()
        .unwrap_or(0);
    let last_week = incidents
        .iter()
        .map(|i| week_start(i.day))
        .max()
        .unwrap_or(0);
    let weeks = ((last_week - first_week) / 7 + 1) as usize;
    let since_week = week_start(since_day.unwrap_or(last_week - 7 * 11));

    // Series per (key, region); key is a substance or `class:` name.
    let mut series: BTreeMap<(String, String), (String, Vec<f64>)> = BTreeMap::new();
    for inc in incidents {
        let w = ((week_start(inc.day) - first_week) / 7) as usize;
        let mut keys: Vec<(String, String)> =
            vec![(inc.substance.clone(), inc.substance_name.clone())];
        for c in &inc.classes {
            keys.push((format!("class:{c}"), format!("{c} (class)")));
        }
        for (key, name) in keys {
            for region in [inc.country.as_str(), "ALL"] {
                let entry = series
                    .entry((key.clone(), region.to_string()))
                    .or_insert_with(|| (name.clone(), vec![0.0; weeks]));
                entry.1[w] += 1.0;
            }
        }
    }

    let mut out = Vec::new();
    for ((key, region), (name, y)) in &series {
        // First detection: the first week with any incident, if it is recent.
        if let Some(first) = y.iter().position(|&v| v > 0.0) {
            let monday = first_week + 7 * first as i64;
            if monday >= since_week {
                let scope = if region == "ALL" {
                    "coalition-wide".to_string()
                } else {
                    format!("in {region}")
                };
                out.push(Alert {
                    kind: AlertKind::FirstDetection,
                    substance: key.clone(),
                    substance_name: name.clone(),
                    region: region.clone(),
                    week: iso_week_label(monday),
                    observed: y[first],
                    expected: 0.0,
                    upperbound: 0.0,
                    method: "first-detection".into(),
                    explanation: format!(
                        "{name} seen for the first time {scope} in week {} ({} incident(s)); never before in {} weeks of records",
                        iso_week_label(monday),
                        y[first],
                        first
                    ),
                    priority: 100.0 + if region == "ALL" { 50.0 } else { 0.0 } + y[first],
                });
            }
        }
        // Aberrations over the monitored weeks.
        let monitor_from = (((since_week - first_week) / 7).max(0) as usize) + 1;
        let points = match detector {
            Detector::Ears(method, control) => {
                let lag = match method {
                    EarsMethod::C1 => control.baseline,
                    EarsMethod::C2 => control.baseline + 2,
                    EarsMethod::C3 => control.baseline + 4,
                };
                let from = monitor_from.max(lag + 1);
                if from > y.len() {
                    continue;
                }
                ears(
                    y,
                    *method,
                    &EarsControl {
                        range: Some((from, y.len())),
                        ..control.clone()
                    },
                )?
            }
            Detector::Farrington(template) => {
                let w = template.w;
                let b = template.b.min(y.len().saturating_sub(w + 1) / 52);
                if b == 0 {
                    continue;
                }
                let from = monitor_from.max(52 * b + w + 1);
                if from > y.len() {
                    continue;
                }
                let control = FarringtonControl {
                    range: (from, y.len()),
                    b,
                    ..template.clone()
                };
                farrington(y, None, &control)?
            }
            Detector::Glr(template) => {
                let from = monitor_from.max(2 * template.harmonics + 3);
                if from > y.len() || y[..from - 1].iter().all(|&v| v == 0.0) {
                    continue;
                }
                glrnb(
                    y,
                    &GlrControl {
                        range: (from, y.len()),
                        ..template.clone()
                    },
                )?
            }
            Detector::Cusum { k, h, trans } => {
                let from = monitor_from.max(2);
                if from > y.len() {
                    continue;
                }
                let m = y[..from - 1].iter().sum::<f64>() / (from - 1) as f64;
                if m <= 0.0 {
                    continue; // no baseline level to standardise against
                }
                cusum(
                    y,
                    &CusumControl {
                        range: (from, y.len()),
                        k: *k,
                        h: *h,
                        m: Some(m),
                        trans: *trans,
                        alpha: None,
                    },
                )?
            }
        };
        // One alert per episode of consecutive alarm weeks.
        let mut i = 0;
        while i < points.len() {
            if points[i].alarm != Some(true) {
                i += 1;
                continue;
            }
            let start = i;
            while i < points.len() && points[i].alarm == Some(true) {
                i += 1;
            }
            let episode = &points[start..i];
            let peak = episode.iter().map(|p| p.observed).fold(0.0, f64::max);
            let p0 = &episode[0];
            let monday = first_week + 7 * (p0.t as i64 - 1);
            let scope = if region == "ALL" {
                "coalition-wide".to_string()
            } else {
                format!("in {region}")
            };
            let excess = (p0.observed - p0.expected) / p0.expected.max(1.0);
            out.push(Alert {
                kind: AlertKind::Aberration,
                substance: key.clone(),
                substance_name: name.clone(),
                region: region.clone(),
                week: iso_week_label(monday),
                observed: p0.observed,
                expected: p0.expected,
                upperbound: p0.upperbound,
                method: detector.name(),
                explanation: format!(
                    "{name} {scope}: {} incident(s) in week {} against {:.1} expected ({} {:.2}, {}); the rise lasted {} week(s), peaking at {}",
                    p0.observed,
                    iso_week_label(monday),
                    p0.expected,
                    if matches!(detector, Detector::Glr(_)) { "likelihood-ratio statistic" } else { "threshold" },
                    p0.upperbound,
                    detector.name(),
                    episode.len(),
                    peak
                ),
                priority: excess * 10.0 + peak + if region == "ALL" { 5.0 } else { 0.0 },
            });
        }
    }
    // A class with a single member substance in a region has the same series as that member:
    // its alerts would repeat the member's, so they are dropped.
    let mut members: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    for inc in incidents {
        for c in &inc.classes {
            for region in [inc.country.as_str(), "ALL"] {
                members
                    .entry((format!("class:{c}"), region.to_string()))
                    .or_default()
                    .insert(&inc.substance);
            }
        }
    }
    out.retain(|a| {
        !a.substance.starts_with("class:")
            || members
                .get(&(a.substance.clone(), a.region.clone()))
                .is_some_and(|m| m.len() > 1)
    });
    out.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then(a.week.cmp(&b.week))
            .then(a.substance.cmp(&b.substance))
            .then(a.region.cmp(&b.region))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_core::days_from_civil;

    fn inc(day: i64, country: &str, substance: &str, classes: &[&str]) -> Incident {
        Incident {
            day,
            country: country.into(),
            substance: substance.into(),
            substance_name: substance.into(),
            classes: classes.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn a_new_substance_and_a_rise_give_one_alert_each() {
        let start = days_from_civil(2025, 1, 6);
        let mut incidents = Vec::new();
        // 30 weeks of steady fentanyl seizures in MX, then a rise over 3 weeks.
        for w in 0..30 {
            let n = if w >= 27 { 9 } else { 2 + (w % 2) };
            for _ in 0..n {
                incidents.push(inc(start + 7 * w, "MX", "fentanyl", &["fentanyl-analogue"]));
            }
        }
        // A nitazene never seen before, in week 28.
        incidents.push(inc(start + 7 * 28, "US", "isotonitazene", &["nitazene"]));
        let det = Detector::Ears(
            EarsMethod::C2,
            EarsControl {
                min_sigma: 0.5,
                ..EarsControl::default()
            },
        );
        let alerts = alerts(&incidents, &det, Some(start + 7 * 20)).unwrap();
        let firsts: Vec<_> = alerts
            .iter()
            .filter(|a| a.kind == AlertKind::FirstDetection)
            .collect();
        assert!(firsts
            .iter()
            .any(|a| a.substance == "isotonitazene" && a.region == "US"));
        assert!(
            !firsts.iter().any(|a| a.substance == "fentanyl"),
            "fentanyl is history"
        );
        let rises: Vec<_> = alerts
            .iter()
            .filter(|a| {
                a.kind == AlertKind::Aberration && a.substance == "fentanyl" && a.region == "MX"
            })
            .collect();
        assert_eq!(rises.len(), 1, "one alert per episode: {rises:?}");
        assert!(rises[0].explanation.contains("peaking at 9"));
    }
}
