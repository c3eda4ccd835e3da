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

mod support;
use support::variants::{organisation_variants, person_variants, Rng};

fn read(rel: &str, test: &str) -> Option<String> {
    let path = interdict_testkit::shared_file(rel, test)?;
    Some(std::fs::read_to_string(path).expect("shared file is UTF-8"))
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
