//! Running totals of imports per importing country, substance and year, for ALR checks.
//!
//! A declaration's "earlier imports" are those recorded in the data directory by earlier runs and
//! those earlier in this run, with a date on or before its own. The ledger is consulted and
//! updated in input order only, so the totals are the same whatever the parallelism.

use std::collections::{BTreeMap, HashMap, HashSet};

use interdict_core::Date;

/// An import recorded by an earlier run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LedgerEntry {
    pub declaration_id: String,
    pub country: String,
    pub substance: String,
    pub year: i32,
    pub date: String,
    pub quantity_kg: f64,
}

type Key = (String, String, i32);

#[derive(Default)]
pub struct AlrLedger {
    /// Quantities by key and date: recorded ones first, then this run's.
    totals: HashMap<Key, BTreeMap<Date, f64>>,
    recorded_ids: HashSet<String>,
    /// This run's imports, kept only when they are to be recorded (memory stays bounded otherwise).
    pub new_entries: Vec<LedgerEntry>,
    keep_new_entries: bool,
}

impl AlrLedger {
    /// Starts from the imports earlier runs recorded. Entries with unreadable dates are skipped.
    pub fn new(recorded: Vec<LedgerEntry>, keep_new_entries: bool) -> AlrLedger {
        let mut ledger = AlrLedger {
            keep_new_entries,
            ..AlrLedger::default()
        };
        for e in recorded {
            let Ok(date) = Date::parse(&e.date) else {
                continue;
            };
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
            date: date.to_string(),
            quantity_kg,
        });
    }

    /// Whether an earlier run recorded this declaration (then it is already in the totals).
    pub fn is_recorded(&self, id: &str) -> bool {
        self.recorded_ids.contains(id)
    }
}
