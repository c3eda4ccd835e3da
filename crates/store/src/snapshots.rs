//! Imported snapshots (watchlists, ALRs, PENs) and the ALR ledger of screening runs. Records are
//! opaque JSON documents: the store knows no engine types.

use crate::sql::{Sql, Value};
use crate::{StoreError, Tx};

/// One recorded import as the ledger stores it: its key (unique: the application makes it
/// from the importing country, declaration id and substance), the declaration id (for
/// reading by id) and the entry as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    pub key: String,
    pub declaration_id: String,
    pub body: String,
}

/// A versioned import: which list, from where, when, with which checksum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub kind: String,
    pub name: String,
    pub source: String,
    pub format: String,
    pub checksum: String,
    /// Ignored by [`Tx::replace_snapshot`], which counts the records it stores.
    pub record_count: i64,
    /// RFC 3339, UTC, as the caller wrote it (kept for display, never compared).
    pub imported_at: String,
}

/// Rows per multi-row `INSERT`: few round trips on PostgreSQL, well under both backends' limit
/// on bound parameters (3 per row).
const ROWS_PER_INSERT: usize = 500;

/// `INSERT INTO {head} VALUES ($1,$2,$3),($4,$5,$6)… {tail}` for `rows` rows of `width` values.
fn multi_row_insert(head: &str, width: usize, rows: usize, tail: &str) -> String {
    let mut sql = format!("INSERT INTO {head} VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for col in 0..width {
            if col > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", row * width + col + 1));
        }
        sql.push(')');
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

impl Tx<'_> {
    /// Stores `records` (id, JSON body) as the new active snapshot of `meta.kind`/`meta.name`,
    /// retiring the previous one in the same transaction: readers see the old list or the new
    /// one, never a mix, and a failure leaves the old one in place. Returns the import's id.
    pub fn replace_snapshot(
        &mut self,
        meta: &Snapshot,
        records: &[(String, String)],
    ) -> Result<i64, StoreError> {
        let operation = "replace a snapshot (imports, snapshot_records)";
        self.require_writable(operation)?;
        let old = self.query(
            operation,
            "SELECT id FROM imports WHERE kind = $1 AND name = $2 AND active = $3",
            &[
                Value::Text(&meta.kind),
                Value::Text(&meta.name),
                Value::Bool(true),
            ],
        )?;
        for mut row in old {
            let id = row.int(0)?;
            self.execute(
                operation,
                "DELETE FROM snapshot_records WHERE import_id = $1",
                &[Value::Int(id)],
            )?;
            self.execute(
                operation,
                "UPDATE imports SET active = $2 WHERE id = $1",
                &[Value::Int(id), Value::Bool(false)],
            )?;
        }
        let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
        let mut inserted = self
            .query_opt(
                operation,
                "INSERT INTO imports (kind, name, source, format, checksum, record_count, imported_at, active)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    Value::Text(&meta.kind),
                    Value::Text(&meta.name),
                    Value::Text(&meta.source),
                    Value::Text(&meta.format),
                    Value::Text(&meta.checksum),
                    Value::Int(count),
                    Value::Text(&meta.imported_at),
                    Value::Bool(true),
                ],
            )?
            .ok_or_else(|| StoreError::Database {
                backend: self.backend(),
                operation,
                reason: "the insert returned no id".into(),
            })?;
        let import_id = inserted.int(0)?;
        for chunk in records.chunks(ROWS_PER_INSERT) {
            let sql = multi_row_insert(
                "snapshot_records (import_id, record_id, body)",
                3,
                chunk.len(),
                "",
            );
            let params: Vec<Value<'_>> = chunk
                .iter()
                .flat_map(|(id, body)| [Value::Int(import_id), Value::Text(id), Value::Text(body)])
                .collect();
            self.execute(operation, &sql, &params)?;
        }
        Ok(import_id)
    }

    /// The active snapshots of a kind, by name.
    pub fn snapshots(&mut self, kind: &str) -> Result<Vec<Snapshot>, StoreError> {
        let operation = "list snapshots (imports)";
        self.query(
            operation,
            "SELECT kind, name, source, format, checksum, record_count, imported_at FROM imports
             WHERE kind = $1 AND active = $2 ORDER BY name",
            &[Value::Text(kind), Value::Bool(true)],
        )?
        .into_iter()
        .map(|mut r| {
            Ok(Snapshot {
                kind: r.text(0)?,
                name: r.text(1)?,
                source: r.text(2)?,
                format: r.text(3)?,
                checksum: r.text(4)?,
                record_count: r.int(5)?,
                imported_at: r.text(6)?,
            })
        })
        .collect()
    }

    /// The record bodies of the active snapshots of a kind, grouped by snapshot name, each in
    /// import order.
    pub fn snapshot_records(
        &mut self,
        kind: &str,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let operation = "read snapshot records (snapshot_records)";
        let sql = self.dialect(Sql {
            sqlite:
                "SELECT i.name, r.body FROM snapshot_records r JOIN imports i ON i.id = r.import_id
                     WHERE i.kind = $1 AND i.active = $2 ORDER BY i.name, r.rowid",
            postgres:
                "SELECT i.name, r.body FROM snapshot_records r JOIN imports i ON i.id = r.import_id
                       WHERE i.kind = $1 AND i.active = $2 ORDER BY i.name, r.seq",
        });
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for mut row in self.query(operation, sql, &[Value::Text(kind), Value::Bool(true)])? {
            let name = row.text(0)?;
            let body = row.text(1)?;
            match out.last_mut() {
                Some((n, bodies)) if *n == name => bodies.push(body),
                _ => out.push((name, vec![body])),
            }
        }
        Ok(out)
    }

    /// Records screened imports; a key recorded before is left as it was, so screening the
    /// same file twice does not count its imports twice. Returns how many were new.
    pub fn record_ledger(
        &mut self,
        entries: &[LedgerRow],
        recorded_at: &str,
    ) -> Result<usize, StoreError> {
        let operation = "record imports (alr_ledger)";
        self.require_writable(operation)?;
        let mut added = 0;
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            let sql = multi_row_insert(
                "alr_ledger (entry_key, declaration_id, body, recorded_at)",
                4,
                chunk.len(),
                "ON CONFLICT (entry_key) DO NOTHING",
            );
            let params: Vec<Value<'_>> = chunk
                .iter()
                .flat_map(|row| {
                    [
                        Value::Text(&row.key),
                        Value::Text(&row.declaration_id),
                        Value::Text(&row.body),
                        Value::Text(recorded_at),
                    ]
                })
                .collect();
            added += self.execute(operation, &sql, &params)? as usize;
        }
        Ok(added)
    }

    /// Every recorded import (JSON bodies), oldest first.
    pub fn ledger(&mut self) -> Result<Vec<String>, StoreError> {
        let operation = "read the ledger (alr_ledger)";
        let sql = self.dialect(Sql {
            sqlite: "SELECT body FROM alr_ledger ORDER BY rowid",
            postgres: "SELECT body FROM alr_ledger ORDER BY seq",
        });
        self.query(operation, sql, &[])?
            .into_iter()
            .map(|mut r| r.text(0))
            .collect()
    }

    /// How many imports the ledger holds (part of the screening context's version), without
    /// reading them.
    pub fn ledger_len(&mut self) -> Result<i64, StoreError> {
        let sql = Sql {
            sqlite: "SELECT COUNT(*) FROM alr_ledger",
            postgres: "SELECT COUNT(*) FROM alr_ledger",
        };
        let sql = self.dialect(sql);
        match self
            .query("count the ledger (alr_ledger)", sql, &[])?
            .into_iter()
            .next()
        {
            Some(mut row) => row.int(0),
            None => Ok(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_inserts_number_every_value() {
        assert_eq!(
            multi_row_insert("t (a, b)", 2, 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING"
        );
    }
}
