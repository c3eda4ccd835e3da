//! Likelihood-ratio CUSUMs as `surveillance::glrnb` computes them — Poisson (`alpha = 0`) and,
//! with a given `alpha`, negative binomial:
//! the generalized LR (change size estimated) or, with a fixed `theta`, the LR chart. After an
//! alarm the chart restarts from the next week, as the package does; the upper bound is the
//! statistic itself (`ret = "value"`). The in-control means come from the caller or, as in the
//! package, from a Poisson GLM with one seasonal harmonic fitted to the weeks before the range.

use crate::{check_range, glm, EwsError, Point};

/// `glrnb` control arguments (Poisson).
#[derive(Clone, Debug, PartialEq)]
pub struct GlrControl {
    pub range: (usize, usize),
    /// Alarm threshold (`c.ARL`); default 5.
    pub c_arl: f64,
    /// In-control mean: one value for every week, or `None` to estimate it.
    pub mu0: Option<f64>,
    /// Fixed change on the log scale (LR chart); `None` for the GLR chart.
    pub theta: Option<f64>,
    /// Harmonics of the in-control model (`mu0 = list(S = …)`); default 1.
    pub harmonics: usize,
    /// Linear trend in the in-control model; default false.
    pub trend: bool,
    /// Negative-binomial overdispersion (`alpha`); 0 for the Poisson chart.
    pub alpha: f64,
    /// Estimate `alpha` (as 1/θ of `MASS::glm.nb` on the weeks before the range) instead: the
    /// package's default when `alpha` is not given.
    pub estimate_alpha: bool,
}

impl GlrControl {
    pub fn defaults(range: (usize, usize)) -> GlrControl {
        GlrControl {
            range,
            c_arl: 5.0,
            mu0: None,
            theta: None,
            harmonics: 1,
            trend: false,
            alpha: 0.0,
            estimate_alpha: false,
        }
    }
}

/// The package's in-control means: a GLM on weeks 1..range.0-1 (Poisson, negative binomial with
/// the given alpha, or `glm.nb` when alpha is to be estimated), predicted over the range; and alpha.
fn estimate_mu0(y: &[f64], c: &GlrControl) -> Result<(Vec<f64>, f64), EwsError> {
    let train = c.range.0 - 1;
    // Saturating: absurd harmonics make the model too big for any series, not an overflow.
    let p = c
        .harmonics
        .saturating_mul(2)
        .saturating_add(1 + usize::from(c.trend));
    if train <= p {
        return Err(EwsError::TooShort {
            method: "GLR",
            needed: p.saturating_add(1),
            first: c.range.0,
            available: train,
        });
    }
    let row = |t: f64| {
        let mut r = vec![1.0];
        if c.trend {
            r.push(t);
        }
        for s in 1..=c.harmonics {
            let a = 2.0 * s as f64 * std::f64::consts::PI / 52.0 * t;
            r.push(a.cos());
            r.push(a.sin());
        }
        r
    };
    let x: Vec<Vec<f64>> = (1..=train).map(|t| row(t as f64)).collect();
    let (fit, alpha) = if c.estimate_alpha {
        let (fit, theta) = glm::glm_nb(&x, &y[..train]);
        (fit, 1.0 / theta)
    } else {
        let family = if c.alpha > 0.0 {
            glm::Family::NegBin(1.0 / c.alpha)
        } else {
            glm::Family::Poisson
        };
        (
            glm::fit_family(&x, &y[..train], &vec![1.0; train], family),
            c.alpha,
        )
    };
    let mu0 = (c.range.0..=c.range.1)
        .map(|t| {
            row(t as f64)
                .iter()
                .zip(&fit.coefficients)
                .map(|(a, b)| a * b)
                .sum::<f64>()
                .exp()
        })
        .collect();
    Ok((mu0, alpha))
}

/// One run of the chart over `x` from its start: the statistics up to the first alarm (inclusive)
/// and whether it alarmed.
fn run_chart(x: &[f64], mu0: &[f64], c: &GlrControl) -> (Vec<f64>, bool) {
    if c.alpha > 0.0 {
        return run_nb_chart(x, mu0, c);
    }
    if let Some(kappa) = c.theta {
        return run_lr_chart(x, mu0, c.c_arl, |xi, mi| {
            kappa * xi + (1.0 - kappa.exp()) * mi
        });
    }
    let mut values = Vec::with_capacity(x.len());
    for n in 0..x.len() {
        // max over change points k ≤ n of the profile log-likelihood ratio.
        let (mut sum_x, mut sum_mu) = (0.0, 0.0);
        let mut best = -1e99f64;
        for k in (0..=n).rev() {
            sum_x += x[k];
            sum_mu += mu0[k];
            let kappa = (sum_x / sum_mu).ln().max(0.0);
            let llr = kappa * sum_x + (1.0 - kappa.exp()) * sum_mu;
            best = best.max(llr);
        }
        values.push(best);
        if best >= c.c_arl {
            return (values, true);
        }
    }
    (values, false)
}

/// The LR chart for a known change: the CUSUM of the log-likelihood ratios `llr(x, μ0)`, kept at
/// or above 0; it alarms when the sum exceeds `c_arl` (strictly, as the package does).
fn run_lr_chart(
    x: &[f64],
    mu0: &[f64],
    c_arl: f64,
    llr: impl Fn(f64, f64) -> f64,
) -> (Vec<f64>, bool) {
    let mut values = Vec::with_capacity(x.len());
    let mut s = 0.0f64;
    for (&xi, &mi) in x.iter().zip(mu0) {
        s = (s + llr(xi, mi)).max(0.0);
        values.push(s);
        if s > c_arl {
            return (values, true);
        }
    }
    (values, false)
}

/// The negative-binomial charts (Höhle and Paul 2008): the LR chart for a known change `theta`,
/// or the GLR chart whose change is estimated by Newton steps for every possible change point
/// (k = 0..n, each starting from the previous estimate, as the package does).
fn run_nb_chart(x: &[f64], mu0: &[f64], c: &GlrControl) -> (Vec<f64>, bool) {
    let alpha = c.alpha;
    let term = |kappa: f64, xi: f64, mi: f64| {
        kappa * xi
            + (xi + 1.0 / alpha) * ((1.0 + alpha * mi) / (1.0 + alpha * mi * kappa.exp())).ln()
    };
    if let Some(kappa) = c.theta {
        return run_lr_chart(x, mu0, c.c_arl, |xi, mi| term(kappa, xi, mi));
    }
    let mut values = Vec::with_capacity(x.len());
    for n in 0..x.len() {
        let mut best = -1e99f64;
        let mut kappa_ml = 0.5;
        for k in 0..=n {
            let (mut old, mut new) = (0.4f64, kappa_ml);
            let mut iter = 0;
            while new > -18.0 && (new - old).abs() > 1e-6 && iter < 1000 {
                iter += 1;
                old = new;
                let e = old.exp();
                let (mut score, mut fisher) = (0.0, 0.0);
                for i in k..=n {
                    let d = 1.0 + alpha * e * mu0[i];
                    score += (x[i] - e * mu0[i]) / d;
                    fisher += mu0[i] * (alpha * x[i] + 1.0) / (d * d);
                }
                new = old + score / (e * fisher);
            }
            kappa_ml = new.max(0.0);
            let lnk: f64 = (k..=n).map(|i| term(kappa_ml, x[i], mu0[i])).sum();
            best = best.max(lnk);
        }
        values.push(best);
        if best >= c.c_arl {
            return (values, true);
        }
    }
    (values, false)
}

pub fn glrnb(y: &[f64], c: &GlrControl) -> Result<Vec<Point>, EwsError> {
    check_range(c.range, y.len())?;
    if c.theta == Some(1.0) {
        return Err(EwsError::Parameter {
            name: "theta",
            reason: "theta has to be larger than 1".into(),
        });
    }
    let (mu0, alpha) = match c.mu0 {
        Some(m) if !c.estimate_alpha => (vec![m; c.range.1 - c.range.0 + 1], c.alpha),
        Some(_) => {
            return Err(EwsError::Parameter {
                name: "mu0",
                reason: "alpha is estimated only together with the in-control mean: give alpha \
                         when giving mu0"
                    .into(),
            })
        }
        None => estimate_mu0(y, c)?,
    };
    let c = &GlrControl { alpha, ..c.clone() };
    let x = &y[c.range.0 - 1..c.range.1];
    let mut out = Vec::with_capacity(x.len());
    let mut start = 0;
    while start < x.len() {
        let (values, alarmed) = run_chart(&x[start..], &mu0[start..], c);
        let last = values.len() - 1;
        for (i, v) in values.iter().enumerate() {
            let t = c.range.0 + start + i;
            let upper = if v.is_nan() || *v < 0.0 { 0.0 } else { *v };
            out.push(Point {
                t,
                observed: x[start + i],
                upperbound: upper,
                expected: mu0[start + i],
                alarm: Some(alarmed && i == last),
            });
        }
        start += values.len();
    }
    Ok(out)
}
