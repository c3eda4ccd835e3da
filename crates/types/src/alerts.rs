//! Early-warning answers: one alert, ranked.

use interdict_ews::{Alert, AlertKind};
use serde::Serialize;

/// One alert as `interdict alerts` prints it. Expected values and bounds the detector could not
/// compute are `null`; figures have three decimals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertWire<'a> {
    pub rank: usize,
    /// `aberration` or `first_detection`.
    pub kind: &'static str,
    pub substance: &'a str,
    pub substance_name: &'a str,
    pub region: &'a str,
    pub week: &'a str,
    pub observed: f64,
    pub expected: Option<f64>,
    pub upperbound: Option<f64>,
    pub method: &'a str,
    pub explanation: &'a str,
}

fn figure(x: f64) -> Option<f64> {
    (!x.is_nan()).then(|| (x * 1000.0).round() / 1000.0)
}

impl<'a> AlertWire<'a> {
    /// The alert at `rank` (1-based).
    pub fn new(rank: usize, a: &'a Alert) -> Self {
        AlertWire {
            rank,
            kind: if a.kind == AlertKind::Aberration {
                "aberration"
            } else {
                "first_detection"
            },
            substance: &a.substance,
            substance_name: &a.substance_name,
            region: &a.region,
            week: &a.week,
            observed: a.observed,
            expected: figure(a.expected),
            upperbound: figure(a.upperbound),
            method: &a.method,
            explanation: &a.explanation,
        }
    }
}
