//! CUSUM as `surveillance::cusum` (algo.cusum) computes it.

use crate::{check_range, r_max, EwsError, Point};

/// How observations are standardised before summing (`control$trans`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transform {
    Standard,
    Anscombe,
    Anscombe2nd,
    Rossi,
    PearsonNegBin,
    None,
}

impl Transform {
    /// The transformation from the package's name (`standard`, `anscombe`, `anscombe2nd`,
    /// `rossi`, `pearsonNegBin`, `none`).
    pub fn parse(s: &str) -> Option<Transform> {
        Some(match s {
            "standard" => Transform::Standard,
            "anscombe" => Transform::Anscombe,
            "anscombe2nd" => Transform::Anscombe2nd,
            "rossi" => Transform::Rossi,
            "pearsonNegBin" => Transform::PearsonNegBin,
            "none" => Transform::None,
            _ => return None,
        })
    }
}

impl std::str::FromStr for Transform {
    type Err = EwsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Transform::parse(s).ok_or_else(|| EwsError::Unknown {
            what: "transformation",
            given: s.into(),
            expected: "standard, anscombe, anscombe2nd, rossi, pearsonNegBin or none",
        })
    }
}

/// `cusum` control arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct CusumControl {
    /// 1-based inclusive span to monitor; the points before it estimate `m` when not given.
    pub range: (usize, usize),
    pub k: f64,
    pub h: f64,
    /// The expected count; default the mean of the points before the range.
    pub m: Option<f64>,
    pub trans: Transform,
    /// Overdispersion of `pearsonNegBin`; default 0.1.
    pub alpha: Option<f64>,
}

pub fn cusum(y: &[f64], c: &CusumControl) -> Result<Vec<Point>, EwsError> {
    check_range(c.range, y.len())?;
    let m = match c.m {
        Some(m) => m,
        None => {
            if c.range.0 < 2 {
                return Err(EwsError::TooShort {
                    method: "CUSUM",
                    needed: 1,
                    first: c.range.0,
                    available: 0,
                });
            }
            let phase1 = &y[..c.range.0 - 1];
            phase1.iter().sum::<f64>() / phase1.len() as f64
        }
    };
    let alpha = c.alpha.unwrap_or(0.1);
    let (k, h) = (c.k, c.h);
    let mut out = Vec::with_capacity(c.range.1 - c.range.0 + 1);
    let mut s_prev = 0.0f64;
    for t in c.range.0..=c.range.1 {
        let x = y[t - 1];
        let z = match c.trans {
            Transform::Rossi => (x - 3.0 * m + 2.0 * (x * m).sqrt()) / (2.0 * m.sqrt()),
            Transform::Standard => (x - m) / m.sqrt(),
            Transform::Anscombe => {
                1.5 * (x.powf(2.0 / 3.0) - m.powf(2.0 / 3.0)) / m.powf(1.0 / 6.0)
            }
            Transform::Anscombe2nd => {
                (x.powf(2.0 / 3.0) - (m.powf(2.0 / 3.0) - m.powf(-1.0 / 3.0) / 9.0))
                    / (2.0 / 3.0 * m.powf(1.0 / 6.0))
            }
            Transform::PearsonNegBin => (x - m) / (m + alpha * m * m).sqrt(),
            Transform::None => x,
        };
        let s = r_max(0.0, s_prev + (z - k));
        let upper = match c.trans {
            Transform::Rossi => {
                2.0 * h * m.sqrt() + 2.0 * k * m.sqrt() - 2.0 * s_prev * m.sqrt() + 5.0 * m
                    - 2.0
                        * (4.0 * m * m + 2.0 * m.powf(1.5) * h + 2.0 * m.powf(1.5) * k
                            - 2.0 * m.powf(1.5) * s_prev)
                            .sqrt()
            }
            Transform::Standard => (m.sqrt() * (h + k - s_prev) + m).ceil(),
            Transform::Anscombe => {
                let base = 2.0 / 3.0 * m.powf(1.0 / 6.0) * (h + k - s_prev) + m.powf(2.0 / 3.0);
                if base < 0.0 {
                    0.0
                } else {
                    base.powf(1.5)
                }
            }
            Transform::Anscombe2nd => {
                let base = 2.0 / 3.0 * m.powf(1.0 / 6.0) * (h + k - s_prev)
                    + (m.powf(2.0 / 3.0) - m.powf(1.0 / 3.0) / 9.0);
                if base < 0.0 {
                    0.0
                } else {
                    base.powf(1.5)
                }
            }
            Transform::PearsonNegBin => (m + alpha * m * m).sqrt() * (h + k - s_prev) + m,
            Transform::None => h - s,
        };
        // `upperbound[is.na(upperbound)] <- 0; upperbound[upperbound < 0] <- 0`
        let upper = if upper.is_nan() || upper < 0.0 {
            0.0
        } else {
            upper
        };
        let alarm = if s.is_nan() { None } else { Some(s >= h) };
        out.push(Point {
            t,
            observed: x,
            upperbound: upper,
            expected: m,
            alarm,
        });
        s_prev = s;
    }
    Ok(out)
}
