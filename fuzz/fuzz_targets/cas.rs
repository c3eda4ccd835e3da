//! CAS numbers come from declarations: parsing must never panic, a parsed number must print
//! back to a string that parses to the same number, and a number reads the same folded
//! (Unicode hyphens, full-width digits: issue 18).
#![no_main]

use interdict_registry::Cas;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let parsed = Cas::parse(text);
        if let Ok(cas) = parsed {
            assert_eq!(Cas::parse(&cas.to_string()), Ok(cas));
        }
        assert_eq!(
            Cas::parse(&interdict_core::text::fold(text)).ok(),
            parsed.as_ref().ok().copied()
        );
        if let Err(e) = parsed {
            assert!(
                e.to_string().len() < 400,
                "the value is clipped in the error"
            );
        }
    }
});
