//! Token alignment: which word of one name stands for which word of the other.
//!
//! In this order, each step taking only words the earlier ones left free: one word written as two
//! on the other side ([`glue_words`]); pairs of words by descending similarity, greedily
//! ([`token_similarity`]); an acronym standing for a run of unmatched words ([`acronyms`]).

use crate::families::{is_listed_pair, nickname_group};
use crate::lexicon::one_typo_apart;
use crate::names::{NameForm, Token, TokenKind};
use crate::schema::Schema;

/// One of the two names compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    A,
    B,
}

/// A word of each name aligned with each other, and how alike they are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Pair {
    pub sim: f32,
    /// The token of the first name.
    pub a: usize,
    /// The token of the second name.
    pub b: usize,
}

/// What the alignment accounted for, in the order it did so (coverage is summed in this order).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Link {
    /// A word of each name aligned with each other.
    Pair(Pair),
    /// A further word of one name covered by a match that already has its partner on the other
    /// side: the second of two words spelling one (`hasni` of `Mohammad Hasni` / `Mohammadhasni`),
    /// or a word an acronym expands to after the first (`liberation`, `army` of `PLA`). It counts
    /// towards its own name's coverage and pairs with nothing.
    Within { side: Side, token: usize, sim: f32 },
}

impl Link {
    /// The token of `side` this link covers, with its similarity.
    pub fn on(&self, side: Side) -> Option<(usize, f32)> {
        match (*self, side) {
            (Link::Pair(p), Side::A) => Some((p.a, p.sim)),
            (Link::Pair(p), Side::B) => Some((p.b, p.sim)),
            (
                Link::Within {
                    side: s,
                    token,
                    sim,
                },
                _,
            ) if s == side => Some((token, sim)),
            (Link::Within { .. }, _) => None,
        }
    }
}

/// Two neighbouring words of one name aligned with one word of the other, told as
/// `tse tung=zedong (Wade-Giles)` in the explanation.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Glued {
    /// The pair this makes (the first of the two words with the whole word).
    pub a: usize,
    pub b: usize,
    pub wording: String,
}

/// The alignment of two names.
#[derive(Clone, Debug, Default)]
pub(super) struct Alignment {
    /// Which tokens of the first name are accounted for.
    pub used_a: Vec<bool>,
    /// Which tokens of the second name are accounted for.
    pub used_b: Vec<bool>,
    /// Everything accounted for, in the order it was found.
    pub links: Vec<Link>,
    /// Words written as one on one side and as two on the other.
    pub glued: Vec<Glued>,
}

impl Alignment {
    /// The tokens of `side` left unmatched, with whether each is.
    pub fn used(&self, side: Side) -> &[bool] {
        match side {
            Side::A => &self.used_a,
            Side::B => &self.used_b,
        }
    }

    /// The aligned pairs, in the order they were found.
    pub fn pairs(&self) -> impl Iterator<Item = Pair> + '_ {
        self.links.iter().filter_map(|l| match *l {
            Link::Pair(p) => Some(p),
            Link::Within { .. } => None,
        })
    }

    /// A pair given with the token of the first name first when `a_first`, else the other way.
    fn pair(sim: f32, a_first: bool, x: usize, y: usize) -> Link {
        if a_first {
            Link::Pair(Pair { sim, a: x, b: y })
        } else {
            Link::Pair(Pair { sim, a: y, b: x })
        }
    }
}

/// Aligns the tokens of two names (neither empty).
pub(super) fn align(a: &NameForm, b: &NameForm, schema: Schema) -> Alignment {
    let mut alignment = Alignment {
        used_a: vec![false; a.tokens.len()],
        used_b: vec![false; b.tokens.len()],
        links: Vec::new(),
        glued: Vec::new(),
    };
    // Every pair of words worth aligning, best first (ties in token order, so the result does not
    // depend on the sort).
    let mut pairs: Vec<Pair> = Vec::with_capacity(a.tokens.len() * b.tokens.len());
    for (i, ta) in a.tokens.iter().enumerate() {
        for (j, tb) in b.tokens.iter().enumerate() {
            let sim = token_similarity(ta, tb);
            if sim > 0.0 {
                pairs.push(Pair { sim, a: i, b: j });
            }
        }
    }
    pairs.sort_by(|p, q| {
        q.sim
            .total_cmp(&p.sim)
            .then(p.a.cmp(&q.a))
            .then(p.b.cmp(&q.b))
    });
    glue_words(a, b, &mut alignment);
    for p in pairs {
        if !alignment.used_a[p.a] && !alignment.used_b[p.b] {
            alignment.used_a[p.a] = true;
            alignment.used_b[p.b] = true;
            alignment.links.push(Link::Pair(p));
        }
    }
    acronyms(a, b, schema, &mut alignment);
    alignment
}

fn nickname(a: &Token, b: &Token) -> bool {
    if a.nick == 0 || b.nick == 0 {
        return false; // every word of a pair has a group
    }
    a.nick == b.nick || is_listed_pair(&a.text, &b.text)
}

/// Similarity of two tokens in [0, 1]; 0 when they should not be aligned.
pub(super) fn token_similarity(a: &Token, b: &Token) -> f32 {
    if a.text == b.text {
        return 1.0;
    }
    if a.kind == TokenKind::Number || b.kind == TokenKind::Number {
        return 0.0;
    }
    if a.kind == TokenKind::Form && b.kind == TokenKind::Form {
        return 0.9; // `Ltd` and `Limited`, `LLC` and `Inc`: the form is not what identifies
    }
    if nickname(a, b) {
        return 0.95;
    }
    let (x, y) = (a.text.as_str(), b.text.as_str());
    // A company form with a typo (`AkG` for `AG`) beside a form: still the form.
    if (a.kind == TokenKind::Form) != (b.kind == TokenKind::Form) {
        let (form, other) = if a.kind == TokenKind::Form {
            (x, y)
        } else {
            (y, x)
        };
        return if form.len() >= 2 && one_typo_apart(form, other) {
            0.9
        } else {
            0.0
        };
    }
    // A Wade–Giles syllable and its pinyin (`Hsi`/`Xi`).
    let wade_giles = |w: &Token, p: &Token| {
        w.wade_giles
            .as_deref()
            .is_some_and(|r| p.wade_giles.is_none() && r == crate::wade_giles::pinyin_key(&p.text))
    };
    if wade_giles(a, b) || wade_giles(b, a) {
        return 0.9;
    }
    // Romanisations of one name (`Husayn`/`Hussein`, `Sergejs`/`Sergey`).
    if x.len().min(y.len()) >= 4 && a.spelling == b.spelling {
        return 0.9;
    }
    if x.len() == 1 || y.len() == 1 {
        let (short, long) = if x.len() == 1 { (x, y) } else { (y, x) };
        return if long.len() > 1 && long.starts_with(short) {
            0.8
        } else {
            0.0
        };
    }
    let min_len = x.len().min(y.len());
    let max_len = x.len().max(y.len());
    // An abbreviation by truncation: `tech`/`technology`, `chem`/`chemicals`, `pharma`/`pharmaceutical`.
    let long_is_generic = if x.len() > y.len() { a.kind } else { b.kind } == TokenKind::Weak;
    if min_len >= 4
        && max_len > min_len + 2
        && long_is_generic
        && (x.starts_with(y) || y.starts_with(x))
    {
        return 0.85;
    }
    // Edit similarity, squared below full agreement: a near miss (`sancho`/`sanchez`) is weak
    // evidence, a typo in a long word (`scholze`/`scholz`) stronger. Below 0.6 it is no evidence,
    // which the length difference alone often proves without computing the distance.
    if min_len < 3 || (max_len - min_len) * 5 > max_len * 2 {
        return 0.0;
    }
    let budget = max_len * 2 / 5; // edits allowed for similarity >= 0.6
    if ((a.letters ^ b.letters).count_ones() as usize).div_ceil(2) > budget {
        return 0.0;
    }
    let Some(d) = interdict_core::text::osa_within(x.as_bytes(), y.as_bytes(), budget) else {
        return 0.0;
    };
    let edit = 1.0 - d as f32 / max_len as f32;
    let mut sim = edit * edit.sqrt();
    if d == 1 && min_len >= 5 {
        sim = sim.max(0.9); // one typo in a longer word
    }
    // The same sound (`mohammed`/`muhammad`, `osama`/`usama`). In a short word the phonetic key
    // also merges different names that begin otherwise (`imad`/`ahmad`), so there the first
    // letters or the consonants must agree: only the vowels may be spelt otherwise.
    if a.phon == b.phon
        && min_len >= 4
        && edit >= 0.5
        && (min_len >= 6 || x.as_bytes()[0] == y.as_bytes()[0] || consonants(x) == consonants(y))
    {
        sim = sim.max(0.85);
    }
    sim
}

/// The consonants of a word in order, a doubled one once (`nasser` → `nsr`, `yasser` and
/// `yaser` alike).
fn consonants(word: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(word.len());
    for c in word.bytes().filter(|c| !b"aeiouy".contains(c)) {
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out
}

/// One word written as two (`Mohammad Hasni` / `Mohammadhasni`): two neighbouring words of one
/// name that spell a word of the other are aligned with it before anything else, as a whole
/// match: the first of the two is paired with the whole word, the second is covered within that
/// match ([`Link::Within`]), like the further words of an acronym.
fn glue_words(a: &NameForm, b: &NameForm, alignment: &mut Alignment) {
    for a_is_split in [true, false] {
        let (split, whole) = if a_is_split { (a, b) } else { (b, a) };
        let split_side = if a_is_split { Side::A } else { Side::B };
        for (j, w) in whole.tokens.iter().enumerate() {
            let (used_split, used_whole) = if a_is_split {
                (&mut alignment.used_a, &mut alignment.used_b)
            } else {
                (&mut alignment.used_b, &mut alignment.used_a)
            };
            if used_whole[j] || w.text.len() < 4 {
                continue;
            }
            let Some((k, (sim, kind))) = split.tokens.windows(2).enumerate().find_map(|(k, p)| {
                let [first, second] = p else { return None };
                if used_split[k] || used_split[k + 1] {
                    return None;
                }
                spelled(first, second, w).map(|found| (k, found))
            }) else {
                continue;
            };
            // A word the other name also holds whole is matched whole.
            if split.tokens.iter().any(|t| t.text == w.text) {
                continue;
            }
            used_split[k] = true;
            used_split[k + 1] = true;
            used_whole[j] = true;
            let wording = format!(
                "{} {}={}{}",
                split.tokens[k].text,
                split.tokens[k + 1].text,
                w.text,
                kind
            );
            alignment.links.push(Alignment::pair(sim, a_is_split, k, j));
            alignment.links.push(Link::Within {
                side: split_side,
                token: k + 1,
                sim,
            });
            let (ga, gb) = if a_is_split { (k, j) } else { (j, k) };
            alignment.glued.push(Glued {
                a: ga,
                b: gb,
                wording,
            });
        }
    }
}

/// The similarity of two neighbouring words spelling `whole`, if they do, with the wording of
/// how (`" (Wade-Giles)"`, `" (short form)"`, or nothing for plain letters).
fn spelled(first: &Token, second: &Token, whole: &Token) -> Option<(f32, &'static str)> {
    // Two Wade–Giles syllables and a pinyin given name (`Tse-tung`/`Zedong`).
    if let (Some(x), Some(y), None) = (&first.wade_giles, &second.wade_giles, &whole.wade_giles) {
        let key = crate::wade_giles::pinyin_key(&whole.text);
        return (key.len() == x.len() + y.len()
            && key.starts_with(x.as_str())
            && key.ends_with(y.as_str()))
        .then_some((0.95, " (Wade-Giles)"));
    }
    let joinable = |t: &Token| !matches!(t.kind, TokenKind::Form | TokenKind::Number);
    if !(joinable(first) && joinable(second) && joinable(whole)) {
        return None;
    }
    if whole.text.len() >= 4
        && whole.text.len() == first.text.len() + second.text.len()
        && whole.text.starts_with(first.text.as_str())
        && whole.text.ends_with(second.text.as_str())
    {
        return Some((1.0, ""));
    }
    // A trade word written in two (`Bio-Tech` for `Biotechnology`).
    (first.kind == TokenKind::Weak
        && second.kind == TokenKind::Weak
        && whole.nick != 0
        && nickname_group(&format!("{}{}", first.text, second.text)) == whole.nick)
        .then_some((0.95, " (short form)"))
}

/// An acronym on one side (`PLA`, `JC`, `US`) may stand for a run of unmatched words on the
/// other: its first word is paired with the acronym, the others are covered within that match.
/// For persons only beside a word that matched (`JC Juncker`): initials alone (`N.N.`) fit too
/// many people.
fn acronyms(a: &NameForm, b: &NameForm, schema: Schema, alignment: &mut Alignment) {
    // Found against the alignment so far on both sides, then applied: an acronym found on one
    // side does not hide the words it expands to from an acronym on the other.
    let mut found: Vec<(usize, std::ops::Range<usize>, bool)> = Vec::new();
    for (short, long, used_s, used_l, a_is_short) in [
        (a, b, &alignment.used_a, &alignment.used_b, true),
        (b, a, &alignment.used_b, &alignment.used_a, false),
    ] {
        if schema == Schema::Person && !used_s.contains(&true) {
            continue;
        }
        for (i, t) in short.tokens.iter().enumerate() {
            // A particle or company form (`de`, `el`, `sa`) is not an acronym: `Casa de Cambio`
            // does not hold the initials of `Diana Espinoza`.
            if used_s[i]
                || !(2..=5).contains(&t.text.len())
                || matches!(
                    t.kind,
                    TokenKind::Number | TokenKind::Particle | TokenKind::Form
                )
            {
                continue;
            }
            if let Some(range) = expansion(t.text.as_bytes(), long, used_l) {
                found.push((i, range, a_is_short));
            }
        }
    }
    for (i, range, a_is_short) in found {
        let (used_short, used_long) = if a_is_short {
            (&mut alignment.used_a, &mut alignment.used_b)
        } else {
            (&mut alignment.used_b, &mut alignment.used_a)
        };
        if used_short[i] || range.clone().any(|j| used_long[j]) {
            continue;
        }
        used_short[i] = true;
        for j in range.clone() {
            used_long[j] = true;
        }
        alignment
            .links
            .push(Alignment::pair(0.9, a_is_short, i, range.start));
        // The other words of the expansion count as matched too.
        let long_side = if a_is_short { Side::B } else { Side::A };
        for k in range.skip(1) {
            alignment.links.push(Link::Within {
                side: long_side,
                token: k,
                sim: 0.9,
            });
        }
    }
}

/// The tokens of `long` an acronym of these `letters` stands for: the first run of unmatched
/// words (company forms and particles skipped, a trade word allowed in between) whose first
/// letters spell it.
fn expansion(letters: &[u8], long: &NameForm, used: &[bool]) -> Option<std::ops::Range<usize>> {
    let words: Vec<usize> = (0..long.tokens.len())
        .filter(|&j| {
            !used[j] && !matches!(long.tokens[j].kind, TokenKind::Form | TokenKind::Particle)
        })
        .collect();
    let first_letter = |j: usize| long.tokens.get(j).and_then(|t| t.text.as_bytes().first());
    let weak = |j: usize| {
        long.tokens
            .get(j)
            .is_some_and(|t| t.kind == TokenKind::Weak)
    };
    (0..words.len()).find_map(|start| {
        let run = words.get(start..start + letters.len())?;
        let spelt = run
            .windows(2)
            .all(|w| matches!(w, [x, y] if *y == *x + 1 || weak(*x + 1)))
            && run
                .iter()
                .zip(letters)
                .all(|(&j, l)| first_letter(j) == Some(l));
        let (first, last) = (run.first()?, run.last()?);
        spelt.then(|| *first..*last + 1)
    })
}
