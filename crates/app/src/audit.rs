//! The audit log (`shared/spec/platform.md`, Audit): every change, and every read of a record
//! at TLP amber or red or of its personal data, appends an entry in the transaction of that
//! change or read; signed checkpoints over the RFC 9162 tree of the entries; proofs; and the
//! verification `interdict audit verify` runs.
//!
//! The platform's signing key lives outside the database (a shell reads its file and hands it
//! to [`App::set_audit_key`]); its public key is published in the database at `admin init` and
//! with every checkpoint, so a checkpoint can be checked by anyone, offline.

use interdict_audit::{
    record_hash, Checkpoint, ConsistencyProof, Entry, Hash, InclusionProof, PublicKey, SigningKey,
    Tree,
};
use interdict_domain::Actor;
use interdict_store::{Database, StoreError, Tx};
use serde_json::Value;

use crate::{App, AppError};

/// Where the platform's public key is published (platform_meta).
pub const PUBLIC_KEY_META: &str = "audit_public_key";

/// The resource name of an incident in the log.
pub fn incident_resource(id: &str) -> String {
    format!("incidents/{id}")
}

/// The resource name of an attachment in the log.
pub fn attachment_resource(id: &str) -> String {
    format!("attachments/{id}")
}

/// Appends one entry for `record` (its state after the change, or as read) in `tx`.
pub fn append(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &str,
    resource: &str,
    owner_organisation: Option<&str>,
    record: &Value,
    now: i64,
) -> Result<i64, StoreError> {
    let by = (actor.user.id.clone(), actor.organisation.id.clone());
    append_by(tx, by, action, resource, owner_organisation, record, now)
}

/// As [`append`] once per `(resource, owner organisation, record)` of `items`, in order, in as
/// few statements as the store takes (an audited read's page of disclosed records).
pub fn append_many(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &str,
    items: &[(&str, Option<&str>, &Value)],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let targets: Vec<(&str, Option<&str>)> = items.iter().map(|(r, o, _)| (*r, *o)).collect();
    let by = (actor.user.id.as_str(), actor.organisation.id.as_str());
    tx.append_audit_batch(&targets, |i, seq| {
        let (resource, _, record) = items[i];
        entry_json(seq, by, action, resource, record, now)
    })
}

/// An entry's canonical JSON: who (user and organisation ids), what, on which resource, and
/// the hash of the record's canonical JSON.
fn entry_json(
    seq: i64,
    (user, organisation): (&str, &str),
    action: &str,
    resource: &str,
    record: &Value,
    now: i64,
) -> String {
    Entry {
        seq: seq as u64,
        at: interdict_core::rfc3339(now),
        actor: interdict_audit::Actor {
            user: user.to_string(),
            organisation: organisation.to_string(),
        },
        action: action.to_string(),
        resource: resource.to_string(),
        record_hash: record_hash(record),
    }
    .canonical_json()
}

/// The entry itself, appended in the caller's transaction.
fn append_by(
    tx: &mut Tx<'_>,
    (user, organisation): (String, String),
    action: &str,
    resource: &str,
    owner_organisation: Option<&str>,
    record: &Value,
    now: i64,
) -> Result<i64, StoreError> {
    tx.append_audit(resource, owner_organisation, |seq| {
        entry_json(seq, (&user, &organisation), action, resource, record, now)
    })
}

/// The actor an entry names for a change the platform makes by itself (a notification's
/// deadline passing on its clock).
const PLATFORM_USER: &str = "platform-clock";

/// As [`append`], for a change the platform makes by itself at time `now`.
pub(crate) fn append_platform(
    tx: &mut Tx<'_>,
    action: &str,
    resource: &str,
    owner_organisation: Option<&str>,
    record: &Value,
    now: i64,
) -> Result<i64, StoreError> {
    let by = (PLATFORM_USER.to_string(), OPERATOR_ORGANISATION.to_string());
    append_by(tx, by, action, resource, owner_organisation, record, now)
}

/// The actor an entry names for a change made without a caller: an operator running
/// `interdict admin …` with the database in hand.
const OPERATOR_USER: &str = "operator";
const OPERATOR_ORGANISATION: &str = "platform";

/// The platform's clock for changes whose use case is not given a time (identity changes).
pub(crate) fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// As [`append`], for a change made by `actor` or, without one, by the operator.
pub(crate) fn append_change(
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    action: &str,
    resource: &str,
    owner_organisation: Option<&str>,
    record: &Value,
) -> Result<i64, StoreError> {
    let by = match actor {
        Some(a) => (a.user.id.clone(), a.organisation.id.clone()),
        None => (OPERATOR_USER.to_string(), OPERATOR_ORGANISATION.to_string()),
    };
    append_by(
        tx,
        by,
        action,
        resource,
        owner_organisation,
        record,
        system_now(),
    )
}

/// The JSON an entry about an organisation, user or token hashes (never a secret or its hash).
pub(crate) fn json_of<T: serde::Serialize>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

/// Publishes the platform's public key (at `admin init`); a key published before stays (a
/// second init is refused anyway).
pub fn publish_key(db: &Database, key: &PublicKey) -> Result<(), AppError> {
    db.write(|tx| {
        if tx.meta_get(PUBLIC_KEY_META)?.is_none() {
            tx.meta_set(PUBLIC_KEY_META, &key.to_hex())?;
        }
        Ok(())
    })
}

/// The public key published in the database.
pub fn published_key(db: &Database) -> Result<Option<PublicKey>, AppError> {
    let text = db.read(|tx| tx.meta_get(PUBLIC_KEY_META))?;
    text.map(|t| {
        PublicKey::from_hex(&t).map_err(|e| AppError::corrupt("the published audit key", e))
    })
    .transpose()
}

/// The stored entries, parsed, in order.
fn entries(db: &Database) -> Result<Vec<Entry>, AppError> {
    let mut out = Vec::new();
    let mut from = 0;
    loop {
        let page = db.read(|tx| tx.audit_entries(from, 10_000))?;
        if page.is_empty() {
            return Ok(out);
        }
        for row in &page {
            let entry: Entry = serde_json::from_str(&row.entry)
                .map_err(|e| AppError::corrupt(format!("audit entry at seq {}", row.seq), e))?;
            out.push(entry);
        }
        from = page.last().map_or(from, |r| r.seq + 1);
    }
}

impl App {
    /// The key checkpoints are signed with (from the shell, which keeps it out of the database).
    pub fn set_audit_key(&self, key: SigningKey) {
        let _ = self.audit_key.set(key);
    }

    /// Whether the platform key is loaded (checkpoints and labels can be signed).
    pub fn has_audit_key(&self) -> bool {
        self.audit_key.get().is_some()
    }

    /// The tree of the log as it is now, extended from what this process read before.
    fn audit_tree(&self) -> Result<std::sync::MutexGuard<'_, Tree>, AppError> {
        let mut tree = self
            .audit_tree
            .lock()
            .map_err(|_| AppError::Unavailable("audit tree poisoned".into()))?;
        loop {
            let from = tree.len() as i64;
            let page = self.db.read(|tx| tx.audit_entries(from, 10_000))?;
            if page.is_empty() {
                return Ok(tree);
            }
            for row in page {
                if row.seq != tree.len() as i64 {
                    return Err(AppError::corrupt(
                        "the audit log",
                        format!("entry {} found where {} was expected", row.seq, tree.len()),
                    ));
                }
                let entry: Entry = serde_json::from_str(&row.entry)
                    .map_err(|e| AppError::corrupt(format!("audit entry at seq {}", row.seq), e))?;
                tree.push(entry.leaf_hash());
            }
        }
    }

    /// A signed checkpoint of the log as it is now (kept in the database, so later checks can
    /// prove the log only grew).
    pub fn audit_checkpoint(&self, now: i64) -> Result<Checkpoint, AppError> {
        let key = self.audit_key.get().ok_or_else(|| {
            AppError::Unavailable(
                "the platform's audit key was not loaded, so no checkpoint can be signed".into(),
            )
        })?;
        let (size, root) = {
            let tree = self.audit_tree()?;
            (tree.len(), tree.root())
        };
        if let Some(stored) = self.db.read(|tx| tx.checkpoint(size as i64))? {
            let checkpoint: Checkpoint = serde_json::from_str(&stored)
                .map_err(|e| AppError::corrupt("a stored checkpoint", e))?;
            if checkpoint.root_hash == root && checkpoint.public_key == key.public_key() {
                return Ok(checkpoint);
            }
        }
        let checkpoint = interdict_audit::sign(size, root, &interdict_core::rfc3339(now), key);
        let body =
            serde_json::to_string(&checkpoint).map_err(|e| AppError::invalid("checkpoint", e))?;
        self.db
            .write(|tx| tx.insert_checkpoint(size as i64, &body))?;
        Ok(checkpoint)
    }

    /// RFC 9162 inclusion proof of entry `seq` in the tree of `tree_size` entries.
    pub fn audit_inclusion(&self, seq: u64, tree_size: u64) -> Result<InclusionProof, AppError> {
        let tree = self.audit_tree()?;
        tree.inclusion_proof(seq, tree_size)
            .map_err(|e| AppError::invalid("seq", e))
    }

    /// RFC 9162 consistency proof between the trees of `from` and `to` entries.
    pub fn audit_consistency(&self, from: u64, to: u64) -> Result<ConsistencyProof, AppError> {
        let tree = self.audit_tree()?;
        tree.consistency_proof(from, to)
            .map_err(|e| AppError::invalid("from", e))
    }
}

/// What `audit verify` found.
pub struct Verification {
    pub report: interdict_audit::Report,
    /// The key the checkpoints were checked against, and where it came from.
    pub key_source: &'static str,
}

/// Recomputes the tree from the stored entries, checks every stored checkpoint against
/// `trusted` (the key file's public key; the published one when none is given), and checks
/// that every incident and attachment still hashes to its last entry — its body together with
/// the columns that decide who reads it, and an attachment's content.
pub fn verify(db: &Database, trusted: Option<PublicKey>) -> Result<Verification, AppError> {
    let (key, key_source) = match trusted {
        Some(k) => (k, "the key file"),
        None => (
            published_key(db)?.ok_or_else(|| {
                AppError::Unavailable("no audit key is published in this database".into())
            })?,
            "the key published in the database",
        ),
    };
    let entries = entries(db)?;
    let checkpoints: Vec<Checkpoint> = db
        .read(|tx| tx.checkpoints())?
        .into_iter()
        .map(|(size, body)| {
            serde_json::from_str(&body)
                .map_err(|e| AppError::corrupt(format!("the checkpoint of tree size {size}"), e))
        })
        .collect::<Result<_, _>>()?;
    // A record's current content is its body and the columns beside it that decide who reads
    // it (and, for an attachment, the content served): a changed body no longer hashes to its
    // last entry, and neither does a row whose columns say something else than its body.
    let (incidents, attachments) = db.read(|tx| {
        let incidents = tx.incidents_unscoped()?;
        let mut attachments = Vec::new();
        for a in tx.attachments_unscoped()? {
            let stored = tx
                .attachment_content(&a.sha256)?
                .map(|c| Hash::sha256(&c).to_hex());
            attachments.push((a, stored));
        }
        Ok::<_, StoreError>((incidents, attachments))
    })?;
    let mut records: Vec<(String, Hash)> = Vec::new();
    for row in incidents {
        let resource = incident_resource(&row.id);
        let hash = current_hash(&resource, &row.body, |m| {
            crate::records::put_sharing(m, &row.sharing)
        })?;
        records.push((resource, hash));
    }
    for (row, content_sha256) in attachments {
        let resource = attachment_resource(&row.id);
        let hash = current_hash(&resource, &row.body, |m| {
            crate::records::put_attachment_columns(m, &row, content_sha256.as_deref())
        })?;
        records.push((resource, hash));
    }
    // A notification's columns say who sees it and where it stands; a label key's row is its
    // published form (a swapped public key would let forged labels verify).
    let (pens, keys) =
        db.read(|tx| Ok::<_, StoreError>((tx.pens_unscoped()?, tx.authority_keys()?)))?;
    for row in pens {
        let resource = crate::records::pen_resource(&row.id);
        let hash = current_hash(&resource, &row.body, |m| {
            crate::records::put_pen_columns(m, &row)
        })?;
        records.push((resource, hash));
    }
    for row in keys {
        let resource = crate::records::key_resource(&row.key_id);
        records.push((
            resource,
            record_hash(&json_of(&crate::records::published_key(&row))),
        ));
    }
    let report = interdict_audit::verify_log(entries.iter(), &checkpoints, records, &key);
    Ok(Verification { report, key_source })
}

/// The hash `audit verify` compares with a record's last entry: of its stored `body` when
/// `columns` (writing the row's columns into it) changes nothing; otherwise of body and
/// columns together, which matches no entry, so the record is named as changed.
fn current_hash(
    resource: &str,
    body: &str,
    columns: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> Result<Hash, AppError> {
    let stored: Value = serde_json::from_str(body)
        .map_err(|e| AppError::corrupt(format!("record {resource}"), e))?;
    let mut with_columns = stored.clone();
    if let Value::Object(m) = &mut with_columns {
        columns(m);
    }
    Ok(if with_columns == stored {
        record_hash(&stored)
    } else {
        record_hash(&serde_json::json!({"body": stored, "columns": with_columns}))
    })
}

/// The entries about `actor`'s organisation's records (optionally one resource), from `from`
/// on, at most `limit`; and where the next page starts.
pub fn entries_of(
    app: &App,
    actor: &Actor,
    resource: Option<&str>,
    from: i64,
    limit: usize,
) -> Result<(Vec<Value>, Option<i64>), AppError> {
    if actor.user.disabled {
        return Err(AppError::Forbidden("the user is disabled".into()));
    }
    let rows = app
        .db
        .read(|tx| tx.audit_entries_of(&actor.organisation.id, resource, from, limit as i64 + 1))?;
    let next = (rows.len() > limit).then(|| rows[limit].seq);
    let items = rows
        .iter()
        .take(limit)
        .map(|r| {
            serde_json::from_str(&r.entry)
                .map_err(|e| AppError::corrupt(format!("audit entry at seq {}", r.seq), e))
        })
        .collect::<Result<_, _>>()?;
    Ok((items, next))
}

/// Replaces a snapshot (a watchlist, the ALRs, the PENs) and audits the import, in one
/// transaction: who imported what, from where, with which checksum.
pub(crate) fn replace_snapshot_audited(
    db: &Database,
    actor: Option<&Actor>,
    snapshot: &interdict_store::Snapshot,
    records: &[(String, String)],
) -> Result<(), AppError> {
    let record = serde_json::json!({
        "kind": snapshot.kind,
        "name": snapshot.name,
        "source": snapshot.source,
        "format": snapshot.format,
        "checksum": snapshot.checksum,
        "record_count": snapshot.record_count,
        "imported_at": snapshot.imported_at,
    });
    db.write(|tx| {
        tx.replace_snapshot(snapshot, records)?;
        append_change(
            tx,
            actor,
            "import",
            &format!("lists/{}/{}", snapshot.kind, snapshot.name),
            None,
            &record,
        )?;
        Ok(())
    })
}
