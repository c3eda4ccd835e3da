//! Identification accuracy on goods descriptions: hand-written realistic ones
//! (`tests/data/realistic_descriptions.csv`) and ones generated from the registry's names with
//! trade noise (`tests/data/synthetic_descriptions.csv`, from `gen_synthetic_descriptions.py`).
//! An empty `expected` means ordinary goods: nothing may be identified.

use interdict_registry::{Identifier, Registry};

struct Outcome {
    positives: usize,
    top1_correct: usize,
    negatives: usize,
    false_alarms: usize,
    failures: Vec<String>,
}

fn evaluate(csv_text: &str) -> Outcome {
    let ident = Identifier::new(Registry::builtin());
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut o = Outcome {
        positives: 0,
        top1_correct: 0,
        negatives: 0,
        false_alarms: 0,
        failures: vec![],
    };
    for record in reader.records() {
        let record = record.expect("test data is valid CSV");
        let (text, expected) = (&record[0], &record[1]);
        let result = ident.identify(text);
        let top = result.matches.first().map(|m| m.substance.id.as_str());
        if expected.is_empty() {
            o.negatives += 1;
            if let Some(top) = top {
                o.false_alarms += 1;
                o.failures.push(format!("false alarm: {text:?} -> {top}"));
            }
        } else {
            assert!(
                Registry::builtin().get(expected).is_some(),
                "unknown expected id {expected}"
            );
            o.positives += 1;
            if top == Some(expected) {
                o.top1_correct += 1;
            } else {
                o.failures
                    .push(format!("missed: {text:?} expected {expected}, got {top:?}"));
            }
        }
    }
    o
}

fn report(name: &str, o: &Outcome) {
    eprintln!(
        "{name}: top-1 {}/{} ({:.3}), false alarms {}/{}",
        o.top1_correct,
        o.positives,
        o.top1_correct as f64 / o.positives as f64,
        o.false_alarms,
        o.negatives
    );
    for f in &o.failures {
        eprintln!("  {f}");
    }
}

#[test]
fn realistic_descriptions() {
    let o = evaluate(include_str!("data/realistic_descriptions.csv"));
    report("realistic", &o);
    assert!(o.positives >= 120 && o.negatives >= 40);
    assert!(
        o.top1_correct as f64 / o.positives as f64 >= 0.97,
        "top-1 accuracy below 0.97"
    );
    assert_eq!(o.false_alarms, 0, "ordinary goods identified as controlled");
}

#[test]
fn synthetic_descriptions_with_noise() {
    let o = evaluate(include_str!("data/synthetic_descriptions.csv"));
    report("synthetic", &o);
    assert!(o.positives + o.negatives >= 200);
    assert!(
        o.top1_correct as f64 / o.positives as f64 >= 0.95,
        "top-1 accuracy below 0.95"
    );
    assert_eq!(o.false_alarms, 0, "ordinary goods identified as controlled");
}

/// Cases written from the field's own knowledge, one class of defect per `class` (issue 20):
/// every case must be right. `expected` is the top match (empty: nothing identified), `related`
/// a relative that must be reported apart (a designer precursor, not a match), `conflict` whether
/// the CAS number and the words must be reported as naming different substances.
#[test]
fn domain_cases_by_class() {
    let ident = Identifier::new(Registry::builtin());
    let mut reader = csv::Reader::from_reader(include_str!("data/domain_cases.csv").as_bytes());
    let mut per_class: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut failures = Vec::new();
    for record in reader.records() {
        let record = record.expect("test data is valid CSV");
        let (class, text, expected, related, conflict) =
            (&record[0], &record[1], &record[2], &record[3], &record[4]);
        for id in [expected, related].into_iter().filter(|id| !id.is_empty()) {
            assert!(Registry::builtin().get(id).is_some(), "unknown id {id}");
        }
        let result = ident.identify(text);
        let top = result.matches.first().map(|m| m.substance.id.as_str());
        let mut problems = Vec::new();
        if top != (!expected.is_empty()).then_some(expected) {
            problems.push(format!("top {top:?}, expected {expected:?}"));
        }
        if !related.is_empty() && !result.related.iter().any(|r| r.substance.id == related) {
            problems.push(format!("relative {related} not reported"));
        }
        match conflict {
            "yes" if !result.cas_name_conflict => problems.push("no CAS/name conflict".into()),
            "no" if result.cas_name_conflict => problems.push("a CAS/name conflict".into()),
            _ => {}
        }
        let entry = per_class.entry(class.to_string()).or_default();
        entry.0 += 1;
        if problems.is_empty() {
            entry.1 += 1;
        } else {
            failures.push(format!("[{class}] {text:?}: {}", problems.join("; ")));
        }
    }
    for (class, (n, ok)) in &per_class {
        eprintln!("domain {class}: {ok}/{n}");
    }
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(per_class.values().map(|c| c.0).sum::<usize>() >= 100);
    assert!(failures.is_empty(), "{} domain cases wrong", failures.len());
}
