//! Chinese names in Wade–Giles (`Mao Tse-tung`, `Hsi Chin-p'ing`) against the same names in
//! pinyin (`Mao Zedong`, `Xi Jinping`).
//!
//! Taiwan, Hong Kong and older Western records still write Wade–Giles, pinyin is the norm
//! everywhere else, and the two share few letters (`hs`/`x`, `ts`/`z`, `ung`/`ong`). Lists and
//! declarations lose Wade–Giles' aspiration apostrophe (`p'ing` arrives as `ping`), so a syllable
//! cannot tell `b` from `p`: both systems are compared through a key that merges each
//! unaspirated/aspirated pair (`b`/`p`, `d`/`t`, `g`/`k`, `z`/`c`, `zh`/`ch`/`j`/`q`), applied to
//! letters rather than syllables so that a pinyin given name written as one word (`Jinping`)
//! needs no segmentation.
//!
//! A name gets Wade–Giles readings only when every word of it is a Wade–Giles syllable and at
//! least one is not pinyin (`hs`, `ts`, `tz`, `ung`, `ih`, `ieh` …): `Li Ping` is left alone, and
//! so are Korean and Vietnamese names (`Kim`, `Nguyen` are not Wade–Giles syllables).

/// Initials, longest first so that `hs` and `ch` win over `h` and `c`.
const INITIALS: &[&str] = &[
    "hs", "ch", "sh", "ts", "tz", "ss", "sz", "p", "m", "f", "t", "n", "l", "k", "h", "j", "s",
    "w", "y", "",
];

/// Finals with `ü` written `u` (the lists drop the diaeresis), and `ee` for the Taiwanese `Lee`.
const FINALS: &[&str] = &[
    "a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "erh", "i", "ia", "iang", "iao", "ieh",
    "ien", "ih", "in", "ing", "iu", "iung", "o", "ou", "u", "ua", "uai", "uan", "uang", "ui", "un",
    "ung", "uo", "ueh", "uei", "ee",
];

/// The initial and final of a Wade–Giles syllable, if `syllable` is one.
fn parse(syllable: &str) -> Option<(&'static str, &str)> {
    INITIALS.iter().find_map(|&initial| {
        let fin = syllable.strip_prefix(initial)?;
        FINALS.contains(&fin).then_some((initial, fin))
    })
}

/// Whether the syllable cannot be pinyin, so the name is Wade–Giles.
fn only_wade_giles(initial: &str, fin: &str) -> bool {
    matches!(initial, "hs" | "ts" | "tz" | "ss" | "sz")
        || matches!(fin, "ung" | "iung" | "ih" | "ieh" | "ien" | "ueh" | "erh")
        || (initial == "ch" && fin.starts_with('i') && fin != "i")
}

/// The syllable in pinyin, choosing the unaspirated reading (the key merges the two anyway).
fn to_pinyin(initial: &str, fin: &str) -> String {
    let before_i = fin.starts_with('i');
    let pinyin_initial = match initial {
        "p" => "b",
        "t" => "d",
        "k" => "g",
        "ch" if before_i && fin != "ih" => "j",
        "ch" => "zh",
        "hs" => "x",
        "ts" | "tz" => "z",
        "ss" | "sz" => "s",
        "j" => "r",
        other => other,
    };
    let pinyin_final = match (initial, fin) {
        (_, "ung") => "ong",
        (_, "iung") => "iong",
        (_, "ieh") => "ie",
        (_, "ueh") => "ue",
        (_, "ien") => "ian",
        (_, "ih") => "i",
        (_, "erh") => "er",
        (_, "uei") => "ui",
        ("ts" | "tz" | "ss" | "sz", "u") => "i",
        ("k" | "h", "o") => "e",
        ("t" | "n" | "l" | "s" | "ts" | "tz" | "ch" | "sh" | "j", "o") => "uo",
        (_, other) => other,
    };
    format!("{pinyin_initial}{pinyin_final}")
}

/// Pinyin letters with each aspiration pair merged (see the module comment); `ng` is one sound.
pub(crate) fn pinyin_key(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let (c, step) = match (b[i], next) {
            (b'z' | b'c', Some(b'h')) => ('J', 2),
            (b's', Some(b'h')) => ('S', 2),
            (b'n', Some(b'g')) => ('N', 2),
            (b'j' | b'q', _) => ('J', 1),
            (b'z' | b'c', _) => ('Z', 1),
            (b'b' | b'p', _) => ('B', 1),
            (b'd' | b't', _) => ('D', 1),
            (b'g' | b'k', _) => ('G', 1),
            (c, _) => (c as char, 1),
        };
        out.push(c);
        i += step;
    }
    out
}

/// For each word of a name, the pinyin key of its Wade–Giles reading, or `None` for every word
/// when the name is not Wade–Giles (see the module comment).
pub(crate) fn readings(words: &[&str]) -> Option<Vec<String>> {
    let parsed: Vec<(&str, &str)> = words.iter().map(|w| parse(w)).collect::<Option<_>>()?;
    if !parsed.iter().any(|&(i, f)| only_wade_giles(i, f)) {
        return None;
    }
    Some(
        parsed
            .iter()
            .map(|&(i, f)| pinyin_key(&to_pinyin(i, f)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(name: &str) -> Option<String> {
        let words: Vec<&str> = name.split(' ').collect();
        readings(&words).map(|r| r.concat())
    }

    #[test]
    fn wade_giles_names_read_as_pinyin() {
        assert_eq!(reading("mao tse tung"), Some(pinyin_key("maozedong")));
        assert_eq!(reading("hsi chin ping"), Some(pinyin_key("xijinping")));
        assert_eq!(reading("teng hsiao ping"), Some(pinyin_key("dengxiaoping")));
        assert_eq!(
            reading("chiang ching kuo"),
            Some(pinyin_key("jiangjingguo"))
        );
    }

    #[test]
    fn other_names_have_no_reading() {
        assert_eq!(reading("li ping"), None); // pinyin already
        assert_eq!(reading("kim jong un"), None);
        assert_eq!(reading("nguyen van hung"), None);
        assert_eq!(reading("vladimir putin"), None);
    }
}
