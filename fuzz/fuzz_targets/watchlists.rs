//! List files come from outside: the OFAC, UN XML, FtM and CSV importers must reject bad input
//! with an error, never a panic.
#![no_main]

use interdict_watchlist::import::{coalition_csv, ftm, ofac, un_xml};
use interdict_watchlist::{Index, Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = un_xml::parse(text);
    let _ = ftm::parse(text);
    let _ = coalition_csv::parse(text);
    if let Ok(entities) = ofac::parse(text, Some(text), Some(text)) {
        let mut index = Index::new();
        index.add_list("fuzz", entities);
        let _ = index.search(
            &Query {
                name: text,
                ..Default::default()
            },
            0.5,
            3,
        );
    }
});
