//! The audit log's rows (migration 6): entries appended in the transaction of the change they
//! record, and signed checkpoints. What an entry says and how the tree is built is
//! `interdict-audit`'s; the store keeps the canonical JSON it is given, in order.

use crate::sql::Value;
use crate::tx::Tx;
use crate::StoreError;

/// A stored entry: its position, the resource it is about, the organisation owning that
/// resource (who may read the entry), and the entry's canonical JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub resource: String,
    pub owner_organisation: Option<String>,
    pub entry: String,
}

/// Entries per statement of [`Tx::append_audit_batch`]: 4 parameters each, within SQLite's
/// 32,766 and PostgreSQL's 65,535.
const AUDIT_BATCH: usize = 500;

impl Tx<'_> {
    /// Appends an entry in this transaction: `entry` gets the next sequence number (from 0)
    /// and returns the entry's canonical JSON. Two transactions appending at once are ordered
    /// by the database (SQLite's write lock; PostgreSQL's serializable isolation, one of them
    /// re-run).
    pub fn append_audit(
        &mut self,
        resource: &str,
        owner_organisation: Option<&str>,
        entry: impl FnOnce(i64) -> String,
    ) -> Result<i64, StoreError> {
        // One entry is a batch of one: the same statement, numbered the same way.
        let mut entry = Some(entry);
        let seqs = self.append_audit_batch(&[(resource, owner_organisation)], |_, seq| {
            entry.take().map_or_else(String::new, |make| make(seq))
        })?;
        Ok(seqs[0])
    }

    /// Appends one entry per `(resource, owner organisation)` of `targets`, in order, as
    /// [`Tx::append_audit`] would one after another (`entry` gets each one's index in
    /// `targets` and its sequence number), in a statement per [`AUDIT_BATCH`] entries: an
    /// audited search discloses up to a page of records, an entry each, and a round trip per
    /// entry held the write lane, which every writer queues for, fifty times per search.
    pub fn append_audit_batch(
        &mut self,
        targets: &[(&str, Option<&str>)],
        mut entry: impl FnMut(usize, i64) -> String,
    ) -> Result<Vec<i64>, StoreError> {
        let operation = "append to the audit log (audit_entries)";
        self.require_writable(operation)?;
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let first = self.next_audit_number(operation)?;
        let seqs: Vec<i64> = (first..).take(targets.len()).collect();
        let jsons: Vec<String> = seqs
            .iter()
            .enumerate()
            .map(|(i, &seq)| entry(i, seq))
            .collect();
        for start in (0..targets.len()).step_by(AUDIT_BATCH) {
            let end = (start + AUDIT_BATCH).min(targets.len());
            let mut sql = String::from(
                "INSERT INTO audit_entries (seq, resource, owner_organisation, entry) VALUES ",
            );
            let mut params = Vec::with_capacity(4 * (end - start));
            for i in start..end {
                let n = 4 * (i - start);
                if i > start {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
                let (resource, owner) = targets[i];
                params.extend([
                    Value::Int(seqs[i]),
                    Value::Text(resource),
                    Value::OptText(owner),
                    Value::Text(&jsons[i]),
                ]);
            }
            self.execute(operation, &sql, &params)?;
        }
        self.next_audit_seq = Some(first + targets.len() as i64);
        Ok(seqs)
    }

    /// The number the next entry gets. The transaction writes alone (the write lane; SQLite's
    /// write lock), so after its first entry the next number is known without asking again.
    fn next_audit_number(&mut self, operation: &'static str) -> Result<i64, StoreError> {
        Ok(match self.next_audit_seq {
            Some(seq) => seq,
            None => match self
                .query(
                    operation,
                    "SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries",
                    &[],
                )?
                .into_iter()
                .next()
            {
                Some(mut r) => r.int(0)?,
                None => 0,
            },
        })
    }

    /// How many entries the log holds.
    pub fn audit_len(&mut self) -> Result<i64, StoreError> {
        match self
            .query(
                "count the audit log (audit_entries)",
                "SELECT COUNT(*) FROM audit_entries",
                &[],
            )?
            .into_iter()
            .next()
        {
            Some(mut r) => r.int(0),
            None => Ok(0),
        }
    }

    /// Entries from `from_seq` on, in order, at most `limit`.
    pub fn audit_entries(
        &mut self,
        from_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.query(
            "read the audit log (audit_entries)",
            "SELECT seq, resource, owner_organisation, entry FROM audit_entries
             WHERE seq >= $1 ORDER BY seq LIMIT $2",
            &[Value::Int(from_seq), Value::Int(limit)],
        )?
        .into_iter()
        .map(row)
        .collect()
    }

    /// The entries about the records of one organisation (optionally one resource), in order,
    /// from `from_seq` on, at most `limit`.
    pub fn audit_entries_of(
        &mut self,
        owner_organisation: &str,
        resource: Option<&str>,
        from_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.query(
            "read the audit log (audit_entries)",
            "SELECT seq, resource, owner_organisation, entry FROM audit_entries
             WHERE owner_organisation = $1 AND ($2 = '' OR resource = $2) AND seq >= $3
             ORDER BY seq LIMIT $4",
            &[
                Value::Text(owner_organisation),
                Value::Text(resource.unwrap_or("")),
                Value::Int(from_seq),
                Value::Int(limit),
            ],
        )?
        .into_iter()
        .map(row)
        .collect()
    }

    /// Keeps a signed checkpoint (its JSON); one per tree size, the first kept.
    pub fn insert_checkpoint(&mut self, tree_size: i64, body: &str) -> Result<(), StoreError> {
        let operation = "keep an audit checkpoint (audit_checkpoints)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "INSERT INTO audit_checkpoints (tree_size, body) VALUES ($1, $2)
             ON CONFLICT (tree_size) DO NOTHING",
            &[Value::Int(tree_size), Value::Text(body)],
        )?;
        Ok(())
    }

    /// Every checkpoint kept, by tree size.
    pub fn checkpoints(&mut self) -> Result<Vec<(i64, String)>, StoreError> {
        self.query(
            "read the audit checkpoints (audit_checkpoints)",
            "SELECT tree_size, body FROM audit_checkpoints ORDER BY tree_size",
            &[],
        )?
        .into_iter()
        .map(|mut r| Ok((r.int(0)?, r.text(1)?)))
        .collect()
    }

    /// The checkpoint of this tree size, if one was kept.
    pub fn checkpoint(&mut self, tree_size: i64) -> Result<Option<String>, StoreError> {
        self.query(
            "read an audit checkpoint (audit_checkpoints)",
            "SELECT body FROM audit_checkpoints WHERE tree_size = $1",
            &[Value::Int(tree_size)],
        )?
        .into_iter()
        .next()
        .map(|mut r| r.text(0))
        .transpose()
    }
}

fn row(mut r: crate::sql::Row) -> Result<AuditRow, StoreError> {
    Ok(AuditRow {
        seq: r.int(0)?,
        resource: r.text(1)?,
        owner_organisation: r.opt_text(2)?,
        entry: r.text(3)?,
    })
}
