//! Goods descriptions are outside input: identification must never panic on any text, a text
//! is read as its folding (issue 18: look-alike letters, control characters, Unicode hyphens,
//! full-width digits), and the folding and terminal escaping are well behaved on any text.
#![no_main]

use interdict_core::text::{escape_controls, fold};
use interdict_registry::{Identifier, Registry, MAX_TEXT_BYTES};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static IDENTIFIER: OnceLock<Identifier<'static>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let ident = IDENTIFIER.get_or_init(|| Identifier::new(Registry::builtin()));
    let text = String::from_utf8_lossy(data);
    let result = ident.identify(&text);
    for m in &result.matches {
        assert!((0.0..=1.0).contains(&m.score));
    }
    // Folding is idempotent and leaves no control character but tab and line feed.
    let folded = fold(&text);
    assert_eq!(fold(&folded), folded);
    assert!(folded
        .chars()
        .all(|c| !c.is_control() || c == '\t' || c == '\n'));
    // Identification is of its folding (the plain one, with words wholly in Cyrillic
    // look-alikes read as a registry name where one fits): the same answer for the text and
    // that folding (within the bytes read, since folding can change a text's length), and
    // that folding is idempotent too.
    let read_as = ident.fold(&text);
    assert_eq!(ident.fold(&read_as), read_as);
    if text.len() <= MAX_TEXT_BYTES && read_as.len() <= MAX_TEXT_BYTES {
        let again = ident.identify(&read_as);
        let ids = |r: &interdict_registry::Identification<'_>| {
            r.matches
                .iter()
                .map(|m| m.substance.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&result), ids(&again));
    }
    // Nothing a terminal acts on survives escaping.
    let escaped = escape_controls(&text, false);
    assert!(escaped.chars().all(
        |c| !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    ));
});
