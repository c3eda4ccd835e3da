//! The assessment of one declaration: the checks of `checks/` run in turn, their flags combined
//! by weight into a score and a level.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use interdict_core::{CountryCode, Date};
use interdict_registry::{Cas, Identification, Identifier, Registry};
use interdict_structure::RegistryStructureError;
use interdict_watchlist::{Index, Query, Schema};
use serde::Serialize;

use crate::checks::alr::{self, AlrPlan, AlrTable};
use crate::checks::parties::{self, PartyHit, PartyOut};
use crate::checks::pen::PenRegister;
use crate::checks::substances::{self, Found};
use crate::checks::{analogues, cas, hs, round3, route, tableting, vague};
use crate::code::FlagCode;
use crate::context::Context;
use crate::declaration::Declaration;
use crate::evidence::MatchedOn;
use crate::flag::Flag;
use crate::ledger::AlrLedger;

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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Risk {
    /// 0–100.
    pub score: u32,
    pub level: Level,
}

/// An identified substance, as the result lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubstanceOut {
    pub cas: Option<Cas>,
    pub name: String,
    pub substance_id: String,
    pub controls: Vec<String>,
    pub confidence: f64,
    pub matched_on: MatchedOn,
}

/// The result for one declaration, in the contract's shape.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub id: String,
    pub risk: Risk,
    /// Most severe first; within a severity in the order of [`FlagCode`].
    pub flags: Vec<Flag>,
    pub substances: Vec<SubstanceOut>,
    pub parties: Vec<PartyOut>,
    /// What was not examined and why (a structure past the engine's limits, SMILES past
    /// [`MAX_STRUCTURES_PER_DESCRIPTION`]): a result that looked at less than the whole
    /// description says so instead of reading as a clean answer. Absent when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A declaration assessed on its own; [`Screener::finish`] adds what depends on earlier ones.
#[derive(Clone, Debug)]
pub struct Prepared {
    assessment: Assessment,
    date: Date,
    importer_country: CountryCode,
    alr: AlrPlan,
}

impl Prepared {
    /// Without the flags of `code` (a notification screened at filing cannot lack itself).
    pub fn without(mut self, code: FlagCode) -> Prepared {
        self.assessment.flags.retain(|f| f.code != code);
        self
    }
}

/// Something that made screening less thorough than it should have been, for the caller to
/// report (screening itself carries on).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScreenWarning {
    /// The structure engine could not be built from the registry (a data bug), so SMILES in
    /// goods descriptions were screened by their words only.
    #[error("structure screening was off: the structure engine could not be built ({reason}); SMILES in {descriptions} goods descriptions were not classified")]
    StructureEngineUnavailable { reason: String, descriptions: u64 },
}

type PartyKey = (String, Option<String>);

/// The screening engine with its context.
pub struct Screener<'a> {
    registry: &'a Registry,
    identifier: Identifier<'a>,
    watchlist: Option<&'a Index>,
    ctx: Context,
    alr: AlrTable,
    pens: PenRegister,
    party_threshold: f32,
    party_cache: RwLock<HashMap<PartyKey, Arc<Vec<PartyHit>>>>,
    ident_cache: RwLock<HashMap<IdentKey, Arc<Identification<'a>>>>,
    /// The structure engine, built on the first SMILES met in a goods description; the error
    /// is kept for [`Screener::warnings`].
    structures: OnceLock<Result<interdict_structure::Engine, RegistryStructureError>>,
    /// Goods descriptions with SMILES that went unclassified because the engine is missing.
    unclassified_structures: AtomicU64,
}

/// The most distinct SMILES of one goods description that are classified (a real description
/// names one or two structures).
pub const MAX_STRUCTURES_PER_DESCRIPTION: usize = 8;

/// Caches hold the results of pure functions; past this size they are emptied.
const CACHE_LIMIT: usize = 50_000;

/// A description and the CAS number declared beside it: what an identification depends on.
type IdentKey = (String, Option<Cas>);

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

impl<'a> Screener<'a> {
    pub fn new(registry: &'a Registry, watchlist: Option<&'a Index>, ctx: Context) -> Screener<'a> {
        Screener {
            registry,
            identifier: Identifier::new(registry),
            watchlist,
            alr: AlrTable::new(registry, &ctx.alr),
            pens: PenRegister::new(&ctx.pens, &ctx.pen_table_ii_countries),
            ctx,
            party_threshold: interdict_watchlist::DEFAULT_THRESHOLD,
            party_cache: RwLock::new(HashMap::new()),
            ident_cache: RwLock::new(HashMap::new()),
            structures: OnceLock::new(),
            unclassified_structures: AtomicU64::new(0),
        }
    }

    /// What made screening so far less thorough than it should be. Empty in a sound build;
    /// the caller reports these (say, as warnings at the end of a run).
    pub fn warnings(&self) -> Vec<ScreenWarning> {
        match self.structures.get() {
            Some(Err(e)) => vec![ScreenWarning::StructureEngineUnavailable {
                reason: e.to_string(),
                descriptions: self.unclassified_structures.load(Ordering::Relaxed),
            }],
            _ => Vec::new(),
        }
    }

    /// The description identified, with the declared CAS number beside it (a declared number
    /// of a known uncontrolled chemical outranks a typo match of the words).
    fn identify(&self, text: &str, declared: Option<Cas>) -> Arc<Identification<'a>> {
        cached(&self.ident_cache, &(text.to_string(), declared), || {
            self.identifier.identify_declared(text, declared)
        })
    }

    /// Structures written as SMILES in a goods description, classified (listed, class
    /// definitions, designer precursors). Empty, at no cost, for ordinary descriptions.
    /// At most [`MAX_STRUCTURES_PER_DESCRIPTION`] distinct SMILES are classified, so a
    /// description of SMILES costs a bounded amount (each is bounded by the engine's limits).
    /// A structure refused by a size limit, and SMILES past the per-description limit, are
    /// not silently dropped: each gets a note on the result (the second value).
    fn structures_in(&self, text: &str) -> (Vec<interdict_structure::Classification>, Vec<String>) {
        let mut words: Vec<&str> = Vec::new();
        let mut notes = Vec::new();
        let mut left_out = 0usize;
        for w in text
            .split_whitespace()
            .map(|w| w.trim_end_matches([',', ';']))
            .filter(|w| interdict_structure::looks_like_smiles(w))
        {
            if words.contains(&w) {
                continue;
            }
            if words.len() == MAX_STRUCTURES_PER_DESCRIPTION {
                left_out += 1;
            } else {
                words.push(w);
            }
        }
        if left_out > 0 {
            notes.push(format!(
                "{left_out} more SMILES in the goods description were not classified: at most {MAX_STRUCTURES_PER_DESCRIPTION} structures per description are"
            ));
        }
        if words.is_empty() {
            return (Vec::new(), notes);
        }
        let engine = self.structures.get_or_init(|| {
            interdict_structure::Engine::new(
                self.registry,
                interdict_structure::Options::without_inchikey(),
            )
        });
        let Ok(engine) = engine else {
            self.unclassified_structures.fetch_add(1, Ordering::Relaxed);
            return (Vec::new(), notes);
        };
        // `looks_like_smiles` is a cheap guess: a word the toolkit cannot read is not a
        // structure, and the description is still screened by its words. A structure past a
        // size limit is one, though, and the officer is told it was not classified.
        let mut out = Vec::new();
        for w in words {
            match engine.classify_smiles(w) {
                Ok(c) => out.push(c),
                Err(e @ interdict_structure::ChemError::TooLarge(_)) => notes.push(format!(
                    "a structure in the goods description ({} characters, `{}`) was not classified: {e}; the description was screened by its words",
                    w.chars().count(),
                    interdict_core::text::clip(w, 40)
                )),
                Err(_) => {}
            }
        }
        (out, notes)
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
                .iter()
                .map(PartyHit::from_match)
                .collect()
        })
    }

    /// Everything about a declaration that does not depend on other declarations.
    pub fn prepare(&self, d: &Declaration) -> Prepared {
        let declared = d.cas_number.as_deref().map(Cas::parse);
        let declared_cas = declared.as_ref().and_then(|r| r.as_ref().ok().copied());
        let ident = self.identify(&d.goods_description, declared_cas);
        let (structures, notes) = self.structures_in(&d.goods_description);

        // Substances: from the description (words, CAS numbers, SMILES) and the declared CAS.
        let found = substances::find(self.registry, &ident, &structures, declared_cas);
        let mut flags = cas::invalid(d, declared.as_ref(), &ident);

        // CAS and description disagree.
        let name_ids: Vec<&str> = ident
            .matches
            .iter()
            .filter(|m| m.matched_on != interdict_registry::MatchedOn::Cas)
            .map(|m| m.substance.id.as_str())
            .collect();
        let conflict = cas::name_conflict(self.registry, d, declared_cas, &ident, &name_ids);
        let cas_conflict = conflict.is_some();
        flags.extend(conflict);

        flags.extend(substances::controlled(self.registry, d, &found));

        // Relatives and classes: analogues of drugs, designer precursors.
        let mut goods_classes: Vec<String> = found
            .iter()
            .flat_map(|f| f.substance.classes.iter().cloned())
            .collect();
        let analogues = analogues::check(self.registry, &ident, &structures);
        flags.extend(analogues.flags);
        goods_classes.extend(analogues.classes);

        // Under a CAS/name conflict the HS code was chosen for the words: it says nothing more.
        if !cas_conflict {
            flags.extend(hs::check(d, &found));
        }
        // What the words say, not a CAS number: a generic description over the CAS number of a
        // listed substance (`Industrial chemical intermediate`, CAS of NPP) is the classic
        // concealment, so only a CAS number the registry does not list counts as identifying.
        let named = ident
            .matches
            .iter()
            .any(|m| m.matched_on != interdict_registry::MatchedOn::Cas)
            || !ident.related.is_empty()
            || !ident.class_names.is_empty()
            || !structures.is_empty();
        let listed_cas = found
            .iter()
            .any(|f| f.matched_on == crate::evidence::MatchedOn::Cas);
        let unlisted_cas = declared_cas.is_some_and(|c| self.registry.by_cas(c).is_none())
            || ident
                .cas_mentions
                .iter()
                .any(|m| m.cas.is_some() && m.substance.is_none());
        let identified = named || (!listed_cas && unlisted_cas);
        flags.extend(vague::check(d, identified));
        if let Some(flag) = tableting::check(d) {
            flags.push(flag);
            goods_classes.push(tableting::CLASS.into());
        }

        let mut parties = Vec::new();
        for (role, name, country) in parties::parties_of(d) {
            let hits = self.screen_party(name, country);
            if let Some(best) = hits.first() {
                flags.push(parties::flag(role, name, best));
            }
            parties.push(PartyOut {
                role,
                name: name.to_string(),
                matches: hits.as_ref().clone(),
            });
        }

        // Under a CAS/name conflict, the words say what the trader claims to ship: check the PEN
        // against that claim (the conflict itself is already flagged).
        let kg = d.quantity_kg();
        let pen_subjects: Vec<&Found<'_>> = found
            .iter()
            .filter(|f| {
                !cas_conflict || name_ids.is_empty() || name_ids.contains(&f.substance.id.as_str())
            })
            .collect();
        flags.extend(self.pens.check(self.registry, d, &pen_subjects, kg));
        flags.extend(route::check(&self.ctx.route_risk, d, &goods_classes));

        // ALR comparisons wait for the running totals.
        let alr = self.alr.plan(d, &found, kg);

        let substances = found
            .iter()
            .map(|f| SubstanceOut {
                cas: f.substance.cas,
                name: f.substance.name.clone(),
                substance_id: f.substance.id.clone(),
                controls: f
                    .substance
                    .control_ids()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                confidence: round3(f.confidence),
                matched_on: f.matched_on,
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
            notes,
        };
        self.score(&mut assessment);
        Prepared {
            assessment,
            date: d.date,
            importer_country: d.importer_country,
            alr,
        }
    }

    /// Adds what depends on earlier declarations (ALR totals), in input order.
    pub fn finish(&self, mut p: Prepared, ledger: &mut AlrLedger) -> Assessment {
        let id = p.assessment.id.clone();
        // A declaration recorded by an earlier run is already in the totals.
        let recorded = ledger.is_recorded(p.importer_country.as_str(), &id);
        for check in &p.alr.checks {
            if let Some(flag) = alr::exceeded(check, p.importer_country, p.date, ledger, recorded) {
                p.assessment.flags.push(flag);
            }
        }
        for (key, kg) in &p.alr.imports {
            ledger.add(&id, p.importer_country.as_str(), key, p.date, *kg);
        }
        self.score(&mut p.assessment);
        p.assessment
    }

    /// Combines the flags by their weights into a score (0–100) and a level, and puts the
    /// flags in the contract's order.
    fn score(&self, a: &mut Assessment) {
        // Each flag code counts once, at its strongest; summed in code order.
        let mut best = [0.0f64; FlagCode::ALL.len()];
        for f in &a.flags {
            let w = self.ctx.weights.get(f.code) * f.strength;
            if let Some(b) = best.get_mut(f.code.index()) {
                *b = b.max(w);
            }
        }
        let total: f64 = best.iter().sum();
        let score = total.round().clamp(0.0, 100.0) as u32;
        a.risk = Risk {
            score,
            level: Level::from_score(score),
        };
        a.flags
            .sort_by(|x, y| y.severity.cmp(&x.severity).then(x.code.cmp(&y.code)));
    }
}

#[cfg(test)]
mod flag_tests {
    use super::*;
    use crate::context::{parse_alr, parse_pens, parse_route_risk};
    use crate::declaration::{validate, RawRecord};
    use crate::ledger::AlrLedger;
    use interdict_watchlist::{Entity, Index};
    use serde_json::json;

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
        let mut c: Vec<&str> = a.flags.iter().map(|f| f.code.as_str()).collect();
        c.sort();
        c
    }

    /// The evidence as it is written.
    fn ev(f: &Flag) -> serde_json::Value {
        serde_json::to_value(&f.evidence).unwrap()
    }

    #[test]
    fn ordinary_goods_are_none() {
        let ix = index();
        let s = screener(&ix);
        let a = s.finish(s.prepare(&decl(&[])), &mut AlrLedger::default());
        assert_eq!((a.risk.score, a.risk.level), (0, Level::None));
    }

    /// Issue 18: a structure past a size limit (1,002 atoms) or SMILES past the
    /// per-description limit are not dropped silently: the result carries a note.
    #[test]
    fn structures_past_the_limits_are_noted_on_the_result() {
        let ix = index();
        let s = screener(&ix);
        let ring = format!("C1{}C1", "C".repeat(1000));
        let a = s.finish(
            s.prepare(&decl(&[(
                "goods_description",
                &format!("resin {ring} 5 kg"),
            )])),
            &mut AlrLedger::default(),
        );
        assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
        assert!(
            a.notes[0].contains("was not classified: structure too large"),
            "{:?}",
            a.notes
        );
        let many: Vec<String> = (0..MAX_STRUCTURES_PER_DESCRIPTION + 2)
            .map(|i| format!("CC(=O)O{}", "C".repeat(i)))
            .collect();
        let a = s.finish(
            s.prepare(&decl(&[("goods_description", &many.join(" "))])),
            &mut AlrLedger::default(),
        );
        assert!(
            a.notes.iter().any(|n| n.starts_with("2 more SMILES")),
            "{:?}",
            a.notes
        );
        let plain = s.finish(s.prepare(&decl(&[])), &mut AlrLedger::default());
        assert!(plain.notes.is_empty());
        assert!(!serde_json::to_string(&plain).unwrap().contains("notes"));
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
            .find(|f| f.code == FlagCode::ClassAnalog)
            .expect("class analogue");
        assert_eq!(ev(f)["method"], "structure");
        assert_eq!(ev(f)["definition"], "us-frs");
        assert_eq!(ev(f)["clauses"], json!(["D"]));
        // A listed precursor as a structure counts like its name.
        let a = run("intermediate O=C1CCN(CCc2ccccc2)CC1, 25 kg drums");
        assert!(a
            .flags
            .iter()
            .any(|f| f.code == FlagCode::ControlledPrecursor && ev(f)["substance_id"] == "npp"));
        // A Cbz-protected 4-piperidone: a designer precursor.
        let a = run("O=C1CCN(C(=O)OCc2ccccc2)CC1");
        let f = a
            .flags
            .iter()
            .find(|f| f.code == FlagCode::DesignerPrecursor)
            .expect("designer precursor");
        assert_eq!(ev(f)["precursor"], "4-piperidone");
        // Ordinary text with chemical-looking words does not trip it.
        let a = run("cotton shirts size XL (100% CO)");
        assert!(a.flags.iter().all(|f| f.code != FlagCode::ClassAnalog));
    }

    #[test]
    fn a_structure_engine_that_cannot_be_built_is_reported() {
        // The compiled-in data with one registry structure broken (an unclosed ring).
        let substances = include_str!("../../../data/substances.csv")
            .replace("O=C1CCN(CCc2ccccc2)CC1", "O=C1CCN(CCc2ccccc2)CC");
        let registry = Registry::load(&interdict_registry::DataFiles {
            substances: &substances,
            synonyms: include_str!("../../../data/synonyms.csv"),
            controls: include_str!("../../../data/controls.csv"),
            forms: include_str!("../../../data/forms.csv"),
            hs_national: include_str!("../../../data/hs_national.csv"),
            lists: include_str!("../../../data/lists.csv"),
            lexicon: include_str!("../../../data/lexicon.csv"),
            classes: include_str!("../../../data/classes.csv"),
            class_definitions: include_str!("../../../data/class_definitions.csv"),
        })
        .unwrap();
        let s = Screener::new(&registry, None, Context::default());
        let mut ledger = AlrLedger::default();
        let a = s.finish(
            s.prepare(&decl(&[("goods_description", "NPP, 25 kg drums")])),
            &mut ledger,
        );
        assert_eq!(codes(&a), ["CONTROLLED_PRECURSOR", "NO_PEN"]);
        assert!(
            s.warnings().is_empty(),
            "no SMILES yet, so no engine needed"
        );
        // A SMILES needs the engine: its failure is reported, and the words still count.
        let a = s.finish(
            s.prepare(&decl(&[(
                "goods_description",
                "NPP O=C1CCN(CCc2ccccc2)CC1, 25 kg drums",
            )])),
            &mut ledger,
        );
        assert_eq!(codes(&a), ["CONTROLLED_PRECURSOR", "NO_PEN"]);
        let warnings = s.warnings();
        assert!(
            matches!(
                warnings.as_slice(),
                [ScreenWarning::StructureEngineUnavailable { reason, descriptions: 1 }]
                    if reason.contains("npp")
            ),
            "{warnings:?}"
        );
        assert!(warnings[0]
            .to_string()
            .starts_with("structure screening was off"));
        // The sound registry gives no warning.
        let ix = index();
        let sound = screener(&ix);
        sound.prepare(&decl(&[("goods_description", "O=C1CCN(CCc2ccccc2)CC1")]));
        assert!(sound.warnings().is_empty());
    }

    /// Cases of issue 20, one per class of defect the screening checks own: punctuation glued to
    /// words, a generic description over a listed CAS number, medicines in chapter 30, a known
    /// uncontrolled CAS number beside a name close to a listed one, a listed name inside
    /// another chemical's name.
    #[test]
    fn domain_cases_of_issue_20() {
        let ix = index();
        let s = screener(&ix);
        let mut ledger = AlrLedger::default();
        let mut run = |f: &[(&str, &str)]| s.finish(s.prepare(&decl(f)), &mut ledger);
        let has = |a: &Assessment, code: FlagCode| a.flags.iter().any(|f| f.code == code);

        // Punctuation glued to words: the same as with `, `.
        let glued = run(&[
            (
                "goods_description",
                "N-Phenethyl-4-piperidone,99%,white powder",
            ),
            ("quantity", "500"),
        ]);
        let spaced = run(&[
            (
                "goods_description",
                "N-Phenethyl-4-piperidone, 99%, white powder",
            ),
            ("quantity", "500"),
        ]);
        assert!(
            has(&glued, FlagCode::ControlledPrecursor),
            "{:?}",
            codes(&glued)
        );
        assert_eq!(glued.risk.score, spaced.risk.score);
        assert_eq!(glued.risk.level, Level::Critical);
        for text in [
            "Acetone,tech grade",
            "ephedrine;pseudoephedrine",
            "safrole,isosafrole",
        ] {
            let a = run(&[("goods_description", text)]);
            assert!(
                has(&a, FlagCode::ControlledPrecursor),
                "{text}: {:?}",
                codes(&a)
            );
        }

        // A generic description over the CAS number of a listed substance is vague; over the
        // number of an unlisted chemical it is not.
        for (cas, vague) in [
            ("39742-60-4", true),
            ("80532-66-7", true),
            ("64-17-5", false),
        ] {
            let a = run(&[
                ("goods_description", "Industrial chemical intermediate"),
                ("hs_code", "2933.39"),
                ("cas_number", cas),
            ]);
            assert_eq!(
                has(&a, FlagCode::VagueDescription),
                vague,
                "{cas}: {:?}",
                codes(&a)
            );
        }
        let a = run(&[("goods_description", "Organic intermediate CAS 39742-60-4")]);
        assert!(has(&a, FlagCode::VagueDescription), "{:?}", codes(&a));
        let a = run(&[
            ("goods_description", "NPP CAS 39742-60-4"),
            ("hs_code", "2933.37"),
        ]);
        assert!(!has(&a, FlagCode::VagueDescription));

        // Finished medicines are declared in chapter 30, each alkaloid in its own subheading.
        for (text, hs, mismatch) in [
            ("Pseudoephedrine HCl 60 mg tablets", "3004.42", false),
            ("Pseudoephedrine HCl 60 mg tablets", "3004.90", true),
            ("Ephedrine sulfate injection", "3004.41", false),
            ("Captagon tablets", "3004.90", false),
            ("Fenetylline hydrochloride", "2939.51", false),
            ("Fenetylline hydrochloride", "2939.59", true),
            (
                "Ketamine hydrochloride injection 50 mg/ml",
                "3004.49",
                false,
            ),
            ("Tramadol 225 mg tablets", "3004.90", false),
            ("N-Phenethyl-4-piperidone", "3004.90", true),
        ] {
            let a = run(&[("goods_description", text), ("hs_code", hs)]);
            assert_eq!(
                has(&a, FlagCode::HsMismatch),
                mismatch,
                "{text} {hs}: {:?}",
                codes(&a)
            );
        }

        // A known uncontrolled CAS number outranks a typo match: EAPA is a designer precursor
        // of P-2-P, not MAPA.
        for text in [
            "ethyl 2-phenylacetoacetate",
            "Ethyl alpha-acetylphenyl acetate",
        ] {
            let a = run(&[("goods_description", text), ("cas_number", "5413-05-8")]);
            assert!(
                !has(&a, FlagCode::ControlledPrecursor),
                "{text}: {:?}",
                codes(&a)
            );
            assert!(
                !has(&a, FlagCode::CasNameConflict),
                "{text}: {:?}",
                codes(&a)
            );
        }
        let a = run(&[("goods_description", "ethyl 2-phenylacetoacetate")]);
        assert!(has(&a, FlagCode::DesignerPrecursor), "{:?}", codes(&a));
        // Its CAS number alone under a generic description names it too.
        let a = run(&[
            ("goods_description", "Organic intermediate"),
            ("cas_number", "5413-05-8"),
        ]);
        assert!(has(&a, FlagCode::DesignerPrecursor), "{:?}", codes(&a));
        assert!(!has(&a, FlagCode::ControlledPrecursor));

        // A listed name inside another chemical's name, and a wrong synonym removed.
        for text in [
            "toluene diisocyanate 80/20",
            "acetone cyanohydrin",
            "MEK peroxide",
            "ethyl vinyl ether",
            "diisopropyl ether",
            "glycol ethers",
            "ethyl methylphenylglycidate",
        ] {
            let a = run(&[("goods_description", text)]);
            assert!(
                !has(&a, FlagCode::ControlledPrecursor),
                "{text}: {:?}",
                codes(&a)
            );
        }
        // An unlisted nitazene under the UK clauses that were not retrieved is held for legal
        // confirmation, with what could be checked; a listed one is a controlled drug.
        let a = run(&[(
            "goods_description",
            "research chemical CCCCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1 1 g",
        )]);
        let f = a
            .flags
            .iter()
            .find(|f| f.code == FlagCode::ClassAnalog)
            .expect("class analogue");
        assert_eq!(ev(f)["status"], "legal confirmation needed");
        assert_eq!(ev(f)["definition"], "uk-nitazene-2025");
        assert!(ev(f)["unretrieved"]
            .as_str()
            .unwrap_or("")
            .contains("nitro"));
        assert!(f.message.contains("legal confirmation needed"));
        let a = run(&[(
            "goods_description",
            "CCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1",
        )]);
        assert!(has(&a, FlagCode::ControlledDrug));
        assert!(!has(&a, FlagCode::ClassAnalog), "{:?}", codes(&a));

        // The controls of the exporting, importing and transit countries come first.
        let a = run(&[
            ("goods_description", "Tramadol HCl 225 mg tablets"),
            ("exporter_country", "IN"),
            ("importer_country", "NG"),
            ("transit_countries", "EG"),
        ]);
        let f = a
            .flags
            .iter()
            .find(|f| f.code == FlagCode::ControlledDrug)
            .expect("controlled drug");
        assert_eq!(
            ev(f)["controls"],
            json!([
                "IN-NDPS-PSYCHOTROPIC",
                "NG-NAFDAC-TRAMADOL",
                "NG-NAFDAC-NATIONALLY-CONTROLLED",
                "EG-LAW-182-1960-TABLE-1",
                "US-CSA-SCHEDULE-IV"
            ])
        );
        assert_eq!(ev(f)["shipment_controls"][0]["role"], "exporting");
        assert!(
            f.message.contains(
                "is controlled: India NDPS Act, Schedule of psychotropic substances, Schedule entry 110Y (psychotropic substance) (IN-NDPS-PSYCHOTROPIC, exporting country IN)"
            ),
            "{}",
            f.message
        );
        assert!(
            ev(f)["shipment_controls"][0]["source"]
                .as_str()
                .is_some_and(|s| s.contains("S.O. 1761(E)")),
            "{}",
            ev(f)
        );
        let a = run(&[
            ("goods_description", "Ketamine hydrochloride"),
            ("exporter_country", "CN"),
        ]);
        let f = a
            .flags
            .iter()
            .find(|f| f.code == FlagCode::ControlledDrug)
            .expect("controlled drug");
        assert_eq!(ev(f)["controls"][0], "CN-PSYCHOTROPIC-CLASS-I");
        let a = run(&[
            ("goods_description", "Ketamine hydrochloride"),
            ("exporter_country", "DE"),
            ("importer_country", "US"),
        ]);
        let f = a
            .flags
            .iter()
            .find(|f| f.code == FlagCode::ControlledDrug)
            .expect("controlled drug");
        assert_eq!(ev(f)["controls"][0], "US-CSA-SCHEDULE-III");

        // Salt, isomer and labelled forms resolve to their parent, also for the conflict check;
        // a substance the registry lacked (benzaldehyde) now raises its conflict.
        for (text, cas, conflict) in [
            ("Methylamine hydrochloride", "593-51-1", false),
            ("MDMA HCl", "64057-70-1", false),
            ("Esketamine hydrochloride", "33643-47-9", false),
            ("BMK glycidic acid sodium salt", "5449-12-7", false),
            ("Fentanyl-d5 hydrochloride", "2747915-16-6", false),
            ("cis-Isosafrole", "17627-76-8", false),
            ("Benzaldehyde", "103-79-7", true),
            ("Benzaldehyde", "100-52-7", false),
        ] {
            let a = run(&[("goods_description", text), ("cas_number", cas)]);
            assert_eq!(
                has(&a, FlagCode::CasNameConflict),
                conflict,
                "{text} {cas}: {:?}",
                codes(&a)
            );
            assert!(
                has(&a, FlagCode::ControlledPrecursor) || has(&a, FlagCode::ControlledDrug),
                "{text} {cas}: {:?}",
                codes(&a)
            );
        }
        let a = run(&[
            ("goods_description", "ethyl methylphenylglycidate"),
            ("cas_number", "77-83-8"),
        ]);
        assert_eq!(a.risk.level, Level::None, "{:?}", codes(&a));
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
            .any(|f| f.code == FlagCode::NoPen && ev(f)["reason"] == "quantity exceeds PEN"));

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
        assert_eq!(ev(&a.flags[0])["entity_id"], "W-1");
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
            .find(|f| f.code == FlagCode::AlrExceeded)
            .expect("110 kg > 100 kg");
        assert_eq!(ev(f)["earlier_imports_kg"], 60.0);
        // Another year starts from zero.
        let a3 = s.finish(s.prepare(&p2p("C", "2026-01-10", "60")), &mut ledger);
        assert!(!codes(&a3).contains(&"ALR_EXCEEDED"));
    }
}
