//! VAGUE_DESCRIPTION: chemical goods (HS chapters 28, 29, 38, or said to be chemicals) declared
//! only in generic words, with nothing identified.

use crate::code::FlagCode;
use crate::declaration::Declaration;
use crate::evidence::VagueDescription;
use crate::flag::{Flag, Severity};

/// The flag when the goods are chemicals, nothing identifies them (`identified`: a substance,
/// relative or class was found, or a valid CAS number declared) and the words are all generic.
pub(crate) fn check(d: &Declaration, identified: bool) -> Option<Flag> {
    let chemical_chapter = d
        .hs_code
        .as_deref()
        .and_then(|h| h.get(..2))
        .is_some_and(|chapter| ["28", "29", "38"].contains(&chapter));
    if identified || !is_generic(&d.goods_description, chemical_chapter) {
        return None;
    }
    Some(Flag::new(
        FlagCode::VagueDescription,
        Severity::Medium,
        format!(
            "chemical goods declared only as \"{}\"",
            d.goods_description
        ),
        VagueDescription {
            goods_description: d.goods_description.clone(),
            hs_code: d.hs_code.clone(),
        },
    ))
}

/// Words that say nothing about which chemical the goods are.
pub(crate) const GENERIC_WORDS: &[&str] = &[
    "organic",
    "inorganic",
    "intermediate",
    "intermediates",
    "chemical",
    "chemicals",
    "raw",
    "material",
    "materials",
    "pharmaceutical",
    "pharma",
    "industrial",
    "fine",
    "product",
    "products",
    "compound",
    "compounds",
    "powder",
    "powders",
    "crystal",
    "crystals",
    "crystalline",
    "liquid",
    "oil",
    "white",
    "off",
    "yellow",
    "brown",
    "solid",
    "reagent",
    "reagents",
    "grade",
    "purity",
    "pure",
    "sample",
    "samples",
    "research",
    "api",
    "synthesis",
    "custom",
    "bulk",
    "cas",
    "no",
    "for",
    "use",
    "lab",
    "laboratory",
    "high",
    "quality",
    "new",
    "kg",
    "drum",
    "drums",
    "bag",
    "bags",
    "bottle",
    "bottles",
    "carton",
    "cartons",
    "of",
    "and",
    "the",
    "a",
    "in",
    "with",
    "min",
    "technical",
    "tech",
    "usp",
    "bp",
    "ep",
    "food",
    "feed",
    "additive",
    "additives",
    "auxiliary",
    "auxiliaries",
    "agent",
    "agents",
    "substance",
    "substances",
    "mixture",
    "mixtures",
    "solution",
    "solvent",
    "solvents",
    "goods",
    "general",
    "cargo",
    "various",
    "assorted",
    "misc",
    "miscellaneous",
    "other",
    "others",
    "medical",
    "medicine",
    "intermediary",
    "derivative",
    "derivatives",
    "building",
    "block",
    "blocks",
    "precursor",
    "precursors",
    "cosmetic",
    "reference",
    "standard",
    "standards",
    "pack",
    "packing",
];

/// A description with nothing but generic words, for goods that are chemicals.
fn is_generic(description: &str, chemical_chapter: bool) -> bool {
    let lower = description.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return chemical_chapter;
    }
    let chemical_words = [
        "chemical",
        "chemicals",
        "intermediate",
        "intermediates",
        "compound",
        "reagent",
        "api",
        "synthesis",
        "precursor",
    ];
    let says_chemical = chemical_chapter || words.iter().any(|w| chemical_words.contains(w));
    says_chemical && words.iter().all(|w| GENERIC_WORDS.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_descriptions() {
        assert!(is_generic("Organic intermediate", true));
        assert!(is_generic(
            "chemical raw material, white powder, 25kg drum",
            false
        ));
        assert!(!is_generic("Benzoic acid", true));
        assert!(!is_generic("cotton shirts", false));
        assert!(!is_generic("white powder", false));
    }
}
