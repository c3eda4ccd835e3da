//! A quasi-Poisson log-link GLM fitted the way R's `glm.fit` fits it: start at μ = y + 0.1,
//! iteratively reweighted least squares (normal equations, Cholesky; R uses a QR — the
//! difference is far below the 1e-6 agreement required), stop when the relative change in deviance
//! is below 1e-8 (at most 25 iterations). Like R, the returned working weights, QR (hence hat
//! values and the unscaled covariance) come from the last iteration, computed from the μ before
//! the final update — which is what `surveillance` then works with.

/// A fitted model.
#[derive(Clone, Debug)]
pub struct Fit {
    pub coefficients: Vec<f64>,
    /// Fitted means.
    pub mu: Vec<f64>,
    /// Working weights of the last iteration (prior weight × μ_previous).
    pub working_weights: Vec<f64>,
    /// Working residuals (y − μ)/μ.
    pub residuals: Vec<f64>,
    /// Upper-triangular R of the last iteration's QR of √W·X (p × p, row-major).
    pub r: Vec<f64>,
    pub p: usize,
    pub df_residual: f64,
    pub converged: bool,
}

/// Weighted least squares by the normal equations: XᵀWX = LLᵀ (Cholesky), β = (XᵀWX)⁻¹XᵀWz.
/// Returns β and R = Lᵀ (upper, row-major), so that RᵀR = XᵀWX as with a QR of √W·X. The design
/// rows here are mostly zeros (season-block indicators), so only non-zero entries are visited.
fn wls(x: &SparseRows, w2: &[f64], z: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    for i in 0..x.len() {
        let nz = x.row(i);
        let wi = w2[i];
        for &(j, xj) in nz {
            b[j] += wi * xj * z[i];
            for &(k, xk) in nz {
                if k >= j {
                    a[j * p + k] += wi * xj * xk;
                }
            }
        }
    }
    // Cholesky of the upper triangle: A = RᵀR with R upper.
    let mut r = vec![0.0; p * p];
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= r[k * p + j] * r[k * p + j];
        }
        let rjj = if d > 0.0 { d.sqrt() } else { f64::NAN };
        r[j * p + j] = rjj;
        for c in j + 1..p {
            let mut s = a[j * p + c];
            for k in 0..j {
                s -= r[k * p + j] * r[k * p + c];
            }
            r[j * p + c] = s / rjj;
        }
    }
    // Rᵀu = b, then Rβ = u.
    let u = solve_rt(&r, p, &b);
    let mut beta = vec![0.0; p];
    for i in (0..p).rev() {
        let mut s = u[i];
        for j in i + 1..p {
            s -= r[i * p + j] * beta[j];
        }
        beta[i] = s / r[i * p + i];
    }
    (beta, r)
}

/// The design's non-zero entries by row, built once per fit: the IRLS iterations revisit them.
struct SparseRows {
    entries: Vec<(usize, f64)>,
    /// Row i is `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

impl SparseRows {
    fn new(x: &[Vec<f64>]) -> SparseRows {
        let mut entries = Vec::new();
        let mut starts = Vec::with_capacity(x.len() + 1);
        starts.push(0);
        for row in x {
            entries.extend(row.iter().copied().enumerate().filter(|(_, v)| *v != 0.0));
            starts.push(entries.len());
        }
        SparseRows { entries, starts }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn row(&self, i: usize) -> &[(usize, f64)] {
        &self.entries[self.starts[i]..self.starts[i + 1]]
    }

    fn dot(&self, i: usize, beta: &[f64]) -> f64 {
        self.row(i).iter().map(|&(j, v)| v * beta[j]).sum()
    }
}

/// Solves Rᵀ u = v (R upper triangular p × p).
pub fn solve_rt(r: &[f64], p: usize, v: &[f64]) -> Vec<f64> {
    let mut u = vec![0.0; p];
    solve_rt_into(r, p, v, &mut u);
    u
}

/// [`solve_rt`] into a caller's buffer of length `p`: hat values solve once per design row, and
/// an allocation per row was a fifth of the Farrington run time.
fn solve_rt_into(r: &[f64], p: usize, v: &[f64], u: &mut [f64]) {
    for i in 0..p {
        let mut s = v[i];
        for j in 0..i {
            s -= r[j * p + i] * u[j];
        }
        u[i] = s / r[i * p + i];
    }
}

/// xᵀ (RᵀR)⁻¹ x = ‖R⁻ᵀx‖².
pub fn quad_form(r: &[f64], p: usize, x: &[f64]) -> f64 {
    solve_rt(r, p, x).iter().map(|u| u * u).sum()
}

/// The error distribution (log link in both cases).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Family {
    /// Poisson and quasi-Poisson: variance μ.
    Poisson,
    /// Negative binomial with known `theta` (R's `MASS::negative.binomial(theta)`): variance μ + μ²/θ.
    NegBin(f64),
}

impl Family {
    fn variance(self, mu: f64) -> f64 {
        match self {
            Family::Poisson => mu,
            Family::NegBin(theta) => mu + mu * mu / theta,
        }
    }

    fn start(self, y: f64) -> f64 {
        match self {
            Family::Poisson => y + 0.1,
            Family::NegBin(_) => y + if y == 0.0 { 1.0 / 6.0 } else { 0.0 },
        }
    }

    fn deviance(self, y: &[f64], mu: &[f64], prior: &[f64]) -> f64 {
        y.iter()
            .zip(mu)
            .zip(prior)
            .map(|((&y, &m), &w)| match self {
                Family::Poisson => {
                    2.0 * w * (if y > 0.0 { y * (y / m).ln() } else { 0.0 } - (y - m))
                }
                Family::NegBin(th) => {
                    2.0 * w * (y * (y.max(1.0) / m).ln() - (y + th) * ((y + th) / (m + th)).ln())
                }
            })
            .sum()
    }
}

/// Fits log E[y] = Xβ with prior weights (`x` is n rows of p columns), Poisson family.
pub fn fit(x: &[Vec<f64>], y: &[f64], prior: &[f64]) -> Fit {
    fit_family(x, y, prior, Family::Poisson)
}

/// Fits log E[y] = Xβ with prior weights for the given family.
pub fn fit_family(x: &[Vec<f64>], y: &[f64], prior: &[f64], family: Family) -> Fit {
    fit_from(x, y, prior, family, None)
}

/// As [`fit_family`], starting from given linear predictors (R's `etastart`).
pub fn fit_from(
    x: &[Vec<f64>],
    y: &[f64],
    prior: &[f64],
    family: Family,
    eta_start: Option<&[f64]>,
) -> Fit {
    let deviance = |y: &[f64], mu: &[f64], prior: &[f64]| family.deviance(y, mu, prior);
    let n = y.len();
    let p = x.first().map_or(0, Vec::len);
    let (mut mu, mut eta): (Vec<f64>, Vec<f64>) = match eta_start {
        Some(e) => (e.iter().map(|v| v.exp()).collect(), e.to_vec()),
        None => {
            let mu: Vec<f64> = y.iter().map(|&v| family.start(v)).collect();
            let eta = mu.iter().map(|m| m.ln()).collect();
            (mu, eta)
        }
    };
    let mut dev_old = deviance(y, &mu, prior);
    let mut converged = false;
    let mut w = vec![0.0; n];
    let mut r = vec![0.0; p * p];
    let mut beta = vec![0.0; p];
    let sparse = SparseRows::new(x);
    let mut w2 = vec![0.0; n];
    let mut z = vec![0.0; n];
    for _ in 0..25 {
        for i in 0..n {
            // Working weight: prior × (dμ/dη)² / V(μ) = prior × μ² / V(μ).
            w2[i] = prior[i] * mu[i] * mu[i] / family.variance(mu[i]);
            w[i] = w2[i].sqrt();
            z[i] = eta[i] + (y[i] - mu[i]) / mu[i];
        }
        let (b, rr) = wls(&sparse, &w2, &z, p);
        beta = b;
        r = rr;
        for i in 0..n {
            eta[i] = sparse.dot(i, &beta);
            mu[i] = eta[i].exp();
        }
        let dev = deviance(y, &mu, prior);
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < 1e-8 {
            converged = true;
            break;
        }
        dev_old = dev;
    }
    let working_weights: Vec<f64> = w.iter().map(|v| v * v).collect();
    let residuals: Vec<f64> = y.iter().zip(&mu).map(|(y, m)| (y - m) / m).collect();
    let n_ok = prior.iter().filter(|&&w| w != 0.0).count();
    Fit {
        coefficients: beta,
        mu,
        working_weights,
        residuals,
        r,
        p,
        // Negative with fewer usable rows than parameters (a rank-deficient design).
        df_residual: n_ok as f64 - p as f64,
        converged,
    }
}

impl Fit {
    /// `summary.glm`'s dispersion for a quasi family, with the given weights in place of the
    /// working weights (the package overwrites them after reweighting).
    pub fn dispersion_with(&self, weights: &[f64]) -> f64 {
        let s: f64 = weights
            .iter()
            .zip(&self.residuals)
            .filter(|(w, _)| **w > 0.0)
            .map(|(w, r)| w * r * r)
            .sum();
        s / self.df_residual
    }

    /// Hat values √wᵢxᵢᵀ (XᵀWX)⁻¹ xᵢ√wᵢ from the last iteration.
    pub fn hat_values(&self, x: &[Vec<f64>]) -> Vec<f64> {
        let mut v = vec![0.0; self.p];
        let mut u = vec![0.0; self.p];
        x.iter()
            .zip(&self.working_weights)
            .map(|(row, w)| {
                let sw = w.sqrt();
                for (vi, a) in v.iter_mut().zip(row) {
                    *vi = a * sw;
                }
                solve_rt_into(&self.r, self.p, &v, &mut u);
                u.iter().map(|u| u * u).sum()
            })
            .collect()
    }
}

/// `MASS::theta.ml`: Newton steps for the negative-binomial size given the means (at most
/// `limit − 1` steps, tolerance ε^¼ as in MASS).
fn theta_ml(y: &[f64], mu: &[f64], limit: usize) -> f64 {
    use special::Gamma;
    let n = y.len() as f64;
    let mut t0 = n / y
        .iter()
        .zip(mu)
        .map(|(y, m)| (y / m - 1.0).powi(2))
        .sum::<f64>();
    let eps = f64::EPSILON.powf(0.25);
    let mut del = 1.0f64;
    let mut it = 0;
    loop {
        it += 1;
        if it >= limit || del.abs() <= eps {
            break;
        }
        t0 = t0.abs();
        let (mut score, mut info) = (0.0, 0.0);
        for (&y, &m) in y.iter().zip(mu) {
            score += (t0 + y).digamma() - t0.digamma() + t0.ln() + 1.0
                - (t0 + m).ln()
                - (y + t0) / (m + t0);
            info += -(t0 + y).trigamma() + t0.trigamma() - 1.0 / t0 + 2.0 / (m + t0)
                - (y + t0) / (m + t0).powi(2);
        }
        del = score / info;
        t0 += del;
    }
    t0.max(0.0)
}

/// `MASS::glm.nb` log-likelihood.
fn nb_loglik(theta: f64, mu: &[f64], y: &[f64]) -> f64 {
    use statrs::function::gamma::ln_gamma;
    y.iter()
        .zip(mu)
        .map(|(&y, &m)| {
            ln_gamma(theta + y) - ln_gamma(theta) - ln_gamma(y + 1.0)
                + theta * theta.ln()
                + y * (m + if y == 0.0 { 1.0 } else { 0.0 }).ln()
                - (theta + y) * (theta + m).ln()
        })
        .sum()
}

/// `MASS::glm.nb` with its defaults (epsilon 1e-8, 25 iterations): a Poisson fit, then fits of the
/// negative binomial alternating with the ML estimate of its size θ (computed, as in MASS, from
/// the means before each refit). Returns the last fit and θ.
pub fn glm_nb(x: &[Vec<f64>], y: &[f64]) -> (Fit, f64) {
    let ones = vec![1.0; y.len()];
    let mut fit = fit(x, y, &ones);
    let mut mu = fit.mu.clone();
    let mut theta = theta_ml(y, &mu, 25);
    let d1 = (2.0 * fit.df_residual.max(1.0)).sqrt();
    let d2 = 1.0;
    let mut del = 1.0f64;
    let mut lm = nb_loglik(theta, &mu, y);
    let mut lm0 = lm + 2.0 * d1;
    let mut iter = 0;
    loop {
        iter += 1;
        if iter > 25 || (lm0 - lm).abs() / d1 + del.abs() / d2 <= 1e-8 {
            break;
        }
        let eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
        fit = fit_from(x, y, &ones, Family::NegBin(theta), Some(&eta));
        let t0 = theta;
        theta = theta_ml(y, &mu, 25);
        mu = fit.mu.clone();
        del = t0 - theta;
        lm0 = lm;
        lm = nb_loglik(theta, &mu, y);
    }
    (fit, theta)
}
