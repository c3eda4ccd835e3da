//! Declarations come from customs systems: the CSV and JSON Lines readers must never panic, and
//! every line must come out as a declaration or an error that names its line.
//!
//! Seeds: `corpus/declarations/` (lines of `examples/declarations.csv`, as CSV and JSON Lines).
#![no_main]

use interdict_screen::{DeclarationReader, InputFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [InputFormat::Csv, InputFormat::JsonLines] {
        for item in DeclarationReader::new(data, format).take(10_000) {
            match item {
                Ok(d) => assert!(!d.id.is_empty() && d.line >= 1),
                Err(e) => {
                    let at = format!("line {}", e.line);
                    assert!(
                        e.message.starts_with(&format!("{at}:"))
                            || e.message.starts_with(&format!("{at},")),
                        "{e:?}"
                    );
                }
            }
        }
    }
});
