//! The classification of one structure against the registry: listed, classes, similar, precursors.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use interdict_registry::Registry;

use crate::chem::{ChemError, Fingerprint, Structure, MAX_ATOMS};
use crate::classes::{self, ClassMatch, NotCovered};
use crate::input::{RawRecord, RawText};
use crate::precursor;
use crate::standardize::standardize;

const ACID_OF_LISTED_ESTER: &str = "the acid of the listed ester";

#[derive(Clone, Debug)]
pub struct Options {
    /// How many nearest listed substances to report.
    pub top_k: usize,
    /// Only report neighbours at or above this Tanimoto similarity.
    pub min_similarity: f64,
    /// When to compute the InChIKey, by far the slowest step (a few thousand per second).
    pub inchikey: InchikeyPolicy,
}

/// When the InChIKey is computed. Lookup never needs it (canonical SMILES does that), so bulk
/// runs compute it only for structures someone will act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InchikeyPolicy {
    /// For every structure.
    Always,
    /// For structures that are listed, inside or near a class definition, designer precursors, or
    /// at least 0.5 similar to a listed substance; `null` for the rest.
    Hits,
    /// Never (`null`).
    Never,
}

impl Options {
    /// Lookups and classification without InChIKeys, for callers that only need the answer
    /// (screening, early warning).
    pub fn without_inchikey() -> Options {
        Options {
            inchikey: InchikeyPolicy::Never,
            ..Options::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            top_k: 3,
            min_similarity: 0.3,
            inchikey: InchikeyPolicy::Always,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ControlRef {
    pub list: String,
    pub entry: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub substance_id: String,
    pub name: String,
    pub cas: Option<String>,
    pub controls: Vec<ControlRef>,
    /// `exact` (same structure, stereo included), `stereoisomer` (same connectivity; the listing
    /// covers isomers or does not specify stereo), `isotopologue` (same connectivity, isotopes
    /// labelled, e.g. a deuterated drug), or `inchikey` (same InChIKey, different drawing).
    #[serde(rename = "match")]
    pub match_kind: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Similar {
    pub substance_id: String,
    pub name: String,
    pub similarity: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PrecursorRelation {
    pub substance_id: String,
    pub name: String,
    pub cas: Option<String>,
    /// E.g. "N-Boc-protected form of", "ester of", or the steps joined by spaces.
    pub relation: String,
    pub explanation: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    pub input: String,
    pub name: Option<String>,
    pub canonical_smiles: String,
    pub inchikey: Option<String>,
    pub standardization: Vec<String>,
    pub listed: Vec<Listed>,
    pub classes: Vec<ClassMatch>,
    pub not_covered: Vec<NotCovered>,
    pub similar: Vec<Similar>,
    pub designer_precursor_of: Vec<PrecursorRelation>,
}

/// Whether a SMILES has an isotope label (`[13C]`, `[2H]`): a bracket atom starting with a digit.
fn has_isotope(smiles: &str) -> bool {
    smiles
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'[' && w[1].is_ascii_digit())
}

/// The US definition of fentanyl-related substances applies "unless specifically exempted or
/// unless listed in another schedule" ((e)(1), as retrieved): a listed substance with its own
/// entry in another US schedule (carfentanil, sufentanil, alfentanil, remifentanil in Schedule II)
/// is structurally inside but excluded, and is reported so, not as a Schedule I fentanyl-related
/// substance. One listed by name in Schedule I itself stays inside (same schedule either way).
fn separately_scheduled(
    listed: &[Listed],
    classes: &mut Vec<crate::classes::ClassMatch>,
    not_covered: &mut Vec<crate::classes::NotCovered>,
) {
    let Some((substance, entry)) = listed.iter().find_map(|l| {
        l.controls
            .iter()
            .find(|c| c.list.starts_with("US-CSA-SCHEDULE-") && c.list != "US-CSA-SCHEDULE-I")
            .map(|c| (l, c))
    }) else {
        return;
    };
    classes.retain(|m| {
        if m.definition != "us-frs" {
            return true;
        }
        not_covered.push(crate::classes::NotCovered {
            definition: m.definition,
            reason: format!(
                "structurally inside; excluded, separately scheduled ({}): {} is controlled in its own right ({}), and the definition covers only substances not otherwise controlled (its structure meets clauses {})",
                entry.entry.split(" (").next().unwrap_or(&entry.entry),
                substance.name,
                entry.entry,
                m.clauses
                    .iter()
                    .filter(|c| *c != "1")
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            undecided: None,
        });
        false
    });
}

/// China's 2019 announcement: "已列入《麻醉药品和精神药品品种目录》和《非药用类麻醉药品和精神药品管制品种增补目录》
/// 的芬太尼类物质依原有目录予以管制" — fentanyl substances already in those catalogues stay
/// controlled under them. A listed substance the registry knows on a Chinese drug list (a list id
/// `CN-…` other than the precursor catalogue) is reported as controlled under that listing, not
/// under the class; one listed only elsewhere stays inside the class, and the answer says that
/// the registry holds no Chinese catalogue listing of it.
fn listed_in_china(
    listed: &[Listed],
    classes: &mut Vec<crate::classes::ClassMatch>,
    not_covered: &mut Vec<crate::classes::NotCovered>,
) {
    if listed.is_empty() {
        return;
    }
    let chinese = listed.iter().find_map(|l| {
        l.controls
            .iter()
            .find(|c| c.list.starts_with("CN-") && !c.list.starts_with("CN-PRECURSOR"))
            .map(|c| (l, c))
    });
    let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
    classes.retain_mut(|m| {
        if m.definition != crate::classes::CN_FENTANYL_2019.id {
            return true;
        }
        match chinese {
            Some((substance, entry)) => {
                not_covered.push(crate::classes::NotCovered {
                    definition: m.definition,
                    reason: format!(
                        "structurally inside; controlled under its existing listing ({}, {}): the announcement keeps fentanyl substances already listed under their lists (依原有目录予以管制); {} (its structure meets clauses {})",
                        entry.list,
                        entry.entry,
                        substance.name,
                        m.clauses.join(", ")
                    ),
                    undecided: None,
                });
                false
            }
            None => {
                m.explanation.push_str(&format!(
                    " {} is itself listed, but the registry holds no Chinese catalogue listing of it: the announcement keeps fentanyl substances already in 《麻醉药品和精神药品品种目录》 or the 增补目录 under those lists (依原有目录予以管制), so if it is in one of them, that listing, not the class, is its basis in China.",
                    names.join(", ")
                ));
                true
            }
        }
    });
}

/// The first block of an InChIKey (14 letters), which encodes the connectivity; `None` for a
/// string too short to be a key.
fn connectivity_block(key: &str) -> Option<&[u8]> {
    key.as_bytes().get(..14)
}

/// Same connectivity, other stereo — or other isotopes (a deuterated drug).
fn isomer_kind(canonical: &str) -> &'static str {
    if has_isotope(canonical) {
        "isotopologue"
    } else {
        "stereoisomer"
    }
}

/// Adds a listed substance once, under the first (strongest) kind of match found.
fn push_listed(out: &mut Vec<Listed>, e: &Entry, kind: &'static str) {
    if out.iter().any(|l| l.substance_id == e.id) {
        return;
    }
    out.push(Listed {
        substance_id: e.id.clone(),
        name: e.name.clone(),
        cas: e.cas.clone(),
        controls: e.controls.clone(),
        match_kind: kind,
    });
}

type ShapeKey = (Vec<(u8, u16)>, [u16; 4]);

/// A registry substance prepared for structure lookups.
struct Entry {
    id: String,
    name: String,
    cas: Option<String>,
    controls: Vec<ControlRef>,
    isomeric: String,
    inchikey: String,
    covers_isomers: bool,
    /// The listing covers the substance's esters (the glycidic acids; 1961 Schedule I drugs):
    /// an ester of it is listed, not a designer precursor.
    covers_esters: bool,
    fingerprint: Fingerprint,
}

pub struct Engine {
    entries: Vec<Entry>,
    by_skeleton: FxHashMap<String, Vec<usize>>,
    by_inchikey: FxHashMap<String, usize>,
    shape_keys: FxHashSet<ShapeKey>,
    /// Skeletons of the acids of listed esters (MAPA → 2-phenylacetoacetic acid): another ester of
    /// the same acid is a designer precursor too.
    acid_of_listed_ester: FxHashMap<String, usize>,
    options: Options,
}

/// Designer-precursor targets: organic substances of at least six heavy atoms. Below that sit the
/// general solvents and reagents (acetone, MEK, ether, methylamine), for which "one step away"
/// would flag every alcohol and amide in commerce. The caller also requires an international
/// listing or a class whose relatives are flagged: a commodity reagent on one national list only
/// (benzaldehyde, US List I) would make benzyl alcohol a designer precursor.
fn is_designer_target(g: &crate::graph::Graph) -> bool {
    let heavy = g.atoms.iter().filter(|a| a.z != crate::graph::H).count();
    heavy >= 6 && g.atoms.iter().any(|a| a.z == crate::graph::C)
}

/// A registry structure the toolkit could not read (a data bug; reported, not fatal).
#[derive(Debug, thiserror::Error)]
#[error("registry substance {id}: {source}")]
pub struct RegistryStructureError {
    pub id: String,
    pub source: ChemError,
}

impl Engine {
    pub fn new(registry: &Registry, options: Options) -> Result<Engine, RegistryStructureError> {
        let mut entries = Vec::new();
        let mut by_skeleton: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut by_inchikey = FxHashMap::default();
        let mut shape_keys = FxHashSet::default();
        let mut acid_of_listed_ester = FxHashMap::default();
        for s in registry.substances() {
            if s.smiles.is_empty() || !s.smiles.chars().any(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            let prepared = (|| {
                let std = standardize(Structure::from_smiles(&s.smiles)?)?;
                let isomeric = std.structure.canonical_smiles(true)?;
                let skeleton = std.structure.canonical_smiles(false)?;
                let fingerprint = std.structure.morgan()?;
                let mut acids = Vec::new();
                let target = is_designer_target(&std.graph)
                    && (s.controls.iter().any(|c| c.list.starts_with("UN-"))
                        || registry.classes_of(s).any(|k| k.flags_relatives));
                if target {
                    let heavy = std
                        .graph
                        .formula_key()
                        .iter()
                        .map(|&(_, n)| usize::from(n))
                        .sum::<usize>();
                    for c in precursor::one_step_candidates(&std.graph) {
                        // Only where the acid is most of the ester (MAPA's acid, not cocaine's
                        // benzoic acid): otherwise every simple acid would point at a drug.
                        let kept = c
                            .formula_key()
                            .iter()
                            .map(|&(_, n)| usize::from(n))
                            .sum::<usize>();
                        if c.steps == ["ester of"] && kept * 3 >= heavy * 2 {
                            let acid = Structure::from_smiles(&c.smiles())?;
                            acids.push((c.shape_key(), acid.canonical_smiles(false)?));
                        }
                    }
                }
                Ok::<_, ChemError>((
                    target.then(|| precursor::Candidate::origin(&std.graph).shape_key()),
                    isomeric,
                    skeleton,
                    fingerprint,
                    acids,
                ))
            })()
            .map_err(|source| RegistryStructureError {
                id: s.id.clone(),
                source,
            })?;
            let (formula, isomeric, skeleton, fingerprint, acids) = prepared;
            let idx = entries.len();
            if let Some(shape) = formula {
                shape_keys.insert(shape);
            }
            for (shape, acid) in acids {
                shape_keys.insert(shape);
                acid_of_listed_ester.entry(acid).or_insert(idx);
            }
            by_skeleton.entry(skeleton).or_default().push(idx);
            if !s.inchikey.is_empty() {
                by_inchikey.insert(s.inchikey.clone(), idx);
            }
            entries.push(Entry {
                id: s.id.clone(),
                name: s.name.clone(),
                cas: s.cas.map(|c| c.to_string()),
                controls: s
                    .controls
                    .iter()
                    .map(|c| ControlRef {
                        list: c.list.clone(),
                        entry: c.entry.clone(),
                    })
                    .collect(),
                isomeric,
                inchikey: s.inchikey.clone(),
                covers_isomers: s.covers.contains("isomer"),
                covers_esters: s.covers.contains("ester"),
                fingerprint,
            });
        }
        Ok(Engine {
            entries,
            by_skeleton,
            by_inchikey,
            shape_keys,
            acid_of_listed_ester,
            options,
        })
    }

    /// Parse and classify one raw record.
    pub fn classify_record(&self, record: &RawRecord) -> Result<Classification, ChemError> {
        let structure = match &record.text {
            RawText::Smiles(s) => Structure::from_smiles(s)?,
            RawText::Molblock(b) => Structure::from_molblock_at(b, record.line)?,
        };
        self.classify(structure, record.label(), record.name.clone())
    }

    pub fn classify_smiles(&self, smiles: &str) -> Result<Classification, ChemError> {
        self.classify(Structure::from_smiles(smiles)?, smiles.to_string(), None)
    }

    pub fn classify(
        &self,
        structure: Structure,
        input: String,
        name: Option<String>,
    ) -> Result<Classification, ChemError> {
        let std = standardize(structure)?;
        if std.graph.len() > MAX_ATOMS {
            return Err(ChemError::Toolkit(format!(
                "{} atoms after standardisation; structures above {MAX_ATOMS} atoms are not classified",
                std.graph.len()
            )));
        }
        let canonical = std.structure.canonical_smiles(true)?;
        // Without stereo marks or isotopes the stereo-free SMILES is the same string: skip writing it.
        let skeleton = if canonical.contains(['@', '/', '\\']) || has_isotope(&canonical) {
            std.structure.canonical_smiles(false)?
        } else {
            canonical.clone()
        };
        // The InChIKey is an identifier to report, not part of the classification: a structure
        // InChI has no key for (a `*` attachment point, an unsupported element) keeps the rest
        // of its answer with `inchikey` null.
        let always = self.options.inchikey == InchikeyPolicy::Always;
        let mut inchikey = if always {
            std.structure.inchikey().ok()
        } else {
            None
        };
        let mut listed = self.listed_by_smiles(&canonical, &skeleton);
        if let Some(key) = &inchikey {
            self.add_listed_by_inchikey(&mut listed, &canonical, key);
        }
        let form = classes::InputForm {
            form: &std.form,
            stereo: canonical.contains(['@', '/', '\\']),
        };
        let (mut classes, mut not_covered) = classes::assess(&std.graph, &form);
        let fingerprint = std.structure.morgan()?;
        let similar = self.similar(&fingerprint);
        let mut designer_precursor_of = if listed.is_empty() {
            self.designer_precursor(&std.graph)
        } else {
            Vec::new()
        };
        // Where the listing covers esters, an ester of the substance is listed under it: the
        // registry's `covers` and the classifier agree.
        for r in &designer_precursor_of {
            if r.relation == "ester of" {
                if let Some(e) = self
                    .entries
                    .iter()
                    .find(|e| e.id == r.substance_id && e.covers_esters)
                {
                    push_listed(&mut listed, e, "ester (covered by the listing)");
                }
            }
        }
        if !listed.is_empty() {
            designer_precursor_of.clear();
        }
        let hit = !listed.is_empty()
            || !classes.is_empty()
            || !not_covered.is_empty()
            || !designer_precursor_of.is_empty()
            || similar.first().is_some_and(|s| s.similarity >= 0.5);
        if inchikey.is_none() && self.options.inchikey == InchikeyPolicy::Hits && hit {
            if let Ok(key) = std.structure.inchikey() {
                // The InChIKey can find what SMILES did not (another drawing of a listed structure).
                self.add_listed_by_inchikey(&mut listed, &canonical, &key);
                inchikey = Some(key);
            }
        }
        separately_scheduled(&listed, &mut classes, &mut not_covered);
        listed_in_china(&listed, &mut classes, &mut not_covered);
        Ok(Classification {
            input,
            name,
            canonical_smiles: canonical,
            inchikey,
            standardization: std.notes,
            listed,
            classes,
            not_covered,
            similar,
            designer_precursor_of,
        })
    }

    fn listed_by_smiles(&self, canonical: &str, skeleton: &str) -> Vec<Listed> {
        let mut out = Vec::new();
        if let Some(indices) = self.by_skeleton.get(skeleton) {
            for &i in indices {
                let e = &self.entries[i];
                if e.isomeric == canonical {
                    push_listed(&mut out, e, "exact");
                }
            }
            for &i in indices {
                let e = &self.entries[i];
                // The listing covers every stereoisomer, or it names the substance without stereo.
                if e.isomeric != canonical && (e.covers_isomers || e.isomeric == skeleton) {
                    push_listed(&mut out, e, isomer_kind(canonical));
                }
            }
        }
        out
    }

    /// Adds what the InChIKey finds that the SMILES did not: the same key drawn differently, and
    /// the same connectivity layer under a listing that covers isomers.
    fn add_listed_by_inchikey(&self, out: &mut Vec<Listed>, canonical: &str, key: &str) {
        if let Some(&i) = self.by_inchikey.get(key) {
            push_listed(out, &self.entries[i], "inchikey");
        }
        for e in &self.entries {
            if e.covers_isomers
                && connectivity_block(&e.inchikey).is_some()
                && connectivity_block(&e.inchikey) == connectivity_block(key)
            {
                push_listed(out, e, isomer_kind(canonical));
            }
        }
    }

    fn similar(&self, fp: &Fingerprint) -> Vec<Similar> {
        let mut scored: Vec<(f64, usize)> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (fp.tanimoto(&e.fingerprint), i))
            .filter(|&(s, _)| s >= self.options.min_similarity)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(self.options.top_k);
        scored
            .into_iter()
            .map(|(s, i)| Similar {
                substance_id: self.entries[i].id.clone(),
                name: self.entries[i].name.clone(),
                similarity: (s * 1000.0).round() / 1000.0,
            })
            .collect()
    }

    fn designer_precursor(&self, g: &crate::graph::Graph) -> Vec<PrecursorRelation> {
        let mut out: Vec<PrecursorRelation> = Vec::new();
        let mut tried: FxHashSet<String> = FxHashSet::default();
        let origin = precursor::Candidate::origin(g);
        for candidate in std::iter::once(origin).chain(precursor::candidates(g)) {
            if !self.shape_keys.contains(&candidate.shape_key()) {
                continue;
            }
            let smiles = candidate.smiles();
            if !tried.insert(smiles.clone()) {
                continue;
            }
            let Ok(skeleton) =
                Structure::from_smiles(&smiles).and_then(|s| s.canonical_smiles(false))
            else {
                continue;
            };
            let mut hits: Vec<(usize, bool)> = Vec::new();
            if !candidate.steps.is_empty() {
                if let Some(indices) = self.by_skeleton.get(&skeleton) {
                    hits.extend(indices.iter().map(|&i| (i, false)));
                }
            }
            if let Some(&i) = self.acid_of_listed_ester.get(&skeleton) {
                hits.push((i, true));
            }
            for (i, via_acid) in hits {
                let e = &self.entries[i];
                if out.iter().any(|r| r.substance_id == e.id) {
                    continue;
                }
                let mut steps: Vec<&str> = candidate.steps.clone();
                if via_acid {
                    steps.push(ACID_OF_LISTED_ESTER);
                }
                let relation = steps.join(" ");
                let undone = if candidate.steps.is_empty() {
                    "the structure is".to_string()
                } else {
                    format!(
                        "undoing {} gives",
                        if candidate.steps.len() == 1 {
                            "that step"
                        } else {
                            "those two steps"
                        }
                    )
                };
                out.push(PrecursorRelation {
                    substance_id: e.id.clone(),
                    name: e.name.clone(),
                    cas: e.cas.clone(),
                    explanation: format!(
                        "Not itself listed, but {} {}{}{}: {undone} {skeleton}{}.",
                        steps.join(", "),
                        if via_acid { "" } else { "listed " },
                        e.name,
                        e.cas
                            .as_deref()
                            .map(|c| format!(" (CAS {c})"))
                            .unwrap_or_default(),
                        if via_acid {
                            ", which the listed ester also gives on hydrolysis"
                        } else {
                            ""
                        },
                    ),
                    relation,
                });
            }
        }
        // A listed relative found directly makes "same acid as a listed ester" redundant.
        let via_acid = |r: &PrecursorRelation| r.relation.ends_with(ACID_OF_LISTED_ESTER);
        if out.iter().any(|r| !via_acid(r)) {
            out.retain(|r| !via_acid(r));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(inchikey: InchikeyPolicy) -> Engine {
        let options = Options {
            inchikey,
            ..Options::default()
        };
        Engine::new(Registry::builtin(), options).expect("registry structures parse")
    }

    /// A listed substance the registry holds on a Chinese drug list is reported under that
    /// listing, not under the 2019 class (依原有目录予以管制); a Chinese precursor listing does not
    /// count, and one listed only elsewhere stays inside with the rule named.
    #[test]
    fn a_chinese_drug_listing_outranks_the_2019_class() {
        let engine = engine(InchikeyPolicy::Never);
        let base = engine
            .classify_smiles("CC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1")
            .expect("classified");
        let with_list = |list: &str| {
            let mut listed = base.listed.clone();
            listed[0].controls = vec![ControlRef {
                list: list.to_string(),
                entry: "Category I".to_string(),
            }];
            let mut classes = base.classes.clone();
            let mut not_covered = Vec::new();
            listed_in_china(&listed, &mut classes, &mut not_covered);
            (classes, not_covered)
        };
        let (classes, not_covered) = with_list("CN-NARCOTIC-DRUGS");
        assert!(classes.iter().all(|m| m.definition != "cn-fentanyl-2019"));
        let n = &not_covered[0];
        assert_eq!(n.definition, "cn-fentanyl-2019");
        assert!(
            n.reason.starts_with(
                "structurally inside; controlled under its existing listing (CN-NARCOTIC-DRUGS"
            ),
            "{}",
            n.reason
        );
        let (classes, not_covered) = with_list("CN-PRECURSOR-CATEGORY-1");
        assert!(not_covered.is_empty());
        let cn = classes
            .iter()
            .find(|m| m.definition == "cn-fentanyl-2019")
            .expect("still inside");
        assert!(cn.explanation.contains("no Chinese catalogue listing"));
    }

    /// Regression: a `*` atom (an attachment point) has no InChIKey, and that error used to take
    /// the whole classification with it.
    #[test]
    fn a_structure_without_inchikey_keeps_its_classification() {
        let fentanyl_with_star = "*c1ccc(CCN2CCC(N(C(=O)CC)c3ccccc3)CC2)cc1";
        for policy in [InchikeyPolicy::Always, InchikeyPolicy::Hits] {
            let c = engine(policy)
                .classify_smiles(fentanyl_with_star)
                .expect("classified");
            assert_eq!(c.inchikey, None);
            assert!(!c.canonical_smiles.is_empty());
            assert_eq!(
                c.similar.first().map(|s| s.substance_id.as_str()),
                Some("fentanyl")
            );
        }
    }

    /// Regression: the toolkit counted lines from the record's start while the record was
    /// reported at its line in the file.
    #[test]
    fn molblock_errors_name_lines_of_the_file() {
        let block = "bad\n  p\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n    xx\n";
        let record = RawRecord {
            line: 17,
            name: Some("bad".into()),
            text: RawText::Molblock(block.into()),
        };
        let err = engine(InchikeyPolicy::Never)
            .classify_record(&record)
            .expect_err("does not parse")
            .to_string();
        assert!(err.contains("on line 21"), "{err}");
    }
}
