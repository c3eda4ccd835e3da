//! `interdict export parquet` end to end: incidents exported for a recipient under the TLP
//! rules (a record the recipient may not read leaves only at TLP:CLEAR or TLP:GREEN, its
//! personal data only where the recipient may see it), notifications as the exporting
//! authority sees them, flow edges; each file read back by the parquet crate's own reader and,
//! when `INTERDICT_PYTHON` has duckdb, by DuckDB.

mod common;

use std::collections::BTreeSet;

use arrow_array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::json;

use common::{add_org, add_user, admin_init, cli, Db};

fn column(path: &std::path::Path, name: &str) -> Vec<Option<String>> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let col = batch
            .column_by_name(name)
            .unwrap_or_else(|| panic!("column {name}"));
        let strings = col
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("a text column");
        for i in 0..strings.len() {
            out.push(strings.is_valid(i).then(|| strings.value(i).to_string()));
        }
    }
    out
}

#[test]
fn parquet_exports_follow_the_tlp_rules() {
    let db = Db::sqlite();
    admin_init(&db);
    let mx = add_org(&db, "Aduanas", "MX", "customs");
    let us = add_org(&db, "CBP", "US", "customs");
    add_user(&db, &mx, "officer@aduanas.test", "officer");
    add_user(&db, &mx, "viewer@aduanas.test", "viewer");
    let mut lines = String::new();
    for (i, (distribution, tlp)) in [
        ("organisation", "clear"),
        ("organisation", "green"),
        ("organisation", "amber"),
        ("country", "red"),
        ("coalition", "amber"),
        ("coalition", "green"),
    ]
    .iter()
    .enumerate()
    {
        lines.push_str(
            &json!({"type": "seizure", "date": "2026-10-0".to_string() + &(i + 1).to_string(),
                "origin_country": "CN", "destination_country": "MX",
                "substances": [{"text": "fentanyl", "quantity": {"value": 2, "unit": "kg"}}],
                "distribution": distribution, "tlp": tlp, "reference": format!("r{i}")})
            .to_string(),
        );
        lines.push('\n');
    }
    let file = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), lines).unwrap();
    let out = cli(
        &db,
        &[
            "incidents",
            "import",
            file.path().to_str().unwrap(),
            "--user",
            "officer@aduanas.test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // For the US: what the US may read (coalition), and the rest only at clear or green.
    let out = cli(
        &db,
        &[
            "export",
            "parquet",
            "--what",
            "incidents",
            d,
            "--user",
            "officer@aduanas.test",
            "--recipient",
            &us,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("incidents.parquet");
    let tlps: BTreeSet<String> = column(&path, "tlp").into_iter().flatten().collect();
    assert_eq!(
        column(&path, "tlp").len(),
        4,
        "clear, green (own), amber and green (coalition)"
    );
    assert!(!tlps.contains("red"));
    assert_eq!(
        column(&path, "tlp")
            .iter()
            .filter(|t| t.as_deref() == Some("amber"))
            .count(),
        1,
        "only the coalition's amber"
    );
    // For the organisation itself: everything.
    let out = cli(
        &db,
        &[
            "export",
            "parquet",
            "--what",
            "incidents",
            d,
            "--user",
            "officer@aduanas.test",
        ],
    );
    assert!(out.status.success());
    assert_eq!(column(&path, "id").len(), 6);
    // A viewer may not export.
    let out = cli(
        &db,
        &[
            "export",
            "parquet",
            "--what",
            "incidents",
            d,
            "--user",
            "viewer@aduanas.test",
        ],
    );
    assert_eq!(out.status.code(), Some(2));

    // Notifications: as the exporting authority sees them.
    let cn = add_org(&db, "CN CA", "CN", "competent_authority");
    add_user(&db, &cn, "analyst@cn.test", "analyst");
    assert!(cli(&db, &["pens", "import", "examples/pens.csv"])
        .status
        .success());
    let out = cli(
        &db,
        &[
            "export",
            "parquet",
            "--what",
            "pens",
            d,
            "--user",
            "analyst@cn.test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exporting = column(&dir.path().join("pens.parquet"), "exporting_country");
    assert!(!exporting.is_empty());
    let pens_csv = std::fs::read_to_string(common::root().join("examples/pens.csv")).unwrap();
    let from_cn = pens_csv
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some("CN") || l.split(',').nth(3) == Some("CN"))
        .count();
    assert_eq!(
        exporting.len(),
        from_cn,
        "the notifications China is named on"
    );

    // Flows.
    let out = cli(
        &db,
        &[
            "export",
            "parquet",
            "--what",
            "flows",
            d,
            "--user",
            "officer@aduanas.test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from = column(&dir.path().join("flows.parquet"), "from_country");
    assert!(from.iter().any(|f| f.as_deref() == Some("CN")), "{from:?}");

    // DuckDB, an independent reader, when available.
    if let Ok(python) = std::env::var("INTERDICT_PYTHON") {
        let run = std::process::Command::new(python)
            .arg(common::root().join("tools/parquet/check_duckdb.py"))
            .arg(&path)
            .arg(dir.path().join("pens.parquet"))
            .arg(dir.path().join("flows.parquet"))
            .output()
            .unwrap();
        if run.status.success() {
            let text = String::from_utf8_lossy(&run.stdout);
            let first: serde_json::Value =
                serde_json::from_str(text.lines().next().unwrap()).unwrap();
            assert_eq!(first["rows"], 6, "{text}");
        } else {
            eprintln!(
                "DuckDB not available in INTERDICT_PYTHON: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
}
