//! Goods descriptions are outside input: identification must never panic on any text.
#![no_main]

use interdict_registry::{Identifier, Registry};
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
});
