//! What changed: corridors against their own history, and substitution after a control.
//!
//! **Windows.** The latest window is the `window_days` days ending on `today` (both included);
//! the history is the up to [`HISTORY_WINDOWS`] windows of the same length just before it,
//! counting only windows that start on or after the first record's day (a window before the data
//! began is unknown, not zero). Records after `today` are ignored.
//!
//! **Corridors** are origin → destination pairs (transit routes summed), over all the records
//! passed in (the caller filters by substance or class). Two measures are judged, the number of
//! records (notifications plus incidents) and the kilograms:
//! - *new*: records in the window, none at any time before it, and at least one full earlier
//!   window of data (otherwise everything would be new);
//! - *grew* by records: at least [`MIN_HISTORY_WINDOWS`] windows of history, at least
//!   [`MIN_WINDOW_RECORDS`] records in the window, at least [`GROWTH_RATIO`] times the history's
//!   mean, **and** a count the unchanged rate gives with probability at most [`ALARM_P`]: the
//!   exact conditional test of two Poisson rates (the window's share of window + history records
//!   is Binomial(total, 1/(windows + 1)) when nothing changed), counts divided by the history's
//!   dispersion (variance / mean, quasi-Poisson) when the history is overdispersed beyond chance
//!   (above the 95 % point of χ²(windows − 1) / (windows − 1), about 2 for eight windows);
//! - *grew* by kilograms (heavier consignments): the same history and records, kilograms at
//!   least [`GROWTH_RATIO`] times the history's mean, **and** the window's mean consignment more
//!   than [`SIZE_Z`] standard errors above the history's consignments;
//! - *shrank*: the same history, a history mean of at least [`SHRINK_MIN_MEAN_RECORDS`] records,
//!   and records (kilograms) at most the mean / [`GROWTH_RATIO`] with the lower-tail probability
//!   at most [`ALARM_P`] (a mean consignment more than [`SIZE_Z`] standard errors below).
//!
//! A corridor whose measures disagree (more records, lighter ones) is not reported.
//!
//! **Substitution**: for each listed substance with a control day, the two equal periods around
//! it — as long as the data allow on both sides, at most [`SUBSTITUTION_MAX_PERIOD_DAYS`], at least
//! [`SUBSTITUTION_MIN_PERIOD_DAYS`] — and the parent's figures before and after; reported when the
//! parent *fell* (at least [`SUBSTITUTION_MIN_RECORDS`] records before, and records or kilograms
//! after at most [`SUBSTITUTION_FALL_RATIO`] of before) while at least one of its unlisted
//! relatives *rose* (records after at least [`SUBSTITUTION_RISE_RATIO`] times before and at least
//! [`SUBSTITUTION_MIN_RECORDS`] more; or kilograms at least that ratio with at least that many
//! records after). A relative that was itself controlled before the end of the after period is
//! not counted as a replacement.

use std::collections::{BTreeMap, BTreeSet};

use interdict_core::{CountryCode, Date};
use serde::Serialize;

use crate::graph::{ordered, round_kg};
use crate::record::{FlowRecord, Source};

/// Unlisted relative's substance key → the listed parent's key (BMK methyl glycidate → BMK,
/// 1-boc-4-AP → 4-AP), as the structure engine finds them.
pub type Relatives = BTreeMap<String, String>;
/// Listed substance key → day number (days since 1970-01-01) its control took effect.
pub type Controls = BTreeMap<String, i64>;

/// Earlier windows compared with the latest one: eight, so that a 28-day window looks back
/// about eight months and a weekly one two months — enough points for a mean and a spread,
/// recent enough that the trade has not changed under them.
pub const HISTORY_WINDOWS: usize = 8;
/// Fewest history windows for *grew* or *shrank*: a spread needs at least three points.
pub const MIN_HISTORY_WINDOWS: usize = 3;
/// A change must at least double (or halve) the history's mean: smaller moves are trade as usual
/// even when statistically clear on a busy corridor.
pub const GROWTH_RATIO: f64 = 2.0;
/// Largest probability, when the rate has not changed, of a window count as far from the history
/// as the one seen, for a change in records: one in a thousand, so a hundred quiet corridors
/// judged every window give about one false alarm in ten windows, and fewer still with
/// [`GROWTH_RATIO`] (about the one-sided tail of three standard deviations, 0.13 %).
pub const ALARM_P: f64 = 0.001;
/// How many standard errors the window's mean consignment must be above (below) the history's
/// consignments for a change in kilograms: three, the same one-sided 0.13 % as [`ALARM_P`].
pub const SIZE_Z: f64 = 3.0;
/// Fewest records in the window for *grew*: one or two records are anecdotes, not a trend.
pub const MIN_WINDOW_RECORDS: u64 = 3;
/// Fewest records per window on average for *shrank*: a corridor that carried one record now and
/// then has not shrunk when a window has none.
pub const SHRINK_MIN_MEAN_RECORDS: f64 = 3.0;
/// Longest period on either side of a control: a year, so that a control years ago is judged on
/// the year around it, not on everything since.
pub const SUBSTITUTION_MAX_PERIOD_DAYS: i64 = 365;
/// Shortest period on either side of a control: four weeks (fewer days say nothing about trade
/// measured in monthly consignments).
pub const SUBSTITUTION_MIN_PERIOD_DAYS: i64 = 28;
/// Fewest records of the parent before the control (and the least rise of a relative).
pub const SUBSTITUTION_MIN_RECORDS: u64 = 3;
/// The parent *fell* when its records or kilograms after are at most this share of before.
pub const SUBSTITUTION_FALL_RATIO: f64 = 0.5;
/// A relative *rose* when its records (or kilograms) after are at least this many times before.
pub const SUBSTITUTION_RISE_RATIO: f64 = 2.0;

/// Days are bounded so that any window arithmetic stays far from overflow.
const MAX_WINDOW_DAYS: i64 = 36_525;

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Period {
    pub first_day: i64,
    pub last_day: i64,
    /// `YYYY-MM-DD` of the first and last day.
    pub first: Ymd,
    pub last: Ymd,
}

/// A day written `YYYY-MM-DD` (the day number itself for days outside years 1–9999).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ymd(pub i64);

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Years 1..=9999 only: Date's arithmetic is for calendar days, not any i64.
        if (-719_162..=2_932_896).contains(&self.0) {
            write!(f, "{}", Date::from_day_number(self.0))
        } else {
            write!(f, "day {}", self.0)
        }
    }
}

impl Serialize for Ymd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Period {
    fn new(first_day: i64, last_day: i64) -> Period {
        Period {
            first_day,
            last_day,
            first: Ymd(first_day),
            last: Ymd(last_day),
        }
    }

    fn contains(&self, day: i64) -> bool {
        (self.first_day..=self.last_day).contains(&day)
    }
}

/// Records and kilograms over a period.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Figures {
    pub records: u64,
    pub notifications: u64,
    pub incidents: u64,
    pub quantity_kg: f64,
}

impl Figures {
    fn add(&mut self, r: &FlowRecord) {
        self.records += 1;
        match r.source {
            Source::Notification => self.notifications += 1,
            Source::Incident => self.incidents += 1,
        }
        self.quantity_kg += r.kg().unwrap_or(0.0);
    }

    fn rounded(mut self) -> Figures {
        self.quantity_kg = round_kg(self.quantity_kg);
        self
    }

    fn words(&self) -> String {
        let r = plural(self.records, "record");
        if self.quantity_kg > 0.0 {
            format!("{r} ({} kg)", num(self.quantity_kg))
        } else {
            r
        }
    }
}

/// A corridor's earlier windows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct History {
    /// History windows with data (at most [`HISTORY_WINDOWS`]).
    pub windows: usize,
    pub mean_records: f64,
    /// Sample standard deviation of the records per window.
    pub sd_records: f64,
    pub mean_kg: f64,
    pub sd_kg: f64,
    /// Records on the corridor at any time before the window.
    pub records_before: u64,
}

/// What happened to a corridor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    New,
    Grew,
    Shrank,
}

/// Which measure crossed its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Records,
    Kg,
}

/// A corridor that is new, or grew or shrank beyond its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorChange {
    pub from: CountryCode,
    pub to: CountryCode,
    pub kind: ChangeKind,
    pub window: Figures,
    pub history: History,
    /// Window's records over the history's mean (`null` when the mean is 0).
    pub ratio_records: Option<f64>,
    pub ratio_kg: Option<f64>,
    /// How likely a count this far from the history's (up for *grew*, down for *shrank*) is
    /// when the rate has not changed: the conditional binomial test (`null` for *new*).
    pub p_records: Option<f64>,
    /// The window's mean consignment in kilograms, and the history's.
    pub size_kg: Option<f64>,
    pub history_size_kg: Option<f64>,
    /// The window's mean consignment in standard errors from the history's (needs at least
    /// [`MIN_WINDOW_RECORDS`] records with a quantity).
    pub z_size: Option<f64>,
    /// The measures that crossed (empty for new).
    pub measures: Vec<Measure>,
    /// Substances on the corridor in the window (for *shrank*: in the history), sorted.
    pub substances: Vec<String>,
    pub sentence: String,
}

/// A rising relative of a controlled substance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelativeChange {
    pub substance: String,
    pub name: String,
    pub before: Figures,
    pub after: Figures,
}

/// A listed substance that fell after its control while relatives rose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Substitution {
    pub parent: String,
    pub parent_name: String,
    pub control_day: i64,
    pub control_date: Ymd,
    /// Length of each of the two periods.
    pub period_days: i64,
    pub before: Period,
    pub after: Period,
    pub parent_before: Figures,
    pub parent_after: Figures,
    /// The relatives that rose, the largest rise first.
    pub relatives: Vec<RelativeChange>,
    pub sentence: String,
}

/// The answer of `GET /api/v1/flows/changes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    pub window_days: i64,
    pub window: Period,
    /// History windows with data before the window.
    pub history_windows: usize,
    pub corridors: Vec<CorridorChange>,
    pub substitutions: Vec<Substitution>,
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A figure for a sentence: whole numbers with thousands separators, else one decimal.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let r = (x * 10.0).round() / 10.0;
    let whole = r.trunc();
    let frac = ((r - whole).abs() * 10.0).round() as u64;
    let digits = format!("{}", whole.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let sign = if r < 0.0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{out}")
    } else {
        format!("{sign}{out}.{frac}")
    }
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (m, 0.0);
    }
    let var = values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, var.sqrt())
}

#[derive(Default)]
struct Corridor {
    /// Index 0 the latest window, 1.. the history windows.
    windows: Vec<Figures>,
    before: u64,
    names_window: BTreeSet<String>,
    names_history: BTreeSet<String>,
    /// Sum of the squared kilograms of the history's records.
    sq_kg: f64,
    kg_history_sum: f64,
    kg_history_n: u64,
    kg_window_n: u64,
}

/// Corridor changes in the window ending `today` and substitutions after the `controls`.
///
/// `window_days` below 1 is read as 1 and above 36,525 as 36,525. Records dated after `today`
/// (or absurdly far in the past) are left out.
pub fn changes(
    records: &[FlowRecord],
    today: i64,
    window_days: i64,
    relatives: &Relatives,
    controls: &Controls,
) -> Changes {
    let w = window_days.clamp(1, MAX_WINDOW_DAYS);
    // Keep day arithmetic far from the ends of i64.
    let today = today.clamp(i64::MIN / 4, i64::MAX / 4);
    // Days beyond a quarter of i64 below are not calendar days: left out, like days after today.
    let records: Vec<&FlowRecord> = ordered(records)
        .into_iter()
        .filter(|r| r.day <= today && r.day >= i64::MIN / 4)
        .collect();
    let window = Period::new(today - w + 1, today);
    let data_start = records.iter().map(|r| r.day).min();
    let history_windows = match data_start {
        Some(start) => (1..=HISTORY_WINDOWS)
            .take_while(|k| today - (*k as i64 + 1) * w + 1 >= start)
            .count(),
        None => 0,
    };
    let corridors = corridor_changes(&records, today, w, window, history_windows);
    let substitutions = match data_start {
        Some(start) => substitutions(&records, today, start, relatives, controls),
        None => Vec::new(),
    };
    Changes {
        window_days: w,
        window,
        history_windows,
        corridors,
        substitutions,
    }
}

fn corridor_changes(
    records: &[&FlowRecord],
    today: i64,
    w: i64,
    window: Period,
    n: usize,
) -> Vec<CorridorChange> {
    let mut map: BTreeMap<(CountryCode, CountryCode), Corridor> = BTreeMap::new();
    for r in records {
        let c = map.entry((r.from, r.to)).or_insert_with(|| Corridor {
            windows: vec![Figures::default(); n + 1],
            ..Corridor::default()
        });
        if r.day < window.first_day {
            c.before += 1;
        }
        // Window index: 0 for the latest, k for the k-th earlier one.
        let k = ((today - r.day) / w) as usize;
        if k <= n {
            c.windows[k].add(r);
            if k == 0 {
                c.names_window.insert(r.name().to_string());
                c.kg_window_n += u64::from(r.kg().is_some());
            } else {
                c.names_history.insert(r.name().to_string());
                if let Some(q) = r.kg() {
                    c.sq_kg += q * q;
                    c.kg_history_sum += q;
                    c.kg_history_n += 1;
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((from, to), c) in map {
        let now = c.windows[0].rounded();
        let hist_records: Vec<f64> = c.windows[1..].iter().map(|f| f.records as f64).collect();
        let hist_kg: Vec<f64> = c.windows[1..].iter().map(|f| f.quantity_kg).collect();
        let (mean_r, sd_r) = mean_sd(&hist_records);
        let (mean_k, sd_k) = mean_sd(&hist_kg);
        let history = History {
            windows: n,
            mean_records: mean_r,
            sd_records: sd_r,
            mean_kg: round_kg(mean_k),
            sd_kg: round_kg(sd_k),
            records_before: c.before,
        };
        let ratio = |v: f64, m: f64| (m > 0.0).then(|| v / m);
        let ratio_records = ratio(now.records as f64, mean_r);
        let ratio_kg = ratio(now.quantity_kg, mean_k);
        let route = format!("{from} → {to}");
        let span = format!("in the {w} days to {}", window.last);
        let names = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>();

        if now.records > 0 && c.before == 0 && n >= 1 {
            let sentence = format!(
                "{route} is a new corridor: {} {span}, none before (over {} earlier window{} of {w} days with data, and before them).",
                now.words(),
                n,
                if n == 1 { "" } else { "s" },
            );
            out.push(CorridorChange {
                from,
                to,
                kind: ChangeKind::New,
                window: now,
                history,
                ratio_records,
                ratio_kg,
                p_records: None,
                size_kg: None,
                history_size_kg: None,
                z_size: None,
                measures: vec![],
                substances: names(&c.names_window),
                sentence,
            });
            continue;
        }
        if n < MIN_HISTORY_WINDOWS {
            continue;
        }
        let v_r = now.records as f64;
        let v_k = now.quantity_kg;
        // Records: is the window's count one the history's rate gives rarely? Conditional on
        // the total, the window's share of the records is Binomial(total, 1 / (n + 1)) when the
        // rate has not changed (the exact test of two Poisson rates, which also allows for the
        // history's mean being itself an estimate); counts are divided by the history's
        // dispersion (quasi-Poisson) when they vary more than Poisson counts do.
        let dispersion = dispersion(sd_r * sd_r, mean_r, n);
        let hist_total: f64 = hist_records.iter().sum();
        let scaled_now = (v_r / dispersion).round() as u64;
        let scaled_total = scaled_now + (hist_total / dispersion).round() as u64;
        let share = 1.0 / (n as f64 + 1.0);
        let p_up = binomial_upper(scaled_now, scaled_total, share);
        let p_down = binomial_lower(scaled_now, scaled_total, share);
        // Kilograms: heavier (or lighter) consignments than usual, by the mean consignment of
        // the window against the history's consignments.
        let size_now = (c.kg_window_n > 0).then(|| v_k / c.kg_window_n as f64);
        let size_hist = (c.kg_history_n >= 2).then(|| {
            let m = c.kg_history_sum / c.kg_history_n as f64;
            let var = (c.sq_kg - c.kg_history_n as f64 * m * m) / (c.kg_history_n as f64 - 1.0);
            (m, var.max(0.0).sqrt())
        });
        let z_size = match (size_now, size_hist) {
            (Some(x), Some((m, sd))) if m > 0.0 && c.kg_window_n >= MIN_WINDOW_RECORDS => {
                let sd = sd.max(0.01 * m);
                Some((x - m) / (sd / (c.kg_window_n as f64).sqrt()))
            }
            _ => None,
        };
        let mut grew = Vec::new();
        let mut shrank = Vec::new();
        if now.records >= MIN_WINDOW_RECORDS {
            if v_r >= GROWTH_RATIO * mean_r && p_up <= ALARM_P {
                grew.push(Measure::Records);
            }
            if v_k > 0.0 && v_k >= GROWTH_RATIO * mean_k && z_size.is_some_and(|z| z > SIZE_Z) {
                grew.push(Measure::Kg);
            }
        }
        if mean_r >= SHRINK_MIN_MEAN_RECORDS {
            if v_r <= mean_r / GROWTH_RATIO && p_down <= ALARM_P {
                shrank.push(Measure::Records);
            }
            if mean_k > 0.0 && v_k <= mean_k / GROWTH_RATIO && z_size.is_some_and(|z| z < -SIZE_Z) {
                shrank.push(Measure::Kg);
            }
        }
        let (kind, measures, p_records) = match (grew.is_empty(), shrank.is_empty()) {
            (false, true) => (ChangeKind::Grew, grew, p_up),
            (true, false) => (ChangeKind::Shrank, shrank, p_down),
            // Nothing crossed, or the two measures disagree (more records, lighter ones):
            // not a change to report.
            _ => continue,
        };
        let verb = if kind == ChangeKind::Grew {
            "grew"
        } else {
            "shrank"
        };
        let mut parts = Vec::new();
        if measures.contains(&Measure::Records) {
            parts.push(format!(
                "{} against a mean of {} (sd {}) over the {n} earlier windows, {} times the mean (p = {})",
                plural(now.records, "record"),
                num(mean_r),
                num(sd_r),
                ratio_records.map_or("—".into(), |r| format!("{r:.2}")),
                p_text(p_records),
            ));
        }
        if measures.contains(&Measure::Kg) {
            parts.push(format!(
                "{} kg against a mean of {} kg, {} times the mean, in consignments of {} kg on average against {} kg before",
                num(v_k),
                num(mean_k),
                ratio_kg.map_or("—".into(), |r| format!("{r:.2}")),
                num(size_now.unwrap_or(0.0)),
                num(size_hist.map_or(0.0, |s| s.0)),
            ));
        }
        let sentence = format!("{route} {verb} {span}: {}.", parts.join("; "));
        let substances = if kind == ChangeKind::Grew {
            names(&c.names_window)
        } else {
            names(&c.names_history)
        };
        out.push(CorridorChange {
            from,
            to,
            kind,
            window: now,
            history,
            ratio_records,
            ratio_kg,
            p_records: Some(p_records),
            size_kg: size_now.map(round_kg),
            history_size_kg: size_hist.map(|s| round_kg(s.0)),
            z_size,
            measures,
            substances,
            sentence,
        });
    }
    out.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.window.records.cmp(&a.window.records))
            .then(b.window.quantity_kg.total_cmp(&a.window.quantity_kg))
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    out
}

/// The records of each substance, in the engine's order.
type BySubstance<'a> = BTreeMap<&'a str, Vec<&'a FlowRecord>>;

fn figures(by: &BySubstance<'_>, substance: &str, p: Period) -> Figures {
    let mut f = Figures::default();
    for r in by.get(substance).map_or(&[][..], |v| v.as_slice()) {
        if p.contains(r.day) {
            f.add(r);
        }
    }
    f.rounded()
}

fn name_of(by: &BySubstance<'_>, substance: &str) -> String {
    by.get(substance)
        .and_then(|v| v.first())
        .map_or_else(|| substance.to_string(), |r| r.name().to_string())
}

fn fell(before: &Figures, after: &Figures) -> bool {
    before.records >= SUBSTITUTION_MIN_RECORDS
        && ((after.records as f64) <= SUBSTITUTION_FALL_RATIO * before.records as f64
            || (before.quantity_kg > 0.0
                && after.quantity_kg <= SUBSTITUTION_FALL_RATIO * before.quantity_kg))
}

fn rose(before: &Figures, after: &Figures) -> bool {
    let by_records = after.records as f64 >= SUBSTITUTION_RISE_RATIO * before.records as f64
        && after.records >= before.records + SUBSTITUTION_MIN_RECORDS;
    let by_kg = after.records >= SUBSTITUTION_MIN_RECORDS
        && after.quantity_kg > 0.0
        && after.quantity_kg >= SUBSTITUTION_RISE_RATIO * before.quantity_kg;
    by_records || by_kg
}

fn substitutions(
    records: &[&FlowRecord],
    today: i64,
    data_start: i64,
    relatives: &Relatives,
    controls: &Controls,
) -> Vec<Substitution> {
    let mut by: BySubstance<'_> = BTreeMap::new();
    for r in records {
        by.entry(r.substance.as_str()).or_default().push(r);
    }
    let records = &by;
    let mut out = Vec::new();
    for (parent, &day) in controls {
        let day = day.clamp(i64::MIN / 4, i64::MAX / 4);
        let len = SUBSTITUTION_MAX_PERIOD_DAYS
            .min(day - data_start)
            .min(today - day + 1);
        if len < SUBSTITUTION_MIN_PERIOD_DAYS {
            continue;
        }
        let before = Period::new(day - len, day - 1);
        let after = Period::new(day, day + len - 1);
        let parent_before = figures(records, parent, before);
        let parent_after = figures(records, parent, after);
        if !fell(&parent_before, &parent_after) {
            continue;
        }
        let mut rising: Vec<RelativeChange> = relatives
            .iter()
            .filter(|(rel, p)| {
                *p == parent
                    && *rel != parent
                    && controls.get(*rel).is_none_or(|d| *d > after.last_day)
            })
            .filter_map(|(rel, _)| {
                let b = figures(records, rel, before);
                let a = figures(records, rel, after);
                rose(&b, &a).then(|| RelativeChange {
                    substance: rel.clone(),
                    name: name_of(records, rel),
                    before: b,
                    after: a,
                })
            })
            .collect();
        if rising.is_empty() {
            continue;
        }
        rising.sort_by(|a, b| {
            let gain = |r: &RelativeChange| r.after.records as i64 - r.before.records as i64;
            gain(b)
                .cmp(&gain(a))
                .then(b.after.quantity_kg.total_cmp(&a.after.quantity_kg))
                .then(a.substance.cmp(&b.substance))
        });
        let parent_name = name_of(records, parent);
        let rels: Vec<String> = rising
            .iter()
            .map(|r| {
                format!(
                    "{} rose from {} to {}",
                    r.name,
                    r.before.words(),
                    r.after.words()
                )
            })
            .collect();
        let sentence = format!(
            "After {parent_name} was controlled on {}, its flows fell from {} in the {len} days before to {} in the {len} days after, while {}.",
            Ymd(day),
            parent_before.words(),
            parent_after.words(),
            join_and(&rels),
        );
        out.push(Substitution {
            parent: parent.clone(),
            parent_name,
            control_day: day,
            control_date: Ymd(day),
            period_days: len,
            before,
            after,
            parent_before,
            parent_after,
            relatives: rising,
            sentence,
        });
    }
    out
}

/// The 95 % one-sided normal quantile, for the overdispersion test.
const Z95: f64 = 1.644_853_626_951_472_2;

/// The quasi-Poisson dispersion of `n` history windows: variance / mean when the windows vary
/// more than Poisson counts do beyond chance — (n − 1)·variance / mean above the 95 % point of
/// χ²(n − 1) (Wilson–Hilferty), which for eight windows is variance / mean ≥ 2.0 — else 1.
/// Estimating it from a handful of windows otherwise costs a clear rise its alarm.
fn dispersion(variance: f64, mean: f64, n: usize) -> f64 {
    if mean <= 0.0 || n < 2 {
        return 1.0;
    }
    let k = (n - 1) as f64;
    let a = 2.0 / (9.0 * k);
    let critical = (1.0 - a + Z95 * a.sqrt()).powi(3);
    let ratio = variance / mean;
    if ratio > critical {
        ratio
    } else {
        1.0
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-6 {
        "< 0.000001".into()
    } else {
        format!("{p:.6}").trim_end_matches('0').to_string()
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients; about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln P(X = k) for X ~ Binomial(n, p), 0 < p < 1, k ≤ n.
fn ln_binomial_pmf(k: u64, n: u64, p: f64) -> f64 {
    let (k, n) = (k as f64, n as f64);
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
        + k * p.ln()
        + (n - k) * (1.0 - p).ln()
}

/// P(X ≥ k) for X ~ Binomial(n, p).
fn binomial_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let mode = ((n as f64 + 1.0) * p).floor() as u64;
    if k <= mode {
        // Not in the tail: 1 − P(X ≤ k − 1) is accurate enough there.
        return (1.0 - binomial_lower(k - 1, n, p)).clamp(0.0, 1.0);
    }
    // Terms fall from k on: add them until they no longer count.
    let mut sum = 0.0;
    for j in k..=n {
        let t = ln_binomial_pmf(j, n, p).exp();
        sum += t;
        if t < sum * 1e-16 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

/// P(X ≤ k) for X ~ Binomial(n, p).
fn binomial_lower(k: u64, n: u64, p: f64) -> f64 {
    if k >= n || p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let mode = ((n as f64 + 1.0) * p).floor() as u64;
    if k >= mode {
        return (1.0 - binomial_upper(k + 1, n, p)).clamp(0.0, 1.0);
    }
    // Terms fall from k down to 0.
    let mut sum = 0.0;
    for j in (0..=k).rev() {
        let t = ln_binomial_pmf(j, n, p).exp();
        sum += t;
        if t < sum * 1e-16 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(1234567.0), "1,234,567");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(0.04), "0");
        assert_eq!(num(-1500.5), "-1,500.5");
        assert_eq!(num(999.0), "999");
    }

    #[test]
    fn mean_and_sample_sd() {
        let (m, s) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((m - 5.0).abs() < 1e-12);
        assert!((s - 2.138_089_935_299_395).abs() < 1e-9, "{s}");
        assert_eq!(mean_sd(&[]), (0.0, 0.0));
    }

    #[test]
    fn fall_and_rise_rules() {
        let f = |records, kg| Figures {
            records,
            notifications: records,
            incidents: 0,
            quantity_kg: kg,
        };
        assert!(fell(&f(10, 0.0), &f(5, 0.0)));
        assert!(!fell(&f(10, 0.0), &f(6, 0.0)));
        assert!(
            fell(&f(10, 1000.0), &f(9, 400.0)),
            "kilograms alone can fall"
        );
        assert!(!fell(&f(2, 0.0), &f(0, 0.0)), "too few before");
        assert!(rose(&f(0, 0.0), &f(3, 0.0)));
        assert!(!rose(&f(0, 0.0), &f(2, 0.0)));
        assert!(!rose(&f(5, 0.0), &f(7, 0.0)));
        assert!(
            rose(&f(3, 10.0), &f(4, 50.0)),
            "kilograms can rise with few more records"
        );
        assert!(!rose(&f(3, 10.0), &f(2, 50.0)));
    }

    #[test]
    fn dates_far_out_do_not_panic() {
        assert_eq!(Ymd(0).to_string(), "1970-01-01");
        assert_eq!(Ymd(i64::MAX).to_string(), format!("day {}", i64::MAX));
        let c = changes(&[], i64::MAX, i64::MAX, &Relatives::new(), &Controls::new());
        assert!(c.corridors.is_empty() && c.substitutions.is_empty());
    }

    #[test]
    fn binomial_tails_match_exact_sums() {
        // Exact values from sums of binomial terms (Python's math.comb).
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.max(1e-300) + 1e-15;
        assert!(close(
            binomial_upper(16, 56, 1.0 / 9.0),
            0.000_282_880_054_773_745_65
        ));
        assert!(close(
            binomial_upper(6, 18, 1.0 / 9.0),
            0.010_682_533_319_209_34
        ));
        assert!(close(
            binomial_upper(7, 19, 1.0 / 9.0),
            0.003_127_546_494_602_613
        ));
        assert!(close(
            binomial_lower(4, 244, 1.0 / 9.0),
            1.332_128_513_241_995e-8
        ));
        assert_eq!(binomial_upper(0, 10, 0.5), 1.0);
        assert_eq!(binomial_upper(11, 10, 0.5), 0.0);
        assert!(close(binomial_upper(1, 1, 0.5), 0.5));
        assert!(close(binomial_lower(5, 10, 0.5), 0.623_046_875));
        assert!(close(binomial_upper(5, 10, 0.5), 0.623_046_875));
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn dispersion_only_when_beyond_chance() {
        assert_eq!(dispersion(8.29, 5.0, 8), 1.0);
        assert_eq!(dispersion(12.0, 5.0, 8), 2.4);
        // The 95 % point of chi-square with 7 df is 14.067: ratio 2.0096.
        assert_eq!(dispersion(2.0 * 5.0, 5.0, 8), 1.0);
        assert_eq!(dispersion(2.02 * 5.0, 5.0, 8), 2.02);
        assert_eq!(dispersion(3.0, 0.0, 8), 1.0);
    }

    #[test]
    fn the_sentences_join_relatives() {
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(join_and(&["a".into()]), "a");
    }
}
