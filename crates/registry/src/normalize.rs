//! Text normalisation for identification.
//!
//! Traders write the same chemical many ways: `N-Phenethyl-4-piperidone`, `N-phenethyl 4-piperidinone`,
//! `1-(2-PHENYLETHYL)-4-PIPERIDONE`, `(±)-ephedrine HCl`, `α-PVP`. Identification compares
//! *compact keys*: lower-case ASCII letters and digits only, diacritics removed, Greek letters
//! spelled out, and a few spelling variants folded (`sulph`→`sulf`, `piperidinone`→`piperidone`).
//! Word boundaries are kept beside the key, because a name must match whole words: `piperidine`
//! inside `4-methylpiperidine` is a different chemical.

use unicode_normalization::char::decompose_compatible;

/// Spelling variants folded to one form, applied to each word's compact key.
/// Kept few on purpose: every fold also moves misspellings of the folded word one edit further
/// from their key. Variants of whole names (`phenethyl`/`phenylethyl`) are synonyms in `data/`.
const SPELLING: &[(&str, &str)] = &[
    ("piperidinone", "piperidone"),
    ("sulph", "sulf"),
    ("aether", "ether"),
];

/// Greek letters as chemists spell them in ASCII.
fn greek(c: char) -> Option<&'static str> {
    Some(match c {
        'α' | 'Α' => "alpha",
        'β' | 'Β' | 'ß' => "beta",
        'γ' | 'Γ' => "gamma",
        'δ' | 'Δ' => "delta",
        'ε' | 'Ε' => "epsilon",
        'ω' | 'Ω' => "omega",
        'μ' | 'µ' => "mu",
        _ => return None,
    })
}

/// Appends the compact form of one character to `out`.
#[inline]
fn push_compact(c: char, out: &mut String) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
        return;
    }
    if let Some(g) = greek(c) {
        out.push_str(g);
        return;
    }
    decompose_compatible(c, |d| {
        if d.is_ascii_alphanumeric() {
            out.push(d.to_ascii_lowercase());
        } else if !d.is_ascii() && d.is_alphanumeric() && !is_combining(d) {
            // Keep letters of other scripts (CJK, Cyrillic) so that names in them can match.
            out.extend(d.to_lowercase());
        }
    });
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Folds spelling variants in place.
fn fold_spelling(word: &mut String) {
    for (from, to) in SPELLING {
        if word.contains(from) {
            *word = word.replace(from, to);
        }
    }
}

/// The compact key of a name or word: what identification compares.
pub fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_compact(c, &mut out);
    }
    fold_spelling(&mut out);
    out
}

/// A word of the input: its byte span in the raw text and in the compact buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub raw_start: usize,
    pub raw_end: usize,
    pub start: usize,
    pub end: usize,
}

/// The input as one compact buffer with its word boundaries.
#[derive(Debug, Default)]
pub struct Compacted {
    pub text: String,
    pub words: Vec<Word>,
}

/// Is `c` at byte `i` of `raw` a word separator? Whitespace always; `;` always (no chemical name
/// a trader writes holds one); `/ | " * + =` always; `,` and `:` unless they stand between two
/// locants (`2,5-dimethoxy`, `N,N-dimethyl`, `(1R,2S)`, `3,4-`, `alpha,alpha`), so that
/// `N-Phenethyl-4-piperidone,99%,white powder` and `Acetone,tech grade` split as with `, `.
pub fn is_separator(raw: &str, i: usize, c: char) -> bool {
    if c.is_whitespace() {
        return true;
    }
    match c {
        '/' | '|' | '"' | '*' | '+' | '=' | ';' => true,
        ',' | ':' => !between_locants(raw, i, c.len_utf8()),
        _ => false,
    }
}

/// True if the punctuation at bytes `i..i + len` of `raw` joins two locants: the run of letters,
/// digits and primes just before it and the one just after it are each a locant.
fn between_locants(raw: &str, i: usize, len: usize) -> bool {
    let is_part = |ch: char| ch.is_alphanumeric() || matches!(ch, '\'' | '′' | '″');
    let before = &raw[..i];
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, ch)| is_part(ch))
        .last()
        .map_or(i, |(k, _)| k);
    let after = &raw[i + len..];
    let end = after
        .char_indices()
        .find(|&(_, ch)| !is_part(ch))
        .map_or(after.len(), |(k, _)| k);
    is_locant(&before[start..]) && is_locant(&after[..end])
}

/// A locant or stereo descriptor of a chemical name: digits with an optional letter and primes
/// (`2`, `4a`, `2R`, `1'`), one letter (`N`, `O`, `S`, `R`), or a Greek letter spelled or written.
fn is_locant(part: &str) -> bool {
    let part = part.trim_end_matches(['\'', '′', '″']);
    if part.is_empty() {
        return false;
    }
    let digits = part.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &part[digits..];
    if digits > 0 {
        return digits <= 4
            && rest.chars().count() <= 1
            && rest.chars().all(|ch| ch.is_ascii_alphabetic());
    }
    let mut chars = rest.chars();
    let single = chars.next().is_some_and(|ch| ch.is_alphabetic()) && chars.next().is_none();
    single
        || matches!(
            part.to_ascii_lowercase().as_str(),
            "alpha" | "beta" | "gamma" | "delta" | "omega"
        )
}

impl Compacted {
    /// Splits `raw` into words and compacts each; words with an empty key (`-`, `%`) are dropped.
    /// (Identification refills one buffer per thread with [`Compacted::fill`] instead.)
    #[cfg(test)]
    pub fn new(raw: &str) -> Compacted {
        let mut out = Compacted {
            text: String::with_capacity(raw.len() + 8),
            words: Vec::with_capacity(16),
        };
        out.fill(raw);
        out
    }

    /// Refills this buffer from `raw`, reusing allocations.
    pub fn fill(&mut self, raw: &str) {
        self.text.clear();
        self.words.clear();
        let mut word = String::with_capacity(32);
        let mut start: Option<usize> = None;
        for (i, c) in raw.char_indices() {
            if is_separator(raw, i, c) {
                if let Some(s) = start.take() {
                    self.push_word(&mut word, s, i);
                }
            } else {
                if start.is_none() {
                    start = Some(i);
                }
                push_compact(c, &mut word);
            }
        }
        if let Some(s) = start {
            self.push_word(&mut word, s, raw.len());
        }
    }

    fn push_word(&mut self, word: &mut String, raw_start: usize, raw_end: usize) {
        if !word.is_empty() {
            fold_spelling(word);
            let start = self.text.len();
            self.text.push_str(word);
            self.words.push(Word {
                raw_start,
                raw_end,
                start,
                end: self.text.len(),
            });
        }
        word.clear();
    }

    /// The word containing compact byte `pos` (the one starting there, if any).
    pub fn word_at(&self, pos: usize) -> Option<usize> {
        let i = self.words.partition_point(|w| w.end <= pos);
        (i < self.words.len() && self.words[i].start <= pos).then_some(i)
    }

    /// The compact key of words `from..=to`.
    pub fn span(&self, from: usize, to: usize) -> &str {
        &self.text[self.words[from].start..self.words[to].end]
    }
}

/// Salt, hydrate and base words that may follow a name without changing what is controlled.
pub const SALT_WORDS: &[&str] = &[
    "hcl",
    "hydrochloride",
    "dihydrochloride",
    "hbr",
    "hydrobromide",
    "hydroiodide",
    "sulfate",
    "hemisulfate",
    "bisulfate",
    "phosphate",
    "citrate",
    "tartrate",
    "bitartrate",
    "maleate",
    "fumarate",
    "oxalate",
    "succinate",
    "acetate",
    "mesylate",
    "tosylate",
    "nitrate",
    "salt",
    "salts",
    "base",
    "freebase",
    "monohydrate",
    "dihydrate",
    "trihydrate",
    "hemihydrate",
    "hydrate",
    "anhydrous",
    "racemate",
    "racemic",
];

/// For every byte position `p` of a compact word (and its end), whether `word[p..]` is made only
/// of salt/hydrate words: one pass from the end, so every name hit inside a long word is checked
/// in constant time and no input can recurse deeply (a 30 KB `fentanylhclhcl…` once overflowed
/// the stack).
pub fn salt_suffix_starts(word: &[u8]) -> Vec<bool> {
    let mut ok = vec![false; word.len() + 1];
    ok[word.len()] = true;
    for p in (0..word.len()).rev() {
        ok[p] = SALT_WORDS.iter().any(|w| {
            word[p..].starts_with(w.as_bytes()) && ok.get(p + w.len()).copied().unwrap_or(false)
        });
    }
    ok
}

/// True if `prefix` (compact) is a stereo descriptor that may precede a name: `dl`, `rac`, `1r2s`, `s`.
pub fn is_stereo_prefix(prefix: &str) -> bool {
    if matches!(
        prefix,
        "d" | "l"
            | "dl"
            | "rac"
            | "cis"
            | "trans"
            | "e"
            | "z"
            | "erythro"
            | "threo"
            | "rs"
            | "r"
            | "s"
    ) {
        return true;
    }
    // Locant-qualified descriptors: (1R,2S) → "1r2s", (2S) → "2s", (αS) → "alphas".
    let b = prefix.as_bytes();
    let mut i = 0;
    let mut groups = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if prefix[i..].starts_with("alpha") {
            i += 5;
        } else if prefix[i..].starts_with("beta") {
            i += 4;
        }
        if i < b.len() && (b[i] == b'r' || b[i] == b's') && (i > start || groups > 0 || i == start)
        {
            i += 1;
            if i < b.len() && b[i] == b's' && b[i - 1] == b'r' {
                i += 1; // "RS"
            }
            groups += 1;
        } else {
            return false;
        }
    }
    groups > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True if `rest` (a compact string) is made only of salt/hydrate words, e.g. `hclmonohydrate`.
    fn is_salt_suffix(rest: &str) -> bool {
        salt_suffix_starts(rest.as_bytes())[0]
    }

    #[test]
    fn compacts_case_punctuation_greek_and_spelling() {
        assert_eq!(compact("N-Phenethyl-4-piperidone"), "nphenethyl4piperidone");
        assert_eq!(
            compact("1-(2-phenylethyl)-4-piperidinone"),
            "12phenylethyl4piperidone"
        );
        assert_eq!(compact("α-PVP"), "alphapvp");
        assert_eq!(compact("Sulphuric acid"), "sulfuricacid");
        assert_eq!(compact("Éther"), "ether");
    }

    #[test]
    fn words_split_on_spaces_and_delimiting_commas_only() {
        let c = Compacted::new("4-piperidinone, 1-(2-phenylethyl)- 99%, 2,5-dimethoxy");
        let keys: Vec<&str> = (0..c.words.len()).map(|i| c.span(i, i)).collect();
        assert_eq!(keys, ["4piperidone", "12phenylethyl", "99", "25dimethoxy"]);
        assert_eq!(c.word_at(0), Some(0));
        assert_eq!(c.word_at(12), Some(1));
    }

    fn keys(text: &str) -> Vec<String> {
        let c = Compacted::new(text);
        (0..c.words.len())
            .map(|i| c.span(i, i).to_string())
            .collect()
    }

    #[test]
    fn punctuation_glued_to_words_splits_but_locant_commas_stay() {
        assert_eq!(
            keys("N-Phenethyl-4-piperidone,99%,white powder"),
            ["nphenethyl4piperidone", "99", "white", "powder"]
        );
        assert_eq!(keys("Acetone,tech grade"), ["acetone", "tech", "grade"]);
        assert_eq!(
            keys("ephedrine;pseudoephedrine"),
            ["ephedrine", "pseudoephedrine"]
        );
        assert_eq!(keys("safrole,isosafrole"), ["safrole", "isosafrole"]);
        assert_eq!(keys("toluene:99.5%"), ["toluene", "995"]);
        // Commas and colons between locants belong to the name.
        assert_eq!(keys("2,5-dimethoxy,99%"), ["25dimethoxy", "99"]);
        assert_eq!(keys("N,N-dimethylformamide"), ["nndimethylformamide"]);
        assert_eq!(keys("(1R,2S)-ephedrine"), ["1r2sephedrine"]);
        assert_eq!(keys("2,4,5-trimethoxy"), ["245trimethoxy"]);
        assert_eq!(keys("N,N'-diethyl"), ["nndiethyl"]);
        assert_eq!(keys("alpha,alpha-dimethyl"), ["alphaalphadimethyl"]);
        assert_eq!(keys("α,α-dimethyl"), ["alphaalphadimethyl"]);
        assert_eq!(keys("3,4-MDP-2-P,25kg"), ["34mdp2p", "25kg"]);
    }

    #[test]
    fn salt_and_stereo_affixes() {
        assert!(is_salt_suffix("hclmonohydrate"));
        assert!(is_salt_suffix("hydrochloride"));
        assert!(!is_salt_suffix("methylester"));
        assert!(is_salt_suffix(""));
        assert_eq!(
            salt_suffix_starts(b"xhcl"),
            [false, true, false, false, true]
        );
        // Regression: this recursed once per salt word and overflowed a thread's stack.
        let long = "hcl".repeat(100_000);
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || assert!(is_salt_suffix(&long)))
            .and_then(|t| t.join().map_err(|_| std::io::Error::other("panicked")))
            .expect("no stack overflow");
        assert!(is_stereo_prefix("1r2s"));
        assert!(is_stereo_prefix("dl"));
        assert!(is_stereo_prefix("2s"));
        assert!(!is_stereo_prefix("4methyl"));
        assert!(!is_stereo_prefix("n"));
    }
}
