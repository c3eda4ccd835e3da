//! The one place that speaks both drivers: statement text, bound values, result cells and the
//! translation of driver errors into [`StoreError`]. Statements are written once in PostgreSQL's
//! `$1` style; SQLite gets them as `?1` (same numbering, same meaning, even when a number repeats).

use std::borrow::Cow;

use postgres::error::SqlState;
use postgres::types::{ToSql, Type};

use crate::{Backend, StoreError};

/// A statement that the dialects write differently (statements they agree on are plain `&str`).
#[derive(Clone, Copy)]
pub(crate) struct Sql {
    pub(crate) sqlite: &'static str,
    pub(crate) postgres: &'static str,
}

impl Sql {
    pub(crate) fn text(self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// `$1` → `?1` outside quoted strings and identifiers.
pub(crate) fn sqlite_placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('?');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// A value bound to a statement. Typed nulls, because PostgreSQL checks a parameter's Rust type
/// against the column's.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Bool(bool),
    OptText(Option<&'a str>),
    OptInt(Option<i64>),
    Bytes(&'a [u8]),
}

impl Value<'_> {
    pub(crate) fn as_postgres(&self) -> &(dyn ToSql + Sync) {
        match self {
            Value::Int(v) => v,
            Value::Text(v) => v,
            Value::Bool(v) => v,
            Value::OptText(v) => v,
            Value::OptInt(v) => v,
            Value::Bytes(v) => v,
        }
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value as V, ValueRef};
        Ok(match *self {
            Value::Int(v) => ToSqlOutput::Owned(V::Integer(v)),
            Value::Bool(v) => ToSqlOutput::Owned(V::Integer(i64::from(v))),
            Value::Text(v) | Value::OptText(Some(v)) => {
                ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes()))
            }
            Value::OptText(None) | Value::OptInt(None) => ToSqlOutput::Owned(V::Null),
            Value::OptInt(Some(v)) => ToSqlOutput::Owned(V::Integer(v)),
            Value::Bytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

/// One result cell, whatever the driver.
#[derive(Debug, Default)]
pub(crate) enum Cell {
    #[default]
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// One result row, with what is needed to say which operation read a bad value.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) cells: Vec<Cell>,
    pub(crate) backend: Backend,
    pub(crate) operation: &'static str,
}

impl Row {
    fn take(&mut self, i: usize) -> Cell {
        self.cells
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn corrupt(&self, detail: String) -> StoreError {
        StoreError::Corrupt {
            backend: self.backend,
            operation: self.operation,
            detail,
        }
    }

    pub(crate) fn opt_text(&mut self, i: usize) -> Result<Option<String>, StoreError> {
        match self.take(i) {
            Cell::Text(s) => Ok(Some(s)),
            Cell::Null => Ok(None),
            other => Err(self.corrupt(format!("column {i}: expected text, found {other:?}"))),
        }
    }

    pub(crate) fn text(&mut self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?
            .ok_or_else(|| self.corrupt(format!("column {i}: expected text, found null")))
    }

    pub(crate) fn opt_int(&mut self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.take(i) {
            Cell::Int(v) => Ok(Some(v)),
            Cell::Null => Ok(None),
            other => Err(self.corrupt(format!("column {i}: expected an integer, found {other:?}"))),
        }
    }

    pub(crate) fn int(&mut self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?
            .ok_or_else(|| self.corrupt(format!("column {i}: expected an integer, found null")))
    }

    pub(crate) fn bytes(&mut self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.take(i) {
            Cell::Bytes(v) => Ok(v),
            other => Err(self.corrupt(format!("column {i}: expected bytes, found {other:?}"))),
        }
    }

    /// SQLite stores booleans as 0/1, PostgreSQL as `boolean`.
    pub(crate) fn bool(&mut self, i: usize) -> Result<bool, StoreError> {
        match self.take(i) {
            Cell::Bool(v) => Ok(v),
            Cell::Int(v) => Ok(v != 0),
            other => Err(self.corrupt(format!("column {i}: expected a boolean, found {other:?}"))),
        }
    }

    /// A stored word of a fixed vocabulary (role, organisation kind, country code).
    pub(crate) fn parsed<T: std::str::FromStr>(
        &mut self,
        i: usize,
        what: &str,
    ) -> Result<T, StoreError> {
        let text = self.text(i)?;
        text.parse().map_err(|_| {
            self.corrupt(format!(
                "`{}` is not a valid {what}",
                interdict_core::text::clip(&text, 40)
            ))
        })
    }
}

pub(crate) fn sqlite_row(
    row: &rusqlite::Row<'_>,
    columns: usize,
    backend: Backend,
    operation: &'static str,
) -> Result<Row, StoreError> {
    use rusqlite::types::ValueRef;
    let mut cells = Vec::with_capacity(columns);
    for i in 0..columns {
        let value = row.get_ref(i).map_err(|e| sqlite_error(e, operation))?;
        cells.push(match value {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(v) => Cell::Int(v),
            ValueRef::Text(bytes) => Cell::Text(String::from_utf8_lossy(bytes).into_owned()),
            ValueRef::Blob(bytes) => Cell::Bytes(bytes.to_vec()),
            ValueRef::Real(_) => {
                return Err(StoreError::Corrupt {
                    backend,
                    operation,
                    detail: format!("column {i} holds a value of an unexpected type"),
                })
            }
        });
    }
    Ok(Row {
        cells,
        backend,
        operation,
    })
}

pub(crate) fn postgres_row(
    row: &postgres::Row,
    operation: &'static str,
) -> Result<Row, StoreError> {
    let backend = Backend::Postgres;
    let mut cells = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let cell = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)
                .map(|v| v.map_or(Cell::Null, Cell::Int))
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map(|v| v.map_or(Cell::Null, |v| Cell::Int(v.into())))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)
                .map(|v| v.map_or(Cell::Null, |v| Cell::Int(v.into())))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)
                .map(|v| v.map_or(Cell::Null, Cell::Bool))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map_or(Cell::Null, Cell::Bytes))
        } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
            row.try_get::<_, Option<String>>(i)
                .map(|v| v.map_or(Cell::Null, Cell::Text))
        } else {
            return Err(StoreError::Corrupt {
                backend,
                operation,
                detail: format!("column {} has the unexpected type {ty}", column.name()),
            });
        };
        cells.push(cell.map_err(|e| postgres_error(&e, operation, ""))?);
    }
    Ok(Row {
        cells,
        backend,
        operation,
    })
}

/// Whether the transaction lost a race and may simply be run again.
pub(crate) fn is_retryable_postgres(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(&SqlState::T_R_SERIALIZATION_FAILURE) | Some(&SqlState::T_R_DEADLOCK_DETECTED)
    )
}

/// A PostgreSQL error in words that hold no bound value: the SQLSTATE and the server's message,
/// never its DETAIL (which quotes the conflicting key, e.g. a token hash), and for data errors
/// (class 22, which echo the offending input) not even the message.
pub(crate) fn postgres_error(
    e: &postgres::Error,
    operation: &'static str,
    location: &str,
) -> StoreError {
    let backend = Backend::Postgres;
    let Some(db) = e.as_db_error() else {
        let io = e.is_closed()
            || std::error::Error::source(e)
                .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some())
            || e.to_string().starts_with("timeout");
        return if io {
            StoreError::Unavailable {
                backend,
                location: location.to_string(),
                operation,
                reason: e.to_string(),
            }
        } else {
            StoreError::Database {
                backend,
                operation,
                reason: e.to_string(),
            }
        };
    };
    let code = db.code().code();
    if *db.code() == SqlState::UNIQUE_VIOLATION {
        return StoreError::Conflict {
            backend,
            operation,
            constraint: db.constraint().unwrap_or("unknown").to_string(),
        };
    }
    let unavailable = code.starts_with("08") // connection exception
        || code.starts_with("53") // insufficient resources: disk full, out of memory, too many connections
        || code.starts_with("57P") // server shutting down or starting
        || code == "25006" // read_only_sql_transaction: a standby, or the database set read-only
        || is_retryable_postgres(e); // still losing races after every retry
    let reason = if code.starts_with("22") {
        format!("a value was refused (SQLSTATE {code})")
    } else {
        format!("{} (SQLSTATE {code})", db.message())
    };
    if unavailable {
        StoreError::Unavailable {
            backend,
            location: location.to_string(),
            operation,
            reason,
        }
    } else {
        StoreError::Database {
            backend,
            operation,
            reason,
        }
    }
}

/// A SQLite error. SQLite's messages name tables and columns, never bound values.
pub(crate) fn sqlite_error(e: rusqlite::Error, operation: &'static str) -> StoreError {
    sqlite_error_at(e, operation, "")
}

pub(crate) fn sqlite_error_at(
    e: rusqlite::Error,
    operation: &'static str,
    location: &str,
) -> StoreError {
    use rusqlite::ErrorCode as C;
    let backend = Backend::Sqlite;
    if let rusqlite::Error::SqliteFailure(failure, message) = &e {
        let unique = failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY;
        if unique {
            let constraint = message
                .as_deref()
                .and_then(|m| m.strip_prefix("UNIQUE constraint failed: "))
                .unwrap_or("unknown");
            return StoreError::Conflict {
                backend,
                operation,
                constraint: constraint.to_string(),
            };
        }
        if matches!(
            failure.code,
            C::DatabaseBusy
                | C::DatabaseLocked
                | C::DiskFull
                | C::CannotOpen
                | C::SystemIoFailure
                | C::OutOfMemory
                // The file or its file system went read-only: writes wait for the operator.
                | C::ReadOnly
        ) {
            return StoreError::Unavailable {
                backend,
                location: location.to_string(),
                operation,
                reason: e.to_string(),
            };
        }
    }
    StoreError::Database {
        backend,
        operation,
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_sqlite_numbered_parameters() {
        assert_eq!(
            sqlite_placeholders("SELECT a FROM t WHERE a = $1 AND b = $12 OR c = $1"),
            "SELECT a FROM t WHERE a = ?1 AND b = ?12 OR c = ?1"
        );
        assert_eq!(
            sqlite_placeholders("SELECT '$1', \"$2\" WHERE x = $3"),
            "SELECT '$1', \"$2\" WHERE x = ?3"
        );
        assert!(matches!(sqlite_placeholders("SELECT 1"), Cow::Borrowed(_)));
    }

    #[test]
    fn rows_refuse_wrong_types_without_panicking() {
        let mut row = Row {
            cells: vec![Cell::Int(1), Cell::Text("x".into()), Cell::Null],
            backend: Backend::Sqlite,
            operation: "test",
        };
        assert!(row.text(0).is_err());
        assert_eq!(row.opt_int(2).unwrap(), None);
        assert!(
            row.int(7).is_err(),
            "a missing column is an error, not a panic"
        );
        assert!(row.parsed::<interdict_domain::Role>(1, "role").is_err());
    }
}
