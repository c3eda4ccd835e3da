//! Screening a name against loaded lists without scanning them.
//!
//! Every listed name is indexed under its words, their families (nicknames, trade words), their
//! phonetic keys, its longer words with one letter left out (for typos) and its letters without
//! spaces. A query gathers the names sharing a key, ranks them by the rarity of what they share
//! (inverse document frequency), scores only the best few in full, and keeps the best name per
//! entity. Keys shared by thousands of names (`company`, `mohammed`) are not used to gather
//! candidates when rarer keys exist: this is what keeps short and common names from matching
//! everything, and the query fast.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use crate::model::Entity;
use crate::names::{NameForm, TokenKind};
use crate::schema::Schema;
use crate::score;

/// How many candidate names are scored in full per query.
const CANDIDATES: usize = 16;
/// A key shared by more names than this is only used when the query has no rarer key.
const COMMON_KEY: usize = 2500;

struct IndexedName {
    entity: u32,
    form: NameForm,
}

/// A name to screen.
#[derive(Clone, Copy, Debug, Default)]
pub struct Query<'a> {
    pub name: &'a str,
    /// ISO alpha-2 country of the party, used as a qualifier.
    pub country: Option<&'a str>,
    pub schema: Schema,
}

/// One matching list entry.
#[derive(Clone, Debug)]
pub struct PartyMatch<'a> {
    pub list: &'a str,
    pub entity: &'a Entity,
    /// The listed name (primary or alias) that matched best.
    pub matched_name: &'a str,
    pub score: f32,
    pub explanation: String,
}

/// Entities of one or more lists, indexed for screening.
#[derive(Default)]
pub struct Index {
    lists: Vec<String>,
    entities: Vec<(u32, Entity)>,
    names: Vec<IndexedName>,
    postings: HashMap<u64, Vec<u32>>,
}

#[derive(Default)]
struct Scratch {
    weight: Vec<f32>,
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// An index key: a kind tag and text, hashed. A collision can only add a candidate, which the full
/// score then judges.
fn key(kind: u8, text: &[u8]) -> u64 {
    crate::names::hash_key(kind, text)
}

/// The index keys of a normalised name. For a query (`listed` given), a word found verbatim in
/// the index is taken as spelt right and gets no typo keys, which would only gather more names.
fn keys(form: &NameForm, listed: Option<&HashMap<u64, Vec<u32>>>) -> Vec<(u64, f32)> {
    let mut out: Vec<(u64, f32)> = Vec::new();
    let mut push = |k: u64, w: f32| {
        if !out.iter().any(|(x, _)| *x == k) {
            out.push((k, w));
        }
    };
    let mut deleted: Vec<u8> = Vec::with_capacity(16);
    for t in &form.tokens {
        if t.kind == TokenKind::Form {
            continue;
        }
        // Initials count a little: they tell `A A Trading` from every other trading company.
        let w = if t.text.len() == 1 && t.kind == TokenKind::Core {
            0.3
        } else {
            t.kind.weight()
        };
        let word = key(b't', t.text.as_bytes());
        push(word, w);
        // Nicknames and short trade words meet their full form (`Bill`/`William`, `Trade`/`Trading`).
        if t.nick != 0 {
            push(key(b'n', &t.nick.to_le_bytes()), w * 0.9);
        }
        if t.kind == TokenKind::Core && t.phon.len() >= 2 {
            push(key(b'p', t.phon.as_bytes()), w * 0.8);
        }
        // The word with one letter left out, each way: two words one typo apart (`Bracto` /
        // `Bracro`, `Disrtict` / `District`) share one of these, even where the typo changes the
        // phonetic key.
        if t.kind == TokenKind::Core
            && (4..=16).contains(&t.text.len())
            && !listed.is_some_and(|l| l.contains_key(&word))
        {
            let b = t.text.as_bytes();
            // The whole word among them, so a letter left out on one side meets the other.
            push(key(b'd', b), w * 0.6);
            for skip in 0..b.len() {
                deleted.clear();
                deleted.extend_from_slice(&b[..skip]);
                deleted.extend_from_slice(&b[skip + 1..]);
                push(key(b'd', &deleted), w * 0.6);
            }
        }
    }
    if form.compact.len() >= 4 {
        push(key(b'c', form.compact.as_bytes()), 1.0);
    }
    // The same with trade words and nicknames as their family, so that a name made of initials
    // and trade words (`A A Trade FZCO` / `A A TRADING FZCO`) still has a key of its own.
    if form.tokens.iter().any(|t| t.nick != 0) {
        let mut families: Vec<u8> = Vec::with_capacity(form.compact.len());
        for t in form.tokens.iter().filter(|t| t.kind != TokenKind::Form) {
            if t.nick != 0 {
                families.push(b'#');
                families.extend_from_slice(&t.nick.to_le_bytes());
            } else {
                families.extend_from_slice(t.text.as_bytes());
            }
        }
        push(key(b'f', &families), 1.0);
    }
    out
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Adds a list's entities under the list's name.
    pub fn add_list(&mut self, list: &str, entities: Vec<Entity>) {
        let list_idx = self.lists.len() as u32;
        self.lists.push(list.to_string());
        for e in entities {
            let entity_idx = self.entities.len() as u32;
            for name in &e.names {
                let form = NameForm::new(name);
                if form.tokens.is_empty() {
                    continue;
                }
                let name_idx = self.names.len() as u32;
                for (k, _) in keys(&form, None) {
                    self.postings.entry(k).or_default().push(name_idx);
                }
                self.names.push(IndexedName {
                    entity: entity_idx,
                    form,
                });
            }
            self.entities.push((list_idx, e));
        }
    }

    pub fn entity_count(&self) -> usize {
        self.entities.len()
    }

    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// The entities scoring at least `threshold`, best first, at most `limit`.
    pub fn search(&self, query: &Query<'_>, threshold: f32, limit: usize) -> Vec<PartyMatch<'_>> {
        let form = NameForm::new(query.name);
        if form.tokens.is_empty() || self.names.is_empty() {
            return Vec::new();
        }
        let query_schema = match query.schema {
            Schema::Unknown
                if form
                    .tokens
                    .iter()
                    .any(|t| matches!(t.kind, TokenKind::Form | TokenKind::Weak)) =>
            {
                Schema::Organization
            }
            s => s,
        };
        let candidates = SCRATCH.with(|s| self.candidates(&form, &mut s.borrow_mut()));

        // Best name per entity.
        let mut best: Vec<(u32, u32, f32)> = Vec::with_capacity(candidates.len());
        for name_idx in candidates {
            let n = &self.names[name_idx as usize];
            let entity = &self.entities[n.entity as usize].1;
            let schema = match entity.schema {
                Schema::Unknown => query_schema,
                s => s,
            };
            let mut s = score::score(&form, &n.form, schema);
            s = qualify_by_country(s, query.country, entity);
            match best.iter_mut().find(|b| b.0 == n.entity) {
                Some(b) if b.2 < s => *b = (n.entity, name_idx, s),
                Some(_) => {}
                None => best.push((n.entity, name_idx, s)),
            }
        }
        best.retain(|b| b.2 >= threshold);
        best.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        best.truncate(limit);
        best.into_iter()
            .map(|(entity_idx, name_idx, s)| {
                let (list_idx, entity) = &self.entities[entity_idx as usize];
                let n = &self.names[name_idx as usize];
                let schema = match entity.schema {
                    Schema::Unknown => query_schema,
                    s => s,
                };
                let mut explanation = score::compare(&form, &n.form, schema).explanation;
                if let Some(c) = query.country {
                    if entity.countries.iter().any(|x| x.eq_ignore_ascii_case(c)) {
                        explanation.push_str(&format!("; country {c} agrees"));
                    } else if !entity.countries.is_empty() {
                        explanation.push_str(&format!(
                            "; country {c} not among {}",
                            entity.countries.join(" ")
                        ));
                    }
                }
                PartyMatch {
                    list: &self.lists[*list_idx as usize],
                    entity,
                    matched_name: &n.form.original,
                    score: s,
                    explanation,
                }
            })
            .collect()
    }

    /// The names most worth scoring: ranked by the summed rarity of the keys they share.
    fn candidates(&self, form: &NameForm, s: &mut Scratch) -> Vec<u32> {
        if s.weight.len() < self.names.len() {
            s.weight.resize(self.names.len(), 0.0);
        }
        let n = self.names.len() as f32;
        let mut lists: Vec<(&Vec<u32>, f32)> = keys(form, Some(&self.postings))
            .into_iter()
            .filter_map(|(k, w)| self.postings.get(&k).map(|p| (p, w)))
            .collect();
        let has_rare = lists.iter().any(|(p, _)| p.len() <= COMMON_KEY);
        if has_rare {
            lists.retain(|(p, _)| p.len() <= COMMON_KEY);
        }
        for (postings, w) in lists {
            let idf = (1.0 + n / postings.len() as f32).ln() * w;
            // Every name of a rare key; of a common one (when there is no rarer), the first few.
            let gathered = if has_rare { postings.len() } else { COMMON_KEY };
            for &name in postings.iter().take(gathered) {
                let slot = &mut s.weight[name as usize];
                if *slot == 0.0 {
                    s.touched.push(name);
                }
                *slot += idf;
            }
        }
        let mut ranked: Vec<(f32, u32)> = s
            .touched
            .iter()
            .map(|&i| (s.weight[i as usize], i))
            .collect();
        for &i in &s.touched {
            s.weight[i as usize] = 0.0;
        }
        s.touched.clear();
        if ranked.len() > CANDIDATES {
            ranked
                .select_nth_unstable_by(CANDIDATES, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked.truncate(CANDIDATES);
        }
        ranked.into_iter().map(|(_, i)| i).collect()
    }
}

/// A country that agrees nudges the score up; one that the entity is not linked to, down.
fn qualify_by_country(score: f32, country: Option<&str>, entity: &Entity) -> f32 {
    match country {
        Some(c) if !entity.countries.is_empty() => {
            if entity.countries.iter().any(|x| x.eq_ignore_ascii_case(c)) {
                (score + 0.03).min(1.0)
            } else {
                score * 0.92
            }
        }
        _ => score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, schema: Schema, names: &[&str], countries: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            schema,
            names: names.iter().map(|s| s.to_string()).collect(),
            countries: countries.iter().map(|s| s.to_string()).collect(),
            programs: vec!["SDNTK".into()],
            notes: String::new(),
        }
    }

    #[test]
    fn finds_variants_and_ignores_unrelated_names() {
        let mut ix = Index::new();
        ix.add_list(
            "test",
            vec![
                entity(
                    "1",
                    Schema::Organization,
                    &["Wuhan Yuancheng Gongchuang Technology Co., Ltd."],
                    &["CN"],
                ),
                entity("2", Schema::Person, &["ZHENG, Fujing"], &["CN"]),
                entity(
                    "3",
                    Schema::Organization,
                    &["Shanghai Fast-Fine Chemicals Co., Ltd."],
                    &["CN"],
                ),
            ],
        );
        let q = |name| Query {
            name,
            country: None,
            schema: Schema::Unknown,
        };
        let hits = ix.search(&q("WUHAN YUANCHENG GONGCHUANG TECH CO LTD"), 0.7, 5);
        assert_eq!(hits[0].entity.id, "1");
        let hits = ix.search(&q("Fujing Zheng"), 0.7, 5);
        assert_eq!(hits[0].entity.id, "2");
        assert!(ix.search(&q("Shanghai Trading Company"), 0.7, 5).is_empty());
        assert!(ix.search(&q("Acme Chemicals Co., Ltd."), 0.7, 5).is_empty());
    }

    #[test]
    fn an_entry_with_a_huge_name_costs_what_a_name_at_the_limit_costs() {
        // As loaded from a database written before importers refused such names: 50 MB.
        let huge = format!(
            "Wuhan Yuancheng Gongchuang {}",
            "Technology ".repeat(5_000_000)
        );
        let mut ix = Index::new();
        ix.add_list(
            "test",
            vec![entity("1", Schema::Organization, &[&huge], &["CN"])],
        );
        let q = |name| Query {
            name,
            country: None,
            schema: Schema::Unknown,
        };
        let started = std::time::Instant::now();
        let hits = ix.search(&q("Wuhan Yuancheng Gongchuang Technology"), 0.5, 5);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].matched_name.len() <= crate::MAX_NAME_BYTES);
        assert!(hits[0].explanation.contains("was compared shortened"));
        // And a query of the same size.
        assert_eq!(ix.search(&q(&huge), 0.5, 5).len(), 1);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}
