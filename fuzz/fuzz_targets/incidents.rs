//! Incident imports come from member authorities' own systems (CSV with the columns of
//! `interdict alerts --incidents` plus any field of the create body, or JSON Lines): the readers
//! must never panic, give exactly one outcome per record in order, name a field in every error,
//! and every record they accept must pass or fail the contract's checks without panicking, with
//! personal data redaction leaving no personal field behind.
#![no_main]

use interdict_domain::incident::{self, read_import_csv, read_import_json_lines};
use libfuzzer_sys::fuzz_target;

const CSV_HEADER: &str =
    "id,date,country,substance,type,quantity,distribution,share_with,tlp,parties\n";

fn check(lines: &[incident::ImportInput]) {
    let mut last = 0;
    for (line, outcome) in lines {
        // Two records can share a line only when the reader could not place one (non-decreasing).
        assert!(*line >= last, "lines in order");
        last = *line;
        match outcome {
            Ok(input) => {
                let mx = interdict_core::CountryCode::parse("MX").expect("MX");
                if let Err(e) = input.check(Some(&mx)) {
                    assert!(!e.field.is_empty());
                }
                let value = serde_json::to_value(input).expect("an input serialises");
                let (redacted, paths) = incident::redact(&value);
                assert!(incident::personal_data_paths(&redacted).is_empty());
                assert_eq!(paths.len(), incident::personal_data_paths(&value).len());
            }
            Err((field, message)) => {
                assert!(!field.is_empty());
                assert!(!message.is_empty());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&read_import_json_lines(&text));
    check(&read_import_csv(&text));
    check(&read_import_csv(&format!("{CSV_HEADER}{text}")));
    let _ = incident::equipment_mentioned(&text);
});
