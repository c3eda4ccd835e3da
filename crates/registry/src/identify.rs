//! Identification of controlled substances in a trader's free text.
//!
//! Three kinds of evidence, strongest first:
//! 1. **CAS numbers** anywhere in the text, hyphenated or bare, validated by check digit. A bare
//!    digit run counts only after a `CAS` label or when it is a number the registry knows, so that
//!    invoice numbers are not read as chemicals.
//! 2. **Names**: every synonym's compact key (see [`crate::normalize`]) is searched with one
//!    Aho-Corasick automaton. A hit must cover whole words, except that a stereo prefix (`(±)-`,
//!    `dl-`) may precede it and salt or hydrate words (`HCl`, `monohydrate`) may follow inside the
//!    same word. Longer hits win over hits they contain, and a name of a common uncontrolled
//!    chemical (the lexicon) beats a controlled name inside it.
//! 3. **Typos**: words no name explains are compared with long synonym keys, at most one or two
//!    edits away and never changing a digit.
//!
//! A name followed by `ester`, `amide` or `nitrile` describes a derivative, not the listed
//! substance, and is scored down below the default threshold.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

use crate::fuzzy::{FuzzyIndex, FuzzyScratch};
use crate::model::{ClassId, Registry, Substance, SynonymKind};
use crate::normalize::{
    compact, is_separator, is_stereo_prefix, salt_suffix_starts, Compacted, SALT_WORDS,
};
use interdict_core::Cas;

/// Candidates scoring below this are not reported by default.
pub const DEFAULT_THRESHOLD: f32 = 0.70;

/// What made a substance match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedOn {
    Cas,
    Name,
    Synonym,
    Fuzzy,
}

/// One identified substance.
#[derive(Clone, Debug)]
pub struct SubstanceMatch<'r> {
    pub substance: &'r Substance,
    /// Confidence in [0, 1].
    pub score: f32,
    pub matched_on: MatchedOn,
    /// The words of the input (or the CAS number) that matched.
    pub matched_text: String,
    /// The form (salt, hydrate, isomer) when a form's own CAS number matched.
    pub form: Option<&'r str>,
    /// True when the text names a relative of the substance rather than the substance itself:
    /// followed by `ester`, `amide` …, protected (`1-Cbz-4-piperidone`) or substituted
    /// (`chloroisobutyryl fentanyl`). Such matches are scored down below the default threshold.
    pub derivative: bool,
    /// How the named chemical relates to the substance, in words, when `derivative` is true.
    pub relation: Option<String>,
}

/// A CAS number found in the text.
#[derive(Clone, Debug)]
pub struct CasMention<'r> {
    pub text: String,
    /// The parsed number when its format and check digit are right.
    pub cas: Option<Cas>,
    /// The registry entry it belongs to, if any.
    pub substance: Option<&'r Substance>,
}

/// The result of identifying one text.
#[derive(Clone, Debug, Default)]
pub struct Identification<'r> {
    /// Best first; only those at or above the threshold.
    pub matches: Vec<SubstanceMatch<'r>>,
    pub cas_mentions: Vec<CasMention<'r>>,
    /// A valid CAS number in the text names a different substance than the words do.
    pub cas_name_conflict: bool,
    /// Relatives of controlled substances named in the text (esters, protected or substituted
    /// forms), whatever their score: the raw material for designer-precursor and analogue flags.
    pub related: Vec<SubstanceMatch<'r>>,
    /// Names built on a class stem (`…nitazene`) that no listed substance explains: `(class, text)`.
    pub class_names: Vec<(&'r ClassId, String)>,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    Substance(u32, SynonymKind),
    /// A common uncontrolled chemical (index into `Registry::lexicon_entries`): explains its
    /// words, identifies nothing (but may name a relative of a listed substance).
    Lexicon(u32),
    /// A name stem of a class (`nitazene`; index into `Registry::classes`): names an analogue,
    /// not a substance.
    ClassStem(u32),
}

#[derive(Clone, Copy, Debug)]
struct Hit {
    start: usize,
    end: usize,
    first_word: usize,
    last_word: usize,
    pattern: usize,
    /// Set when a protecting group or substituent is fused to the front of the name.
    relation: Option<Relation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Relation {
    Protected,
    Substituted,
}

/// The compiled identification engine over one registry.
pub struct Identifier<'r> {
    registry: &'r Registry,
    automaton: AhoCorasick,
    /// Per automaton pattern: what its key identifies (several substances may share a key).
    targets: Vec<Vec<Target>>,
    keys: Vec<String>,
    /// Key → automaton pattern: whether a compacted word is a name the registry knows, so a
    /// word in Cyrillic look-alikes can be read as that name (`НРР` is NPP).
    key_index: HashMap<String, usize>,
    fuzzy: FuzzyIndex,
    fuzzy_targets: Vec<Vec<u32>>,
    /// Per substance: whether it belongs to a class whose relatives are flagged, so that a
    /// substituent word before its name makes a relative (`para-chloroisobutyryl fentanyl`).
    flags_relatives: Vec<bool>,
    /// Noise and salt words: never the first or last word of a typo run.
    not_names: std::collections::HashSet<&'static str>,
    /// (protecting group, substance) → the listed substance that is that protected form
    /// (`boc` on 4-AP is 1-boc-4-AP), read from the names of the listed protected forms.
    protected_forms: HashMap<(&'static str, u32), u32>,
    threshold: f32,
}

/// A match in one reading of the text, before matches of the same substance are merged.
struct Candidate<'r> {
    idx: u32,
    /// First and last word of the reading that matched.
    words: (usize, usize),
    key_len: usize,
    fuzzy: bool,
    /// Byte span in the reading.
    raw: (usize, usize),
    m: SubstanceMatch<'r>,
}

#[derive(Default)]
struct Scratch {
    compacted: Compacted,
    fuzzy: FuzzyScratch,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Words that are never part of a chemical name: skipped by the typo search.
const NOISE_WORDS: &[&str] = &[
    "powder",
    "liquid",
    "crystal",
    "crystals",
    "drum",
    "drums",
    "bag",
    "bags",
    "bottle",
    "bottles",
    "carton",
    "cartons",
    "pallet",
    "pallets",
    "kg",
    "kgs",
    "net",
    "gross",
    "weight",
    "purity",
    "grade",
    "technical",
    "industrial",
    "pharmaceutical",
    "pharma",
    "reagent",
    "usp",
    "bp",
    "ep",
    "high",
    "quality",
    "new",
    "white",
    "solid",
    "solution",
    "sample",
    "samples",
    "free",
    "shipping",
    "intermediate",
    "intermediates",
    "chemical",
    "chemicals",
    "organic",
    "raw",
    "material",
    "materials",
    "supply",
    "factory",
    "price",
    "packing",
    "packed",
    "package",
    "container",
    "no",
];

/// Protecting groups put on amines by chemists (and by traffickers to dodge a listing).
const PROTECTING_GROUPS: &[&str] = &[
    "boc",
    "tertbutoxycarbonyl",
    "cbz",
    "benzyloxycarbonyl",
    "fmoc",
    "acetyl",
    "trifluoroacetyl",
    "benzyl",
    "benzoyl",
    "tosyl",
    "trityl",
    "formyl",
];

/// Endings of substituent names (`chloro`, `methoxy`, `isobutyryl`).
const SUBSTITUENT_ENDINGS: &[&str] = &[
    "yl", "oxy", "fluoro", "chloro", "bromo", "iodo", "nitro", "amino", "hydroxy", "thio", "para",
    "meta", "ortho", "nor", "des", "iso", "dehydro", "cyclo", "hydro", "oxo", "keto",
];

/// `1boc`, `nboc`, `boc` → the protecting group (`tertbutoxycarbonyl` is `boc`,
/// `benzyloxycarbonyl` is `cbz`).
fn protecting_group(prefix: &str) -> Option<&'static str> {
    let p = prefix.trim_start_matches(|c: char| c.is_ascii_digit());
    let p = p
        .strip_prefix('n')
        .filter(|rest| PROTECTING_GROUPS.contains(rest))
        .unwrap_or(p);
    PROTECTING_GROUPS
        .iter()
        .copied()
        .find(|g| *g == p)
        .map(|g| match g {
            "tertbutoxycarbonyl" => "boc",
            "benzyloxycarbonyl" => "cbz",
            g => g,
        })
}

fn substituent_like(prefix: &str) -> bool {
    prefix.len() >= 2
        && prefix.bytes().any(|b| b.is_ascii_alphabetic())
        && SUBSTITUENT_ENDINGS.iter().any(|e| prefix.ends_with(e))
}

/// Words after a name that turn it into a derivative.
const DERIVATIVE_WORDS: &[&str] = &["ester", "esters", "amide", "amides", "nitrile", "anilide"];
const ALKYL_WORDS: &[&str] = &[
    "methyl",
    "ethyl",
    "propyl",
    "isopropyl",
    "butyl",
    "isobutyl",
    "secbutyl",
    "tertbutyl",
    "tbutyl",
    "pentyl",
    "amyl",
    "isoamyl",
    "isopentyl",
    "neopentyl",
    "hexyl",
    "heptyl",
    "octyl",
    "allyl",
    "vinyl",
    "cyclohexyl",
    "benzyl",
    "phenyl",
];

/// Words that, after a listed name, make it part of the name of another chemical: toluene
/// diisocyanate is not toluene, acetone cyanohydrin not acetone, MEK peroxide not MEK.
const COMPOUND_WORDS_AFTER: &[&str] = &[
    "diisocyanate",
    "diisocyanates",
    "isocyanate",
    "isothiocyanate",
    "cyanohydrin",
    "peroxide",
    "peroxides",
    "hydroperoxide",
    "oxime",
    "ketoxime",
    "hydrazone",
    "semicarbazone",
    "azine",
    "acetal",
    "dimethylacetal",
    "diethylacetal",
    "ketal",
    "oxide",
    "epoxide",
    "glycol",
    "diol",
    "dimer",
    "trimer",
    "polymer",
    "resin",
    "resins",
    "sulfonate",
    "sulfonic",
    "sulfonyl",
    "sulfonamide",
    "carboxylic",
    "carboxylate",
    "carboxaldehyde",
    "carbaldehyde",
    "carbonitrile",
    "carboxamide",
    "imine",
    "enamine",
    "adduct",
    "condensate",
    "sulfide",
    "disulfide",
];

/// Words that, before a listed name, make another chemical of it: ethyl vinyl ether,
/// diisopropyl ether and glycol ethers are not (diethyl) ether, methyl piperidine not piperidine.
const COMPOUND_WORDS_BEFORE: &[&str] = &[
    "vinyl",
    "divinyl",
    "glycol",
    "petroleum",
    "crown",
    "aryl",
    "alkyl",
    "polyvinyl",
    "polyethylene",
    "ethylene",
    "propylene",
];

/// Does `w`, a word before a listed name, make the two words the name of another chemical?
fn modifies_the_name_after(w: &str) -> bool {
    let alkyl = |b: &str| ALKYL_WORDS.contains(&b);
    alkyl(w)
        || ["di", "tri", "tetra", "mono", "bis"]
            .iter()
            .any(|p| w.strip_prefix(p).is_some_and(alkyl))
        || COMPOUND_WORDS_BEFORE.contains(&w)
        || (w.len() >= 5
            && w.bytes().all(|b| b.is_ascii_alphanumeric())
            && (w.ends_with("yl") || w.ends_with("oxy")))
        || [
            "chloro", "bromo", "fluoro", "iodo", "nitro", "amino", "hydroxy",
        ]
        .iter()
        .any(|h| w.ends_with(h))
}

/// A CAS-index name (`parent, substituents-`) without the locant of its parent: `4-Piperidinone,
/// 1-(2-phenylethyl)-` → `Piperidinone, 1-(2-phenylethyl)-`; `None` for other names.
fn without_parent_locant(name: &str) -> Option<&str> {
    if !name.contains(", ") {
        return None;
    }
    let digits = name
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',')
        .count();
    let rest = name.get(digits..)?.strip_prefix('-')?;
    (digits > 0 && rest.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(rest)
}

/// Cations that name a salt before its anion (`sodium phenylacetate`).
const CATIONS: &[&str] = &[
    "sodium",
    "potassium",
    "calcium",
    "lithium",
    "magnesium",
    "ammonium",
    "barium",
    "zinc",
];

/// The anion of an acid named `…ic acid` (`phenylacetic acid` → `phenylacetate`).
fn anion_of(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let stem = lower.strip_suffix("ic acid")?;
    (stem.len() >= 3 && !stem.ends_with(' ')).then(|| format!("{}ate", &name[..stem.len()]))
}

/// The length of an isotope label at the start of `tail` (compact): `d5`, `d11`, `13c6`, `2h5`,
/// `15n`, so that `fentanyl-d5` is fentanyl (a labelled form is the same controlled substance).
fn isotope_label_len(tail: &[u8]) -> Option<usize> {
    let digits = |from: usize| {
        tail[from.min(tail.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    if tail.first() == Some(&b'd') {
        let n = digits(1);
        return (1..=2).contains(&n).then_some(1 + n);
    }
    for label in [&b"13c"[..], b"2h", b"15n", b"18o"] {
        if tail.starts_with(label) {
            let n = digits(label.len());
            return (n <= 2).then_some(label.len() + n);
        }
    }
    None
}

/// True if a compact prefix before a name is only an isotope label (`d5`, `2h5`, `13c6`).
fn is_isotope_prefix(prefix: &str) -> bool {
    isotope_label_len(prefix.as_bytes()) == Some(prefix.len())
}

/// The most bytes of a text that identification reads (4 KiB: eight times the 512 characters
/// of the WCO data model's goods description).
pub const MAX_TEXT_BYTES: usize = 4096;

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn cut_at(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl<'r> Identifier<'r> {
    /// Compiles the engine. Takes a few milliseconds; build once and share.
    pub fn new(registry: &'r Registry) -> Identifier<'r> {
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut fuzzy = FuzzyIndex::default();
        let mut fuzzy_targets: Vec<Vec<u32>> = Vec::new();
        let mut fuzzy_by_key: HashMap<String, usize> = HashMap::new();
        let mut add = |key: String, target: Target| {
            if key.is_empty() {
                return;
            }
            let idx = *by_key.entry(key.clone()).or_insert_with(|| {
                keys.push(key.clone());
                targets.push(Vec::new());
                keys.len() - 1
            });
            // One target per substance and key: the strongest kind of name wins.
            let existing = targets[idx].iter_mut().find(|t| match (t, &target) {
                (Target::Substance(a, _), Target::Substance(b, _)) => a == b,
                (Target::Lexicon(a), Target::Lexicon(b)) => a == b,
                _ => false,
            });
            match (existing, target) {
                (Some(Target::Substance(_, kind)), Target::Substance(_, new_kind)) => {
                    if kind_rank(new_kind) > kind_rank(*kind) {
                        *kind = new_kind;
                    }
                }
                (Some(_), _) => {}
                (None, t) => targets[idx].push(t),
            }
        };
        for (i, s) in registry.substances().iter().enumerate() {
            for syn in &s.synonyms {
                let key = compact(&syn.text);
                // Street forms like `Methoxyacetyl-F` are one letter from their stem: exact only.
                let letter_suffix = syn.text.len() > 2
                    && syn.text.as_bytes()[syn.text.len() - 2] == b'-'
                    && syn.text.as_bytes()[syn.text.len() - 1].is_ascii_uppercase();
                if syn.kind != SynonymKind::Abbreviation
                    && !letter_suffix
                    && key.len() >= crate::fuzzy::MIN_LEN_ONE_EDIT
                {
                    let fi = *fuzzy_by_key.entry(key.clone()).or_insert_with(|| {
                        fuzzy_targets.push(Vec::new());
                        fuzzy.add(&key)
                    });
                    if !fuzzy_targets[fi].contains(&(i as u32)) {
                        fuzzy_targets[fi].push(i as u32);
                    }
                }
                // A CAS-index name written without the parent's locant (`Piperidinone,
                // 1-(2-phenylethyl)-` for `4-Piperidinone, …`) names the same substance.
                if let Some(rest) = without_parent_locant(&syn.text) {
                    add(compact(rest), Target::Substance(i as u32, syn.kind));
                }
                add(key, Target::Substance(i as u32, syn.kind));
            }
        }
        for (i, name) in registry.lexicon().iter().enumerate() {
            add(compact(name), Target::Lexicon(i as u32));
        }
        // Salts named by their cation (`sodium phenylacetate`) of listed acids whose listing
        // covers salts: the anion is the acid's name with `-ic acid` made `-ate`.
        for (i, s) in registry.substances().iter().enumerate() {
            if !s.covers.starts_with("salts") {
                continue;
            }
            for syn in &s.synonyms {
                if let Some(anion) = anion_of(&syn.text) {
                    for cation in CATIONS {
                        add(
                            compact(&format!("{cation} {anion}")),
                            Target::Substance(i as u32, syn.kind),
                        );
                    }
                }
            }
        }
        // Stems that name members of a class even when the member is not listed.
        for (i, class) in registry.classes().iter().enumerate() {
            for stem in &class.stems {
                add(compact(stem), Target::ClassStem(i as u32));
            }
        }
        // Listed protected forms: a name of one that is a protecting group fused to a name of
        // another listed substance (`1-Boc-4-anilinopiperidine` = `1boc` + a name of 4-AP).
        let mut protected_forms: HashMap<(&'static str, u32), u32> = HashMap::new();
        for (i, s) in registry.substances().iter().enumerate() {
            for syn in &s.synonyms {
                let key = compact(&syn.text);
                for p in 2..key.len().saturating_sub(3) {
                    let (Some(group), Some(&k)) = (
                        key.get(..p).and_then(protecting_group),
                        key.get(p..).and_then(|rest| by_key.get(rest)),
                    ) else {
                        continue;
                    };
                    for t in &targets[k] {
                        if let Target::Substance(j, _) = *t {
                            if j != i as u32 {
                                protected_forms.entry((group, j)).or_insert(i as u32);
                            }
                        }
                    }
                }
            }
        }
        let flags_relatives = registry
            .substances()
            .iter()
            .map(|s| registry.classes_of(s).any(|k| k.flags_relatives))
            .collect();
        fuzzy.finish();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&keys)
            .expect("registry keys form a valid automaton");
        Identifier {
            registry,
            automaton,
            targets,
            keys,
            key_index: by_key,
            fuzzy,
            fuzzy_targets,
            flags_relatives,
            not_names: NOISE_WORDS.iter().chain(SALT_WORDS).copied().collect(),
            protected_forms,
            threshold: DEFAULT_THRESHOLD,
        }
    }

    /// The folding identification reads a text as: [`interdict_core::text::fold_known`] with
    /// the registry's names as what is known, so `НРР` reads NPP.
    pub fn fold<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        interdict_core::text::fold_known(text, |word| self.key_index.contains_key(&compact(word)))
    }

    /// The same engine with another reporting threshold.
    pub fn with_threshold(mut self, threshold: f32) -> Self {
        self.threshold = threshold;
        self
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    /// Identifies the controlled substances a text describes. The text is first folded as all
    /// outside text is ([`interdict_core::text::fold_known`]: look-alike letters of other
    /// scripts, a word wholly in Cyrillic look-alikes read as a name the registry knows,
    /// control characters as separators, Unicode hyphens, full-width digits), so a spoofed
    /// spelling is identified as what it reads.
    ///
    /// Only the first [`MAX_TEXT_BYTES`] are read (cut at a character boundary), so one text
    /// costs a bounded amount whatever its length; shells refuse a longer text with an error
    /// record instead of identifying part of it.
    pub fn identify(&self, text: &str) -> Identification<'r> {
        self.identify_declared(text, None)
    }

    /// Identifies the substances a text describes whose CAS number is declared beside it (a
    /// declaration's `cas_number`): a declared number of a known uncontrolled chemical outranks
    /// a typo match of the words, as one written in the text does.
    pub fn identify_declared(&self, text: &str, declared: Option<Cas>) -> Identification<'r> {
        let text = self.fold(cut_at(text, MAX_TEXT_BYTES));
        SCRATCH.with(|s| self.identify_with(&text, declared, &mut s.borrow_mut()))
    }

    fn identify_with(
        &self,
        text: &str,
        declared: Option<Cas>,
        scratch: &mut Scratch,
    ) -> Identification<'r> {
        let mut best: HashMap<u32, SubstanceMatch<'r>> = HashMap::new();
        let mut offer = |m: SubstanceMatch<'r>, idx: u32| {
            best.entry(idx)
                .and_modify(|old| {
                    if (m.score, std::cmp::Reverse(m.matched_on))
                        > (old.score, std::cmp::Reverse(old.matched_on))
                    {
                        let corroborated = m.matched_on != old.matched_on && !old.derivative;
                        *old = m.clone();
                        if corroborated {
                            old.score = (old.score + 0.01).min(1.0);
                        }
                    } else if m.matched_on != old.matched_on && !m.derivative {
                        old.score = (old.score + 0.01).min(1.0);
                    }
                })
                .or_insert(m);
        };

        // 1. CAS numbers.
        let cas_mentions = self.find_cas(text);
        let mut cas_hits: Vec<u32> = Vec::new();
        for mention in &cas_mentions {
            let Some(cas) = mention.cas else { continue };
            if let Some((idx, form)) = self.registry.cas_index(cas) {
                let substance = &self.registry.substances()[idx];
                cas_hits.push(idx as u32);
                offer(
                    SubstanceMatch {
                        substance,
                        score: 1.0,
                        matched_on: MatchedOn::Cas,
                        matched_text: mention.text.clone(),
                        form: form.map(|f| substance.forms[f].form.as_str()),
                        derivative: false,
                        relation: None,
                    },
                    idx as u32,
                );
            }
        }

        // A CAS number of a known uncontrolled chemical says what the goods are better than a
        // typo match of the words: ethyl 2-phenylacetoacetate (5413-05-8) is not MAPA.
        let known_uncontrolled = cas_mentions
            .iter()
            .filter_map(|m| m.cas)
            .chain(declared)
            .any(|cas| self.registry.lexicon_by_cas(cas).is_some());

        // 2. Names and typos, in the text as written and, for CAS-index style inverted names
        //    ("4-Piperidinone, 1-(2-phenylethyl)-"), in the text put back in natural order. In the
        //    text as written, the parent of an inverted name ("4-Piperidinone") is modified by
        //    what follows the comma, so a hit on the parent alone does not count.
        let mut name_hits: Vec<u32> = Vec::new();
        let inversion = uninverted(text);
        let mut readings: Vec<(&str, Option<(usize, usize)>)> = vec![(text, inversion.parent)];
        readings.extend(inversion.variants.iter().map(|v| (v.as_str(), None)));
        let mut related: Vec<SubstanceMatch<'r>> = Vec::new();
        let mut class_names: Vec<(&'r ClassId, String)> = Vec::new();
        for (reading, parent) in readings {
            for c in self.read_names(reading, scratch, &mut class_names) {
                if parent.is_some_and(|(s, e)| c.raw.0 >= s && c.raw.1 <= e)
                    || (known_uncontrolled && c.fuzzy)
                {
                    continue;
                }
                if c.m.derivative {
                    match related
                        .iter_mut()
                        .find(|r| r.substance.id == c.m.substance.id)
                    {
                        Some(r) if r.score < c.m.score => *r = c.m,
                        Some(_) => {}
                        None => related.push(c.m),
                    }
                    continue;
                }
                name_hits.push(c.idx);
                offer(c.m, c.idx);
            }
        }
        class_names.sort();
        class_names.dedup();
        // The CAS number of a known relative of a listed substance (EAPA, 5413-05-8, of MAPA),
        // in the text or declared, names that relative as its name would.
        let cas_texts = cas_mentions
            .iter()
            .filter_map(|m| m.cas.map(|c| (c, m.text.clone())))
            .chain(declared.map(|c| (c, c.to_string())));
        for (cas, text) in cas_texts {
            let Some(entry) = self.registry.lexicon_by_cas(cas) else {
                continue;
            };
            let Some(idx) = entry
                .relative_of
                .as_deref()
                .and_then(|id| self.registry.index_of(id))
            else {
                continue;
            };
            let substance = &self.registry.substances()[idx];
            if related.iter().any(|r| r.substance.id == substance.id) {
                continue;
            }
            related.push(SubstanceMatch {
                substance,
                score: 0.45,
                matched_on: MatchedOn::Cas,
                matched_text: text,
                form: None,
                derivative: true,
                relation: Some(if entry.relation.is_empty() {
                    "relative of".to_string()
                } else {
                    entry.relation.clone()
                }),
            });
        }

        let cas_name_conflict = !cas_hits.is_empty()
            && !name_hits.is_empty()
            && !name_hits.iter().any(|n| cas_hits.contains(n));

        let mut matches: Vec<SubstanceMatch<'r>> = best
            .into_values()
            .filter(|m| m.score >= self.threshold)
            .collect();
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.matched_on.cmp(&b.matched_on))
                .then_with(|| a.substance.id.cmp(&b.substance.id))
        });
        // A relative already identified as a listed substance in its own right is not a relative.
        related.retain(|r| !matches.iter().any(|m| m.substance.id == r.substance.id));
        Identification {
            matches,
            cas_mentions,
            cas_name_conflict,
            related,
            class_names,
        }
    }

    /// Exact and typo name matches in one reading of the text. A typo match over a longer run of
    /// words replaces exact matches of shorter names inside it: in `para-fluroo isobutyryl
    /// fentanyl` the drug is the misspelt 4-FIBF, not the `fentanyl` its last word spells.
    fn read_names(
        &self,
        text: &str,
        scratch: &mut Scratch,
        class_names: &mut Vec<(&'r ClassId, String)>,
    ) -> Vec<Candidate<'r>> {
        let Scratch { compacted, fuzzy } = scratch;
        compacted.fill(text);
        let c: &Compacted = compacted;
        let hits = self.name_hits(c);
        let open = words_left_open(c, &hits);
        let mut out = self.exact_candidates(c, text, &hits, &open, class_names);
        if open.iter().any(|&o| o) {
            out.extend(self.typo_candidates(c, text, &open, fuzzy));
        }
        self.without_replaced(c, out)
    }

    /// One candidate per substance a name hit names, and the class names among stem hits that
    /// carry a prefix (`ethyleneoxy` + `nitazene`; the bare stem names no substance).
    fn exact_candidates(
        &self,
        c: &Compacted,
        text: &str,
        hits: &[Hit],
        open: &[bool],
        class_names: &mut Vec<(&'r ClassId, String)>,
    ) -> Vec<Candidate<'r>> {
        let mut out: Vec<Candidate<'r>> = Vec::new();
        for hit in hits {
            let targets = &self.targets[hit.pattern];
            if targets.iter().all(|t| match t {
                Target::Lexicon(i) => self.registry.lexicon_entries()[*i as usize]
                    .relative_of
                    .is_none(),
                _ => false,
            }) {
                continue;
            }
            if self.part_of_another_name(c, hit, open) {
                continue;
            }
            let (first_word, relation) = self.relation_of(c, hit, targets, open);
            let raw = (
                c.words[first_word].raw_start,
                c.words[hit.last_word].raw_end,
            );
            let matched_text = &text[raw.0..raw.1];
            for target in targets {
                match *target {
                    Target::ClassStem(class) => {
                        if hit.relation.is_some() {
                            let id = &self.registry.classes()[class as usize].id;
                            class_names.push((id, matched_text.to_string()));
                        }
                    }
                    Target::Lexicon(i) => {
                        let entry = &self.registry.lexicon_entries()[i as usize];
                        let Some(idx) = entry
                            .relative_of
                            .as_deref()
                            .and_then(|id| self.registry.index_of(id))
                        else {
                            continue;
                        };
                        out.push(Candidate {
                            idx: idx as u32,
                            words: (first_word, hit.last_word),
                            key_len: hit.end - hit.start,
                            fuzzy: false,
                            raw,
                            m: SubstanceMatch {
                                substance: &self.registry.substances()[idx],
                                score: 0.45,
                                matched_on: MatchedOn::Name,
                                matched_text: matched_text.to_string(),
                                form: None,
                                derivative: true,
                                relation: Some(if entry.relation.is_empty() {
                                    "relative of".to_string()
                                } else {
                                    entry.relation.clone()
                                }),
                            },
                        });
                    }
                    Target::Substance(idx, kind) => {
                        // A protected form that is listed in its own right is that substance.
                        let listed_form = (hit.relation == Some(Relation::Protected))
                            .then(|| {
                                let prefix = &c.text[c.words[hit.first_word].start..hit.start];
                                protecting_group(prefix)
                                    .and_then(|g| self.protected_forms.get(&(g, idx)))
                            })
                            .flatten();
                        let (idx, mut relation) = match listed_form {
                            Some(&form) => (form, None),
                            None => (idx, relation.clone()),
                        };
                        // An ester of a substance whose listing covers its esters (the glycidic
                        // acids, 1961 Schedule I drugs) is listed under it.
                        let substance = &self.registry.substances()[idx as usize];
                        let mut form = None;
                        if hit.relation.is_none()
                            && relation.as_deref().is_some_and(|r| r.contains("ester"))
                            && substance.covers.contains("ester")
                        {
                            relation = None;
                            form = Some("ester (covered by the listing)");
                        }
                        let mut score = exact_score(kind, matched_text);
                        if relation.is_some() {
                            score *= 0.5;
                        }
                        out.push(Candidate {
                            idx,
                            words: (first_word, hit.last_word),
                            key_len: hit.end - hit.start,
                            fuzzy: false,
                            raw,
                            m: SubstanceMatch {
                                substance: &self.registry.substances()[idx as usize],
                                score,
                                matched_on: if kind == SynonymKind::Name {
                                    MatchedOn::Name
                                } else {
                                    MatchedOn::Synonym
                                },
                                matched_text: matched_text.to_string(),
                                form,
                                derivative: relation.is_some(),
                                relation,
                            },
                        });
                    }
                }
            }
        }
        out
    }

    /// True if the hit is only part of the name of another chemical: followed by a word that
    /// makes a compound of it (`toluene diisocyanate`), or preceded by one that substitutes it
    /// (`ethyl vinyl ether`, `diisopropyl ether`), unless the substituent makes a relative of a
    /// class whose relatives are flagged (`para-chloroisobutyryl fentanyl`, read by `relation_of`).
    fn part_of_another_name(&self, c: &Compacted, hit: &Hit, open: &[bool]) -> bool {
        let next = hit.last_word + 1;
        if next < c.words.len()
            && c.words[hit.last_word].end == hit.end
            && COMPOUND_WORDS_AFTER.contains(&c.span(next, next))
        {
            return true;
        }
        if hit.relation.is_some() || hit.first_word == 0 || !open[hit.first_word - 1] {
            return false;
        }
        let prev = c.span(hit.first_word - 1, hit.first_word - 1);
        let family = self.targets[hit.pattern].iter().any(|t| match t {
            Target::Substance(i, _) => self.flags_relatives[*i as usize],
            _ => false,
        });
        modifies_the_name_after(prev) && !(family && substituent_like(prev))
    }

    /// How the words of a name hit relate to the listed substance: a fused protecting group or
    /// substituent (`1-Cbz-4-piperidone`), a substituent word before the name of a member of a
    /// class whose relatives are flagged (`para-chloroisobutyryl fentanyl`; the match then starts
    /// one word earlier), or derivative words after it (`ethyl ester`). Returns the first word of
    /// the match and the relation in words, `None` for the substance itself.
    fn relation_of(
        &self,
        c: &Compacted,
        hit: &Hit,
        targets: &[Target],
        open: &[bool],
    ) -> (usize, Option<String>) {
        let mut first_word = hit.first_word;
        let fused = || &c.text[c.words[hit.first_word].start..hit.start];
        let mut relation: Option<String> = match hit.relation {
            Some(Relation::Protected) => {
                let prefix = fused();
                Some(format!(
                    "{}-protected form",
                    protecting_group(prefix).unwrap_or(prefix)
                ))
            }
            Some(Relation::Substituted) => Some(format!("substituted form ({})", fused())),
            None => None,
        };
        // A substituent written as a word of its own before a drug or precursor name
        // (`para-chloroisobutyryl fentanyl`) makes another chemical of the same family.
        if relation.is_none() && hit.first_word > 0 && open[hit.first_word - 1] {
            let prev = c.span(hit.first_word - 1, hit.first_word - 1);
            let family = targets.iter().any(|t| match t {
                Target::Substance(i, _) => self.flags_relatives[*i as usize],
                _ => false,
            });
            if family && substituent_like(prev) && protecting_group(prev).is_none() {
                relation = Some(format!("substituted form ({prev})"));
                first_word -= 1;
            }
        }
        if relation.is_none() {
            relation = derivative_words(c, hit.last_word).map(|w| format!("{w} of"));
        }
        (first_word, relation)
    }

    /// Typo matches: runs of up to six words, at least one of them `open` (unexplained by an
    /// exact name), within one or two edits of a long synonym key.
    fn typo_candidates(
        &self,
        c: &Compacted,
        text: &str,
        open: &[bool],
        scratch: &mut FuzzyScratch,
    ) -> Vec<Candidate<'r>> {
        let spans: Vec<(usize, usize)> = c.words.iter().map(|w| (w.start, w.end)).collect();
        let usable: Vec<bool> = (0..c.words.len())
            .map(|i| {
                let w = c.span(i, i);
                w.len() >= 3
                    && w.bytes().any(|b| b.is_ascii_alphabetic())
                    && !self.not_names.contains(w)
            })
            .collect();
        let mut typos: Vec<(usize, usize, usize, usize)> = Vec::new();
        self.fuzzy.scan_runs(
            &c.text,
            &spans,
            &usable,
            open,
            6,
            scratch,
            &mut |f, l, k, d| typos.push((f, l, k, d)),
        );
        let mut out: Vec<Candidate<'r>> = Vec::new();
        for (first, last, key, distance) in typos {
            let key_len = self.fuzzy.key(key).len();
            let mut score = 0.92 - 1.6 * distance as f32 / key_len as f32;
            let relation = derivative_words(c, last).map(|w| format!("{w} of"));
            let derivative = relation.is_some();
            if derivative {
                score *= 0.5;
            }
            let raw = (c.words[first].raw_start, c.words[last].raw_end);
            for &idx in &self.fuzzy_targets[key] {
                out.push(Candidate {
                    idx,
                    words: (first, last),
                    key_len,
                    fuzzy: true,
                    raw,
                    m: SubstanceMatch {
                        substance: &self.registry.substances()[idx as usize],
                        score,
                        matched_on: MatchedOn::Fuzzy,
                        matched_text: text[raw.0..raw.1].to_string(),
                        form: None,
                        derivative,
                        relation: relation.clone(),
                    },
                });
            }
        }
        out
    }

    /// Drops the candidates a better reading explains: longer typo matches replace the shorter
    /// exact names inside them, and a salt word (`HCl`) right after any matched name qualifies
    /// it rather than naming an acid.
    fn without_replaced(&self, c: &Compacted, out: Vec<Candidate<'r>>) -> Vec<Candidate<'r>> {
        // Words right after a matched name.
        let after_match: HashSet<usize> = out.iter().map(|o| o.words.1 + 1).collect();
        // Typo matches that can replace others, by first word: one covering an exact match
        // starts at most its own length in words before that match ends.
        let mut replacing: Vec<&Candidate<'r>> = out
            .iter()
            .filter(|f| f.fuzzy && !f.m.derivative && f.m.score >= self.threshold)
            .collect();
        replacing.sort_by_key(|f| f.words.0);
        let widest = replacing
            .iter()
            .map(|f| f.words.1 - f.words.0)
            .max()
            .unwrap_or(0);
        let replaced: Vec<bool> = out
            .iter()
            .map(|e| {
                let salt_qualifier = !e.fuzzy
                    && e.words.0 == e.words.1
                    && SALT_WORDS.contains(&c.span(e.words.0, e.words.0))
                    && after_match.contains(&e.words.0);
                let from =
                    replacing.partition_point(|f| f.words.0 < e.words.1.saturating_sub(widest));
                salt_qualifier
                    || !e.fuzzy
                        && replacing[from..]
                            .iter()
                            .take_while(|f| f.words.0 <= e.words.0)
                            .any(|f| {
                                f.idx != e.idx
                                    && e.words.1 <= f.words.1
                                    && f.words.1 - f.words.0 > e.words.1 - e.words.0
                                    && f.key_len >= e.key_len + 4
                            })
            })
            .collect();
        out.into_iter()
            .zip(replaced)
            .filter(|(_, r)| !r)
            .map(|(c, _)| c)
            .collect()
    }

    /// Name hits that cover whole words, after longest-wins and lexicon resolution.
    fn name_hits(&self, c: &Compacted) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        // Per word, computed on first need: where a run of salt words to the word's end starts.
        let mut salt_tails: HashMap<usize, Vec<bool>> = HashMap::new();
        for m in self.automaton.find_overlapping_iter(c.text.as_str()) {
            let (start, end) = (m.start(), m.end());
            let (Some(first_word), Some(last_word)) = (c.word_at(start), c.word_at(end - 1)) else {
                continue;
            };
            let prefix = &c.text[c.words[first_word].start..start];
            let word = c.words[last_word];
            if end < word.end {
                let tails = salt_tails.entry(last_word).or_insert_with(|| {
                    salt_suffix_starts(&c.text.as_bytes()[word.start..word.end])
                });
                let at = end - word.start;
                let labelled = || {
                    isotope_label_len(&c.text.as_bytes()[end..word.end])
                        .is_some_and(|k| tails.get(at + k).copied().unwrap_or(false))
                };
                if !tails.get(at).copied().unwrap_or(false) && !labelled() {
                    continue;
                }
            }
            let relation =
                if prefix.is_empty() || is_stereo_prefix(prefix) || is_isotope_prefix(prefix) {
                    None
                } else if protecting_group(prefix).is_some() {
                    Some(Relation::Protected)
                } else if substituent_like(prefix) {
                    Some(Relation::Substituted)
                } else {
                    continue;
                };
            hits.push(Hit {
                start,
                end,
                first_word,
                last_word,
                pattern: m.pattern().as_usize(),
                relation,
            });
        }
        // Longest wins: drop a hit whose span lies inside another, longer hit. A hit with a fused
        // prefix (`1cbz` + `4piperidone`) yields to any whole-word name covering the same word.
        let contained = |h: &Hit, o: &Hit| {
            (o.start <= h.start && h.end <= o.end && (o.end - o.start) > (h.end - h.start))
                || (h.relation.is_some()
                    && o.relation.is_none()
                    && o.first_word <= h.first_word
                    && h.last_word <= o.last_word)
        };
        // Either way the other hit starts at or before this one and ends at or after it, so it
        // starts at most one key length before this one's end: only hits in that window are
        // compared (a long text of names would otherwise compare every pair).
        let longest = hits.iter().map(|h| h.end - h.start).max().unwrap_or(0);
        let mut by_start: Vec<usize> = (0..hits.len()).collect();
        by_start.sort_by_key(|&i| hits[i].start);
        let inside_another = |h: &Hit| {
            let from = by_start.partition_point(|&i| hits[i].start < h.end.saturating_sub(longest));
            by_start[from..]
                .iter()
                .map(|&i| &hits[i])
                .take_while(|o| o.start <= h.start)
                .any(|o| contained(h, o))
        };
        let mut kept: Vec<Hit> = hits
            .iter()
            .filter(|h| !inside_another(h))
            .copied()
            .collect();
        // A salt word (`HCl`) right after a name qualifies that name; it is not hydrochloric acid.
        let is_salt = |h: &Hit| SALT_WORDS.contains(&self.keys[h.pattern].as_str());
        if kept.iter().any(is_salt) {
            // Words that follow a hit's last word, and per word the earliest end of a hit ending in it.
            let after_hit: HashSet<usize> = kept.iter().map(|o| o.last_word + 1).collect();
            let mut first_end: HashMap<usize, usize> = HashMap::new();
            for o in &kept {
                let end = first_end.entry(o.last_word).or_insert(o.end);
                *end = (*end).min(o.end);
            }
            kept.retain(|h| {
                !(is_salt(h)
                    && (after_hit.contains(&h.first_word)
                        || first_end.get(&h.first_word).is_some_and(|&e| e <= h.start)))
            });
        }
        kept
    }

    /// CAS numbers in the text: `NNNNNNN-NN-N` anywhere, and bare 5–10 digit runs after a CAS
    /// label or when the registry knows them.
    fn find_cas(&self, text: &str) -> Vec<CasMention<'r>> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'-') {
                i += 1;
            }
            let mut end = i;
            while end > start && bytes[end - 1] == b'-' {
                end -= 1;
            }
            if i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                continue; // part of a word such as 4-AP or 2C-B
            }
            let run = &text[start..end];
            let labelled = has_cas_label(&text[..start]);
            let groups: Vec<&str> = run.split('-').collect();
            let mention = if groups.len() == 3
                && (2..=7).contains(&groups[0].len())
                && groups[1].len() == 2
                && groups[2].len() == 1
            {
                Some(Cas::parse(run).ok())
            } else if groups.len() == 1 && (5..=10).contains(&run.len()) {
                match Cas::from_digits(run.as_bytes()) {
                    Ok(cas) if labelled || self.registry.cas_index(cas).is_some() => {
                        Some(Some(cas))
                    }
                    Err(_) if labelled => Some(None),
                    _ => None,
                }
            } else if labelled {
                Some(None)
            } else {
                None
            };
            if let Some(cas) = mention {
                out.push(CasMention {
                    text: run.to_string(),
                    cas,
                    substance: cas.and_then(|c| self.registry.by_cas(c)).map(|(s, _)| s),
                });
            }
        }
        out
    }
}

/// The natural-order readings of a CAS-index style name, and where its parent stands in the text.
#[derive(Debug, Default)]
struct Inversion {
    variants: Vec<String>,
    /// Byte span of the parent (the part before `, substituent-`) in the text as written.
    parent: Option<(usize, usize)>,
}

/// Natural-order readings of CAS-index style names: `4-Piperidinone, 1-(2-phenylethyl)- 99%`
/// becomes `1-(2-phenylethyl)-4-Piperidinone 99%`. The substituent (a word ending in `-` after
/// `, `) is attached to the last one, two and three words of the parent before it, since the
/// parent may be one word (`4-Piperidinone`) or several (`Benzoic acid`). Empty for most texts.
fn uninverted(text: &str) -> Inversion {
    let mut out = Inversion::default();
    // The parts between delimiting commas (`, ` or a comma glued to a word, not `2,5-`).
    let mut parts: Vec<&str> = Vec::new();
    let mut from = 0;
    for (i, ch) in text.char_indices() {
        if ch == ',' && is_separator(text, i, ch) {
            parts.push(&text[from..i]);
            from = i + 1;
        }
    }
    if parts.is_empty() {
        return out;
    }
    parts.push(&text[from..]);
    let mut offset = 0;
    for i in 0..parts.len() - 1 {
        let part_start = offset;
        offset += parts[i].len() + 1;
        let next = parts[i + 1].trim_start();
        let Some(first) = next.split_whitespace().next() else {
            continue;
        };
        if first.len() < 2 || !first.ends_with('-') {
            continue;
        }
        out.parent = Some((part_start, part_start + parts[i].len()));
        let rest = next[first.len()..].trim();
        let head_words: Vec<&str> = parts[i].split_whitespace().collect();
        for k in 1..=head_words.len().min(3) {
            let (lead, parent) = head_words.split_at(head_words.len() - k);
            let mut s = String::with_capacity(text.len() + 4);
            for p in &parts[..i] {
                s.push_str(p.trim_start());
                s.push_str(", ");
            }
            for w in lead {
                s.push_str(w);
                s.push(' ');
            }
            s.push_str(first);
            s.push_str(&parent.join(" "));
            if !rest.is_empty() {
                s.push(' ');
                s.push_str(rest);
            }
            for p in &parts[i + 2..] {
                s.push_str(", ");
                s.push_str(p.trim_start());
            }
            out.variants.push(s);
        }
        break;
    }
    out
}

/// Per word: whether no whole-word exact name covers it (a fused-prefix hit does not: its word
/// may still be a misspelling of a longer name). Only open words start or extend typo runs.
fn words_left_open(c: &Compacted, hits: &[Hit]) -> Vec<bool> {
    let mut open = vec![true; c.words.len()];
    for hit in hits {
        if hit.relation.is_none() {
            open[hit.first_word..=hit.last_word]
                .iter_mut()
                .for_each(|o| *o = false);
        }
    }
    open
}

/// The score of an exact name match by the kind of name: the preferred name most, street names
/// least, and an abbreviation written in capitals (`NPP`) above one in lower case (`npp`).
fn exact_score(kind: SynonymKind, matched_text: &str) -> f32 {
    match kind {
        SynonymKind::Name => 0.97,
        SynonymKind::Street => 0.85,
        SynonymKind::Abbreviation => {
            if matched_text.chars().any(|ch| ch.is_lowercase()) {
                0.80
            } else {
                0.90
            }
        }
        _ => 0.95,
    }
}

/// How strongly a kind of name identifies (the preferred name most, street names least).
fn kind_rank(kind: SynonymKind) -> u8 {
    match kind {
        SynonymKind::Name => 3,
        SynonymKind::Street | SynonymKind::Abbreviation => 1,
        _ => 2,
    }
}

/// True if the text just before a number labels it as a CAS number (`CAS`, `CAS No.:`, `CAS#`, `CAS RN`).
fn has_cas_label(before: &str) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(14)
        .collect::<String>()
        .chars()
        .rev()
        .collect::<String>()
        .to_ascii_lowercase();
    let trimmed = tail.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    [
        "cas",
        "cas no",
        "casno",
        "cas rn",
        "casrn",
        "cas number",
        "cas nr",
        "cas-nr",
        "cas-no",
        "cas-rn",
    ]
    .iter()
    .any(|l| {
        trimmed.ends_with(l) && {
            let pre = &trimmed[..trimmed.len() - l.len()];
            pre.is_empty() || !pre.ends_with(|c: char| c.is_ascii_alphanumeric())
        }
    }) || trimmed.ends_with("no") && tail.contains("cas")
}

/// The words after a name that make it a derivative (`ethyl ester`, `amide`), if any.
fn derivative_words(c: &Compacted, last_word: usize) -> Option<String> {
    let next =
        |k: usize| (last_word + k < c.words.len()).then(|| c.span(last_word + k, last_word + k));
    match (next(1), next(2)) {
        (Some(w), _) if DERIVATIVE_WORDS.contains(&w) => Some(w.to_string()),
        (Some(w), Some(v)) if ALKYL_WORDS.contains(&w) && DERIVATIVE_WORDS.contains(&v) => {
            Some(format!("{w} {v}"))
        }
        (Some(w), _) => DERIVATIVE_WORDS
            .iter()
            .find(|d| w.strip_suffix(*d).is_some_and(|a| ALKYL_WORDS.contains(&a)))
            .map(|_| w.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(text: &str) -> Option<(String, MatchedOn)> {
        let ident = Identifier::new(Registry::builtin());
        ident
            .identify(text)
            .matches
            .first()
            .map(|m| (m.substance.id.clone(), m.matched_on))
    }

    #[test]
    fn identifies_the_issue_examples() {
        assert_eq!(
            top("N-Phenethyl-4-piperidone 99%, 25 kg drum"),
            Some(("npp".into(), MatchedOn::Name))
        );
        assert_eq!(
            top("4-piperidinone, 1-(2-phenylethyl)-").map(|t| t.0),
            Some("npp".into())
        );
        assert_eq!(
            top("new BMK powder CAS 80532-66-7"),
            Some(("bmk-methyl-glycidate".into(), MatchedOn::Cas))
        );
        assert_eq!(
            top("Organic intermediate CAS No.: 39742604"),
            Some(("npp".into(), MatchedOn::Cas))
        );
    }

    #[test]
    fn ordinary_goods_and_close_neighbours_come_back_empty() {
        for text in [
            "sodium chloride 99% 25kg bags",
            "benzoic acid technical grade",
            "ethyl acetate 180 kg drums",
            "cotton shirts, men's, knitted",
            "4-methylpiperidine 98%",
            "isonipecotic acid",
            "2-phenylethanol, natural",
            "piperonyl butoxide 95% technical",
            "glacial acetic acid",
        ] {
            assert_eq!(top(text), None, "{text}");
        }
    }

    #[test]
    fn salts_stereo_and_typos() {
        assert_eq!(
            top("(+)-Pseudoephedrine HCl USP").map(|t| t.0),
            Some("pseudoephedrine".into())
        );
        assert_eq!(top("Ephedrine-HCl").map(|t| t.0), Some("ephedrine".into()));
        assert_eq!(
            top("Fentanyl citrate").map(|t| t.0),
            Some("fentanyl".into())
        );
        assert_eq!(
            top("fentanly powder"),
            Some(("fentanyl".into(), MatchedOn::Fuzzy))
        );
        assert_eq!(
            top("acetic anhidride 99.5%").map(|t| t.0),
            Some("acetic-anhydride".into())
        );
    }

    #[test]
    fn hcl_after_a_name_is_a_salt_not_hydrochloric_acid() {
        let ident = Identifier::new(Registry::builtin());
        let ids: Vec<String> = ident
            .identify("Ephedrine HCl 25 kg")
            .matches
            .iter()
            .map(|m| m.substance.id.clone())
            .collect();
        assert_eq!(ids, ["ephedrine"]);
        assert_eq!(
            top("HCl 32% technical").map(|t| t.0),
            Some("hydrochloric-acid".into())
        );
    }

    #[test]
    fn inverted_cas_index_names_are_read_in_natural_order() {
        assert_eq!(
            uninverted("4-Piperidinone, 1-(2-phenylethyl)- 99%").variants[0],
            "1-(2-phenylethyl)-4-Piperidinone 99%"
        );
        assert_eq!(
            top("Benzoic acid, 2-amino-").map(|t| t.0),
            Some("anthranilic-acid".into())
        );
        assert_eq!(
            top("Supply 2-Propanone, 1-phenyl-, 25 kg").map(|t| t.0),
            Some("p-2-p".into())
        );
        assert!(uninverted("sodium chloride, 25 kg").variants.is_empty());
        // The comma glued to the parent delimits as `, ` does; a locant comma does not.
        assert_eq!(
            uninverted("4-Piperidinone,1-(2-phenylethyl)-,99%").variants[0],
            "1-(2-phenylethyl)-4-Piperidinone, 99%"
        );
        assert!(uninverted("2,5-dimethoxybenzaldehyde").variants.is_empty());
    }

    #[test]
    fn conflicting_cas_and_name_are_both_reported() {
        let ident = Identifier::new(Registry::builtin());
        let id = ident.identify("Piperonal CAS 39742-60-4");
        let ids: Vec<&str> = id.matches.iter().map(|m| m.substance.id.as_str()).collect();
        assert!(
            ids.contains(&"npp") && ids.contains(&"piperonal"),
            "{ids:?}"
        );
        assert!(id.cas_name_conflict);
    }

    #[test]
    fn invalid_cas_is_reported_not_matched() {
        let ident = Identifier::new(Registry::builtin());
        let id = ident.identify("norfentanyl CAS 1609-66-5");
        assert_eq!(id.cas_mentions.len(), 1);
        assert!(id.cas_mentions[0].cas.is_none());
        assert_eq!(id.matches[0].substance.id, "norfentanyl");
        assert!(!id.cas_name_conflict);
    }

    #[test]
    fn relatives_of_controlled_substances_are_reported_apart() {
        let ident = Identifier::new(Registry::builtin());
        let r = ident.identify("1-Cbz-4-piperidone 98%");
        assert!(r.matches.is_empty());
        assert_eq!(r.related[0].substance.id, "4-piperidone");
        assert_eq!(r.related[0].relation.as_deref(), Some("cbz-protected form"));
        let r = ident.identify("para-chloroisobutyryl fentanyl HCl");
        assert!(r.matches.is_empty(), "{:?}", r.matches);
        assert!(r.related[0]
            .substance
            .classes
            .contains(&"fentanyl-analogue".to_string()));
        let r = ident.identify("N-benzyl-4-anilinopiperidine");
        assert_eq!(r.related[0].substance.id, "4-ap");
        let r = ident.identify("ethyleneoxynitazene powder");
        assert_eq!(r.class_names[0].0, "nitazene");
        let r = ident.identify("phenylacetic acid ethyl ester");
        assert_eq!(r.related[0].relation.as_deref(), Some("ethyl ester of"));
        // Listed protected forms stay listed; uncontrolled neighbours stay clean.
        assert_eq!(
            ident.identify("1-Boc-4-piperidone").matches[0].substance.id,
            "1-boc-4-piperidone"
        );
        assert!(ident.identify("4-methylpiperidine").related.is_empty());
    }

    #[test]
    fn a_listed_name_matches_only_as_a_whole_chemical_name() {
        for text in [
            "toluene sulfonic acid",
            "acetone oxime",
            "acetone peroxide",
            "MEK oxime",
            "vinyl toluene",
            "2-methyl piperidine",
            "tert-butyl ether",
            "safrole glycol",
        ] {
            assert_eq!(top(text), None, "{text}");
        }
        assert_eq!(
            top("Toluene, technical").map(|t| t.0),
            Some("toluene".into())
        );
        assert_eq!(
            top("ether anhydrous").map(|t| t.0),
            Some("ethyl-ether".into())
        );
        // A substituent before a member of a family whose relatives are flagged still makes a
        // relative, not nothing.
        let ident = Identifier::new(Registry::builtin());
        let r = ident.identify("para-chloroisobutyryl fentanyl");
        assert!(!r.related.is_empty());
    }

    #[test]
    fn isotope_labels_salts_by_cation_and_known_uncontrolled_cas() {
        assert_eq!(isotope_label_len(b"d5"), Some(2));
        assert_eq!(isotope_label_len(b"d11hcl"), Some(3));
        assert_eq!(isotope_label_len(b"13c6"), Some(4));
        assert_eq!(isotope_label_len(b"dx"), None);
        assert!(is_isotope_prefix("2h5"));
        assert!(!is_isotope_prefix("nmethyl"));
        assert_eq!(top("Fentanyl-d5 HCl").map(|t| t.0), Some("fentanyl".into()));
        assert_eq!(top("MDMA-d5").map(|t| t.0), Some("mdma".into()));
        assert_eq!(
            anion_of("Phenylacetic acid").as_deref(),
            Some("Phenylacetate")
        );
        assert_eq!(
            top("sodium phenylacetate 98%").map(|t| t.0),
            Some("phenylacetic-acid".into())
        );
        // Hydrochloric and sulphuric acid listings exclude their salts.
        assert_eq!(top("sodium sulfate anhydrous"), None);
        let ident = Identifier::new(Registry::builtin());
        let near = "ethyl 2-phenylacetoacetat";
        let declared = Cas::parse("5413-05-8").ok();
        assert_eq!(ident.identify(near).matches[0].matched_on, MatchedOn::Fuzzy);
        assert!(ident
            .identify_declared(near, declared)
            .matches
            .iter()
            .all(|m| m.substance.id != "mapa"));
    }

    #[test]
    fn esters_of_a_listed_acid_are_derivatives() {
        let ident = Identifier::new(Registry::builtin());
        assert!(ident
            .identify("phenylacetic acid ethyl ester")
            .matches
            .is_empty());
        assert!(ident
            .identify("Benzeneacetic acid, ethyl ester")
            .matches
            .is_empty());
        let listed = ident.identify("BMK glycidic acid methyl ester");
        assert_eq!(listed.matches[0].substance.id, "bmk-methyl-glycidate");
    }

    /// Regression: a long fused word of salt names (`fentanylhclhcl…`) recursed once per salt
    /// word and overflowed the stack (a 30 KB description crashed the process); long texts of
    /// names took time quadratic in their length.
    #[test]
    fn long_texts_neither_overflow_nor_stall() {
        let ident = Identifier::new(Registry::builtin());
        // Both within MAX_TEXT_BYTES, so the engine itself is exercised.
        let fused = format!("fentanyl{}", "hcl".repeat(1_300));
        let spaced = "ephedrine HCl fentanly ".repeat(170);
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .stack_size(512 << 10)
                .spawn_scoped(scope, || {
                    let fused = ident.identify(&fused);
                    let spaced = ident.identify(&spaced);
                    (fused.matches.len(), spaced.matches.len())
                })
                .expect("thread starts");
            assert_eq!(worker.join().ok(), Some((1, 2)));
        });
    }

    /// Issue 18: a text is read up to MAX_TEXT_BYTES (on a character boundary), so its cost is
    /// bounded whatever its length.
    #[test]
    fn only_the_first_max_text_bytes_are_read() {
        let ident = Identifier::new(Registry::builtin());
        let text = format!("piperonal {} acetone", "€".repeat(MAX_TEXT_BYTES));
        let ids: Vec<&str> = ident
            .identify(&text)
            .matches
            .iter()
            .map(|m| m.substance.id.as_str())
            .collect();
        assert_eq!(ids, ["piperonal"]);
        assert_eq!(cut_at("a€", 2), "a");
    }

    /// Issue 18: spoofed spellings are identified as what they read — a Cyrillic look-alike in
    /// a Latin word, NUL as a separator, Unicode hyphens and full-width digits in a CAS number.
    #[test]
    fn spoofed_spellings_are_folded_before_identification() {
        let ident = Identifier::new(Registry::builtin());
        for text in [
            "Pip\u{435}ronal",
            "PIP\u{415}RONAL 99%",
            "Acetone\u{0}Piperonal",
            "CAS 120\u{2010}57\u{2011}0",
            "CAS 120\u{2212}57\u{2212}0",
            "CAS \u{ff11}\u{ff12}\u{ff10}-\u{ff15}\u{ff17}-\u{ff10}",
        ] {
            let found = ident.identify(text);
            assert!(
                found.matches.iter().any(|m| m.substance.id == "piperonal"),
                "{text:?}"
            );
        }
        // A word wholly in Cyrillic look-alikes, half transliterated (Н for N) and half copied
        // by shape (Р for P), is read as the name the registry knows.
        for (text, id) in [
            ("\u{41d}\u{420}\u{420} 500 kg", "npp"),
            ("\u{410}\u{41d}\u{420}\u{420}", "anpp"),
        ] {
            let found = ident.identify(text);
            assert!(
                found.matches.iter().any(|m| m.substance.id == id),
                "{text:?}"
            );
        }
    }
}
