//! Aberration detection for early warning, reproducing R `surveillance` 1.20.3 exactly
//! (`shared/docs/ews-methods.md`): same alarms, same upper bounds. An engine crate: series in,
//! results out; no files, no terminal.
//!
//! Built: EARS C1, C2, C3 (`earsC`), Farrington and the Noufaily improvements
//! (`farringtonFlexible`), CUSUM with the package's transformations (`cusum`) and the Poisson
//! and negative-binomial likelihood-ratio charts (`glrnb`, alpha given or estimated by
//! `MASS::glm.nb`).
//!
//! Two ways in: each method's function with its full control arguments ([`ears`],
//! [`farrington`], [`cusum`], [`glrnb`]), or a [`Method`] with [`Overrides`] of its documented
//! defaults, turned into a [`Detector`] that runs over any series (what `interdict detect` and
//! `interdict alerts` use, so both map method names to settings in one place).
//!
//! R semantics are kept where they differ from Rust's: `pmax`/`max` propagate NaN (Rust's
//! `f64::max` would drop it), and a NaN upper bound gives an NA alarm. Options and data the
//! package would stop on, or that cannot give a result, are an [`EwsError`], never a panic.

mod alerts;
mod cusum;
mod detector;
mod ears;
mod farrington;
mod glm;
mod glr;

pub use alerts::{
    alerts, alerts_with_fallback, Alert, AlertKind, AlertState, ChartPoint, Incident, PointMemo,
    LOOKBACK_WEEKS, SUSTAINED_RATIO,
};
pub use cusum::{cusum, CusumControl, Transform};
pub use detector::{Detector, Method, Overrides};
pub use ears::{ears, EarsControl, EarsMethod};
pub use farrington::{farrington, FarringtonControl, PowerTransform, ThresholdMethod};
pub use glr::{glrnb, GlrControl};

/// One monitored time point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// 1-based index in the series.
    pub t: usize,
    pub observed: f64,
    /// NaN where the package gives NA or NaN.
    pub upperbound: f64,
    /// What the method expected (EARS: the baseline mean; CUSUM: m). Not part of R's output.
    pub expected: f64,
    /// `None` where the package gives NA.
    pub alarm: Option<bool>,
}

/// Why a detector cannot run on this series with these parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EwsError {
    #[error("invalid parameter {name}: {reason}")]
    Parameter { name: &'static str, reason: String },
    /// `available`: the points the series has before `first`.
    #[error("{method} needs {needed} time points before the first monitored one (t = {first}); the series has only {available}")]
    TooShort {
        method: &'static str,
        needed: usize,
        first: usize,
        available: usize,
    },
    #[error("range {from}..{to} is outside the series (1..{len})")]
    Range { from: usize, to: usize, len: usize },
    #[error("range {from}..{to} is reversed: it runs from the first monitored time point to the last, so {from} must not be after {to}")]
    ReversedRange { from: usize, to: usize },
    /// A dated series lacks the week `years` calendar years before the monitored one.
    #[error("Farrington at t = {t} ({date}): the reference week {reference}, {years} year(s) earlier, is not in the series: {reason}")]
    MissingReference {
        t: usize,
        date: String,
        reference: String,
        years: usize,
        reason: String,
    },
    /// A name (of a method, transformation, …) that is not one of the valid ones.
    #[error("unknown {what} `{given}`: expected {expected}")]
    Unknown {
        what: &'static str,
        given: String,
        expected: &'static str,
    },
}

/// R's `pmax`/`max` of two numbers: NaN if either is NaN.
pub(crate) fn r_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// R's `x > y` as an alarm: NA when either side is NaN.
pub(crate) fn r_gt(a: f64, b: f64) -> Option<bool> {
    if a.is_nan() || b.is_nan() {
        None
    } else {
        Some(a > b)
    }
}

/// Checks a 1-based inclusive range against a series length.
pub(crate) fn check_range(range: (usize, usize), len: usize) -> Result<(), EwsError> {
    let (from, to) = range;
    if from > to {
        return Err(EwsError::ReversedRange { from, to });
    }
    if from < 1 || to > len {
        return Err(EwsError::Range { from, to, len });
    }
    Ok(())
}

/// A significance level strictly between 0 and 1: the normal and Student quantiles of `statrs`
/// panic outside [0, 1], and 0 or 1 give infinite thresholds.
pub(crate) fn check_alpha(name: &'static str, alpha: f64) -> Result<(), EwsError> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(EwsError::Parameter {
            name,
            reason: format!("{alpha} is not a significance level in (0, 1)"),
        })
    }
}

/// The standard normal quantile of `p` (in (0, 1), checked by the callers).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    // `Normal::standard()` cannot fail; `inverse_cdf` panics only outside [0, 1].
    if (0.0..=1.0).contains(&p) {
        Normal::standard().inverse_cdf(p)
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reversed_range_is_called_reversed() {
        let e = check_range((10, 5), 20).unwrap_err();
        assert_eq!(e, EwsError::ReversedRange { from: 10, to: 5 });
        assert!(e.to_string().contains("reversed"), "{e}");
        assert!(matches!(
            check_range((0, 5), 20),
            Err(EwsError::Range { .. })
        ));
        assert!(matches!(
            check_range((5, 21), 20),
            Err(EwsError::Range { .. })
        ));
        assert!(check_range((5, 20), 20).is_ok());
    }

    #[test]
    fn significance_levels_outside_zero_one_are_refused() {
        for alpha in [0.0, 1.0, -0.5, 2.0, f64::NAN, f64::INFINITY] {
            assert!(check_alpha("alpha", alpha).is_err(), "{alpha}");
        }
        assert!(check_alpha("alpha", 0.05).is_ok());
        assert!(normal_quantile(2.0).is_nan());
    }
}
