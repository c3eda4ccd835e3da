//! Versioned migrations, one file per version and backend (`migrations/<backend>/NNNN_name.sql`).
//! The two lists describe the same logical schema at every version, so a version number means
//! the same tables on SQLite and PostgreSQL.
//!
//! The version table `schema_migrations` (version, name, applied_at in Unix seconds) is the
//! runner's own and sits outside the numbered migrations. On SQLite the version is also kept in
//! `PRAGMA user_version`: data directories written before the table existed (versions 1–3) are
//! adopted from it, and an older build, which reads only `user_version`, refuses a newer
//! database instead of writing to it.

use crate::pool::Conn;
use crate::sql::{postgres_error, sqlite_error_at};
use crate::{Backend, StoreError};

pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) name: &'static str,
    pub(crate) sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal $name:literal $file:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", $file)),
        }),*]
    };
}

pub(crate) const SQLITE: &[Migration] = migrations!("sqlite":
    1 "imports" "0001_imports.sql",
    2 "snapshot_records" "0002_snapshot_records.sql",
    3 "alr_ledger" "0003_alr_ledger.sql",
    4 "identity" "0004_identity.sql",
    5 "write_lane" "0005_write_lane.sql",
    6 "incidents_audit" "0006_incidents_audit.sql",
    7 "pens_labels" "0007_pens_labels.sql",
    8 "subscriptions" "0008_subscriptions.sql",
    9 "ledger_entry_key" "0009_ledger_entry_key.sql",
    10 "search_indexes" "0010_search_indexes.sql",
    11 "substance_candidates" "0011_substance_candidates.sql",
    12 "filter_candidates" "0012_filter_candidates.sql",
);

pub(crate) const POSTGRES: &[Migration] = migrations!("postgres":
    1 "imports" "0001_imports.sql",
    2 "snapshot_records" "0002_snapshot_records.sql",
    3 "alr_ledger" "0003_alr_ledger.sql",
    4 "identity" "0004_identity.sql",
    5 "write_lane" "0005_write_lane.sql",
    6 "incidents_audit" "0006_incidents_audit.sql",
    7 "pens_labels" "0007_pens_labels.sql",
    8 "subscriptions" "0008_subscriptions.sql",
    9 "ledger_entry_key" "0009_ledger_entry_key.sql",
    10 "search_indexes" "0010_search_indexes.sql",
    11 "substance_candidates" "0011_substance_candidates.sql",
    12 "filter_candidates" "0012_filter_candidates.sql",
);

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = SQLITE.len() as i64;

/// The versions a database at [`SCHEMA_VERSION`] has recorded, in order.
pub fn migration_versions() -> Vec<i64> {
    SQLITE.iter().map(|m| m.version).collect()
}

const _: () = assert!(
    SQLITE.len() == POSTGRES.len(),
    "both backends move to the same versions"
);

/// Serialises migrations of concurrent servers on one PostgreSQL database
/// (`pg_advisory_xact_lock`; the number is "interdict" in ASCII, arbitrary but fixed).
const POSTGRES_MIGRATION_LOCK: i64 = 0x696e_7465_7264_6963;

const VERSION_TABLE_SQLITE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
const VERSION_TABLE_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// What [`crate::Database::migrate`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Migrated {
    /// The schema version found.
    pub from: i64,
    /// The schema version now (this build's [`SCHEMA_VERSION`]).
    pub to: i64,
}

fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The schema version of the database, without changing anything (0 for an empty database).
pub(crate) fn current_version(conn: &mut Conn, location: &str) -> Result<i64, StoreError> {
    let operation = "read the schema version";
    match conn {
        Conn::Sqlite(conn) => {
            sqlite_version(conn).map_err(|e| sqlite_error_at(e, operation, location))
        }
        Conn::Postgres { client, .. } => {
            let fail = |e: postgres::Error| postgres_error(&e, operation, location);
            let exists: bool = client
                .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
                .and_then(|row| row.try_get(0))
                .map_err(fail)?;
            if !exists {
                return Ok(0);
            }
            client
                .query_one(
                    "SELECT COALESCE(max(version), 0) FROM schema_migrations",
                    &[],
                )
                .and_then(|row| row.try_get(0))
                .map_err(fail)
        }
    }
}

/// The larger of `user_version` and the version table's highest entry.
fn sqlite_version(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    let user_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |r| r.get(0),
    )?;
    let recorded: i64 = if has_table {
        conn.query_row(
            "SELECT COALESCE(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?
    } else {
        0
    };
    Ok(user_version.max(recorded))
}

/// Refuses a database newer than this build; `Ok(found)` otherwise.
pub(crate) fn check_not_newer(found: i64, location: &str) -> Result<i64, StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            location: location.to_string(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Brings the schema to [`SCHEMA_VERSION`], one migration per transaction, re-reading the
/// version inside each transaction under the database's write lock (SQLite) or an advisory lock
/// (PostgreSQL), so two processes migrating at once apply each migration exactly once.
pub(crate) fn migrate(
    conn: &mut Conn,
    backend: Backend,
    location: &str,
) -> Result<Migrated, StoreError> {
    let from = check_not_newer(current_version(conn, location)?, location)?;
    let mut version = from;
    while version < SCHEMA_VERSION {
        version = match conn {
            Conn::Sqlite(conn) => sqlite_step(conn, location)?,
            Conn::Postgres { client, statements } => {
                // Statements prepared against the old schema could be stale afterwards.
                *statements = Default::default();
                postgres_step(client, location)?
            }
        };
    }
    if version != from {
        tracing::info!(%backend, location, from, to = version, "migrated the database");
    }
    Ok(Migrated { from, to: version })
}

fn failure(backend: Backend, location: &str, version: i64, reason: String) -> StoreError {
    let name = migrations(backend)
        .iter()
        .find(|m| m.version == version)
        .map_or("version table", |m| m.name);
    StoreError::Migration {
        backend,
        location: location.to_string(),
        version,
        name,
        reason,
    }
}

/// One SQLite transaction: adopt a pre-table version, apply the next migration, record it.
/// Returns the version reached.
fn sqlite_step(conn: &mut rusqlite::Connection, location: &str) -> Result<i64, StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| sqlite_error_at(e, "begin a migration", location))?;
    let current = check_not_newer(
        sqlite_version(&tx).map_err(|e| sqlite_error_at(e, "read the schema version", location))?,
        location,
    )?;
    let Some(next) = SQLITE.iter().find(|m| m.version == current + 1) else {
        return Ok(current);
    };
    let fail = |e: rusqlite::Error| failure(Backend::Sqlite, location, next.version, e.to_string());
    let now = unix_now();
    tx.execute_batch(VERSION_TABLE_SQLITE).map_err(fail)?;
    // Versions applied before the table existed (recorded only in user_version).
    for earlier in SQLITE.iter().filter(|m| m.version <= current) {
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (version) DO NOTHING",
            rusqlite::params![earlier.version, earlier.name, now],
        )
        .map_err(fail)?;
    }
    tx.execute_batch(next.sql).map_err(fail)?;
    tx.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![next.version, next.name, now],
    )
    .map_err(fail)?;
    tx.pragma_update(None, "user_version", next.version)
        .map_err(fail)?;
    tx.commit().map_err(fail)?;
    Ok(next.version)
}

/// One PostgreSQL transaction under the migration lock. Returns the version reached.
fn postgres_step(client: &mut postgres::Client, location: &str) -> Result<i64, StoreError> {
    let mut tx = client
        .transaction()
        .map_err(|e| postgres_error(&e, "begin a migration", location))?;
    let table =
        |e: postgres::Error| failure(Backend::Postgres, location, 0, safe_postgres_reason(&e));
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&POSTGRES_MIGRATION_LOCK],
    )
    .map_err(table)?;
    tx.batch_execute(VERSION_TABLE_POSTGRES).map_err(table)?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(max(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(table)?;
    let current = check_not_newer(current, location)?;
    let Some(next) = POSTGRES.iter().find(|m| m.version == current + 1) else {
        tx.commit().map_err(table)?;
        return Ok(current);
    };
    let fail = |e: postgres::Error| {
        failure(
            Backend::Postgres,
            location,
            next.version,
            safe_postgres_reason(&e),
        )
    };
    tx.batch_execute(next.sql).map_err(fail)?;
    tx.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        &[&next.version, &next.name, &unix_now()],
    )
    .map_err(fail)?;
    tx.commit().map_err(fail)?;
    Ok(next.version)
}

/// The reason of a PostgreSQL error in the words [`postgres_error`] allows.
fn safe_postgres_reason(e: &postgres::Error) -> String {
    match postgres_error(e, "migrate", "") {
        StoreError::Database { reason, .. } | StoreError::Unavailable { reason, .. } => reason,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `migrations/` is in the lists, numbered in order from 1, with the same
    /// names on both backends.
    #[test]
    fn the_lists_match_the_migration_files() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dir);
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            let listed: Vec<String> = list
                .iter()
                .map(|m| format!("{:04}_{}.sql", m.version, m.name))
                .collect();
            assert_eq!(files, listed, "{dir}");
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1);
                assert_eq!(m.name, SQLITE[i].name);
            }
        }
    }
}
