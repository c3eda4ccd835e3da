//! The assessment of one declaration: flags with evidence, combined into a score and a level.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use interdict_registry::{Cas, Identification, Identifier, Registry, Substance, SubstanceMatch};
use interdict_watchlist::{Index, Query, Schema};
use serde::Serialize;
use serde_json::{json, Value};

use crate::context::{substance_key, Context, Pen, PenStatus};
use crate::declaration::Declaration;
use crate::ledger::AlrLedger;
use interdict_core::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn from_score(score: u32) -> Level {
        match score {
            0 => Level::None,
            1..=24 => Level::Low,
            25..=49 => Level::Medium,
            50..=79 => Level::High,
            _ => Level::Critical,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub evidence: Value,
    /// The share of the flag's weight that applies (a watchlist match at 0.8 counts 0.8 of it).
    #[serde(skip)]
    pub strength: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Risk {
    pub score: u32,
    pub level: Level,
}

#[derive(Clone, Debug, Serialize)]
pub struct SubstanceOut {
    pub cas: Option<String>,
    pub name: String,
    pub substance_id: String,
    pub controls: Vec<String>,
    pub confidence: f64,
    pub matched_on: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartyHit {
    pub list: String,
    pub entity_id: String,
    pub name: String,
    pub matched_name: String,
    pub score: f64,
    pub programs: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub explanation: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartyOut {
    pub role: &'static str,
    pub name: String,
    pub matches: Vec<PartyHit>,
}

/// The result for one declaration, in the contract's shape.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub id: String,
    pub risk: Risk,
    pub flags: Vec<Flag>,
    pub substances: Vec<SubstanceOut>,
    pub parties: Vec<PartyOut>,
}

/// An ALR comparison waiting for the running totals.
#[derive(Clone, Debug)]
struct AlrCheck {
    substance_key: String,
    substance_name: String,
    cas: String,
    requirement_kg: f64,
    this_kg: f64,
    litres: bool,
}

/// A declaration assessed on its own; [`Screener::finish`] adds what depends on earlier ones.
#[derive(Clone, Debug)]
pub struct Prepared {
    assessment: Assessment,
    date: Date,
    importer_country: String,
    alr_checks: Vec<AlrCheck>,
    /// (substance key, kg) imports to count in the ledger.
    imports: Vec<(String, f64)>,
}

type PartyKey = (String, Option<String>);

/// The screening engine with its context.
pub struct Screener<'a> {
    registry: &'a Registry,
    identifier: Identifier<'a>,
    watchlist: Option<&'a Index>,
    ctx: Context,
    alr: HashMap<(String, String, i32), (f64, String)>,
    pens: HashMap<String, Pen>,
    party_threshold: f32,
    party_cache: RwLock<HashMap<PartyKey, Arc<Vec<PartyHit>>>>,
    ident_cache: RwLock<HashMap<String, Arc<Identification<'a>>>>,
    /// The structure engine, built on the first SMILES met in a goods description.
    structures: std::sync::OnceLock<Option<interdict_structure::Engine>>,
}

/// Caches hold the results of pure functions; past this size they are emptied.
const CACHE_LIMIT: usize = 50_000;

fn cached<K: std::hash::Hash + Eq + Clone, V>(
    cache: &RwLock<HashMap<K, Arc<V>>>,
    key: &K,
    compute: impl FnOnce() -> V,
) -> Arc<V> {
    if let Ok(map) = cache.read() {
        if let Some(v) = map.get(key) {
            return Arc::clone(v);
        }
    }
    let v = Arc::new(compute());
    if let Ok(mut map) = cache.write() {
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        map.insert(key.clone(), Arc::clone(&v));
    }
    v
}

const DRUG_CLASSES: &[&str] = &[
    "fentanyl-analogue",
    "nitazene",
    "synthetic-opioid",
    "ats",
    "other-drug",
];

/// Legal class definitions that a named analogue of each family falls under.
fn class_basis(class: &str) -> &'static str {
    match class {
        "fentanyl-analogue" => {
            "US fentanyl-related substances (21 U.S.C. 812(c) Schedule I(e), HALT Fentanyl Act 2025); China's 2019 fentanyl-class control"
        }
        "nitazene" => "UK 2-benzylbenzimidazole generic definition (SI 2024/1361); nitazene analogues of 1961 Schedule I entries",
        "synthetic-opioid" => "analogue of a scheduled synthetic opioid (analogue and generic controls, e.g. US Federal Analogue Act)",
        "ats" => "analogue of a scheduled amphetamine-type stimulant (analogue and generic controls)",
        _ => "analogue of a scheduled drug",
    }
}

impl<'a> Screener<'a> {
    pub fn new(registry: &'a Registry, watchlist: Option<&'a Index>, ctx: Context) -> Screener<'a> {
        let mut alr = HashMap::new();
        for row in &ctx.alr {
            let key = Cas::parse(&row.cas)
                .map(|c| substance_key(registry, c))
                .unwrap_or_else(|_| row.cas.clone());
            // The latest estimate replaces earlier ones (ALRs stay valid until replaced).
            alr.insert(
                (row.country.clone(), key, row.year),
                (row.quantity_kg, row.cas.clone()),
            );
        }
        let pens = ctx
            .pens
            .iter()
            .map(|p| (p.reference.trim().to_ascii_uppercase(), p.clone()))
            .collect();
        Screener {
            registry,
            identifier: Identifier::new(registry),
            watchlist,
            ctx,
            alr,
            pens,
            party_threshold: interdict_watchlist::DEFAULT_THRESHOLD,
            party_cache: RwLock::new(HashMap::new()),
            ident_cache: RwLock::new(HashMap::new()),
            structures: std::sync::OnceLock::new(),
        }
    }

    fn identify(&self, text: &str) -> Arc<Identification<'a>> {
        cached(&self.ident_cache, &text.to_string(), || {
            self.identifier.identify(text)
        })
    }

    /// Structures written as SMILES in a goods description, classified (listed, class
    /// definitions, designer precursors). Empty, at no cost, for ordinary descriptions.
    fn structures_in(&self, text: &str) -> Vec<interdict_structure::Classification> {
        let words: Vec<&str> = text
            .split_whitespace()
            .map(|w| w.trim_end_matches([',', ';']))
            .filter(|w| interdict_structure::looks_like_smiles(w))
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let engine = self.structures.get_or_init(|| {
            interdict_structure::Engine::new(
                self.registry,
                interdict_structure::Options::without_inchikey(),
            )
            .ok()
        });
        let Some(engine) = engine else {
            return Vec::new();
        };
        words
            .into_iter()
            .filter_map(|w| engine.classify_smiles(w).ok())
            .collect()
    }

    fn screen_party(&self, name: &str, country: Option<&str>) -> Arc<Vec<PartyHit>> {
        let Some(index) = self.watchlist else {
            return Arc::new(Vec::new());
        };
        let key = (name.to_string(), country.map(str::to_string));
        cached(&self.party_cache, &key, || {
            index
                .search(
                    &Query {
                        name,
                        country,
                        schema: Schema::Unknown,
                    },
                    self.party_threshold,
                    3,
                )
                .into_iter()
                .map(|m| PartyHit {
                    list: m.list.to_string(),
                    entity_id: m.entity.id.clone(),
                    name: m.entity.names.first().cloned().unwrap_or_default(),
                    matched_name: m.matched_name.to_string(),
                    score: (f64::from(m.score) * 1000.0).round() / 1000.0,
                    programs: m.entity.programs.clone(),
                    explanation: m.explanation,
                })
                .collect()
        })
    }

    /// Everything about a declaration that does not depend on other declarations.
    pub fn prepare(&self, d: &Declaration) -> Prepared {
        let mut flags: Vec<Flag> = Vec::new();
        let ident = self.identify(&d.goods_description);

        // Substances: from the description, and from the declared CAS number.
        let mut found: Vec<(&'a Substance, f64, String)> = ident
            .matches
            .iter()
            .map(|m: &SubstanceMatch<'a>| {
                (
                    m.substance,
                    f64::from(m.score),
                    format!("{:?}", m.matched_on).to_lowercase(),
                )
            })
            .collect();
        // Structures written as SMILES: a listed one counts like its name.
        let structures = self.structures_in(&d.goods_description);
        for c in &structures {
            for l in &c.listed {
                if let Some(s) = self.registry.get(&l.substance_id) {
                    if !found.iter().any(|f| f.0.id == s.id) {
                        found.push((s, 1.0, "structure".into()));
                    }
                }
            }
        }
        let mut declared_cas: Option<Cas> = None;
        if let Some(text) = &d.cas_number {
            match Cas::parse(text) {
                Ok(cas) => {
                    declared_cas = Some(cas);
                    if let Some((s, _)) = self.registry.by_cas(cas) {
                        match found.iter_mut().find(|f| f.0.id == s.id) {
                            Some(f) => {
                                f.1 = 1.0;
                                f.2 = "cas".into();
                            }
                            None => found.push((s, 1.0, "cas".into())),
                        }
                    }
                }
                Err(e) => flags.push(Flag {
                    code: "CAS_INVALID",
                    severity: Severity::Medium,
                    message: format!("declared CAS number {e}"),
                    evidence: json!({"cas_number": text, "reason": e.to_string()}),
                    strength: 1.0,
                }),
            }
        }
        for m in &ident.cas_mentions {
            if m.cas.is_none() && d.cas_number.as_deref().map(str::trim) != Some(m.text.as_str()) {
                flags.push(Flag {
                    code: "CAS_INVALID",
                    severity: Severity::Medium,
                    message: format!(
                        "the description cites `{}`, which is not a valid CAS number",
                        m.text
                    ),
                    evidence: json!({"cas_in_description": m.text}),
                    strength: 1.0,
                });
            }
        }
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));

        // CAS and description disagree.
        let mut cas_conflict = false;
        let name_ids: Vec<&str> = ident
            .matches
            .iter()
            .filter(|m| m.matched_on != interdict_registry::MatchedOn::Cas)
            .map(|m| m.substance.id.as_str())
            .collect();
        if let Some(cas) = declared_cas {
            let cas_substance = self.registry.by_cas(cas).map(|(s, _)| s);
            let (disagree, severity) = match cas_substance {
                // A controlled CAS under a description that names something else: the classic cover.
                Some(s) => {
                    let named_other = (!name_ids.is_empty() && !name_ids.contains(&s.id.as_str()))
                        || (name_ids.is_empty()
                            && ident.related.is_empty()
                            && names_a_chemical(&d.goods_description));
                    (named_other, Severity::High)
                }
                // A CAS the registry does not know (perhaps an unlisted salt) under a controlled name.
                None => (!name_ids.is_empty(), Severity::Medium),
            };
            if disagree {
                cas_conflict = true;
                flags.push(Flag {
                    code: "CAS_NAME_CONFLICT",
                    severity,
                    message: format!(
                        "declared CAS {cas} is {} but the description says \"{}\"",
                        cas_substance.map_or("not a controlled substance or a known form of one".to_string(), |s| s.name.clone()),
                        d.goods_description
                    ),
                    evidence: json!({"cas_number": cas.to_string(), "cas_substance": cas_substance.map(|s| &s.id),
                                     "description_substances": name_ids, "goods_description": d.goods_description}),
                    strength: if severity == Severity::High { 1.0 } else { 0.6 },
                });
            }
        } else if ident.cas_name_conflict {
            cas_conflict = true;
            let cas_ids: Vec<&str> = ident
                .cas_mentions
                .iter()
                .filter_map(|m| m.substance.map(|s| s.id.as_str()))
                .collect();
            flags.push(Flag {
                code: "CAS_NAME_CONFLICT",
                severity: Severity::High,
                message: format!(
                    "the CAS number in the description names {} but the words name {}",
                    cas_ids.join(", "),
                    name_ids.join(", ")
                ),
                evidence: json!({"cas_substances": cas_ids, "description_substances": name_ids}),
                strength: 1.0,
            });
        }

        // Controlled substances.
        for (s, confidence, matched_on) in &found {
            let controls = s.control_ids();
            let (code, severity, strength) = match s.category {
                interdict_registry::Category::Drug => ("CONTROLLED_DRUG", Severity::Critical, 1.0),
                interdict_registry::Category::Precursor if s.is_table_i() => {
                    ("CONTROLLED_PRECURSOR", Severity::High, 1.0)
                }
                interdict_registry::Category::Precursor => {
                    ("CONTROLLED_PRECURSOR", Severity::Medium, 0.55)
                }
            };
            flags.push(Flag {
                code,
                severity,
                message: format!("{} ({}) is controlled: {}", s.name, s.cas.map(|c| c.to_string()).unwrap_or_else(|| "no CAS".into()), controls.join(", ")),
                evidence: json!({"substance_id": s.id, "name": s.name, "cas": s.cas.map(|c| c.to_string()),
                                 "controls": controls, "matched_on": matched_on, "confidence": round3(*confidence)}),
                strength: strength * confidence.min(1.0),
            });
        }

        // Relatives: analogues of drugs, designer precursors.
        let mut goods_classes: Vec<String> = found
            .iter()
            .flat_map(|(s, _, _)| s.classes.iter().cloned())
            .collect();
        for r in &ident.related {
            let s = r.substance;
            let relation = r.relation.clone().unwrap_or_default();
            if s.classes.iter().any(|c| DRUG_CLASSES.contains(&c.as_str())) {
                let class = s
                    .classes
                    .iter()
                    .find(|c| DRUG_CLASSES.contains(&c.as_str()))
                    .cloned()
                    .unwrap_or_default();
                flags.push(Flag {
                    code: "CLASS_ANALOG",
                    severity: Severity::Critical,
                    message: format!("`{}` names a {relation} of {}: inside class-wide controls ({})", r.matched_text, s.name, class_basis(&class)),
                    evidence: json!({"matched_text": r.matched_text, "parent": s.id, "relation": relation, "class": class,
                                     "basis": class_basis(&class), "method": "name"}),
                    strength: 1.0,
                });
                goods_classes.push(class);
            } else if s.category == interdict_registry::Category::Precursor
                && (s.is_table_i() || s.classes.iter().any(|c| c == "fentanyl-precursor"))
            {
                flags.push(Flag {
                    code: "DESIGNER_PRECURSOR",
                    severity: Severity::High,
                    message: format!("`{}` is a {relation} {}, a controlled precursor ({})", r.matched_text, s.name, s.control_ids().join(", ")),
                    evidence: json!({"matched_text": r.matched_text, "precursor": s.id, "precursor_name": s.name,
                                     "precursor_cas": s.cas.map(|c| c.to_string()), "relation": relation, "controls": s.control_ids()}),
                    strength: 1.0,
                });
                goods_classes.extend(s.classes.iter().cloned());
            }
        }
        // Structure-based: inside a class-wide legal definition, or a designer precursor.
        for c in structures.iter().filter(|c| c.listed.is_empty()) {
            for m in &c.classes {
                // Every definition has a family; a future one without would count as a drug.
                let class = interdict_structure::family(m.definition).unwrap_or("other-drug");
                flags.push(Flag {
                    code: "CLASS_ANALOG",
                    severity: Severity::Critical,
                    message: format!("the structure {} is inside {} (clauses {}): {}", c.canonical_smiles, m.definition, m.clauses.join(", "), m.explanation),
                    evidence: json!({"smiles": c.input, "canonical_smiles": c.canonical_smiles, "definition": m.definition,
                                     "clauses": m.clauses, "atoms": m.atoms, "class": class, "basis": m.citation, "method": "structure"}),
                    strength: 1.0,
                });
                goods_classes.push(class.to_string());
            }
            for p in &c.designer_precursor_of {
                flags.push(Flag {
                    code: "DESIGNER_PRECURSOR",
                    severity: Severity::High,
                    message: format!("the structure {} is a {} {}: {}", c.canonical_smiles, p.relation, p.name, p.explanation),
                    evidence: json!({"smiles": c.input, "canonical_smiles": c.canonical_smiles, "precursor": p.substance_id,
                                     "precursor_name": p.name, "precursor_cas": p.cas, "relation": p.relation, "method": "structure"}),
                    strength: 1.0,
                });
                if let Some(s) = self.registry.get(&p.substance_id) {
                    goods_classes.extend(s.classes.iter().cloned());
                }
            }
        }
        for (class, text) in &ident.class_names {
            flags.push(Flag {
                code: "CLASS_ANALOG",
                severity: Severity::Critical,
                message: format!("`{text}` is named as a {class}: inside class-wide controls ({})", class_basis(class)),
                evidence: json!({"matched_text": text, "class": class, "basis": class_basis(class), "method": "name"}),
                strength: 1.0,
            });
            goods_classes.push(class.to_string());
        }

        // HS code against the identified substances: it must fit at least one of them. Under a
        // CAS/name conflict the code was chosen for the words, so it says nothing more.
        if let (Some(hs), false) = (&d.hs_code, cas_conflict) {
            let expected: Vec<(&Substance, String)> = found
                .iter()
                .filter_map(|(s, _, _)| {
                    s.hs2022.as_ref().map(|h| {
                        (
                            *s,
                            h.chars().filter(char::is_ascii_digit).collect::<String>(),
                        )
                    })
                })
                .collect();
            let n = if hs.len() >= 6 { 6 } else { 4 };
            let fits = |e: &String| e.len() >= n && hs[..n] == e[..n];
            if !expected.is_empty() && !expected.iter().any(|(_, e)| fits(e)) {
                let (s, _) = expected[0];
                flags.push(Flag {
                    code: "HS_MISMATCH",
                    severity: Severity::Medium,
                    message: format!("{} belongs under HS {}, declared under {}", s.name, s.hs2022.as_deref().unwrap_or(""), hs),
                    evidence: json!({"declared": hs, "expected_hs2022": s.hs2022, "substance_id": s.id,
                                     "national_codes": s.hs_national.iter().map(|h| json!({"country": h.country, "code": h.code})).collect::<Vec<_>>()}),
                    strength: 1.0,
                });
            }
        }

        // Generic descriptions of chemicals.
        let chemical_chapter = d
            .hs_code
            .as_deref()
            .is_some_and(|h| ["28", "29", "38"].contains(&&h[..2]));
        let no_identity =
            found.is_empty() && ident.related.is_empty() && ident.class_names.is_empty();
        if no_identity
            && declared_cas.is_none()
            && is_generic(&d.goods_description, chemical_chapter)
        {
            flags.push(Flag {
                code: "VAGUE_DESCRIPTION",
                severity: Severity::Medium,
                message: format!(
                    "chemical goods declared only as \"{}\"",
                    d.goods_description
                ),
                evidence: json!({"goods_description": d.goods_description, "hs_code": d.hs_code}),
                strength: 1.0,
            });
        }

        // Tableting and encapsulating machines.
        if let Some(phrase) = tableting_machine(&d.goods_description) {
            flags.push(Flag {
                code: "TABLETING_MACHINE",
                severity: Severity::High,
                message: format!("tableting or encapsulating equipment: \"{phrase}\""),
                evidence: json!({"matched_text": phrase, "hs_code": d.hs_code}),
                strength: 1.0,
            });
            goods_classes.push("tableting-machine".into());
        }

        // Parties.
        let roles: [(&'static str, Option<&String>, Option<&str>); 4] = [
            (
                "exporter",
                Some(&d.exporter_name),
                Some(&d.exporter_country),
            ),
            (
                "importer",
                Some(&d.importer_name),
                Some(&d.importer_country),
            ),
            (
                "consignee",
                d.consignee_name.as_ref(),
                Some(&d.importer_country),
            ),
            ("notify_party", d.notify_party.as_ref(), None),
        ];
        let mut parties = Vec::new();
        for (role, name, country) in roles {
            let Some(name) = name else { continue };
            let hits = self.screen_party(name, country);
            if let Some(best) = hits.first() {
                flags.push(Flag {
                    code: "WATCHLIST_PARTY",
                    severity: if best.score >= 0.9 { Severity::Critical } else { Severity::High },
                    message: format!("{role} \"{name}\" matches {} entry {} \"{}\" (score {:.2})", best.list, best.entity_id, best.matched_name, best.score),
                    evidence: json!({"role": role, "name": name, "list": best.list, "entity_id": best.entity_id,
                                     "matched_name": best.matched_name, "score": best.score, "programs": best.programs,
                                     "explanation": best.explanation}),
                    strength: best.score,
                });
            }
            parties.push(PartyOut {
                role,
                name: name.clone(),
                matches: hits.as_ref().clone(),
            });
        }

        // Pre-export notification.
        let kg = d.quantity_kg();
        // Under a CAS/name conflict, the words say what the trader claims to ship: check the PEN
        // against that claim (the conflict itself is already flagged).
        let pen_subjects: Vec<&(&Substance, f64, String)> = found
            .iter()
            .filter(|(s, _, _)| {
                !cas_conflict || name_ids.is_empty() || name_ids.contains(&s.id.as_str())
            })
            .collect();
        for (s, _, _) in pen_subjects {
            let needs_pen = s.is_table_i()
                || (s.is_table_ii()
                    && self
                        .ctx
                        .pen_table_ii_countries
                        .contains(&d.importer_country));
            if !needs_pen {
                continue;
            }
            if let Some(reason) = self.pen_problem(d, s, kg) {
                flags.push(Flag {
                    code: "NO_PEN",
                    severity: Severity::High,
                    message: format!(
                        "export of {} ({}) {}",
                        s.name,
                        if s.is_table_i() {
                            "Table I"
                        } else {
                            "Table II"
                        },
                        reason.0
                    ),
                    evidence: reason.1,
                    strength: 1.0,
                });
            }
        }

        // Route risk.
        let mut route_hits: Vec<Value> = Vec::new();
        if !goods_classes.is_empty() {
            for rule in &self.ctx.route_risk {
                let applies = rule.class == "*" || goods_classes.contains(&rule.class);
                if !applies {
                    continue;
                }
                let hit = match rule.kind.as_str() {
                    "country" => d.transit_countries.contains(&rule.code),
                    _ => [&d.port_of_loading, &d.port_of_discharge]
                        .iter()
                        .any(|p| p.as_deref() == Some(rule.code.as_str())),
                };
                if hit {
                    route_hits.push(json!({"class": rule.class, "kind": rule.kind, "code": rule.code, "reason": rule.reason}));
                }
            }
        }
        if !route_hits.is_empty() {
            let codes: Vec<&str> = route_hits
                .iter()
                .filter_map(|h| h["code"].as_str())
                .collect();
            flags.push(Flag {
                code: "ROUTE_RISK",
                severity: Severity::Medium,
                message: format!("route through {} is high-risk for these goods", codes.join(", ")),
                evidence: json!({"rules": route_hits, "transit_countries": d.transit_countries,
                                 "port_of_loading": d.port_of_loading, "port_of_discharge": d.port_of_discharge}),
                strength: 1.0,
            });
        }

        // ALR comparisons wait for the running totals.
        let mut alr_checks = Vec::new();
        let mut imports = Vec::new();
        if let Some(kg) = kg {
            for (s, _, _) in &found {
                if s.category != interdict_registry::Category::Precursor {
                    continue;
                }
                let key = s.id.clone();
                imports.push((key.clone(), kg));
                if let Some((requirement, cas)) =
                    self.alr
                        .get(&(d.importer_country.clone(), key.clone(), d.date.year))
                {
                    alr_checks.push(AlrCheck {
                        substance_key: key,
                        substance_name: s.name.clone(),
                        cas: cas.clone(),
                        requirement_kg: *requirement,
                        this_kg: kg,
                        litres: matches!(
                            d.unit,
                            crate::declaration::Unit::L | crate::declaration::Unit::Ml
                        ),
                    });
                }
            }
        }

        let substances = found
            .iter()
            .map(|(s, c, on)| SubstanceOut {
                cas: s.cas.map(|c| c.to_string()),
                name: s.name.clone(),
                substance_id: s.id.clone(),
                controls: s.control_ids().into_iter().map(str::to_string).collect(),
                confidence: round3(*c),
                matched_on: on.clone(),
            })
            .collect();
        let mut assessment = Assessment {
            id: d.id.clone(),
            risk: Risk {
                score: 0,
                level: Level::None,
            },
            flags,
            substances,
            parties,
        };
        self.score(&mut assessment);
        Prepared {
            assessment,
            date: d.date,
            importer_country: d.importer_country.clone(),
            alr_checks,
            imports,
        }
    }

    /// Why the PENs on file do not cover this export, or `None` when one does.
    fn pen_problem(
        &self,
        d: &Declaration,
        s: &Substance,
        kg: Option<f64>,
    ) -> Option<(String, Value)> {
        let Some(reference) = d.pen_reference.as_deref() else {
            return Some((
                "has no pre-export notification reference".into(),
                json!({"pen_reference": null, "substance_id": s.id}),
            ));
        };
        let Some(pen) = self.pens.get(&reference.trim().to_ascii_uppercase()) else {
            return Some((
                format!("cites PEN {reference}, which is not on file"),
                json!({"pen_reference": reference, "reason": "unknown"}),
            ));
        };
        let ev = |reason: &str| {
            json!({"pen_reference": reference, "reason": reason, "pen": pen, "declared": {
                "date": d.date.to_string(), "exporter_country": d.exporter_country, "importer_country": d.importer_country,
                "substance_id": s.id, "cas": s.cas.map(|c| c.to_string()), "quantity_kg": kg}})
        };
        if matches!(pen.status, PenStatus::Objection | PenStatus::Withdrawn) {
            let st = if pen.status == PenStatus::Objection {
                "objection"
            } else {
                "withdrawn"
            };
            return Some((
                format!("cites PEN {reference}, which was refused ({st})"),
                ev(st),
            ));
        }
        if let Some(until) = pen.valid_until.as_deref().and_then(|v| Date::parse(v).ok()) {
            if d.date > until {
                return Some((
                    format!("cites PEN {reference}, which expired on {until}"),
                    ev("expired"),
                ));
            }
        }
        let pen_cas = Cas::parse(&pen.cas).ok();
        let same_substance =
            pen_cas.is_some_and(|c| self.registry.by_cas(c).is_some_and(|(ps, _)| ps.id == s.id));
        if !same_substance {
            return Some((
                format!(
                    "cites PEN {reference}, which is for another substance (CAS {})",
                    pen.cas
                ),
                ev("other substance"),
            ));
        }
        if pen.exporter_country != d.exporter_country || pen.importer_country != d.importer_country
        {
            return Some((
                format!(
                    "cites PEN {reference}, which is for {}→{}, not {}→{}",
                    pen.exporter_country,
                    pen.importer_country,
                    d.exporter_country,
                    d.importer_country
                ),
                ev("other country pair"),
            ));
        }
        if let Some(kg) = kg {
            if kg > pen.quantity_kg + 1e-9 {
                return Some((
                    format!(
                        "cites PEN {reference}, which covers {} kg, less than the {} kg declared",
                        pen.quantity_kg, kg
                    ),
                    ev("quantity exceeds PEN"),
                ));
            }
        }
        None
    }

    /// Adds what depends on earlier declarations (ALR totals), in input order.
    pub fn finish(&self, mut p: Prepared, ledger: &mut AlrLedger) -> Assessment {
        let id = p.assessment.id.clone();
        let recorded = ledger.is_recorded(&id);
        for check in &p.alr_checks {
            let prior = ledger.prior(
                &p.importer_country,
                &check.substance_key,
                p.date.year,
                p.date,
            );
            // A declaration recorded by an earlier run is already in `prior`.
            let (earlier, total) = if recorded {
                (prior - check.this_kg, prior)
            } else {
                (prior, prior + check.this_kg)
            };
            if total > check.requirement_kg + 1e-9 {
                p.assessment.flags.push(Flag {
                    code: "ALR_EXCEEDED",
                    severity: Severity::High,
                    message: format!(
                        "{} kg of {} to {} brings {} imports to {} kg, above the annual legitimate requirement of {} kg",
                        check.this_kg, check.substance_name, p.importer_country, p.date.year, total, check.requirement_kg
                    ),
                    evidence: json!({"importer_country": p.importer_country, "substance_id": check.substance_key, "cas": check.cas,
                                     "year": p.date.year, "alr_kg": check.requirement_kg, "earlier_imports_kg": round3(earlier.max(0.0)),
                                     "this_declaration_kg": check.this_kg, "total_kg": round3(total),
                                     "note": if check.litres { "litres counted as kilograms (density 1)" } else { "" }}),
                    strength: 1.0,
                });
            }
        }
        for (key, kg) in &p.imports {
            ledger.add(&id, &p.importer_country, key, p.date, *kg);
        }
        self.score(&mut p.assessment);
        p.assessment
    }

    /// Combines the flags by their weights into a score (0–100) and a level.
    fn score(&self, a: &mut Assessment) {
        // Each flag code counts once, at its strongest.
        let mut best: HashMap<&str, f64> = HashMap::new();
        for f in &a.flags {
            let w = self.ctx.weights.by_code.get(f.code).copied().unwrap_or(0.0) * f.strength;
            let e = best.entry(f.code).or_insert(0.0);
            *e = e.max(w);
        }
        let total: f64 = best.values().sum();
        let score = total.round().clamp(0.0, 100.0) as u32;
        a.risk = Risk {
            score,
            level: Level::from_score(score),
        };
        a.flags.sort_by(|x, y| {
            y.severity.cmp(&x.severity).then(
                crate::FLAG_CODES
                    .iter()
                    .position(|c| *c == x.code)
                    .cmp(&crate::FLAG_CODES.iter().position(|c| *c == y.code)),
            )
        });
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Words that say nothing about which chemical the goods are.
const GENERIC_WORDS: &[&str] = &[
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
    "kgs",
    "g",
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

/// Endings of chemical names (`benzoic acid`, `sodium benzoate`, `toluene`, `ethanol`).
const CHEMICAL_ENDINGS: &[&str] = &[
    "ic", "ate", "ide", "ine", "one", "ol", "ene", "ane", "yl", "ite", "ium", "ose", "oxide",
    "ether", "ester", "amine", "amide",
];

/// Whether a description names some chemical (controlled or not), beyond generic words.
fn names_a_chemical(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4 && !GENERIC_WORDS.contains(w))
        .any(|w| CHEMICAL_ENDINGS.iter().any(|e| w.ends_with(e)) || w == "acid")
}

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

/// The phrase that names tableting or encapsulating equipment, if any.
fn tableting_machine(description: &str) -> Option<String> {
    let lower = description.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    const SUBJECT: &[&str] = &[
        "tablet", "tablets", "pill", "pills", "capsule", "capsules", "candy",
    ];
    const MACHINE: &[&str] = &[
        "press",
        "presses",
        "pressing",
        "punch",
        "punches",
        "die",
        "dies",
        "tooling",
        "mould",
        "moulds",
        "mold",
        "molds",
        "compression",
        "compressing",
        "filler",
        "filling",
        "forming",
        "maker",
        "making",
    ];
    const ALONE: &[&str] = &[
        "tableting",
        "tabletting",
        "tabletizing",
        "encapsulating",
        "encapsulation",
        "encapsulator",
        "pelletizing",
    ];
    const MODELS: &[&str] = &[
        "tdp", "thdp", "zp", "zpw", "gzp", "gzpk", "dhp", "njp", "dtj", "cgn", "zpt", "sfj",
    ];
    let phrase = |i: usize, j: usize| words[i.min(j)..=i.max(j)].join(" ");
    for (i, w) in words.iter().enumerate() {
        if ALONE.contains(w)
            && words.iter().any(|x| {
                ["machine", "machines", "press", "equipment", "line", "plant"].contains(x)
                    || MACHINE.contains(x)
            })
        {
            return Some(phrase(i, (i + 1).min(words.len() - 1)));
        }
        if SUBJECT.contains(w) {
            let lo = i.saturating_sub(3);
            let mut near = words[lo..(i + 4).min(words.len())].iter().enumerate();
            // "tablet computer", "pill box" are not presses; a press or tooling word is needed.
            if let Some((k, _)) = near.find(|(k, x)| lo + k != i && MACHINE.contains(x)) {
                return Some(phrase(i, lo + k));
            }
        }
        if MODELS.contains(w)
            && words
                .get(i + 1)
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(phrase(i, i + 1));
        }
        if let Some(rest) = MODELS.iter().find_map(|m| w.strip_prefix(m)) {
            if !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_digit())
                && words
                    .iter()
                    .any(|x| ["machine", "press", "tablet", "pill"].contains(x))
            {
                return Some(w.to_string());
            }
        }
        if *w == "rotary"
            && words
                .get(i + 1)
                .is_some_and(|n| *n == "press" || *n == "presses")
        {
            return Some(phrase(i, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tableting_machines_and_not_tablet_computers() {
        assert!(tableting_machine("TDP-5 single punch tablet press").is_some());
        assert!(tableting_machine("Rotary press ZP-17 with dies").is_some());
        assert!(tableting_machine("Capsule filling machine NJP-800").is_some());
        assert!(tableting_machine("pill press punches and dies set").is_some());
        assert!(tableting_machine("Encapsulating machine, semi-automatic").is_some());
        assert!(tableting_machine("Tablet computer 10 inch, 64GB").is_none());
        assert!(tableting_machine("Paracetamol tablets 500 mg").is_none());
        assert!(tableting_machine("Hydraulic press for metal").is_none());
    }

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

#[cfg(test)]
mod flag_tests {
    use super::*;
    use crate::context::{parse_alr, parse_pens, parse_route_risk};
    use crate::declaration::{validate, RawRecord};
    use crate::ledger::AlrLedger;
    use interdict_watchlist::{Entity, Index};

    fn decl(fields: &[(&str, &str)]) -> Declaration {
        let mut raw: RawRecord = vec![
            ("id".into(), "D-1".into()),
            ("date".into(), "2025-05-01".into()),
            ("exporter_name".into(), "Plain Exports Ltd".into()),
            ("exporter_country".into(), "CN".into()),
            ("importer_name".into(), "Ordinary Imports SA".into()),
            ("importer_country".into(), "MX".into()),
            ("goods_description".into(), "cotton shirts".into()),
        ];
        for (k, v) in fields {
            raw.retain(|(x, _)| x != k);
            raw.push((k.to_string(), v.to_string()));
        }
        validate(&raw, 2).unwrap()
    }

    fn screener(index: &Index) -> Screener<'_> {
        let ctx = Context {
            alr: parse_alr("alr", "country,cas,year,quantity_kg\nMX,103-79-7,2025,100\n").unwrap(),
            pens: parse_pens(
                "pens",
                "reference,date,exporter_country,importer_country,exporter_name,importer_name,cas,quantity_kg,status,valid_until\n\
                 PEN-OK,2025-04-01,CN,MX,A,B,39742-60-4,500,no_objection,2025-12-31\n\
                 PEN-REF,2025-04-01,CN,MX,A,B,39742-60-4,500,objection,2025-12-31\n",
            )
            .unwrap(),
            route_risk: parse_route_risk("r", "class,kind,code,reason\nfentanyl-precursor,country,GT,transit hub\n").unwrap(),
            ..Context::default()
        };
        Screener::new(Registry::builtin(), Some(index), ctx)
    }

    fn index() -> Index {
        let mut ix = Index::new();
        ix.add_list(
            "coalition",
            vec![Entity {
                id: "W-1".into(),
                schema: Schema::Organization,
                names: vec!["Hubei Amarvel Biotech Co., Ltd.".into()],
                countries: vec!["CN".into()],
                programs: vec!["ILLICIT-DRUGS-EO14059".into()],
                notes: String::new(),
            }],
        );
        ix
    }

    fn codes(a: &Assessment) -> Vec<&'static str> {
        let mut c: Vec<&str> = a.flags.iter().map(|f| f.code).collect();
        c.sort();
        c
    }

    #[test]
    fn ordinary_goods_are_none() {
        let ix = index();
        let s = screener(&ix);
        let a = s.finish(s.prepare(&decl(&[])), &mut AlrLedger::default());
        assert_eq!((a.risk.score, a.risk.level), (0, Level::None));
    }

    #[test]
    fn structures_in_descriptions_are_classified() {
        let ix = index();
        let s = screener(&ix);
        let mut ledger = AlrLedger::default();
        let mut run = |text: &str| {
            s.finish(
                s.prepare(&decl(&[("goods_description", text)])),
                &mut ledger,
            )
        };
        // An unlisted fentanyl analogue given only as a structure.
        let a = run("research chemical CCC(=O)N(c1ccc(Cl)cc1)C1CCN(CCc2ccccc2)CC1 5 g");
        let f = a
            .flags
            .iter()
            .find(|f| f.code == "CLASS_ANALOG")
            .expect("class analogue");
        assert_eq!(f.evidence["method"], "structure");
        assert_eq!(f.evidence["definition"], "us-frs");
        assert_eq!(f.evidence["clauses"], json!(["D"]));
        // A listed precursor as a structure counts like its name.
        let a = run("intermediate O=C1CCN(CCc2ccccc2)CC1, 25 kg drums");
        assert!(a
            .flags
            .iter()
            .any(|f| f.code == "CONTROLLED_PRECURSOR" && f.evidence["substance_id"] == "npp"));
        // A Cbz-protected 4-piperidone: a designer precursor.
        let a = run("O=C1CCN(C(=O)OCc2ccccc2)CC1");
        let f = a
            .flags
            .iter()
            .find(|f| f.code == "DESIGNER_PRECURSOR")
            .expect("designer precursor");
        assert_eq!(f.evidence["precursor"], "4-piperidone");
        // Ordinary text with chemical-looking words does not trip it.
        let a = run("cotton shirts size XL (100% CO)");
        assert!(a.flags.iter().all(|f| f.code != "CLASS_ANALOG"));
    }

    #[test]
    fn each_flag_fires_with_evidence() {
        let ix = index();
        let s = screener(&ix);
        let mut ledger = AlrLedger::default();
        let run =
            |s: &Screener, f: &[(&str, &str)], l: &mut AlrLedger| s.finish(s.prepare(&decl(f)), l);

        let a = run(
            &s,
            &[
                ("goods_description", "N-Phenethyl-4-piperidone 99%"),
                ("hs_code", "2933.39"),
                ("quantity", "25"),
                ("pen_reference", "PEN-OK"),
                ("transit_countries", "GT"),
            ],
            &mut ledger,
        );
        assert_eq!(
            codes(&a),
            ["CONTROLLED_PRECURSOR", "HS_MISMATCH", "ROUTE_RISK"]
        );
        assert!(a.risk.level >= Level::High);

        let a = run(
            &s,
            &[
                ("goods_description", "NPP"),
                ("quantity", "25"),
                ("pen_reference", "PEN-REF"),
            ],
            &mut ledger,
        );
        assert!(codes(&a).contains(&"NO_PEN"));
        let a = run(
            &s,
            &[
                ("goods_description", "NPP"),
                ("quantity", "600"),
                ("pen_reference", "PEN-OK"),
            ],
            &mut ledger,
        );
        assert!(a
            .flags
            .iter()
            .any(|f| f.code == "NO_PEN" && f.evidence["reason"] == "quantity exceeds PEN"));

        let a = run(
            &s,
            &[
                ("goods_description", "Piperonal"),
                ("cas_number", "39742-60-4"),
            ],
            &mut ledger,
        );
        assert!(codes(&a).contains(&"CAS_NAME_CONFLICT"));
        let a = run(
            &s,
            &[
                ("goods_description", "Organic intermediate"),
                ("hs_code", "2933.39"),
                ("cas_number", "1609-66-5"),
            ],
            &mut ledger,
        );
        assert!(codes(&a).contains(&"CAS_INVALID"));
        let a = run(
            &s,
            &[
                ("goods_description", "Organic intermediate"),
                ("hs_code", "2933.39"),
            ],
            &mut ledger,
        );
        assert_eq!(codes(&a), ["VAGUE_DESCRIPTION"]);
        let a = run(
            &s,
            &[(
                "goods_description",
                "TDP-5 tablet press with punches and dies",
            )],
            &mut ledger,
        );
        assert_eq!(codes(&a), ["TABLETING_MACHINE"]);
        let a = run(
            &s,
            &[("exporter_name", "HUBEI AMARVEL BIOTECH COMPANY LIMITED")],
            &mut ledger,
        );
        assert_eq!(codes(&a), ["WATCHLIST_PARTY"]);
        assert_eq!(a.flags[0].evidence["entity_id"], "W-1");
        let a = run(
            &s,
            &[("goods_description", "para-chloroisobutyryl fentanyl")],
            &mut ledger,
        );
        assert_eq!(codes(&a), ["CLASS_ANALOG"]);
        let a = run(
            &s,
            &[("goods_description", "1-Cbz-4-piperidone")],
            &mut ledger,
        );
        assert_eq!(codes(&a), ["DESIGNER_PRECURSOR"]);
        let a = run(
            &s,
            &[("goods_description", "fentanyl citrate")],
            &mut ledger,
        );
        assert_eq!(codes(&a), ["CONTROLLED_DRUG"]);
    }

    #[test]
    fn alr_counts_earlier_imports_in_input_order() {
        let ix = index();
        let s = screener(&ix);
        let mut ledger = AlrLedger::default();
        let p2p = |id: &str, date: &str, q: &str| {
            decl(&[
                ("id", id),
                ("date", date),
                ("goods_description", "Phenylacetone"),
                ("quantity", q),
                ("pen_reference", "none"),
            ])
        };
        let a1 = s.finish(s.prepare(&p2p("A", "2025-01-10", "60")), &mut ledger);
        assert!(!codes(&a1).contains(&"ALR_EXCEEDED"));
        let a2 = s.finish(s.prepare(&p2p("B", "2025-02-10", "50")), &mut ledger);
        let f = a2
            .flags
            .iter()
            .find(|f| f.code == "ALR_EXCEEDED")
            .expect("110 kg > 100 kg");
        assert_eq!(f.evidence["earlier_imports_kg"], 60.0);
        // Another year starts from zero.
        let a3 = s.finish(s.prepare(&p2p("C", "2026-01-10", "60")), &mut ledger);
        assert!(!codes(&a3).contains(&"ALR_EXCEEDED"));
    }
}
