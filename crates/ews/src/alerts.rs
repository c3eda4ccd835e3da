//! Alerts from incident records: weekly series per substance (and per class) and region, an
//! aberration detector over each, and first detections — ranked and deduplicated.
//!
//! A persisting rise is one alert (at the week it began, with the peak so far), not one per week.
//! First detections are reported only from `since` on: what came before is history.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use interdict_core::{iso_week_label, week_start};
use rayon::prelude::*;

use crate::{
    cusum, ears, farrington, glrnb, CusumControl, Detector, EarsControl, EarsMethod, EwsError,
    FarringtonControl, GlrControl, Point,
};

/// One incident, already resolved to a substance.
#[derive(Clone, Debug)]
pub struct Incident {
    /// Day number (see [`interdict_core::days_from_civil`]).
    pub day: i64,
    pub country: String,
    /// Stable key of the substance (registry id, `cas:…`, `name:…`).
    pub substance: String,
    pub substance_name: String,
    /// Classes the substance belongs to (`fentanyl-analogue` …).
    pub classes: Vec<String>,
    /// Counts in the coalition-wide (`ALL`) series. On the platform only records shared with
    /// the whole coalition do, so a coalition-wide alert never rests on records some members
    /// may not read; a file of one's own counts whole.
    pub coalition: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AlertKind {
    Aberration,
    FirstDetection,
}

#[derive(Clone, Debug)]
pub struct Alert {
    pub kind: AlertKind,
    /// Substance key, or `class:<name>`.
    pub substance: String,
    pub substance_name: String,
    /// ISO country code or `ALL` (coalition-wide).
    pub region: String,
    pub week: String,
    pub observed: f64,
    pub expected: f64,
    pub upperbound: f64,
    pub method: String,
    pub explanation: String,
    /// Higher is more urgent.
    pub priority: f64,
    /// Whether the episode is still running in the last week of the data.
    pub ongoing: bool,
    /// Weeks the episode has lasted so far (1 for a first detection).
    pub weeks: usize,
    /// Monday (day number) of the onset week, and of the episode's last week.
    pub onset_day: i64,
    pub last_day: i64,
    /// The series around the alert, for its chart: every monitored week (and, for a first
    /// detection, the weeks of records).
    pub points: Vec<ChartPoint>,
}

/// One week of an alert's chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPoint {
    /// ISO week label (`2025-W07`).
    pub week: String,
    pub observed: f64,
    pub expected: Option<f64>,
    pub upperbound: Option<f64>,
    pub alarm: bool,
}

/// How many weeks before the reporting window a detector starts watching, so an episode that
/// began before the window and still runs into it is reported from its true onset.
pub const LOOKBACK_WEEKS: i64 = 26;

/// A rise stays one episode while the count stays at least this many times the level the
/// detector expected at its onset, even after the detector's baseline has absorbed it (EARS
/// forgets in weeks; a sustained rise must keep being reported, whatever the method).
pub const SUSTAINED_RATIO: f64 = 2.0;

/// Builds the weekly series and returns the alerts, most urgent first.
///
/// The detector runs over the monitored weeks of every series (from `since_day`, by default the
/// last 12 weeks), adapted to what each series has: EARS, CUSUM and GLR start where the series
/// has enough history before them (CUSUM's `m` is the mean of the weeks before), Farrington's
/// `b` is lowered to the years of history a series has (series with less than a year are
/// skipped).
pub fn alerts(
    incidents: &[Incident],
    detector: &Detector,
    since_day: Option<i64>,
) -> Result<Vec<Alert>, EwsError> {
    alerts_with_fallback(incidents, detector, None, since_day)
}

/// As [`alerts`], with a `fallback` detector for the series too short for `detector` (the
/// platform's default: the Noufaily-improved Farrington with a year or more of history, EARS
/// otherwise).
///
/// Every detector watches from [`LOOKBACK_WEEKS`] before the window, so an episode running at
/// the window's start is reported with its onset; an episode is reported when any of its weeks
/// falls in the window.
pub fn alerts_with_fallback(
    incidents: &[Incident],
    detector: &Detector,
    fallback: Option<&Detector>,
    since_day: Option<i64>,
) -> Result<Vec<Alert>, EwsError> {
    let mut state = AlertState::default();
    state.extend(incidents);
    state.alerts(detector, fallback, since_day)
}

/// The weekly series of a growing set of incidents and the detector results already computed
/// over them, so that alerts after new incidents cost the new weeks only: the platform keeps one
/// per organisation and adds what each import brought (issue 19: 10,000 more incidents at 1M
/// update the alerts in under a second).
///
/// The answer is the same as [`alerts_with_fallback`] over every incident added (that function
/// is this state, filled at once): EARS and Farrington judge week `t` from the counts up to `t`
/// alone (and Farrington from its number of years `b`), so a week's result is kept until a count
/// at or before it changes, or `b` changes with the series' length. CUSUM and GLR accumulate
/// over their range, so they are computed afresh each time.
#[derive(Default)]
pub struct AlertState {
    /// Monday of week index 0 (the first week with an incident), and of the last such week.
    span: Option<(i64, i64)>,
    series: BTreeMap<(String, String), SeriesState>,
    /// The member substances of each class per region (for [`drop_single_member_classes`]).
    members: BTreeMap<(String, String), BTreeSet<String>>,
    incidents: usize,
}

/// One weekly series (the counts of a substance or class in a region) and its computed weeks.
struct SeriesState {
    name: String,
    /// Counts by week index from the state's first week; shorter than the span until computed.
    counts: Vec<f64>,
    /// Points computed, by the detector's settings (with Farrington's `b`), by 1-based week.
    points: HashMap<String, BTreeMap<usize, Point>>,
}

impl SeriesState {
    /// Counts changed from 0-based week `i` on: the points of weeks `i + 1` (1-based) and later
    /// looked at them.
    fn changed_from(&mut self, i: usize) {
        for cached in self.points.values_mut() {
            cached.split_off(&(i + 1));
        }
    }
}

impl AlertState {
    /// Incidents added so far.
    pub fn len(&self) -> usize {
        self.incidents
    }

    pub fn is_empty(&self) -> bool {
        self.incidents == 0
    }

    pub fn extend<'a>(&mut self, incidents: impl IntoIterator<Item = &'a Incident>) {
        for inc in incidents {
            self.add(inc);
        }
    }

    /// Counts one more incident in its series.
    pub fn add(&mut self, inc: &Incident) {
        let monday = week_start(inc.day);
        let first = match self.span {
            None => {
                self.span = Some((monday, monday));
                monday
            }
            Some((first, last)) if monday < first => {
                // Every index moves: the series are shifted and their points computed again.
                let shift = ((first - monday) / 7) as usize;
                for s in self.series.values_mut() {
                    let mut counts = vec![0.0; shift];
                    counts.append(&mut s.counts);
                    s.counts = counts;
                    s.points.clear();
                }
                self.span = Some((monday, last));
                monday
            }
            Some((first, last)) => {
                self.span = Some((first, last.max(monday)));
                first
            }
        };
        self.incidents += 1;
        let w = ((monday - first) / 7) as usize;
        let mut keys: Vec<(String, String)> =
            vec![(inc.substance.clone(), inc.substance_name.clone())];
        for c in &inc.classes {
            keys.push((format!("class:{c}"), format!("{c} (class)")));
            for region in [inc.country.as_str(), "ALL"] {
                self.members
                    .entry((format!("class:{c}"), region.to_string()))
                    .or_default()
                    .insert(inc.substance.clone());
            }
        }
        for (key, name) in keys {
            let regions: &[&str] = if inc.coalition {
                &[inc.country.as_str(), "ALL"]
            } else {
                &[inc.country.as_str()]
            };
            for region in regions {
                let entry = self
                    .series
                    .entry((key.clone(), region.to_string()))
                    .or_insert_with(|| SeriesState {
                        name: name.clone(),
                        counts: Vec::new(),
                        points: HashMap::new(),
                    });
                if entry.counts.len() <= w {
                    entry.counts.resize(w + 1, 0.0);
                }
                entry.counts[w] += 1.0;
                entry.changed_from(w);
            }
        }
    }

    /// The alerts over every incident added, most urgent first (see [`alerts_with_fallback`]).
    pub fn alerts(
        &mut self,
        detector: &Detector,
        fallback: Option<&Detector>,
        since_day: Option<i64>,
    ) -> Result<Vec<Alert>, EwsError> {
        self.alerts_sharing(detector, fallback, since_day, None)
    }

    /// As [`AlertState::alerts`], taking the weeks' results from `memo` where another state
    /// with the same counts computed them already, and leaving its own there. The platform
    /// keeps one state per organisation, and most of their series hold the same counts (every
    /// coalition-wide series, and a foreign country's series for the organisations of one
    /// country), so each is computed once rather than once per organisation.
    pub fn alerts_sharing(
        &mut self,
        detector: &Detector,
        fallback: Option<&Detector>,
        since_day: Option<i64>,
        memo: Option<&PointMemo>,
    ) -> Result<Vec<Alert>, EwsError> {
        self.judge(detector, fallback, since_day, memo, true)
    }

    /// The alerts; with `screen`, a series is first judged from its first watched week and the
    /// weeks that may raise an alarm (see [`may_alarm`]) alone, and its other weeks computed
    /// only when it has an alarm or an episode may have begun before the window: the answer
    /// without the screen at a fraction of its cost (tests compare the two).
    fn judge(
        &mut self,
        detector: &Detector,
        fallback: Option<&Detector>,
        since_day: Option<i64>,
        memo: Option<&PointMemo>,
        screen: bool,
    ) -> Result<Vec<Alert>, EwsError> {
        let Some((first, last)) = self.span else {
            return Ok(Vec::new());
        };
        let weeks = Weeks {
            first,
            count: ((last - first) / 7 + 1) as usize,
            since: week_start(since_day.unwrap_or(last - 7 * 11)),
        };
        let watch_from = (weeks.monitor_from() as i64 - LOOKBACK_WEEKS).max(1) as usize;
        // Series are independent: watched in parallel, gathered in series order (the answer is
        // the same whatever the number of threads).
        let per_series: Vec<Vec<Alert>> = self
            .series
            .par_iter_mut()
            .map(|((key, region), series)| -> Result<Vec<Alert>, EwsError> {
                // Weeks after a series' last incident are weeks without one.
                series.counts.resize(weeks.count, 0.0);
                let SeriesState {
                    name,
                    counts,
                    points: cache,
                } = series;
                let counts: &[f64] = counts;
                let mut out = Vec::new();
                let found = Found { key, region, name };
                out.extend(first_detection(&found, counts, &weeks));
                let mut used = detector;
                // Watched from the window's start first; only a series whose first watched week
                // is already raised (an alarm, or a count well above what was expected) is
                // watched again from the lookback, to find where its episode began — most
                // series cost the window.
                let window_from = weeks.monitor_from();
                // Most series of a coalition are sparse: a country's view of a foreign
                // country's substance holds a few records a month, and Farrington raises no
                // alarm on a week without a case nor below 5 cases in 4 weeks. Such a series is
                // judged first from its first watched week (whether an episode may have begun
                // before the window) and the weeks that may alarm; without an alarm there nor
                // an episode looked for before the window, it has no aberration, whatever its
                // other weeks' results (which only an alert's chart shows). On a country's
                // first alerts request this leaves most of the Farrington fits undone.
                let mut partial = screen && matches!(detector, Detector::Farrington(_));
                let mut points =
                    monitor_cached(detector, counts, window_from, partial, cache, memo)?;
                if points.is_none() {
                    partial = false;
                    if let Some(f) = fallback {
                        used = f;
                        points = monitor_cached(f, counts, window_from, false, cache, memo)?;
                    }
                }
                // The level before the lookback (up to 8 weeks), against which a rise that the
                // detector's baseline has since absorbed still shows.
                let end = watch_from.saturating_sub(1).min(counts.len());
                let before = &counts[end.saturating_sub(8)..end];
                let level = if before.is_empty() {
                    0.5
                } else {
                    (before.iter().sum::<f64>() / before.len() as f64).max(0.5)
                };
                let raised_at_start = points.as_ref().and_then(|p| p.first()).is_some_and(|p| {
                    p.alarm == Some(true)
                        || (p.expected.is_finite()
                            && p.observed >= SUSTAINED_RATIO * p.expected.max(0.5))
                        || p.observed >= SUSTAINED_RATIO * level
                });
                let alarmed = points
                    .as_ref()
                    .is_some_and(|p| p.iter().any(|p| p.alarm == Some(true)));
                if partial && !raised_at_start && !alarmed {
                    return Ok(out);
                }
                if raised_at_start && watch_from < window_from {
                    if let Some(earlier) =
                        monitor_cached(used, counts, watch_from, false, cache, memo)?
                    {
                        points = Some(earlier);
                        partial = false;
                    }
                }
                if partial {
                    points = monitor_cached(used, counts, window_from, false, cache, memo)?;
                }
                let Some(points) = points else {
                    return Ok(out);
                };
                let chart: Vec<ChartPoint> = points
                    .iter()
                    .map(|p| ChartPoint {
                        week: iso_week_label(weeks.monday(p.t - 1)),
                        observed: p.observed,
                        expected: p.expected.is_finite().then_some(p.expected),
                        upperbound: p.upperbound.is_finite().then_some(p.upperbound),
                        alarm: p.alarm == Some(true),
                    })
                    .collect();
                let window_start = weeks.monitor_from();
                out.extend(
                    episodes(&points)
                        .into_iter()
                        .filter(|e| e.last().is_some_and(|p| p.t >= window_start))
                        .map(|episode| {
                            let mut a = aberration(&found, episode, &weeks, used);
                            a.ongoing = episode.last().is_some_and(|p| p.t == counts.len());
                            a.points = chart.clone();
                            a
                        }),
                );
                Ok(out)
            })
            .collect::<Result<_, _>>()?;
        let mut out: Vec<Alert> = per_series.into_iter().flatten().collect();
        drop_single_member_classes(&mut out, &self.members);
        rank(&mut out);
        Ok(out)
    }
}

/// The weeks the incidents span, and where monitoring starts.
struct Weeks {
    /// Monday of the first week with an incident.
    first: i64,
    /// Number of weeks up to the last one with an incident.
    count: usize,
    /// Monday of the first monitored week.
    since: i64,
}

impl Weeks {
    /// Monday of the week at 0-based index `i`.
    fn monday(&self, i: usize) -> i64 {
        self.first + 7 * i as i64
    }

    /// 1-based index of the first monitored week (past the end when `since` is later).
    fn monitor_from(&self) -> usize {
        (((self.since - self.first) / 7).max(0) as usize) + 1
    }
}

/// What a series is of, for its alerts.
struct Found<'a> {
    key: &'a str,
    region: &'a str,
    name: &'a str,
}

impl Found<'_> {
    fn coalition_wide(&self) -> bool {
        self.region == "ALL"
    }

    /// `coalition-wide` or `in MX`, for explanations.
    fn scope(&self) -> String {
        if self.coalition_wide() {
            "coalition-wide".to_string()
        } else {
            format!("in {}", self.region)
        }
    }
}

/// The first week with any incident, if it is monitored (from `since` on).
fn first_detection(found: &Found, y: &[f64], weeks: &Weeks) -> Option<Alert> {
    let first = y.iter().position(|&v| v > 0.0)?;
    let monday = weeks.monday(first);
    if monday < weeks.since {
        return None;
    }
    let name = found.name;
    Some(Alert {
        kind: AlertKind::FirstDetection,
        substance: found.key.to_string(),
        substance_name: name.to_string(),
        region: found.region.to_string(),
        week: iso_week_label(monday),
        observed: y[first],
        expected: 0.0,
        upperbound: 0.0,
        method: "first-detection".into(),
        explanation: format!(
            "{name} seen for the first time {} in week {} ({} incident(s)); never before in {} weeks of records",
            found.scope(),
            iso_week_label(monday),
            y[first],
            first
        ),
        priority: 100.0 + if found.coalition_wide() { 25.0 } else { 0.0 } + y[first],
        ongoing: first + 1 == y.len(),
        weeks: 1,
        onset_day: monday,
        last_day: monday,
        points: y
            .iter()
            .enumerate()
            .skip(first.saturating_sub(4))
            .map(|(i, &v)| ChartPoint {
                week: iso_week_label(weeks.monday(i)),
                observed: v,
                expected: None,
                upperbound: None,
                alarm: i == first,
            })
            .collect(),
    })
}

/// How a detector runs over one series: its settings, adapted to the history the series has.
#[derive(Debug)]
enum Plan {
    Ears(EarsMethod, EarsControl),
    /// With `b` lowered to the years the series has.
    Farrington(FarringtonControl),
    Glr(GlrControl),
    Cusum(CusumControl),
}

impl Plan {
    /// Whether the result of a week depends only on the counts up to it (and the settings), so
    /// that it can be kept between calls; CUSUM and GLR accumulate over their range.
    fn per_week(&self) -> bool {
        matches!(self, Plan::Ears(..) | Plan::Farrington(_))
    }

    /// How many weeks before week `t` its result reads, when that is bounded by the settings:
    /// Farrington fits its model to the windows of ±w weeks around the same week 1..b years back
    /// and the weeks between (`Baseline::build`), so nothing before `t − 52·b − w`; its time
    /// covariate is the week's index, which the memo's key holds. `None`: the whole prefix is
    /// taken as read (EARS is cheap enough that its results are shared by prefix alone).
    fn reach(&self) -> Option<usize> {
        match self {
            Plan::Farrington(c) => c.b.checked_mul(52).and_then(|d| d.checked_add(c.w)),
            _ => None,
        }
    }

    /// The points of weeks `from..=to` (1-based).
    fn run(&self, y: &[f64], from: usize, to: usize) -> Result<Vec<Point>, EwsError> {
        match self {
            Plan::Ears(method, control) => ears(
                y,
                *method,
                &EarsControl {
                    range: Some((from, to)),
                    ..*control
                },
            ),
            Plan::Farrington(control) => farrington(
                y,
                None,
                &FarringtonControl {
                    range: (from, to),
                    ..*control
                },
            ),
            Plan::Glr(control) => glrnb(
                y,
                &GlrControl {
                    range: (from, to),
                    ..*control
                },
            ),
            Plan::Cusum(control) => cusum(
                y,
                &CusumControl {
                    range: (from, to),
                    ..*control
                },
            ),
        }
    }
}

/// The detector over the weeks of `y` from `monitor_from` (1-based) on, starting later where the
/// series lacks the history the method needs: the first week and the plan; `None` when the
/// series cannot be monitored.
fn plan(detector: &Detector, y: &[f64], monitor_from: usize) -> Option<(usize, Plan)> {
    match detector {
        Detector::Ears(method, control) => {
            let lag = match method {
                EarsMethod::C1 => control.baseline,
                EarsMethod::C2 => control.baseline.saturating_add(2),
                EarsMethod::C3 => control.baseline.saturating_add(4),
            };
            let from = monitor_from.max(lag.saturating_add(1));
            if from > y.len() {
                return None;
            }
            Some((
                from,
                Plan::Ears(
                    *method,
                    EarsControl {
                        range: None,
                        ..*control
                    },
                ),
            ))
        }
        Detector::Farrington(template) => {
            let w = template.w;
            let b = template
                .b
                .min(y.len().saturating_sub(w.saturating_add(1)) / 52);
            if b == 0 {
                return None;
            }
            // b ≤ len / 52 here, so this cannot overflow.
            let from = monitor_from.max(52 * b + w + 1);
            if from > y.len() {
                return None;
            }
            Some((
                from,
                Plan::Farrington(FarringtonControl {
                    range: (0, 0),
                    b,
                    ..*template
                }),
            ))
        }
        Detector::Glr(template) => {
            let from = monitor_from.max(template.harmonics.saturating_mul(2).saturating_add(3));
            if from > y.len() || y[..from - 1].iter().all(|&v| v == 0.0) {
                return None;
            }
            Some((from, Plan::Glr(template.clone())))
        }
        Detector::Cusum(template) => {
            let from = monitor_from.max(2);
            if from > y.len() {
                return None;
            }
            let m = y[..from - 1].iter().sum::<f64>() / (from - 1) as f64;
            if m <= 0.0 {
                return None; // no baseline level to standardise against
            }
            Some((
                from,
                Plan::Cusum(CusumControl {
                    m: Some(m),
                    ..template.clone()
                }),
            ))
        }
    }
}

/// Whether `detector` may raise an alarm at week `k` (1-based) of `y`. Only Farrington says
/// no, by its own rule (`judge` in the Farrington module): never on a week without a case, nor
/// with fewer than `limit54.0` cases in its last `limit54.1` weeks.
fn may_alarm(detector: &Detector, y: &[f64], k: usize) -> bool {
    let Detector::Farrington(c) = detector else {
        return true;
    };
    let (cases, span) = c.limit54;
    let start = k + 1 - span.min(k);
    y[k - 1] != 0.0 && y[start - 1..k].iter().sum::<f64>() >= cases
}

/// The points of the detector over `y` from `monitor_from` on (see [`plan`]), taking the weeks
/// already in `cache` and keeping the ones computed; with `screened`, only the first week's
/// and those of the weeks that [`may_alarm`].
fn monitor_cached(
    detector: &Detector,
    y: &[f64],
    monitor_from: usize,
    screened: bool,
    cache: &mut HashMap<String, BTreeMap<usize, Point>>,
    memo: Option<&PointMemo>,
) -> Result<Option<Vec<Point>>, EwsError> {
    let Some((from, plan)) = plan(detector, y, monitor_from) else {
        return Ok(None);
    };
    let to = y.len();
    let screened = screened && plan.per_week();
    let wanted = |t: usize| !screened || t == from || may_alarm(detector, y, t);
    if !plan.per_week() {
        return plan.run(y, from, to).map(Some);
    }
    let settings = format!("{plan:?}");
    let reach = plan.reach();
    let kept = cache.entry(settings.clone()).or_default();
    let needed = |t: usize, kept: &BTreeMap<usize, Point>| !kept.contains_key(&t) && wanted(t);
    if let Some(memo) = memo {
        let missing: Vec<usize> = (from..=to).filter(|&t| needed(t, kept)).collect();
        if !missing.is_empty() {
            for p in memo.get(&settings, y, reach, &missing) {
                kept.insert(p.t, p);
            }
        }
    }
    // The runs of weeks needed and not computed yet, each computed in one call.
    let mut computed = Vec::new();
    let mut t = from;
    while t <= to {
        if !needed(t, kept) {
            t += 1;
            continue;
        }
        let start = t;
        while t <= to && needed(t, kept) {
            t += 1;
        }
        for p in plan.run(y, start, t - 1)? {
            kept.insert(p.t, p);
            computed.push(p);
        }
    }
    if let Some(memo) = memo {
        memo.put(&settings, y, reach, &computed);
    }
    Ok(Some(kept.range(from..=to).map(|(_, p)| *p).collect()))
}

/// Weeks' results shared between [`AlertState`]s, by the detector's settings and the counts
/// the week's result reads: EARS and Farrington judge week `t` from `y[..t]` alone (Farrington
/// from its last `52·b + w` weeks of that), so two series whose counts agree there have the
/// same result at `t`. Keyed by two independent 64-bit hashes
/// of the settings and the counts (a false match needs both to collide); emptied when it
/// reaches [`PointMemo::MAX_POINTS`], so its memory is bounded.
#[derive(Default)]
pub struct PointMemo {
    points: Mutex<HashMap<(u64, u64, usize), Point>>,
}

impl PointMemo {
    /// About 100 bytes each: some 200 MB at most.
    pub const MAX_POINTS: usize = 2_000_000;

    /// The key of every week `t` in `weeks` (1-based, ascending): hashes of the settings and
    /// of the counts the week's result reads, `y[..t]`, or with a bounded `reach` (see
    /// `Plan::reach`) only the `reach` weeks before `t` and `t` itself. So two series that
    /// differ only further back share the week: an organisation's view of another country
    /// differs from its neighbours' by a few records shared with it alone, most of them years
    /// before the weeks the alerts judge.
    fn keys(
        settings: &str,
        y: &[f64],
        reach: Option<usize>,
        weeks: &[usize],
    ) -> Vec<(u64, u64, usize)> {
        let mut a = DefaultHasher::new();
        let mut b = DefaultHasher::new();
        0x51_7c_c1_b7_27_22_0a_95u64.hash(&mut b);
        settings.hash(&mut a);
        settings.hash(&mut b);
        let mut out = Vec::with_capacity(weeks.len());
        let mut fed = 0;
        for &t in weeks {
            let end = t.min(y.len());
            if let Some(reach) = reach {
                // Each week hashes its own window (the settings' hash is the common start).
                let (mut a, mut b) = (a.clone(), b.clone());
                for v in &y[end.saturating_sub(reach + 1)..end] {
                    v.to_bits().hash(&mut a);
                    v.to_bits().hash(&mut b);
                }
                out.push((a.finish(), b.finish(), t));
                continue;
            }
            for v in &y[fed..end] {
                v.to_bits().hash(&mut a);
                v.to_bits().hash(&mut b);
            }
            fed = end;
            out.push((a.clone().finish(), b.clone().finish(), t));
        }
        out
    }

    fn get(&self, settings: &str, y: &[f64], reach: Option<usize>, weeks: &[usize]) -> Vec<Point> {
        let keys = Self::keys(settings, y, reach, weeks);
        let Ok(points) = self.points.lock() else {
            return Vec::new();
        };
        keys.iter().filter_map(|k| points.get(k).copied()).collect()
    }

    fn put(&self, settings: &str, y: &[f64], reach: Option<usize>, computed: &[Point]) {
        if computed.is_empty() {
            return;
        }
        let weeks: Vec<usize> = computed.iter().map(|p| p.t).collect();
        let keys = Self::keys(settings, y, reach, &weeks);
        let Ok(mut points) = self.points.lock() else {
            return;
        };
        if points.len() + keys.len() > Self::MAX_POINTS {
            points.clear();
        }
        points.extend(keys.into_iter().zip(computed.iter().copied()));
    }

    /// Weeks' results held.
    pub fn len(&self) -> usize {
        self.points.lock().map(|p| p.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The episodes: a run of alarm weeks, continued while the count stays at least
/// [`SUSTAINED_RATIO`] times the level expected at its onset (so a sustained rise is one
/// episode that keeps being reported, not silence once the baseline has caught up), and
/// joined to a next run that starts while it is sustained.
fn episodes(points: &[Point]) -> Vec<&[Point]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < points.len() {
        if points[i].alarm != Some(true) {
            i += 1;
            continue;
        }
        let start = i;
        let level = if points[start].expected.is_finite() {
            points[start].expected.max(0.5)
        } else {
            0.5
        };
        let mut end = i + 1;
        while end < points.len()
            && (points[end].alarm == Some(true) || points[end].observed >= SUSTAINED_RATIO * level)
        {
            end += 1;
        }
        out.push(&points[start..end]);
        i = end;
    }
    out
}

/// The alert of an episode: at the week it began, with the peak so far.
fn aberration(found: &Found, episode: &[Point], weeks: &Weeks, detector: &Detector) -> Alert {
    let peak = episode.iter().map(|p| p.observed).fold(0.0, f64::max);
    let p0 = &episode[0];
    let monday = weeks.monday(p0.t - 1);
    let excess = (p0.observed - p0.expected) / p0.expected.max(1.0);
    let name = found.name;
    Alert {
        kind: AlertKind::Aberration,
        substance: found.key.to_string(),
        substance_name: name.to_string(),
        region: found.region.to_string(),
        week: iso_week_label(monday),
        observed: p0.observed,
        expected: p0.expected,
        upperbound: p0.upperbound,
        method: detector.name().into(),
        explanation: format!(
            "{name} {}: {} incident(s) in week {} against {:.1} expected ({} {:.2}, {}); the rise lasted {} week(s), peaking at {}",
            found.scope(),
            p0.observed,
            iso_week_label(monday),
            p0.expected,
            if matches!(detector, Detector::Glr(_)) { "likelihood-ratio statistic" } else { "threshold" },
            p0.upperbound,
            detector.name(),
            episode.len(),
            peak
        ),
        priority: excess * 10.0 + peak + if found.coalition_wide() { 5.0 } else { 0.0 },
        ongoing: false,
        weeks: episode.len(),
        onset_day: monday,
        last_day: weeks.monday(episode[episode.len() - 1].t - 1),
        points: Vec::new(),
    }
}

/// A class with a single member substance in a region has the same series as that member:
/// its alerts would repeat the member's, so they are dropped.
fn drop_single_member_classes(
    out: &mut Vec<Alert>,
    members: &BTreeMap<(String, String), BTreeSet<String>>,
) {
    out.retain(|a| {
        !a.substance.starts_with("class:")
            || members
                .get(&(a.substance.clone(), a.region.clone()))
                .is_some_and(|m| m.len() > 1)
    });
}

/// Most urgent first; ties by week, substance and region (a stable sort keeps the rest in
/// series order).
fn rank(out: &mut [Alert]) {
    out.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then(a.week.cmp(&b.week))
            .then(a.substance.cmp(&b.substance))
            .then(a.region.cmp(&b.region))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_core::days_from_civil;

    fn inc(day: i64, country: &str, substance: &str, classes: &[&str]) -> Incident {
        Incident {
            day,
            country: country.into(),
            substance: substance.into(),
            substance_name: substance.into(),
            classes: classes.iter().map(|c| c.to_string()).collect(),
            coalition: true,
        }
    }

    #[test]
    fn a_new_substance_and_a_rise_give_one_alert_each() {
        let start = days_from_civil(2025, 1, 6);
        let mut incidents = Vec::new();
        // 30 weeks of steady fentanyl seizures in MX, then a rise over 3 weeks.
        for w in 0..30 {
            let n = if w >= 27 { 9 } else { 2 + (w % 2) };
            for _ in 0..n {
                incidents.push(inc(start + 7 * w, "MX", "fentanyl", &["fentanyl-analogue"]));
            }
        }
        // A nitazene never seen before, in week 28.
        incidents.push(inc(start + 7 * 28, "US", "isotonitazene", &["nitazene"]));
        let det = Detector::Ears(
            EarsMethod::C2,
            EarsControl {
                min_sigma: 0.5,
                ..EarsControl::default()
            },
        );
        let alerts = alerts(&incidents, &det, Some(start + 7 * 20)).unwrap();
        let firsts: Vec<_> = alerts
            .iter()
            .filter(|a| a.kind == AlertKind::FirstDetection)
            .collect();
        assert!(firsts
            .iter()
            .any(|a| a.substance == "isotonitazene" && a.region == "US"));
        assert!(
            !firsts.iter().any(|a| a.substance == "fentanyl"),
            "fentanyl is history"
        );
        let rises: Vec<_> = alerts
            .iter()
            .filter(|a| {
                a.kind == AlertKind::Aberration && a.substance == "fentanyl" && a.region == "MX"
            })
            .collect();
        assert_eq!(rises.len(), 1, "one alert per episode: {rises:?}");
        assert!(rises[0].explanation.contains("peaking at 9"));
    }

    #[test]
    fn a_sustained_rise_stays_one_running_episode_reported_from_its_onset() {
        let start = days_from_civil(2025, 1, 6);
        let mut incidents = Vec::new();
        // 30 quiet weeks, then 20 weeks at five times the level: EARS's baseline catches up
        // within weeks, but the rise is one episode, still running, from its first week.
        for w in 0..50 {
            let n = if w >= 30 { 10 } else { 2 };
            for _ in 0..n {
                incidents.push(inc(start + 7 * w, "MX", "fentanyl", &[]));
            }
        }
        let det = Detector::Ears(EarsMethod::C2, EarsControl::default());
        // The window starts 12 weeks after the onset: the episode is still reported, with it.
        let found = alerts(&incidents, &det, Some(start + 7 * 42)).unwrap();
        let rises: Vec<_> = found
            .iter()
            .filter(|a| a.kind == AlertKind::Aberration && a.region == "MX")
            .collect();
        assert_eq!(rises.len(), 1, "{rises:?}");
        assert_eq!(rises[0].onset_day, start + 7 * 30);
        assert!(rises[0].ongoing);
        assert_eq!(rises[0].weeks, 20);
        assert!(!rises[0].points.is_empty());
    }

    #[test]
    fn coalition_series_count_only_coalition_records() {
        let start = days_from_civil(2025, 1, 6);
        let mut incidents = vec![inc(start + 7 * 20, "MX", "isotonitazene", &[])];
        incidents[0].coalition = false;
        let det = Detector::Ears(EarsMethod::C2, EarsControl::default());
        let found = alerts(&incidents, &det, Some(start)).unwrap();
        assert!(found.iter().any(|a| a.region == "MX"));
        assert!(found.iter().all(|a| a.region != "ALL"), "{found:?}");
    }

    /// Deterministic pseudo-random numbers for the test's incidents (xorshift).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// Three years of incidents over a few substances (two of a class) and countries, with a
    /// rise in the last weeks, and batches arriving later: old weeks, the latest weeks, new
    /// weeks past the end, and one before the first week.
    fn history(rng: &mut Rng, n: usize, from_day: i64, days: u64) -> Vec<Incident> {
        let subs: [(&str, &[&str]); 4] = [
            ("fentanyl", &["opioid"]),
            ("carfentanil", &["opioid"]),
            ("cocaine", &[]),
            ("ketamine", &[]),
        ];
        (0..n)
            .map(|_| {
                let (s, classes) = subs[rng.below(4) as usize];
                let mut i = inc(
                    from_day + rng.below(days) as i64,
                    ["MX", "US", "NL"][rng.below(3) as usize],
                    s,
                    classes,
                );
                i.coalition = rng.below(4) != 0;
                i
            })
            .collect()
    }

    #[test]
    fn alerts_kept_up_incrementally_equal_a_full_recomputation() {
        let start = days_from_civil(2023, 1, 2);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut all = history(&mut rng, 6000, start, 3 * 364);
        // A rise of fentanyl in MX over the last five weeks.
        all.extend(
            (0..120).map(|k| inc(start + 3 * 364 - 35 + k % 35, "MX", "fentanyl", &["opioid"])),
        );
        let noufaily = Detector::new(crate::Method::Farrington, &crate::Overrides::noufaily())
            .expect("noufaily settings");
        let ears = Detector::Ears(EarsMethod::C2, EarsControl::default());
        let batches = [
            history(&mut rng, 300, start + 3 * 364 - 21, 21), // the latest weeks
            history(&mut rng, 200, start + 100, 300),         // old weeks
            history(&mut rng, 250, start + 3 * 364, 30),      // weeks past the end
            history(&mut rng, 40, start - 60, 30),            // before the first week
        ];
        let mut state = AlertState::default();
        state.extend(&all);
        let show = |a: &[Alert]| format!("{a:?}");
        for since in [None, Some(start + 3 * 364 - 200)] {
            let kept = state.alerts(&noufaily, Some(&ears), since).unwrap();
            let full = alerts_with_fallback(&all, &noufaily, Some(&ears), since).unwrap();
            assert_eq!(show(&kept), show(&full));
        }
        let mut seen_aberration = false;
        for batch in batches {
            all.extend(batch.iter().cloned());
            state.extend(&batch);
            for since in [None, Some(start + 3 * 364 - 200)] {
                let kept = state.alerts(&noufaily, Some(&ears), since).unwrap();
                let full = alerts_with_fallback(&all, &noufaily, Some(&ears), since).unwrap();
                assert!(!full.is_empty());
                seen_aberration |= full.iter().any(|a| a.kind == AlertKind::Aberration);
                assert_eq!(show(&kept), show(&full), "after {} incidents", all.len());
            }
            // Other detectors through the same state: EARS alone, and CUSUM (not kept per week).
            let cusum = Detector::new(crate::Method::Cusum, &crate::Overrides::default())
                .expect("cusum settings");
            for d in [&ears, &cusum] {
                let kept = state.alerts(d, None, None).unwrap();
                assert_eq!(show(&kept), show(&alerts(&all, d, None).unwrap()));
            }
        }
        assert!(seen_aberration, "the test's data has a rise to find");
        assert_eq!(state.len(), all.len());
    }

    #[test]
    fn screening_out_series_that_cannot_alarm_changes_no_alert() {
        // A coalition-like view: a dense series, sparse ones in many countries (a few records
        // a month), a sparse series that rises to an alarm in the window, and one whose rise
        // began before the window (judged again from the lookback).
        let start = days_from_civil(2023, 1, 2);
        let end = start + 3 * 364;
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut seen = history(&mut rng, 3000, start, 3 * 364);
        let countries = [
            "AR", "BE", "CA", "DE", "EG", "FR", "GB", "IN", "JP", "KE", "PE", "TH",
        ];
        for (i, country) in countries.iter().enumerate() {
            for k in 0..(40 + 10 * i as u64) {
                let mut r = inc(
                    start + rng.below(3 * 364) as i64,
                    country,
                    ["tramadol", "safrole", "ketamine"][(k % 3) as usize],
                    &["sparse"],
                );
                r.coalition = !k.is_multiple_of(4);
                seen.push(r);
            }
        }
        seen.extend((0..9).map(|k| inc(end - 20 + k % 10, "KE", "safrole", &["sparse"])));
        seen.extend((0..60).map(|k| inc(end - 7 * 20 + k * 2, "PE", "tramadol", &["sparse"])));
        let noufaily = Detector::new(crate::Method::Farrington, &crate::Overrides::noufaily())
            .expect("noufaily settings");
        let ears = Detector::Ears(EarsMethod::C2, EarsControl::default());
        let show = |a: &[Alert]| format!("{a:?}");
        for since in [None, Some(end - 7 * 30), Some(end - 7 * 60)] {
            let (screened_memo, full_memo) = (PointMemo::default(), PointMemo::default());
            let mut state = AlertState::default();
            state.extend(seen.iter());
            let screened = state
                .judge(&noufaily, Some(&ears), since, Some(&screened_memo), true)
                .unwrap();
            let mut state = AlertState::default();
            state.extend(seen.iter());
            let full = state
                .judge(&noufaily, Some(&ears), since, Some(&full_memo), false)
                .unwrap();
            assert_eq!(show(&screened), show(&full), "since {since:?}");
            let rose = |region: &str| {
                full.iter().any(|a| {
                    a.kind == AlertKind::Aberration
                        && a.region == region
                        && (a.substance == "safrole" || a.substance == "tramadol")
                })
            };
            assert!(
                rose("KE") || rose("PE"),
                "the data has sparse rises to find"
            );
            assert!(
                screened_memo.len() < full_memo.len(),
                "the screen left fits undone: {} of {} weeks computed",
                screened_memo.len(),
                full_memo.len()
            );
        }
    }

    #[test]
    fn states_sharing_a_memo_answer_what_each_alone_answers() {
        let start = days_from_civil(2023, 1, 2);
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let common = history(&mut rng, 4000, start, 3 * 364);
        let noufaily = Detector::new(crate::Method::Farrington, &crate::Overrides::noufaily())
            .expect("noufaily settings");
        let ears = Detector::Ears(EarsMethod::C2, EarsControl::default());
        let show = |a: &[Alert]| format!("{a:?}");
        let memo = PointMemo::default();
        // Three organisations: two see the same incidents, the third more (a rise in MX the
        // others may not read), so some of its series share counts with theirs and some not.
        let mut third = common.clone();
        third.extend(
            (0..90).map(|k| inc(start + 3 * 364 - 28 + k % 28, "MX", "fentanyl", &["opioid"])),
        );
        for seen in [&common, &common, &third] {
            let mut state = AlertState::default();
            state.extend(seen.iter());
            let shared = state
                .alerts_sharing(&noufaily, Some(&ears), None, Some(&memo))
                .unwrap();
            let alone = alerts_with_fallback(seen, &noufaily, Some(&ears), None).unwrap();
            assert_eq!(show(&shared), show(&alone));
        }
        assert!(!memo.is_empty(), "the weeks' results were shared");
        // Views that differ from the third only before the weeks judged: far back (before
        // Farrington's reach, so every week's result comes from the memo and none is added),
        // and a year back (in the reference windows of the weeks judged: those are judged
        // afresh, and a memo keyed too narrowly would answer the third's results).
        let held = memo.len();
        for (back, expect_new) in [(3 * 364 - 14, false), (364 + 14, true)] {
            let mut seen = third.clone();
            seen.extend((0..40).map(|k| {
                inc(
                    start + 3 * 364 - back + k % 7,
                    "MX",
                    "fentanyl",
                    &["opioid"],
                )
            }));
            let mut state = AlertState::default();
            state.extend(seen.iter());
            let shared = state
                .alerts_sharing(&noufaily, Some(&ears), None, Some(&memo))
                .unwrap();
            let alone = alerts_with_fallback(&seen, &noufaily, Some(&ears), None).unwrap();
            assert_eq!(show(&shared), show(&alone), "{back} days back");
            assert_eq!(memo.len() > held, expect_new, "{back} days back");
        }
        // Later incidents in one state: the weeks they touched are judged afresh, the memo
        // still gives what a state alone gives.
        let mut state = AlertState::default();
        state.extend(common.iter());
        let later = history(&mut rng, 300, start + 3 * 364 - 21, 21);
        state.extend(later.iter());
        let mut all = common.clone();
        all.extend(later);
        let shared = state
            .alerts_sharing(&noufaily, Some(&ears), None, Some(&memo))
            .unwrap();
        let alone = alerts_with_fallback(&all, &noufaily, Some(&ears), None).unwrap();
        assert_eq!(show(&shared), show(&alone));
    }
}
