//! Declarations come from customs systems: the CSV and JSON Lines readers must never panic, and
//! every line must come out as a declaration or an error that names its line.
#![no_main]

use interdict_screen::{DeclarationReader, InputFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [InputFormat::Csv, InputFormat::JsonLines] {
        for item in DeclarationReader::new(data, format).take(10_000) {
            if let Err(e) = item {
                assert!(!e.message.is_empty());
            }
        }
    }
});
