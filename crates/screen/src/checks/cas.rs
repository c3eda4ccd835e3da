//! CAS_INVALID (a declared or cited CAS number that fails its format or check digit) and
//! CAS_NAME_CONFLICT (the CAS number and the words name different substances).

use interdict_registry::{Cas, CasError, Identification, Registry};

use crate::checks::vague::GENERIC_WORDS;
use crate::code::FlagCode;
use crate::declaration::Declaration;
use crate::evidence::{CasInvalid, CasNameConflict};
use crate::flag::{Flag, Severity};

/// The declared CAS number, if it does not read, and CAS-like numbers in the description that
/// do not read (unless they are the declared one, already flagged).
pub(crate) fn invalid(
    d: &Declaration,
    declared: Option<&Result<Cas, CasError>>,
    ident: &Identification<'_>,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    if let (Some(Err(e)), Some(text)) = (declared, &d.cas_number) {
        flags.push(Flag::new(
            FlagCode::CasInvalid,
            Severity::Medium,
            format!("declared CAS number {e}"),
            CasInvalid::Declared {
                cas_number: text.clone(),
                reason: e.to_string(),
            },
        ));
    }
    for m in &ident.cas_mentions {
        if m.cas.is_none() && d.cas_number.as_deref().map(str::trim) != Some(m.text.as_str()) {
            flags.push(Flag::new(
                FlagCode::CasInvalid,
                Severity::Medium,
                format!(
                    "the description cites `{}`, which is not a valid CAS number",
                    m.text
                ),
                CasInvalid::InDescription {
                    cas_in_description: m.text.clone(),
                },
            ));
        }
    }
    flags
}

/// Whether the declared CAS number (or, without one, a CAS number in the description) names
/// another substance than the description's words (`name_ids`, registry ids matched by name).
pub(crate) fn name_conflict(
    registry: &Registry,
    d: &Declaration,
    declared_cas: Option<Cas>,
    ident: &Identification<'_>,
    name_ids: &[&str],
) -> Option<Flag> {
    let Some(cas) = declared_cas else {
        if !ident.cas_name_conflict {
            return None;
        }
        let cas_ids: Vec<&str> = ident
            .cas_mentions
            .iter()
            .filter_map(|m| m.substance.map(|s| s.id.as_str()))
            .collect();
        return Some(Flag::new(
            FlagCode::CasNameConflict,
            Severity::High,
            format!(
                "the CAS number in the description names {} but the words name {}",
                cas_ids.join(", "),
                name_ids.join(", ")
            ),
            CasNameConflict::InDescription {
                cas_substances: to_strings(&cas_ids),
                description_substances: to_strings(name_ids),
            },
        ));
    };
    let cas_substance = registry.by_cas(cas).map(|(s, _)| s);
    let (disagree, severity) = match cas_substance {
        // A controlled CAS under a description that names something else: the classic cover.
        Some(s) => {
            let named_other = (!name_ids.is_empty() && !name_ids.contains(&s.id.as_str()))
                || (name_ids.is_empty()
                    && ident.related.is_empty()
                    && names_a_chemical(&d.goods_description));
            (named_other, Severity::High)
        }
        // A CAS the registry does not know (perhaps an unlisted salt) under a controlled name.
        None => (!name_ids.is_empty(), Severity::Medium),
    };
    if !disagree {
        return None;
    }
    let message = format!(
        "declared CAS {cas} is {} but the description says \"{}\"",
        cas_substance.map_or(
            "not a controlled substance or a known form of one".to_string(),
            |s| s.name.clone()
        ),
        d.goods_description
    );
    let flag = Flag::new(
        FlagCode::CasNameConflict,
        severity,
        message,
        CasNameConflict::Declared {
            cas_number: cas,
            cas_substance: cas_substance.map(|s| s.id.clone()),
            description_substances: to_strings(name_ids),
            goods_description: d.goods_description.clone(),
        },
    );
    Some(flag.with_strength(if severity == Severity::High { 1.0 } else { 0.6 }))
}

fn to_strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// Endings of chemical names (`benzoic acid`, `sodium benzoate`, `toluene`, `ethanol`).
const CHEMICAL_ENDINGS: &[&str] = &[
    "ic", "ate", "ide", "ine", "one", "ol", "ene", "ane", "yl", "ite", "ium", "ose", "oxide",
    "ether", "ester", "amine", "amide",
];

/// Whether a description names some chemical (controlled or not), beyond generic words.
fn names_a_chemical(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4 && !GENERIC_WORDS.contains(w))
        .any(|w| CHEMICAL_ENDINGS.iter().any(|e| w.ends_with(e)) || w == "acid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chemical_names_beyond_generic_words() {
        assert!(names_a_chemical("Benzoic acid, 25 kg drums"));
        assert!(names_a_chemical("sodium benzoate"));
        assert!(!names_a_chemical("organic intermediate, white powder"));
        assert!(!names_a_chemical("cotton shirts"));
    }

    #[test]
    fn evidence_is_written_in_the_old_field_order() {
        let e = CasNameConflict::Declared {
            cas_number: Cas::parse("39742604").unwrap(),
            cas_substance: None,
            description_substances: vec!["npp".into()],
            goods_description: "NPP".into(),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"cas_number":"39742-60-4","cas_substance":null,"description_substances":["npp"],"goods_description":"NPP"}"#
        );
        let e = CasInvalid::InDescription {
            cas_in_description: "1609-66-5".into(),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"cas_in_description":"1609-66-5"}"#
        );
    }
}
