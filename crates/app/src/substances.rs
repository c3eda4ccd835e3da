//! The registry as users browse it: look a substance up by id or CAS, search by any name.

use interdict_core::Cas;
use interdict_registry::{compact, Identifier, Registry, Substance};

/// A substance by registry id, or by the CAS number of it or of one of its forms.
pub fn find<'r>(registry: &'r Registry, id_or_cas: &str) -> Option<&'r Substance> {
    registry.get(id_or_cas).or_else(|| {
        Cas::parse(id_or_cas)
            .ok()
            .and_then(|c| registry.by_cas(c))
            .map(|(s, _)| s)
    })
}

/// Substances a text names (identification at a low threshold), then those with a synonym or id
/// containing it (score 0.5), each once, best first.
pub fn search<'r>(registry: &'r Registry, text: &str) -> Vec<(&'r Substance, f32)> {
    let identifier = Identifier::new(registry).with_threshold(0.5);
    let mut found: Vec<(&Substance, f32)> = identifier
        .identify(text)
        .matches
        .iter()
        .map(|m| (m.substance, m.score))
        .collect();
    let needle = compact(text);
    if !needle.is_empty() {
        for s in registry.substances() {
            let hit = s
                .synonyms
                .iter()
                .any(|y| compact(&y.text).contains(&needle))
                || s.id.contains(&needle);
            if hit && !found.iter().any(|(f, _)| f.id == s.id) {
                found.push((s, 0.5));
            }
        }
    }
    found
}

/// Substances on a control list (all when `list` is `None`).
pub fn on_list<'r>(registry: &'r Registry, list: Option<&str>) -> Vec<&'r Substance> {
    registry
        .substances()
        .iter()
        .filter(|s| list.is_none_or(|l| s.controls.iter().any(|c| c.list == l)))
        .collect()
}
