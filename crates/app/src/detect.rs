//! Aberration detection over weekly series: a method, a preset and the caller's settings make
//! one detector (the method's defaults are `interdict_ews`'s, in one place), which runs over
//! every series. `interdict detect` and `POST /api/v1/detect` build theirs here.

use interdict_ews::{Detector, EwsError, Method, Overrides, Point};
use rayon::prelude::*;

/// Settings to start from before the caller's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Noufaily's Farrington settings ([`Overrides::noufaily`]), the ones `interdict alerts`
    /// runs.
    Noufaily,
}

/// A name that is not a preset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the only preset is `noufaily`")]
pub struct UnknownPreset;

impl std::str::FromStr for Preset {
    type Err = UnknownPreset;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "noufaily" => Ok(Preset::Noufaily),
            _ => Err(UnknownPreset),
        }
    }
}

impl Preset {
    pub fn overrides(self) -> Overrides {
        match self {
            Preset::Noufaily => Overrides::noufaily(),
        }
    }
}

/// The detector of `method` with the caller's settings `given`, each over the preset's (when one
/// is named), over the method's defaults.
pub fn detector(
    method: Method,
    preset: Option<Preset>,
    given: &Overrides,
) -> Result<Detector, EwsError> {
    let base = preset.map(Preset::overrides).unwrap_or_default();
    Detector::new(method, &over(given, &base))
}

/// Every setting of `given`, and those it leaves open from `base`.
fn over(given: &Overrides, base: &Overrides) -> Overrides {
    Overrides {
        baseline: given.baseline.or(base.baseline),
        min_sigma: given.min_sigma.or(base.min_sigma),
        alpha: given.alpha.or(base.alpha),
        k: given.k.or(base.k),
        h: given.h.or(base.h),
        m: given.m.or(base.m),
        trans: given.trans.or(base.trans),
        b: given.b.or(base.b),
        w: given.w.or(base.w),
        reweight: given.reweight.or(base.reweight),
        weights_threshold: given.weights_threshold.or(base.weights_threshold),
        p_threshold_trend: given.p_threshold_trend.or(base.p_threshold_trend),
        trend: given.trend.or(base.trend),
        limit54: given.limit54.or(base.limit54),
        no_periods: given.no_periods.or(base.no_periods),
        past_weeks_not_included: given
            .past_weeks_not_included
            .or(base.past_weeks_not_included),
        threshold_method: given.threshold_method.or(base.threshold_method),
        powertrans: given.powertrans.or(base.powertrans),
        c_arl: given.c_arl.or(base.c_arl),
        theta: given.theta.or(base.theta),
        mu0: given.mu0.or(base.mu0),
    }
}

/// One weekly series: its name (in a file of several), the counts, oldest first, and the day
/// number of each week when dates were given for all.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub id: Option<String>,
    pub y: Vec<f64>,
    pub dates: Option<Vec<i64>>,
}

/// The monitored points of one series, over `range` (1-based, inclusive) or the method's
/// default span.
pub fn run(
    detector: &Detector,
    series: &Series,
    range: Option<(usize, usize)>,
) -> Result<Vec<Point>, EwsError> {
    detector.run(&series.y, series.dates.as_deref(), range)
}

/// [`run`] over every series, in parallel; the results in the order of `series`.
pub fn run_all(
    detector: &Detector,
    series: &[Series],
    range: Option<(usize, usize)>,
) -> Vec<Result<Vec<Point>, EwsError>> {
    series.par_iter().map(|s| run(detector, s, range)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_go_over_the_preset_over_the_defaults() {
        let given = Overrides {
            no_periods: Some(3),
            b: Some(2),
            ..Overrides::default()
        };
        let merged = over(&given, &Preset::Noufaily.overrides());
        let noufaily = Overrides::noufaily();
        assert_eq!(merged.no_periods, Some(3));
        assert_eq!(merged.b, Some(2));
        assert_eq!(merged.threshold_method, noufaily.threshold_method);
        assert_eq!(
            merged.past_weeks_not_included,
            noufaily.past_weeks_not_included
        );
        assert_eq!(over(&given, &Overrides::default()), given);
        assert_eq!("noufaily".parse::<Preset>(), Ok(Preset::Noufaily));
        assert_eq!(
            "farrington".parse::<Preset>().unwrap_err().to_string(),
            "the only preset is `noufaily`"
        );
    }
}
