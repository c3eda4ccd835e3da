//! Registry answers: a substance in a list of results.

use interdict_core::Cas;
use interdict_registry::{Category, Substance};
use serde::Serialize;

/// One substance in a list or search result; `score` only in search results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubstanceSummaryWire<'a> {
    pub substance_id: &'a str,
    pub name: &'a str,
    pub category: Category,
    pub cas: Option<Cas>,
    pub hs2022: Option<&'a str>,
    pub inchikey: &'a str,
    pub controls: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl<'a> SubstanceSummaryWire<'a> {
    pub fn new(s: &'a Substance, score: Option<f32>) -> Self {
        SubstanceSummaryWire {
            substance_id: &s.id,
            name: &s.name,
            category: s.category,
            cas: s.cas,
            hs2022: s.hs2022.as_deref(),
            inchikey: &s.inchikey,
            controls: s.control_ids(),
            score: score.map(crate::round3),
        }
    }
}
