//! Streaming records into a Parquet file: rows are read into column builders, and every
//! `row_group_rows` rows become one record batch written and flushed as one row group, so
//! memory holds one row group whatever the number of rows.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use crate::error::ExportError;
use crate::path::{json_kind, Path};
use crate::table::{Column, ColumnType, Table};
use crate::value::{date_days, timestamp_ms};

/// Rows per row group unless told otherwise: large enough for the readers' column scans,
/// small enough to keep a table of a few dozen columns within a few tens of MB.
pub const DEFAULT_ROW_GROUP_ROWS: usize = 65_536;

/// How a file is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Rows per row group (at least 1); the writer holds one row group in memory.
    pub row_group_rows: usize,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            row_group_rows: DEFAULT_ROW_GROUP_ROWS,
        }
    }
}

/// What was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteReport {
    pub rows: u64,
    pub row_groups: usize,
    /// Size of the file written.
    pub bytes: u64,
}

/// Writes `rows` (JSON records) as the Parquet file of `table` to `out`, in row groups of
/// [`DEFAULT_ROW_GROUP_ROWS`]. See [`write_parquet_with`].
pub fn write_parquet<W: Write + Send>(
    table: &Table,
    rows: impl IntoIterator<Item = Value>,
    out: W,
) -> Result<WriteReport, ExportError> {
    write_parquet_with(table, rows, out, &WriteOptions::default())
}

/// Writes `rows` (JSON records) as the Parquet file of `table` to `out`: one column per
/// [`Column`], each value read at its path (see [`Column::path`]), Snappy-compressed.
///
/// Strict: a value of the wrong JSON type for its column (a number in a text column, a
/// malformed date), or a missing value in a column that may not be null, stops the export with
/// [`ExportError::Value`] naming the row (from 0) and the column; nothing is written as null
/// in its place. What was written to `out` before an error is not a readable file: write to a
/// temporary name and rename on success.
pub fn write_parquet_with<W: Write + Send>(
    table: &Table,
    rows: impl IntoIterator<Item = Value>,
    out: W,
    options: &WriteOptions,
) -> Result<WriteReport, ExportError> {
    let paths = table.compiled_paths()?;
    if options.row_group_rows == 0 {
        return Err(ExportError::Table {
            table: table.name.clone(),
            message: "row_group_rows must be at least 1".into(),
        });
    }
    let failed = |message: String| ExportError::Write {
        table: table.name.clone(),
        message,
    };
    let item = item_field();
    let schema = schema_of(table, &item);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(options.row_group_rows))
        .build();
    let mut writer = ArrowWriter::try_new(
        Counting {
            inner: out,
            bytes: 0,
        },
        schema.clone(),
        Some(props),
    )
    .map_err(|e| failed(e.to_string()))?;
    let capacity = options.row_group_rows.min(8192);
    let mut builders: Vec<Builder> = table
        .columns
        .iter()
        .map(|c| Builder::new(c.kind, &item, capacity))
        .collect();
    let mut rows_written: u64 = 0;
    let mut in_batch = 0usize;
    for (row, record) in rows.into_iter().enumerate() {
        let row = row as u64;
        for ((column, path), builder) in table.columns.iter().zip(&paths).zip(&mut builders) {
            builder
                .append(column, path, &record)
                .map_err(|message| ExportError::Value {
                    table: table.name.clone(),
                    row,
                    column: column.name.clone(),
                    message,
                })?;
        }
        rows_written += 1;
        in_batch += 1;
        if in_batch == options.row_group_rows {
            flush(&mut writer, &schema, &mut builders).map_err(failed)?;
            in_batch = 0;
        }
    }
    if in_batch > 0 {
        flush(&mut writer, &schema, &mut builders).map_err(failed)?;
    }
    let row_groups = writer.flushed_row_groups().len();
    let counted = writer.into_inner().map_err(|e| failed(e.to_string()))?;
    let mut inner = counted.inner;
    inner.flush().map_err(|e| failed(e.to_string()))?;
    Ok(WriteReport {
        rows: rows_written,
        row_groups,
        bytes: counted.bytes,
    })
}

/// The element of every list column, named as the Parquet format's LIST type names it.
fn item_field() -> FieldRef {
    Arc::new(Field::new("element", DataType::Utf8, true))
}

fn data_type(kind: ColumnType, item: &FieldRef) -> DataType {
    match kind {
        ColumnType::Text => DataType::Utf8,
        ColumnType::Int => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        ColumnType::TextList => DataType::List(item.clone()),
    }
}

fn schema_of(table: &Table, item: &FieldRef) -> SchemaRef {
    Arc::new(Schema::new(
        table
            .columns
            .iter()
            .map(|c| Field::new(&c.name, data_type(c.kind, item), c.nullable))
            .collect::<Vec<_>>(),
    ))
}

/// One row group: the builders' rows as a batch, written and flushed.
fn flush<W: Write + Send>(
    writer: &mut ArrowWriter<W>,
    schema: &SchemaRef,
    builders: &mut [Builder],
) -> Result<(), String> {
    let arrays: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.flush().map_err(|e| e.to_string())
}

/// The output, counting the bytes written.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMillisecondBuilder),
    TextList(ListBuilder<StringBuilder>),
}

fn wrong(expected: &str, found: &Value) -> String {
    let hint = if matches!(found, Value::Array(_)) {
        " (a path ending in `[]` takes the elements of an array)"
    } else {
        ""
    };
    format!("expected {expected}, found {}{hint}", json_kind(found))
}

const NOT_NULL: &str = "missing or null, and the column may not be null";

impl Builder {
    fn new(kind: ColumnType, item: &FieldRef, capacity: usize) -> Builder {
        match kind {
            ColumnType::Text => Builder::Text(StringBuilder::with_capacity(capacity, capacity * 8)),
            ColumnType::Int => Builder::Int(Int64Builder::with_capacity(capacity)),
            ColumnType::Float => Builder::Float(Float64Builder::with_capacity(capacity)),
            ColumnType::Bool => Builder::Bool(BooleanBuilder::with_capacity(capacity)),
            ColumnType::Date => Builder::Date(Date32Builder::with_capacity(capacity)),
            ColumnType::Timestamp => Builder::Timestamp(
                TimestampMillisecondBuilder::with_capacity(capacity).with_timezone("UTC"),
            ),
            ColumnType::TextList => Builder::TextList(
                ListBuilder::with_capacity(StringBuilder::new(), capacity).with_field(item.clone()),
            ),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Timestamp(b) => Arc::new(b.finish()),
            Builder::TextList(b) => Arc::new(b.finish()),
        }
    }

    /// Appends the value of `column` in `record`, or says why it does not fit.
    fn append(&mut self, column: &Column, path: &Path, record: &Value) -> Result<(), String> {
        if path.has_each() {
            return self.append_many(column, path, record);
        }
        let mut value = None;
        path.visit(record, &mut |v| {
            value = v;
            Ok(())
        })?;
        let Some(value) = value else {
            if !column.nullable {
                return Err(NOT_NULL.into());
            }
            match self {
                Builder::Text(b) => b.append_null(),
                Builder::Int(b) => b.append_null(),
                Builder::Float(b) => b.append_null(),
                Builder::Bool(b) => b.append_null(),
                Builder::Date(b) => b.append_null(),
                Builder::Timestamp(b) => b.append_null(),
                Builder::TextList(b) => b.append_null(),
            }
            return Ok(());
        };
        match self {
            Builder::Text(b) => match value {
                Value::String(s) => b.append_value(s),
                other => return Err(wrong("text", other)),
            },
            Builder::Int(b) => match value {
                Value::Number(n) => match n.as_i64() {
                    Some(i) => b.append_value(i),
                    None => return Err(format!("expected an integer, found {n}")),
                },
                other => return Err(wrong("an integer", other)),
            },
            Builder::Float(b) => match value.as_f64() {
                Some(x) => b.append_value(x),
                None => return Err(wrong("a number", value)),
            },
            Builder::Bool(b) => match value {
                Value::Bool(x) => b.append_value(*x),
                other => return Err(wrong("a boolean", other)),
            },
            Builder::Date(b) => match value {
                Value::String(s) => b.append_value(date_days(s)?),
                other => return Err(wrong("a date (YYYY-MM-DD text)", other)),
            },
            Builder::Timestamp(b) => match value {
                Value::String(s) => b.append_value(timestamp_ms(s)?),
                other => return Err(wrong("a date-time (RFC 3339 text)", other)),
            },
            Builder::TextList(b) => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match item {
                            Value::String(s) => b.values().append_value(s),
                            Value::Null => b.values().append_null(),
                            other => return Err(format!("item {i}: {}", wrong("text", other))),
                        }
                    }
                    b.append(true);
                }
                other => return Err(wrong("an array of text", other)),
            },
        }
        Ok(())
    }

    /// A path with `[]`: the values reached collected into a list, or summed.
    fn append_many(&mut self, column: &Column, path: &Path, record: &Value) -> Result<(), String> {
        match self {
            Builder::TextList(b) => {
                let mut i = 0usize;
                path.visit(record, &mut |v| {
                    match v {
                        Some(Value::String(s)) => b.values().append_value(s),
                        None => b.values().append_null(),
                        Some(other) => return Err(format!("item {i}: {}", wrong("text", other))),
                    }
                    i += 1;
                    Ok(())
                })?;
                b.append(true);
                Ok(())
            }
            Builder::Float(b) => {
                let mut sum: Option<f64> = None;
                path.visit(record, &mut |v| {
                    match v {
                        Some(Value::Number(n)) => {
                            let x = n.as_f64().unwrap_or(f64::NAN);
                            sum = Some(sum.unwrap_or(0.0) + x);
                        }
                        None => {}
                        Some(other) => return Err(wrong("a number", other)),
                    }
                    Ok(())
                })?;
                match sum {
                    Some(x) => b.append_value(x),
                    None if column.nullable => b.append_null(),
                    None => return Err(format!("{NOT_NULL} (no number to sum)")),
                }
                Ok(())
            }
            // `Table::compiled_paths` lets `[]` only into list and number columns.
            _ => Err(format!(
                "a path with `[]` does not fit a {} column",
                column.kind.as_str()
            )),
        }
    }
}
