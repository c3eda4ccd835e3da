//! F1 on nomenklatura's labelled name pairs (`shared/data/watchlists/nomenklatura/cases.csv`).

use interdict_watchlist::{compare, NameForm, Schema, DEFAULT_THRESHOLD};

#[test]
fn f1_on_nomenklatura_cases() {
    let Some(path) = interdict_testkit::shared_file(
        "data/watchlists/nomenklatura/cases.csv",
        "f1_on_nomenklatura_cases",
    ) else {
        return;
    };
    let mut reader = csv::Reader::from_path(path).unwrap();
    let (mut tp, mut fp, mut fneg, mut tn) = (0, 0, 0, 0);
    for r in reader.records() {
        let r = r.unwrap();
        let schema = Schema::parse(&r[1]);
        let c = compare(&NameForm::new(&r[2]), &NameForm::new(&r[3]), schema);
        let truth = &r[4] == "true";
        let pred = c.score >= DEFAULT_THRESHOLD;
        let line = format!(
            "{:.3} [{}] {} | {} :: {}",
            c.score, &r[1], &r[2], &r[3], c.explanation
        );
        // Every pair with its label, for comparing two versions of the scorer.
        if std::env::var_os("NK_DUMP").is_some() {
            eprintln!("ALL {truth} {line}");
        }
        match (truth, pred) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                eprintln!("FP {line}");
            }
            (true, false) => {
                fneg += 1;
                eprintln!("FN {line}");
            }
            (false, false) => tn += 1,
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fneg) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    eprintln!(
        "cases.csv: tp {tp} fp {fp} fn {fneg} tn {tn}; precision {precision:.3} recall {recall:.3} F1 {f1:.3}"
    );
    // The target of issue #5.
    assert!(f1 >= 0.90, "F1 {f1:.3} below 0.90");
}
