//! What can go wrong writing a table: its definition, a value of a record, or the output.

/// An export that could not be written. Nothing of the `arrow` or `parquet` crates shows
/// through: their errors are carried as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The table's definition cannot be written (before any row is read).
    #[error("table `{table}`: {message}")]
    Table { table: String, message: String },
    /// A value of a record does not fit its column: `row` counts the records from 0, in the
    /// order given.
    #[error("table `{table}`, row {row}, column `{column}`: {message}")]
    Value {
        table: String,
        row: u64,
        column: String,
        message: String,
    },
    /// The output failed (an I/O error) or the Parquet writer refused the data.
    #[error("table `{table}`: writing the Parquet file: {message}")]
    Write { table: String, message: String },
}
