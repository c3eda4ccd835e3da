//! [`Tx`]: one transaction, on either backend, with typed methods only (in `snapshots.rs`,
//! `identity.rs`, `meta.rs`). The statement helpers here are the only code that runs SQL.

use postgres::IsolationLevel;
use rusqlite::TransactionBehavior;

use crate::pool::{Conn, StatementCache};
use crate::sql::{
    is_retryable_postgres, postgres_error, postgres_row, sqlite_error_at, sqlite_placeholders,
    sqlite_row, Row, Sql, Value,
};
use crate::{Backend, Scope, StoreError};

/// One open transaction. Obtained only through [`crate::Database::write`] or
/// [`crate::Database::read`], which commit or roll it back; its methods are the store's typed
/// operations, so no driver type and no SQL reach the caller.
///
/// A statement that fails dooms the transaction on both backends (PostgreSQL aborts it anyway;
/// SQLite is held to the same rule), so a caller that ignores an error cannot commit half a change.
pub struct Tx<'c> {
    inner: TxInner<'c>,
    backend: Backend,
    writable: bool,
    location: &'c str,
    /// A statement failed: the transaction must not commit.
    pub(crate) failed: bool,
    /// A statement failed because a concurrent transaction won a race (serialization failure,
    /// deadlock): running the whole transaction again may succeed.
    pub(crate) lost_race: bool,
    /// A statement failed because the database is out of reach or cannot be written (disk
    /// full, read-only, connection lost): the connection is closed rather than pooled again,
    /// so that the next transaction opens a fresh one and sees the database as it is then.
    pub(crate) unavailable: bool,
    /// The caller on whose behalf this transaction runs (`None`: the platform itself).
    pub(crate) scope: Option<Scope>,
    /// The sequence number this transaction's next audit entry takes, once it has appended one.
    pub(crate) next_audit_seq: Option<i64>,
}

enum TxInner<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres {
        tx: postgres::Transaction<'c>,
        statements: &'c mut StatementCache,
    },
}

impl<'c> Tx<'c> {
    /// Writes: SQLite `BEGIN IMMEDIATE` (the write lock is taken first, so the transaction can
    /// never fail half-way on a lock upgrade); PostgreSQL `SERIALIZABLE` (see
    /// [`crate::Database::write`]). Reads: SQLite's deferred transaction (one WAL snapshot);
    /// PostgreSQL `REPEATABLE READ READ ONLY` — one consistent snapshot, and a read-only
    /// transaction at that level is never aborted for serialization.
    ///
    /// A PostgreSQL write transaction first locks the write lane (migration 5) exclusively,
    /// before its snapshot is taken (see `Database::write`).
    pub(crate) fn begin(
        conn: &'c mut Conn,
        writable: bool,
        scope: Option<&Scope>,
        location: &'c str,
    ) -> Result<Tx<'c>, StoreError> {
        let operation = if writable {
            "begin a write transaction"
        } else {
            "begin a read transaction"
        };
        let (inner, backend) = match conn {
            Conn::Sqlite(conn) => {
                let behavior = if writable {
                    TransactionBehavior::Immediate
                } else {
                    TransactionBehavior::Deferred
                };
                let tx = conn
                    .transaction_with_behavior(behavior)
                    .map_err(|e| sqlite_error_at(e, operation, location))?;
                (TxInner::Sqlite(tx), Backend::Sqlite)
            }
            Conn::Postgres { client, statements } => {
                let builder = client.build_transaction();
                let builder = if writable {
                    builder.isolation_level(IsolationLevel::Serializable)
                } else {
                    builder
                        .isolation_level(IsolationLevel::RepeatableRead)
                        .read_only(true)
                };
                let mut tx = builder
                    .start()
                    .map_err(|e| postgres_error(&e, operation, location))?;
                if writable {
                    let lane = "LOCK TABLE write_lane IN EXCLUSIVE MODE";
                    tx.batch_execute(lane)
                        .map_err(|e| postgres_error(&e, "enter the write lane", location))?;
                }
                if let Some(scope) = scope {
                    // Row-level security (migration 6): the rest of the transaction runs as
                    // the application role, with the caller's scope in its settings.
                    let operation = "take the caller's scope";
                    tx.batch_execute("SET LOCAL ROLE interdict_app")
                        .map_err(|e| postgres_error(&e, operation, location))?;
                    let country = scope.country.as_ref().map_or("", |c| c.as_str());
                    let secretariat = if scope.secretariat { "true" } else { "false" };
                    let competent = if scope.competent_authority {
                        "true"
                    } else {
                        "false"
                    };
                    tx.execute(
                        "SELECT set_config('interdict.organisation', $1, true), \
                         set_config('interdict.country', $2, true), \
                         set_config('interdict.secretariat', $3, true), \
                         set_config('interdict.competent', $4, true)",
                        &[&scope.organisation_id, &country, &secretariat, &competent],
                    )
                    .map_err(|e| postgres_error(&e, operation, location))?;
                }
                (TxInner::Postgres { tx, statements }, Backend::Postgres)
            }
        };
        Ok(Tx {
            inner,
            backend,
            writable,
            location,
            failed: false,
            lost_race: false,
            unavailable: false,
            scope: scope.cloned(),
            next_audit_seq: None,
        })
    }

    /// Commits; on failure says whether the transaction lost a race.
    pub(crate) fn commit(self) -> Result<(), (StoreError, bool)> {
        let location = self.location;
        match self.inner {
            TxInner::Sqlite(tx) => tx
                .commit()
                .map_err(|e| (sqlite_error_at(e, "commit", location), false)),
            TxInner::Postgres { tx, .. } => tx.commit().map_err(|e| {
                let lost = is_retryable_postgres(&e);
                (postgres_error(&e, "commit", location), lost)
            }),
        }
    }

    /// Rolls back; `false` if even that failed (the connection should then be closed).
    pub(crate) fn rollback(self) -> bool {
        match self.inner {
            TxInner::Sqlite(tx) => tx.rollback().is_ok(),
            TxInner::Postgres { tx, .. } => tx.rollback().is_ok(),
        }
    }

    /// The database engine behind this transaction.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether this is a write transaction (from [`crate::Database::write`]).
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// Every typed method that changes data calls this first.
    pub(crate) fn require_writable(&self, operation: &'static str) -> Result<(), StoreError> {
        if self.writable {
            Ok(())
        } else {
            Err(StoreError::ReadOnly {
                location: self.location.to_string(),
                operation,
            })
        }
    }

    /// The text of `sql` for this transaction's dialect.
    pub(crate) fn dialect(&self, sql: Sql) -> &'static str {
        sql.text(self.backend)
    }

    fn note(&mut self, error: StoreError, lost_race: bool) -> StoreError {
        self.failed = true;
        self.lost_race |= lost_race;
        self.unavailable |= matches!(error, StoreError::Unavailable { .. });
        error
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub(crate) fn execute(
        &mut self,
        operation: &'static str,
        sql: &str,
        params: &[Value<'_>],
    ) -> Result<u64, StoreError> {
        let location = self.location;
        let outcome = match &mut self.inner {
            TxInner::Sqlite(tx) => tx
                .prepare_cached(&sqlite_placeholders(sql))
                .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(params.iter())))
                .map(|n| n as u64)
                .map_err(|e| (sqlite_error_at(e, operation, location), false)),
            TxInner::Postgres { tx, statements } => {
                let refs: Vec<_> = params.iter().map(Value::as_postgres).collect();
                prepare_postgres(tx, statements, sql)
                    .and_then(|stmt| tx.execute(&stmt, &refs))
                    .map_err(|e| {
                        (
                            postgres_error(&e, operation, location),
                            is_retryable_postgres(&e),
                        )
                    })
            }
        };
        outcome.map_err(|(e, lost)| self.note(e, lost))
    }

    /// Runs a statement and returns every row.
    pub(crate) fn query(
        &mut self,
        operation: &'static str,
        sql: &str,
        params: &[Value<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        let location = self.location;
        let outcome = match &mut self.inner {
            TxInner::Sqlite(tx) => {
                query_sqlite(tx, operation, sql, params, location).map_err(|e| (e, false))
            }
            TxInner::Postgres { tx, statements } => {
                let refs: Vec<_> = params.iter().map(Value::as_postgres).collect();
                match prepare_postgres(tx, statements, sql).and_then(|stmt| tx.query(&stmt, &refs))
                {
                    Ok(rows) => rows
                        .iter()
                        .map(|r| postgres_row(r, operation))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| (e, false)),
                    Err(e) => Err((
                        postgres_error(&e, operation, location),
                        is_retryable_postgres(&e),
                    )),
                }
            }
        };
        outcome.map_err(|(e, lost)| self.note(e, lost))
    }

    /// Runs a statement and returns its first row, if any.
    pub(crate) fn query_opt(
        &mut self,
        operation: &'static str,
        sql: &str,
        params: &[Value<'_>],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(operation, sql, params)?.into_iter().next())
    }
}

fn query_sqlite(
    tx: &rusqlite::Transaction<'_>,
    operation: &'static str,
    sql: &str,
    params: &[Value<'_>],
    location: &str,
) -> Result<Vec<Row>, StoreError> {
    let fail = |e| sqlite_error_at(e, operation, location);
    let mut stmt = tx.prepare_cached(&sqlite_placeholders(sql)).map_err(fail)?;
    let columns = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(fail)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(fail)? {
        out.push(sqlite_row(row, columns, Backend::Sqlite, operation)?);
    }
    Ok(out)
}

/// The connection's prepared statement for `sql`, prepared once: a statement then costs one
/// round trip instead of two.
fn prepare_postgres(
    tx: &mut postgres::Transaction<'_>,
    statements: &mut StatementCache,
    sql: &str,
) -> Result<postgres::Statement, postgres::Error> {
    if let Some(stmt) = statements.get(sql) {
        return Ok(stmt);
    }
    let stmt = tx.prepare(sql)?;
    statements.put(sql, stmt.clone());
    Ok(stmt)
}
