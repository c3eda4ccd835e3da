//! `identify` answers: which controlled substances a text names, with the evidence.

use interdict_core::Cas;
use interdict_registry::{Identification, MatchedOn};
use serde::Serialize;

/// One identified text (the `identify --input` line format, extended with CAS mentions and
/// conflicts), serialised straight from borrowed data: this is on the per-line hot path.
#[derive(Serialize)]
pub struct IdentificationWire<'a> {
    pub input: &'a str,
    pub matches: Vec<SubstanceMatchWire<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cas_mentions: Vec<CasMentionWire<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cas_name_conflict: bool,
}

#[derive(Serialize)]
pub struct SubstanceMatchWire<'a> {
    pub substance_id: &'a str,
    pub name: &'a str,
    pub cas: Option<Cas>,
    pub controls: Vec<&'a str>,
    pub score: f64,
    pub matched_on: MatchedOn,
    pub matched_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<&'a str>,
}

#[derive(Serialize)]
pub struct CasMentionWire<'a> {
    pub text: &'a str,
    pub valid: bool,
    pub cas: Option<Cas>,
    pub substance_id: Option<&'a str>,
}

impl<'a> IdentificationWire<'a> {
    pub fn new(text: &'a str, id: &'a Identification<'_>) -> Self {
        IdentificationWire {
            input: text,
            matches: id
                .matches
                .iter()
                .map(|m| SubstanceMatchWire {
                    substance_id: &m.substance.id,
                    name: &m.substance.name,
                    cas: m.substance.cas,
                    controls: m.substance.control_ids(),
                    score: crate::round3(m.score),
                    matched_on: m.matched_on,
                    matched_text: &m.matched_text,
                    form: m.form,
                })
                .collect(),
            cas_mentions: id
                .cas_mentions
                .iter()
                .map(|c| CasMentionWire {
                    text: &c.text,
                    valid: c.cas.is_some(),
                    cas: c.cas,
                    substance_id: c.substance.map(|s| s.id.as_str()),
                })
                .collect(),
            cas_name_conflict: id.cas_name_conflict,
        }
    }
}
