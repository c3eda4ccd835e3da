//! One substance resolver: whatever an officer or a file writes for a substance — a CAS number,
//! a trade or systematic name, a SMILES of an unlisted analogue — resolved to what it is: a
//! listed substance, a member of a class of controlled drugs, a relative of a listed substance,
//! or unknown. Alerts, screening, incidents and notifications all resolve through here, so a
//! substance means the same thing everywhere.
//!
//! Architecture invariant: a library over the registry and the structure engine; no I/O. The
//! structure engine is prepared on first use (it costs a second at start-up) and shared.

use std::sync::OnceLock;

use interdict_core::Cas;
use interdict_registry::{compact, Identifier, Registry};
use interdict_structure::{Classification, Engine, Options};
use serde::Serialize;

/// How a text was resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedBy {
    /// A structure, through the structure engine (listed, inside a class definition, or a
    /// skeleton of a controlled family).
    Structure,
    /// A CAS number of a listed substance.
    Cas,
    /// A name, synonym or typo of a listed substance.
    Name,
    /// A named relative (ester, salt, protected form) of a listed substance: its drug classes.
    Relative,
    /// A name carrying a class stem (`…nitazene`, `…fentanil`).
    ClassStem,
    /// A valid CAS number the registry does not list.
    UnlistedCas,
    /// Nothing known: kept as written.
    Unknown,
}

/// What a substance text is. `key` is the stable identifier to group by: the registry id of a
/// listed substance, else `smiles:<canonical>`, `cas:<CAS>` or `name:<compact text>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resolved {
    pub key: String,
    /// The registry id when the substance is listed.
    pub substance_id: Option<String>,
    pub name: String,
    /// Registry class ids (`fentanyl-analogue`, `nitazene`, …).
    pub classes: Vec<String>,
    pub by: ResolvedBy,
    /// For an unlisted relative (an ester, salt or protected form named, or a designer
    /// precursor found by structure): the listed substance it is a relative of, so flows can
    /// see one replace the other after a control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// Resolves substance texts against the registry and, for structures, the structure engine.
pub struct Resolver<'r> {
    registry: &'r Registry,
    identifier: Identifier<'r>,
    structures: OnceLock<Result<Engine, String>>,
}

impl<'r> Resolver<'r> {
    pub fn new(registry: &'r Registry) -> Resolver<'r> {
        Resolver {
            registry,
            identifier: Identifier::new(registry),
            structures: OnceLock::new(),
        }
    }

    /// The structure engine, prepared on first use; its failure is reported (once, by the
    /// caller that gets the error), never silently turned into "not a structure".
    pub fn structure_engine(&self) -> Result<&Engine, &str> {
        self.structures
            .get_or_init(|| {
                Engine::new(self.registry, Options::without_inchikey()).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Resolves one text: a SMILES (through the structure engine), a CAS number, a name the
    /// registry knows, a relative of a listed substance, a class stem, or as written.
    pub fn resolve(&self, text: &str) -> Resolved {
        let text = text.trim();
        if interdict_structure::looks_like_smiles(text) {
            match self.structure_engine() {
                Ok(engine) => {
                    if let Ok(c) = engine.classify_smiles(text) {
                        return self.from_structure(&c);
                    }
                }
                Err(e) => tracing::warn!("structure engine unavailable: {e}"),
            }
        }
        let registry = self.registry;
        if let Some((s, _)) = Cas::parse(text).ok().and_then(|c| registry.by_cas(c)) {
            return listed(s, ResolvedBy::Cas);
        }
        let id = self.identifier.identify(text);
        if let Some(m) = id.matches.first() {
            return listed(m.substance, ResolvedBy::Name);
        }
        let unlisted = |key: String, classes: Vec<String>, by| Resolved {
            key,
            substance_id: None,
            name: text.to_string(),
            classes,
            by,
            parent: None,
        };
        if let Some(r) = id.related.first() {
            // A relative of a precursor is not itself a member of the precursor class: only the
            // drug classes carry over (an ester of a nitazene is still a nitazene).
            let classes = r
                .substance
                .classes
                .iter()
                .filter(|c| !c.ends_with("precursor"))
                .cloned()
                .collect();
            return Resolved {
                parent: Some(r.substance.id.clone()),
                ..unlisted(name_key(text), classes, ResolvedBy::Relative)
            };
        }
        if let Some((class, _)) = id.class_names.first() {
            return unlisted(
                name_key(text),
                vec![class.to_string()],
                ResolvedBy::ClassStem,
            );
        }
        if let Ok(cas) = Cas::parse(text) {
            return unlisted(format!("cas:{cas}"), Vec::new(), ResolvedBy::UnlistedCas);
        }
        unlisted(name_key(text), Vec::new(), ResolvedBy::Unknown)
    }

    /// Key, display name and classes of a structure: the listed substance when there is one,
    /// otherwise the canonical SMILES with the families the structure engine recognises (a
    /// fentanyl or nitazene skeleton, whether or not a legal definition covers it), so a new
    /// analogue is a first detection of its family.
    pub fn from_structure(&self, c: &Classification) -> Resolved {
        if let Some(s) = c
            .listed
            .first()
            .and_then(|l| self.registry.get(&l.substance_id))
        {
            return listed(s, ResolvedBy::Structure);
        }
        let mut classes: Vec<String> = Vec::new();
        let definitions = c
            .classes
            .iter()
            .map(|m| m.definition)
            .chain(c.not_covered.iter().map(|n| n.definition));
        for family in definitions.filter_map(interdict_structure::family) {
            if !classes.iter().any(|c| c == family) {
                classes.push(family.to_string());
            }
        }
        let name = match classes.first() {
            Some(family) => format!("unlisted {family} {}", c.canonical_smiles),
            None => c.canonical_smiles.clone(),
        };
        Resolved {
            key: format!("smiles:{}", c.canonical_smiles),
            substance_id: None,
            name,
            classes,
            by: ResolvedBy::Structure,
            parent: c
                .designer_precursor_of
                .first()
                .map(|p| p.substance_id.clone()),
        }
    }
}

fn listed(s: &interdict_registry::Substance, by: ResolvedBy) -> Resolved {
    Resolved {
        key: s.id.clone(),
        substance_id: Some(s.id.clone()),
        name: s.name.clone(),
        classes: s.classes.clone(),
        by,
        parent: None,
    }
}

fn name_key(text: &str) -> String {
    format!("name:{}", compact(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_cas_names_stems_structures_and_unknowns() {
        let r = Resolver::new(Registry::builtin());
        let npp = r.resolve("39742-60-4");
        assert_eq!((npp.key.as_str(), npp.by), ("npp", ResolvedBy::Cas));
        let f = r.resolve("Fentanyl");
        assert_eq!(
            (f.substance_id.as_deref(), f.by),
            (Some("fentanyl"), ResolvedBy::Name)
        );
        let stem = r.resolve("Protonitazepyne");
        assert!(stem.classes.iter().any(|c| c == "nitazene"), "{stem:?}");
        assert!(stem.substance_id.is_none() || stem.by == ResolvedBy::Name);
        // An unlisted fentanyl analogue drawn as a structure is grouped under its family.
        let s = r.resolve("CCC(=O)N(c1ccc(F)cc1)C1CCN(CCc2ccccc2)CC1");
        assert_eq!(s.by, ResolvedBy::Structure);
        assert!(s.classes.iter().any(|c| c == "fentanyl-analogue"), "{s:?}");
        let unknown = r.resolve("Mystery Powder");
        assert_eq!(
            (unknown.key.as_str(), unknown.by),
            ("name:mysterypowder", ResolvedBy::Unknown)
        );
        let cas = r.resolve("7732-18-5");
        assert_eq!(
            (cas.key.as_str(), cas.by),
            ("cas:7732-18-5", ResolvedBy::UnlistedCas)
        );
    }
}
