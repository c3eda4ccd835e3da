//! Farrington and the Noufaily improvements, as `surveillance::farringtonFlexible` computes them.
//!
//! Each monitored week goes through the package's steps, one function each: its reference weeks
//! ([`reference_weeks`]: the same week 1..b years back, by index or by calendar), the baseline
//! ([`Baseline::build`]: windows of ±w weeks around them, with Noufaily's `no_periods` the weeks
//! between split into blocks, less the most recent `past_weeks_not_included`), the model
//! ([`fit_model`]: a reweighted quasi-Poisson GLM, with a trend only when it passes the package's
//! tests), the threshold ([`threshold`]) and the alarm ([`judge`]).
//!
//! Cost: a week's baseline reaches back 52·b + w weeks and forward w, so each monitored week
//! looks at that stretch only (and a dated series finds its reference weeks through a map of
//! dates): a run is linear in the length of the series.

use std::collections::HashMap;
use std::str::FromStr;

use statrs::distribution::{
    ContinuousCDF, DiscreteCDF, NegativeBinomial, Normal, Poisson, StudentsT,
};

use crate::glm::{self, quad_form};
use crate::{check_alpha, check_range, normal_quantile, EwsError, Point};
use interdict_core::{civil_from_days, days_from_civil, Date};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdMethod {
    /// Farrington's threshold on the power-transformed scale.
    Delta,
    /// Noufaily: negative-binomial quantile around the predicted mean.
    NbPlugin,
    /// Noufaily: the same around the upper confidence limit of the mean.
    Muan,
}

impl FromStr for ThresholdMethod {
    type Err = EwsError;
    /// The package's names: `delta`, `nbPlugin`, `muan`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "delta" => ThresholdMethod::Delta,
            "nbPlugin" => ThresholdMethod::NbPlugin,
            "muan" => ThresholdMethod::Muan,
            _ => {
                return Err(EwsError::Unknown {
                    what: "threshold method",
                    given: s.into(),
                    expected: "delta, nbPlugin or muan",
                })
            }
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerTransform {
    TwoThirds,
    Half,
    None,
}

impl FromStr for PowerTransform {
    type Err = EwsError;
    /// The package's names: `2/3`, `1/2`, `none`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "2/3" => PowerTransform::TwoThirds,
            "1/2" => PowerTransform::Half,
            "none" => PowerTransform::None,
            _ => {
                return Err(EwsError::Unknown {
                    what: "power transformation",
                    given: s.into(),
                    expected: "2/3, 1/2 or none",
                })
            }
        })
    }
}

/// `farringtonFlexible` control arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct FarringtonControl {
    pub range: (usize, usize),
    /// Years back (at least 1).
    pub b: usize,
    /// Half-window in weeks around each reference week.
    pub w: usize,
    pub reweight: bool,
    pub weights_threshold: f64,
    pub trend: bool,
    pub p_threshold_trend: f64,
    /// Seasonal periods (1: Farrington's windows only; Noufaily: 10). At most the weeks between
    /// two reference weeks (52 for an undated series).
    pub no_periods: usize,
    /// Most recent weeks (up to the monitored one) left out of the baseline.
    pub past_weeks_not_included: usize,
    pub threshold_method: ThresholdMethod,
    /// Significance level, in (0, 1).
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

    /// Noufaily et al. (2013)'s settings, which raise far fewer false alarms than the original:
    /// ten seasonal periods, the last 26 weeks left out of the baseline, the trend kept whenever
    /// the other two tests allow (p-value threshold 1), the negative-binomial plug-in threshold;
    /// the rest as [`FarringtonControl::defaults`] (reweighting threshold 2.58).
    pub fn noufaily(range: (usize, usize)) -> FarringtonControl {
        FarringtonControl {
            no_periods: 10,
            past_weeks_not_included: 26,
            p_threshold_trend: 1.0,
            threshold_method: ThresholdMethod::NbPlugin,
            ..FarringtonControl::defaults(range)
        }
    }

    /// The checks that need no series: what the package stops on, and what could not give a
    /// result (a significance level outside (0, 1), NaN thresholds).
    pub fn validate(&self) -> Result<(), EwsError> {
        let parameter = |name, reason: String| Err(EwsError::Parameter { name, reason });
        if self.b == 0 {
            return parameter("b", "years back must be at least 1".into());
        }
        if 52usize.checked_mul(self.b).is_none() {
            return parameter(
                "b",
                format!("{} years back is more than any series", self.b),
            );
        }
        if self.no_periods == 0 {
            return parameter("no-periods", "must be at least 1".into());
        }
        if !(self.limit54.0 >= 0.0 && self.limit54.1 > 0) {
            return parameter(
                "limit54",
                format!(
                    "({}, {}): cases >= 0 and period > 0",
                    self.limit54.0, self.limit54.1
                ),
            );
        }
        check_alpha("alpha", self.alpha)?;
        if self.weights_threshold.is_nan() {
            return parameter("weights-threshold", "must be a number".into());
        }
        if self.p_threshold_trend.is_nan() {
            return parameter("p-threshold-trend", "must be a number".into());
        }
        Ok(())
    }
}

/// Runs the method over `y` (weekly counts). `dates` (day numbers, one per week) make the reference
/// weeks calendar years back, snapped to the same weekday, as for a date-indexed `sts`.
pub fn farrington(
    y: &[f64],
    dates: Option<&[i64]>,
    c: &FarringtonControl,
) -> Result<Vec<Point>, EwsError> {
    c.validate()?;
    check_range(c.range, y.len())?;
    let calendar = dates.map(|d| Calendar::new(d, y.len())).transpose()?;
    let z = normal_quantile(1.0 - c.alpha);
    let mut out = Vec::with_capacity(c.range.1 - c.range.0 + 1);
    for k in c.range.0..=c.range.1 {
        let refs = reference_weeks(k, calendar.as_ref(), c.b)?;
        let baseline = Baseline::build(k, &refs, y, dates, c)?;
        let point = match fit_model(&baseline, c) {
            Some(model) => judge(k, y, &threshold(&model, &baseline, c, z), c),
            None => Point {
                t: k,
                observed: y[k - 1],
                upperbound: f64::NAN,
                expected: f64::NAN,
                alarm: None,
            },
        };
        out.push(point);
    }
    Ok(out)
}

/// The dates of a dated series, with the first position of each day: the reference weeks are
/// looked up in a map (a scan of the dates per look-up made long series quadratic).
struct Calendar<'a> {
    days: &'a [i64],
    position: HashMap<i64, usize>,
}

/// Day numbers a calendar accepts: about ±270 million years, far beyond any real date, and
/// small enough that the calendar arithmetic cannot overflow.
const MAX_DAY_NUMBER: i64 = 100_000_000_000;

impl<'a> Calendar<'a> {
    fn new(days: &'a [i64], len: usize) -> Result<Calendar<'a>, EwsError> {
        if days.len() != len {
            return Err(EwsError::Parameter {
                name: "dates",
                reason: format!("{} dates for {len} weeks of counts", days.len()),
            });
        }
        if let Some(i) = days.iter().position(|d| d.abs() > MAX_DAY_NUMBER) {
            return Err(EwsError::Parameter {
                name: "dates",
                reason: format!("day number {} at t = {} is not a date", days[i], i + 1),
            });
        }
        let mut position = HashMap::with_capacity(days.len());
        for (i, &day) in days.iter().enumerate() {
            position.entry(day).or_insert(i + 1);
        }
        Ok(Calendar { days, position })
    }

    /// Week `k` and the weeks 1..b calendar years before it, each snapped to the nearest day
    /// with the same weekday (the package's `algo.farrington.referencetimepoints`).
    fn reference_weeks(&self, k: usize, b: usize) -> Result<Vec<usize>, EwsError> {
        let day = self.days[k - 1];
        let mut refs = Vec::with_capacity(b.min(self.days.len()) + 1);
        for years in 0..=b {
            let found = years_back(day, years).and_then(|r| {
                let a = r - (weekday(r) - weekday(day));
                let other = a + if a > r { -7 } else { 7 };
                let pick = if (a - r).abs() > (other - r).abs() {
                    other
                } else {
                    a
                };
                self.position.get(&pick).copied().ok_or(pick)
            });
            match found {
                Ok(position) => refs.push(position),
                Err(reference) => return Err(self.missing(k, reference, years)),
            }
        }
        Ok(refs)
    }

    /// Why a reference week is not in the series: the series starts later, or the dates are
    /// not one a week (the usual cause when the series is long enough).
    fn missing(&self, k: usize, reference: i64, years: usize) -> EwsError {
        let show = |day: i64| Date::from_day_number(day).to_string();
        let mut reasons = Vec::new();
        if let Some(&first) = self.days.first().filter(|&&first| reference < first) {
            reasons.push(format!(
                "the series starts on {}; monitor later weeks or go fewer years back (b)",
                show(first)
            ));
        }
        if let Some(i) = self.days.windows(2).position(|p| p[1] - p[0] != 7) {
            reasons.push(format!(
                "the dates are not weekly (t = {} on {} is {} days after t = {} on {}); \
                 the reference weeks need one date every 7 days",
                i + 2,
                show(self.days[i + 1]),
                self.days[i + 1] - self.days[i],
                i + 1,
                show(self.days[i])
            ));
        }
        if reasons.is_empty() {
            reasons.push("no date of the series falls on it".into());
        }
        EwsError::MissingReference {
            t: k,
            date: show(self.days[k - 1]),
            reference: if reference == i64::MIN {
                format!("{years} years before")
            } else {
                show(reference)
            },
            years,
            reason: reasons.join("; "),
        }
    }
}

/// Weekday with 0 = Sunday, as R's `format(x, "%w")`.
fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

/// R's `seq(date, by = "-1 year")`: the same month and day `years` earlier (29 Feb rolls to
/// 1 Mar); `Err(i64::MIN)` when that year cannot be written.
fn years_back(day: i64, years: usize) -> Result<i64, i64> {
    let (y, m, d) = civil_from_days(day);
    let y2 = i64::try_from(years)
        .ok()
        .and_then(|years| i32::try_from(i64::from(y) - years).ok())
        .ok_or(i64::MIN)?;
    let leap = (y2 % 4 == 0 && y2 % 100 != 0) || y2 % 400 == 0;
    Ok(if m == 2 && d == 29 && !leap {
        days_from_civil(y2, 3, 1)
    } else {
        days_from_civil(y2, m, d)
    })
}

/// Week `k` (1-based) and the same week 1..b years back: 52 weeks apart in an undated series,
/// calendar years in a dated one.
fn reference_weeks(
    k: usize,
    calendar: Option<&Calendar>,
    b: usize,
) -> Result<Vec<usize>, EwsError> {
    if let Some(calendar) = calendar {
        return calendar.reference_weeks(k, b);
    }
    // `validate` made sure 52·b does not overflow.
    let needed = 52 * b;
    if k <= needed {
        return Err(EwsError::TooShort {
            method: "Farrington",
            needed,
            first: k,
            available: k - 1,
        });
    }
    Ok((0..=b).map(|j| k - 52 * j).collect())
}

/// The weeks the model of week `k` is fitted to, with their season block.
struct Baseline {
    response: Vec<f64>,
    wtime: Vec<f64>,
    groups: Vec<usize>,
    /// The distinct blocks, ascending.
    levels: Vec<usize>,
    /// The time covariate of week `k` itself.
    wtime_now: f64,
    /// The block of week `k`: that of the reference windows, `no_periods`.
    current_level: usize,
}

impl Baseline {
    /// `algo.farrington.data.glm`: the labelled weeks of [`season_blocks`], less the most
    /// recent `past_weeks_not_included` up to `k`, with their time covariate (week index, or
    /// for a dated series weeks since the first baseline week, in steps of the first gap).
    fn build(
        k: usize,
        refs: &[usize],
        y: &[f64],
        dates: Option<&[i64]>,
        c: &FarringtonControl,
    ) -> Result<Baseline, EwsError> {
        let mut blocks = season_blocks(k, refs, y.len(), c.w, c.no_periods)?;
        let dropped_from = k.saturating_sub(c.past_weeks_not_included).max(1);
        blocks.clear(dropped_from, k);
        let (mut weeks, mut groups) = (Vec::new(), Vec::new());
        for (offset, label) in blocks.labels.iter().enumerate() {
            if let Some(label) = label {
                weeks.push(blocks.first + offset);
                groups.push(*label);
            }
        }
        let Some(&first_week) = weeks.first() else {
            return Err(EwsError::Parameter {
                name: "past-weeks-not-included",
                reason: format!(
                    "{} leaves no baseline week at t = {k}: the reference windows reach back to \
                     t = {}, and weeks {dropped_from}..{k} are left out; here it must be at most {}",
                    c.past_weeks_not_included,
                    blocks.first,
                    k.saturating_sub(blocks.first + 1)
                ),
            });
        };
        let calendar_time = dates.and_then(|d| {
            let step = (*d.get(1)? - *d.first()?) as f64;
            let origin = d[first_week - 1];
            Some((d, origin, step))
        });
        let (wtime, wtime_now) = match calendar_time {
            Some((d, origin, step)) => (
                weeks
                    .iter()
                    .map(|&i| (d[i - 1] - origin) as f64 / step)
                    .collect(),
                (d[k - 1] - origin) as f64 / step,
            ),
            None => (weeks.iter().map(|&i| i as f64).collect(), k as f64),
        };
        let mut levels = groups.clone();
        levels.sort_unstable();
        levels.dedup();
        Ok(Baseline {
            response: weeks.iter().map(|&i| y[i - 1]).collect(),
            wtime,
            groups,
            levels,
            wtime_now,
            current_level: c.no_periods,
        })
    }

    /// The design row of week `t` of the baseline, or of the monitored week (`None`).
    fn row(&self, t: Option<usize>, trend: bool) -> Vec<f64> {
        let (wtime, group) = match t {
            Some(i) => (self.wtime[i], self.groups[i]),
            None => (self.wtime_now, self.current_level),
        };
        let mut row = Vec::with_capacity(1 + usize::from(trend) + self.levels.len());
        row.push(1.0);
        if trend {
            row.push(wtime);
        }
        for l in self.levels.iter().skip(1) {
            row.push(if group == *l { 1.0 } else { 0.0 });
        }
        row
    }

    fn design(&self, trend: bool) -> Vec<Vec<f64>> {
        (0..self.response.len())
            .map(|i| self.row(Some(i), trend))
            .collect()
    }
}

/// Season-block labels over the only stretch of the series they can fall in (from w weeks
/// before the earliest reference week to w weeks after the latest), `labels[0]` being week
/// `first`.
struct Blocks {
    first: usize,
    labels: Vec<Option<usize>>,
}

impl Blocks {
    /// Labels weeks `from..=to` (1-based, clipped to the stretch) with `label`.
    fn set(&mut self, from: i64, to: i64, label: Option<usize>) {
        let first = self.first as i64;
        let last = first + self.labels.len() as i64 - 1;
        let (from, to) = (from.max(first), to.min(last));
        if from <= to {
            let (from, to) = ((from - first) as usize, (to - first) as usize);
            self.labels[from..=to].iter_mut().for_each(|l| *l = label);
        }
    }

    fn clear(&mut self, from: usize, to: usize) {
        self.set(from as i64, to as i64, None);
    }
}

/// The package's `blocks()`: the w weeks before `k` and the windows of ±w weeks around the
/// reference weeks get block `no_periods`; with `no_periods` > 1 the gap between two windows is
/// split into `no_periods − 1` consecutive blocks, the first (gap mod (no_periods − 1)) one week
/// longer. An error when the gap has fewer weeks than blocks to make (the package's "Number of
/// factors too big").
fn season_blocks(
    k: usize,
    refs: &[usize],
    n: usize,
    w: usize,
    no_periods: usize,
) -> Result<Blocks, EwsError> {
    // Windows wider than the series are clipped to it, so a larger w changes nothing (and the
    // arithmetic below stays far from overflow).
    let w = w.min(n);
    let earliest = refs.iter().copied().min().unwrap_or(k).min(k);
    let latest = refs.iter().copied().max().unwrap_or(k).max(k);
    let first = earliest.saturating_sub(w).max(1);
    let last = (latest + w).min(n);
    let mut blocks = Blocks {
        first,
        labels: vec![None; last + 1 - first],
    };
    let (k64, w64) = (k as i64, w as i64);
    let p = no_periods;
    blocks.set(k64 - w64, k64, Some(p));
    for pair in refs.windows(2) {
        let (newer, ref_week) = (pair[0] as i64, pair[1] as i64);
        blocks.set(ref_week - w64, ref_week + w64, Some(p));
        if p == 1 {
            continue;
        }
        let p64 = i64::try_from(p).unwrap_or(i64::MAX);
        let period = newer - 2 * w64 - 1 - ref_week;
        if period < p64 - (2 * w64 + 1) {
            return Err(EwsError::Parameter {
                name: "no-periods",
                reason: format!(
                    "{p} periods cannot be made of the {} weeks from one reference week to the \
                     next (t = {ref_week} to t = {newer}); at most {}",
                    newer - ref_week,
                    newer - ref_week
                ),
            });
        }
        // Now p ≤ newer − ref_week ≤ n.
        let len = period.div_euclid(p64 - 1);
        let rest = period.rem_euclid(p64 - 1);
        let mut start = ref_week + w64 + 1;
        for label in 1..p {
            let length = len + i64::from(((label - 1) as i64) < rest);
            blocks.set(start, start + length - 1, Some(label));
            start += length;
        }
    }
    Ok(blocks)
}

struct Model {
    fit: glm::Fit,
    phi: f64,
    /// What `summary.glm` later sees as the model's weights.
    summary_weights: Vec<f64>,
    has_trend: bool,
}

/// `algo.farrington.glm`: the model with a trend when one is asked for and passes the package's
/// three tests (p-value below `p_threshold_trend`, b ≥ 3, the prediction no larger than the
/// largest baseline count), otherwise without; `None` when no model converges.
fn fit_model(baseline: &Baseline, c: &FarringtonControl) -> Option<Model> {
    let fit_with = |trend: bool| fit_flexible(baseline, trend, c.reweight, c.weights_threshold);
    let model = fit_with(c.trend)?;
    if !model.has_trend {
        return Some(model);
    }
    let (eta, _) = model.predict(&baseline.row(None, true));
    let significant = model.trend_p_value() < c.p_threshold_trend;
    let max_response = baseline
        .response
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if c.b >= 3 && significant && eta.exp() <= max_response {
        Some(model)
    } else {
        fit_with(false)
    }
}

/// `algo.farrington.fitGLM.flexible`: the GLM (without the trend when it does not converge
/// with it), then, when asked, refitted with Anscombe-residual weights.
fn fit_flexible(
    baseline: &Baseline,
    trend: bool,
    reweight: bool,
    weights_threshold: f64,
) -> Option<Model> {
    let y = &baseline.response;
    let ones = vec![1.0; y.len()];
    let mut has_trend = trend;
    let mut x = baseline.design(trend);
    let mut fit = glm::fit(&x, y, &ones);
    if !fit.converged {
        if trend {
            has_trend = false;
            x = baseline.design(false);
            fit = glm::fit(&x, y, &ones);
        }
        if !fit.converged {
            return None;
        }
    }
    let mut phi = fit.dispersion_with(&fit.working_weights).max(1.0);
    let mut summary_weights = fit.working_weights.clone();
    if reweight {
        let omega = anscombe_weights(y, &fit, &x, phi, weights_threshold);
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

/// `algo.farrington.assign.weights` over the Anscombe residuals: γ·s⁻² above the threshold,
/// γ otherwise, with γ making the weights sum to n.
fn anscombe_weights(
    y: &[f64],
    fit: &glm::Fit,
    x: &[Vec<f64>],
    phi: f64,
    weights_threshold: f64,
) -> Vec<f64> {
    let hat = fit.hat_values(x);
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
    s.iter()
        .map(|&si| {
            if si > weights_threshold {
                gamma * si.powi(-2)
            } else {
                gamma
            }
        })
        .collect()
}

impl Model {
    /// The linear predictor of a design row and its standard error.
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

    /// The two-sided t-test p-value of the trend coefficient, as `summary.glm` gives it; NaN
    /// (not significant) when there is no estimate or no residual degree of freedom, where R's
    /// summary gives NaN too.
    fn trend_p_value(&self) -> f64 {
        let p = self.fit.p;
        if p < 2 || self.fit.coefficients.len() < 2 {
            return f64::NAN;
        }
        let disp = self.fit.dispersion_with(&self.summary_weights);
        let mut e = vec![0.0; p];
        e[1] = 1.0;
        let se = (quad_form(&self.fit.r, p, &e) * disp).sqrt();
        let t = self.fit.coefficients[1] / se;
        match StudentsT::new(0.0, 1.0, self.fit.df_residual) {
            // `cdf` panics on NaN.
            Ok(dist) if !t.is_nan() => 2.0 * dist.cdf(-t.abs()),
            _ => f64::NAN,
        }
    }
}

/// What week `k`'s count is compared with.
struct Threshold {
    /// The prediction on the scale of the exceedance score (response for delta, link for the
    /// Noufaily thresholds, as the package's `typePred`).
    fitted: f64,
    upper: f64,
    /// exp(η): the expected count.
    expected: f64,
}

/// The upper bound of `threshold_method` for the monitored week.
fn threshold(model: &Model, baseline: &Baseline, c: &FarringtonControl, z: f64) -> Threshold {
    let (eta0, se_eta) = model.predict(&baseline.row(None, model.has_trend));
    let (fitted, upper) = match c.threshold_method {
        ThresholdMethod::Delta => {
            let mu0 = eta0.exp();
            (
                mu0,
                delta_upper(mu0, se_eta * mu0, model.phi, c.powertrans, z),
            )
        }
        ThresholdMethod::NbPlugin => (eta0, noufaily_upper(eta0.exp(), model.phi, c.alpha)),
        ThresholdMethod::Muan => {
            let mu_q = Normal::new(eta0, se_eta)
                .map(|n| n.inverse_cdf(1.0 - c.alpha))
                .unwrap_or(f64::NAN)
                .exp();
            (eta0, noufaily_upper(mu_q, model.phi, c.alpha))
        }
    };
    Threshold {
        fitted,
        upper,
        expected: eta0.exp(),
    }
}

/// `algo.farrington.threshold.farrington`: the upper prediction limit on the power-transformed
/// scale, transformed back.
fn delta_upper(mu0: f64, se_fit: f64, phi: f64, powertrans: PowerTransform, z: f64) -> f64 {
    let tau = phi + se_fit * se_fit / mu0;
    let (se, e) = match powertrans {
        PowerTransform::TwoThirds => ((4.0 / 9.0 * mu0.powf(1.0 / 3.0) * tau).sqrt(), 2.0 / 3.0),
        PowerTransform::Half => ((0.25 * tau).sqrt(), 0.5),
        PowerTransform::None => ((mu0 * tau).sqrt(), 1.0),
    };
    let hi = (mu0.powf(e) + z * se).powf(1.0 / e);
    let lo = (mu0.powf(e) - z * se).powf(1.0 / e);
    // `sort(c(lo, hi), na.last = FALSE)[2]`
    if lo.is_nan() {
        hi
    } else if hi.is_nan() {
        f64::NAN
    } else {
        lo.max(hi)
    }
}

/// `algo.farrington.threshold.noufaily`: the (1 − α) quantile of the negative binomial with
/// mean `mu_q` and size `mu_q/(φ − 1)`, or of the Poisson when φ = 1. A mean of 0 is a point
/// mass at 0 (R's `qnbinom` with size 0, `qpois` with λ = 0).
fn noufaily_upper(mu_q: f64, phi: f64, alpha: f64) -> f64 {
    if !mu_q.is_finite() {
        return f64::NAN;
    }
    if phi > 1.0 {
        let size = mu_q / (phi - 1.0);
        if size == 0.0 {
            return 0.0;
        }
        NegativeBinomial::new(size, 1.0 / phi)
            .map(|d| discrete_quantile(|x| d.cdf(x), 1.0 - alpha, mu_q, (mu_q * phi).sqrt()))
            .unwrap_or(f64::NAN)
    } else if mu_q == 0.0 {
        0.0
    } else {
        Poisson::new(mu_q)
            .map(|d| discrete_quantile(|x| d.cdf(x), 1.0 - alpha, mu_q, mu_q.sqrt()))
            .unwrap_or(f64::NAN)
    }
}

/// The smallest count x with P(X ≤ x) ≥ p, as R's `qpois`/`qnbinom` find it (including their
/// fuzz `p·(1 − 64ε)` for left continuity), by a search over the distribution's CDF from the
/// normal approximation: step by step near it (where the answer almost always is), then by
/// doubling steps and bisection, so a heavy tail far from the approximation (huge, overdispersed
/// counts) costs a few dozen CDF evaluations rather than millions. NaN if the CDF is NaN or never
/// reaches p (a degenerate distribution).
fn discrete_quantile(cdf: impl Fn(u64) -> f64, p: f64, mean: f64, sd: f64) -> f64 {
    let target = p * (1.0 - 64.0 * f64::EPSILON);
    let reaches = |x: u64| {
        let v = cdf(x);
        (!v.is_nan()).then_some(v >= target)
    };
    let guess = (mean + normal_quantile(p) * sd).floor();
    let start: u64 = if guess.is_finite() && guess > 0.0 {
        guess.min(1e15) as u64
    } else {
        0
    };
    smallest_reaching(reaches, start).map_or(f64::NAN, |x| x as f64)
}

/// The smallest x with `reaches(x)` for a monotone `reaches` (false, then true), searched from
/// `start`; `None` when `reaches` gives no answer (NaN) or is false up to 2⁶⁰.
fn smallest_reaching(reaches: impl Fn(u64) -> Option<bool>, start: u64) -> Option<u64> {
    /// Steps taken one at a time before the search gallops.
    const LINEAR_STEPS: u32 = 64;
    const LIMIT: u64 = 1 << 60;
    let mut x = start;
    // (fails, reaches): the answer is in fails+1 ..= reaches.
    let (mut fails, mut hits) = if reaches(x)? {
        for _ in 0..LINEAR_STEPS {
            if x == 0 || !reaches(x - 1)? {
                return Some(x);
            }
            x -= 1;
        }
        let mut step = 2;
        loop {
            let below = x.saturating_sub(step);
            if !reaches(below)? {
                break (below, x);
            }
            if below == 0 {
                return Some(0);
            }
            x = below;
            step = step.saturating_mul(2);
        }
    } else {
        for _ in 0..LINEAR_STEPS {
            x += 1;
            if reaches(x)? {
                return Some(x);
            }
        }
        let mut step = 2;
        loop {
            let above = x.checked_add(step).filter(|&a| a <= LIMIT)?;
            if reaches(above)? {
                break (x, above);
            }
            x = above;
            step = step.saturating_mul(2);
        }
    };
    while hits - fails > 1 {
        let mid = fails + (hits - fails) / 2;
        if reaches(mid)? {
            hits = mid;
        } else {
            fails = mid;
        }
    }
    Some(hits)
}

/// The package's alarm rule for week `k`: at least `limit54.0` cases in the last `limit54.1`
/// weeks (otherwise the upper bound is NA), an exceedance score above 1 and a non-zero count.
fn judge(k: usize, y: &[f64], threshold: &Threshold, c: &FarringtonControl) -> Point {
    let observed = y[k - 1];
    let from = k + 1 - c.limit54.1.min(k);
    let recent: f64 = y[from - 1..k].iter().sum();
    let enough = recent >= c.limit54.0;
    let (fitted, upper) = (threshold.fitted, threshold.upper);
    let score = (observed - fitted) / (upper - fitted);
    let alarm = enough && !upper.is_nan() && score > 1.0 && observed != 0.0;
    Point {
        t: k,
        observed,
        upperbound: if enough { upper } else { f64::NAN },
        expected: threshold.expected,
        alarm: Some(alarm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Six years of weekly counts with a yearly season.
    fn seasonal(weeks: usize) -> Vec<f64> {
        (0..weeks)
            .map(|i| (5.0 + 3.0 * (i as f64 * std::f64::consts::TAU / 52.0).sin()).round())
            .collect()
    }

    fn control(range: (usize, usize)) -> FarringtonControl {
        FarringtonControl::defaults(range)
    }

    fn weekly_dates(weeks: usize) -> Vec<i64> {
        let start = days_from_civil(2010, 1, 4);
        (0..weeks as i64).map(|i| start + 7 * i).collect()
    }

    #[test]
    fn a_baseline_with_fewer_weeks_than_parameters_gives_a_result() {
        // b = 1, w = 0: one baseline week for intercept and trend (the residual degrees of
        // freedom went below zero in a usize); b = 2: none left (Student's t panicked).
        let y = seasonal(312);
        for b in [1, 2] {
            let c = FarringtonControl {
                b,
                w: 0,
                past_weeks_not_included: 0,
                ..control((300, 305))
            };
            let points = farrington(&y, None, &c).unwrap();
            assert_eq!(points.len(), 6);
        }
    }

    #[test]
    fn leaving_out_every_baseline_week_is_an_error_naming_the_option() {
        // Undated this fitted an empty model and indexed its missing trend; dated it indexed
        // the first of no baseline weeks.
        let y = seasonal(312);
        let dates = weekly_dates(312);
        for d in [None, Some(dates.as_slice())] {
            let c = FarringtonControl {
                past_weeks_not_included: 10_000,
                ..control((300, 305))
            };
            let e = farrington(&y, d, &c).unwrap_err();
            assert!(
                matches!(
                    e,
                    EwsError::Parameter {
                        name: "past-weeks-not-included",
                        ..
                    }
                ),
                "{e}"
            );
            assert!(e.to_string().contains("at most"), "{e}");
            if d.is_none() {
                // The windows reach back to 300 − 52·5 − 3 = 37.
                assert!(e.to_string().contains("at most 262"), "{e}");
            }
        }
    }

    #[test]
    fn too_many_periods_are_an_error_with_the_allowed_maximum() {
        let y = seasonal(312);
        for no_periods in [53, 1000, usize::MAX] {
            let c = FarringtonControl {
                no_periods,
                ..control((300, 301))
            };
            let e = farrington(&y, None, &c).unwrap_err();
            assert!(
                matches!(
                    e,
                    EwsError::Parameter {
                        name: "no-periods",
                        ..
                    }
                ),
                "{e}"
            );
            assert!(e.to_string().contains("at most 52"), "{e}");
        }
        let ok = FarringtonControl {
            no_periods: 52,
            ..control((300, 301))
        };
        assert!(farrington(&y, None, &ok).is_ok());
        let zero = FarringtonControl {
            no_periods: 0,
            ..control((300, 301))
        };
        assert!(farrington(&y, None, &zero).is_err());
    }

    #[test]
    fn enormous_b_and_w_do_not_overflow() {
        let y = seasonal(312);
        let b = FarringtonControl {
            b: usize::MAX,
            ..control((300, 301))
        };
        assert!(matches!(
            farrington(&y, None, &b),
            Err(EwsError::Parameter { name: "b", .. })
        ));
        let b = FarringtonControl {
            b: usize::MAX / 52,
            ..control((300, 301))
        };
        assert!(matches!(
            farrington(&y, None, &b),
            Err(EwsError::TooShort { .. })
        ));
        let dates = weekly_dates(312);
        assert!(matches!(
            farrington(&y, Some(&dates), &b),
            Err(EwsError::MissingReference { .. })
        ));
        for w in [52, 1000, usize::MAX] {
            let c = FarringtonControl {
                w,
                past_weeks_not_included: 3,
                ..control((300, 301))
            };
            assert!(farrington(&y, None, &c).is_ok(), "w = {w}");
        }
    }

    #[test]
    fn a_wider_window_than_the_series_is_the_whole_series() {
        let y = seasonal(312);
        let run = |w| {
            let c = FarringtonControl {
                w,
                past_weeks_not_included: 3,
                ..control((300, 303))
            };
            farrington(&y, None, &c).unwrap()
        };
        let (a, b) = (run(312), run(5000));
        for (a, b) in a.iter().zip(&b) {
            assert_eq!(a.alarm, b.alarm);
            assert!(
                a.upperbound == b.upperbound || (a.upperbound.is_nan() && b.upperbound.is_nan())
            );
        }
    }

    #[test]
    fn significance_levels_outside_zero_one_are_errors() {
        let y = seasonal(312);
        for alpha in [0.0, 1.0, 1.5, -0.1, f64::NAN] {
            let c = FarringtonControl {
                alpha,
                threshold_method: ThresholdMethod::Muan,
                ..control((300, 301))
            };
            assert!(matches!(
                farrington(&y, None, &c),
                Err(EwsError::Parameter { name: "alpha", .. })
            ));
        }
        let nan_limit = FarringtonControl {
            limit54: (f64::NAN, 4),
            ..control((300, 301))
        };
        assert!(farrington(&y, None, &nan_limit).is_err());
    }

    #[test]
    fn dates_that_do_not_match_the_counts_are_an_error() {
        let y = seasonal(312);
        let c = control((300, 301));
        let short = weekly_dates(100);
        assert!(matches!(
            farrington(&y, Some(&short), &c),
            Err(EwsError::Parameter { name: "dates", .. })
        ));
        let absurd = vec![i64::MAX; 312];
        assert!(matches!(
            farrington(&y, Some(&absurd), &c),
            Err(EwsError::Parameter { name: "dates", .. })
        ));
    }

    #[test]
    fn dates_that_are_not_weekly_are_named_as_the_cause() {
        // 320 points six days apart: long enough by count, but a year back is never a date.
        let y = seasonal(320);
        let start = days_from_civil(2010, 1, 4);
        let dates: Vec<i64> = (0..320).map(|i| start + 6 * i).collect();
        let e = farrington(&y, Some(&dates), &control((300, 301))).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("not weekly"), "{text}");
        assert!(text.contains("6 days after"), "{text}");
        // Weekly, but monitored too early: the series start is the reason, not the spacing.
        let dates = weekly_dates(320);
        let e = farrington(&y, Some(&dates), &control((200, 201))).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("starts on 2010-01-04"), "{text}");
        assert!(!text.contains("not weekly"), "{text}");
    }

    #[test]
    fn all_zero_and_enormous_counts_give_results_not_panics() {
        for level in [0.0, 1e12, 1e300, f64::MAX] {
            let y = vec![level; 312];
            for threshold_method in [
                ThresholdMethod::Delta,
                ThresholdMethod::NbPlugin,
                ThresholdMethod::Muan,
            ] {
                let c = FarringtonControl {
                    threshold_method,
                    ..control((300, 302))
                };
                assert_eq!(farrington(&y, None, &c).unwrap().len(), 3);
            }
        }
    }

    #[test]
    fn a_zero_mean_has_a_zero_noufaily_threshold() {
        // R: qnbinom(p, size = 0, ...) and qpois(p, 0) are 0; statrs panicked on size 0.
        assert_eq!(noufaily_upper(0.0, 2.0, 0.05), 0.0);
        assert_eq!(noufaily_upper(0.0, 1.0, 0.05), 0.0);
        assert_eq!(noufaily_upper(1e-320, 1e10, 0.05), 0.0);
        assert!(noufaily_upper(f64::INFINITY, 2.0, 0.05).is_nan());
        assert!(noufaily_upper(f64::NAN, 2.0, 0.05).is_nan());
    }

    #[test]
    fn the_quantile_search_finds_the_same_count_near_and_far_from_its_start() {
        let boundary = |b: u64| move |x: u64| Some(x >= b);
        for b in [0u64, 1, 5, 63, 64, 65, 100, 1_000, 123_456_789] {
            for start in [
                0,
                1,
                b.saturating_sub(1),
                b,
                b + 1,
                b + 70,
                2 * b + 3,
                1 << 40,
            ] {
                assert_eq!(
                    smallest_reaching(boundary(b), start),
                    Some(b),
                    "{b} from {start}"
                );
            }
        }
        assert_eq!(smallest_reaching(|_| Some(false), 10), None);
        assert_eq!(smallest_reaching(|x| (x < 5).then_some(false), 0), None);
        // A heavy negative-binomial tail (size 10, mean 1e9) far above the normal guess.
        let size = 10.0;
        let mean = 1e9;
        let phi = 1.0 + mean / size;
        let upper = noufaily_upper(mean, phi, 0.05);
        let d = NegativeBinomial::new(size, 1.0 / phi).unwrap();
        assert!(d.cdf(upper as u64) >= 0.95 * (1.0 - 64.0 * f64::EPSILON));
        assert!(d.cdf(upper as u64 - 1) < 0.95 * (1.0 - 64.0 * f64::EPSILON));
    }

    #[test]
    fn a_trend_without_an_estimate_is_not_significant() {
        let y = vec![f64::MAX; 312];
        let c = control((300, 300));
        let refs = reference_weeks(300, None, c.b).unwrap();
        let baseline = Baseline::build(300, &refs, &y, None, &c).unwrap();
        if let Some(model) = fit_flexible(&baseline, true, true, 2.58) {
            let p = model.trend_p_value();
            assert!(p.is_nan() || (0.0..=1.0).contains(&p), "{p}");
        }
    }
}
