//! Typo-tolerant lookup of compact keys: a trigram index for candidates, then a banded
//! Damerau (optimal string alignment) distance to confirm.
//!
//! Only long keys take part (a one-letter change in a short name is usually another word), and a
//! change may never touch a digit: `3-methylfentanyl` and `4-methylfentanyl` are different drugs,
//! not typos of each other.

/// The shortest key that may match with one edit, and with two.
pub const MIN_LEN_ONE_EDIT: usize = 8;
pub const MIN_LEN_TWO_EDITS: usize = 12;

/// Edits allowed for a query of this length.
pub fn max_edits(len: usize) -> usize {
    if len >= MIN_LEN_TWO_EDITS {
        2
    } else if len >= MIN_LEN_ONE_EDIT {
        1
    } else {
        0
    }
}

/// Symbols of the trigram alphabet: `a`–`z`, `0`–`9`, and one for any other byte.
const SYMBOLS: usize = 37;

fn symbol(b: u8) -> usize {
    match b {
        b'a'..=b'z' => (b - b'a') as usize,
        b'0'..=b'9' => 26 + (b - b'0') as usize,
        _ => 36,
    }
}

fn trigram(t: &[u8]) -> usize {
    (symbol(t[0]) * SYMBOLS + symbol(t[1])) * SYMBOLS + symbol(t[2])
}

#[derive(Debug)]
pub struct FuzzyIndex {
    keys: Vec<String>,
    lens: Vec<usize>,
    digits: Vec<String>,
    /// Keys containing each trigram while the index is being built.
    building: Vec<Vec<u16>>,
    /// After [`FuzzyIndex::finish`]: the keys of trigram `t` are `flat[offsets[t]..offsets[t + 1]]`.
    /// Flat and small so that the hot loop hashes nothing and stays in cache.
    offsets: Vec<u32>,
    flat: Vec<u16>,
}

impl Default for FuzzyIndex {
    fn default() -> Self {
        FuzzyIndex {
            keys: Vec::new(),
            lens: Vec::new(),
            digits: Vec::new(),
            building: vec![Vec::new(); SYMBOLS * SYMBOLS * SYMBOLS],
            offsets: Vec::new(),
            flat: Vec::new(),
        }
    }
}

/// Reusable per-thread counters so a query allocates nothing.
#[derive(Debug, Default)]
pub struct FuzzyScratch {
    counts: Vec<u16>,
    touched: Vec<u32>,
    /// Keys sharing at least two trigrams with the run: the only ones that can pass the filter.
    hot: Vec<u32>,
}

impl FuzzyScratch {
    fn begin(&mut self, keys: usize) {
        if self.counts.len() < keys {
            self.counts.resize(keys, 0);
        }
    }

    /// Resets the counters touched since `begin`.
    fn end(&mut self) {
        for &k in &self.touched {
            self.counts[k as usize] = 0;
        }
        self.touched.clear();
        self.hot.clear();
    }
}

fn digits_of(s: &str) -> String {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(char::from)
        .collect()
}

fn same_digits(a: &str, digits: &str) -> bool {
    a.bytes().filter(u8::is_ascii_digit).eq(digits.bytes())
}

impl FuzzyIndex {
    /// Freezes the postings into the flat table; call once after the last [`FuzzyIndex::add`].
    pub fn finish(&mut self) {
        self.offsets = Vec::with_capacity(self.building.len() + 1);
        self.flat.clear();
        for list in &self.building {
            self.offsets.push(self.flat.len() as u32);
            self.flat.extend_from_slice(list);
        }
        self.offsets.push(self.flat.len() as u32);
        self.building = Vec::new();
    }

    /// Adds a key; returns its index. Keys shorter than [`MIN_LEN_ONE_EDIT`] are never found.
    pub fn add(&mut self, key: &str) -> usize {
        let idx = self.keys.len();
        assert!(
            idx < usize::from(u16::MAX),
            "the typo index holds at most 65535 keys"
        );
        for tri in key.as_bytes().windows(3) {
            let list = &mut self.building[trigram(tri)];
            if list.last() != Some(&(idx as u16)) {
                list.push(idx as u16);
            }
        }
        self.keys.push(key.to_string());
        self.lens.push(key.len());
        self.digits.push(digits_of(key));
        idx
    }

    /// The closest key within the allowed edits of `query`, as `(key index, distance)`.
    #[cfg(test)]
    pub fn best(&self, query: &str, scratch: &mut FuzzyScratch) -> Option<(usize, usize)> {
        scratch.begin(self.keys.len());
        self.count(query.as_bytes(), scratch);
        let best = self.best_counted(query, scratch);
        scratch.end();
        best
    }

    /// Typo matches over runs of whole words of a compact text. `words` are `(start, end)` byte
    /// spans of consecutive words in `text`; a run may be up to `max_words` long, must start and end
    /// on a word for which `usable` is true, and must include a word for which `open` is true (one
    /// no exact name explains). Trigram counts are extended word by word, so each start costs one
    /// pass over the run. Calls `found(first, last, key, distance)` for each run's best key.
    #[allow(clippy::too_many_arguments)]
    pub fn scan_runs(
        &self,
        text: &str,
        words: &[(usize, usize)],
        usable: &[bool],
        open: &[bool],
        max_words: usize,
        scratch: &mut FuzzyScratch,
        found: &mut dyn FnMut(usize, usize, usize, usize),
    ) {
        let bytes = text.as_bytes();
        for first in 0..words.len() {
            if !usable[first] {
                continue;
            }
            scratch.begin(self.keys.len());
            let start = words[first].0;
            let mut counted_to = start; // trigrams starting before this offset are counted
            let mut any_open = false;
            for last in first..words.len().min(first + max_words) {
                let end = words[last].1;
                if end - start > 64 {
                    break;
                }
                any_open |= open[last];
                if end >= start + 3 {
                    let upto = end - 2; // trigram start positions < upto
                    if upto > counted_to {
                        self.count(&bytes[counted_to..end], scratch);
                        counted_to = upto;
                    }
                }
                if !usable[last] || !any_open {
                    continue;
                }
                if let Some((k, d)) = self.best_counted(&text[start..end], scratch) {
                    found(first, last, k, d);
                }
            }
            scratch.end();
        }
    }

    fn count(&self, bytes: &[u8], scratch: &mut FuzzyScratch) {
        for tri in bytes.windows(3) {
            let t = trigram(tri);
            let (from, to) = (self.offsets[t] as usize, self.offsets[t + 1] as usize);
            for &k in &self.flat[from..to] {
                let c = &mut scratch.counts[k as usize];
                match *c {
                    0 => scratch.touched.push(k as u32),
                    1 => scratch.hot.push(k as u32),
                    _ => {}
                }
                *c = c.saturating_add(1);
            }
        }
    }

    /// The best key for `query` among those whose trigram counts are in `scratch`.
    fn best_counted(&self, query: &str, scratch: &mut FuzzyScratch) -> Option<(usize, usize)> {
        let max_d = max_edits(query.len());
        if max_d == 0 {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for i in 0..scratch.hot.len() {
            let k = scratch.hot[i] as usize;
            let key_len = self.lens[k];
            if key_len.abs_diff(query.len()) > max_d {
                continue;
            }
            let allowed = max_d.min(max_edits(key_len));
            if allowed == 0 || key_len.abs_diff(query.len()) > allowed {
                continue;
            }
            // q-gram lemma: each edit destroys at most 3 trigrams (4 for a transposition).
            let shared = scratch.counts[k] as usize;
            let needed = key_len.max(query.len()).saturating_sub(2 + 4 * allowed);
            if shared < needed.max(2) || !same_digits(query, &self.digits[k]) {
                continue;
            }
            let key = &self.keys[k];
            let limit = best.map_or(allowed, |(_, d)| d.saturating_sub(1).min(allowed));
            if let Some(d) =
                interdict_core::text::osa_within(query.as_bytes(), key.as_bytes(), limit)
            {
                if d == 0 {
                    // The run is a name exactly: exact matching decided about it already.
                    return None;
                }
                if best.is_none_or(|(_, bd)| d < bd) {
                    best = Some((k, d));
                }
            }
        }
        best
    }

    pub fn key(&self, idx: usize) -> &str {
        &self.keys[idx]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osa(a: &str, b: &str) -> Option<usize> {
        interdict_core::text::osa_within(a.as_bytes(), b.as_bytes(), 2)
    }

    #[test]
    fn distance_counts_transpositions_as_one_edit() {
        assert_eq!(osa("fentanly", "fentanyl"), Some(1));
        assert_eq!(osa("pseudoephedrin", "pseudoephedrine"), Some(1));
        assert_eq!(osa("aceticanhidride", "aceticanhydride"), Some(1));
        assert_eq!(osa("abcdefgh", "abcdefgh"), Some(0));
        assert_eq!(osa("piperazine", "piperidine"), Some(2));
        assert_eq!(osa("benzoicacid", "piperidine"), None);
    }

    #[test]
    fn index_finds_typos_but_never_changes_digits() {
        let mut ix = FuzzyIndex::default();
        let fentanyl = ix.add("fentanyl");
        let m3 = ix.add("3methylfentanyl");
        ix.finish();
        let mut s = FuzzyScratch::default();
        assert_eq!(ix.best("fentanly", &mut s), Some((fentanyl, 1)));
        assert_eq!(ix.best("3methylfentanil", &mut s), Some((m3, 1)));
        assert_eq!(ix.best("4methylfentanyl", &mut s), None);
        assert_eq!(ix.best("fent", &mut s), None);
    }
}
