//! CAS numbers come from declarations: parsing must never panic, and a parsed number must print
//! back to a string that parses to the same number.
#![no_main]

use interdict_registry::Cas;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(cas) = Cas::parse(text) {
            assert_eq!(Cas::parse(&cas.to_string()), Ok(cas));
        }
    }
});
