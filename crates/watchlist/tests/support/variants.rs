//! Name variants shared by the screening-quality tests: a deterministic generator and the ways
//! traders and clerks rewrite a listed name on a declaration (given names first, the second
//! surname dropped, a middle name cut to an initial, a typo, another company form, the province
//! dropped, a trade word shortened, words glued).

#![allow(dead_code)]

/// A small deterministic generator (SplitMix64), seeded per entry, so every run makes the same
/// variants without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn title(word: &str) -> String {
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
pub fn typo(word: &str, rng: &mut Rng) -> String {
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
pub fn person_variants(name: &str, rng: &mut Rng) -> Vec<(&'static str, String)> {
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

pub const PROVINCES: &[&str] = &[
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
pub fn organisation_variants(name: &str, rng: &mut Rng) -> Vec<(&'static str, String)> {
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
