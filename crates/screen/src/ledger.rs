//! Running totals of imports per importing country, substance and year, for ALR checks.
//!
//! A declaration's "earlier imports" are those recorded in the data directory by earlier runs and
//! those earlier in this run, with a date on or before its own. The ledger is consulted and
//! updated in input order only, so the totals are the same whatever the parallelism.

use std::collections::{BTreeMap, HashMap, HashSet};

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

type Key = (String, String, i32);

/// The running totals, from the recorded imports and this run's.
#[derive(Default)]
pub struct AlrLedger {
    /// Quantities by key and date: recorded ones first, then this run's.
    totals: HashMap<Key, BTreeMap<Date, f64>>,
    recorded_ids: HashSet<String>,
    /// This run's imports, kept only when they are to be recorded (memory stays bounded otherwise).
    new_entries: Vec<LedgerEntry>,
    keep_new_entries: bool,
}

impl AlrLedger {
    /// Starts from the imports earlier runs recorded. `keep_new_entries`: keep this run's
    /// imports for [`AlrLedger::new_entries`] (to record them).
    pub fn new(recorded: Vec<LedgerEntry>, keep_new_entries: bool) -> AlrLedger {
        let mut ledger = AlrLedger {
            keep_new_entries,
            ..AlrLedger::default()
        };
        for e in recorded {
            let date = e.date;
            *ledger
                .totals
                .entry((e.country.clone(), e.substance.clone(), e.year))
                .or_default()
                .entry(date)
                .or_default() += e.quantity_kg;
            ledger.recorded_ids.insert(e.declaration_id);
        }
        ledger
    }

    /// Imports before (or on) `date` for this key.
    pub fn prior(&self, country: &str, substance: &str, year: i32, date: Date) -> f64 {
        self.totals
            .get(&(country.to_string(), substance.to_string(), year))
            .map(|by_date| by_date.range(..=date).map(|(_, q)| q).sum())
            .unwrap_or(0.0)
    }

    /// Counts a declaration's import, unless an earlier run already recorded it.
    pub fn add(&mut self, id: &str, country: &str, substance: &str, date: Date, quantity_kg: f64) {
        if self.recorded_ids.contains(id) {
            return;
        }
        *self
            .totals
            .entry((country.to_string(), substance.to_string(), date.year))
            .or_default()
            .entry(date)
            .or_default() += quantity_kg;
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
    pub fn is_recorded(&self, id: &str) -> bool {
        self.recorded_ids.contains(id)
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
}
