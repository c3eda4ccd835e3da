//! Interdict's storage: one interface over two databases — the embedded SQLite file of a data
//! directory (the CLI, a single server) and PostgreSQL (several servers sharing one database).
//! It holds what users import (watchlists, annual legitimate requirements, pre-export
//! notifications), what screening records (the ALR ledger) and the platform's identity
//! (organisations, users, tokens, sessions).
//!
//! ```no_run
//! # fn main() -> Result<(), interdict_store::StoreError> {
//! use interdict_store::Database;
//! let db = Database::open("postgres://postgres@127.0.0.1/interdict")?; // or a data directory
//! let org = db.write(|tx| tx.insert_organisation("Secretariat", None, interdict_domain::OrgKind::Secretariat))?;
//! let users = db.read(|tx| tx.users_of(&org.id))?;
//! # let _ = users; Ok(()) }
//! ```
//!
//! Invariants:
//! - **One transaction per change.** Data changes only inside [`Database::write`]: the closure
//!   runs in one transaction, committed when it returns `Ok`, rolled back when it returns `Err`
//!   or panics; readers see the state before or after, never between. A statement that fails
//!   dooms its transaction (on both backends), so an ignored error cannot commit half a change.
//! - **No lost update.** On PostgreSQL, write transactions are `SERIALIZABLE` and re-run when
//!   they lose a race; on SQLite writers take the write lock first (`BEGIN IMMEDIATE`) and queue.
//!   Two servers writing the same row at once both land, one after the other.
//! - **The schema only moves forward.** Versioned migrations (`migrations/<backend>/NNNN_*.sql`)
//!   run at open, each in its own transaction, so a crash mid-migration leaves the previous
//!   version intact; a database from a newer build is refused ([`StoreError::TooNew`]), never
//!   rewritten. Data directories of the first builds (versions 1–3, `user_version` only) are
//!   migrated forward.
//! - **No driver type escapes.** The public API is [`Database`], [`Tx`] and its typed methods,
//!   plain records ([`Snapshot`], [`TokenInfo`], the domain's `Organisation`, `User`, `Actor`)
//!   and [`StoreError`]; neither rusqlite nor postgres appears in it, so either can be replaced
//!   here alone. SQL is written once where the dialects agree and per dialect where they differ.
//! - **No secrets in errors.** Error texts name the backend, the location (URL without password),
//!   the operation and the table, never a password, a token hash or any bound value.
//! - **Times** the store compares (session expiry, login locks, token use) are whole seconds since
//!   the Unix epoch, UTC (`i64`), given by the caller; times it only keeps for display (an import's
//!   `imported_at`, the ledger's `recorded_at`) are RFC 3339 UTC text as the caller writes them.
//!
//! The database runs in WAL mode on SQLite, so readers (a screening run) are not blocked by a
//! writer (an import). The API is blocking; a server calls it from `spawn_blocking`.

mod audit;
mod backup;
mod error;
mod identity;
mod incidents;
mod location;
mod meta;
mod migrate;
mod pens;
mod pool;
mod snapshots;
mod sql;
mod subscriptions;
mod tx;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use audit::AuditRow;
pub use backup::{postgres_advice, restore, BackupReport};
pub use error::{Backend, ErrorKind, StoreError};
pub use identity::{LoginThrottle, TokenInfo};
pub use incidents::{AttachmentRow, IncidentFilter, IncidentRow};
pub use interdict_domain::sharing::Scope;
pub use location::{Location, DB_FILE};
pub use migrate::{migration_versions, Migrated, SCHEMA_VERSION};
pub use pens::{AuthorityKeyRow, PenFilter, PenRow};
pub use pool::PoolStats;
pub use snapshots::{LedgerRow, Snapshot};
pub use subscriptions::{DeliveryRow, SubscriptionRow};
pub use tx::Tx;

use pool::{Connector, Pool};

/// How a database is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Creates the data directory if needed and migrates the schema.
    ReadWrite,
    /// Changes nothing, not even the schema: SQLite opened read-only (works in a read-only
    /// directory), PostgreSQL sessions whose transactions are all read-only. [`Database::write`]
    /// is refused.
    ReadOnly,
}

/// How many times [`Database::write`] runs a transaction that keeps losing races on PostgreSQL.
/// Every write holds the write lane alone (see [`Database::write`]), so only a writer outside
/// Interdict (a migration, someone at `psql`) can beat it again; the bound is for that case,
/// with jittered exponential back-off from the third try. Beyond it the caller gets
/// [`StoreError::Unavailable`].
pub const WRITE_ATTEMPTS: u32 = 5;

/// An open database, shared by cloning (one pool of connections behind an `Arc`).
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    backend: Backend,
    /// For messages: the SQLite file, or the URL without its password.
    location: String,
    read_only: bool,
    /// Writers run one at a time (SQLite's write lock; PostgreSQL's write lane, taken
    /// exclusively): this process's writers queue here, before taking a pooled connection,
    /// so that writers waiting their turn do not hold the connections readers need (and on
    /// SQLite do not poll through the busy handler). Other processes still wait at the lock
    /// or the lane. Guards no data, so a panic while holding it leaves nothing to repair.
    writer: Mutex<()>,
    /// Transactions re-run after losing a race, since open (for metrics).
    retries: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.inner.backend)
            .field("location", &self.inner.location)
            .field("read_only", &self.inner.read_only)
            .finish()
    }
}

/// What one run of a transaction came to.
enum Attempt<T, E> {
    Done(T),
    /// Lost a race (serialization failure, deadlock): may be run again.
    LostRace(E),
    Failed(E),
}

impl Database {
    /// Opens a database for reading and writing, migrating it to [`SCHEMA_VERSION`]:
    /// `postgres://…` or `postgresql://…` is a PostgreSQL server, `sqlite:PATH` or any other
    /// text the path of a data directory (created on first use).
    pub fn open(location: &str) -> Result<Database, StoreError> {
        Database::open_at(Location::parse(location), Access::ReadWrite)
    }

    /// Opens a database for reading only; it must already be at [`SCHEMA_VERSION`].
    pub fn open_read_only(location: &str) -> Result<Database, StoreError> {
        Database::open_at(Location::parse(location), Access::ReadOnly)
    }

    /// Opens `location` (a [`Location`], a data directory `&Path`, or text as for [`Database::open`]).
    pub fn open_at(location: impl Into<Location>, access: Access) -> Result<Database, StoreError> {
        let location = location.into();
        let read_only = access == Access::ReadOnly;
        let backend = location.backend();
        let shown = location.to_string();
        let connector = match &location {
            Location::DataDir(dir) => {
                let file = dir.join(DB_FILE);
                if read_only {
                    if !file.exists() {
                        return Err(StoreError::NotMigrated {
                            location: shown,
                            found: 0,
                            supported: SCHEMA_VERSION,
                        });
                    }
                } else {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                        path: dir.clone(),
                        source,
                    })?;
                }
                Connector::sqlite(file, read_only)
            }
            Location::Postgres(url) => Connector::postgres(url, read_only)?,
        };
        let db = Database {
            inner: Arc::new(Inner {
                pool: Pool::new(connector, pool::default_pool_size(backend), backend, shown),
                backend,
                location: location.to_string(),
                read_only,
                writer: Mutex::new(()),
                retries: Default::default(),
            }),
        };
        if read_only {
            let found = db.schema_version()?;
            if found < SCHEMA_VERSION {
                return Err(StoreError::NotMigrated {
                    location: db.inner.location.clone(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
        } else {
            db.migrate()?;
        }
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The SQLite file or the PostgreSQL URL, without password: for messages.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    /// Brings the schema to [`SCHEMA_VERSION`] (done by every read-write open; `interdict
    /// migrate` calls it to say what it did). Safe to run from several processes at once.
    pub fn migrate(&self) -> Result<Migrated, StoreError> {
        if self.inner.read_only {
            return Err(StoreError::ReadOnly {
                location: self.inner.location.clone(),
                operation: "migrate",
            });
        }
        let _writer = self.writer();
        let mut pooled = self.inner.pool.get()?;
        let conn = pooled
            .conn()
            .ok_or_else(|| self.lost_connection("migrate"))?;
        migrate::migrate(conn, self.inner.backend, &self.inner.location)
    }

    /// The schema version stored in the database (0 when empty).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let mut pooled = self.inner.pool.get()?;
        let conn = pooled
            .conn()
            .ok_or_else(|| self.lost_connection("read the schema version"))?;
        migrate::check_not_newer(
            migrate::current_version(conn, &self.inner.location)?,
            &self.inner.location,
        )
    }

    /// Readiness (`/readyz`): the database answers and is at this build's schema version.
    pub fn ping(&self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        if found != SCHEMA_VERSION {
            return Err(StoreError::NotMigrated {
                location: self.inner.location.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// The connection pool's counts (`/metrics`).
    pub fn pool_stats(&self) -> PoolStats {
        self.inner.pool.stats()
    }

    /// How many write transactions were re-run after losing a race since this database was
    /// opened (`/metrics`: a rising rate means writers contend for the same rows).
    pub fn write_retries(&self) -> u64 {
        self.inner
            .retries
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn lost_connection(&self, operation: &'static str) -> StoreError {
        StoreError::Database {
            backend: self.inner.backend,
            operation,
            reason: "the pooled connection was already returned".into(),
        }
    }

    fn writer(&self) -> MutexGuard<'_, ()> {
        self.inner
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` in one write transaction: committed if it returns `Ok`, rolled back if it
    /// returns `Err` or panics (or the process dies part-way).
    ///
    /// On PostgreSQL the transaction is `SERIALIZABLE`: every set of concurrent transactions
    /// has the effect of some order of them one at a time, so what `work` reads stays true
    /// until it commits — a read-modify-write never loses an update, a check-then-insert never
    /// doubles up, with no locking in the callers. (`REPEATABLE READ` would stop lost updates of
    /// one row but not write skew across rows, e.g. two servers each seeing no secretariat and
    /// each creating one; `READ COMMITTED` stops neither.) The price is that a transaction
    /// which loses a race is aborted by the server; it is then rolled back and `work` runs
    /// again on a fresh snapshot, up to [`WRITE_ATTEMPTS`] times — which is why `work` is
    /// `FnMut` and must not have effects outside the transaction. So that a hot row cannot
    /// starve a writer, every write transaction first locks the *write lane* (migration 5)
    /// exclusively: it waits for the running writer, makes new ones queue behind it, takes its
    /// snapshot only then, and runs alone across every server sharing the database, so it
    /// cannot lose a race to them. Writers used to share the lane on a first try, but every
    /// change appends to the audit log in its transaction, and all of them read and extend its
    /// tail: concurrent writers all lost to the first and ran again alone, so under load
    /// (`bench/load.sh`, 64 connections) sharing cost a wasted try per write and a storm of
    /// re-runs; one at a time from the start is what they came to anyway. A re-run now only
    /// follows a race lost to a writer outside Interdict (a migration, someone at `psql`).
    /// Plain reads are never blocked. On SQLite, writers take the file's write lock at
    /// `BEGIN` and run one at a time, so nothing is re-run.
    ///
    /// Never call `write` from inside `work`: that would be a second, independent transaction,
    /// waiting for the first to finish (on SQLite forever).
    pub fn write<T, E>(&self, work: impl FnMut(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_scoped(None, work)
    }

    /// As [`Database::write`], on behalf of a caller: the shared records this transaction
    /// reads are those `scope` may see. On PostgreSQL it also runs as the `interdict_app` role
    /// under row-level security (migration 6) with the caller's scope in its settings, so a
    /// query that forgot the filter still cannot return another's rows.
    pub fn write_as<T, E>(
        &self,
        scope: &Scope,
        work: impl FnMut(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_scoped(Some(scope), work)
    }

    /// As [`Database::read`], on behalf of a caller (see [`Database::write_as`]).
    pub fn read_as<T, E>(
        &self,
        scope: &Scope,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.read_scoped(Some(scope), work)
    }

    fn write_scoped<T, E>(
        &self,
        scope: Option<&Scope>,
        mut work: impl FnMut(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        if self.inner.read_only {
            return Err(StoreError::ReadOnly {
                location: self.inner.location.clone(),
                operation: "write",
            }
            .into());
        }
        let mut attempt = 1;
        loop {
            let outcome = {
                let _writer = self.writer();
                self.attempt(true, scope, &mut work)?
            };
            match outcome {
                Attempt::Done(value) => return Ok(value),
                Attempt::LostRace(_) if attempt < WRITE_ATTEMPTS => {
                    self.inner
                        .retries
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tracing::debug!(attempt, location = %self.inner.location, "transaction lost a race; running it again");
                    // The first re-run needs no pause: it waits for the lane anyway. Losing
                    // again means a writer outside the lane; then spread out.
                    if attempt > 1 {
                        back_off(attempt - 1);
                    }
                    attempt += 1;
                }
                Attempt::LostRace(e) | Attempt::Failed(e) => return Err(e),
            }
        }
    }

    /// Runs `work` in one read-only transaction: one consistent snapshot of the database, never
    /// aborted for a concurrent writer and never blocking one. A typed method that changes data
    /// fails with [`StoreError::ReadOnly`].
    pub fn read<T, E>(&self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.read_scoped(None, work)
    }

    fn read_scoped<T, E>(
        &self,
        scope: Option<&Scope>,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut work = Some(work);
        let mut once = |tx: &mut Tx<'_>| match work.take() {
            Some(work) => work(tx),
            None => Err(E::from(StoreError::Database {
                backend: tx.backend(),
                operation: "read",
                reason: "a read transaction ran twice".into(),
            })),
        };
        match self.attempt(false, scope, &mut once)? {
            Attempt::Done(value) => Ok(value),
            Attempt::LostRace(e) | Attempt::Failed(e) => Err(e),
        }
    }

    /// One run of a transaction on a pooled connection. The outer `Err` is for failing to
    /// start one at all.
    fn attempt<T, E>(
        &self,
        writable: bool,
        scope: Option<&Scope>,
        work: &mut impl FnMut(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<Attempt<T, E>, E>
    where
        E: From<StoreError>,
    {
        let mut pooled = self.inner.pool.get()?;
        let conn = pooled.conn().ok_or_else(|| self.lost_connection("begin"))?;
        let (clean, unavailable, result) =
            match Tx::begin(conn, writable, scope, &self.inner.location) {
                // Out of reach or not writable: a fresh connection next time, not this one.
                Err(e) => {
                    let unavailable = matches!(e, StoreError::Unavailable { .. });
                    (true, unavailable, Err(E::from(e)))
                }
                Ok(mut tx) => {
                    let outcome = work(&mut tx);
                    let (failed, lost_race, unavailable) =
                        (tx.failed, tx.lost_race, tx.unavailable);
                    let rolled_back = |tx: Tx<'_>, e: E| {
                        let clean = tx.rollback();
                        (
                            clean,
                            if lost_race {
                                Attempt::LostRace(e)
                            } else {
                                Attempt::Failed(e)
                            },
                        )
                    };
                    let (clean, attempt) = match outcome {
                        Err(e) => rolled_back(tx, e),
                        Ok(_) if failed => {
                            // `work` swallowed a failed statement: committing would keep half of it.
                            let e = StoreError::Database {
                                backend: self.inner.backend,
                                operation: "commit",
                                reason:
                                    "a statement of the transaction failed, so it was rolled back"
                                        .into(),
                            };
                            rolled_back(tx, E::from(e))
                        }
                        Ok(value) => match tx.commit() {
                            Ok(()) => (true, Attempt::Done(value)),
                            Err((e, true)) => (true, Attempt::LostRace(E::from(e))),
                            Err((e @ StoreError::Unavailable { .. }, false)) => {
                                (false, Attempt::Failed(E::from(e)))
                            }
                            Err((e, false)) => (true, Attempt::Failed(E::from(e))),
                        },
                    };
                    (clean, unavailable, Ok(attempt))
                }
            };
        if !clean || unavailable {
            pooled.discard();
        }
        result
    }

    // ---- the CLI's operations, each one transaction (as `Store` had them) ----

    /// [`Tx::replace_snapshot`] in its own write transaction.
    pub fn replace_snapshot(
        &self,
        meta: &Snapshot,
        records: &[(String, String)],
    ) -> Result<i64, StoreError> {
        self.write(|tx| tx.replace_snapshot(meta, records))
    }

    /// [`Tx::snapshots`] in its own read transaction.
    pub fn snapshots(&self, kind: &str) -> Result<Vec<Snapshot>, StoreError> {
        self.read(|tx| tx.snapshots(kind))
    }

    /// [`Tx::snapshot_records`] in its own read transaction.
    pub fn snapshot_records(&self, kind: &str) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        self.read(|tx| tx.snapshot_records(kind))
    }

    /// [`Tx::record_ledger`] in its own write transaction.
    pub fn record_ledger(
        &self,
        entries: &[LedgerRow],
        recorded_at: &str,
    ) -> Result<usize, StoreError> {
        self.write(|tx| tx.record_ledger(entries, recorded_at))
    }

    /// [`Tx::ledger`] in its own read transaction.
    pub fn ledger(&self) -> Result<Vec<String>, StoreError> {
        self.read(|tx| tx.ledger())
    }

    pub fn ledger_len(&self) -> Result<i64, StoreError> {
        self.read(|tx| tx.ledger_len())
    }
}

/// Sleeps before re-running a transaction: exponential (2 ms doubling, at most 200 ms) with a
/// random half of it, so racing writers spread out rather than collide again in step.
fn back_off(attempt: u32) {
    let ceiling_ms = (2u64 << attempt.min(7)).min(200);
    let mut noise = [0u8; 2];
    let random = getrandom::fill(&mut noise).map_or(0, |()| u64::from(u16::from_le_bytes(noise)));
    let ms = ceiling_ms / 2 + random % (ceiling_ms / 2 + 1);
    std::thread::sleep(Duration::from_millis(ms));
}
