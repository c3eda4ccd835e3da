//! An independent reader: DuckDB reads the files back (`tools/parquet/check_duckdb.py`), with
//! its own Parquet implementation, and every type, nullability, row count and value is
//! checked. Runs when `INTERDICT_PYTHON` names a Python with `duckdb` installed (CI's venv has
//! it); skipped with a notice when it is not set.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use interdict_parquet::{
    flows_table, incidents_table, pens_table, write_parquet, write_parquet_with, Column,
    ColumnType, Table, WriteOptions,
};
use serde_json::{json, Value};

fn python() -> Option<String> {
    match std::env::var("INTERDICT_PYTHON") {
        Ok(p) if !p.trim().is_empty() => Some(p),
        _ => {
            eprintln!(
                "skipping the DuckDB check: set INTERDICT_PYTHON to a Python with duckdb \
                 installed (pip install duckdb)"
            );
            None
        }
    }
}

/// What the script prints for each file, in order.
fn duckdb_reads(python: &str, files: &[PathBuf]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/parquet/check_duckdb.py");
    let out = Command::new(python)
        .arg(&script)
        .args(files)
        .arg("--rows")
        .output()
        .unwrap_or_else(|e| panic!("running {python}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} failed (is duckdb installed in INTERDICT_PYTHON? `{python} -m pip install duckdb`):\n{stderr}",
        script.display()
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let read: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(read.len(), files.len(), "{stdout}");
    read
}

/// `[(name, DuckDB type, nullable)]` of a file as DuckDB reads it.
fn columns(read: &Value) -> Vec<(String, String, bool)> {
    read["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["type"].as_str().unwrap().to_string(),
                c["nullable"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn expected_columns(table: &Table) -> Vec<(String, String, bool)> {
    table
        .columns
        .iter()
        .map(|c| {
            let ty = match c.kind {
                ColumnType::Text => "VARCHAR",
                ColumnType::Int => "BIGINT",
                ColumnType::Float => "DOUBLE",
                ColumnType::Bool => "BOOLEAN",
                ColumnType::Date => "DATE",
                ColumnType::Timestamp => "TIMESTAMP WITH TIME ZONE",
                ColumnType::TextList => "VARCHAR[]",
            };
            (c.name.clone(), ty.to_string(), c.nullable)
        })
        .collect()
}

#[test]
fn duckdb_reads_every_table_back() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(format!("{name}.parquet"));

    // Incidents: the two shapes, then volume over two row groups.
    let incidents: Vec<Value> = [common::incident_full(), common::incident_bare()]
        .into_iter()
        .chain((2..1_000).map(common::incident_numbered))
        .collect();
    let report = write_parquet_with(
        &incidents_table(),
        incidents,
        File::create(file("incidents")).unwrap(),
        &WriteOptions {
            row_group_rows: 600,
        },
    )
    .unwrap();
    assert_eq!(report.row_groups, 2);
    write_parquet(
        &pens_table(),
        vec![common::pen_shipped(), common::pen_imported()],
        File::create(file("pens")).unwrap(),
    )
    .unwrap();
    write_parquet(
        &flows_table(),
        common::flows(),
        File::create(file("flows")).unwrap(),
    )
    .unwrap();
    let every = Table {
        name: "every".into(),
        columns: vec![
            Column::new("i", ColumnType::Int, true, "i"),
            Column::new("f", ColumnType::Float, true, "f"),
            Column::new("b", ColumnType::Bool, true, "b"),
            Column::new("t", ColumnType::Text, true, "t"),
            Column::new("at", ColumnType::Timestamp, true, "at"),
            Column::new("tags", ColumnType::TextList, true, "tags"),
        ],
    };
    write_parquet(
        &every,
        vec![
            json!({"i": 9_007_199_254_740_993_i64, "f": -0.125, "b": true, "t": "Ωmega \"q\"",
                   "at": "2025-03-01T12:00:00.007+02:00", "tags": ["a", null]}),
            json!({}),
        ],
        File::create(file("every")).unwrap(),
    )
    .unwrap();

    let files = ["incidents", "pens", "flows", "every"].map(file);
    let read = duckdb_reads(&python, &files);
    let [incidents, pens, flows, every_read] = &read[..] else {
        unreachable!()
    };

    assert_eq!(incidents["rows"], json!(1_000));
    assert_eq!(incidents["row_groups"], json!(2));
    assert_eq!(columns(incidents), expected_columns(&incidents_table()));
    let rows = incidents["rows_read"].as_array().unwrap();
    assert_eq!(
        rows[0],
        json!({
            "id": "NL-2025-000123", "type": "seizure", "date": "2025-03-01", "country": "NL",
            "place_locode": "NLRTM", "place_lat": 51.95, "place_lon": 4.14,
            "origin_country": "CN", "destination_country": "MX",
            "transit_countries": ["AE", "BE"], "substance_ids": ["bmk-glycidate", null],
            "substance_names": ["BMK glycidate", null],
            "classes": ["designer-precursor", "amphetamine-precursor"],
            "total_quantity_kg": 1200.5, "distribution": "coalition", "tlp": "amber",
            "organisation": "nl-customs", "reported_by": "u-17",
            "created_at": 1_740_906_900_000_i64, "updated_at": 1_740_909_600_000_i64
        })
    );
    assert_eq!(
        rows[1],
        json!({
            "id": "EE-2024-000001", "type": "overdose", "date": "2024-12-31", "country": "EE",
            "place_locode": null, "place_lat": null, "place_lon": null,
            "origin_country": null, "destination_country": null, "transit_countries": [],
            "substance_ids": [], "substance_names": [], "classes": [],
            "total_quantity_kg": null, "distribution": "country", "tlp": "green",
            "organisation": "ee-health", "reported_by": "u-3",
            "created_at": 1_735_689_600_000_i64, "updated_at": 1_735_689_600_000_i64
        })
    );
    for (i, row) in rows.iter().enumerate().skip(2) {
        assert_eq!(row["id"], json!(format!("NL-2025-{i:06}")));
        let date = format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
        assert_eq!(row["date"], json!(date));
    }

    assert_eq!(pens["rows"], json!(2));
    assert_eq!(columns(pens), expected_columns(&pens_table()));
    assert_eq!(
        pens["rows_read"],
        json!([
            {"id": "IN-2025-000042", "status": "shipped", "by_silence": false,
             "source": "platform", "exporting_country": "IN", "importing_country": "MX",
             "transit_countries": ["ES"], "substance_id": "ephedrine", "cas": "299-42-3",
             "substance_name": "Ephedrine", "quantity_kg": 250.0, "substance_kg": 250.0,
             "sent_at": 1_738_569_600_000_i64, "reply_deadline": "2025-02-17",
             "answered_at": 1_739_197_800_000_i64, "shipped_on": "2025-02-20",
             "shipped_kg": 240.0},
            {"id": "IMP-2024-7", "status": "expired", "by_silence": true, "source": "import",
             "exporting_country": "DE", "importing_country": "NG", "transit_countries": [],
             "substance_id": null, "cas": "7647-01-0", "substance_name": null,
             "quantity_kg": 12.5, "substance_kg": 12.5, "sent_at": 1_730_678_400_000_i64,
             "reply_deadline": "2024-11-18", "answered_at": null, "shipped_on": null,
             "shipped_kg": null}
        ])
    );

    assert_eq!(columns(flows), expected_columns(&flows_table()));
    assert_eq!(
        flows["rows_read"],
        json!([
            {"from_country": "CN", "to_country": "MX", "via": ["AE", "NL"], "notifications": 0,
             "incidents": 3, "quantity_kg": 1700.5,
             "substances": ["bmk-glycidate", "pmk-glycidate"]},
            {"from_country": "IN", "to_country": "MX", "via": [], "notifications": 12,
             "incidents": 0, "quantity_kg": null, "substances": ["ephedrine"]}
        ])
    );

    assert_eq!(columns(every_read), expected_columns(&every));
    assert_eq!(
        every_read["rows_read"],
        json!([
            {"i": 9_007_199_254_740_993_i64, "f": -0.125, "b": true, "t": "Ωmega \"q\"",
             "at": 1_740_823_200_007_i64, "tags": ["a", null]},
            {"i": null, "f": null, "b": null, "t": null, "at": null, "tags": null}
        ])
    );
}
