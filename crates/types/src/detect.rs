//! Aberration-detection answers: one monitored point of a series.

use interdict_ews::Point;
use serde::Serialize;

/// One monitored point as `detect --json` prints it; NA and NaN are `null`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<&'a str>,
    pub t: usize,
    pub observed: Option<f64>,
    pub upperbound: Option<f64>,
    pub alarm: Option<bool>,
}

impl<'a> PointWire<'a> {
    pub fn new(series: Option<&'a str>, p: &Point) -> Self {
        let number = |x: f64| (!x.is_nan()).then_some(x);
        PointWire {
            series,
            t: p.t,
            observed: number(p.observed),
            upperbound: number(p.upperbound),
            alarm: p.alarm,
        }
    }
}
