//! False alarms on invented names built like real drug-program designees, and recall on
//! perturbed real designees, in one labelled set (issue 20).
//!
//! The negatives are invented here, deterministically, from pools of the words such names are
//! made of: Mexican and Colombian companies (`Grupo Comercial … S.A. de C.V.`, `Inversiones …
//! Ltda.`), Chinese chemical traders (`Hebei … Chemical Co., Ltd.`), and persons named in the
//! Spanish, Chinese and Arabic patterns of the SDNTK and ILLICIT-DRUGS entries. None is copied
//! from a list. An invented name that a reviewer would take for a listed one — its distinctive
//! words all among a listed name's, or a listed name's all among its own — is left out of the
//! negatives and counted as such, since a matcher must report those (the "second surname
//! dropped" variants are exactly that). The positives are the variants of every drug-program
//! designee that `drug_designee_variants` screens (see `support/variants.rs`). Both sides are
//! screened against the whole SDN with aliases, as declaration screening does (schema unknown,
//! default threshold).
//!
//! `cargo test --release -p interdict-watchlist --test invented_lookalikes -- --nocapture`
//! prints the figures and every alarm.

use std::collections::HashSet;

use interdict_watchlist::import::ofac;
use interdict_watchlist::{Entity, Index, Query, Schema, DEFAULT_THRESHOLD};

mod support;
use support::variants::{organisation_variants, person_variants, Rng};

fn read(rel: &str, test: &str) -> Option<String> {
    let path = interdict_testkit::shared_file(rel, test)?;
    Some(std::fs::read_to_string(path).expect("shared file is UTF-8"))
}

fn pick<'a>(rng: &mut Rng, pool: &[&'a str]) -> &'a str {
    pool[rng.below(pool.len())]
}

const ES_GIVEN: &[&str] = &[
    "Jose",
    "Juan",
    "Luis",
    "Carlos",
    "Jesus",
    "Miguel",
    "Francisco",
    "Antonio",
    "Alejandro",
    "Rafael",
    "Fernando",
    "Ricardo",
    "Jorge",
    "Mario",
    "Sergio",
    "Eduardo",
    "Roberto",
    "Raul",
    "Hector",
    "Arturo",
    "Manuel",
    "Pedro",
    "Oscar",
    "Victor",
    "Javier",
    "Ramon",
    "Ignacio",
    "Octavio",
    "Alfredo",
    "Gerardo",
    "Rodolfo",
    "Humberto",
    "Armando",
    "Guadalupe",
    "Maria",
    "Ana",
    "Rosa",
    "Patricia",
    "Laura",
    "Claudia",
    "Veronica",
    "Adriana",
    "Gabriela",
    "Leticia",
    "Sandra",
    "Alicia",
    "Marisol",
    "Teresa",
    "Elena",
    "Silvia",
    "Diana",
    "Yolanda",
    "Norma",
    "Martha",
    "Alma",
    "Beatriz",
    "Lucia",
    "Carmen",
    "Esperanza",
    "Dolores",
];
const ES_SURNAME: &[&str] = &[
    "Garcia",
    "Hernandez",
    "Lopez",
    "Martinez",
    "Gonzalez",
    "Rodriguez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Flores",
    "Gomez",
    "Diaz",
    "Torres",
    "Vazquez",
    "Cruz",
    "Morales",
    "Reyes",
    "Gutierrez",
    "Ortiz",
    "Ruiz",
    "Mendoza",
    "Castillo",
    "Chavez",
    "Jimenez",
    "Moreno",
    "Alvarez",
    "Romero",
    "Herrera",
    "Medina",
    "Aguilar",
    "Vargas",
    "Castro",
    "Guerrero",
    "Rojas",
    "Salazar",
    "Delgado",
    "Ortega",
    "Rios",
    "Navarro",
    "Dominguez",
    "Soto",
    "Contreras",
    "Luna",
    "Cardenas",
    "Espinoza",
    "Valdez",
    "Sandoval",
    "Ibarra",
    "Pacheco",
    "Carrillo",
    "Zamora",
    "Ochoa",
    "Beltran",
    "Quintero",
    "Villarreal",
    "Fuentes",
    "Arellano",
    "Guzman",
    "Felix",
    "Meza",
    "Leyva",
    "Serrano",
    "Acosta",
    "Rivera",
    "Barrera",
    "Macias",
    "Nunez",
    "Cabrera",
    "Escobar",
    "Montoya",
    "Restrepo",
    "Londono",
    "Arango",
    "Cifuentes",
    "Villa",
    "Osorio",
    "Henao",
    "Zapata",
];
const ZH_SURNAME: &[&str] = &[
    "Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
    "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai",
];
const ZH_SYLLABLE: &[&str] = &[
    "hua", "xin", "jin", "tai", "long", "sheng", "feng", "da", "yuan", "kang", "rui", "heng",
    "tong", "bo", "yu", "hao", "chuang", "de", "fu", "li", "an", "mei", "ke", "wei", "ming",
    "jian", "guo", "hong", "qiang", "zhi", "yong", "jun", "bin", "tao", "lei", "ping", "hui",
    "xiang", "yi", "chen", "lan", "qing", "shan", "xiao", "peng", "cheng", "kai", "run", "sen",
];
const AR_GIVEN: &[&str] = &[
    "Mohammed", "Ahmed", "Ali", "Hassan", "Hussein", "Khalid", "Omar", "Abdullah", "Ibrahim",
    "Youssef", "Mahmoud", "Mustafa", "Samir", "Tariq", "Walid", "Nabil", "Karim", "Fadi", "Rami",
    "Bilal", "Ziad", "Imad", "Jamal", "Adel", "Nasser", "Salim", "Hamza", "Yasser", "Anwar",
    "Rashid", "Faisal", "Majid", "Hisham", "Osama", "Saeed",
];
const AR_FAMILY: &[&str] = &[
    "Al-Hassan",
    "Al-Masri",
    "Haddad",
    "Khoury",
    "Nasser",
    "Saleh",
    "Mansour",
    "Abboud",
    "Hamdan",
    "Jaber",
    "Darwish",
    "Salem",
    "Qasim",
    "Al-Tamimi",
    "Barakat",
    "Shaheen",
    "Zaher",
    "Fakhoury",
    "Issa",
    "Al-Khatib",
    "Sabbagh",
    "Hijazi",
    "Karam",
    "Al-Azzawi",
    "Obeid",
    "Al-Shami",
    "Nassar",
    "Harb",
    "Moussa",
    "Al-Jabouri",
    "Kassem",
    "Fayad",
    "Srour",
];
const MX_PREFIX: &[&str] = &[
    "Grupo Comercial",
    "Comercializadora",
    "Distribuidora",
    "Importadora y Exportadora",
    "Servicios Integrales",
    "Inmobiliaria",
    "Constructora",
    "Transportes",
    "Agropecuaria",
    "Farmaceutica",
    "Productos Quimicos",
    "Abarrotes",
    "Casa de Cambio",
    "Grupo Industrial",
    "Operadora",
    "Desarrollos",
    "Comercial",
    "Quimica",
];
const MX_NAME: &[&str] = &[
    "del Norte",
    "del Pacifico",
    "Los Alamos",
    "San Miguel",
    "Santa Fe",
    "Las Palmas",
    "El Dorado",
    "Valle Verde",
    "Sierra Madre",
    "La Esperanza",
    "Del Golfo",
    "San Jose",
    "Monte Real",
    "Rio Bravo",
    "Puerto Nuevo",
    "Las Brisas",
    "La Herradura",
    "Tres Rios",
    "Bajio",
    "Culiacan",
    "Sinaloa",
    "Jalisco",
    "Sonora",
    "Tijuana",
    "Guadalajara",
    "Occidente",
    "Azteca",
    "Maya",
    "Real",
    "Imperial",
];
const MX_FORM: &[&str] = &[
    "S.A. de C.V.",
    "S. de R.L. de C.V.",
    "S.A.P.I. de C.V.",
    "S.C.",
    "SA de CV",
];
const CO_PREFIX: &[&str] = &[
    "Inversiones",
    "Comercializadora",
    "Inmobiliaria",
    "Agropecuaria",
    "Distribuciones",
    "Servicios",
    "Construcciones",
    "Sociedad Comercial",
];
const CO_FORM: &[&str] = &["Ltda.", "S.A.S.", "S.A.", "y Cia. Ltda.", "E.U."];
const CN_PLACE: &[&str] = &[
    "Hebei",
    "Hubei",
    "Wuhan",
    "Shanghai",
    "Guangzhou",
    "Shenzhen",
    "Henan",
    "Shandong",
    "Jiangsu",
    "Zhejiang",
    "Hangzhou",
    "Suzhou",
    "Xiamen",
    "Beijing",
    "Tianjin",
    "Changsha",
    "Hong Kong",
    "Nanjing",
    "Jinan",
    "Zhengzhou",
    "Shijiazhuang",
    "Chengdu",
    "Anhui",
    "Hunan",
];
const CN_TRADE: &[&str] = &[
    "Chemical",
    "Chemical Technology",
    "Biotechnology",
    "Bio-Tech",
    "Pharmaceutical",
    "Pharmaceutical Technology",
    "New Material Technology",
    "Import and Export Trading",
    "Trading",
    "Industrial",
    "Fine Chemical",
    "Biological Technology",
    "Technology",
    "Pharmatech",
    "Medical Technology",
    "Chemical Industry",
];
const CN_FORM: &[&str] = &[
    "Co., Ltd.",
    "Co., Ltd",
    "Company Limited",
    "Limited",
    "Co Ltd",
    "Group Co., Ltd.",
];

fn cap(s: &str) -> String {
    support::variants::title(s)
}

/// A pinyin trade name of two syllables (`Jinrui`) or two words (`Jin Rui`, rarely).
fn zh_trade_name(rng: &mut Rng) -> String {
    let (a, b) = (pick(rng, ZH_SYLLABLE), pick(rng, ZH_SYLLABLE));
    format!("{}{b}", cap(a))
}

/// The invented names of one pattern, `n` of them, with the pattern's label.
fn invent(rng: &mut Rng) -> (&'static str, Schema, String) {
    match rng.below(8) {
        0 | 1 => {
            let name = if rng.below(3) == 0 {
                format!("{} {}", pick(rng, ES_SURNAME), pick(rng, ES_SURNAME))
            } else {
                pick(rng, MX_NAME).to_string()
            };
            (
                "Mexican company",
                Schema::Organization,
                format!("{} {name} {}", pick(rng, MX_PREFIX), pick(rng, MX_FORM)),
            )
        }
        2 => {
            let name = match rng.below(3) {
                0 => format!("{} {}", pick(rng, ES_SURNAME), pick(rng, ES_SURNAME)),
                1 => format!("{} y {}", pick(rng, ES_SURNAME), pick(rng, ES_SURNAME)),
                _ => pick(rng, MX_NAME).to_string(),
            };
            (
                "Colombian company",
                Schema::Organization,
                format!("{} {name} {}", pick(rng, CO_PREFIX), pick(rng, CO_FORM)),
            )
        }
        3 | 4 => {
            let place = if rng.below(5) == 0 {
                String::new()
            } else {
                format!("{} ", pick(rng, CN_PLACE))
            };
            (
                "Chinese chemical company",
                Schema::Organization,
                format!(
                    "{place}{} {} {}",
                    zh_trade_name(rng),
                    pick(rng, CN_TRADE),
                    pick(rng, CN_FORM)
                ),
            )
        }
        5 => {
            let given = if rng.below(2) == 0 {
                pick(rng, ES_GIVEN).to_string()
            } else {
                format!("{} {}", pick(rng, ES_GIVEN), pick(rng, ES_GIVEN))
            };
            let surnames = if rng.below(4) == 0 {
                pick(rng, ES_SURNAME).to_string()
            } else {
                format!("{} {}", pick(rng, ES_SURNAME), pick(rng, ES_SURNAME))
            };
            let name = if rng.below(3) == 0 {
                format!("{}, {given}", surnames.to_uppercase())
            } else {
                format!("{given} {surnames}")
            };
            ("Spanish person", Schema::Person, name)
        }
        6 => {
            let surname = pick(rng, ZH_SURNAME);
            let given = if rng.below(4) == 0 {
                cap(pick(rng, ZH_SYLLABLE))
            } else {
                zh_trade_name(rng)
            };
            let name = if rng.below(2) == 0 {
                format!("{}, {given}", surname.to_uppercase())
            } else {
                format!("{surname} {given}")
            };
            ("Chinese person", Schema::Person, name)
        }
        _ => {
            let given = pick(rng, AR_GIVEN);
            let name = match rng.below(3) {
                0 => format!("{given} {} {}", pick(rng, AR_GIVEN), pick(rng, AR_FAMILY)),
                1 => format!(
                    "{given} bin {} {}",
                    pick(rng, AR_GIVEN),
                    pick(rng, AR_FAMILY)
                ),
                _ => format!("{given} {}", pick(rng, AR_FAMILY)),
            };
            ("Arabic person", Schema::Person, name)
        }
    }
}

/// Words that say what kind (single letters, the pieces of `S.A.P.I.`, are dropped as well) of party or business a name is, not which one: they do not make an
/// invented name the same as a listed one.
const GENERIC: &[&str] = &[
    "sa",
    "de",
    "cv",
    "rl",
    "sapi",
    "sc",
    "ltda",
    "sas",
    "y",
    "cia",
    "eu",
    "co",
    "ltd",
    "company",
    "limited",
    "group",
    "grupo",
    "comercial",
    "comercializadora",
    "distribuidora",
    "importadora",
    "exportadora",
    "servicios",
    "integrales",
    "inmobiliaria",
    "constructora",
    "transportes",
    "agropecuaria",
    "farmaceutica",
    "productos",
    "quimicos",
    "abarrotes",
    "casa",
    "cambio",
    "industrial",
    "operadora",
    "desarrollos",
    "quimica",
    "inversiones",
    "distribuciones",
    "construcciones",
    "sociedad",
    "chemical",
    "technology",
    "biotechnology",
    "bio",
    "tech",
    "pharmaceutical",
    "new",
    "material",
    "import",
    "and",
    "export",
    "trading",
    "fine",
    "biological",
    "pharmatech",
    "medical",
    "industry",
    "del",
    "la",
    "las",
    "los",
    "el",
    "bin",
    "al",
];

fn distinctive_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1 && !GENERIC.contains(w))
        .map(str::to_string)
        .collect()
}

/// Whether a reviewer would take `invented` for `listed`: all distinctive words of one are among
/// the other's (a name with a word left out or added), at least two of them, or the one word of
/// a one-word name.
fn same_party_by_words(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let common = a.intersection(b).count();
    (a.is_subset(b) || b.is_subset(a))
        && (common >= 2 || (common == 1 && a.len().max(b.len()) == 1))
}

#[test]
fn invented_lookalikes_rarely_match_and_designee_variants_are_found() {
    let (Some(sdn), Some(alt), Some(add)) = (
        read("data/watchlists/sdn.csv", "invented_lookalikes"),
        read(
            "data/watchlists/watchman/tfidf_2025-12/alt.csv",
            "invented_lookalikes",
        ),
        read(
            "data/watchlists/watchman/tfidf_2025-12/add.csv",
            "invented_lookalikes",
        ),
    ) else {
        return;
    };
    let entities: Vec<Entity> = ofac::parse(&sdn, Some(&alt), Some(&add)).expect("SDN imports");
    let listed_words: Vec<HashSet<String>> = entities
        .iter()
        .flat_map(|e| e.names.iter())
        .map(|n| distinctive_words(n).into_iter().collect())
        .collect();
    // Listed names by each of their distinctive words, so that only names sharing a word are
    // compared.
    let mut by_word: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (k, words) in listed_words.iter().enumerate() {
        for w in words {
            by_word.entry(w.as_str()).or_default().push(k);
        }
    }
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

    // The negatives: 4,000 distinct invented names, those a reviewer would call listed set aside.
    let mut rng = Rng(20_2026);
    let mut seen = HashSet::new();
    let mut negatives = Vec::new();
    let mut set_aside = 0;
    while negatives.len() < 4000 {
        let (kind, schema, name) = invent(&mut rng);
        if !seen.insert(name.clone()) {
            continue;
        }
        let words: HashSet<String> = distinctive_words(&name).into_iter().collect();
        let same = words
            .iter()
            .filter_map(|w| by_word.get(w.as_str()))
            .flatten()
            .find(|&&k| same_party_by_words(&words, &listed_words[k]));
        if let Some(&k) = same {
            set_aside += 1;
            eprintln!("set aside [{kind}] {name:?} ({:?})", listed_words[k]);
            continue;
        }
        negatives.push((kind, schema, name));
    }
    let mut alarms_by_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut alarms = 0;
    for (kind, _, name) in &negatives {
        let hits = index.search(
            &Query {
                name,
                country: None,
                schema: Schema::Unknown,
            },
            DEFAULT_THRESHOLD,
            1,
        );
        let e = alarms_by_kind.entry(kind).or_default();
        e.1 += 1;
        if let Some(h) = hits.first() {
            alarms += 1;
            e.0 += 1;
            eprintln!(
                "alarm {:.3} [{kind}] {name:?} ~ {:?}",
                h.score, h.matched_name
            );
        }
    }
    for (kind, (a, n)) in &alarms_by_kind {
        eprintln!("{kind:<26} {a:>4}/{n:<5} {:.4}", *a as f64 / *n as f64);
    }
    let rate = alarms as f64 / negatives.len() as f64;
    eprintln!(
        "invented look-alikes: {alarms}/{} = {rate:.4} matched the SDN at {DEFAULT_THRESHOLD} \
         ({set_aside} invented names set aside as a listed name with a word more or less)",
        negatives.len()
    );

    // The positives: every drug-program designee's variants, as in `drug_designee_variants`.
    let (mut found, mut total) = (0, 0);
    for e in &drug {
        let mut rng = Rng(e.id.parse::<u64>().unwrap_or(0));
        let variants = match e.schema {
            Schema::Person => person_variants(&e.names[0], &mut rng),
            Schema::Organization => organisation_variants(&e.names[0], &mut rng),
            _ => Vec::new(),
        };
        for (_, variant) in variants {
            let hits = index.search(
                &Query {
                    name: &variant,
                    country: None,
                    schema: Schema::Unknown,
                },
                DEFAULT_THRESHOLD,
                10,
            );
            let top = hits.first().map_or(0.0, |m| m.score);
            total += 1;
            if hits
                .iter()
                .any(|m| m.entity.id == e.id && m.score >= top - 1e-6)
            {
                found += 1;
            }
        }
    }
    let recall = found as f64 / total as f64;
    eprintln!("perturbed designees (schema unknown): {found}/{total} = {recall:.3} found first");
    assert!(set_aside < 400, "{set_aside} invented names set aside");
    assert!(rate <= 0.03, "false-alarm rate {rate:.4}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
