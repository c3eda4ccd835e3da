//! ALR_EXCEEDED: with this declaration, the importing country's imports of a precursor this year
//! exceed its annual legitimate requirement. Prepared per declaration (which requirements apply),
//! decided in input order against the running totals of the [`AlrLedger`].

use std::collections::HashMap;

use interdict_core::{CountryCode, Date};
use interdict_registry::{Cas, Category, Registry};

use crate::checks::round3;
use crate::checks::substances::Found;
use crate::code::FlagCode;
use crate::context::{substance_key, AlrRow};
use crate::declaration::{Declaration, Unit};
use crate::evidence::AlrExceeded;
use crate::flag::{Flag, Severity};
use crate::ledger::AlrLedger;

/// An ALR comparison waiting for the running totals.
#[derive(Clone, Debug)]
pub(crate) struct AlrCheck {
    substance_key: String,
    substance_name: String,
    cas: Cas,
    requirement_kg: f64,
    this_kg: f64,
    litres: bool,
}

/// What a declaration adds to the ledger and which requirements it is compared with.
#[derive(Clone, Debug, Default)]
pub(crate) struct AlrPlan {
    pub checks: Vec<AlrCheck>,
    /// (substance key, kg) imports to count in the ledger.
    pub imports: Vec<(String, f64)>,
}

/// The requirements by (country, substance key, year).
#[derive(Debug, Default)]
pub(crate) struct AlrTable {
    by_key: HashMap<(CountryCode, String, i32), (f64, Cas)>,
}

impl AlrTable {
    /// The latest estimate replaces earlier ones (ALRs stay valid until replaced). A salt's CAS
    /// number counts towards its base substance.
    pub fn new(registry: &Registry, rows: &[AlrRow]) -> AlrTable {
        let mut by_key = HashMap::new();
        for row in rows {
            by_key.insert(
                (row.country, substance_key(registry, row.cas), row.year),
                (row.quantity_kg, row.cas),
            );
        }
        AlrTable { by_key }
    }

    /// Every precursor of a weighable declaration is an import; those with a requirement for
    /// the importing country and year are compared later.
    pub fn plan(&self, d: &Declaration, found: &[Found<'_>], kg: Option<f64>) -> AlrPlan {
        let mut plan = AlrPlan::default();
        let Some(kg) = kg else {
            return plan;
        };
        for f in found {
            let s = f.substance;
            if s.category != Category::Precursor {
                continue;
            }
            let key = s.id.clone();
            plan.imports.push((key.clone(), kg));
            let requirement = self
                .by_key
                .get(&(d.importer_country, key.clone(), d.date.year));
            if let Some(&(requirement_kg, cas)) = requirement {
                plan.checks.push(AlrCheck {
                    substance_key: key,
                    substance_name: s.name.clone(),
                    cas,
                    requirement_kg,
                    this_kg: kg,
                    litres: matches!(d.unit, Unit::L | Unit::Ml),
                });
            }
        }
        plan
    }
}

/// The flag when the imports up to this declaration's date, with it, exceed the requirement.
/// `recorded`: an earlier run recorded this declaration, so it is already in the totals.
pub(crate) fn exceeded(
    check: &AlrCheck,
    importer_country: CountryCode,
    date: Date,
    ledger: &AlrLedger,
    recorded: bool,
) -> Option<Flag> {
    let prior = ledger.prior(
        importer_country.as_str(),
        &check.substance_key,
        date.year,
        date,
    );
    let (earlier, total) = if recorded {
        (prior - check.this_kg, prior)
    } else {
        (prior, prior + check.this_kg)
    };
    let over = total > check.requirement_kg + 1e-9;
    if !over {
        return None;
    }
    Some(Flag::new(
        FlagCode::AlrExceeded,
        Severity::High,
        format!(
            "{} kg of {} to {} brings {} imports to {} kg, above the annual legitimate requirement of {} kg",
            check.this_kg, check.substance_name, importer_country, date.year, total, check.requirement_kg
        ),
        AlrExceeded {
            importer_country,
            substance_id: check.substance_key.clone(),
            cas: check.cas,
            year: date.year,
            alr_kg: check.requirement_kg,
            earlier_imports_kg: round3(earlier.max(0.0)),
            this_declaration_kg: check.this_kg,
            total_kg: round3(total),
            note: if check.litres {
                "litres counted as kilograms (density 1)"
            } else {
                ""
            },
        },
    ))
}
