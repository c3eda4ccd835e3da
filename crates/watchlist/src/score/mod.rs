//! Scoring two names: align their tokens, weigh what matched, adjust by rules, explain it.
//!
//! Tokens are aligned ([`align`]): words written as one on one side and two on the other, then
//! greedily by similarity (exact, nickname and trade-word families, romanisation, Wade–Giles,
//! edit distance, phonetic, initials), then acronyms. Each side's *coverage* is the weighted
//! share of its tokens that found a partner. The score leans on the shorter name's coverage (a
//! listed name is often longer than the one on a declaration) but a one-word name must be
//! covered by the other to score high, so short names do not match everything. The rules of
//! [`rules::RULES`] then adjust it: numbers must agree, two names that each carry a different
//! qualifier (`ICBC (Asia)` / `ICBC (London)`) are told apart, and so on. [`explain`] tells it
//! all in words.

mod align;
mod explain;
mod rules;

use std::fmt::Write as _;

use crate::names::{NameForm, Token, TokenKind};
use crate::schema::Schema;
use align::{Alignment, Side};

/// A score and the reasons for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub score: f32,
    pub explanation: String,
}

/// Compares two names. `schema` tunes how much extra words on the longer name matter.
///
/// A name over the limits of [`NameForm::new`] was read shortened; the explanation then says so.
pub fn compare(a: &NameForm, b: &NameForm, schema: Schema) -> Comparison {
    let mut comparison = compare_impl(a, b, schema, true);
    for form in [a, b] {
        if let Some(cut) = &form.cut {
            let _ = write!(
                comparison.explanation,
                "; \"{}\" was compared shortened ({cut}; a name is compared on its first {} bytes and {} words)",
                interdict_core::text::clip(&form.original, 60),
                crate::names::MAX_NAME_BYTES,
                crate::names::MAX_NAME_WORDS,
            );
        }
    }
    comparison
}

/// The score alone, without building the explanation (the screening hot path).
pub(crate) fn score(a: &NameForm, b: &NameForm, schema: Schema) -> f32 {
    compare_impl(a, b, schema, false).score
}

fn compare_impl(a: &NameForm, b: &NameForm, schema: Schema, explain: bool) -> Comparison {
    // Alternatives written with a slash: the best-matching alternative speaks for the name.
    for (x, y, x_is_a) in [(a, b, true), (b, a, false)] {
        if !x.alternatives.is_empty() {
            return x
                .alternatives
                .iter()
                .map(|p| {
                    if x_is_a {
                        compare_impl(p, y, schema, explain)
                    } else {
                        compare_impl(y, p, schema, explain)
                    }
                })
                .max_by(|p, q| p.score.total_cmp(&q.score))
                .unwrap_or(Comparison {
                    score: 0.0,
                    explanation: String::new(),
                });
        }
    }
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return Comparison {
            score: 0.0,
            explanation: "empty name".into(),
        };
    }
    let alignment = align::align(a, b, schema);
    let base = coverage_score(a, b, schema, &alignment);
    let facts = rules::Facts {
        a,
        b,
        schema,
        alignment: &alignment,
        pairs: alignment.pairs().collect(),
    };
    let (score, applied) = rules::apply(&facts, base);
    Comparison {
        score: score.clamp(0.0, 1.0),
        explanation: if explain {
            explain::explain(a, b, &alignment, applied.iter().map(|r| &*r.note))
        } else {
            String::new()
        },
    }
}

/// The score from how much of each name the alignment covered, before the rules.
fn coverage_score(a: &NameForm, b: &NameForm, schema: Schema, alignment: &Alignment) -> f32 {
    // A place on one organisation's name when the other names none says where, not who
    // (`PLA China`, `Wuhan Hongxin`): it counts a third. Not a country on the longer name,
    // which marks a national subsidiary (see the rules).
    let (words_a, words_b) = (a.word_count(), b.word_count());
    let has_place = |n: &NameForm| n.tokens.iter().any(|t| t.kind == TokenKind::Place);
    let discount = |this: &NameForm, other: &NameForm| {
        schema != Schema::Person && has_place(this) && !has_place(other)
    };
    let (discount_a, discount_b) = (discount(a, b), discount(b, a));
    let weight = |t: &Token, discounted: bool, longer: bool| {
        if t.kind == TokenKind::Core && t.text.len() == 1 {
            0.5 // an initial
        } else if discounted && t.kind == TokenKind::Place && !(longer && rules::is_country(t)) {
            t.kind.weight() / 3.0
        } else {
            t.kind.weight()
        }
    };
    let weight_a = |t: &Token| weight(t, discount_a, words_a > words_b);
    let weight_b = |t: &Token| weight(t, discount_b, words_b > words_a);
    let (wa, wb): (f32, f32) = (
        a.tokens.iter().map(weight_a).sum(),
        b.tokens.iter().map(weight_b).sum(),
    );
    // Summed in the order the alignment found its links.
    let covered = |side: Side, name: &NameForm, weight: &dyn Fn(&Token) -> f32| -> f32 {
        alignment
            .links
            .iter()
            .filter_map(|l| l.on(side))
            .map(|(i, sim)| sim * weight(&name.tokens[i]))
            .sum()
    };
    let (got_a, got_b) = (
        covered(Side::A, a, &weight_a),
        covered(Side::B, b, &weight_b),
    );
    let (cov_a, cov_b) = (got_a / wa, got_b / wb);
    let (short, long, short_name) = if wa <= wb {
        (cov_a, cov_b, a)
    } else {
        (cov_b, cov_a, b)
    };
    // How much the longer name's unmatched words count against the match.
    let lean = match (schema, short_name.core_count()) {
        (_, 0 | 1) => 0.45,
        (Schema::Organization | Schema::Vessel | Schema::Aircraft, _) => 0.55,
        _ => 0.8,
    };
    short * (lean + (1.0 - lean) * long)
}

#[cfg(test)]
mod tests {
    use super::align::{Link, Pair};
    use super::*;

    /// The rules that applied to a comparison, by name, in order.
    fn applied(a: &str, b: &str, schema: Schema) -> Vec<&'static str> {
        let (a, b) = (NameForm::new(a), NameForm::new(b));
        let alignment = align::align(&a, &b, schema);
        let facts = rules::Facts {
            a: &a,
            b: &b,
            schema,
            alignment: &alignment,
            pairs: alignment.pairs().collect(),
        };
        let base = coverage_score(&a, &b, schema, &alignment);
        rules::apply(&facts, base)
            .1
            .into_iter()
            .map(|r| r.rule)
            .collect()
    }

    #[test]
    fn every_rule_of_the_table_applies_somewhere() {
        let (p, o) = (Schema::Person, Schema::Organization);
        let cases = [
            (
                "Salman bin Muhammad al-Rawi",
                "Muhammad bin Salman al-Rawi",
                p,
            ),
            ("Xi Jin Ping", "XiJinping", p),
            ("Fund II", "Fund", o),
            ("Trust 2004-1", "Trust 2004-2", o),
            (
                "Chemical Trading Co., Ltd.",
                "Wuhan Hongxin Chemical Trading Co., Ltd.",
                o,
            ),
            ("Banco Santander S.A.", "Banco Santander Mexico S.A.", o),
            ("高石早苗", "高市早苗", p),
            ("Juan Carlos", "RAMIREZ ABADIA, Juan Carlos", p),
            ("Frost, William G.", "William W Frost", p),
            ("ICBC (Asia) Limited", "ICBC (London) plc", o),
        ];
        for (rule, (a, b, schema)) in rules::RULES.iter().zip(cases) {
            assert!(
                applied(a, b, schema).contains(&rule.name),
                "{}: {a} / {b} gave {:?}",
                rule.name,
                applied(a, b, schema)
            );
        }
        assert_eq!(rules::RULES.len(), cases.len());
        assert!(applied("Olaf Scholz", "Olaf Scholz", p).is_empty());
    }

    #[test]
    fn words_covered_within_a_match_pair_with_nothing() {
        let (a, b) = (
            NameForm::new("PLA China"),
            NameForm::new("People's Liberation Army"),
        );
        let alignment = align::align(&a, &b, Schema::Organization);
        assert_eq!(
            alignment.links,
            [
                Link::Pair(Pair {
                    sim: 0.9,
                    a: 0,
                    b: 0
                }),
                Link::Within {
                    side: Side::B,
                    token: 1,
                    sim: 0.9
                },
                Link::Within {
                    side: Side::B,
                    token: 2,
                    sim: 0.9
                },
            ]
        );
        assert_eq!(alignment.pairs().count(), 1);
        let (a, b) = (
            NameForm::new("Mohammadhasni Khan"),
            NameForm::new("Mohammad Hasni Khan"),
        );
        let alignment = align::align(&a, &b, Schema::Person);
        assert_eq!(alignment.glued.len(), 1);
        assert_eq!(alignment.glued[0].wording, "mohammad hasni=mohammadhasni");
        assert!(alignment.links.contains(&Link::Within {
            side: Side::B,
            token: 1,
            sim: 1.0
        }));
        assert!(alignment.used_a.iter().chain(&alignment.used_b).all(|&u| u));
    }

    fn s(a: &str, b: &str, schema: Schema) -> f32 {
        compare(&NameForm::new(a), &NameForm::new(b), schema).score
    }

    #[test]
    fn names_of_any_length_compare_in_bounded_time_and_say_they_were_shortened() {
        // 20,000 distinct words (the issue: 68 s and 24 GB for one pair before the limits).
        let word = |k: usize| {
            format!(
                "w{}",
                (0..4)
                    .map(|d| char::from(b'a' + (k >> (4 * d) & 15) as u8))
                    .collect::<String>()
            )
        };
        let many: Vec<String> = (0..20_000).map(word).collect();
        let (a, b) = (
            many.join(" "),
            many.iter().rev().cloned().collect::<Vec<_>>().join(" "),
        );
        // And the worst within the limits: two names of MAX_NAME_WORDS words, and two of one
        // 1,024-letter word a few typos apart.
        let full_a = many[..crate::MAX_NAME_WORDS].join(" ");
        let full_b = many[1..=crate::MAX_NAME_WORDS].join(" ");
        let long_a = "ab".repeat(512);
        let long_b = format!("ba{}", "ab".repeat(511));
        let started = std::time::Instant::now();
        for (x, y) in [(&a, &b), (&a, &a), (&full_a, &full_b), (&long_a, &long_b)] {
            let (fx, fy) = (NameForm::new(x), NameForm::new(y));
            for schema in [Schema::Person, Schema::Organization] {
                let c = compare(&fx, &fy, schema);
                assert!((0.0..=1.0).contains(&c.score));
                // The explanation quotes the names, each at most MAX_NAME_BYTES.
                assert!(
                    c.explanation.len() < 6 * crate::MAX_NAME_BYTES,
                    "{}",
                    c.explanation.len()
                );
            }
        }
        // Milliseconds in a release build; generous for a debug build on a busy machine.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        let c = compare(
            &NameForm::new(&a),
            &NameForm::new("Olaf Scholz"),
            Schema::Person,
        );
        assert!(
            c.explanation.ends_with(&format!(
                "was compared shortened (a name of {} bytes is over the limit of 1024 bytes; a name \
                 is compared on its first 1024 bytes and 128 words)",
                a.len()
            )),
            "{}",
            c.explanation
        );
        assert!(!compare(
            &NameForm::new(&full_a),
            &NameForm::new(&full_a),
            Schema::Person
        )
        .explanation
        .contains("shortened"));
    }

    /// A surname spelt like a company form (`PAO`, the Russian public joint-stock company) still
    /// has to match: an invented `Hua Chiang ZAPATA GHANI` is not `PAO, Hua Chiang` (issue 20).
    #[test]
    fn a_surname_spelt_like_a_company_form_must_match() {
        assert!(s("Hua Chiang ZAPATA GHANI", "PAO, Hua Chiang", Schema::Person) < 0.73);
        assert!(s("Hua Chiang PAO", "PAO, Hua Chiang", Schema::Person) > 0.85);
        assert!(s("PAO Gazprom", "Gazprom PAO", Schema::Organization) > 0.85);
    }

    /// Invented names built like drug-program designees (issue 20): a short name's phonetic key
    /// is not enough when the words begin otherwise, particles are no acronym, and a name of
    /// generic words does not confirm one that names a place.
    #[test]
    fn invented_designee_lookalikes_stay_below_the_threshold() {
        let t = crate::DEFAULT_THRESHOLD;
        let u = Schema::Unknown;
        assert!(s("Imad Al-Shami", "AL-SHAMI, Ahmad", u) < t);
        assert!(s("Ahmad Al-Shami", "AL-SHAMI, Ahmad", u) >= t);
        assert!(s("Osama Hamdan", "Usama Hamdan", Schema::Person) >= t);
        assert!(s("Transportes Sinaloa S.A. de C.V.", "TRANSPORTES LC", u) < t);
        assert!(
            s(
                "Casa de Cambio Aguilar Perez S.C.",
                "ESPINOZA AGUILAR, Diana",
                u
            ) < t
        );
        assert!(
            s(
                "Transportes Sinaloa S.A. de C.V.",
                "TRANSPORTES SINALOA, S.A. DE C.V.",
                u
            ) >= t
        );
    }

    #[test]
    fn spelling_variants_match_and_different_people_do_not() {
        assert!(s("Olaf Scholze", "Olaf Scholz", Schema::Person) > 0.85);
        assert!(s("Octavian Scholz", "Olaf Scholz", Schema::Person) < 0.7);
        assert!(s("Ben Netanyahu", "Benjamin Netanyahu", Schema::Person) > 0.85);
        assert!(s("Sergey Ivanov", "Sergey Viktorovich LAVROV", Schema::Person) < 0.6);
        assert!(s("WALIJAN", "WALIJAN ABDUL GHAFOOR HAQQANI", Schema::Person) < 0.7);
        assert!(
            s(
                "AKHTAR MANSOUR",
                "AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED",
                Schema::Person
            ) > 0.8
        );
    }

    #[test]
    fn evasions_and_transliterations_of_this_session() {
        let t = crate::DEFAULT_THRESHOLD;
        // Digits for letters, a glued company form, a transposed pair, Abd al- = Abdul.
        assert!(s("Ig0r Sech1n", "Igor Sechin", Schema::Person) >= t);
        assert!(s("SiemensAG", "Siemens AG", Schema::Organization) >= t);
        assert!(s("Bashar al-Asasd", "Bashar al-Assad", Schema::Person) >= t);
        assert!(
            s(
                "'Abd al-Aziz al-Nuristani",
                "Abdul Aziz Nooristani",
                Schema::Person
            ) >= t
        );
        // Numbers at a word's edge stay numbers; the genealogy around `bin` matters.
        assert!(s("Trust 2007-AHL1", "Trust 2007-AHL2", Schema::Organization) < t);
        assert!(
            s(
                "Salman bin Muhammad al-Rawi",
                "Muhammad bin Salman al-Rawi",
                Schema::Person
            ) < t
        );
        assert!(s("bin Salman Mohammed", "Mohammed bin Salman", Schema::Person) >= t);
        // National subsidiaries and characters that transliterate alike.
        assert!(
            s(
                "Banco Santander S.A.",
                "Banco Santander Mexico S.A.",
                Schema::Organization
            ) < t
        );
        assert!(s("高石早苗", "高市早苗", Schema::Person) < t);
        assert!(s("김종은", "김정은", Schema::Person) < t);
        // Alternatives with a slash; a name of generic words only confirms nothing.
        assert!(s("Al Qaeda", "Al-Qa'ida/Islamic Army", Schema::Organization) >= t);
        assert!(
            s(
                "Bowne Denmark A/S",
                "Bowne Denmark A/S",
                Schema::Organization
            ) >= t
        );
        assert!(
            s(
                "Chemical Trading Co., Ltd.",
                "Wuhan Hongxin Chemical Trading Co., Ltd.",
                Schema::Organization
            ) < t
        );
    }

    #[test]
    fn romanisations_glued_words_qualifiers_and_initials() {
        let t = crate::DEFAULT_THRESHOLD;
        // Romanisations of one name, a word written as two, one word moved to the front.
        assert!(s("Saddam Husayn", "Saddam Hussein", Schema::Person) >= t);
        assert!(s("Saddam Hassan", "Saddam Hussein", Schema::Person) < t);
        assert!(
            s(
                "Sergejs Lavrovs",
                "Sergey Viktorovich LAVROV",
                Schema::Person
            ) >= t
        );
        assert!(
            s(
                "MOHAMMAD HASNI HAJI ASAD KHAN ZARKARI",
                "HAJI ASAD KHAN ZARKARI MOHAMMADHASNI",
                Schema::Person
            ) >= t
        );
        // A typo in the company form; a number in words and digits; a place as a qualifier.
        assert!(s("Siemens AkG", "Siemens AG", Schema::Organization) >= t);
        assert!(s("Brigade Forty 4", "Brigade 44", Schema::Organization) >= t);
        assert!(s("Brigade Forty 5", "Brigade 44", Schema::Organization) < t);
        assert!(
            s(
                "PLA China",
                "People's Liberation Army",
                Schema::Organization
            ) >= t
        );
        assert!(
            s(
                "Yamahdi (UK) Limited",
                "YA MAHDI INDUSTRIES GROUP",
                Schema::Organization
            ) < t
        );
        assert!(s("YA MAHDI", "YAMAHDI", Schema::Organization) >= t);
        assert!(s("vision 2020 sa", "VISION 20-20, S.A.", Schema::Organization) >= t);
        assert!(
            s(
                "A A Tradinng FZCO",
                "A A TRADING FZCO",
                Schema::Organization
            ) >= t
        );
        assert!(
            s(
                "Banco Santander Mexico S.A.",
                "Banco Santander S.A.",
                Schema::Organization
            ) < t
        );
        // Initials alone are not a person; different middle initials are different people.
        assert!(s("N.N.", "Nursultan Nazarbayev", Schema::Person) < t);
        assert!(s("JC Juncker", "Jean-Claude Juncker", Schema::Person) >= t);
        assert!(s("Frost, William G.", "William W Frost", Schema::Person) < t);
        // Given names alone do not find a `SURNAME, Given` entry.
        assert!(s("Juan Carlos", "RAMIREZ ABADIA, Juan Carlos", Schema::Person) < t);
        // Hyphenated words and their one-word forms.
        assert!(s("Wang Hong-fei", "WANG, Hongfei", Schema::Person) >= t);
        assert!(
            s(
                "HEBEI HUANHAO BIO-TECH CO LTD",
                "HEBEI HUANHAO BIOTECHNOLOGY CO., LTD.",
                Schema::Organization
            ) >= t
        );
        assert!(
            s(
                "Juan Carlos Ramirez",
                "RAMIREZ ABADIA, Juan Carlos",
                Schema::Person
            ) >= t
        );
        // The Russian company form spelt out is a form, not the name.
        assert!(
            s(
                "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"БАЙ\"",
                "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"БАЙКАЛ\"",
                Schema::Organization
            ) < t
        );
    }

    #[test]
    fn company_forms_and_numbers() {
        assert!(
            s(
                "Goldman Sachs & Co. L.L.C.",
                "Goldman Sachs & Co. LLC",
                Schema::Organization
            ) > 0.95
        );
        assert!(s("AT&T Inc.", "AT and T Inc.", Schema::Organization) > 0.95);
        assert!(
            s(
                "Volkswagen Aktiengesellschaft",
                "Siemens Aktiengesellschaft",
                Schema::Organization
            ) < 0.3
        );
        assert!(s("Trust 2004-1", "Trust 2004-2", Schema::Organization) < crate::DEFAULT_THRESHOLD);
        assert!(
            s(
                "ICBC (Asia) Limited",
                "ICBC (London) plc",
                Schema::Organization
            ) < 0.75
        );
    }
}
