//! Class-wide legal definitions, each next to its legal text and citation.
//!
//! A definition answers with the clauses that apply and the atoms that satisfy each clause, or,
//! when the structure has the definition's parent skeleton but a modification the text does not
//! allow, with the reason it is outside (a near miss a regulator will want to see explained).

use std::collections::BTreeMap;

use serde::Serialize;

use interdict_registry::Registry;

use crate::graph::Graph;
use crate::standardize::Form;

mod fentanyl;
mod nitazene;

/// One class-wide definition: identifier, title and where its text comes from.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Definition {
    pub id: &'static str,
    pub title: &'static str,
    pub jurisdiction: &'static str,
    pub citation: &'static str,
    /// Where the text was retrieved from.
    pub source: &'static str,
    /// Each clause and its legal wording (verbatim; English rendering for China from UNODC).
    pub clauses: &'static [(&'static str, &'static str)],
}

pub const US_FRS: Definition = Definition {
    id: "us-frs",
    title: "fentanyl-related substances",
    jurisdiction: "US",
    citation: "21 U.S.C. 812(c) Schedule I(e), added by the HALT Fentanyl Act, Public Law 119-26 (16 July 2025)",
    source: "https://www.congress.gov/119/plaws/publ26/PLAW-119publ26.htm",
    clauses: &[
        ("1", "Unless specifically exempted or unless listed in another schedule, any material, compound, mixture, or preparation which contains any quantity of a fentanyl-related substance, or which contains the salts, isomers, and salts of isomers of a fentanyl-related substance whenever the existence of such salts, isomers, and salts of isomers is possible within the specific chemical designation."),
        ("A", "By replacement of the phenyl portion of the phenethyl group by any monocycle, whether or not further substituted in or on the monocycle."),
        ("B", "By substitution in or on the phenethyl group with alkyl, alkenyl, alkoxyl, hydroxyl, halo, haloalkyl, amino, or nitro groups."),
        ("C", "By substitution in or on the piperidine ring with alkyl, alkenyl, alkoxyl, ester, ether, hydroxyl, halo, haloalkyl, amino, or nitro groups."),
        ("D", "By replacement of the aniline ring with any aromatic monocycle whether or not further substituted in or on the aromatic monocycle."),
        ("E", "By replacement of the N-propionyl group with another acyl group."),
    ],
};

pub const CN_FENTANYL_2019: Definition = Definition {
    id: "cn-fentanyl-2019",
    title: "fentanyl-class substances (芬太尼类物质)",
    jurisdiction: "CN",
    citation: "MPS/NHC/NMPA joint announcement on the class-wide control of fentanyl substances, effective 1 May 2019",
    source: "http://shanghaiinvest.com/cn/viewfile.php?id=13701; https://www.unodc.org/LSS/announcement/Details/f2adea68-fbed-4292-a4cc-63771c943318",
    clauses: &[
        ("1", "使用其他酰基替代丙酰基 (Replacement of the N-propionyl group by another acyl group)"),
        ("2", "使用任何取代或未取代的单环芳香基团替代与氮原子直接相连的苯基 (Replacement of the N-phenyl group with any aromatic monocycle whether or not further substituted in or on the aromatic monocycle)"),
        ("3", "哌啶环上存在烷基、烯基、烷氧基、酯基、醚基、羟基、卤素、卤代烷基、氨基及硝基等取代基 (Substitution in or on the piperidine ring with alkyl, alkenyl, alkoxyl, ester, ether, hydroxyl, halo, haloalkyl, amino or nitro groups)"),
        ("4", "使用其他任意基团(氢原子除外)替代苯乙基 (Replacement of the phenethyl group with another group, excluding hydrogen atom)"),
    ],
};

pub const UK_NITAZENE_2025: Definition = Definition {
    id: "uk-nitazene-2025",
    title: "2-benzylbenzimidazole opioids (nitazenes), generic definition",
    jurisdiction: "UK",
    citation: "Misuse of Drugs Act 1971 (Amendment) (No. 2) Order 2024, SI 2024/1361, art. 2(3): Sch. 2 Pt 1 para 1(ea), in force 15 January 2025",
    source: "https://legislation.gov.uk/id/uksi/2024/1361/article/2/5/n",
    clauses: &[
        ("i", "by substitution at the nitrogen of the ethanamine to any extent by alkyl substituents containing up to three carbon atoms or alkenyl substituents containing up to three carbon atoms or by inclusion of the nitrogen atom (and no other atoms of the side chain) in a cyclic structure"),
        ("ii", "by substitution in the phenyl ring of the benzyl system to any extent by alkyl or haloalkyl containing up to six carbon atoms, alkoxy or haloalkoxy containing up to five carbon atoms, acetyloxy, hydroxy, cyano, halogen, thioalkyl containing up to five carbon atoms or alkylsulphonyl … (the retrieved text stops here; later clauses were not retrieved)"),
    ],
};

pub const DEFINITIONS: [Definition; 3] = [US_FRS, CN_FENTANYL_2019, UK_NITAZENE_2025];

/// A structure inside a definition.
#[derive(Clone, Debug, Serialize)]
pub struct ClassMatch {
    pub definition: &'static str,
    pub clauses: Vec<String>,
    pub explanation: String,
    /// Clause → the atoms (0-based, in the standardised structure's order) that satisfy it.
    pub atoms: BTreeMap<String, Vec<usize>>,
    /// The legal wording of each clause that applies, for the report.
    pub clause_text: BTreeMap<String, &'static str>,
    pub citation: &'static str,
}

/// A structure with the definition's parent skeleton that is nonetheless outside it (or cannot be
/// decided from the text that is known), and why.
#[derive(Clone, Debug, Serialize)]
pub struct NotCovered {
    pub definition: &'static str,
    pub reason: String,
    /// Set when the known text cannot decide it because the clauses that would were not
    /// retrieved: the structure must be held and the question put to a lawyer, not passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undecided: Option<Undecided>,
}

/// What could be checked of a definition whose later clauses were not retrieved, and the
/// modification that lies under them.
#[derive(Clone, Debug, Serialize)]
pub struct Undecided {
    /// The clauses checked and satisfied, with what satisfies them (`(i) the ethanamine …`).
    pub checked: Vec<String>,
    /// The modification no retrieved clause covers (or that the text leaves open).
    pub unretrieved: String,
    /// Why the text cannot decide it: its deciding clauses were not retrieved
    /// ([`UNRETRIEVED`]), or its words leave the modification open (China's clause 3, a list
    /// ending in 等).
    pub question: &'static str,
}

/// The deciding clauses of the definition were not retrieved.
pub const UNRETRIEVED: &str = "the clauses that would decide it were not retrieved";

/// What the input was beside the structure the clauses are applied to: a salt, a stereoisomer,
/// a mixture. Definitions whose text covers these forms say so (US (e)(1)); the others say that
/// their text is silent.
#[derive(Clone, Copy, Debug)]
pub struct InputForm<'a> {
    pub form: &'a Form,
    /// The standardised structure carries stereo (a chirality or a double-bond geometry).
    pub stereo: bool,
}

impl InputForm<'_> {
    /// Anything other than one neutral parent drawn without stereo.
    pub(crate) fn is_other_form(&self) -> bool {
        self.stereo || !self.form.salt.is_empty() || !self.form.other.is_empty()
    }
}

#[derive(Clone, Debug)]
pub enum Outcome {
    Inside(ClassMatch),
    Outside(NotCovered),
    /// The parent skeleton is not there: the definition has nothing to say.
    NoSkeleton,
}

/// The class a definition's members belong to in the built-in registry
/// (`data/class_definitions.csv`, column `definitions`): what early warning and screening group
/// an unlisted analogue under. A caller holding its own registry asks it instead,
/// `registry.class_of_definition(definition)`.
pub fn family(definition: &str) -> Option<&'static str> {
    Registry::builtin()
        .class_of_definition(definition)
        .map(|class| class.id.as_str())
}

/// Every definition applied to one standardised structure, in the form the input came in.
pub fn assess(g: &Graph, form: &InputForm) -> (Vec<ClassMatch>, Vec<NotCovered>) {
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    for outcome in [
        fentanyl::assess_us(g, form),
        fentanyl::assess_cn(g, form),
        nitazene::assess_uk(g),
    ] {
        match outcome {
            Outcome::Inside(m) => inside.push(m),
            Outcome::Outside(n) => outside.push(n),
            Outcome::NoSkeleton => {}
        }
    }
    (inside, outside)
}

/// Collects clause → atoms and the sentences that explain them, in clause order.
#[derive(Default)]
pub(crate) struct Findings {
    atoms: BTreeMap<String, Vec<usize>>,
    sentences: Vec<(String, String)>,
}

impl Findings {
    pub(crate) fn add(&mut self, clause: &str, atoms: &[usize], sentence: String) {
        let entry = self.atoms.entry(clause.to_string()).or_default();
        entry.extend_from_slice(atoms);
        entry.sort_unstable();
        entry.dedup();
        self.sentences.push((clause.to_string(), sentence));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }

    /// The sentences found so far, in clause order, each with its clause (`(i) …`).
    pub(crate) fn sentences(&self) -> Vec<String> {
        let mut sentences = self.sentences.clone();
        sentences.sort_by(|a, b| a.0.cmp(&b.0));
        sentences
            .into_iter()
            .map(|(clause, s)| format!("({clause}) {s}"))
            .collect()
    }

    pub(crate) fn into_match(self, def: &Definition, preamble: &str) -> ClassMatch {
        let clauses: Vec<String> = self.atoms.keys().cloned().collect();
        let mut sentences = self.sentences;
        sentences.sort_by(|a, b| a.0.cmp(&b.0));
        let body: Vec<String> = sentences
            .into_iter()
            .map(|(clause, s)| format!("({clause}) {s}"))
            .collect();
        let clause_text = clauses
            .iter()
            .filter_map(|c| {
                def.clauses
                    .iter()
                    .find(|(id, _)| id == c)
                    .map(|&(_, text)| (c.clone(), text))
            })
            .collect();
        ClassMatch {
            definition: def.id,
            clause_text,
            clauses,
            explanation: format!(
                "{preamble} Inside the {} definition of {} ({}): {}.",
                def.jurisdiction,
                def.title,
                def.citation,
                body.join("; ")
            ),
            atoms: self.atoms,
            citation: def.citation,
        }
    }
}

pub(crate) fn outside(def: &Definition, reason: String) -> Outcome {
    Outcome::Outside(NotCovered {
        definition: def.id,
        reason,
        undecided: None,
    })
}

/// Atom indices for a sentence: 0-based, as in the `atoms` field and in RDKit.
pub(crate) fn atom_list(atoms: &[usize]) -> String {
    let numbers: Vec<String> = atoms.iter().map(|a| a.to_string()).collect();
    format!("atoms {}", numbers.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every definition defines members of one registry class, and every definition the registry
    /// names exists here: the two vocabularies cannot drift apart.
    #[test]
    fn every_definition_has_a_class_in_the_registry() {
        assert_eq!(family("us-frs"), Some("fentanyl-analogue"));
        assert_eq!(family("cn-fentanyl-2019"), Some("fentanyl-analogue"));
        assert_eq!(family("uk-nitazene-2025"), Some("nitazene"));
        assert_eq!(family("no-such-definition"), None);
        for def in DEFINITIONS {
            assert!(family(def.id).is_some(), "{}", def.id);
        }
        for class in Registry::builtin().classes() {
            for def in &class.definitions {
                assert!(
                    DEFINITIONS.iter().any(|d| d.id == def),
                    "{} names unknown definition {def}",
                    class.id
                );
            }
        }
    }
}
