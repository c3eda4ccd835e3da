//! What a Parquet file holds: a table of named, typed columns, each read from the records by a
//! path.

use crate::error::ExportError;
use crate::path::Path;

/// The type of a column, as the JSON records write it and as the Parquet file stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// A JSON string → `STRING` (UTF-8 byte array).
    Text,
    /// A JSON integer (no fraction, within `i64`) → `INT64`.
    Int,
    /// A JSON number → `DOUBLE`. Over a path with `[]`: the sum of the numbers found (see
    /// [`Column::path`]).
    Float,
    /// A JSON `true`/`false` → `BOOLEAN`.
    Bool,
    /// A `YYYY-MM-DD` string → `DATE` (days since 1970-01-01).
    Date,
    /// An RFC 3339 string (`2025-03-01T12:00:00Z`, fraction and offset allowed) →
    /// `TIMESTAMP(MILLIS, isAdjustedToUTC = true)`: the instant in UTC, to the millisecond
    /// (finer fractions are cut).
    Timestamp,
    /// A JSON array of strings, or the strings collected over a path with `[]` →
    /// `LIST<STRING>` (items may be null).
    TextList,
}

impl ColumnType {
    /// How the type is named in messages and documentation.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Int => "integer",
            ColumnType::Float => "number",
            ColumnType::Bool => "boolean",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::TextList => "list of text",
        }
    }
}

/// One column: its name in the file, its type, whether it may be null, and where its value is
/// in each record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnType,
    /// Whether the column may hold nulls. A missing or `null` value in a column that may not
    /// is an error naming the row and column.
    pub nullable: bool,
    /// Where the value is in the record, in one of two forms:
    /// - a dotted path, `substance.substance_id`; a segment of digits indexes an array
    ///   (`substances.0.name`); a segment ending in `[]` takes every element of an array
    ///   (`substances[].resolved.substance_id`), and the path then reaches many values:
    ///   a [`ColumnType::TextList`] collects them in order (a missing or `null` one is a null
    ///   item, so lists over the same array stay aligned), a [`ColumnType::Float`] sums them
    ///   (missing and `null` ones are skipped; null when none is a number). A `[]` over a
    ///   missing or `null` array reaches nothing: an empty list, a null sum. Other types
    ///   take no `[]`.
    /// - a JSON pointer (RFC 6901) starting with `/`: `/place/locode`, for keys with a dot.
    ///
    /// A missing field anywhere on the way is a null value; a field of another JSON type than
    /// the path needs (a key into a string, `[]` over an object) is an error.
    pub path: String,
}

impl Column {
    pub fn new(
        name: impl Into<String>,
        kind: ColumnType,
        nullable: bool,
        path: impl Into<String>,
    ) -> Column {
        Column {
            name: name.into(),
            kind,
            nullable,
            path: path.into(),
        }
    }
}

/// A table: its name (for messages and file names) and its columns, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
}

impl Table {
    /// Checks the definition: a name, at least one column, column names non-empty and unique,
    /// every path well formed and `[]` only where the type takes it.
    pub fn check(&self) -> Result<(), ExportError> {
        self.compiled_paths().map(|_| ())
    }

    /// The parsed path of every column, in order, or the first problem of the definition.
    pub(crate) fn compiled_paths(&self) -> Result<Vec<Path>, ExportError> {
        let bad = |message: String| ExportError::Table {
            table: self.name.clone(),
            message,
        };
        if self.name.trim().is_empty() {
            return Err(bad("the table has no name".into()));
        }
        if self.columns.is_empty() {
            return Err(bad("the table has no column".into()));
        }
        let mut seen = std::collections::HashSet::new();
        let mut paths = Vec::with_capacity(self.columns.len());
        for (i, c) in self.columns.iter().enumerate() {
            if c.name.trim().is_empty() {
                return Err(bad(format!("column {i} has no name")));
            }
            if !seen.insert(c.name.as_str()) {
                return Err(bad(format!("column `{}` is defined twice", c.name)));
            }
            let path = Path::parse(&c.path)
                .map_err(|m| bad(format!("column `{}`: path `{}`: {m}", c.name, c.path)))?;
            if path.has_each() && !matches!(c.kind, ColumnType::TextList | ColumnType::Float) {
                return Err(bad(format!(
                    "column `{}`: path `{}` reaches many values (`[]`), which only a list of \
                     text (collected) or a number (summed) column takes, not {}",
                    c.name,
                    c.path,
                    c.kind.as_str()
                )));
            }
            paths.push(path);
        }
        Ok(paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: Vec<Column>) -> Table {
        Table {
            name: "t".into(),
            columns,
        }
    }

    #[test]
    fn definitions_are_checked() {
        let ok = table(vec![
            Column::new("a", ColumnType::Text, true, "a"),
            Column::new("b", ColumnType::TextList, false, "xs[].b"),
            Column::new("c", ColumnType::Float, true, "xs[].kg"),
        ]);
        assert!(ok.check().is_ok());
        let msg = |t: Table| t.check().unwrap_err().to_string();
        assert!(msg(table(vec![])).contains("no column"));
        assert!(msg(table(vec![
            Column::new("a", ColumnType::Text, true, "a"),
            Column::new("a", ColumnType::Int, true, "b"),
        ]))
        .contains("column `a` is defined twice"));
        assert!(msg(table(vec![Column::new(
            "a",
            ColumnType::Text,
            true,
            "xs[].a"
        )]))
        .contains("not text"));
        assert!(msg(table(vec![Column::new(
            "a",
            ColumnType::Text,
            true,
            "a..b"
        )]))
        .contains("column `a`: path `a..b`"));
        assert!(
            msg(table(vec![Column::new(" ", ColumnType::Text, true, "a")]))
                .contains("column 0 has no name")
        );
    }
}
