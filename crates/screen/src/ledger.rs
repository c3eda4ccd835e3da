//! Running totals of imports per importing country, substance and year, for ALR checks.
//!
//! A declaration's "earlier imports" are those recorded in the data directory by earlier runs and
//! those earlier in this run, with a date on or before its own. The ledger is consulted and
//! updated in input order only, so the totals are the same whatever the parallelism.
//!
//! A declaration is known by its importing country and id: re-screening the same declaration
//! (same date) counts it once, and a different declaration under an id already recorded for
//! that country on another day is an [`IdClash`], reported instead of silently not counted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use interdict_core::Date;

/// An import recorded by an earlier run. Stored in the data directory as JSON, the date as
/// `YYYY-MM-DD` (which is also what deserialises; an unreadable date is an error).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LedgerEntry {
    pub declaration_id: String,
    pub country: String,
    /// The substance key (registry id, or CAS number for a substance the registry lacks).
    pub substance: String,
    pub year: i32,
    pub date: Date,
    pub quantity_kg: f64,
}

impl LedgerEntry {
    /// The key the ledger stores this entry under: one per importing country, declaration
    /// and substance.
    pub fn store_key(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}",
            self.country, self.declaration_id, self.substance
        )
    }

    /// Reads one stored entry, refusing what could poison the totals: unreadable JSON, an
    /// empty id, country or substance, a year that is not the date's, a quantity that is not a
    /// finite number in `0..=MAX_QUANTITY` kg (an `inf` stored as `null` by an old version).
    pub fn read_stored(body: &str) -> Result<LedgerEntry, String> {
        let e: LedgerEntry =
            serde_json::from_str(body).map_err(|e| format!("not a ledger entry ({e})"))?;
        if e.declaration_id.is_empty() || e.country.is_empty() || e.substance.is_empty() {
            return Err("an empty declaration id, country or substance".into());
        }
        if e.year != e.date.year {
            return Err(format!("year {} but date {}", e.year, e.date));
        }
        if !(e.quantity_kg.is_finite()
            && (0.0..=interdict_core::MAX_QUANTITY).contains(&e.quantity_kg))
        {
            return Err(format!("quantity {} kg", e.quantity_kg));
        }
        Ok(e)
    }
}

type Key = (String, String, i32);

/// The imports earlier runs recorded, as totals by key and date: built once per context version
/// and shared (behind an [`Arc`]) by every run over it, so a run of one declaration does not
/// rebuild them.
#[derive(Debug, Default)]
pub struct RecordedImports {
    totals: HashMap<Key, BTreeMap<Date, f64>>,
    /// (importing country, declaration id) → the date it was recorded with.
    ids: HashMap<(String, String), Date>,
    /// (importing country, declaration id, substance) already counted.
    entries: HashSet<(String, String, String)>,
}

/// A declaration whose id was recorded for the same importing country by an earlier run on
/// another date: a different declaration, so counting it (or not) would make the totals wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{id}` was recorded for {country} by an earlier run as a declaration of {recorded}; this one is dated {date}. Declaration ids are unique per importing country over time: give this declaration its own id")]
pub struct IdClash {
    pub id: String,
    pub country: String,
    pub recorded: Date,
    pub date: Date,
}

impl RecordedImports {
    pub fn new(recorded: Vec<LedgerEntry>) -> RecordedImports {
        let mut out = RecordedImports::default();
        for e in recorded {
            let entry = (
                e.country.clone(),
                e.declaration_id.clone(),
                e.substance.clone(),
            );
            // The same entry twice (ledgers of earlier versions) counts once.
            if !out.entries.insert(entry) {
                continue;
            }
            out.ids
                .entry((e.country.clone(), e.declaration_id))
                .or_insert(e.date);
            *out.totals
                .entry((e.country, e.substance, e.year))
                .or_default()
                .entry(e.date)
                .or_default() += e.quantity_kg;
        }
        out
    }

    /// How many distinct declarations were recorded.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The running totals: the recorded imports (shared) and this run's on top of them.
#[derive(Default)]
pub struct AlrLedger {
    recorded: Arc<RecordedImports>,
    /// This run's quantities by key and date. A date this run touches starts from the recorded
    /// total of that date and shadows it, so every total is summed in the same order as if the
    /// run's imports had been added to one map of recorded quantities.
    run: HashMap<Key, BTreeMap<Date, f64>>,
    /// This run's imports, kept only when they are to be recorded (memory stays bounded otherwise).
    new_entries: Vec<LedgerEntry>,
    keep_new_entries: bool,
}

impl AlrLedger {
    /// Starts from the imports earlier runs recorded. `keep_new_entries`: keep this run's
    /// imports for [`AlrLedger::new_entries`] (to record them).
    pub fn new(recorded: Vec<LedgerEntry>, keep_new_entries: bool) -> AlrLedger {
        AlrLedger::over(Arc::new(RecordedImports::new(recorded)), keep_new_entries)
    }

    /// Starts from recorded imports already totalled (shared between runs).
    pub fn over(recorded: Arc<RecordedImports>, keep_new_entries: bool) -> AlrLedger {
        AlrLedger {
            recorded,
            keep_new_entries,
            ..AlrLedger::default()
        }
    }

    /// Imports before (or on) `date` for this key.
    pub fn prior(&self, country: &str, substance: &str, year: i32, date: Date) -> f64 {
        let key = (country.to_string(), substance.to_string(), year);
        let recorded = self.recorded.totals.get(&key);
        let Some(run) = self.run.get(&key) else {
            return recorded
                .map(|by_date| by_date.range(..=date).map(|(_, q)| q).sum())
                .unwrap_or(0.0);
        };
        // Dates in ascending order; where this run touched a date, its value (which already
        // includes the recorded one) stands for it.
        // As `Iterator::sum` does (which the totals were once taken with): from -0.0.
        let mut total = -0.0;
        let mut from_run = run.range(..=date).peekable();
        let mut from_recorded = recorded
            .into_iter()
            .flat_map(|by_date| by_date.range(..=date))
            .peekable();
        loop {
            let next = match (from_run.peek(), from_recorded.peek()) {
                (None, None) => break,
                (Some(_), None) => from_run.next().map(|(_, q)| *q),
                (None, Some(_)) => from_recorded.next().map(|(_, q)| *q),
                (Some((r, _)), Some((d, _))) => match r.cmp(d) {
                    std::cmp::Ordering::Less => from_run.next().map(|(_, q)| *q),
                    std::cmp::Ordering::Greater => from_recorded.next().map(|(_, q)| *q),
                    std::cmp::Ordering::Equal => {
                        from_recorded.next();
                        from_run.next().map(|(_, q)| *q)
                    }
                },
            };
            total += next.unwrap_or(0.0);
        }
        total
    }

    /// Counts a declaration's import, unless an earlier run already recorded it (for this
    /// importing country and substance).
    pub fn add(&mut self, id: &str, country: &str, substance: &str, date: Date, quantity_kg: f64) {
        if self.recorded.entries.contains(&(
            country.to_string(),
            id.to_string(),
            substance.to_string(),
        )) {
            return;
        }
        let key = (country.to_string(), substance.to_string(), date.year);
        let recorded = self
            .recorded
            .totals
            .get(&key)
            .and_then(|by_date| by_date.get(&date))
            .copied();
        *self
            .run
            .entry(key)
            .or_default()
            .entry(date)
            .or_insert_with(|| recorded.unwrap_or_default()) += quantity_kg;
        if !self.keep_new_entries {
            return;
        }
        self.new_entries.push(LedgerEntry {
            declaration_id: id.to_string(),
            country: country.to_string(),
            substance: substance.to_string(),
            year: date.year,
            date,
            quantity_kg,
        });
    }

    /// This run's imports not recorded before, in input order; empty unless the ledger was
    /// made to keep them.
    pub fn new_entries(&self) -> &[LedgerEntry] {
        &self.new_entries
    }

    /// Whether an earlier run recorded this declaration (then it is already in the totals).
    pub fn is_recorded(&self, country: &str, id: &str) -> bool {
        self.recorded
            .ids
            .contains_key(&(country.to_string(), id.to_string()))
    }

    /// The clash, if an earlier run recorded this id for this importing country with another
    /// date. Checked before a declaration is screened, so it gets an error record instead.
    pub fn clash(&self, country: &str, id: &str, date: Date) -> Option<IdClash> {
        let recorded = *self
            .recorded
            .ids
            .get(&(country.to_string(), id.to_string()))?;
        (recorded != date).then(|| IdClash {
            id: id.to_string(),
            country: country.to_string(),
            recorded,
            date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stored_with_string_dates_read_and_write_the_same() {
        let stored = r#"{"declaration_id":"D-1","country":"MX","substance":"p2p","year":2025,"date":"2025-01-10","quantity_kg":60.0}"#;
        let e: LedgerEntry = serde_json::from_str(stored).unwrap();
        assert_eq!(e.date, Date::parse("2025-01-10").unwrap());
        assert_eq!(serde_json::to_string(&e).unwrap(), stored);
        assert!(serde_json::from_str::<LedgerEntry>(&stored.replace("01-10", "02-30")).is_err());

        let mut ledger = AlrLedger::new(vec![e], true);
        let date = Date::parse("2025-02-01").unwrap();
        assert_eq!(ledger.prior("MX", "p2p", 2025, date), 60.0);
        ledger.add("D-1", "MX", "p2p", date, 5.0);
        ledger.add("D-2", "MX", "p2p", date, 5.0);
        assert_eq!(ledger.prior("MX", "p2p", 2025, date), 65.0);
        let ids: Vec<&str> = ledger
            .new_entries()
            .iter()
            .map(|e| e.declaration_id.as_str())
            .collect();
        assert_eq!(ids, ["D-2"], "only imports not recorded before are new");
    }

    /// Issue 18: ids are unique per importing country over time. The same declaration again
    /// (same date) is counted once; another date under a recorded id is a clash; the same id
    /// for another importing country is another declaration; a second substance of a recorded
    /// declaration is still counted once each.
    #[test]
    fn recorded_ids_clash_only_across_dates_of_one_importing_country() {
        let d = |s: &str| Date::parse(s).unwrap();
        let entry = |country: &str, substance: &str| LedgerEntry {
            declaration_id: "D-1".into(),
            country: country.into(),
            substance: substance.into(),
            year: 2025,
            date: d("2025-01-10"),
            quantity_kg: 60.0,
        };
        let ledger = AlrLedger::new(vec![entry("MX", "p2p"), entry("MX", "p2p")], false);
        assert_eq!(ledger.prior("MX", "p2p", 2025, d("2025-12-31")), 60.0);
        assert_eq!(ledger.clash("MX", "D-1", d("2025-01-10")), None);
        assert_eq!(ledger.clash("GT", "D-1", d("2025-03-01")), None);
        let clash = ledger.clash("MX", "D-1", d("2025-03-01")).unwrap();
        assert_eq!(clash.recorded, d("2025-01-10"));
        assert!(
            clash.to_string().contains("unique per importing country"),
            "{clash}"
        );

        let mut ledger = AlrLedger::new(vec![entry("MX", "p2p")], true);
        ledger.add("D-1", "MX", "p2p", d("2025-01-10"), 60.0);
        ledger.add("D-1", "MX", "safrole", d("2025-01-10"), 5.0);
        ledger.add("D-1", "GT", "p2p", d("2025-01-10"), 7.0);
        let new: Vec<(&str, &str)> = ledger
            .new_entries()
            .iter()
            .map(|e| (e.country.as_str(), e.substance.as_str()))
            .collect();
        assert_eq!(new, [("MX", "safrole"), ("GT", "p2p")]);
        assert_eq!(entry("MX", "p2p").store_key(), "MX\u{1f}D-1\u{1f}p2p");
    }

    #[test]
    fn a_run_over_shared_recorded_imports_sums_as_one_map_would() {
        // The reference: every quantity added to one map in order, as the ledger once did.
        let d = |s: &str| Date::parse(s).unwrap();
        let entry = |id: &str, date: &str, kg: f64| LedgerEntry {
            declaration_id: id.into(),
            country: "MX".into(),
            substance: "p2p".into(),
            year: 2025,
            date: d(date),
            quantity_kg: kg,
        };
        let recorded = vec![
            entry("R-1", "2025-01-10", 0.1),
            entry("R-2", "2025-01-10", 0.2),
            entry("R-3", "2025-03-01", 0.7),
        ];
        let run = [
            ("N-1", "2025-01-10", 0.3),
            ("N-2", "2025-02-01", 0.1),
            ("R-1", "2025-01-10", 9.0),
        ];
        let mut reference: BTreeMap<Date, f64> = BTreeMap::new();
        for e in &recorded {
            *reference.entry(e.date).or_default() += e.quantity_kg;
        }
        let shared = Arc::new(RecordedImports::new(recorded));
        let mut ledger = AlrLedger::over(Arc::clone(&shared), false);
        for (id, date, kg) in run {
            ledger.add(id, "MX", "p2p", d(date), kg);
            if id != "R-1" {
                *reference.entry(d(date)).or_default() += kg;
            }
            for probe in [
                "2025-01-09",
                "2025-01-10",
                "2025-02-01",
                "2025-03-01",
                "2025-12-31",
            ] {
                let expected: f64 = reference.range(..=d(probe)).map(|(_, q)| q).sum();
                assert_eq!(
                    ledger.prior("MX", "p2p", 2025, d(probe)).to_bits(),
                    expected.to_bits()
                );
            }
        }
        // The shared totals are untouched by the run.
        let fresh = AlrLedger::over(shared, false);
        assert_eq!(
            fresh.prior("MX", "p2p", 2025, d("2025-12-31")),
            0.1 + 0.2 + 0.7
        );
    }
}
