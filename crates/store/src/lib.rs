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
    // 2: the records of each snapshot (watchlist entities, ALR rows …), one JSON document each.
    "CREATE TABLE snapshot_records (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        record_id TEXT NOT NULL,
        body TEXT NOT NULL
     );
     CREATE INDEX snapshot_records_import ON snapshot_records(import_id);",
    // 3: imports recorded by screening runs, for annual-legitimate-requirement totals.
    "CREATE TABLE alr_ledger (
        declaration_id TEXT PRIMARY KEY,
        body TEXT NOT NULL,            -- the ledger entry as JSON
        recorded_at TEXT NOT NULL
     );",
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

/// A versioned import: which list, from where, when, with which checksum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub kind: String,
    pub name: String,
    pub source: String,
    pub format: String,
    pub checksum: String,
    pub record_count: i64,
    pub imported_at: String,
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
        let sql = sql_error(&path);
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
            .map_err(sql_error(&self.path))
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
        let sql = sql_error(&self.path);
        let tx = self.conn.transaction().map_err(|e| E::from(sql(e)))?;
        let value = work(&tx)?;
        tx.commit().map_err(|e| E::from(sql(e)))?;
        Ok(value)
    }

    /// Stores `records` (id, JSON body) as the new active snapshot of `meta.kind`/`meta.name`,
    /// replacing the previous one in the same transaction: readers see the old list or the new one,
    /// never a mix, and a failure leaves the old one in place.
    pub fn replace_snapshot(
        &mut self,
        meta: &Snapshot,
        records: &[(String, String)],
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        self.write(|tx| {
            let sql = sql_error(&path);
            let old: Vec<i64> = {
                let mut stmt = tx
                    .prepare("SELECT id FROM imports WHERE kind = ?1 AND name = ?2 AND active = 1")
                    .map_err(sql)?;
                let rows = stmt
                    .query_map([&meta.kind, &meta.name], |r| r.get(0))
                    .map_err(sql)?;
                rows.collect::<Result<_, _>>().map_err(sql)?
            };
            for id in &old {
                tx.execute("DELETE FROM snapshot_records WHERE import_id = ?1", [id]).map_err(sql)?;
                tx.execute("UPDATE imports SET active = 0 WHERE id = ?1", [id]).map_err(sql)?;
            }
            tx.execute(
                "INSERT INTO imports (kind, name, source, format, checksum, record_count, imported_at, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)",
                rusqlite::params![
                    meta.kind, meta.name, meta.source, meta.format, meta.checksum,
                    records.len() as i64, meta.imported_at
                ],
            )
            .map_err(sql)?;
            let import_id = tx.last_insert_rowid();
            let mut insert = tx
                .prepare("INSERT INTO snapshot_records (import_id, record_id, body) VALUES (?1, ?2, ?3)")
                .map_err(sql)?;
            for (id, body) in records {
                insert.execute(rusqlite::params![import_id, id, body]).map_err(sql)?;
            }
            Ok(import_id)
        })
    }

    /// The active snapshots of a kind, by name.
    pub fn snapshots(&self, kind: &str) -> Result<Vec<Snapshot>, StoreError> {
        let sql = sql_error(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, name, source, format, checksum, record_count, imported_at FROM imports
                 WHERE kind = ?1 AND active = 1 ORDER BY name",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([kind], |r| {
                Ok(Snapshot {
                    kind: r.get(0)?,
                    name: r.get(1)?,
                    source: r.get(2)?,
                    format: r.get(3)?,
                    checksum: r.get(4)?,
                    record_count: r.get(5)?,
                    imported_at: r.get(6)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// The record bodies of the active snapshots of a kind, grouped by snapshot name.
    pub fn snapshot_records(&self, kind: &str) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let sql = sql_error(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.name, r.body FROM snapshot_records r JOIN imports i ON i.id = r.import_id
                 WHERE i.kind = ?1 AND i.active = 1 ORDER BY i.name, r.rowid",
            )
            .map_err(sql)?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        let mut rows = stmt.query([kind]).map_err(sql)?;
        while let Some(row) = rows.next().map_err(sql)? {
            let name: String = row.get(0).map_err(sql)?;
            let body: String = row.get(1).map_err(sql)?;
            match out.last_mut() {
                Some((n, bodies)) if *n == name => bodies.push(body),
                _ => out.push((name, vec![body])),
            }
        }
        Ok(out)
    }

    /// Records screened imports (id, JSON body); an id recorded before is left as it was, so
    /// screening the same file twice does not count its imports twice.
    pub fn record_ledger(
        &mut self,
        entries: &[(String, String)],
        recorded_at: &str,
    ) -> Result<usize, StoreError> {
        let path = self.path.clone();
        self.write(|tx| {
            let sql = sql_error(&path);
            let mut stmt = tx
                .prepare("INSERT OR IGNORE INTO alr_ledger (declaration_id, body, recorded_at) VALUES (?1, ?2, ?3)")
                .map_err(sql)?;
            let mut n = 0;
            for (id, body) in entries {
                n += stmt.execute(rusqlite::params![id, body, recorded_at]).map_err(sql)?;
            }
            Ok(n)
        })
    }

    /// Every recorded import (JSON bodies), oldest first.
    pub fn ledger(&self) -> Result<Vec<String>, StoreError> {
        let sql = sql_error(&self.path);
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM alr_ledger ORDER BY rowid")
            .map_err(sql)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
        rows.collect::<Result<_, _>>().map_err(sql)
    }

    /// Read access.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Maps a SQLite error to one that names the database file.
fn sql_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
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
    fn snapshots_replace_each_other_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let meta = |checksum: &str| Snapshot {
            kind: "watchlist".into(),
            name: "x".into(),
            source: "f".into(),
            format: "csv".into(),
            checksum: checksum.into(),
            record_count: 0,
            imported_at: "2026-11-28T00:00:00Z".into(),
        };
        store
            .replace_snapshot(
                &meta("a"),
                &[("1".into(), "{}".into()), ("2".into(), "{}".into())],
            )
            .unwrap();
        store
            .replace_snapshot(&meta("b"), &[("3".into(), "{\"n\":3}".into())])
            .unwrap();
        let snaps = store.snapshots("watchlist").unwrap();
        assert_eq!(snaps.len(), 1);
        assert_eq!(
            (snaps[0].checksum.as_str(), snaps[0].record_count),
            ("b", 1)
        );
        assert_eq!(
            store.snapshot_records("watchlist").unwrap(),
            vec![("x".to_string(), vec!["{\"n\":3}".to_string()])]
        );
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
