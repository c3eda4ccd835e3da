//! Party names reduced to comparable tokens.
//!
//! Every script is transliterated to ASCII (`any_ascii`), case and punctuation dropped, and each
//! token given a kind: a company form (`Co., Ltd.`, `GmbH`, `S.A. de C.V.`, `有限公司`) is reduced
//! to one form and barely counts; weak words of this trade (`chemical`, `pharmaceutical`,
//! `trading`, `import and export`) and place names (`Wuhan`, `Hubei`) count less, because
//! traffickers re-register under new combinations of them; name particles (`al`, `bin`, `van`)
//! count less; numbers must agree. Each token also gets a phonetic key so that `Scholze`/`Scholz`
//! and `Mohammed`/`Muhammad` meet in the index.
//!
//! A name is read up to [`MAX_NAME_BYTES`] bytes and [`MAX_NAME_WORDS`] words: comparing two names
//! costs the product of their words (and of their letters, for the spelling checks), so without a
//! bound one pasted document in a name field would stall a whole screening run.

use crate::families::nickname_group;
use crate::lexicon::lexicon;

/// The most bytes of a name that are read (in UTF-8: 1,024 ASCII letters, 512 Cyrillic or Arabic
/// ones, 341 Han characters). Three times the longest name on the shared lists (346 bytes, a UN
/// alias of Hay'at Tahrir al-Sham listing its other names; the longest SDN name has 196): no real
/// name comes near it, and two names of this size compare in milliseconds.
pub const MAX_NAME_BYTES: usize = 1024;

/// The most words of a name that are compared. The longest name on the shared lists has 52 (the
/// same UN alias; the longest SDN name has 26); alignment considers every pair of words, so this
/// caps it at 16,384 pairs. Counted as runs of letters and digits when a name is checked as
/// written (importers, [`NameForm::try_new`]), as normalised words when it is read.
pub const MAX_NAME_WORDS: usize = 128;

/// A name of more slash-separated parts than this is not read as alternatives (each compared
/// with each of the other name's) but as one name. The shared lists have at most two.
const MAX_ALTERNATIVES: usize = 8;

/// Why a name cannot be compared as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a name of {bytes} bytes is over the limit of {limit} bytes")]
    TooLong { bytes: usize, limit: usize },
    #[error("a name of {words} words is over the limit of {limit} words")]
    TooManyWords { words: usize, limit: usize },
    #[error("a name needs a letter or a digit")]
    NoWords,
}

/// Checks the size of a name as written, before any work on it: at most [`MAX_NAME_BYTES`] bytes
/// and [`MAX_NAME_WORDS`] runs of letters and digits, and at least one. Cheap enough for every
/// name an importer reads.
pub fn check_size(name: &str) -> Result<(), NameError> {
    if name.len() > MAX_NAME_BYTES {
        return Err(NameError::TooLong {
            bytes: name.len(),
            limit: MAX_NAME_BYTES,
        });
    }
    let words = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count();
    match words {
        0 => Err(NameError::NoWords),
        w if w > MAX_NAME_WORDS => Err(NameError::TooManyWords {
            words: w,
            limit: MAX_NAME_WORDS,
        }),
        _ => Ok(()),
    }
}

/// The longest start of `text` of at most `max` bytes that ends on a character boundary.
fn within_bytes(text: &str, max: usize) -> &str {
    let end = (0..=max.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text.get(..end).unwrap_or_default()
}

/// What a token contributes to a name's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TokenKind {
    /// A distinctive word: most of the weight.
    Core,
    /// A generic word of the trade (`chemical`, `trading`): some weight.
    Weak,
    /// A place (`wuhan`, `shanghai`): a qualifier.
    Place,
    /// A name particle (`al`, `bin`, `de`): little weight.
    Particle,
    /// A company form (`ltd`, `gmbh`): almost none.
    Form,
    /// A number: must agree.
    Number,
}

impl TokenKind {
    pub(crate) fn weight(self) -> f32 {
        match self {
            TokenKind::Core => 1.0,
            TokenKind::Weak => 0.35,
            TokenKind::Place => 0.3,
            TokenKind::Particle => 0.2,
            TokenKind::Form => 0.05,
            TokenKind::Number => 0.6,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub text: String,
    pub kind: TokenKind,
    /// Phonetic skeleton (see [`phonetic`]).
    pub phon: String,
    /// Romanisation key (see [`spelling_key`]), hashed: it is only ever compared for equality,
    /// once per pair of words on the screening path.
    pub spelling: u64,
    /// In a Wade–Giles name, the pinyin key of this syllable's reading (see `wade_giles`).
    pub wade_giles: Option<String>,
    /// The letters and digits the word uses (see [`letter_set`]).
    pub letters: u64,
    /// Nickname group (`bill` and `william` share one); 0 for none.
    pub nick: u16,
}

impl Token {
    /// A company form or a number: compared by its text alone, so without the spelling keys.
    fn bare(text: String, kind: TokenKind) -> Token {
        Token {
            text,
            kind,
            phon: String::new(),
            spelling: 0,
            wade_giles: None,
            letters: 0,
            nick: 0,
        }
    }
}

/// A normalised name, ready to be compared (see [`NameForm::new`] for the limits on its size).
#[derive(Clone, Debug, Default)]
pub struct NameForm {
    /// The name as given (shortened when over the limits).
    pub(crate) original: String,
    pub(crate) tokens: Vec<Token>,
    /// All non-form tokens concatenated, for names written with or without spaces (`XiJinping`).
    pub(crate) compact: String,
    /// [`letter_set`] of `compact`.
    pub(crate) compact_letters: u64,
    /// Where the surname starts among `tokens`, when the name was written `SURNAME, Given`.
    pub(crate) surname_from: Option<usize>,
    /// Words written in brackets (`Yamahdi (UK) Limited`): a qualifier such as a branch's
    /// country. Empty for most names.
    pub(crate) bracketed: Vec<String>,
    /// The parts of a name written as alternatives with a slash (`Al-Qa'ida/Islamic Army`), each
    /// a name of its own; empty otherwise. Built once here, not on every comparison.
    pub(crate) alternatives: Vec<NameForm>,
    /// The original characters of a name written only in Han characters or Hangul, which must
    /// agree where transliteration merges them (see [`cjk_only`]).
    pub(crate) cjk: Option<String>,
    /// Set when the name was over a limit and was read shortened: the first limit it exceeded.
    pub(crate) cut: Option<NameError>,
}

/// The parts of a name written as alternatives with a slash, when each part is a name of its own
/// (at least four letters, so `A/S` and `S/A` company forms stay whole) and there are at most
/// [`MAX_ALTERNATIVES`]. Parts hold no slash, so this recursion through [`NameForm::new`] stops
/// at one level.
fn slash_alternatives(name: &str) -> Vec<NameForm> {
    if !name.contains('/') {
        return Vec::new();
    }
    let parts: Vec<&str> = name.split('/').map(str::trim).collect();
    let letters = |p: &str| p.chars().filter(|c| c.is_alphabetic()).count();
    if (2..=MAX_ALTERNATIVES).contains(&parts.len()) && parts.iter().all(|p| letters(p) >= 4) {
        parts.into_iter().map(NameForm::new).collect()
    } else {
        Vec::new()
    }
}

/// A company form glued to the name in mixed case (`SiemensAG`, `ExampleGmbH`) is split off:
/// the last lowercase-to-uppercase step starts a known form.
fn split_glued_form(name: &str) -> String {
    let lex = lexicon();
    let mut out = String::with_capacity(name.len() + 2);
    for (k, word) in name.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let bytes = word.as_bytes();
        let split = (1..bytes.len())
            .rev()
            .find(|&p| bytes[p - 1].is_ascii_lowercase() && bytes[p].is_ascii_uppercase())
            .filter(|&p| p >= 3 && lex.forms.contains(word[p..].to_ascii_lowercase().as_str()));
        match split {
            Some(p) => {
                out.push_str(&word[..p]);
                out.push(' ');
                out.push_str(&word[p..]);
            }
            None => out.push_str(word),
        }
    }
    out
}

/// A digit between two letters stands for the letter it looks like (`Ig0r Sech1n`, `I9or`): an
/// evasion trick, never a real spelling. Digits at a word's edge (`AHL1`, `AR16`) stay numbers.
fn deleet(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in b.iter().enumerate() {
        let between_letters = i > 0
            && i + 1 < b.len()
            && b[i - 1].is_ascii_alphabetic()
            && b[i + 1].is_ascii_alphabetic();
        let letter = match c {
            b'0' => 'o',
            b'1' => 'i',
            b'3' => 'e',
            b'4' => 'a',
            b'5' => 's',
            b'7' => 't',
            b'9' => 'g',
            _ => c as char,
        };
        out.push(if between_letters { letter } else { c as char });
    }
    out
}

/// `Abd al-Aziz`, `Abd-ur-Rahman` and `Abdul Aziz` are one transliteration of عبد ال: the pair
/// `abd` + article becomes `abdul`.
fn abd_al(raw: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == "abd"
            && raw.get(i + 1).is_some_and(|n| {
                matches!(
                    n.as_str(),
                    "al" | "el" | "ul" | "ur" | "ar" | "as" | "an" | "ad" | "az"
                )
            })
        {
            out.push("abdul".to_string());
            i += 2;
            continue;
        }
        out.push(raw[i].clone());
        i += 1;
    }
    out
}

impl NameForm {
    /// Reads a name. Never fails: a name over the limits is read shortened, by a stated rule — its
    /// first [`MAX_NAME_BYTES`] bytes (cut back to a whole character), then its first
    /// [`MAX_NAME_WORDS`] words — and records why in `cut`, which [`compare`](crate::compare)
    /// reports in its explanation. So comparing and screening cost at most what two names of that
    /// size cost, whatever the input. [`NameForm::try_new`] refuses such names instead.
    pub fn new(name: &str) -> NameForm {
        // Before anything else: transliteration and every later step are linear in this text.
        let (name, cut_bytes) = match name.len() {
            bytes if bytes > MAX_NAME_BYTES => (
                within_bytes(name, MAX_NAME_BYTES),
                Some(NameError::TooLong {
                    bytes,
                    limit: MAX_NAME_BYTES,
                }),
            ),
            _ => (name, None),
        };
        let uninverted = uninvert_person(name);
        // In `SURNAME, Given` the words before the comma are the surname, now at the end.
        let surname_words = match &uninverted {
            std::borrow::Cow::Owned(_) => name
                .split(',')
                .next()
                .map(|surname| tokenize(surname).len()),
            std::borrow::Cow::Borrowed(_) => None,
        };
        let mut tokens = tokenize(&uninverted);
        let surname_from = surname_words
            .filter(|&n| n > 0 && n < tokens.len())
            .map(|n| tokens.len() - n);
        // A surname that is spelt like a company form (`PAO, Hua Chiang`: PAO is also the Russian
        // public joint-stock company) is a surname: it must match for the person to match.
        // Only a person's surname: short, without trade words (`HONG PANG GENERAL TRADING
        // COMPANY, LIMIED` is a company with a comma).
        let personal = |from: usize| {
            tokens.len() - from <= 3 && tokens[from..].iter().all(|t| t.kind != TokenKind::Weak)
        };
        if let Some(from) = surname_from.filter(|&from| personal(from)) {
            for t in tokens.iter_mut().skip(from) {
                if t.kind == TokenKind::Form && !t.phon.is_empty() {
                    t.kind = TokenKind::Core;
                }
            }
        }
        // Before any comparison, which costs the product of the two names' words.
        let cut_words = (tokens.len() > MAX_NAME_WORDS).then_some(NameError::TooManyWords {
            words: tokens.len(),
            limit: MAX_NAME_WORDS,
        });
        tokens.truncate(MAX_NAME_WORDS);
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        if let Some(readings) = crate::wade_giles::readings(&words) {
            for (t, r) in tokens.iter_mut().zip(readings) {
                t.wade_giles = Some(r);
            }
        }
        let compact: String = tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Form)
            .map(|t| t.text.as_str())
            .collect();
        NameForm {
            original: name.to_string(),
            surname_from: surname_from.filter(|&from| from < tokens.len()),
            bracketed: bracketed_words(name),
            tokens,
            compact_letters: letter_set(&compact),
            compact,
            alternatives: slash_alternatives(name),
            cjk: cjk_only(name),
            cut: cut_bytes.or(cut_words),
        }
    }

    /// Reads a name, or says why it cannot be compared as it is: over [`MAX_NAME_BYTES`] bytes
    /// (checked before any work on it), over [`MAX_NAME_WORDS`] words (checked once it is split
    /// into words, before any comparison), or without a letter or digit. For callers that turn a
    /// bad name into an error record rather than compare a shortened one.
    pub fn try_new(name: &str) -> Result<NameForm, NameError> {
        check_size(name)?;
        let form = NameForm::new(name);
        if let Some(cut) = form.cut {
            return Err(cut);
        }
        if form.tokens.is_empty() {
            return Err(NameError::NoWords);
        }
        Ok(form)
    }

    pub(crate) fn numbers(&self) -> impl Iterator<Item = &str> {
        self.tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Number)
            .map(|t| t.text.as_str())
    }

    /// Words other than company forms.
    pub(crate) fn word_count(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Form)
            .count()
    }

    pub(crate) fn core_count(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Core)
            .count()
    }
}

/// The tokens of a name as written (after `SURNAME, Given` is put back in order): transliterated,
/// split into words, company forms and numbers recognised, each word given its kind and keys.
fn tokenize(text: &str) -> Vec<Token> {
    let ascii = deleet(&split_glued_form(&any_ascii::any_ascii(text)).to_ascii_lowercase())
        .replace('&', " and ");
    let mut raw: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_digit = None;
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            let digit = ch.is_ascii_digit();
            if prev_digit.is_some_and(|d| d != digit) && !cur.is_empty() {
                raw.push(std::mem::take(&mut cur));
            }
            prev_digit = Some(digit);
            cur.push(ch);
        } else if ch == '\'' || ch == '`' {
            // O'Brien, Bank's: an apostrophe joins.
        } else if ch == '.' && {
            let last = cur.rsplit('.').next().unwrap_or("");
            last.len() == 1 && last.as_bytes()[0].is_ascii_alphabetic()
        } {
            // A.B.C., L.L.C.: dotted letters form one abbreviation.
            cur.push('.');
        } else {
            if !cur.is_empty() {
                raw.push(std::mem::take(&mut cur));
            }
            prev_digit = None;
        }
    }
    if !cur.is_empty() {
        raw.push(cur);
    }
    let raw = abd_al(number_words(join_initialisms(
        raw.into_iter().flat_map(split_dotted).collect(),
    )));
    let lex = lexicon();
    let mut tokens: Vec<Token> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        // Multi-word company forms first ("joint stock company", "de c v", "sp z o o").
        if let Some(n) = lex.form_phrase_len(&raw[i..]) {
            tokens.push(Token::bare(raw[i..i + n].concat(), TokenKind::Form));
            i += n;
            continue;
        }
        let t = &raw[i];
        if let Some(n) = roman_value(t) {
            tokens.push(Token::bare(n.to_string(), TokenKind::Number));
            i += 1;
            continue;
        }
        // The family of a trade word (`trade`/`trading`), also when misspelt.
        let mut nick = nickname_group(t);
        let kind = if t.bytes().all(|b| b.is_ascii_digit()) {
            TokenKind::Number
        } else if lex.forms.contains(t.as_str()) || lex.is_truncated_form(t, i + 1 == raw.len()) {
            TokenKind::Form
        } else if lex.weak.contains(t.as_str()) {
            TokenKind::Weak
        } else if lex.places.contains(t.as_str()) {
            TokenKind::Place
        } else if lex.particles.contains(t.as_str()) {
            TokenKind::Particle
        } else if let Some(meant) = lex.misspelt_weak(t) {
            nick = nickname_group(meant);
            TokenKind::Weak
        } else {
            TokenKind::Core
        };
        tokens.push(Token {
            phon: phonetic(t),
            spelling: hash_key(b's', spelling_key(t).as_bytes()),
            wade_giles: None,
            letters: letter_set(t),
            nick,
            text: t.clone(),
            kind,
        });
        i += 1;
    }
    tokens
}

/// `A.B.C.` arrives as `a.b.c.`-like pieces: a run of single letters joined by dots is one token
/// (`abc`); anything else with a stray dot is split back.
fn split_dotted(t: String) -> Vec<String> {
    if !t.contains('.') {
        return vec![t];
    }
    let parts: Vec<&str> = t.split('.').filter(|p| !p.is_empty()).collect();
    if parts.len() >= 2 && parts.iter().all(|p| p.len() == 1) {
        vec![parts.concat()]
    } else {
        parts.into_iter().map(str::to_string).collect()
    }
}

/// Numbers written as words or ordinals become digits, so that `Brigade Forty-Four` and
/// `Brigade 44`, `1st` and `First` compare as numbers.
fn number_words(raw: Vec<String>) -> Vec<String> {
    fn unit(w: &str) -> Option<u32> {
        const UNITS: &[&str] = &[
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ];
        const ORDINALS: &[&str] = &[
            "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth",
        ];
        UNITS
            .iter()
            .position(|u| *u == w)
            .or_else(|| ORDINALS.iter().position(|u| !u.is_empty() && *u == w))
            .map(|n| n as u32)
    }
    fn tens(w: &str) -> Option<u32> {
        const TENS: &[&str] = &[
            "twenty", "thirty", "forty", "fourty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ];
        const VALUES: &[u32] = &[20, 30, 40, 40, 50, 60, 70, 80, 90];
        TENS.iter().position(|t| *t == w).map(|i| VALUES[i])
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let w = raw[i].as_str();
        if let Some(t) = tens(w) {
            // The unit in words or as a digit (`Forty-Four`, `Forty 4`).
            let u = raw
                .get(i + 1)
                .and_then(|n| unit(n).or_else(|| n.parse().ok().filter(|_| n.len() == 1)))
                .filter(|&u| (1..10).contains(&u));
            out.push((t + u.unwrap_or(0)).to_string());
            i += 1 + usize::from(u.is_some());
            continue;
        }
        if let Some(u) = unit(w) {
            out.push(u.to_string());
        } else if matches!(w, "st" | "nd" | "rd" | "th")
            && out
                .last()
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            // `1st`: the suffix of an ordinal already read as a number.
        } else {
            out.push(raw[i].clone());
        }
        i += 1;
    }
    out
}

/// `ii`, `iv`, `xv`: numbers in names of funds, vessels and branches, as their value.
fn roman_value(t: &str) -> Option<u32> {
    if t.len() < 2 || t.len() > 6 || matches!(t, "li" | "xl" | "vi" | "xi" | "il" | "lv") {
        return None;
    }
    let value = |b: u8| match b {
        b'i' => Some(1),
        b'v' => Some(5),
        b'x' => Some(10),
        _ => None,
    };
    let digits: Vec<u32> = t.bytes().map(value).collect::<Option<_>>()?;
    let mut total = 0;
    for (k, &d) in digits.iter().enumerate() {
        if digits.get(k + 1).is_some_and(|&n| n > d) {
            total -= d as i32;
        } else {
            total += d as i32;
        }
    }
    u32::try_from(total).ok().filter(|&v| v > 0)
}

/// Reads `SURNAME, Given` as `Given SURNAME` (one comma, no company form after it).
fn uninvert_person(name: &str) -> std::borrow::Cow<'_, str> {
    let mut parts = name.splitn(3, ',');
    let (Some(first), Some(second), None) = (parts.next(), parts.next(), parts.next()) else {
        return name.into();
    };
    let second = second.trim();
    let lower = second.to_ascii_lowercase();
    let looks_like_form = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| lexicon().forms.contains(w));
    if second.is_empty() || looks_like_form || first.trim().is_empty() {
        return name.into();
    }
    format!("{} {}", second, first.trim()).into()
}

/// `p l c` → `plc`, `s a` → `sa`, `l l c` → `llc`: runs of two or more single letters written with
/// dots or spaces are one abbreviation.
fn join_initialisms(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        if run.len() >= 2 && lexicon().forms.contains(run.concat().as_str()) {
            out.push(run.concat());
        } else {
            out.append(run);
        }
        run.clear();
    };
    for t in raw {
        if t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic() {
            run.push(t);
        } else {
            flush(&mut run, &mut out);
            out.push(t);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A phonetic skeleton: first letter kept, then consonant classes with vowels and `h`/`w`/`y`
/// dropped and repeats collapsed. `mohammed`, `muhammad`, `mohamed` → `mmd`; `scholz`, `scholze` → `skls`.
pub(crate) fn phonetic(token: &str) -> String {
    let b = token.as_bytes();
    let mut out = String::with_capacity(b.len());
    let class = |c: u8| -> u8 {
        match c {
            b'b' | b'p' => b'p',
            b'f' | b'v' => b'f',
            b'c' | b'k' | b'q' | b'g' | b'j' => b'k',
            b's' | b'z' | b'x' => b's',
            b'd' | b't' => b't',
            b'l' => b'l',
            b'm' | b'n' => b'm',
            b'r' => b'r',
            b'0'..=b'9' => c,
            _ => 0,
        }
    };
    let mut i = 0;
    let mut last = 0u8;
    while i < b.len() {
        let mut c = b[i];
        // digraphs
        if i + 1 < b.len() {
            match (c, b[i + 1]) {
                (b'p', b'h') => {
                    c = b'f';
                    i += 1;
                }
                (b's' | b'c', b'h') => {
                    c = b's';
                    i += 1;
                }
                (b'k', b'h') | (b'g', b'h') => {
                    c = b'k';
                    i += 1;
                }
                (b't' | b'd', b'h') => {
                    c = b't';
                    i += 1;
                }
                _ => {}
            }
        }
        let k = class(c);
        if out.is_empty() {
            // Initial vowels vary across transliterations (`Osama`/`Usama`, `Ibrahim`/`Ebrahim`).
            let first = if k != 0 {
                k
            } else if matches!(c, b'a' | b'e' | b'i' | b'o' | b'u') {
                b'a'
            } else {
                c
            };
            out.push(first as char);
            last = k;
        } else if k != 0 && k != last {
            out.push(k as char);
            last = k;
        } else if k == 0 && !matches!(c, b'h' | b'w' | b'y') {
            last = 0; // a vowel separates repeats
        }
        i += 1;
    }
    out
}

/// The name's characters if it is written only in Han characters or Hangul (spaces and the
/// middle dot ignored), else `None`.
fn cjk_only(name: &str) -> Option<String> {
    let ignored = |c: char| c.is_whitespace() || matches!(c, '·' | '・' | '.');
    let cjk = |c: char| matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F);
    // Checked before allocating: on the screening hot path almost every name fails at once.
    if !name.chars().all(|c| ignored(c) || cjk(c)) || !name.chars().any(cjk) {
        return None;
    }
    Some(name.chars().filter(|&c| !ignored(c)).collect())
}

/// The words inside round brackets, normalised like tokens.
fn bracketed_words(name: &str) -> Vec<String> {
    if !name.contains('(') {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in name.split('(').skip(1) {
        let inside = part.split(')').next().unwrap_or_default();
        let ascii = any_ascii::any_ascii(inside).to_ascii_lowercase();
        out.extend(
            ascii
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// A tag and a text hashed to 64 bits, for keys that are only compared for equality (romanisation
/// keys here, index keys in `index`): a collision is as likely as two random 64-bit numbers
/// meeting, and the keys need no strings.
pub(crate) fn hash_key(tag: u8, text: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    tag.hash(&mut h);
    text.hash(&mut h);
    h.finish()
}

/// The set of ASCII letters and digits in `text`, one bit each. Each edit changes at most two
/// bits, so half the bits two words do not share is a floor under their edit distance: most
/// pairs of words are told apart with one XOR instead of a distance computation.
pub(crate) fn letter_set(text: &str) -> u64 {
    text.bytes().fold(0u64, |set, b| match b {
        b'a'..=b'z' => set | 1 << (b - b'a'),
        b'0'..=b'9' => set | 1 << (26 + b - b'0'),
        _ => set,
    })
}

/// A key under which the usual romanisations of one name meet, narrower than [`phonetic`]: only
/// spellings of the same sounds are merged, so `Hussein`/`Husayn` meet but `Hussein`/`Hassan` do
/// not. Merged: doubled letters (`Hussein`/`Husein`); the diphthongs `ay`/`ai`/`ey`/`ei`
/// (`Husayn`/`Hussein`, `Sergey`/`Sergei`), with `j` for `y` after a vowel (`Sergej`, `Nikolaj`);
/// `ou`/`oo`/`u` (`Mahmoud`/`Mahmood`/`Mahmud`); `ee`/`i` (`Nazeer`/`Nazir`); `q`/`k`
/// (`Qasim`/`Kasim`); and the Baltic nominative `-s` after a consonant (`Lavrovs`, `Sergejs`).
pub(crate) fn spelling_key(token: &str) -> String {
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let mut b: Vec<u8> = token.bytes().collect();
    if b.len() >= 6 && b.last() == Some(&b's') && !vowel(b[b.len() - 2]) && b[b.len() - 2] != b's' {
        b.pop();
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let glide = |c: u8| c == b'y' || c == b'j';
        // A glide after a vowel and before a consonant or the end is the second half of a diphthong.
        let after_vowel = out.last().is_some_and(|&p| vowel(p));
        if glide(c) && after_vowel && !next.is_some_and(vowel) {
            if matches!(out.last(), Some(b'e' | b'a')) {
                out.pop();
                out.extend_from_slice(b"ai");
            } else {
                out.push(b'i');
            }
            i += 1;
            continue;
        }
        match (c, next) {
            (b'e' | b'a', Some(b'i')) => {
                out.extend_from_slice(b"ai");
                i += 2;
                continue;
            }
            (b'o', Some(b'u' | b'o')) | (b'u', Some(b'u')) => {
                out.push(b'u');
                i += 2;
                continue;
            }
            (b'e', Some(b'e')) => {
                out.push(b'i');
                i += 2;
                continue;
            }
            _ => {}
        }
        let c = if c == b'q' { b'k' } else { c };
        if out.last() != Some(&c) {
            out.push(c);
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(name: &str) -> Vec<(String, TokenKind)> {
        NameForm::new(name)
            .tokens
            .into_iter()
            .map(|t| (t.text, t.kind))
            .collect()
    }

    #[test]
    fn company_forms_are_reduced() {
        let k = kinds("Wuhan Yuancheng Gongchuang Technology Co., Ltd.");
        assert_eq!(k[0], ("wuhan".into(), TokenKind::Place));
        assert_eq!(k[1].1, TokenKind::Core);
        assert_eq!(k[3], ("technology".into(), TokenKind::Weak));
        assert_eq!(k[4], ("coltd".into(), TokenKind::Form));
        assert_eq!(kinds("Goldman Sachs & Co. L.L.C.").last().unwrap().0, "llc");
        assert_eq!(
            kinds("Grupo X S.A. de C.V.")
                .iter()
                .filter(|t| t.1 == TokenKind::Form)
                .count(),
            2
        );
    }

    #[test]
    fn scripts_are_transliterated() {
        assert_eq!(NameForm::new("Владимир Путин").compact, "vladimirputin");
        assert_eq!(
            NameForm::new("François Hollande").compact,
            "francoishollande"
        );
    }

    #[test]
    fn spelling_keys_merge_romanisations_only() {
        for (x, y) in [
            ("husayn", "hussein"),
            ("sergejs", "sergey"),
            ("sergei", "sergey"),
            ("mahmoud", "mahmood"),
            ("mahmud", "mahmoud"),
            ("nazeer", "nazir"),
            ("qasim", "kasim"),
            ("lavrovs", "lavrov"),
            ("nikolaj", "nikolai"),
        ] {
            assert_eq!(spelling_key(x), spelling_key(y), "{x} / {y}");
        }
        for (x, y) in [
            ("hussein", "hassan"),
            ("sergey", "sergio"),
            ("mahmud", "mahdi"),
            ("guo", "gu"),
        ] {
            assert_ne!(spelling_key(x), spelling_key(y), "{x} / {y}");
        }
    }

    #[test]
    fn phonetic_keys_meet_for_spelling_variants() {
        assert_eq!(phonetic("mohammed"), phonetic("muhammad"));
        assert_eq!(phonetic("mohamed"), phonetic("mohammad"));
        assert_eq!(phonetic("scholz"), phonetic("scholze"));
        assert_ne!(phonetic("scholz"), phonetic("schulte"));
    }

    /// `count` distinct words of letters only, none a company form or a trade word: `qaaa`,
    /// `qaab`, …
    fn distinct_words(count: usize) -> Vec<String> {
        (0..count)
            .map(|k| {
                let letter = |d: usize| char::from(b'a' + (k / 26usize.pow(d as u32) % 26) as u8);
                format!("q{}{}{}", letter(2), letter(1), letter(0))
            })
            .collect()
    }

    #[test]
    fn a_long_name_is_read_shortened_at_a_character_boundary() {
        // The case: one row of 20,000 distinct words.
        let name = distinct_words(20_000).join(" ");
        let form = NameForm::new(&name);
        assert!(form.original.len() <= MAX_NAME_BYTES);
        assert!(name.starts_with(&form.original));
        assert!(form.tokens.len() <= MAX_NAME_WORDS);
        assert_eq!(
            form.cut,
            Some(NameError::TooLong {
                bytes: name.len(),
                limit: MAX_NAME_BYTES
            })
        );
        let err = NameForm::try_new(&name).unwrap_err().to_string();
        assert!(
            err.contains(&name.len().to_string()) && err.contains("1024"),
            "{err}"
        );
        // Cut back to a whole character, whatever the script.
        for letter in ["é", "高", "𝔸"] {
            let form = NameForm::new(&letter.repeat(1000));
            assert!(form.original.len() <= MAX_NAME_BYTES);
            assert!(form.original.len() > MAX_NAME_BYTES - letter.len());
            assert!(form.original.chars().all(|c| c.to_string() == letter));
        }
    }

    #[test]
    fn a_name_of_many_words_is_compared_on_its_first_words() {
        let words = distinct_words(200);
        let name = words.join(" ");
        assert!(name.len() <= MAX_NAME_BYTES);
        let form = NameForm::new(&name);
        assert_eq!(form.tokens.len(), MAX_NAME_WORDS);
        assert_eq!(
            form.tokens[MAX_NAME_WORDS - 1].text,
            words[MAX_NAME_WORDS - 1]
        );
        assert_eq!(form.compact.len(), 4 * MAX_NAME_WORDS);
        assert_eq!(
            form.cut,
            Some(NameError::TooManyWords {
                words: 200,
                limit: MAX_NAME_WORDS
            })
        );
        assert_eq!(
            NameForm::try_new(&name).unwrap_err(),
            NameError::TooManyWords {
                words: 200,
                limit: MAX_NAME_WORDS
            }
        );
        // A `SURNAME, Given` whose surname falls beyond the cut has no surname left.
        let inverted = format!("{}, {}", words[..10].join(" "), words[10..].join(" "));
        assert_eq!(NameForm::new(&inverted).surname_from, None);
        // Within the limits nothing is cut, up to the last word.
        let form = NameForm::try_new(&words[..MAX_NAME_WORDS].join(" ")).unwrap();
        assert_eq!((form.tokens.len(), form.cut), (MAX_NAME_WORDS, None));
    }

    #[test]
    fn real_names_are_far_within_the_limits() {
        for name in [
            "FEDERAL STATE UNITARY ENTERPRISE ALL-RUSSIAN SCIENTIFIC RESEARCH INSTITUTE OF \
             AVIATION MATERIALS OF THE NATIONAL RESEARCH CENTER KURCHATOV INSTITUTE",
            "СВЕРДЛОВСКАЯ ОБЛАСТНАЯ ОБЩЕСТВЕННАЯ ОРГАНИЗАЦИЯ \"ЦЕНТР ИССЛЕДОВАНИЯ БОЕВЫХ ИСКУССТВ \
             \"УРАЛЬСКИЙ БУДОКАН\"",
            "جبهة فتح الشام (Jabhat Fath al Sham; Jabhat Fath al-Sham; Jabhat Fatah al-Sham; \
             Jabhat Fateh Al-Sham; Fatah al-Sham Front; Fateh al-Sham Front)",
        ] {
            let form = NameForm::try_new(name).unwrap();
            assert!(form.original == name && form.cut.is_none());
        }
        assert_eq!(NameForm::try_new(" - ").unwrap_err(), NameError::NoWords);
        assert_eq!(NameForm::try_new("").unwrap_err(), NameError::NoWords);
        assert_eq!(check_size("A/S"), Ok(()));
    }

    #[test]
    fn many_slash_separated_parts_are_one_name() {
        let parts = distinct_words(MAX_ALTERNATIVES + 1);
        assert_eq!(
            NameForm::new(&parts[..MAX_ALTERNATIVES].join("/"))
                .alternatives
                .len(),
            MAX_ALTERNATIVES
        );
        let whole = NameForm::new(&parts.join("/"));
        assert!(whole.alternatives.is_empty());
        assert_eq!(whole.tokens.len(), MAX_ALTERNATIVES + 1);
    }
}
