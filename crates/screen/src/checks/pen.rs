//! NO_PEN: an export that needs a pre-export notification (Table I always; Table II where the
//! importing country asks for it) has none, or cites one that is unknown, refused, expired, or
//! for other goods, countries or a smaller quantity.

use std::collections::HashMap;

use interdict_core::CountryCode;
use interdict_registry::{Registry, Substance};

use crate::checks::substances::Found;
use crate::code::FlagCode;
use crate::context::{Pen, PenStatus};
use crate::declaration::Declaration;
use crate::evidence::{DeclaredExport, NoPen, PenProblem};
use crate::flag::{Flag, Severity};

/// The PENs on file by reference (trimmed, upper case), and where Table II needs one too.
#[derive(Debug, Default)]
pub(crate) struct PenRegister {
    by_reference: HashMap<String, Pen>,
    table_ii_countries: Vec<CountryCode>,
}

impl PenRegister {
    /// A later PEN with the same reference replaces an earlier one.
    pub fn new(pens: &[Pen], table_ii_countries: &[CountryCode]) -> PenRegister {
        PenRegister {
            by_reference: pens
                .iter()
                .map(|p| (reference_key(&p.reference), p.clone()))
                .collect(),
            table_ii_countries: table_ii_countries.to_vec(),
        }
    }

    /// One flag per substance of `subjects` that needs a PEN this export does not have.
    pub fn check(
        &self,
        registry: &Registry,
        d: &Declaration,
        subjects: &[&Found<'_>],
        kg: Option<f64>,
    ) -> Vec<Flag> {
        let mut flags = Vec::new();
        for f in subjects {
            let s = f.substance;
            let needs_pen = s.is_table_i()
                || (s.is_table_ii() && self.table_ii_countries.contains(&d.importer_country));
            if !needs_pen {
                continue;
            }
            if let Some((reason, evidence)) = self.problem(registry, d, s, kg) {
                flags.push(Flag::new(
                    FlagCode::NoPen,
                    Severity::High,
                    format!(
                        "export of {} ({}) {reason}",
                        s.name,
                        if s.is_table_i() {
                            "Table I"
                        } else {
                            "Table II"
                        },
                    ),
                    evidence,
                ));
            }
        }
        flags
    }

    /// Why the PENs on file do not cover this export (in words, and as evidence), or `None`
    /// when one does.
    fn problem(
        &self,
        registry: &Registry,
        d: &Declaration,
        s: &Substance,
        kg: Option<f64>,
    ) -> Option<(String, NoPen)> {
        let Some(reference) = d.pen_reference.as_deref() else {
            return Some((
                "has no pre-export notification reference".into(),
                NoPen::Missing {
                    pen_reference: (),
                    substance_id: s.id.clone(),
                },
            ));
        };
        let Some(pen) = self.by_reference.get(&reference_key(reference)) else {
            return Some((
                format!("cites PEN {reference}, which is not on file"),
                NoPen::Unknown {
                    pen_reference: reference.to_string(),
                    reason: PenProblem::Unknown,
                },
            ));
        };
        let not_covering = |reason: PenProblem| NoPen::NotCovering {
            pen_reference: reference.to_string(),
            reason,
            pen: Box::new(pen.clone()),
            declared: DeclaredExport {
                date: d.date,
                exporter_country: d.exporter_country,
                importer_country: d.importer_country,
                substance_id: s.id.clone(),
                cas: s.cas,
                quantity_kg: kg,
            },
        };
        let refused = match pen.status {
            PenStatus::Objection => Some(("was refused (objection)", PenProblem::Objection)),
            PenStatus::Withdrawn => Some(("was withdrawn", PenProblem::Withdrawn)),
            PenStatus::Expired => Some(("expired unanswered (no clearance)", PenProblem::Expired)),
            PenStatus::Stopped => {
                Some(("was stopped by a stop-shipment alert", PenProblem::Stopped))
            }
            PenStatus::Awaiting => Some((
                "has not been cleared by the importing country yet",
                PenProblem::NotCleared,
            )),
            PenStatus::Pending | PenStatus::NoObjection | PenStatus::Shipped => None,
        };
        if let Some((what, problem)) = refused {
            return Some((
                format!("cites PEN {reference}, which {what}"),
                not_covering(problem),
            ));
        }
        if let Some(until) = pen.valid_until {
            if d.date > until {
                return Some((
                    format!("cites PEN {reference}, which expired on {until}"),
                    not_covering(PenProblem::Expired),
                ));
            }
        }
        let same_substance = registry
            .by_cas(pen.cas)
            .is_some_and(|(ps, _)| ps.id == s.id);
        if !same_substance {
            return Some((
                format!(
                    "cites PEN {reference}, which is for another substance (CAS {})",
                    pen.cas
                ),
                not_covering(PenProblem::OtherSubstance),
            ));
        }
        if pen.exporter_country != d.exporter_country || pen.importer_country != d.importer_country
        {
            return Some((
                format!(
                    "cites PEN {reference}, which is for {}→{}, not {}→{}",
                    pen.exporter_country,
                    pen.importer_country,
                    d.exporter_country,
                    d.importer_country
                ),
                not_covering(PenProblem::OtherCountryPair),
            ));
        }
        if let Some(kg) = kg {
            // What is left of the notified quantity after what already shipped under it.
            let left = (pen.quantity_kg - pen.shipped_kg).max(0.0);
            if kg > left + 1e-9 {
                let covers = if pen.shipped_kg > 0.0 {
                    format!(
                        "covers {} kg of which {} kg already shipped, leaving {left} kg",
                        pen.quantity_kg, pen.shipped_kg
                    )
                } else {
                    format!("covers {} kg", pen.quantity_kg)
                };
                return Some((
                    format!(
                        "cites PEN {reference}, which {covers}, less than the {kg} kg declared"
                    ),
                    not_covering(PenProblem::QuantityExceedsPen),
                ));
            }
        }
        None
    }
}

/// PEN references are matched trimmed and without regard to case.
fn reference_key(reference: &str) -> String {
    reference.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_without_a_reference_writes_null() {
        let e = NoPen::Missing {
            pen_reference: (),
            substance_id: "npp".into(),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"pen_reference":null,"substance_id":"npp"}"#
        );
        let e = NoPen::Unknown {
            pen_reference: "PEN-X".into(),
            reason: PenProblem::Unknown,
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"pen_reference":"PEN-X","reason":"unknown"}"#
        );
        assert_eq!(
            serde_json::to_string(&PenProblem::QuantityExceedsPen).unwrap(),
            r#""quantity exceeds PEN""#
        );
    }
}
