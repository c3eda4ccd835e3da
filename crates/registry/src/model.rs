//! The registry's data model and its loading from the curated CSV files in `data/`.
//!
//! The files are compiled into the binary (`include_str!`) so that identification works offline
//! and every build carries exactly the data it was tested with. `build.rs` rejects a build whose
//! data has a bad CAS check digit, a duplicate id or a dangling reference, so the loader here can
//! only fail if the files were changed without rebuilding — it still reports that as an error.

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

        const K: &str = "data/classes.csv";
        for (line, row) in rows(K, files.classes)? {
            let idx = lookup(K, line, field(K, line, &row, "substance_id")?)?;
            let class = field(K, line, &row, "class")?.to_string();
            if !substances[idx].classes.contains(&class) {
                substances[idx].classes.push(class);
            }
        }

        const X: &str = "data/lexicon.csv";
        let mut lexicon = Vec::new();
        for (line, row) in rows(X, files.lexicon)? {
            lexicon.push(field(X, line, &row, "name")?.to_string());
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
        })
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

    pub(crate) fn cas_index(&self, cas: Cas) -> Option<(usize, Option<usize>)> {
        self.by_cas.get(&cas).copied()
    }

    pub fn lexicon(&self) -> &[String] {
        &self.lexicon
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
    pub classes: &'a str,
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
        };
        let err = Registry::load(&files).unwrap_err().to_string();
        assert!(err.contains("data/substances.csv, line 2"), "{err}");
        assert!(err.contains("check digit"), "{err}");
    }
}
