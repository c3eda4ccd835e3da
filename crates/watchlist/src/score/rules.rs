//! The rules that adjust a score after the coverage of the two names: one table, applied in its
//! order, each rule with its name, its condition, its effect on the score and the note that
//! explains it.

use std::borrow::Cow;

use super::align::{Alignment, Pair, Side};
use crate::names::{NameForm, Token, TokenKind};
use crate::schema::Schema;

/// What the rules see: the two names, how they were aligned and the kind of party.
pub(super) struct Facts<'n> {
    pub a: &'n NameForm,
    pub b: &'n NameForm,
    pub schema: Schema,
    pub alignment: &'n Alignment,
    /// The aligned pairs, in the order they were found.
    pub pairs: Vec<Pair>,
}

impl Facts<'_> {
    /// Whether the name on `side` has a token the alignment left unmatched that satisfies `pred`.
    fn unmatched_any(&self, side: Side, pred: impl Fn(&Token) -> bool) -> bool {
        let name = self.name(side);
        name.tokens
            .iter()
            .zip(self.alignment.used(side))
            .any(|(t, &u)| !u && pred(t))
    }

    fn name(&self, side: Side) -> &NameForm {
        match side {
            Side::A => self.a,
            Side::B => self.b,
        }
    }
}

/// A word of at least four letters naming a country (`China`, `Mexico`; not `UK` or `US`, which
/// are too often initials).
pub(super) fn is_country(t: &Token) -> bool {
    t.text.len() > 3 && interdict_core::to_iso2(&t.text).is_some()
}

/// How a rule changes the score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Effect {
    /// Multiplied by this factor.
    Scale(f32),
    /// Lowered to this, if above.
    AtMost(f32),
    /// Raised to this, if below.
    AtLeast(f32),
    /// Multiplied by `factor`, then lowered to `cap` if above.
    ScaleAtMost { factor: f32, cap: f32 },
}

impl Effect {
    pub fn apply(self, score: f32) -> f32 {
        match self {
            Effect::Scale(factor) => score * factor,
            Effect::AtMost(cap) => score.min(cap),
            Effect::AtLeast(floor) => score.max(floor),
            Effect::ScaleAtMost { factor, cap } => (score * factor).min(cap),
        }
    }
}

/// A rule that applies: its effect and the note for the explanation.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Finding {
    pub effect: Effect,
    pub note: Cow<'static, str>,
}

impl Finding {
    fn new(effect: Effect, note: impl Into<Cow<'static, str>>) -> Option<Finding> {
        Some(Finding {
            effect,
            note: note.into(),
        })
    }
}

/// One rule of the table.
pub(super) struct Rule {
    /// What it is about, for tests and readers.
    pub name: &'static str,
    /// Whether it applies, given the facts and the score so far, and if so with what effect and
    /// note. A rule that only ever lowers (or raises) a score past some value checks the score
    /// itself, so that it says nothing when it would change nothing.
    pub check: fn(&Facts<'_>, f32) -> Option<Finding>,
}

/// The rules, in the order they apply.
pub(super) const RULES: &[Rule] = &[
    Rule {
        name: "words in another order",
        check: words_moved,
    },
    Rule {
        name: "written together or apart",
        check: same_letters,
    },
    Rule {
        name: "a number on one side only",
        check: number_on_one_side,
    },
    Rule {
        name: "numbers differ",
        check: numbers_differ,
    },
    Rule {
        name: "no distinctive word",
        check: no_distinctive_word,
    },
    Rule {
        name: "a country on one side only",
        check: country_on_one_side,
    },
    Rule {
        name: "different original characters",
        check: different_characters,
    },
    Rule {
        name: "the surname does not match",
        check: surname_missed,
    },
    Rule {
        name: "different initials",
        check: different_initials,
    },
    Rule {
        name: "words on each side the other lacks",
        check: words_on_each_side,
    },
];

/// A rule that applied to a comparison, by name, with its note.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Applied {
    pub rule: &'static str,
    pub note: Cow<'static, str>,
}

/// Applies every rule in order to the score from coverage; returns the final score and the rules
/// that applied, in order.
pub(super) fn apply(facts: &Facts<'_>, mut score: f32) -> (f32, Vec<Applied>) {
    let mut applied = Vec::new();
    for rule in RULES {
        if let Some(found) = (rule.check)(facts, score) {
            score = found.effect.apply(score);
            applied.push(Applied {
                rule: rule.name,
                note: found.note,
            });
        }
    }
    (score, applied)
}

/// Persons: the same words in another order are often another person (`Salman bin Muhammad` /
/// `Muhammad bin Salman`); an inverted `SURNAME, Given` was already put back in order.
fn words_moved(f: &Facts<'_>, _: f32) -> Option<Finding> {
    if f.schema == Schema::Organization {
        return None;
    }
    let mut order: Vec<(usize, usize)> = f
        .pairs
        .iter()
        .filter(|p| f.a.tokens[p.a].kind == TokenKind::Core)
        .map(|p| (p.a, p.b))
        .collect();
    order.sort();
    // Counted as words moved (those outside the longest run kept in order), not as pairwise
    // swaps: one word carried from the end to the front (`Haji Asad … Mohammadhasni` /
    // `Mohammadhasni Haji Asad …`) is one change, however long the name.
    let mut kept: Vec<usize> = Vec::with_capacity(order.len());
    for &(_, j) in &order {
        match kept.binary_search(&j) {
            Ok(_) => {}
            Err(p) if p == kept.len() => kept.push(j),
            Err(p) => kept[p] = j,
        }
    }
    let moved = order.len() - kept.len();
    if moved == 0 {
        return None;
    }
    // Around `bin`/`ibn` the order is the genealogy: `Salman bin Muhammad` is not
    // `Muhammad bin Salman` — the word after `bin` (the father) differs. Scrambled words
    // that keep the same father are only another order.
    fn father(n: &NameForm) -> Option<&str> {
        n.tokens
            .iter()
            .position(|t| matches!(t.text.as_str(), "bin" | "ibn" | "bint" | "ben" | "binti"))
            .and_then(|p| n.tokens.get(p + 1))
            .map(|t| t.text.as_str())
    }
    let patronymic = matches!((father(f.a), father(f.b)), (Some(x), Some(y)) if x != y);
    // A two-word name read in the other order is the usual `SURNAME Given` / `Given SURNAME`.
    let reversal = order.len() == 2 && moved == 1;
    let per_move: f32 = if patronymic {
        0.68
    } else if reversal {
        0.96
    } else {
        0.88
    };
    Finding::new(
        Effect::Scale(per_move.powi(moved.min(4) as i32)),
        format!("words in another order ({moved} moved)"),
    )
}

/// Written together or apart (`Xi Jinping` / `XiJinping`, `Abdulhai` / `Abdul Hai`).
fn same_letters(f: &Facts<'_>, score: f32) -> Option<Finding> {
    let (a, b) = (f.a, f.b);
    if a.compact.len() >= 6 && a.compact == b.compact && score < 0.97 {
        return Finding::new(
            Effect::AtLeast(0.97),
            "same letters when spaces are ignored",
        );
    }
    if !(a.compact.len() >= 8 && b.compact.len() >= 8 && score < 0.855) {
        return None;
    }
    let max_len = a.compact.len().max(b.compact.len());
    let floor = ((a.compact_letters ^ b.compact_letters).count_ones() as usize).div_ceil(2);
    if floor > max_len / 10 {
        return None;
    }
    let d =
        interdict_core::text::osa_within(a.compact.as_bytes(), b.compact.as_bytes(), max_len / 10)?;
    let sim = 1.0 - d as f32 / max_len as f32;
    (sim * 0.95 > score).then(|| Finding {
        effect: Effect::AtLeast(sim * 0.95),
        note: format!(
            "{:.0}% the same letters when spaces are ignored",
            sim * 100.0
        )
        .into(),
    })
}

/// `Fund II` beside `Fund`: a sibling entity, as often as a fuller spelling; but beside `Trust I`
/// (a lone letter the other side may mean as a numeral) only a spelling question.
fn number_on_one_side(f: &Facts<'_>, _: f32) -> Option<Finding> {
    let (na, nb) = (f.a.numbers().next(), f.b.numbers().next());
    if na.is_none() == nb.is_none() || f.schema != Schema::Organization {
        return None;
    }
    let numeral_letter = |t: &Token| matches!(t.text.as_str(), "i" | "v" | "x");
    let numeral_letter =
        f.unmatched_any(Side::A, numeral_letter) || f.unmatched_any(Side::B, numeral_letter);
    Finding::new(
        Effect::Scale(if numeral_letter { 0.9 } else { 0.78 }),
        "a number on one side only",
    )
}

/// Numbers must agree: otherwise-equal names with other numbers are related entities (series,
/// vessels of a fleet), worth a review at most, never a confident match. `20-20` and `2020`,
/// `7-11` and `711` are one number written two ways.
fn numbers_differ(f: &Facts<'_>, _: f32) -> Option<Finding> {
    let na: Vec<&str> = f.a.numbers().collect();
    let nb: Vec<&str> = f.b.numbers().collect();
    if na.is_empty() || nb.is_empty() || na == nb || na.concat() == nb.concat() {
        return None;
    }
    Finding::new(
        Effect::ScaleAtMost {
            factor: 0.8,
            cap: 0.7,
        },
        format!("numbers differ ({} / {})", na.join(" "), nb.join(" ")),
    )
}

/// A name made only of generic words (`Management Company`, `Trading Co`, `Transportes LC`)
/// matches every name that contains them: without a distinctive word of its own it cannot
/// confirm another name that has one — a distinctive word or a place (`Transportes Sinaloa`,
/// where the place is all that tells the company from every other carrier).
fn no_distinctive_word(f: &Facts<'_>, _: f32) -> Option<Finding> {
    let distinct = |t: &Token| matches!(t.kind, TokenKind::Core | TokenKind::Place);
    let core = |t: &Token| t.kind == TokenKind::Core;
    let other_has = |side: Side| {
        if f.schema == Schema::Person {
            f.unmatched_any(side, core)
        } else {
            f.unmatched_any(side, distinct)
        }
    };
    ((f.a.core_count() == 0 && other_has(Side::B)) || (f.b.core_count() == 0 && other_has(Side::A)))
        .then(|| Finding {
            effect: Effect::AtMost(0.7),
            note: "one name has no distinctive word".into(),
        })
}

/// A country named on one side only of an organisation is a national subsidiary (`Banco
/// Santander México` is not `Banco Santander`); cities stay mere qualifiers. On the longer name
/// only: a short name with a country (`PLA China`) is a qualified abbreviation of the long one,
/// not a branch of it. In brackets (`Yamahdi (UK) Limited`) a country is a branch on either name.
fn country_on_one_side(f: &Facts<'_>, _: f32) -> Option<Finding> {
    if f.schema != Schema::Organization {
        return None;
    }
    fn bracketed_country(n: &NameForm) -> impl Fn(&Token) -> bool + '_ {
        |t: &Token| n.bracketed.contains(&t.text) && interdict_core::to_iso2(&t.text).is_some()
    }
    let (la, lb) = (f.a.word_count(), f.b.word_count());
    ((la >= lb && f.unmatched_any(Side::A, is_country))
        || (lb >= la && f.unmatched_any(Side::B, is_country))
        || f.unmatched_any(Side::A, bracketed_country(f.a))
        || f.unmatched_any(Side::B, bracketed_country(f.b)))
    .then(|| Finding {
        effect: Effect::Scale(0.75),
        note: "a country on one side only (a national branch or subsidiary)".into(),
    })
}

/// Names written in Han characters or Hangul: transliteration merges different characters
/// (高市 and 高石 both read `gaoshi`), so the original characters must agree.
fn different_characters(f: &Facts<'_>, score: f32) -> Option<Finding> {
    let (Some(x), Some(y)) = (&f.a.cjk, &f.b.cjk) else {
        return None;
    };
    (x != y && score > 0.7).then(|| Finding {
        effect: Effect::AtMost(0.7),
        note: "different characters in the original script".into(),
    })
}

/// A person named `SURNAME, Given` is not found by the given names alone (`Juan Carlos` is not
/// `RAMIREZ ABADIA, Juan Carlos`): some word of the surname must match.
fn surname_missed(f: &Facts<'_>, score: f32) -> Option<Finding> {
    if f.schema != Schema::Person {
        return None;
    }
    let missed = |n: &NameForm, used: &[bool]| {
        n.surname_from.is_some_and(|from| {
            let (Some(surname), Some(used)) = (n.tokens.get(from..), used.get(from..)) else {
                return false;
            };
            surname.iter().any(|t| t.kind == TokenKind::Core)
                && !surname
                    .iter()
                    .zip(used)
                    .any(|(t, &u)| u && t.kind == TokenKind::Core)
        })
    };
    let used = |side| f.alignment.used(side);
    ((missed(f.a, used(Side::A)) || missed(f.b, used(Side::B))) && score > 0.7).then(|| Finding {
        effect: Effect::AtMost(0.7),
        note: "the surname does not match".into(),
    })
}

/// Persons with different middle initials (`William G. Frost` / `William W. Frost`).
fn different_initials(f: &Facts<'_>, _: f32) -> Option<Finding> {
    let initial = |t: &Token| t.kind == TokenKind::Core && t.text.len() == 1;
    (f.schema != Schema::Organization
        && f.unmatched_any(Side::A, initial)
        && f.unmatched_any(Side::B, initial))
    .then(|| Finding {
        effect: Effect::Scale(0.85),
        note: "different initials".into(),
    })
}

/// Both names carry a qualifier the other lacks: different branches or different people.
fn words_on_each_side(f: &Facts<'_>, _: f32) -> Option<Finding> {
    let distinct = |t: &Token| matches!(t.kind, TokenKind::Core | TokenKind::Place);
    (f.unmatched_any(Side::A, distinct) && f.unmatched_any(Side::B, distinct)).then(|| Finding {
        effect: Effect::Scale(0.88),
        note: "each name has words the other lacks".into(),
    })
}
