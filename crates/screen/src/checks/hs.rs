//! HS_MISMATCH: the declared HS code fits none of the identified substances.

use crate::checks::substances::Found;
use crate::code::FlagCode;
use crate::declaration::Declaration;
use crate::evidence::{HsMismatch, NationalCode};
use crate::flag::{Flag, Severity};

/// The chapter 30 headings under which a medicine containing the substance is declared: HS 2022
/// 3003 (medicaments not in measured doses) and 3004 (in measured doses or retail packings),
/// whose subheadings .41/.42/.43 are reserved for ephedrine, pseudoephedrine and norephedrine
/// (and their salts) since HS 2017. A drug, or a medicinal alkaloid of 2939 (ergometrine,
/// ergotamine), may be in any other subheading of 3003/3004 (captagon tablets: 3004.90); the three
/// ephedra alkaloids only in their own. Other precursors are not medicines: none.
pub(crate) fn preparation_headings(s: &interdict_registry::Substance) -> &'static [&'static str] {
    match s.hs2022.as_deref() {
        Some("2939.41") => &["300341", "300441"],
        Some("2939.42") => &["300342", "300442"],
        Some("2939.44") => &["300343", "300443"],
        Some(h) if h.starts_with("2939.6") => &["3003", "3004"],
        _ if s.category == interdict_registry::Category::Drug => &["3003", "3004"],
        _ => &[],
    }
}

/// The declared code must fit at least one identified substance with a known HS 2022 code: its
/// first six digits (four when only four were declared). Under a CAS/name conflict the code was
/// chosen for the words, so it says nothing more: the caller does not ask then.
pub(crate) fn check(d: &Declaration, found: &[Found<'_>]) -> Option<Flag> {
    let hs = d.hs_code.as_deref()?;
    let expected: Vec<(&Found<'_>, String)> = found
        .iter()
        .filter_map(|f| {
            let h = f.substance.hs2022.as_ref()?;
            Some((
                f,
                h.chars().filter(char::is_ascii_digit).collect::<String>(),
            ))
        })
        .collect();
    let n = if hs.len() >= 6 { 6 } else { 4 };
    // Both are ASCII digits; `get` is None when either is shorter than `n`.
    let fits = |e: &str| matches!((e.get(..n), hs.get(..n)), (Some(a), Some(b)) if a == b);
    let (first, _) = expected.first()?;
    if expected.iter().any(|(_, e)| fits(e)) {
        return None;
    }
    // A finished medicine (tablets, ampoules) is declared in chapter 30, not under the substance.
    if found.iter().any(|f| {
        preparation_headings(f.substance)
            .iter()
            .any(|p| hs.starts_with(p))
    }) {
        return None;
    }
    let s = first.substance;
    Some(Flag::new(
        FlagCode::HsMismatch,
        Severity::Medium,
        format!(
            "{} belongs under HS {}, declared under {}",
            s.name,
            s.hs2022.as_deref().unwrap_or(""),
            hs
        ),
        HsMismatch {
            declared: hs.to_string(),
            expected_hs2022: s.hs2022.clone(),
            substance_id: s.id.clone(),
            national_codes: s
                .hs_national
                .iter()
                .map(|h| NationalCode {
                    country: h.country.clone(),
                    code: h.code.clone(),
                })
                .collect(),
        },
    ))
}
