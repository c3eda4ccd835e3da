//! The explanation of a comparison in words: what matched, what each name has that the other
//! lacks, and the notes of the rules that changed the score.
//!
//! `matched: tse tung=zedong (Wade-Giles), osama~usama (0.90); only in "Usama ibn Laden": ibn;
//! words in another order (1 moved)`

use std::fmt::Write as _;

use super::align::{Alignment, Side};
use crate::names::{NameForm, TokenKind};

/// Builds the explanation of an alignment of `a` and `b` and the rules' notes, in that order.
pub(super) fn explain<'n>(
    a: &NameForm,
    b: &NameForm,
    alignment: &Alignment,
    notes: impl IntoIterator<Item = &'n str>,
) -> String {
    let mut parts: Vec<String> = alignment
        .pairs()
        // Company forms are not what identifies; glued words are told below, as `tse tung=zedong`.
        .filter(|p| {
            a.tokens[p.a].kind != TokenKind::Form
                && !alignment.glued.iter().any(|g| (g.a, g.b) == (p.a, p.b))
        })
        .map(|p| {
            let (x, y) = (&a.tokens[p.a].text, &b.tokens[p.b].text);
            if x == y {
                x.clone()
            } else {
                format!("{x}~{y} ({:.2})", p.sim)
            }
        })
        .collect();
    parts.extend(alignment.glued.iter().map(|g| g.wording.clone()));
    if parts.is_empty() {
        parts.push("no words in common".into());
    }
    let mut explanation = format!("matched: {}", parts.join(", "));
    for (name, side) in [(a, Side::A), (b, Side::B)] {
        let missing: Vec<&str> = name
            .tokens
            .iter()
            .zip(alignment.used(side))
            .filter(|(t, &u)| !u && t.kind != TokenKind::Form)
            .map(|(t, _)| t.text.as_str())
            .collect();
        if !missing.is_empty() {
            let _ = write!(
                explanation,
                "; only in \"{}\": {}",
                name.original,
                missing.join(" ")
            );
        }
    }
    for note in notes {
        explanation.push_str("; ");
        explanation.push_str(note);
    }
    explanation
}
