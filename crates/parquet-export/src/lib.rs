//! Records to Apache Parquet files, for analysis at scale: DuckDB, Spark, Trino and pandas read
//! what this writes.
//!
//! A [`Table`] names its [`Column`]s, each with a [`ColumnType`], whether it may be null, and
//! the path of its value in a JSON record (`substance.substance_id`, or
//! `substances[].resolved.substance_id` to collect over an array). [`write_parquet`] streams
//! any number of records into one file in row groups of bounded size, checking every value
//! against its column: a value that does not fit is an [`ExportError`] naming the row and
//! column, never a panic and never a silent null. [`incidents_table`], [`pens_table`] and
//! [`flows_table`] are the platform's own tables.
//!
//! ```
//! use interdict_parquet::{write_parquet, Column, ColumnType, Table};
//! let table = Table {
//!     name: "seizures".into(),
//!     columns: vec![
//!         Column::new("id", ColumnType::Text, false, "id"),
//!         Column::new("date", ColumnType::Date, false, "date"),
//!         Column::new("kg", ColumnType::Float, true, "substances[].quantity_kg"),
//!     ],
//! };
//! let rows = vec![serde_json::json!({
//!     "id": "NL-2025-1", "date": "2025-03-01",
//!     "substances": [{"quantity_kg": 1.5}, {"quantity_kg": 2.0}]
//! })];
//! let mut file = Vec::new();
//! let report = write_parquet(&table, rows, &mut file).unwrap();
//! assert_eq!((report.rows, report.row_groups), (1, 1));
//! assert!(file.starts_with(b"PAR1"));
//! ```
//!
//! The file (`parquet` 59.3.2, pinned): the writer's 1.0 format version (version 1 data
//! pages, which every reader takes), Snappy-compressed, dictionary encoding and page
//! statistics on; text is `STRING`, dates `DATE`, instants
//! `TIMESTAMP(MILLIS, UTC)`, lists the standard three-level `LIST` of nullable `STRING`
//! elements. The Arrow schema is embedded too, for Arrow readers.

mod error;
mod path;
mod table;
mod tables;
mod value;
mod write;

pub use error::ExportError;
pub use table::{Column, ColumnType, Table};
pub use tables::{flows_table, incidents_table, pens_table};
pub use write::{
    write_parquet, write_parquet_with, WriteOptions, WriteReport, DEFAULT_ROW_GROUP_ROWS,
};
