//! The data directory: one embedded SQLite database holding what users import (watchlists,
//! annual legitimate requirements, pre-export notifications) and what screening records.
//!
//! Invariants:
//! - The schema version is SQLite's `user_version`. Migrations run in order, each in its own
//!   transaction, so a crash mid-migration leaves the previous version intact.
//! - A database written by a newer Interdict is refused with a clear message, never "upgraded down".
//! - The database runs in WAL mode, so readers (a screening run) are not blocked by a writer (an import).
//! - Every import goes through [`Store::write`], one transaction: an interrupted import leaves the
//!   previous state as it was.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction};

pub use rusqlite;

/// The database file inside the data directory.
pub const DB_FILE: &str = "interdict.sqlite3";

/// Ordered migrations; the schema version after applying migration `i` is `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: bookkeeping of imported snapshots.
    "CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,            -- 'watchlist', 'alr', 'pens', ...
        name TEXT NOT NULL,            -- e.g. list name 'us-ofac-sdn'
        source TEXT NOT NULL,          -- the path or URL it came from
        format TEXT NOT NULL,
        checksum TEXT NOT NULL,        -- sha256 of the imported bytes
        record_count INTEGER NOT NULL,
        imported_at TEXT NOT NULL,     -- RFC 3339, UTC
        active INTEGER NOT NULL DEFAULT 1
     );
     CREATE INDEX imports_kind_name ON imports(kind, name, active);",
];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this build of interdict understands \
         ({supported}); use a newer interdict or another --data-dir"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("migration to schema version {version} failed on {path}: {source}")]
    Migration {
        path: PathBuf,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
}

/// An open data directory.
pub struct Store {
    path: PathBuf,
    conn: Connection,
}

impl Store {
    /// Opens (creating on first use) the database in `dir` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let sql = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        let mut store = Store { path, conn };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version stored in the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|source| StoreError::Sqlite {
                path: self.path.clone(),
                source,
            })
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let version = i as i64 + 1;
            let fail = |source| StoreError::Migration {
                path: self.path.clone(),
                version,
                source,
            };
            let tx = self.conn.transaction().map_err(fail)?;
            tx.execute_batch(migration).map_err(fail)?;
            tx.pragma_update(None, "user_version", version)
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
            tracing::info!(version, path = %self.path.display(), "migrated data directory");
        }
        Ok(())
    }

    /// Runs `work` in one transaction: committed if it returns `Ok`, rolled back otherwise (or if
    /// the process dies part-way), so readers see either the old state or the new one.
    pub fn write<T, E>(
        &mut self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = self.path.clone();
        let sql = move |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(|e| E::from(sql(e)))?;
        let value = work(&tx)?;
        tx.commit().map_err(|e| E::from(sql(e)))?;
        Ok(value)
    }

    /// Read access.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let again = Store::open(dir.path()).unwrap();
        assert_eq!(again.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_database_from_a_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(store);
        let err = Store::open(dir.path()).err().unwrap();
        assert!(matches!(err, StoreError::TooNew { .. }));
        assert!(err.to_string().contains("newer than this build"), "{err}");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let insert =
            "INSERT INTO imports (kind, name, source, format, checksum, record_count, imported_at)
                      VALUES ('watchlist', 'x', 'f', 'csv', 'abc', 1, '2026-01-01T00:00:00Z')";
        store
            .write(|tx| {
                tx.execute(insert, []).map_err(|e| StoreError::Sqlite {
                    path: "t".into(),
                    source: e,
                })
            })
            .unwrap();
        let result: Result<(), StoreError> = store.write(|tx| {
            tx.execute(insert, []).unwrap();
            Err(StoreError::Sqlite {
                path: "t".into(),
                source: rusqlite::Error::InvalidQuery,
            })
        });
        assert!(result.is_err());
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
