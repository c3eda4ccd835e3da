//! Party names come from declarations and lists: normalising, comparing and screening any two
//! texts must give a score in [0, 1] and an explanation, never a panic.
#![no_main]

use interdict_watchlist::{compare, Entity, Index, NameForm, Query, Schema};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Two names split at the first newline; the second defaults to a fixed listed name.
    let (a, b) = text.split_once('\n').unwrap_or((text, "Hsi Chin-p'ing (HK) Trading Co., Ltd."));
    let (fa, fb) = (NameForm::new(a), NameForm::new(b));
    for schema in [Schema::Person, Schema::Organization, Schema::Vessel, Schema::Unknown] {
        let c = compare(&fa, &fb, schema);
        assert!((0.0..=1.0).contains(&c.score), "score {} for {a:?} / {b:?}", c.score);
    }
    let mut index = Index::new();
    index.add_list(
        "fuzz",
        vec![Entity {
            id: "1".into(),
            schema: Schema::Unknown,
            names: vec![b.to_string(), "MAO Tse-tung".into(), "GRUPO W, S.A. DE C.V.".into()],
            countries: vec![],
            programs: vec![],
            notes: String::new(),
        }],
    );
    let _ = index.search(&Query { name: a, country: Some("CN"), schema: Schema::Unknown }, 0.0, 3);
});
