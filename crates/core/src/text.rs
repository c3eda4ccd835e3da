//! Text helpers shared by every engine: one edit distance, clipping outside text before it goes
//! into a message, the one folding of outside text ([`fold`]) and escaping it for a terminal
//! ([`escape_controls`]).

/// Optimal-string-alignment distance between two byte strings if it is at most `limit`, else
/// `None`. A swap of two neighbouring letters (`fentanly`/`fentanyl`, `Asasd`/`Assad`) is one
/// edit. Rows are abandoned as soon as no later row can come back under the limit, so a
/// distant pair costs little; short inputs (under 64 bytes, every name and most words) work on
/// the stack.
pub fn osa_within(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    if b.len() < 64 {
        let mut rows = [[0usize; 65]; 3];
        let [prev2, prev, cur] = &mut rows;
        osa_rows(a, b, limit, prev2, prev, cur)
    } else {
        let n = b.len() + 1;
        let (mut prev2, mut prev, mut cur) = (vec![0; n], vec![0; n], vec![0; n]);
        osa_rows(a, b, limit, &mut prev2, &mut prev, &mut cur)
    }
}

fn osa_rows<'r>(
    a: &[u8],
    b: &[u8],
    limit: usize,
    mut prev2: &'r mut [usize],
    mut prev: &'r mut [usize],
    mut cur: &'r mut [usize],
) -> Option<usize> {
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    let mut prev_min = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let mut v = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                v = v.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = v;
            row_min = row_min.min(v);
        }
        // A later row can only come back below the limit through a transposition from the
        // row before this one.
        if row_min > limit && prev_min + 1 > limit {
            return None;
        }
        prev_min = row_min;
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// At most `max` characters of `text`, with `…` when cut: outside values quoted in an error
/// message stay readable however long the value was.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The one folding of text from outside (goods descriptions, CAS numbers, names in lists)
/// before anything compares it: what a reader sees as the same text becomes the same text.
///
/// - control characters (NUL, CR, ESC, the C1 range, DEL) and Unicode spaces become one
///   ASCII space; zero-width characters and the soft hyphen are dropped;
/// - Unicode hyphens, dashes and minus signs (U+2010–U+2015, U+2212, U+FE58, U+FE63, U+FF0D)
///   become `-`;
/// - full-width ASCII (U+FF01–U+FF5E: `１２０－５７－０`) becomes ASCII;
/// - Cyrillic and Greek letters that look like Latin ones (`е`, `р`, `Н`, `Ρ`) become those
///   Latin letters inside a word that also has Latin letters (`Pipеronal`), and in a word of
///   two or more letters that are all Cyrillic look-alikes (`НРР` reads `HPP`); a word of
///   real Cyrillic or Greek (`ацетон`, `α`) is kept as written.
///
/// Borrowed, at no cost, when the text is printable ASCII already.
pub fn fold(text: &str) -> std::borrow::Cow<'_, str> {
    fold_known(text, |_| false)
}

/// [`fold`], with a word written wholly in Cyrillic look-alikes read as the caller knows it.
///
/// Such a word has two readings per letter: how it is drawn (`Н` is drawn `H`, `Р` is drawn
/// `P`) and how it is said (`Н` is `N`, `Р` is `R`). A writer who transliterates some letters
/// and copies the shape of others writes `НРР` for NPP. Every mix of the two readings is
/// offered to `known` (drawn first), and the first it accepts is the word's folding; if none
/// is accepted the drawn reading stands, as in [`fold`]. The cost is bounded: only words of at
/// most [`MAX_READING_WORD`] letters with at most [`MAX_AMBIGUOUS_LETTERS`] letters of two
/// readings get more than one try.
pub fn fold_known(text: &str, known: impl Fn(&str) -> bool) -> std::borrow::Cow<'_, str> {
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut word: Vec<char> = Vec::new();
    let flush = |word: &mut Vec<char>, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let latin = word.iter().any(|c| c.is_ascii_alphabetic());
        let lookalikes = word.iter().filter(|&&c| lookalike(c).is_some()).count();
        let all_cyrillic_lookalikes = word.len() >= 2
            && word
                .iter()
                .all(|&c| lookalike(c).is_some() && is_cyrillic(c));
        if all_cyrillic_lookalikes && !latin {
            out.push_str(&best_reading(word, &known));
        } else if latin && lookalikes > 0 {
            out.extend(word.iter().map(|&c| lookalike(c).unwrap_or(c)));
        } else {
            out.extend(word.iter());
        }
        word.clear();
    };
    for c in text.chars() {
        let c = match c {
            '\t' | '\n' => c,
            c if c.is_control() => ' ',
            '\u{00a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => ' ',
            '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => continue,
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => '-',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        };
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    std::borrow::Cow::Owned(out)
}

/// Longest word whose mixed readings are tried by [`fold_known`].
pub const MAX_READING_WORD: usize = 16;
/// Most letters with two readings in a word whose mixed readings are tried (2^6 = 64 tries).
pub const MAX_AMBIGUOUS_LETTERS: usize = 6;

/// The reading of an all-Cyrillic look-alike word that `known` accepts, drawn letters first.
fn best_reading(word: &[char], known: &impl Fn(&str) -> bool) -> String {
    let drawn: String = word.iter().map(|&c| lookalike(c).unwrap_or(c)).collect();
    let ambiguous: Vec<usize> = (0..word.len())
        .filter(|&i| spoken(word[i]).is_some_and(|s| Some(s) != lookalike(word[i])))
        .collect();
    if known(&drawn)
        || ambiguous.is_empty()
        || word.len() > MAX_READING_WORD
        || ambiguous.len() > MAX_AMBIGUOUS_LETTERS
    {
        return drawn;
    }
    let mut letters: Vec<char> = drawn.chars().collect();
    for mask in 1u32..(1 << ambiguous.len()) {
        for (bit, &i) in ambiguous.iter().enumerate() {
            letters[i] = if mask & (1 << bit) != 0 {
                spoken(word[i]).unwrap_or(word[i])
            } else {
                lookalike(word[i]).unwrap_or(word[i])
            };
        }
        let reading: String = letters.iter().collect();
        if known(&reading) {
            return reading;
        }
    }
    drawn
}

/// The Latin letter a Cyrillic look-alike is said as, where it differs from how it is drawn
/// (the usual transliteration: `Н` N, `Р` R, `В` V, `С` S, `У` U).
fn spoken(c: char) -> Option<char> {
    Some(match c {
        'Н' => 'N',
        'Р' => 'R',
        'В' => 'V',
        'С' => 'S',
        'У' => 'U',
        'р' => 'r',
        'с' => 's',
        'у' => 'u',
        _ => return None,
    })
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04ff}').contains(&c)
}

/// The Latin letter a Cyrillic or Greek letter is drawn like (Unicode's confusables for the
/// letters of these scripts that have one).
fn lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'І' => 'I',
        'Ј' => 'J',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Ѕ' => 'S',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'һ' => 'h',
        'і' => 'i',
        'ј' => 'j',
        'о' => 'o',
        'р' => 'p',
        'ѕ' => 's',
        'х' => 'x',
        'у' => 'y',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        // Greek
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        'ο' => 'o',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ρ' => 'p',
        'υ' => 'u',
        _ => return None,
    })
}

/// `text` safe to print on a terminal: control characters (CR, ESC, NUL, backspace, the C1
/// range, DEL, bidirectional overrides) written as escapes (`\r`, `\u{1b}`) so that outside
/// text cannot move the cursor, recolour or overwrite what is printed around it. Tab and
/// line feed are escaped too when `keep_newlines` is false (a table cell).
pub fn escape_controls(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && !(keep_newlines && (c == '\n' || c == '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !bad(c) {
            out.push(c);
            continue;
        }
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osa(a: &str, b: &str, limit: usize) -> Option<usize> {
        osa_within(a.as_bytes(), b.as_bytes(), limit)
    }

    #[test]
    fn distance_counts_transpositions_as_one_edit() {
        assert_eq!(osa("fentanly", "fentanyl", 2), Some(1));
        assert_eq!(osa("pseudoephedrin", "pseudoephedrine", 2), Some(1));
        assert_eq!(osa("abcdefgh", "abcdefgh", 2), Some(0));
        assert_eq!(osa("piperazine", "piperidine", 2), Some(2));
        assert_eq!(osa("benzoicacid", "piperidine", 2), None);
        assert_eq!(osa("asasd", "assad", 1), Some(1));
        assert_eq!(osa("", "ab", 2), Some(2));
        assert_eq!(osa("ab", "", 1), None);
    }

    #[test]
    fn long_inputs_take_the_heap_path_with_the_same_answer() {
        let a = "x".repeat(100) + "ab";
        let b = "x".repeat(100) + "ba";
        assert_eq!(osa(&a, &b, 1), Some(1));
        assert_eq!(osa(&a, &"y".repeat(102), 3), None);
    }

    #[test]
    fn clip_cuts_on_characters() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("€€€€", 2), "€€…");
    }

    #[test]
    fn fold_makes_what_reads_the_same_the_same() {
        // Cyrillic е in a Latin word, NUL as a separator, Unicode hyphens, full-width digits.
        assert_eq!(fold("Pip\u{435}ronal"), "Piperonal");
        assert_eq!(fold("Acetone\u{0}tech"), "Acetone tech");
        assert_eq!(fold("120\u{2010}57\u{2011}0"), "120-57-0");
        assert_eq!(fold("120\u{2212}57\u{2013}0"), "120-57-0");
        assert_eq!(fold("\u{ff11}\u{ff12}\u{ff10}-57-0"), "120-57-0");
        assert_eq!(fold("\u{41d}\u{420}\u{420}"), "HPP");
        // A reader who knows NPP reads the transliterated Н and the drawn Р Р as NPP.
        let knows = |w: &str| w.eq_ignore_ascii_case("NPP") || w.eq_ignore_ascii_case("ANPP");
        assert_eq!(fold_known("\u{41d}\u{420}\u{420} 99%", knows), "NPP 99%");
        assert_eq!(fold_known("\u{410}\u{41d}\u{420}\u{420}", knows), "ANPP");
        assert_eq!(fold_known("\u{41d}\u{420}\u{420}", |_| false), "HPP");
        // Too many ambiguous letters: only the drawn reading, at no cost.
        let long = "\u{41d}".repeat(MAX_AMBIGUOUS_LETTERS + 1);
        let tries = std::cell::Cell::new(0);
        let counted = |_: &str| {
            tries.set(tries.get() + 1);
            false
        };
        assert_eq!(
            fold_known(&long, counted),
            "H".repeat(MAX_AMBIGUOUS_LETTERS + 1)
        );
        assert_eq!(tries.get(), 1);
        assert_eq!(fold("a\u{200b}b\u{a0}c\r\u{1b}[2J"), "ab c  [2J");
        // Real Cyrillic and Greek are kept; ASCII is borrowed.
        assert_eq!(fold("ацетон"), "ацетон");
        assert_eq!(fold("α-PVP"), "α-PVP");
        assert!(matches!(fold("plain text"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn escape_controls_leaves_nothing_a_terminal_acts_on() {
        assert_eq!(
            escape_controls("Piperonal\r none 0 \u{1b}[2J", false),
            "Piperonal\\r none 0 \\u{1b}[2J"
        );
        assert_eq!(escape_controls("a\nb", true), "a\nb");
        assert_eq!(escape_controls("a\nb", false), "a\\nb");
        assert_eq!(escape_controls("x\u{202e}y", true), "x\\u{202e}y");
        assert!(matches!(
            escape_controls("plain", false),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
