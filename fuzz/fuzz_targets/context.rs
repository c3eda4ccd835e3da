//! Context files (ALR, PEN, route risk, weights) come from authorities and users: the parsers must
//! never panic, every error must name its file, and every row they accept must survive the JSON
//! round trip of the data directory (typed CAS numbers and dates written and read back alike).
//!
//! The input goes to each parser as is, and behind each parser's header, so the fuzzer need not
//! discover the column names to reach the field checks.
#![no_main]

use interdict_screen::{parse_alr, parse_pens, parse_route_risk, AlrRow, Pen, RouteRule, Weights};
use libfuzzer_sys::fuzz_target;

const ALR_HEADER: &str = "country,cas,year,quantity_kg\n";
const PEN_HEADER: &str = "reference,date,exporter_country,importer_country,exporter_name,importer_name,cas,quantity_kg,status,valid_until\n";
const ROUTE_HEADER: &str = "class,kind,code,reason\n";
const WEIGHTS_HEADER: &str = "code,weight\n";

/// Floats pass through JSON to the nearest representable value, not always bit for bit.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) || (a - b).abs() < 1e-300
}

fn alr_round_trip(rows: &[AlrRow]) {
    // Issue 18: one row per key, bounded quantities.
    let mut keys = std::collections::HashSet::new();
    for row in rows {
        assert!(
            keys.insert((row.country, row.cas, row.year)),
            "duplicate ALR key accepted"
        );
        assert!(row.quantity_kg.is_finite() && row.quantity_kg <= interdict_core::MAX_QUANTITY);
    }
    for row in rows {
        let json = serde_json::to_string(row).expect("an ALR row serialises");
        let back: AlrRow = serde_json::from_str(&json).expect("a stored ALR row reads back");
        assert_eq!(
            (&back.country, back.cas, back.year),
            (&row.country, row.cas, row.year)
        );
        assert!(close(back.quantity_kg, row.quantity_kg), "{json}");
    }
}

fn pen_round_trip(pens: &[Pen]) {
    let mut references = std::collections::HashSet::new();
    for pen in pens {
        assert!(
            references.insert(pen.reference.clone()),
            "duplicate PEN reference accepted"
        );
        assert!(pen.quantity_kg.is_finite() && pen.quantity_kg <= interdict_core::MAX_QUANTITY);
    }
    for pen in pens {
        let json = serde_json::to_string(pen).expect("a PEN serialises");
        let back: Pen = serde_json::from_str(&json).expect("a stored PEN reads back");
        assert!(close(back.quantity_kg, pen.quantity_kg), "{json}");
        let same = Pen {
            quantity_kg: pen.quantity_kg,
            ..back
        };
        assert_eq!(&same, pen, "{json}");
    }
}

fn route_round_trip(rules: &[RouteRule]) {
    for rule in rules {
        let json = serde_json::to_string(rule).expect("a route rule serialises");
        let back: RouteRule = serde_json::from_str(&json).expect("a route rule reads back");
        assert_eq!(&back, rule);
    }
}

fn check_error(e: &interdict_screen::ContextError, file: &str) {
    assert_eq!(e.file, file);
    assert!(!e.reason.is_empty());
    assert!(e.to_string().starts_with(file));
}

fuzz_target!(|data: &[u8]| {
    // The CLI reads context files as UTF-8 text.
    let text = String::from_utf8_lossy(data);
    for header in ["", ALR_HEADER] {
        match parse_alr("alr.csv", &format!("{header}{text}")) {
            Ok(rows) => alr_round_trip(&rows),
            Err(e) => check_error(&e, "alr.csv"),
        }
    }
    for header in ["", PEN_HEADER] {
        match parse_pens("pens.csv", &format!("{header}{text}")) {
            Ok(pens) => pen_round_trip(&pens),
            Err(e) => check_error(&e, "pens.csv"),
        }
    }
    for header in ["", ROUTE_HEADER] {
        match parse_route_risk("route.csv", &format!("{header}{text}")) {
            Ok(rules) => route_round_trip(&rules),
            Err(e) => check_error(&e, "route.csv"),
        }
    }
    for header in ["", WEIGHTS_HEADER] {
        let mut weights = Weights::default();
        if let Err(e) = weights.parse_overrides("weights.csv", &format!("{header}{text}")) {
            check_error(&e, "weights.csv");
        }
    }
});
