//! Party names come from declarations and lists: normalising, comparing and screening any two
//! texts must give a score in [0, 1] and an explanation, never a panic, and cost no more than two
//! names at the size limits, however long the texts.
#![no_main]

use std::borrow::Cow;

use interdict_watchlist::{
    compare, Entity, Index, NameError, NameForm, Query, Schema, MAX_NAME_BYTES, MAX_NAME_WORDS,
};
use libfuzzer_sys::fuzz_target;

/// The `k`-th of many distinct words of letters (`aa`, `ab`, …), so a name of many words is not
/// one word repeated.
fn word(k: usize) -> String {
    let mut k = k;
    let mut w = String::new();
    loop {
        w.push(char::from(b'a' + (k % 26) as u8));
        k /= 26;
        if k == 0 {
            return w;
        }
    }
}

/// Grows a short fuzzed text into a long name, so the limits are exercised from small inputs:
/// `shape` picks how (as it is, repeated, followed by many distinct words, or as many
/// slash-separated alternatives), and how many times.
fn grow(text: &str, shape: u8) -> Cow<'_, str> {
    let times = usize::from(shape / 4) * 40 + 1; // up to ~2,500
    match shape % 4 {
        0 => Cow::Borrowed(text),
        1 => Cow::Owned(vec![text; times].join(" ")),
        2 => Cow::Owned(
            (0..times)
                .map(|k| format!("{text}{}", word(k)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => Cow::Owned(
            (0..times.min(40))
                .map(|k| format!("{text} {}", word(k)))
                .collect::<Vec<_>>()
                .join("/"),
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let [shape_a, shape_b, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // Two names split at the first newline; the second defaults to a fixed listed name.
    let (a, b) = text
        .split_once('\n')
        .unwrap_or((text, "Hsi Chin-p'ing (HK) Trading Co., Ltd."));
    let (a, b) = (grow(a, *shape_a), grow(b, *shape_b));
    let (fa, fb) = (NameForm::new(&a), NameForm::new(&b));
    // The typed check agrees with the byte limit.
    if a.len() > MAX_NAME_BYTES {
        assert!(matches!(
            NameForm::try_new(&a),
            Err(NameError::TooLong { .. })
        ));
    }
    // Names at the limits cost milliseconds each: compared under one schema, so the fuzzer still
    // runs many inputs; short names under all of them.
    let schemas = [
        Schema::Person,
        Schema::Organization,
        Schema::Vessel,
        Schema::Unknown,
    ];
    let grown = shape_a % 4 != 0 || shape_b % 4 != 0;
    let schemas = if grown {
        &schemas[usize::from(*shape_b) % 4..][..1]
    } else {
        &schemas[..]
    };
    for &schema in schemas {
        let c = compare(&fa, &fb, schema);
        assert!(
            (0.0..=1.0).contains(&c.score),
            "score {} for {a:?} / {b:?}",
            c.score
        );
        // The explanation quotes each name once, shortened, and their words: bounded too
        // (transliteration writes at most a few letters a byte).
        assert!(
            c.explanation.len() <= 24 * MAX_NAME_BYTES + 64 * MAX_NAME_WORDS,
            "{}",
            c.explanation.len()
        );
        if a.len() > MAX_NAME_BYTES || b.len() > MAX_NAME_BYTES {
            assert!(
                c.explanation.contains("was compared shortened"),
                "{}",
                c.explanation
            );
        }
    }
    let mut index = Index::new();
    index.add_list(
        "fuzz",
        vec![Entity {
            id: "1".into(),
            schema: Schema::Unknown,
            names: vec![
                b.to_string(),
                "MAO Tse-tung".into(),
                "GRUPO W, S.A. DE C.V.".into(),
            ],
            countries: vec![],
            programs: vec![],
            notes: String::new(),
        }],
    );
    for hit in index.search(
        &Query {
            name: &a,
            country: Some("CN"),
            schema: Schema::Unknown,
        },
        0.0,
        3,
    ) {
        assert!(hit.matched_name.len() <= MAX_NAME_BYTES);
    }
});
