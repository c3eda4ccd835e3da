//! Farrington and the Noufaily improvements, as `surveillance::farringtonFlexible` computes them.

use statrs::distribution::{
    ContinuousCDF, DiscreteCDF, NegativeBinomial, Normal, Poisson, StudentsT,
};

use crate::glm::{self, quad_form};
use crate::{check_range, EwsError, Point};
use interdict_core::{civil_from_days, days_from_civil};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdMethod {
    /// Farrington's threshold on the power-transformed scale.
    Delta,
    /// Noufaily: negative-binomial quantile around the predicted mean.
    NbPlugin,
    /// Noufaily: the same around the upper confidence limit of the mean.
    Muan,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerTransform {
    TwoThirds,
    Half,
    None,
}

/// `farringtonFlexible` control arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct FarringtonControl {
    pub range: (usize, usize),
    pub b: usize,
    pub w: usize,
    pub reweight: bool,
    pub weights_threshold: f64,
    pub trend: bool,
    pub p_threshold_trend: f64,
    pub no_periods: usize,
    pub past_weeks_not_included: usize,
    pub threshold_method: ThresholdMethod,
    pub alpha: f64,
    pub powertrans: PowerTransform,
    /// (cases, weeks): alarms need at least `cases` in the last `weeks` weeks.
    pub limit54: (f64, usize),
}

impl FarringtonControl {
    /// The package defaults (`farringtonFlexible` with its documented defaults) over `range`.
    pub fn defaults(range: (usize, usize)) -> FarringtonControl {
        FarringtonControl {
            range,
            b: 5,
            w: 3,
            reweight: true,
            weights_threshold: 2.58,
            trend: true,
            p_threshold_trend: 0.05,
            no_periods: 1,
            past_weeks_not_included: 3,
            threshold_method: ThresholdMethod::Delta,
            alpha: 0.05,
            powertrans: PowerTransform::TwoThirds,
            limit54: (5.0, 4),
        }
    }
}

/// The smallest count x with P(X ≤ x) ≥ p, as R's `qpois`/`qnbinom` find it (including their
/// fuzz `p·(1 − 64ε)` for left continuity), by a search from the normal approximation over the
/// distribution's CDF. NaN if the search does not end (a degenerate distribution).
fn discrete_quantile(cdf: impl Fn(u64) -> f64, p: f64, mean: f64, sd: f64) -> f64 {
    let target = p * (1.0 - 64.0 * f64::EPSILON);
    let z = Normal::new(0.0, 1.0)
        .map(|n| n.inverse_cdf(p))
        .unwrap_or(0.0);
    let guess = (mean + z * sd).floor();
    let mut x: u64 = if guess.is_finite() && guess > 0.0 {
        guess.min(1e15) as u64
    } else {
        0
    };
    let mut steps = 0u32;
    if cdf(x) >= target {
        while x > 0 && cdf(x - 1) >= target {
            x -= 1;
            steps += 1;
            if steps > 10_000_000 {
                return f64::NAN;
            }
        }
    } else {
        while cdf(x) < target {
            x += 1;
            steps += 1;
            if steps > 10_000_000 {
                return f64::NAN;
            }
        }
    }
    x as f64
}

/// Weekday with 0 = Sunday, as R's `format(x, "%w")`.
fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

/// R's `seq(date, by = "-1 year")`: the same month and day `years` earlier (29 Feb rolls to 1 Mar).
fn years_back(day: i64, years: i32) -> i64 {
    let (y, m, d) = civil_from_days(day);
    let y2 = y - years;
    let leap = (y2 % 4 == 0 && y2 % 100 != 0) || y2 % 400 == 0;
    if m == 2 && d == 29 && !leap {
        days_from_civil(y2, 3, 1)
    } else {
        days_from_civil(y2, m, d)
    }
}

struct Model {
    fit: glm::Fit,
    phi: f64,
    /// What `summary.glm` later sees as the model's weights.
    summary_weights: Vec<f64>,
    has_trend: bool,
}

/// `algo.farrington.fitGLM.flexible`.
fn fit_flexible(
    y: &[f64],
    wtime: &[f64],
    groups: &[usize],
    levels: &[usize],
    trend: bool,
    reweight: bool,
    weights_threshold: f64,
) -> Option<Model> {
    let design = |trend: bool| -> Vec<Vec<f64>> {
        (0..y.len())
            .map(|i| {
                let mut row = Vec::with_capacity(1 + usize::from(trend) + levels.len());
                row.push(1.0);
                if trend {
                    row.push(wtime[i]);
                }
                for l in levels.iter().skip(1) {
                    row.push(if groups[i] == *l { 1.0 } else { 0.0 });
                }
                row
            })
            .collect()
    };
    let ones = vec![1.0; y.len()];
    let mut has_trend = trend;
    let mut x = design(trend);
    let mut fit = glm::fit(&x, y, &ones);
    if !fit.converged {
        if trend {
            has_trend = false;
            x = design(false);
            fit = glm::fit(&x, y, &ones);
        }
        if !fit.converged {
            return None;
        }
    }
    let mut phi = fit.dispersion_with(&fit.working_weights).max(1.0);
    let mut summary_weights = fit.working_weights.clone();
    if reweight {
        let hat = fit.hat_values(&x);
        let s: Vec<f64> = (0..y.len())
            .map(|i| {
                let mu = fit.mu[i];
                1.5 * (y[i].powf(2.0 / 3.0) * mu.powf(-1.0 / 6.0) - mu.sqrt())
                    / (phi * (1.0 - hat[i])).sqrt()
            })
            .collect();
        let denom: f64 = s
            .iter()
            .map(|&si| {
                if si > weights_threshold {
                    si.powi(-2)
                } else {
                    1.0
                }
            })
            .sum();
        let gamma = s.len() as f64 / denom;
        let omega: Vec<f64> = s
            .iter()
            .map(|&si| {
                if si > weights_threshold {
                    gamma * si.powi(-2)
                } else {
                    gamma
                }
            })
            .collect();
        fit = glm::fit(&x, y, &omega);
        phi = fit.dispersion_with(&fit.working_weights).max(1.0);
        summary_weights = omega;
    }
    Some(Model {
        fit,
        phi,
        summary_weights,
        has_trend,
    })
}

impl Model {
    fn predict(&self, row: &[f64]) -> (f64, f64) {
        let eta: f64 = row
            .iter()
            .zip(&self.fit.coefficients)
            .map(|(a, b)| a * b)
            .sum();
        let disp = self.fit.dispersion_with(&self.summary_weights);
        let se = (quad_form(&self.fit.r, self.fit.p, row) * disp).sqrt();
        (eta, se)
    }

    fn trend_p_value(&self) -> f64 {
        let disp = self.fit.dispersion_with(&self.summary_weights);
        let p = self.fit.p;
        let mut e = vec![0.0; p];
        e[1] = 1.0;
        let se = (quad_form(&self.fit.r, p, &e) * disp).sqrt();
        let t = self.fit.coefficients[1] / se;
        let dist =
            StudentsT::new(0.0, 1.0, self.fit.df_residual).expect("positive degrees of freedom");
        2.0 * dist.cdf(-t.abs())
    }
}

/// Runs the method over `y` (weekly counts). `dates` (day numbers, one per week) make the reference
/// weeks calendar years back, snapped to the same weekday, as for a date-indexed `sts`.
pub fn farrington(
    y: &[f64],
    dates: Option<&[i64]>,
    c: &FarringtonControl,
) -> Result<Vec<Point>, EwsError> {
    check_range(c.range, y.len())?;
    if c.b == 0 || c.no_periods == 0 {
        return Err(EwsError::Parameter {
            name: "b",
            reason: "b and no-periods must be at least 1".into(),
        });
    }
    if c.limit54.1 == 0 || c.limit54.0 < 0.0 {
        return Err(EwsError::Parameter {
            name: "limit54",
            reason: "cases >= 0 and period > 0".into(),
        });
    }
    let z = Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(1.0 - c.alpha);
    let mut out = Vec::new();
    for k in c.range.0..=c.range.1 {
        // Reference weeks: this week and the same week 1..b years back (1-based indices).
        let refs: Vec<usize> = match dates {
            None => {
                if k <= 52 * c.b {
                    return Err(EwsError::TooShort {
                        method: "Farrington",
                        needed: 52 * c.b,
                        first: k,
                        available: k - 1,
                    });
                }
                (0..=c.b).map(|j| k - 52 * j).collect()
            }
            Some(d) => {
                let day = d[k - 1];
                let mut v = Vec::new();
                for j in 0..=c.b as i32 {
                    let r = years_back(day, j);
                    let a = r - (weekday(r) - weekday(day));
                    let b = a + if a > r { -7 } else { 7 };
                    let pick = if (a - r).abs() > (b - r).abs() { b } else { a };
                    let idx = d
                        .iter()
                        .position(|&x| x == pick)
                        .ok_or(EwsError::TooShort {
                            method: "Farrington",
                            needed: 52 * c.b,
                            first: k,
                            available: k - 1,
                        })?;
                    v.push(idx + 1);
                }
                v
            }
        };
        // Blocks (1-based positions → period label).
        let n = y.len();
        let mut blocks: Vec<Option<usize>> = vec![None; n + 1];
        let w = c.w;
        let p = c.no_periods;
        let set = |blocks: &mut Vec<Option<usize>>, from: usize, to: usize, v: usize| {
            let (from, to) = (from.max(1), to.min(n));
            if from <= to {
                blocks[from..=to].iter_mut().for_each(|b| *b = Some(v));
            }
        };
        set(&mut blocks, k.saturating_sub(w), k, p);
        for i in 1..=c.b {
            let ref_week = refs[i];
            set(&mut blocks, ref_week.saturating_sub(w), ref_week + w, p);
            if p != 1 {
                let period = refs[i - 1] as i64 - 2 * w as i64 - 1 - ref_week as i64;
                if period < p as i64 - (2 * w as i64 + 1) {
                    return Err(EwsError::Parameter {
                        name: "no-periods",
                        reason: "number of factors too big".into(),
                    });
                }
                let len = period.div_euclid(p as i64 - 1);
                let rest = period.rem_euclid(p as i64 - 1);
                let mut cum = vec![0i64];
                for j in 0..(p - 1) as i64 {
                    let l = len + i64::from(j < rest);
                    cum.push(cum.last().copied().unwrap_or(0) + l);
                }
                for j in 1..p {
                    let from = ref_week as i64 + w as i64 + 1 + cum[j - 1];
                    let to = ref_week as i64 + w as i64 + 1 + cum[j] - 1;
                    if to >= from {
                        set(&mut blocks, from as usize, to as usize, j);
                    }
                }
            }
        }
        let from = k.saturating_sub(c.past_weeks_not_included).max(1);
        blocks[from..=k].iter_mut().for_each(|b| *b = None);
        let idx: Vec<usize> = (1..=n).filter(|&i| blocks[i].is_some()).collect();
        let step = dates.map(|d| (d[1] - d[0]) as f64);
        let wtime: Vec<f64> = match (dates, step) {
            (Some(d), Some(s)) => idx
                .iter()
                .map(|&i| (d[i - 1] - d[idx[0] - 1]) as f64 / s)
                .collect(),
            _ => idx.iter().map(|&i| i as f64).collect(),
        };
        let wtime_now = match (dates, step) {
            (Some(d), Some(s)) => (d[k - 1] - d[idx[0] - 1]) as f64 / s,
            _ => k as f64,
        };
        let groups: Vec<usize> = idx.iter().map(|&i| blocks[i].unwrap_or(0)).collect();
        let mut levels: Vec<usize> = groups.clone();
        levels.sort_unstable();
        levels.dedup();
        let response: Vec<f64> = idx.iter().map(|&i| y[i - 1]).collect();
        let row = |trend: bool| -> Vec<f64> {
            let mut r = vec![1.0];
            if trend {
                r.push(wtime_now);
            }
            for l in levels.iter().skip(1) {
                r.push(if *l == p { 1.0 } else { 0.0 });
            }
            r
        };

        let fit_with = |trend: bool| {
            fit_flexible(
                &response,
                &wtime,
                &groups,
                &levels,
                trend,
                c.reweight,
                c.weights_threshold,
            )
        };
        let mut model = fit_with(c.trend);
        if let Some(m) = &model {
            if m.has_trend {
                let (eta, _) = m.predict(&row(true));
                let significant = m.trend_p_value() < c.p_threshold_trend;
                let max_response = response.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let do_trend = c.b >= 3 && significant && eta.exp() <= max_response;
                if !do_trend {
                    model = fit_with(false);
                }
            }
        }
        let observed = y[k - 1];
        let Some(model) = model else {
            out.push(Point {
                t: k,
                observed,
                upperbound: f64::NAN,
                expected: f64::NAN,
                alarm: None,
            });
            continue;
        };
        let (eta0, se_eta) = model.predict(&row(model.has_trend));
        let phi = model.phi;
        let (pred_fit, upper) = match c.threshold_method {
            ThresholdMethod::Delta => {
                let mu0 = eta0.exp();
                let se_fit = se_eta * mu0;
                let tau = phi + se_fit * se_fit / mu0;
                let (se, e) = match c.powertrans {
                    PowerTransform::TwoThirds => {
                        ((4.0 / 9.0 * mu0.powf(1.0 / 3.0) * tau).sqrt(), 2.0 / 3.0)
                    }
                    PowerTransform::Half => ((0.25 * tau).sqrt(), 0.5),
                    PowerTransform::None => ((mu0 * tau).sqrt(), 1.0),
                };
                let hi = (mu0.powf(e) + z * se).powf(1.0 / e);
                let lo = (mu0.powf(e) - z * se).powf(1.0 / e);
                // `sort(c(lo, hi), na.last = FALSE)[2]`
                let upper = if lo.is_nan() {
                    hi
                } else if hi.is_nan() {
                    f64::NAN
                } else {
                    lo.max(hi)
                };
                (mu0, upper)
            }
            ThresholdMethod::NbPlugin | ThresholdMethod::Muan => {
                let mu_q = if c.threshold_method == ThresholdMethod::NbPlugin {
                    eta0.exp()
                } else {
                    Normal::new(eta0, se_eta)
                        .map(|n| n.inverse_cdf(1.0 - c.alpha))
                        .unwrap_or(f64::NAN)
                        .exp()
                };
                let upper = if !mu_q.is_finite() {
                    f64::NAN
                } else if phi > 1.0 {
                    NegativeBinomial::new(mu_q / (phi - 1.0), 1.0 / phi)
                        .map(|d| {
                            discrete_quantile(
                                |x| d.cdf(x),
                                1.0 - c.alpha,
                                mu_q,
                                (mu_q * phi).sqrt(),
                            )
                        })
                        .unwrap_or(f64::NAN)
                } else {
                    Poisson::new(mu_q)
                        .map(|d| discrete_quantile(|x| d.cdf(x), 1.0 - c.alpha, mu_q, mu_q.sqrt()))
                        .unwrap_or(f64::NAN)
                };
                (eta0, upper)
            }
        };
        let from = k + 1 - c.limit54.1.min(k);
        let recent: f64 = y[from - 1..k].iter().sum();
        let enough = recent >= c.limit54.0;
        let score = (observed - pred_fit) / (upper - pred_fit);
        let alarm = enough && !upper.is_nan() && score > 1.0 && observed != 0.0;
        out.push(Point {
            t: k,
            observed,
            upperbound: if enough { upper } else { f64::NAN },
            expected: eta0.exp(),
            alarm: Some(alarm),
        });
    }
    Ok(out)
}
