//! Recall on variants of drug-program designees: every SDN entry under SDNTK or
//! ILLICIT-DRUGS-EO14059 is rewritten the ways traders and clerks rewrite names on declarations
//! (given names first, the second surname dropped, a middle name cut to an initial, a typo, another
//! company form, the province dropped, a trade word shortened, words glued) and screened against
//! the whole SDN with aliases. A variant counts as found when the designee is the top match at or
//! above the default threshold. The variants are made here, deterministically, from the real
//! list, so the figures are reproducible; they complement nomenklatura's and yente's sets, which
//! hold few of these designees.

use std::collections::BTreeMap;

use interdict_watchlist::import::ofac;
use interdict_watchlist::{Entity, Index, Query, Schema, DEFAULT_THRESHOLD};

fn read(rel: &str, test: &str) -> Option<String> {
    let path = interdict_testkit::shared_file(rel, test)?;
    Some(std::fs::read_to_string(path).expect("shared file is UTF-8"))
}

/// A small deterministic generator (SplitMix64), seeded per entry, so every run makes the same
/// variants without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn title(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// One keyboard-style typo in a word of five letters or more: a letter dropped, doubled,
/// replaced by a neighbour on the keyboard, or two letters swapped.
fn typo(word: &str, rng: &mut Rng) -> String {
    let mut b: Vec<char> = word.chars().collect();
    let n = b.len();
    // Not the first letter: people rarely get it wrong.
    let p = 1 + rng.below(n - 2);
    match rng.below(4) {
        0 => {
            b.remove(p);
        }
        1 => b.insert(p, b[p]),
        2 => {
            const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
            let c = b[p].to_ascii_lowercase();
            if let Some(row) = ROWS.iter().find(|r| r.contains(c)) {
                let r: Vec<char> = row.chars().collect();
                let k = r.iter().position(|&x| x == c).unwrap_or(0);
                let neighbour = if k + 1 < r.len() { r[k + 1] } else { r[k - 1] };
                b[p] = if b[p].is_uppercase() {
                    neighbour.to_ascii_uppercase()
                } else {
                    neighbour
                };
            } else {
                b.remove(p);
            }
        }
        _ => b.swap(p, p + 1),
    }
    b.into_iter().collect()
}

fn longest_word_typo(words: &[String], rng: &mut Rng) -> Option<Vec<String>> {
    let (k, w) = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.chars().all(char::is_alphabetic) && w.chars().count() >= 5)
        .max_by_key(|(_, w)| w.len())?;
    let mut out = words.to_vec();
    out[k] = typo(w, rng);
    Some(out)
}

/// Variants of an SDN person name `SURNAMES, Given names`.
fn person_variants(name: &str, rng: &mut Rng) -> Vec<(&'static str, String)> {
    let Some((surnames, given)) = name.split_once(", ") else {
        return Vec::new();
    };
    let surnames: Vec<String> = surnames.split_whitespace().map(title).collect();
    let given: Vec<String> = given.split_whitespace().map(title).collect();
    if surnames.is_empty() || given.is_empty() {
        return Vec::new();
    }
    let mut v = vec![(
        "given names first",
        format!("{} {}", given.join(" "), surnames.join(" ")),
    )];
    // Two surnames (`GUZMAN LOPEZ`), not a surname with a particle (`EL KHANSA`, `DA COSTA`).
    if surnames.len() == 2 && surnames[0].len() > 3 {
        v.push((
            "second surname dropped",
            format!("{} {}", given.join(" "), surnames[0]),
        ));
    }
    if given.len() >= 2 {
        let initial: String = given[1].chars().take(1).collect();
        v.push((
            "middle name as initial",
            format!("{} {}. {}", given[0], initial, surnames.join(" ")),
        ));
    }
    let all: Vec<String> = given.iter().chain(&surnames).cloned().collect();
    if let Some(t) = longest_word_typo(&all, rng) {
        v.push(("typo", t.join(" ")));
    }
    v
}

const FORMS: &[(&str, &str)] = &[
    ("CO., LTD.", "Company Limited"),
    ("CO., LTD", "Co Ltd"),
    ("COMPANY LIMITED", "Co., Ltd."),
    ("LIMITED", "Ltd"),
    ("S.A. DE C.V.", "SA de CV"),
    ("S. DE R.L. DE C.V.", "S de RL de CV"),
    ("S.A.S.", "SAS"),
    ("S.A.", "Sociedad Anonima"),
    ("SOCIEDAD ANONIMA", "S.A."),
    ("LTDA.", "Limitada"),
    ("INC.", "Incorporated"),
    ("LLC", "L.L.C."),
];

const PROVINCES: &[&str] = &[
    "HEBEI",
    "HUBEI",
    "WUHAN",
    "SHANGHAI",
    "GUANGZHOU",
    "SHENZHEN",
    "HENAN",
    "SHANDONG",
    "JIANGSU",
    "ZHEJIANG",
    "HANGZHOU",
    "SUZHOU",
    "XIAMEN",
    "BEIJING",
    "TIANJIN",
    "CHANGSHA",
    "HONG KONG",
];

const SHORTER: &[(&str, &str)] = &[
    ("BIOTECHNOLOGY", "Biotech"),
    ("TECHNOLOGY", "Tech"),
    ("PHARMACEUTICAL", "Pharma"),
    ("CHEMICAL", "Chem"),
    ("TRADING", "Trade"),
    ("INTERNATIONAL", "Intl"),
    ("IMPORT AND EXPORT", "Imp & Exp"),
];

/// Variants of an organisation's name.
fn organisation_variants(name: &str, rng: &mut Rng) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    let upper = name.to_uppercase();
    if let Some((form, other)) = FORMS.iter().find(|(f, _)| upper.ends_with(f)) {
        let stem = name[..name.len() - form.len()].trim_end_matches([' ', ',']);
        v.push(("another company form", format!("{stem} {other}")));
        v.push(("company form dropped", stem.to_string()));
    }
    if let Some(p) = PROVINCES
        .iter()
        .find(|p| upper.starts_with(&format!("{p} ")))
    {
        v.push(("province dropped", name[p.len() + 1..].to_string()));
    }
    if let Some((long, short)) = SHORTER.iter().find(|(l, _)| upper.contains(l)) {
        v.push(("trade word shortened", upper.replacen(long, short, 1)));
    }
    let words: Vec<String> = name.split_whitespace().map(str::to_string).collect();
    if let Some(t) = longest_word_typo(&words, rng) {
        v.push(("typo", t.join(" ")));
    }
    v.push((
        "lower case, no punctuation",
        name.to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect(),
    ));
    v
}

#[test]
fn drug_designee_variants_find_the_designee() {
    let (Some(sdn), Some(alt), Some(add)) = (
        read("data/watchlists/sdn.csv", "drug_designee_variants"),
        read(
            "data/watchlists/watchman/tfidf_2025-12/alt.csv",
            "drug_designee_variants",
        ),
        read(
            "data/watchlists/watchman/tfidf_2025-12/add.csv",
            "drug_designee_variants",
        ),
    ) else {
        return;
    };
    let entities: Vec<Entity> = ofac::parse(&sdn, Some(&alt), Some(&add)).expect("SDN imports");
    let drug: Vec<Entity> = entities
        .iter()
        .filter(|e| {
            e.programs
                .iter()
                .any(|p| p == "SDNTK" || p.contains("ILLICIT-DRUGS"))
        })
        .cloned()
        .collect();
    let mut index = Index::new();
    index.add_list("us-ofac-sdn", entities);

    // kind -> (found first, total, reported at all)
    let mut tally: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for e in &drug {
        let mut rng = Rng(e.id.parse::<u64>().unwrap_or(0));
        let primary = &e.names[0];
        let variants = match e.schema {
            Schema::Person => person_variants(primary, &mut rng),
            Schema::Organization => organisation_variants(primary, &mut rng),
            _ => Vec::new(),
        };
        for (kind, variant) in variants {
            let hits = index.search(
                &Query {
                    name: &variant,
                    country: None,
                    schema: e.schema,
                },
                DEFAULT_THRESHOLD,
                10,
            );
            // The designee first, or tied for first with another entry of the same name (the SDN
            // lists some names twice).
            let top = hits.first().map_or(0.0, |m| m.score);
            let found = hits
                .iter()
                .any(|m| m.entity.id == e.id && m.score >= top - 1e-6);
            let reported = hits.iter().any(|m| m.entity.id == e.id);
            let entry = tally.entry(kind).or_default();
            entry.1 += 1;
            entry.2 += usize::from(reported);
            if found {
                entry.0 += 1;
            } else {
                misses.push(format!(
                    "miss [{kind}] {variant:?} (want {primary:?}) -> {:?}",
                    hits.first().map(|m| (m.matched_name, m.score))
                ));
            }
        }
    }
    for m in &misses {
        eprintln!("{m}");
    }
    let (mut found, mut total, mut reported) = (0, 0, 0);
    for (kind, (f, t, r)) in &tally {
        eprintln!(
            "{kind:<28} {f:>5}/{t:<5} {:.3} first   {:.3} reported",
            *f as f64 / *t as f64,
            *r as f64 / *t as f64
        );
        found += f;
        total += t;
        reported += r;
    }
    let recall = found as f64 / total as f64;
    eprintln!(
        "drug-designee variants: {found}/{total} = {recall:.3} first, {:.3} reported, at threshold {DEFAULT_THRESHOLD} ({} designees)",
        reported as f64 / total as f64,
        drug.len()
    );
    assert!(total > 3000, "only {total} variants");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
