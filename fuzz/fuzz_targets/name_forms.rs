//! The name reader alone, at the speed of parsing: any text read as a party name (limits,
//! transliteration, inverted `SURNAME, Given`, brackets, slash-separated alternatives) and
//! compared with itself. (`names` also grows names to the limits and screens an index, at about
//! a hundred inputs a second; this target reaches the reader's corners in the millions of
//! inputs the goal of issue 19 asks of a parser.)
#![no_main]

use interdict_watchlist::{compare, NameError, NameForm, Schema, MAX_NAME_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let form = NameForm::new(text);
    match NameForm::try_new(text) {
        Err(NameError::TooLong { .. }) => assert!(text.len() > MAX_NAME_BYTES),
        _ => assert!(text.len() <= MAX_NAME_BYTES),
    }
    let c = compare(&form, &form, Schema::Unknown);
    assert!((0.0..=1.0).contains(&c.score), "score {} for {text:?}", c.score);
});
