//! What can go wrong, said so that the server can answer `unavailable`, `conflict`, `not_found` or
//! `internal` without looking at driver types, and so that no text of an error ever carries a
//! password, a token hash or a value bound to a statement.

use std::fmt;
use std::path::PathBuf;

/// Which database engine a [`crate::Database`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The embedded SQLite file `interdict.sqlite3` of a data directory.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four answers a caller (the server) has to choose between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Try again later: the database is unreachable, full, locked past the wait, out of pooled
    /// connections, or not at this build's schema version.
    Unavailable,
    /// A unique value (an email, a token hash, a session) is taken.
    Conflict,
    /// The record an operation names does not exist.
    NotFound,
    /// Anything else: a bug, a corrupt value, a bad configuration.
    Internal,
}

/// An error of the store. Every variant names the backend or location and the operation; none
/// carries a driver type, so the drivers can change without touching callers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Connection refused or lost, pool exhausted, disk full, lock not obtained in time, too much
    /// contention to commit: the same request may succeed later.
    #[error("{backend} database {location} is unavailable ({operation}): {reason}")]
    Unavailable {
        backend: Backend,
        location: String,
        operation: &'static str,
        reason: String,
    },
    /// A unique constraint refused the change; `constraint` names it (never the value).
    #[error("{backend} {operation}: the value is already taken (unique constraint {constraint})")]
    Conflict {
        backend: Backend,
        operation: &'static str,
        constraint: String,
    },
    /// The organisation, user or token an operation names does not exist.
    #[error("{operation}: there is no {what} with id `{id}`")]
    NotFound {
        operation: &'static str,
        what: &'static str,
        id: String,
    },
    /// The database refused a statement for another reason (a bug, a broken schema).
    #[error("{backend} {operation} failed: {reason}")]
    Database {
        backend: Backend,
        operation: &'static str,
        reason: String,
    },
    /// A stored value is not what this build expects (an unknown role, a wrong column type).
    #[error("{backend} {operation}: a stored value cannot be read: {detail}")]
    Corrupt {
        backend: Backend,
        operation: &'static str,
        detail: String,
    },
    /// The database was migrated by a newer Interdict: refused, never rewritten.
    #[error(
        "database {location} has schema version {found}, newer than this build of interdict \
         understands ({supported}); use a newer interdict, or another data directory or database"
    )]
    TooNew {
        location: String,
        found: i64,
        supported: i64,
    },
    /// A read-only open found an older schema, which only a read-write open can migrate.
    #[error(
        "database {location} has schema version {found}, older than this build's {supported}, and \
         was opened read-only; run `interdict migrate` first"
    )]
    NotMigrated {
        location: String,
        found: i64,
        supported: i64,
    },
    /// A migration failed; it was rolled back, the database stays at the version before it.
    #[error("migration {version} ({name}) of {backend} database {location} failed: {reason}")]
    Migration {
        backend: Backend,
        location: String,
        version: i64,
        name: &'static str,
        reason: String,
    },
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A change was attempted through a read-only database or a read transaction.
    #[error("{operation}: database {location} is open for reading only")]
    ReadOnly {
        location: String,
        operation: &'static str,
    },
    /// The location or an argument cannot be used (a malformed PostgreSQL URL, …).
    #[error("{operation}: {reason}")]
    Invalid {
        operation: &'static str,
        reason: String,
    },
}

impl StoreError {
    /// Which of the server's answers this error calls for.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Unavailable { .. } | StoreError::NotMigrated { .. } => {
                ErrorKind::Unavailable
            }
            StoreError::Conflict { .. } => ErrorKind::Conflict,
            StoreError::NotFound { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Internal,
        }
    }
}
