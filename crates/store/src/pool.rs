//! A small blocking connection pool: at most `max_size` connections, opened on demand, handed to
//! one thread at a time, returned when the thread is done. A connection that broke, or whose
//! user panicked, is closed rather than handed out again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::OpenFlags;

use crate::sql::{postgres_error, sqlite_error_at};
use crate::{Backend, StoreError};

/// How long SQLite waits for another writer's lock before giving up (`Unavailable`).
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a thread waits for a pooled connection before giving up (`Unavailable`).
pub(crate) const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long opening a PostgreSQL connection may take, unless the URL says `connect_timeout`.
const POSTGRES_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Prepared statements kept per PostgreSQL connection; the store has a few dozen statements.
const STATEMENT_CACHE: usize = 128;

/// Connections per database. PostgreSQL: enough for a server's concurrent requests without
/// crowding the server's `max_connections` when several servers share it. SQLite: readers
/// proceed in parallel under WAL while writers queue for the one write lock.
pub(crate) fn default_pool_size(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 4,
        Backend::Postgres => 8,
    }
}

/// PostgreSQL's prepared statements of one connection, by text.
#[derive(Default)]
pub(crate) struct StatementCache(HashMap<String, postgres::Statement>);

impl StatementCache {
    pub(crate) fn get(&self, sql: &str) -> Option<postgres::Statement> {
        self.0.get(sql).cloned()
    }

    pub(crate) fn put(&mut self, sql: &str, statement: postgres::Statement) {
        if self.0.len() >= STATEMENT_CACHE {
            self.0.clear();
        }
        self.0.insert(sql.to_string(), statement);
    }
}

/// One open connection.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: Box<postgres::Client>,
        statements: StatementCache,
    },
}

impl Conn {
    fn usable(&self) -> bool {
        match self {
            Conn::Sqlite(_) => true,
            Conn::Postgres { client, .. } => !client.is_closed(),
        }
    }
}

/// How to open a new connection.
pub(crate) enum Connector {
    Sqlite { file: PathBuf, read_only: bool },
    Postgres { config: Box<postgres::Config> },
}

impl Connector {
    pub(crate) fn sqlite(file: PathBuf, read_only: bool) -> Connector {
        Connector::Sqlite { file, read_only }
    }

    /// Parses the URL; sets a connect timeout and `application_name` unless the URL sets them,
    /// and for a read-only database makes every transaction of the session read-only as well.
    pub(crate) fn postgres(url: &str, read_only: bool) -> Result<Connector, StoreError> {
        let mut config: postgres::Config =
            url.parse()
                .map_err(|e: postgres::Error| StoreError::Invalid {
                    operation: "open",
                    reason: format!("not a usable PostgreSQL URL: {e}"),
                })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(POSTGRES_CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("interdict");
        }
        if read_only {
            let options = match config.get_options() {
                Some(o) => format!("{o} -c default_transaction_read_only=on"),
                None => "-c default_transaction_read_only=on".to_string(),
            };
            config.options(&options);
        }
        Ok(Connector::Postgres {
            config: Box::new(config),
        })
    }

    fn connect(&self, location: &str) -> Result<Conn, StoreError> {
        match self {
            Connector::Sqlite { file, read_only } => {
                open_sqlite(file, *read_only, location).map(Conn::Sqlite)
            }
            Connector::Postgres { config } => {
                let mut client = config.connect(postgres::NoTls).map_err(|e| {
                    match postgres_error(&e, "connect", location) {
                        // Any failure to connect (refused, timed out, authentication) leaves the
                        // database out of reach: the server should say `unavailable`.
                        StoreError::Database {
                            backend, reason, ..
                        } => StoreError::Unavailable {
                            backend,
                            location: location.to_string(),
                            operation: "connect",
                            reason,
                        },
                        other => other,
                    }
                })?;
                // No JIT compilation: the platform's statements are short, and PostgreSQL
                // compiled searches whose estimated cost (row-level security, LIMIT) passed its
                // threshold, 15-100 ms each, longer than the query (bench/million.sh). A server
                // without JIT (before 11) refuses the setting; it then has nothing to turn off.
                if let Err(e) = client.batch_execute("SET jit = off") {
                    tracing::debug!(error = %e, "PostgreSQL: jit left as configured");
                }
                Ok(Conn::Postgres {
                    client: Box::new(client),
                    statements: StatementCache::default(),
                })
            }
        }
    }
}

/// Opens the SQLite file with the settings every connection needs: a busy timeout so writers
/// queue rather than fail, foreign keys enforced, WAL (set once, remembered by the file) so
/// readers never wait for a writer.
fn open_sqlite(
    file: &Path,
    read_only: bool,
    location: &str,
) -> Result<rusqlite::Connection, StoreError> {
    let fail = |e| sqlite_error_at(e, "open", location);
    if read_only {
        let conn = match open_sqlite_read_only(file) {
            Ok(conn) => conn,
            Err(first) => open_immutable(file)
                .ok_or_else(|| fail(first))?
                .map_err(fail)?,
        };
        conn.busy_timeout(SQLITE_BUSY_TIMEOUT).map_err(fail)?;
        // Belt and braces: even a bug in the store cannot write through this connection.
        conn.pragma_update(None, "query_only", "ON").map_err(fail)?;
        return Ok(conn);
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(file, flags).map_err(fail)?;
    conn.busy_timeout(SQLITE_BUSY_TIMEOUT).map_err(fail)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(fail)?;
    set_wal(&conn).map_err(fail)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(fail)?;
    // Reads through a memory map of the file instead of a read() per page into each
    // connection's small page cache: searches that check thousands of rows (a date range,
    // a rare word) at a million incidents took 2-3 times longer without it (bench/million.sh).
    conn.pragma_update_and_check(None, "mmap_size", SQLITE_MMAP_BYTES, |_| Ok(()))
        .map_err(fail)?;
    Ok(conn)
}

/// The most of the database file SQLite maps into memory (address space, not resident memory:
/// the pages are the file's, shared with the operating system's cache).
const SQLITE_MMAP_BYTES: i64 = 4 << 30;

/// Switches the file to WAL unless it is already. The switch needs the file to itself, and
/// SQLite answers "busy" at once, without its busy handler, when another connection (a second
/// process opening a new data directory) holds it: so wait here, up to the busy timeout.
fn set_wal(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + SQLITE_BUSY_TIMEOUT;
    loop {
        let result = conn
            .pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") {
                    Ok(())
                } else {
                    conn.pragma_update(None, "journal_mode", "WAL")
                }
            });
        match result {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// A read-only connection that has read the schema once: a WAL database fails only at its
/// first read when its `-shm` file cannot be created.
fn open_sqlite_read_only(file: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    Ok(conn)
}

/// A data directory that cannot be written (a read-only mount, an archive) holding a WAL
/// database without its `-wal` file: SQLite cannot create the `-shm` it reads through, and no
/// process can be writing (a writer would need to create `-wal` or a journal beside the file),
/// so the file is opened as immutable. `None` when that does not apply.
fn open_immutable(file: &Path) -> Option<rusqlite::Result<rusqlite::Connection>> {
    let mut wal = file.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        return None;
    }
    let path = file.to_str()?;
    let mut uri = String::from("file:");
    for c in path.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Some(
        rusqlite::Connection::open_with_flags(uri, flags).and_then(|conn| {
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            Ok(conn)
        }),
    )
}

/// Counts of the pool's connections, for `/metrics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// The most connections the pool opens.
    pub max_size: usize,
    /// Connections open now (`idle + in_use`).
    pub open: usize,
    /// Open connections waiting for work.
    pub idle: usize,
    /// Connections handed out to a transaction now.
    pub in_use: usize,
}

struct PoolState {
    idle: Vec<Conn>,
    open: usize,
}

pub(crate) struct Pool {
    connector: Connector,
    max_size: usize,
    location: String,
    backend: Backend,
    state: Mutex<PoolState>,
    returned: Condvar,
}

impl Pool {
    pub(crate) fn new(
        connector: Connector,
        max_size: usize,
        backend: Backend,
        location: String,
    ) -> Pool {
        Pool {
            connector,
            max_size: max_size.max(1),
            location,
            backend,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    /// The state is a list and a count, consistent after every statement: a thread that panicked
    /// while holding the lock cannot have left it half-changed, so poisoning is ignored.
    fn state(&self) -> MutexGuard<'_, PoolState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A connection: an idle one, a new one while below `max_size`, or the next one returned
    /// within [`CHECKOUT_TIMEOUT`].
    pub(crate) fn get(&self) -> Result<PooledConn<'_>, StoreError> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        let mut state = self.state();
        loop {
            while let Some(conn) = state.idle.pop() {
                if conn.usable() {
                    return Ok(PooledConn {
                        pool: self,
                        conn: Some(conn),
                    });
                }
                state.open -= 1;
            }
            if state.open < self.max_size {
                state.open += 1;
                drop(state);
                return match self.connector.connect(&self.location) {
                    Ok(conn) => Ok(PooledConn {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.state().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::Unavailable {
                    backend: self.backend,
                    location: self.location.clone(),
                    operation: "get a pooled connection",
                    reason: format!(
                        "all {} connections stayed in use for {} s",
                        self.max_size,
                        CHECKOUT_TIMEOUT.as_secs()
                    ),
                });
            }
            state = self
                .returned
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    pub(crate) fn stats(&self) -> PoolStats {
        let state = self.state();
        PoolStats {
            max_size: self.max_size,
            open: state.open,
            idle: state.idle.len(),
            in_use: state.open - state.idle.len(),
        }
    }
}

/// A connection lent by the pool; returned (or closed, if broken) when dropped.
pub(crate) struct PooledConn<'p> {
    pool: &'p Pool,
    conn: Option<Conn>,
}

impl PooledConn<'_> {
    pub(crate) fn conn(&mut self) -> Option<&mut Conn> {
        self.conn.as_mut()
    }

    /// Closes the connection instead of returning it (its state is unknown after a failed
    /// rollback).
    pub(crate) fn discard(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.state().open -= 1;
            drop(conn);
            self.pool.returned.notify_one();
        }
    }
}

impl Drop for PooledConn<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let mut state = self.pool.state();
        if conn.usable() && !std::thread::panicking() {
            state.idle.push(conn);
        } else {
            state.open -= 1;
            drop(state);
            drop(conn);
        }
        self.pool.returned.notify_one();
    }
}
