//! The importers on the real list files in `shared/data/watchlists`, and screening quality on
//! yente's labelled sets: perturbed UN names must find their original (recall@1), synthetic
//! negatives must rarely match anything on the SDN.

use interdict_watchlist::import::{coalition_csv, ftm, ofac, un_xml};
use interdict_watchlist::{Entity, Index, Query, Schema, DEFAULT_THRESHOLD};

fn read(rel: &str, test: &str) -> Option<String> {
    let path = interdict_testkit::shared_file(rel, test)?;
    Some(std::fs::read_to_string(path).expect("shared file is UTF-8"))
}

fn sdn(test: &str) -> Option<Vec<Entity>> {
    let sdn = read("data/watchlists/sdn.csv", test)?;
    let alt = read("data/watchlists/watchman/tfidf_2025-12/alt.csv", test)?;
    let add = read("data/watchlists/watchman/tfidf_2025-12/add.csv", test)?;
    Some(ofac::parse(&sdn, Some(&alt), Some(&add)).expect("the real SDN file imports"))
}

#[test]
fn ofac_sdn_imports_with_aliases_and_drug_programs() {
    let Some(entities) = sdn("ofac_sdn_imports") else {
        return;
    };
    assert_eq!(entities.len(), 14965);
    let aliases: usize = entities.iter().map(|e| e.names.len() - 1).sum();
    assert!(aliases > 5000, "{aliases} aliases");
    let drug = entities
        .iter()
        .filter(|e| {
            e.programs
                .iter()
                .any(|p| p == "SDNTK" || p.contains("ILLICIT-DRUGS"))
        })
        .count();
    assert!(drug > 1000, "{drug} drug-program entries");
    assert!(entities.iter().filter(|e| !e.countries.is_empty()).count() > 8000);
}

#[test]
fn un_xml_imports_every_record() {
    let Some(xml) = read(
        "data/watchlists/watchman/UN_consolidated.xml",
        "un_xml_imports",
    ) else {
        return;
    };
    let entities = un_xml::parse(&xml).expect("the real UN file imports");
    let persons = entities
        .iter()
        .filter(|e| e.schema == Schema::Person)
        .count();
    assert_eq!((persons, entities.len() - persons), (730, 273));
}

#[test]
fn ftm_samples_import() {
    let Some(text) = read(
        "data/watchlists/yente/zala_entities.ftm.json",
        "ftm_samples_import",
    ) else {
        return;
    };
    let entities = ftm::parse(&text).expect("the FtM sample imports");
    assert!(entities.len() >= 10, "{}", entities.len());
    assert!(entities.iter().all(|e| !e.names.is_empty()));
    let Some(t1) = read(
        "data/watchlists/yente/t1_entities.ftm.json",
        "ftm_samples_import",
    ) else {
        return;
    };
    assert!(!ftm::parse(&t1).unwrap().is_empty());
}

#[test]
fn coalition_csv_round_trip() {
    let e = coalition_csv::parse("name,aliases,country,type,reference,notes\nA B C Chemical Co Ltd,ABC Chem,CN,company,R1,\n").unwrap();
    assert_eq!(e.len(), 1);
}

fn names_column(text: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|x| x.unwrap()[0].to_string()).collect()
}

#[test]
fn yente_perturbed_un_names_find_their_original() {
    let (Some(treated), Some(original)) = (
        read(
            "data/watchlists/yente/positives_un_treated.csv",
            "yente_recall",
        ),
        read(
            "data/watchlists/yente/positives_un_untreated.csv",
            "yente_recall",
        ),
    ) else {
        return;
    };
    let (treated, original) = (names_column(&treated), names_column(&original));
    assert_eq!(treated.len(), original.len());
    let entities: Vec<Entity> = original
        .iter()
        .enumerate()
        .map(|(i, n)| Entity {
            id: i.to_string(),
            schema: Schema::Person,
            names: vec![n.clone()],
            countries: vec![],
            programs: vec![],
            notes: String::new(),
        })
        .collect();
    let mut index = Index::new();
    index.add_list("un-originals", entities);
    let mut hits = 0;
    for (i, name) in treated.iter().enumerate() {
        let top = index.search(
            &Query {
                name,
                country: None,
                schema: Schema::Person,
            },
            0.0,
            1,
        );
        if top.first().map(|m| m.entity.id.as_str()) == Some(i.to_string().as_str())
            || top
                .first()
                .is_some_and(|m| original[m.entity.id.parse::<usize>().unwrap()] == original[i])
        {
            hits += 1;
        } else {
            eprintln!(
                "miss: {name:?} -> {:?} (want {:?})",
                top.first().map(|m| m.matched_name),
                original[i]
            );
        }
    }
    let recall = hits as f64 / treated.len() as f64;
    eprintln!("yente UN recall@1: {hits}/{} = {recall:.3}", treated.len());
    assert!(recall >= 0.95, "recall@1 {recall:.3}");
}

#[test]
fn yente_negatives_rarely_match_the_sdn() {
    let (Some(entities), Some(neg)) = (
        sdn("yente_negatives"),
        read(
            "data/watchlists/yente/negatives_global.csv",
            "yente_negatives",
        ),
    ) else {
        return;
    };
    let mut index = Index::new();
    index.add_list("us-ofac-sdn", entities);
    let names = names_column(&neg);
    let mut alarms = 0;
    for (k, name) in names.iter().enumerate() {
        let hits = index.search(
            &Query {
                name,
                country: None,
                schema: Schema::Unknown,
            },
            DEFAULT_THRESHOLD,
            1,
        );
        if let Some(h) = hits.first() {
            alarms += 1;
            if k % 7 == 0 {
                eprintln!("alarm {:.2}: {name:?} ~ {:?}", h.score, h.matched_name);
            }
        }
    }
    let rate = alarms as f64 / names.len() as f64;
    eprintln!(
        "yente negatives: {alarms}/{} = {rate:.4} matched the SDN",
        names.len()
    );
    assert!(rate < 0.02, "false-alarm rate {rate:.4}");
}
