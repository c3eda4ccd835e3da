//! EARS C1, C2, C3 as `surveillance::earsC` computes them.

use crate::{check_range, normal_quantile, r_gt, r_max, EwsError, Point};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EarsMethod {
    C1,
    C2,
    C3,
}

impl EarsMethod {
    /// The method from its command-line name (`ears-c1`, `ears-c2`, `ears-c3`).
    pub fn parse(name: &str) -> Option<EarsMethod> {
        Some(match name {
            "ears-c1" => EarsMethod::C1,
            "ears-c2" => EarsMethod::C2,
            "ears-c3" => EarsMethod::C3,
            _ => return None,
        })
    }

    /// The command-line name, as [`EarsMethod::parse`] reads it.
    pub fn cli_name(self) -> &'static str {
        match self {
            EarsMethod::C1 => "ears-c1",
            EarsMethod::C2 => "ears-c2",
            EarsMethod::C3 => "ears-c3",
        }
    }

    /// How far back the method looks from the monitored point; `None` when that overflows.
    fn max_lag(self, baseline: usize) -> Option<usize> {
        baseline.checked_add(match self {
            EarsMethod::C1 => 0,
            EarsMethod::C2 => 2,
            EarsMethod::C3 => 4,
        })
    }

    /// The significance level the package uses when none is given.
    fn default_alpha(self) -> f64 {
        match self {
            EarsMethod::C3 => 0.025,
            _ => 0.001,
        }
    }

    fn name(self) -> &'static str {
        match self {
            EarsMethod::C1 => "EARS C1",
            EarsMethod::C2 => "EARS C2",
            EarsMethod::C3 => "EARS C3",
        }
    }
}

/// `earsC` control arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct EarsControl {
    /// Baseline window length (at least 3); default 7.
    pub baseline: usize,
    /// Lower limit of the standard deviation; default 0.
    pub min_sigma: f64,
    /// Significance level; default 0.001 for C1 and C2, 0.025 for C3.
    pub alpha: Option<f64>,
    /// 1-based inclusive span to monitor; default every point with enough history.
    pub range: Option<(usize, usize)>,
}

impl Default for EarsControl {
    fn default() -> Self {
        EarsControl {
            baseline: 7,
            min_sigma: 0.0,
            alpha: None,
            range: None,
        }
    }
}

/// Mean and sample standard deviation (n − 1), as R's `mean` and `sd`.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

/// The C1 (lag 1) or C2/C3 (lag 3) reference window of 1-based time `t`: `y[t-lag-baseline+1 ..= t-lag]`.
fn reference(y: &[f64], t: usize, baseline: usize, lag: usize) -> &[f64] {
    &y[t - lag - baseline..t - lag]
}

impl EarsControl {
    /// The checks that need no series: baseline at least 3 (and not so long that the look-back
    /// overflows), min-sigma a number ≥ 0, alpha in (0, 1).
    pub fn validate(&self, method: EarsMethod) -> Result<(), EwsError> {
        self.checked(method).map(|_| ())
    }

    /// [`EarsControl::validate`], returning the look-back and the significance level.
    fn checked(&self, method: EarsMethod) -> Result<(usize, f64), EwsError> {
        let baseline = self.baseline;
        if baseline < 3 {
            return Err(EwsError::Parameter {
                name: "baseline",
                reason: "the minimum baseline is 3".into(),
            });
        }
        let max_lag = method.max_lag(baseline).ok_or(EwsError::Parameter {
            name: "baseline",
            reason: format!("{baseline} weeks is longer than any series"),
        })?;
        if self.min_sigma.is_nan() || self.min_sigma < 0.0 {
            return Err(EwsError::Parameter {
                name: "min-sigma",
                reason: "must be zero or positive".into(),
            });
        }
        let alpha = self.alpha.unwrap_or(method.default_alpha());
        if alpha.is_nan() || alpha <= 0.0 || alpha >= 1.0 {
            return Err(EwsError::Parameter {
                name: "alpha",
                reason: format!("{alpha} is not in (0, 1)"),
            });
        }
        Ok((max_lag, alpha))
    }
}

pub fn ears(y: &[f64], method: EarsMethod, control: &EarsControl) -> Result<Vec<Point>, EwsError> {
    let (max_lag, alpha) = control.checked(method)?;
    let baseline = control.baseline;
    let range = match control.range {
        Some(range) => range,
        // Every point with enough history; none when the series is no longer than the look-back.
        None if max_lag < y.len() => (max_lag + 1, y.len()),
        None => {
            return Err(EwsError::TooShort {
                method: method.name(),
                needed: max_lag,
                first: max_lag.saturating_add(1),
                available: y.len(),
            })
        }
    };
    check_range(range, y.len())?;
    if range.0 <= max_lag {
        return Err(EwsError::TooShort {
            method: method.name(),
            needed: max_lag,
            first: range.0,
            available: range.0 - 1,
        });
    }
    let z = normal_quantile(1.0 - alpha);
    let min_sigma = control.min_sigma;
    let mut out = Vec::with_capacity(range.1 - range.0 + 1);
    match method {
        EarsMethod::C1 | EarsMethod::C2 => {
            let lag = if method == EarsMethod::C1 { 1 } else { 3 };
            for t in range.0..=range.1 {
                let (m, s) = mean_sd(reference(y, t, baseline, lag));
                let upper = m + z * r_max(s, min_sigma);
                out.push(Point {
                    t,
                    observed: y[t - 1],
                    upperbound: upper,
                    expected: m,
                    alarm: r_gt(y[t - 1], upper),
                });
            }
        }
        EarsMethod::C3 => {
            // The C2 statistic at u = t-2 .. t; the package uses only the two earlier ones.
            let c2 = |u: usize| {
                let (m, s) = mean_sd(reference(y, u, baseline, 3));
                (y[u - 1] - m) / r_max(s, min_sigma)
            };
            for t in range.0..=range.1 {
                let lag2 = r_max(0.0, c2(t - 2) - 1.0);
                let lag1 = r_max(0.0, c2(t - 1) - 1.0);
                let (m, s) = mean_sd(reference(y, t, baseline, 3));
                let upper = r_max(0.0, y[t - 1] + r_max(s, min_sigma) * (z - (lag2 + lag1)));
                out.push(Point {
                    t,
                    observed: y[t - 1],
                    upperbound: upper,
                    expected: m,
                    alarm: r_gt(y[t - 1], upper),
                });
            }
        }
    }
    Ok(out)
}
