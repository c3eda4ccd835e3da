//! Which controlled substances the goods are — from the description's words and CAS numbers,
//! from SMILES written in it, and from the declared CAS number — and the CONTROLLED_DRUG /
//! CONTROLLED_PRECURSOR flag each one raises.

use interdict_registry::{Cas, Category, Identification, Registry, Substance};
use interdict_structure::Classification;

use crate::checks::round3;
use crate::code::FlagCode;
use crate::declaration::Declaration;
use crate::evidence::{ControlledSubstance, MatchedOn, ShipmentControl};
use crate::flag::{Flag, Severity};

/// A substance the goods were identified as.
#[derive(Clone, Debug)]
pub(crate) struct Found<'r> {
    pub substance: &'r Substance,
    /// In [0, 1]; 1 for a declared CAS number or a structure.
    pub confidence: f64,
    pub matched_on: MatchedOn,
}

/// The substances of the goods, most certain first (ties by id, so the order is stable).
/// A declared CAS number of a registry substance makes that substance certain.
pub(crate) fn find<'r>(
    registry: &'r Registry,
    ident: &Identification<'r>,
    structures: &[Classification],
    declared_cas: Option<Cas>,
) -> Vec<Found<'r>> {
    let mut found: Vec<Found<'r>> = ident
        .matches
        .iter()
        .map(|m| Found {
            substance: m.substance,
            confidence: f64::from(m.score),
            matched_on: m.matched_on.into(),
        })
        .collect();
    // Structures written as SMILES: a listed one counts like its name.
    for c in structures {
        for l in &c.listed {
            if let Some(s) = registry.get(&l.substance_id) {
                if !found.iter().any(|f| f.substance.id == s.id) {
                    found.push(Found {
                        substance: s,
                        confidence: 1.0,
                        matched_on: MatchedOn::Structure,
                    });
                }
            }
        }
    }
    if let Some((s, _)) = declared_cas.and_then(|cas| registry.by_cas(cas)) {
        match found.iter_mut().find(|f| f.substance.id == s.id) {
            Some(f) => {
                f.confidence = 1.0;
                f.matched_on = MatchedOn::Cas;
            }
            None => found.push(Found {
                substance: s,
                confidence: 1.0,
                matched_on: MatchedOn::Cas,
            }),
        }
    }
    found.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| a.substance.id.cmp(&b.substance.id))
    });
    found
}

/// The member states of the European Union, whose lists (`EU-…`) bind each of them.
const EU_MEMBERS: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// The controls of the substance in force in the countries of this shipment — exporting,
/// importing, then transit — each with the country and its role, in that order.
pub(crate) fn shipment_controls(
    registry: &Registry,
    d: &Declaration,
    s: &Substance,
) -> Vec<ShipmentControl> {
    let mut countries: Vec<(&str, &'static str)> = vec![
        (d.exporter_country.as_str(), "exporting"),
        (d.importer_country.as_str(), "importing"),
    ];
    countries.extend(d.transit_countries.iter().map(|c| (c.as_str(), "transit")));
    let mut out: Vec<ShipmentControl> = Vec::new();
    for (country, role) in countries {
        for id in s.control_ids() {
            let Some(list) = registry.list(id) else {
                continue;
            };
            let binds = list.jurisdiction == country
                || (list.jurisdiction == "EU" && EU_MEMBERS.contains(&country));
            if binds && !out.iter().any(|c| c.list == id) {
                let control = s.controls.iter().find(|c| c.list == id);
                out.push(ShipmentControl {
                    list: id.to_string(),
                    country: country.to_string(),
                    role,
                    name: list.name.clone(),
                    entry: control.map(|c| c.entry.clone()).unwrap_or_default(),
                    source: control.map(|c| c.source.clone()).unwrap_or_default(),
                });
            }
        }
    }
    out
}

/// One flag per identified substance: drugs are critical, Table I precursors high, other
/// listed precursors medium at a little over half the weight. The controls of the exporting,
/// importing and transit countries are named first (tramadol from India: India's NDPS Act
/// before the US schedules), then the rest in data order.
pub(crate) fn controlled(registry: &Registry, d: &Declaration, found: &[Found<'_>]) -> Vec<Flag> {
    found
        .iter()
        .map(|f| {
            let s = f.substance;
            let national = shipment_controls(registry, d, s);
            let mut controls: Vec<&str> = national.iter().map(|c| c.list.as_str()).collect();
            for id in s.control_ids() {
                if !controls.contains(&id) {
                    controls.push(id);
                }
            }
            // A control of a country of the shipment is named in words, with its entry: the
            // officer reads the law that binds this shipment, not only an identifier.
            let named: Vec<String> = controls
                .iter()
                .map(|id| match national.iter().find(|c| c.list == *id) {
                    Some(c) if c.entry.is_empty() => {
                        format!("{} ({id}, {} country {})", c.name, c.role, c.country)
                    }
                    Some(c) => format!(
                        "{}, {} ({id}, {} country {})",
                        c.name, c.entry, c.role, c.country
                    ),
                    None => id.to_string(),
                })
                .collect();
            let (code, severity, strength) = match s.category {
                Category::Drug => (FlagCode::ControlledDrug, Severity::Critical, 1.0),
                Category::Precursor if s.is_table_i() => {
                    (FlagCode::ControlledPrecursor, Severity::High, 1.0)
                }
                Category::Precursor => (FlagCode::ControlledPrecursor, Severity::Medium, 0.55),
            };
            let message = format!(
                "{} ({}) is controlled: {}",
                s.name,
                s.cas
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "no CAS".into()),
                named.join(", ")
            );
            Flag::new(
                code,
                severity,
                message,
                ControlledSubstance {
                    substance_id: s.id.clone(),
                    name: s.name.clone(),
                    cas: s.cas,
                    controls: controls.into_iter().map(str::to_string).collect(),
                    shipment_controls: national,
                    matched_on: f.matched_on,
                    confidence: round3(f.confidence),
                },
            )
            .with_strength(strength * f.confidence.min(1.0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_on_is_written_as_before() {
        // The wire value was once `format!("{:?}").to_lowercase()` of the registry's enum.
        for (m, text) in [
            (interdict_registry::MatchedOn::Cas, "\"cas\""),
            (interdict_registry::MatchedOn::Name, "\"name\""),
            (interdict_registry::MatchedOn::Synonym, "\"synonym\""),
            (interdict_registry::MatchedOn::Fuzzy, "\"fuzzy\""),
        ] {
            let ours = MatchedOn::from(m);
            assert_eq!(serde_json::to_string(&ours).unwrap(), text);
            assert_eq!(
                format!("\"{}\"", format!("{m:?}").to_lowercase()),
                text,
                "the registry's spelling"
            );
        }
        assert_eq!(
            serde_json::to_string(&MatchedOn::Structure).unwrap(),
            "\"structure\""
        );
    }
}
