//! The registry's data model and its loading from the curated CSV files in `data/`.
//!
//! The files are compiled into the binary (`include_str!`) so that identification works offline
//! and every build carries exactly the data it was tested with. The loader rejects data with a bad
//! CAS check digit, a duplicate id or a dangling reference, naming file and line; the tests load
//! the compiled-in files, so such data never passes CI.

use std::collections::HashMap;

use serde::Serialize;

use interdict_core::Cas;

/// Whether a substance is controlled as a drug or as a precursor chemical.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Precursor,
    Drug,
}

impl Category {
    /// The word used in the data files and in JSON (`drug`, `precursor`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Precursor => "precursor",
            Category::Drug => "drug",
        }
    }
}

/// One entry of a control list: which list, which table or schedule, since when, and on what authority.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// Stable list identifier, e.g. `UN-1988-TABLE-I` (see `data/lists.csv`).
    pub list: String,
    pub entry: String,
    /// Year or date from which the control applies; empty when not sourced.
    pub effective: String,
    /// How the fact was established: `shared` (cross-checked data), `citation` (legal instrument cited),
    /// `unverified-year` (listing sourced, year not).
    pub basis: String,
    pub source: String,
}

/// A name under which a substance is traded or described.
#[derive(Clone, Debug, Serialize)]
pub struct Synonym {
    pub text: String,
    pub kind: SynonymKind,
    pub source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SynonymKind {
    /// The preferred name.
    Name,
    Synonym,
    Inn,
    Iupac,
    CasIndex,
    Trade,
    Street,
    Abbreviation,
}

impl SynonymKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "name" => Self::Name,
            "synonym" => Self::Synonym,
            "inn" => Self::Inn,
            "iupac" => Self::Iupac,
            "cas_index" => Self::CasIndex,
            "trade" => Self::Trade,
            "street" => Self::Street,
            "abbreviation" => Self::Abbreviation,
            _ => return None,
        })
    }
}

/// A salt, hydrate or isomer with a CAS number of its own that the control covers.
#[derive(Clone, Debug, Serialize)]
pub struct Form {
    pub form: String,
    pub cas: Cas,
    pub source: String,
}

/// A national subdivision of the HS code.
#[derive(Clone, Debug, Serialize)]
pub struct NationalHs {
    pub country: String,
    pub code: String,
    pub source: String,
}

/// A controlled substance.
#[derive(Clone, Debug, Serialize)]
pub struct Substance {
    /// Stable registry identifier (`npp`, `fentanyl`, `bmk-methyl-glycidate`).
    pub id: String,
    pub name: String,
    pub category: Category,
    pub cas: Option<Cas>,
    /// HS 2022 six-digit subheading, `2933.37` style; `None` when not sourced.
    pub hs2022: Option<String>,
    pub hs_national: Vec<NationalHs>,
    pub smiles: String,
    pub inchikey: String,
    /// What the control covers beyond the substance itself (salts, isomers, esters …), in words.
    pub covers: String,
    pub structure_status: String,
    pub source: String,
    pub synonyms: Vec<Synonym>,
    pub forms: Vec<Form>,
    pub controls: Vec<Control>,
    /// Substance classes used for route risk and analogue reasoning (`fentanyl-precursor`, `nitazene`).
    pub classes: Vec<String>,
}

impl Substance {
    /// The identifiers of the lists that control this substance, in data order.
    pub fn control_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::with_capacity(self.controls.len());
        for c in &self.controls {
            if !ids.contains(&c.list.as_str()) {
                ids.push(&c.list);
            }
        }
        ids
    }

    /// Listed in Table I of the 1988 Convention (needs a pre-export notification everywhere).
    pub fn is_table_i(&self) -> bool {
        self.controls.iter().any(|c| c.list == "UN-1988-TABLE-I")
    }

    pub fn is_table_ii(&self) -> bool {
        self.controls.iter().any(|c| c.list == "UN-1988-TABLE-II")
    }
}

/// The identifier of a substance class of `data/class_definitions.csv` (`fentanyl-analogue`,
/// `nitazene`, `amphetamine-precursor`). Only a [`Registry`] makes one, so a `ClassId` always
/// names a class that registry defines; it reads as the `str` it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClassId(String);

impl ClassId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for ClassId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ClassId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for ClassId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClassId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ClassId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ClassId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A class of substances (`data/class_definitions.csv`): what screening, early warning and
/// identification know about the class as a whole, rather than about one listed member.
#[derive(Clone, Debug, Serialize)]
pub struct SubstanceClass {
    pub id: ClassId,
    /// Display name (`Fentanyl analogues`).
    pub name: String,
    /// Drugs or precursors; every member of the class has this category.
    pub kind: Category,
    /// Whether a substituted or protected relative of a member (`para-chloroisobutyryl fentanyl`,
    /// `1-Cbz-4-piperidone`) is worth flagging as an analogue or a designer precursor: the word
    /// before a member's name is then read as a substituent.
    pub flags_relatives: bool,
    /// Name stems that name members of the class even when the member is not listed
    /// (`nitazene` in `ethyleneoxynitazene`), as written; identification compacts them.
    pub stems: Vec<String>,
    /// The legal basis on which an unlisted member or analogue is inside control, in words
    /// (shown to users beside a class-analogue flag).
    pub legal_basis: String,
    /// Identifiers of the structure engine's class-wide legal definitions that define members of
    /// this class (`us-frs`, `cn-fentanyl-2019`).
    pub definitions: Vec<String>,
    /// Where the legal basis comes from, and what of it could not be sourced.
    pub source: String,
}

/// A control list described in `data/lists.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct ControlList {
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    pub instrument: String,
    pub url: String,
}

/// Everything in `data/`, cross-referenced.
#[derive(Debug)]
pub struct Registry {
    substances: Vec<Substance>,
    lists: Vec<ControlList>,
    by_id: HashMap<String, usize>,
    /// Every CAS number (the substance's own and its forms') to (substance index, form index).
    by_cas: HashMap<Cas, (usize, Option<usize>)>,
    /// Names of common uncontrolled chemicals that sit close to controlled ones.
    lexicon: Vec<String>,
    /// The same chemicals with what else is known of them (CAS number, relative), by index.
    lexicon_entries: Vec<LexiconEntry>,
    /// CAS number of an uncontrolled chemical of the lexicon to its entry.
    lexicon_by_cas: HashMap<Cas, usize>,
    classes: Vec<SubstanceClass>,
}

/// A common uncontrolled chemical that sits close to a controlled name (`data/lexicon.csv`):
/// its name explains the words it covers, so they identify nothing, and its CAS number, when
/// declared, says the goods are known and not listed.
#[derive(Clone, Debug, Serialize)]
pub struct LexiconEntry {
    pub name: String,
    pub cas: Option<Cas>,
    /// A listed substance it is a close relative of (a designer precursor: `ethyl
    /// 2-phenylacetoacetate` of MAPA), reported apart, never as the listed substance.
    pub relative_of: Option<String>,
    /// How it relates to `relative_of`, in words (`ethyl ester analogue of`).
    pub relation: String,
    pub note: String,
}

/// A data file that does not load.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{file}, line {line}: {message}")]
    Invalid {
        file: &'static str,
        line: u64,
        message: String,
    },
    #[error("{file}: {source}")]
    Csv {
        file: &'static str,
        #[source]
        source: csv::Error,
    },
}

/// The files compiled in, by name, so errors can say which one.
pub(crate) const SUBSTANCES_CSV: &str = include_str!("../../../data/substances.csv");
pub(crate) const SYNONYMS_CSV: &str = include_str!("../../../data/synonyms.csv");
pub(crate) const CONTROLS_CSV: &str = include_str!("../../../data/controls.csv");
pub(crate) const FORMS_CSV: &str = include_str!("../../../data/forms.csv");
pub(crate) const HS_NATIONAL_CSV: &str = include_str!("../../../data/hs_national.csv");
pub(crate) const LISTS_CSV: &str = include_str!("../../../data/lists.csv");
pub(crate) const LEXICON_CSV: &str = include_str!("../../../data/lexicon.csv");
pub(crate) const CLASSES_CSV: &str = include_str!("../../../data/classes.csv");
pub(crate) const CLASS_DEFINITIONS_CSV: &str = include_str!("../../../data/class_definitions.csv");

/// A data row: its line number and its fields by column name.
type Row = (u64, HashMap<String, String>);

fn rows(file: &'static str, text: &str) -> Result<Vec<Row>, DataError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|source| DataError::Csv { file, source })?
        .clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|source| DataError::Csv { file, source })?;
        let line = record.position().map_or(0, |p| p.line());
        let map = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), v.trim().to_string()))
            .collect();
        out.push((line, map));
    }
    Ok(out)
}

fn field<'a>(
    file: &'static str,
    line: u64,
    row: &'a HashMap<String, String>,
    name: &str,
) -> Result<&'a str, DataError> {
    row.get(name).map(String::as_str).ok_or(DataError::Invalid {
        file,
        line,
        message: format!("missing column `{name}`"),
    })
}

fn cas_field(file: &'static str, line: u64, text: &str) -> Result<Option<Cas>, DataError> {
    if text.is_empty() {
        return Ok(None);
    }
    Cas::parse(text).map(Some).map_err(|e| DataError::Invalid {
        file,
        line,
        message: e.to_string(),
    })
}

impl Registry {
    /// The registry compiled into this binary, loaded once.
    pub fn builtin() -> &'static Registry {
        static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        REGISTRY.get_or_init(|| {
            // build.rs validated these very bytes; failing here means a broken build.
            Registry::from_embedded().unwrap_or_else(|e| panic!("embedded registry data: {e}"))
        })
    }

    fn from_embedded() -> Result<Registry, DataError> {
        Self::load(&DataFiles {
            substances: SUBSTANCES_CSV,
            synonyms: SYNONYMS_CSV,
            controls: CONTROLS_CSV,
            forms: FORMS_CSV,
            hs_national: HS_NATIONAL_CSV,
            lists: LISTS_CSV,
            lexicon: LEXICON_CSV,
            classes: CLASSES_CSV,
            class_definitions: CLASS_DEFINITIONS_CSV,
        })
    }

    /// Loads a registry from the text of its files (used by `builtin` and by tests of bad data).
    pub fn load(files: &DataFiles<'_>) -> Result<Registry, DataError> {
        let mut substances = Vec::new();
        let mut by_id = HashMap::new();
        const F: &str = "data/substances.csv";
        for (line, row) in rows(F, files.substances)? {
            let id = field(F, line, &row, "id")?.to_string();
            let category = match field(F, line, &row, "category")? {
                "precursor" => Category::Precursor,
                "drug" => Category::Drug,
                other => {
                    return Err(DataError::Invalid {
                        file: F,
                        line,
                        message: format!("unknown category `{other}`"),
                    })
                }
            };
            let hs = field(F, line, &row, "hs2022")?;
            let substance = Substance {
                id: id.clone(),
                name: field(F, line, &row, "name")?.to_string(),
                category,
                cas: cas_field(F, line, field(F, line, &row, "cas")?)?,
                hs2022: (!hs.is_empty()).then(|| hs.to_string()),
                hs_national: Vec::new(),
                smiles: field(F, line, &row, "smiles")?.to_string(),
                inchikey: field(F, line, &row, "inchikey")?.to_string(),
                covers: field(F, line, &row, "covers")?.to_string(),
                structure_status: field(F, line, &row, "structure_status")?.to_string(),
                source: field(F, line, &row, "source")?.to_string(),
                synonyms: Vec::new(),
                forms: Vec::new(),
                controls: Vec::new(),
                classes: Vec::new(),
            };
            if by_id.insert(id.clone(), substances.len()).is_some() {
                return Err(DataError::Invalid {
                    file: F,
                    line,
                    message: format!("duplicate substance id `{id}`"),
                });
            }
            substances.push(substance);
        }

        let lookup = |file: &'static str, line: u64, id: &str| {
            by_id.get(id).copied().ok_or_else(|| DataError::Invalid {
                file,
                line,
                message: format!("unknown substance id `{id}`"),
            })
        };

        const S: &str = "data/synonyms.csv";
        for (line, row) in rows(S, files.synonyms)? {
            let idx = lookup(S, line, field(S, line, &row, "substance_id")?)?;
            let kind_text = field(S, line, &row, "kind")?;
            let kind = SynonymKind::parse(kind_text).ok_or_else(|| DataError::Invalid {
                file: S,
                line,
                message: format!("unknown synonym kind `{kind_text}`"),
            })?;
            substances[idx].synonyms.push(Synonym {
                text: field(S, line, &row, "synonym")?.to_string(),
                kind,
                source: field(S, line, &row, "source")?.to_string(),
            });
        }

        const L: &str = "data/lists.csv";
        let mut lists = Vec::new();
        for (line, row) in rows(L, files.lists)? {
            lists.push(ControlList {
                id: field(L, line, &row, "id")?.to_string(),
                name: field(L, line, &row, "name")?.to_string(),
                jurisdiction: field(L, line, &row, "jurisdiction")?.to_string(),
                instrument: field(L, line, &row, "instrument")?.to_string(),
                url: field(L, line, &row, "url")?.to_string(),
            });
        }

        const C: &str = "data/controls.csv";
        for (line, row) in rows(C, files.controls)? {
            let idx = lookup(C, line, field(C, line, &row, "substance_id")?)?;
            let list = field(C, line, &row, "list")?;
            if !lists.iter().any(|l| l.id == list) {
                return Err(DataError::Invalid {
                    file: C,
                    line,
                    message: format!("list `{list}` is not described in data/lists.csv"),
                });
            }
            substances[idx].controls.push(Control {
                list: list.to_string(),
                entry: field(C, line, &row, "entry")?.to_string(),
                effective: field(C, line, &row, "effective")?.to_string(),
                basis: field(C, line, &row, "basis")?.to_string(),
                source: field(C, line, &row, "source")?.to_string(),
            });
        }

        let mut by_cas = HashMap::new();
        for (i, s) in substances.iter().enumerate() {
            if let Some(cas) = s.cas {
                if by_cas.insert(cas, (i, None)).is_some() {
                    return Err(DataError::Invalid {
                        file: F,
                        line: 0,
                        message: format!("CAS {cas} is given to two substances"),
                    });
                }
            }
        }
        const FO: &str = "data/forms.csv";
        for (line, row) in rows(FO, files.forms)? {
            let idx = lookup(FO, line, field(FO, line, &row, "substance_id")?)?;
            let Some(cas) = cas_field(FO, line, field(FO, line, &row, "cas")?)? else {
                return Err(DataError::Invalid {
                    file: FO,
                    line,
                    message: "a form needs a CAS number".into(),
                });
            };
            let form_idx = substances[idx].forms.len();
            if by_cas.insert(cas, (idx, Some(form_idx))).is_some() {
                return Err(DataError::Invalid {
                    file: FO,
                    line,
                    message: format!("CAS {cas} is given twice"),
                });
            }
            substances[idx].forms.push(Form {
                form: field(FO, line, &row, "form")?.to_string(),
                cas,
                source: field(FO, line, &row, "source")?.to_string(),
            });
        }

        const H: &str = "data/hs_national.csv";
        for (line, row) in rows(H, files.hs_national)? {
            let idx = lookup(H, line, field(H, line, &row, "substance_id")?)?;
            substances[idx].hs_national.push(NationalHs {
                country: field(H, line, &row, "country")?.to_string(),
                code: field(H, line, &row, "code")?.to_string(),
                source: field(H, line, &row, "source")?.to_string(),
            });
        }

        let classes = load_classes(files.class_definitions)?;
        const K: &str = "data/classes.csv";
        for (line, row) in rows(K, files.classes)? {
            let idx = lookup(K, line, field(K, line, &row, "substance_id")?)?;
            let class = field(K, line, &row, "class")?;
            let Some(definition) = classes.iter().find(|c| c.id == class) else {
                return Err(DataError::Invalid {
                    file: K,
                    line,
                    message: format!(
                        "class `{class}` is not defined in data/class_definitions.csv"
                    ),
                });
            };
            let substance = &mut substances[idx];
            if substance.category != definition.kind {
                return Err(DataError::Invalid {
                    file: K,
                    line,
                    message: format!(
                        "`{}` is a {} but class `{class}` is a class of {}s",
                        substance.id,
                        substance.category.as_str(),
                        definition.kind.as_str()
                    ),
                });
            }
            if !substance.classes.iter().any(|c| c == class) {
                substance.classes.push(class.to_string());
            }
        }

        const X: &str = "data/lexicon.csv";
        let mut lexicon = Vec::new();
        let mut lexicon_entries = Vec::new();
        let mut lexicon_by_cas = HashMap::new();
        for (line, row) in rows(X, files.lexicon)? {
            let name = field(X, line, &row, "name")?.to_string();
            let optional = |column: &str| row.get(column).map(String::as_str).unwrap_or("");
            let cas = cas_field(X, line, optional("cas"))?;
            if let Some(cas) = cas {
                if by_cas.contains_key(&cas)
                    || lexicon_by_cas.insert(cas, lexicon_entries.len()).is_some()
                {
                    return Err(DataError::Invalid {
                        file: X,
                        line,
                        message: format!("CAS {cas} is given twice (or to a listed substance)"),
                    });
                }
            }
            let relative_of = match optional("relative_of") {
                "" => None,
                id => {
                    lookup(X, line, id)?;
                    Some(id.to_string())
                }
            };
            lexicon_entries.push(LexiconEntry {
                name: name.clone(),
                cas,
                relative_of,
                relation: optional("relation").to_string(),
                note: optional("note").to_string(),
            });
            lexicon.push(name);
        }

        for s in &substances {
            if s.controls.is_empty() {
                return Err(DataError::Invalid {
                    file: C,
                    line: 0,
                    message: format!("substance `{}` has no control entry", s.id),
                });
            }
        }

        Ok(Registry {
            substances,
            lists,
            by_id,
            by_cas,
            lexicon,
            lexicon_entries,
            lexicon_by_cas,
            classes,
        })
    }

    /// Every substance class, in data order.
    pub fn classes(&self) -> &[SubstanceClass] {
        &self.classes
    }

    /// The class with this identifier.
    pub fn class(&self, id: &str) -> Option<&SubstanceClass> {
        self.classes.iter().find(|c| c.id == id)
    }

    /// The classes a substance belongs to, in its data order (the first is its main class).
    pub fn classes_of<'r>(
        &'r self,
        substance: &'r Substance,
    ) -> impl Iterator<Item = &'r SubstanceClass> + 'r {
        substance.classes.iter().filter_map(|id| self.class(id))
    }

    /// The class whose members a structure-engine definition (`us-frs`, `uk-nitazene-2025`)
    /// defines: what screening and early warning group an unlisted analogue under.
    pub fn class_of_definition(&self, definition: &str) -> Option<&SubstanceClass> {
        self.classes
            .iter()
            .find(|c| c.definitions.iter().any(|d| d == definition))
    }

    pub fn substances(&self) -> &[Substance] {
        &self.substances
    }

    pub fn lists(&self) -> &[ControlList] {
        &self.lists
    }

    pub fn list(&self, id: &str) -> Option<&ControlList> {
        self.lists.iter().find(|l| l.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Substance> {
        self.by_id.get(id).map(|&i| &self.substances[i])
    }

    /// The substance a CAS number belongs to, and the form (salt, hydrate, isomer) if it is a form's number.
    pub fn by_cas(&self, cas: Cas) -> Option<(&Substance, Option<&Form>)> {
        self.by_cas.get(&cas).map(|&(i, f)| {
            let s = &self.substances[i];
            (s, f.map(|f| &s.forms[f]))
        })
    }

    /// The index of a substance in [`Registry::substances`].
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn cas_index(&self, cas: Cas) -> Option<(usize, Option<usize>)> {
        self.by_cas.get(&cas).copied()
    }

    pub fn lexicon(&self) -> &[String] {
        &self.lexicon
    }

    /// The lexicon's entries, in the order of [`Registry::lexicon`].
    pub fn lexicon_entries(&self) -> &[LexiconEntry] {
        &self.lexicon_entries
    }

    /// The uncontrolled chemical of the lexicon this CAS number belongs to.
    pub fn lexicon_by_cas(&self, cas: Cas) -> Option<&LexiconEntry> {
        self.lexicon_by_cas
            .get(&cas)
            .map(|&i| &self.lexicon_entries[i])
    }
}

/// The text of the registry's data files.
pub struct DataFiles<'a> {
    pub substances: &'a str,
    pub synonyms: &'a str,
    pub controls: &'a str,
    pub forms: &'a str,
    pub hs_national: &'a str,
    pub lists: &'a str,
    pub lexicon: &'a str,
    /// Substance to class (`data/classes.csv`).
    pub classes: &'a str,
    /// The classes themselves (`data/class_definitions.csv`).
    pub class_definitions: &'a str,
}

/// The entries of a `;`-separated list cell, trimmed, empty ones dropped.
fn list_cell(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads `data/class_definitions.csv`: unique ids, a known kind, `yes`/`no` for relatives, a
/// legal basis with a source, and no stem or definition claimed by two classes (each must
/// point at one class).
fn load_classes(text: &str) -> Result<Vec<SubstanceClass>, DataError> {
    const D: &str = "data/class_definitions.csv";
    let mut classes: Vec<SubstanceClass> = Vec::new();
    for (line, row) in rows(D, text)? {
        let invalid = |message: String| DataError::Invalid {
            file: D,
            line,
            message,
        };
        let id = field(D, line, &row, "id")?;
        if id.is_empty() {
            return Err(invalid("a class needs an id".into()));
        }
        if classes.iter().any(|c| c.id == id) {
            return Err(invalid(format!("duplicate class id `{id}`")));
        }
        let kind = match field(D, line, &row, "kind")? {
            "drug" => Category::Drug,
            "precursor" => Category::Precursor,
            other => return Err(invalid(format!("unknown class kind `{other}`"))),
        };
        let flags_relatives = match field(D, line, &row, "flags_relatives")? {
            "yes" => true,
            "no" => false,
            other => {
                return Err(invalid(format!(
                    "flags_relatives must be `yes` or `no`, not `{other}`"
                )))
            }
        };
        let legal_basis = field(D, line, &row, "legal_basis")?;
        let source = field(D, line, &row, "source")?;
        if legal_basis.is_empty() || source.is_empty() {
            return Err(invalid(format!(
                "class `{id}` needs a legal basis and a source"
            )));
        }
        let stems = list_cell(field(D, line, &row, "stems")?);
        let definitions = list_cell(field(D, line, &row, "definitions")?);
        for stem in &stems {
            if crate::normalize::compact(stem).is_empty() {
                return Err(invalid(format!("stem `{stem}` has no letters or digits")));
            }
            let key = crate::normalize::compact(stem);
            if let Some(other) = classes
                .iter()
                .find(|c| c.stems.iter().any(|s| crate::normalize::compact(s) == key))
            {
                return Err(invalid(format!(
                    "stem `{stem}` already names class `{}`",
                    other.id
                )));
            }
        }
        for definition in &definitions {
            if let Some(other) = classes.iter().find(|c| c.definitions.contains(definition)) {
                return Err(invalid(format!(
                    "definition `{definition}` already belongs to class `{}`",
                    other.id
                )));
            }
        }
        classes.push(SubstanceClass {
            id: ClassId(id.to_string()),
            name: field(D, line, &row, "name")?.to_string(),
            kind,
            flags_relatives,
            stems,
            legal_basis: legal_basis.to_string(),
            definitions,
            source: source.to_string(),
        });
    }
    Ok(classes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_registry_covers_the_required_lists() {
        let r = Registry::builtin();
        for id in [
            "npp",
            "anpp",
            "4-ap",
            "1-boc-4-ap",
            "norfentanyl",
            "4-piperidone",
            "1-boc-4-piperidone",
            "methamphetamine",
            "amphetamine",
            "mdma",
            "ketamine",
            "tramadol",
            "fenetylline",
            "ghb",
            "fentanyl",
            "isotonitazene",
        ] {
            assert!(r.get(id).is_some(), "{id} missing");
        }
        let table_i = r.substances().iter().filter(|s| s.is_table_i()).count();
        let table_ii = r.substances().iter().filter(|s| s.is_table_ii()).count();
        assert_eq!((table_i, table_ii), (43, 8));
        let glycidates = r
            .substances()
            .iter()
            .filter(|s| s.id.contains("glycid") && s.is_table_i())
            .count();
        assert_eq!(
            glycidates, 18,
            "BMK and PMK glycidic acids and their 8 esters each"
        );
    }

    #[test]
    fn cas_lookup_finds_substances_and_forms() {
        let r = Registry::builtin();
        let (s, f) = r.by_cas(Cas::parse("39742-60-4").unwrap()).unwrap();
        assert_eq!((s.id.as_str(), f.is_none()), ("npp", true));
        let (s, f) = r.by_cas(Cas::parse("990-73-8").unwrap()).unwrap();
        assert_eq!(s.id, "fentanyl");
        assert_eq!(f.unwrap().form, "citrate");
    }

    #[test]
    fn every_substance_has_a_name_synonym_and_a_sourced_control() {
        let r = Registry::builtin();
        for s in r.substances() {
            assert!(
                s.synonyms.iter().any(|x| x.kind == SynonymKind::Name),
                "{}",
                s.id
            );
            for c in &s.controls {
                assert!(!c.source.is_empty(), "{} {}", s.id, c.list);
            }
            assert!(!s.source.is_empty(), "{}", s.id);
        }
    }

    #[test]
    fn bad_data_is_reported_with_file_and_line() {
        let files = DataFiles {
            substances: "id,name,category,cas,hs2022,smiles,inchikey,covers,structure_status,source\nx,X,precursor,1609-66-5,,C,,,,s\n",
            synonyms: "substance_id,synonym,kind,source\n",
            controls: "substance_id,list,entry,effective,basis,source\n",
            forms: "substance_id,form,cas,source\n",
            hs_national: "substance_id,country,code,source\n",
            lists: "id,name,jurisdiction,instrument,url\n",
            lexicon: "name,note\n",
            classes: "substance_id,class,source\n",
            class_definitions: CLASS_HEADER,
        };
        let err = Registry::load(&files).unwrap_err().to_string();
        assert!(err.contains("data/substances.csv, line 2"), "{err}");
        assert!(err.contains("check digit"), "{err}");
    }

    const CLASS_HEADER: &str =
        "id,name,kind,flags_relatives,stems,definitions,legal_basis,source\n";

    /// A registry of one precursor `p` (listed in `L`) with the given class rows.
    fn with_classes(classes: &str, class_definitions: &str) -> Result<Registry, DataError> {
        let classes = format!("substance_id,class,source\n{classes}");
        let definitions = format!("{CLASS_HEADER}{class_definitions}");
        Registry::load(&DataFiles {
            substances: "id,name,category,cas,hs2022,smiles,inchikey,covers,structure_status,source\np,P,precursor,,,C,,,,s\n",
            synonyms: "substance_id,synonym,kind,source\np,P,name,s\n",
            controls: "substance_id,list,entry,effective,basis,source\np,L,Table I,,citation,s\n",
            forms: "substance_id,form,cas,source\n",
            hs_national: "substance_id,country,code,source\n",
            lists: "id,name,jurisdiction,instrument,url\nL,L,UN,L,u\n",
            lexicon: "name,note\n",
            classes: &classes,
            class_definitions: &definitions,
        })
    }

    #[test]
    fn builtin_classes_are_defined_with_sources() {
        let r = Registry::builtin();
        for s in r.substances() {
            for id in &s.classes {
                let class = r.class(id).unwrap_or_else(|| panic!("{id}"));
                assert_eq!(class.kind, s.category, "{} in {id}", s.id);
            }
        }
        for class in r.classes() {
            assert!(!class.source.is_empty() && !class.legal_basis.is_empty());
        }
        let id = |c: Option<&SubstanceClass>| c.map(|c| c.id.to_string());
        assert_eq!(
            id(r.class_of_definition("us-frs")).as_deref(),
            Some("fentanyl-analogue")
        );
        assert_eq!(
            id(r.class_of_definition("cn-fentanyl-2019")).as_deref(),
            Some("fentanyl-analogue")
        );
        assert_eq!(
            id(r.class_of_definition("uk-nitazene-2025")).as_deref(),
            Some("nitazene")
        );
        assert!(r.class_of_definition("xx").is_none());
        let nitazene = r.class("nitazene").unwrap();
        assert_eq!(nitazene.stems, ["nitazene", "nitazepyne", "nitazepipne"]);
        assert!(nitazene.flags_relatives && nitazene.kind == Category::Drug);
        let drugs: Vec<&str> = r
            .classes()
            .iter()
            .filter(|c| c.kind == Category::Drug)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            drugs,
            [
                "fentanyl-analogue",
                "nitazene",
                "synthetic-opioid",
                "ats",
                "other-drug"
            ]
        );
        let fentanyl = r.get("fentanyl").unwrap();
        let main = r.classes_of(fentanyl).next().unwrap();
        assert_eq!(main.id, "fentanyl-analogue");
    }

    #[test]
    fn bad_class_data_is_refused() {
        let ok = "k,K,precursor,no,stem,def,basis,source\n";
        let r = with_classes("p,k,s\n", ok).unwrap();
        assert_eq!(r.get("p").unwrap().classes, ["k"]);
        assert_eq!(r.class_of_definition("def").unwrap().id, "k");
        for (classes, definitions, expected) in [
            ("p,x,s\n", ok, "class `x` is not defined"),
            (
                "p,k,s\n",
                "k,K,drug,no,,,basis,source\n",
                "is a precursor but class `k`",
            ),
            (
                "",
                "k,K,drug,no,,,b,s\nk,K2,drug,no,,,b,s\n",
                "duplicate class id `k`",
            ),
            (
                "",
                "k,K,drug,no,Stem,,b,s\nj,J,drug,no,stem,,b,s\n",
                "stem `stem` already",
            ),
            (
                "",
                "k,K,drug,no,,d,b,s\nj,J,drug,no,,d,b,s\n",
                "definition `d` already",
            ),
            ("", "k,K,poison,no,,,b,s\n", "unknown class kind"),
            ("", "k,K,drug,maybe,,,b,s\n", "yes` or `no"),
            ("", "k,K,drug,no,,,b,\n", "needs a legal basis and a source"),
        ] {
            let err = with_classes(classes, definitions).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
            assert!(err.contains(", line "), "{err}");
        }
    }
}
