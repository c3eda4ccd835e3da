//! CLASS_ANALOG (inside a class-wide control: a named relative of a drug, a structure inside a
//! legal definition, a name built on a class stem) and DESIGNER_PRECURSOR (a named or drawn
//! close relative of a controlled precursor).

use interdict_registry::{Category, Identification, Registry};
use interdict_structure::Classification;

use crate::code::FlagCode;
use crate::evidence::{ClassAnalog, DesignerPrecursor, Method};
use crate::flag::{Flag, Severity};

/// Whether a registry class is one of drugs (its analogues are inside class-wide controls).
fn is_drug_class(registry: &Registry, class: &str) -> bool {
    registry
        .class(class)
        .is_some_and(|c| c.kind == Category::Drug)
}

/// The legal basis on which an analogue of a class's members is inside control, as the
/// registry's curated class data states it (`data/class_definitions.csv`, with its source).
fn class_basis(registry: &Registry, class: &str) -> String {
    registry
        .class(class)
        .or_else(|| registry.class("other-drug"))
        .map(|c| c.legal_basis.clone())
        .unwrap_or_default()
}

/// The flags, and the classes of goods they put the declaration in (for route risk).
pub(crate) struct Analogues {
    pub flags: Vec<Flag>,
    pub classes: Vec<String>,
}

/// Relatives named in the description, then structures in it (those that are not listed
/// substances themselves), then names built on class stems.
pub(crate) fn check(
    registry: &Registry,
    ident: &Identification<'_>,
    structures: &[Classification],
) -> Analogues {
    let mut out = Analogues {
        flags: Vec::new(),
        classes: Vec::new(),
    };
    for r in &ident.related {
        let s = r.substance;
        let relation = r.relation.clone().unwrap_or_default();
        if let Some(class) = s.classes.iter().find(|c| is_drug_class(registry, c)) {
            let basis = class_basis(registry, class);
            out.flags.push(Flag::new(
                FlagCode::ClassAnalog,
                Severity::Critical,
                format!(
                    "`{}` names a {relation} of {}: inside class-wide controls ({basis})",
                    r.matched_text, s.name
                ),
                ClassAnalog::Relative {
                    matched_text: r.matched_text.clone(),
                    parent: s.id.clone(),
                    relation,
                    class: class.clone(),
                    basis,
                    method: Method::Name,
                },
            ));
            out.classes.push(class.clone());
        } else if s.category == Category::Precursor
            && (s.is_table_i() || s.classes.iter().any(|c| c == "fentanyl-precursor"))
        {
            let controls = s.control_ids();
            out.flags.push(Flag::new(
                FlagCode::DesignerPrecursor,
                Severity::High,
                format!(
                    "`{}` is a {relation} {}, a controlled precursor ({})",
                    r.matched_text,
                    s.name,
                    controls.join(", ")
                ),
                DesignerPrecursor::Relative {
                    matched_text: r.matched_text.clone(),
                    precursor: s.id.clone(),
                    precursor_name: s.name.clone(),
                    precursor_cas: s.cas,
                    relation,
                    controls: controls.into_iter().map(str::to_string).collect(),
                },
            ));
            out.classes.extend(s.classes.iter().cloned());
        }
    }
    for c in structures.iter().filter(|c| c.listed.is_empty()) {
        for m in &c.classes {
            // Every definition has a family; a future one without would count as a drug.
            let class = interdict_structure::family(m.definition).unwrap_or("other-drug");
            out.flags.push(Flag::new(
                FlagCode::ClassAnalog,
                Severity::Critical,
                format!(
                    "the structure {} is inside {} (clauses {}): {}",
                    c.canonical_smiles,
                    m.definition,
                    m.clauses.join(", "),
                    m.explanation
                ),
                ClassAnalog::Structure {
                    smiles: c.input.clone(),
                    canonical_smiles: c.canonical_smiles.clone(),
                    definition: m.definition,
                    clauses: m.clauses.clone(),
                    atoms: m.atoms.clone(),
                    class,
                    basis: m.citation.to_string(),
                    method: Method::Structure,
                },
            ));
            out.classes.push(class.to_string());
        }
        // A definition whose deciding clauses were not retrieved: hold and ask.
        for n in c.not_covered.iter() {
            let Some(u) = &n.undecided else { continue };
            let class = interdict_structure::family(n.definition).unwrap_or("other-drug");
            let basis = class_basis(registry, class);
            let checked = if u.checked.is_empty() {
                "no clause".to_string()
            } else {
                u.checked.join("; ")
            };
            out.flags.push(Flag::new(
                FlagCode::ClassAnalog,
                Severity::High,
                format!(
                    "the structure {} has the skeleton of {} but {}; checked: {checked}. {}: legal confirmation needed, hold the goods",
                    c.canonical_smiles,
                    n.definition,
                    u.unretrieved,
                    upper_first(u.question)
                ),
                ClassAnalog::Undecided {
                    smiles: c.input.clone(),
                    canonical_smiles: c.canonical_smiles.clone(),
                    definition: n.definition,
                    clauses_checked: u.checked.clone(),
                    unretrieved: u.unretrieved.clone(),
                    status: "legal confirmation needed",
                    class,
                    basis,
                    method: Method::Structure,
                },
            ));
            out.classes.push(class.to_string());
        }
        for p in &c.designer_precursor_of {
            out.flags.push(Flag::new(
                FlagCode::DesignerPrecursor,
                Severity::High,
                format!(
                    "the structure {} is a {} {}: {}",
                    c.canonical_smiles, p.relation, p.name, p.explanation
                ),
                DesignerPrecursor::Structure {
                    smiles: c.input.clone(),
                    canonical_smiles: c.canonical_smiles.clone(),
                    precursor: p.substance_id.clone(),
                    precursor_name: p.name.clone(),
                    precursor_cas: p.cas.clone(),
                    relation: p.relation.clone(),
                    method: Method::Structure,
                },
            ));
            if let Some(s) = registry.get(&p.substance_id) {
                out.classes.extend(s.classes.iter().cloned());
            }
        }
    }
    for &(class, ref text) in &ident.class_names {
        let basis = class_basis(registry, class);
        out.flags.push(Flag::new(
            FlagCode::ClassAnalog,
            Severity::Critical,
            format!("`{text}` is named as a {class}: inside class-wide controls ({basis})"),
            ClassAnalog::ClassName {
                matched_text: text.clone(),
                class: class.to_string(),
                basis,
                method: Method::Name,
            },
        ));
        out.classes.push(class.to_string());
    }
    out
}

/// The sentence with its first letter in capitals.
fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
