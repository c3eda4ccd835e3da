//! Files written by `interdict-parquet` read back with the `parquet` crate's own Arrow reader:
//! the schema (physical and logical types, nullability), every value, the row groups, and the
//! errors for values that do not fit.

mod common;

use std::fs::File;
use std::io::Write;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMillisecondType};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use interdict_parquet::{
    flows_table, incidents_table, pens_table, write_parquet, write_parquet_with, Column,
    ColumnType, ExportError, Table, WriteOptions, DEFAULT_ROW_GROUP_ROWS,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{LogicalType, Repetition, TimeUnit as PqTimeUnit, Type as Physical};
use serde_json::{json, Map, Value};

/// What a file holds, as the parquet crate reads it back.
struct ReadBack {
    arrow: arrow_schema::SchemaRef,
    metadata: std::sync::Arc<parquet::file::metadata::ParquetMetaData>,
    rows: Vec<Map<String, Value>>,
}

/// One cell as JSON: dates as day numbers, instants as epoch milliseconds, lists as arrays.
fn cell(array: &dyn Array, i: usize) -> Value {
    if array.is_null(i) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Utf8 => json!(array.as_string::<i32>().value(i)),
        DataType::Int64 => json!(array.as_primitive::<Int64Type>().value(i)),
        DataType::Float64 => json!(array.as_primitive::<Float64Type>().value(i)),
        DataType::Boolean => json!(array.as_boolean().value(i)),
        DataType::Date32 => json!(array.as_primitive::<Date32Type>().value(i)),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            json!(array.as_primitive::<TimestampMillisecondType>().value(i))
        }
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(i);
            Value::Array((0..items.len()).map(|j| cell(&items, j)).collect())
        }
        other => panic!("unexpected type {other}"),
    }
}

fn read_back(path: &std::path::Path) -> ReadBack {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let arrow = builder.schema().clone();
    let metadata = builder.metadata().clone();
    let reader = builder.build().unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        for i in 0..batch.num_rows() {
            let mut row = Map::new();
            for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
                row.insert(field.name().clone(), cell(column.as_ref(), i));
            }
            rows.push(row);
        }
    }
    ReadBack {
        arrow,
        metadata,
        rows,
    }
}

fn write_and_read(table: &Table, rows: Vec<Value>) -> (interdict_parquet::WriteReport, ReadBack) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.parquet", table.name));
    let report = write_parquet(table, rows, File::create(&path).unwrap()).unwrap();
    assert_eq!(report.bytes, std::fs::metadata(&path).unwrap().len());
    (report, read_back(&path))
}

/// The Parquet type of top-level column `name`: physical type (None for a group), logical
/// type, repetition.
fn parquet_type(
    back: &ReadBack,
    name: &str,
) -> (Option<Physical>, Option<LogicalType>, Repetition) {
    let root = back.metadata.file_metadata().schema_descr().root_schema();
    let field = root
        .get_fields()
        .iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    let info = field.get_basic_info();
    let physical = field.is_primitive().then(|| field.get_physical_type());
    (
        physical,
        info.logical_type_ref().cloned(),
        info.repetition(),
    )
}

fn day(date: &str) -> i64 {
    let (y, rest) = date.split_at(4);
    let (m, d) = (&rest[1..3], &rest[4..6]);
    interdict_core::days_from_civil(y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap())
}

fn ms(date: &str, h: i64, m: i64, s: i64) -> i64 {
    (day(date) * 86_400 + h * 3600 + m * 60 + s) * 1000
}

fn every_type_table() -> Table {
    Table {
        name: "every_type".into(),
        columns: vec![
            Column::new("text", ColumnType::Text, false, "t"),
            Column::new("int", ColumnType::Int, true, "i"),
            Column::new("float", ColumnType::Float, true, "f"),
            Column::new("bool", ColumnType::Bool, true, "b"),
            Column::new("date", ColumnType::Date, true, "d"),
            Column::new("at", ColumnType::Timestamp, true, "ts"),
            Column::new("tags", ColumnType::TextList, true, "tags"),
            Column::new("names", ColumnType::TextList, false, "xs[].name"),
            Column::new("kg", ColumnType::Float, true, "xs[].kg"),
            Column::new("deep", ColumnType::Text, true, "/a.b/c"),
        ],
    }
}

#[test]
fn every_type_round_trips_with_its_logical_type_and_value() {
    let rows = vec![
        json!({"t": "one", "i": -7, "f": 2.5, "b": true, "d": "2025-03-01",
               "ts": "2025-03-01T12:34:56.789Z", "tags": ["a", null, "é"],
               "xs": [{"name": "x", "kg": 1}, {"kg": 0.25}, {"name": "z", "kg": null}],
               "a.b": {"c": "pointer"}}),
        json!({"t": "", "i": null, "xs": [], "ts": "2025-03-01T13:00:00+01:00"}),
        json!({"t": "three", "i": 9_007_199_254_740_993_i64, "f": 1e300, "b": false,
               "d": "1969-12-31", "tags": [], "xs": null}),
    ];
    let table = every_type_table();
    let (report, back) = write_and_read(&table, rows);
    assert_eq!((report.rows, report.row_groups), (3, 1));

    // Arrow types and nullability, as the embedded schema and the file agree.
    let expected = [
        ("text", DataType::Utf8, false),
        ("int", DataType::Int64, true),
        ("float", DataType::Float64, true),
        ("bool", DataType::Boolean, true),
        ("date", DataType::Date32, true),
        (
            "at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            true,
        ),
    ];
    for (name, ty, nullable) in &expected {
        let f = back.arrow.field_with_name(name).unwrap();
        assert_eq!((f.data_type(), f.is_nullable()), (ty, *nullable), "{name}");
    }
    for (name, nullable) in [("tags", true), ("names", false)] {
        let f = back.arrow.field_with_name(name).unwrap();
        assert_eq!(f.is_nullable(), nullable, "{name}");
        let DataType::List(item) = f.data_type() else {
            panic!("{name} is {}", f.data_type())
        };
        assert_eq!(item.data_type(), &DataType::Utf8);
        assert!(item.is_nullable());
    }

    // The Parquet file's own types: what DuckDB, Spark and Trino read.
    const OPTIONAL: Repetition = Repetition::OPTIONAL;
    const REQUIRED: Repetition = Repetition::REQUIRED;
    assert_eq!(
        parquet_type(&back, "text"),
        (
            Some(Physical::BYTE_ARRAY),
            Some(LogicalType::String),
            REQUIRED
        )
    );
    assert_eq!(
        parquet_type(&back, "int"),
        (Some(Physical::INT64), None, OPTIONAL)
    );
    assert_eq!(
        parquet_type(&back, "float"),
        (Some(Physical::DOUBLE), None, OPTIONAL)
    );
    assert_eq!(
        parquet_type(&back, "bool"),
        (Some(Physical::BOOLEAN), None, OPTIONAL)
    );
    assert_eq!(
        parquet_type(&back, "date"),
        (Some(Physical::INT32), Some(LogicalType::Date), OPTIONAL)
    );
    assert_eq!(
        parquet_type(&back, "at"),
        (
            Some(Physical::INT64),
            Some(LogicalType::timestamp(true, PqTimeUnit::MILLIS)),
            OPTIONAL
        )
    );
    assert_eq!(
        parquet_type(&back, "tags"),
        (None, Some(LogicalType::List), OPTIONAL)
    );
    assert_eq!(
        parquet_type(&back, "names"),
        (None, Some(LogicalType::List), REQUIRED)
    );
    // The standard three-level list: `repeated group list { optional binary element (STRING) }`.
    let root = back.metadata.file_metadata().schema_descr().root_schema();
    let tags = root
        .get_fields()
        .iter()
        .find(|f| f.name() == "tags")
        .unwrap();
    let list = &tags.get_fields()[0];
    assert_eq!(
        (list.name(), list.get_basic_info().repetition()),
        ("list", Repetition::REPEATED)
    );
    let element = &list.get_fields()[0];
    assert_eq!(element.name(), "element");
    assert_eq!(
        element.get_basic_info().logical_type_ref(),
        Some(&LogicalType::String)
    );

    // Every value.
    let want = vec![
        json!({"text": "one", "int": -7, "float": 2.5, "bool": true, "date": day("2025-03-01"),
               "at": ms("2025-03-01", 12, 34, 56) + 789, "tags": ["a", null, "é"],
               "names": ["x", null, "z"], "kg": 1.25, "deep": "pointer"}),
        json!({"text": "", "int": null, "float": null, "bool": null, "date": null,
               "at": ms("2025-03-01", 12, 0, 0), "tags": null, "names": [], "kg": null,
               "deep": null}),
        json!({"text": "three", "int": 9_007_199_254_740_993_i64, "float": 1e300, "bool": false,
               "date": -1, "at": null, "tags": [], "names": [], "kg": null, "deep": null}),
    ];
    let got: Vec<Value> = back.rows.into_iter().map(Value::Object).collect();
    assert_eq!(got, want);
}

#[test]
fn incidents_as_the_app_writes_them() {
    let (report, back) = write_and_read(
        &incidents_table(),
        vec![common::incident_full(), common::incident_bare()],
    );
    assert_eq!((report.rows, report.row_groups), (2, 1));
    let names: Vec<&str> = back
        .arrow
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "type",
            "date",
            "country",
            "place_locode",
            "place_lat",
            "place_lon",
            "origin_country",
            "destination_country",
            "transit_countries",
            "substance_ids",
            "substance_names",
            "classes",
            "total_quantity_kg",
            "distribution",
            "tlp",
            "organisation",
            "reported_by",
            "created_at",
            "updated_at"
        ]
    );
    let got: Vec<Value> = back.rows.into_iter().map(Value::Object).collect();
    assert_eq!(
        got,
        vec![
            json!({
                "id": "NL-2025-000123", "type": "seizure", "date": day("2025-03-01"),
                "country": "NL", "place_locode": "NLRTM", "place_lat": 51.95, "place_lon": 4.14,
                "origin_country": "CN", "destination_country": "MX",
                "transit_countries": ["AE", "BE"],
                "substance_ids": ["bmk-glycidate", null],
                "substance_names": ["BMK glycidate", null],
                "classes": ["designer-precursor", "amphetamine-precursor"],
                "total_quantity_kg": 1200.5,
                "distribution": "coalition", "tlp": "amber", "organisation": "nl-customs",
                "reported_by": "u-17",
                "created_at": ms("2025-03-02", 9, 15, 0), "updated_at": ms("2025-03-02", 10, 0, 0)
            }),
            json!({
                "id": "EE-2024-000001", "type": "overdose", "date": day("2024-12-31"),
                "country": "EE", "place_locode": null, "place_lat": null, "place_lon": null,
                "origin_country": null, "destination_country": null, "transit_countries": [],
                "substance_ids": [], "substance_names": [], "classes": [],
                "total_quantity_kg": null,
                "distribution": "country", "tlp": "green", "organisation": "ee-health",
                "reported_by": "u-3",
                "created_at": ms("2025-01-01", 0, 0, 0), "updated_at": ms("2025-01-01", 0, 0, 0)
            }),
        ]
    );
}

#[test]
fn notifications_as_the_app_writes_them() {
    let (_, back) = write_and_read(
        &pens_table(),
        vec![common::pen_shipped(), common::pen_imported()],
    );
    let got: Vec<Value> = back.rows.into_iter().map(Value::Object).collect();
    assert_eq!(
        got,
        vec![
            json!({
                "id": "IN-2025-000042", "status": "shipped", "by_silence": false,
                "source": "platform", "exporting_country": "IN", "importing_country": "MX",
                "transit_countries": ["ES"], "substance_id": "ephedrine", "cas": "299-42-3",
                "substance_name": "Ephedrine", "quantity_kg": 250.0, "substance_kg": 250.0,
                "sent_at": ms("2025-02-03", 8, 0, 0), "reply_deadline": day("2025-02-17"),
                "answered_at": ms("2025-02-10", 14, 30, 0), "shipped_on": day("2025-02-20"),
                "shipped_kg": 240.0
            }),
            json!({
                "id": "IMP-2024-7", "status": "expired", "by_silence": true, "source": "import",
                "exporting_country": "DE", "importing_country": "NG", "transit_countries": [],
                "substance_id": null, "cas": "7647-01-0", "substance_name": null,
                "quantity_kg": 12.5, "substance_kg": 12.5,
                "sent_at": ms("2024-11-04", 0, 0, 0), "reply_deadline": day("2024-11-18"),
                "answered_at": null, "shipped_on": null, "shipped_kg": null
            }),
        ]
    );
}

#[test]
fn flow_edges_round_trip() {
    let (_, back) = write_and_read(&flows_table(), common::flows());
    let got: Vec<Value> = back.rows.into_iter().map(Value::Object).collect();
    assert_eq!(
        got,
        vec![
            json!({"from_country": "CN", "to_country": "MX", "via": ["AE", "NL"],
                   "notifications": 0, "incidents": 3, "quantity_kg": 1700.5,
                   "substances": ["bmk-glycidate", "pmk-glycidate"]}),
            json!({"from_country": "IN", "to_country": "MX", "via": [], "notifications": 12,
                   "incidents": 0, "quantity_kg": null, "substances": ["ephedrine"]}),
        ]
    );
}

#[test]
fn rows_stream_in_row_groups_of_the_size_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.parquet");
    let n = 2_500u64;
    let report = write_parquet_with(
        &incidents_table(),
        (0..n).map(common::incident_numbered),
        File::create(&path).unwrap(),
        &WriteOptions {
            row_group_rows: 1_000,
        },
    )
    .unwrap();
    assert_eq!((report.rows, report.row_groups), (n, 3));
    let back = read_back(&path);
    let sizes: Vec<i64> = back
        .metadata
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .collect();
    assert_eq!(sizes, [1_000, 1_000, 500]);
    assert_eq!(back.rows.len() as u64, n);
    for (i, row) in back.rows.iter().enumerate() {
        assert_eq!(row["id"], json!(format!("NL-2025-{i:06}")));
        assert_eq!(row["total_quantity_kg"], json!(1200.5));
    }
}

#[test]
fn the_default_row_group_is_64k_rows() {
    let table = Table {
        name: "small".into(),
        columns: vec![Column::new("n", ColumnType::Int, false, "n")],
    };
    let n = DEFAULT_ROW_GROUP_ROWS as u64 + 10;
    let (report, back) = write_and_read(&table, (0..n).map(|i| json!({"n": i})).collect());
    assert_eq!((report.rows, report.row_groups), (n, 2));
    assert_eq!(back.metadata.row_group(0).num_rows(), 65_536);
    assert!(back
        .rows
        .iter()
        .enumerate()
        .all(|(i, r)| r["n"] == json!(i as u64)));
}

#[test]
fn an_export_of_nothing_is_a_readable_empty_file() {
    let (report, back) = write_and_read(&pens_table(), Vec::new());
    assert_eq!((report.rows, report.row_groups), (0, 0));
    assert!(back.rows.is_empty());
    assert_eq!(back.arrow.fields().len(), pens_table().columns.len());
}

fn error_of(table: &Table, rows: Vec<Value>) -> ExportError {
    write_parquet(table, rows, Vec::new()).unwrap_err()
}

#[test]
fn a_value_that_does_not_fit_is_named_by_row_and_column() {
    let t = every_type_table();
    let good = json!({"t": "ok"});
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"t": 5}), "text", "expected text, found a number"),
        (json!({}), "text", "missing or null, and the column may not be null"),
        (json!({"t": null}), "text", "missing or null"),
        (json!({"t": "x", "i": 1.5}), "int", "expected an integer, found 1.5"),
        (json!({"t": "x", "i": "1"}), "int", "expected an integer, found a string"),
        (json!({"t": "x", "i": 18_446_744_073_709_551_615_u64}), "int", "expected an integer"),
        (json!({"t": "x", "f": "2.5"}), "float", "expected a number, found a string"),
        (json!({"t": "x", "b": "true"}), "bool", "expected a boolean, found a string"),
        (json!({"t": "x", "d": "2025-02-30"}), "date", "2025-02-30"),
        (json!({"t": "x", "d": "01/03/2025"}), "date", "not a date in YYYY-MM-DD form"),
        (json!({"t": "x", "d": 20250301}), "date", "expected a date (YYYY-MM-DD text), found a number"),
        (json!({"t": "x", "ts": "2025-03-01"}), "at", "not an RFC 3339 date-time"),
        (json!({"t": "x", "ts": "2025-03-01T25:00:00Z"}), "at", "no such time of day"),
        (json!({"t": "x", "tags": "a,b"}), "tags", "expected an array of text, found a string"),
        (json!({"t": "x", "tags": ["a", 1]}), "tags", "item 1: expected text, found a number"),
        (json!({"t": "x", "xs": {"name": "a"}}), "names", "`xs` is an object, not an array"),
        (json!({"t": "x", "xs": [{"name": ["a"]}]}), "names", "item 0: expected text, found an array (a path ending in `[]` takes the elements of an array)"),
        (json!({"t": "x", "xs": [{"kg": "1"}]}), "kg", "expected a number, found a string"),
        (json!({"t": "x", "xs": [7]}), "names", "`xs[]` is a number, not an object with `name`"),
    ];
    for (bad, column, message) in cases {
        let err = error_of(&t, vec![good.clone(), good.clone(), bad.clone()]);
        match &err {
            ExportError::Value {
                table,
                row,
                column: c,
                message: m,
            } => {
                assert_eq!(
                    (table.as_str(), *row, c.as_str()),
                    ("every_type", 2, column),
                    "{bad}"
                );
                assert!(m.contains(message), "{bad}: {m}");
            }
            other => panic!("{bad}: {other}"),
        }
        assert!(err
            .to_string()
            .starts_with(&format!("table `every_type`, row 2, column `{column}`: ")));
    }
    // A record that is not an object.
    let err = error_of(&t, vec![json!(["t"])]);
    assert_eq!(
        err.to_string(),
        "table `every_type`, row 0, column `text`: the record is an array, not an object with `t`"
    );
}

#[test]
fn a_definition_that_cannot_be_written_is_refused_before_any_row() {
    let mut t = every_type_table();
    t.columns
        .push(Column::new("when", ColumnType::Date, true, "xs[].d"));
    let err = error_of(&t, vec![json!({"t": "x"})]);
    assert!(
        matches!(&err, ExportError::Table { table, message } if table == "every_type" && message.contains("column `when`")),
        "{err}"
    );
    let err = write_parquet_with(
        &every_type_table(),
        Vec::new(),
        Vec::new(),
        &WriteOptions { row_group_rows: 0 },
    )
    .unwrap_err();
    assert!(err
        .to_string()
        .contains("row_group_rows must be at least 1"));
}

/// An output that fails after `ok` bytes.
struct Failing {
    ok: usize,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.ok < buf.len() {
            return Err(std::io::Error::other("disk full"));
        }
        self.ok -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_output_is_an_error_not_a_panic() {
    for ok in [0, 4, 200] {
        let err = write_parquet(
            &incidents_table(),
            (0..50).map(common::incident_numbered),
            Failing { ok },
        )
        .unwrap_err();
        assert!(
            matches!(&err, ExportError::Write { table, message } if table == "incidents" && message.contains("disk full")),
            "{ok}: {err}"
        );
    }
}
