//! Text helpers shared by every engine: one edit distance, and clipping outside text before it
//! goes into a message.

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
}
