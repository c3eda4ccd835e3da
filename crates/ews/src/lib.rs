//! Aberration detection for early warning, reproducing R `surveillance` 1.20.3 exactly
//! (`shared/docs/ews-methods.md`): same alarms, same upper bounds. An engine crate: series in,
//! results out; no files, no terminal.
//!
//! Built: EARS C1, C2, C3 (`earsC`), Farrington and the Noufaily improvements
//! (`farringtonFlexible`), CUSUM with the package's transformations (`cusum`) and the Poisson
//! and negative-binomial likelihood-ratio charts (`glrnb`, alpha given or estimated by
//! `MASS::glm.nb`).
//!
//! R semantics are kept where they differ from Rust's: `pmax`/`max` propagate NaN (Rust's
//! `f64::max` would drop it), and a NaN upper bound gives an NA alarm.

pub mod alerts;
pub mod cusum;
pub mod ears;
pub mod farrington;
mod glm;
pub mod glr;

pub use cusum::{cusum, CusumControl, Transform};
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
    #[error("{method} needs {needed} time points before the first monitored one (t = {first}); the series has {available}")]
    TooShort {
        method: &'static str,
        needed: usize,
        first: usize,
        available: usize,
    },
    #[error("range {from}..{to} is outside the series (1..{len})")]
    Range { from: usize, to: usize, len: usize },
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
    if range.0 < 1 || range.0 > range.1 || range.1 > len {
        return Err(EwsError::Range {
            from: range.0,
            to: range.1,
            len,
        });
    }
    Ok(())
}
