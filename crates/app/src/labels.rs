//! The competent authorities' label keys and the labels they sign (`shared/spec/platform.md`,
//! Shipment labels).
//!
//! Each key's secret is derived from the platform's own key (the audit key, which never
//! enters the database) and a random salt stored beside the public key: the database holds
//! no signing secret, so a copy of it cannot forge a label. Every key change is audited.

use interdict_audit::SigningKey;
use interdict_domain::{Actor, OrgKind, Organisation, Role};
use interdict_label::{KeySet, Payload, Problem, PublishedKey, Verdict};
use interdict_store::{AuthorityKeyRow, Tx};
use serde_json::{json, Value};

use crate::{audit, App, AppError};

pub use crate::records::key_resource;
use crate::records::published_key as published;

fn key_json(row: &AuthorityKeyRow) -> Value {
    audit::json_of(&published(row))
}

fn platform_key(app: &App) -> Result<&SigningKey, AppError> {
    app.audit_key.get().ok_or_else(|| {
        AppError::Unavailable(
            "the platform key is not loaded (see `interdict admin init`), so label keys cannot \
             be made or used"
                .into(),
        )
    })
}

fn derive(platform: &SigningKey, organisation: &str, salt: &str) -> SigningKey {
    platform.derive(format!("label key\0{organisation}\0{salt}").as_bytes())
}

/// Makes a new key for `org` in `tx`, audited as `action` (`create`, `rotate`).
fn new_key(
    tx: &mut Tx<'_>,
    platform: &SigningKey,
    actor: Option<&Actor>,
    org: &Organisation,
    action: &str,
    now: i64,
) -> Result<AuthorityKeyRow, AppError> {
    let Some(country) = org.country else {
        return Err(AppError::invalid(
            "organisation",
            "an organisation without a country signs no labels",
        ));
    };
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Unavailable(format!("no randomness for a new key: {e}")))?;
    let salt = crate::lists::hex(&salt);
    let key = derive(platform, &org.id, &salt);
    let row = AuthorityKeyRow {
        key_id: key.key_id(),
        organisation: org.id.clone(),
        country,
        public_key: key.public_key().to_hex(),
        salt,
        valid_from: interdict_core::rfc3339(now),
        revoked_at: None,
        created_at: now,
    };
    tx.insert_authority_key(&row)?;
    audit::append_change(
        tx,
        actor,
        action,
        &key_resource(&row.key_id),
        Some(&org.id),
        &key_json(&row),
    )?;
    Ok(row)
}

/// Gives every competent authority without a usable key one (after `admin org add`, at
/// start-up): how keys are "created with the organisation" whichever shell added it.
/// Answers how many were made.
pub fn ensure_keys(app: &App, now: i64) -> Result<usize, AppError> {
    let platform = platform_key(app)?;
    app.db.write(|tx| {
        let keys = tx.authority_keys()?;
        let mut made = 0;
        for org in tx.organisations()? {
            if org.kind != OrgKind::CompetentAuthority || org.country.is_none() {
                continue;
            }
            let has = keys
                .iter()
                .any(|k| k.organisation == org.id && k.revoked_at.is_none());
            if !has {
                new_key(tx, platform, None, &org, "create", now)?;
                made += 1;
            }
        }
        Ok(made)
    })
}

/// Every published key (`GET /api/v1/keys`, `interdict keys export`): public keys only.
pub fn key_set(app: &App) -> Result<KeySet, AppError> {
    let rows = app.db.read(|tx| tx.authority_keys())?;
    Ok(KeySet {
        keys: rows.iter().map(published).collect(),
    })
}

/// Who may change `organisation`'s keys: its own admins, or a coalition administrator.
fn may_manage(actor: &Actor, organisation: &str) -> Result<(), AppError> {
    if actor.user.disabled {
        return Err(AppError::Forbidden("the user is disabled".into()));
    }
    if actor.role() != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "a {} may not change label keys; the organisation's admins may",
            actor.role()
        )));
    }
    if actor.organisation.id != organisation && !actor.is_coalition_admin() {
        return Err(AppError::Forbidden(
            "an admin changes only their own organisation's keys".into(),
        ));
    }
    Ok(())
}

/// A new signing key for the caller's organisation (a competent authority); earlier keys stay
/// valid for the labels they signed until revoked.
pub fn rotate(app: &App, actor: &Actor, now: i64) -> Result<PublishedKey, AppError> {
    may_manage(actor, &actor.organisation.id)?;
    if actor.organisation.kind != OrgKind::CompetentAuthority {
        return Err(AppError::Forbidden(
            "only competent authorities sign labels".into(),
        ));
    }
    let platform = platform_key(app)?;
    let row = app.db.write(|tx| {
        new_key(
            tx,
            platform,
            Some(actor),
            &actor.organisation,
            "rotate",
            now,
        )
    })?;
    Ok(published(&row))
}

/// Revokes a key: labels it signed no longer verify.
pub fn revoke(app: &App, actor: &Actor, key_id: &str, now: i64) -> Result<PublishedKey, AppError> {
    let at = interdict_core::rfc3339(now);
    app.db.write(|tx| {
        let Some(mut row) = tx
            .authority_keys()?
            .into_iter()
            .find(|k| k.key_id == key_id)
        else {
            return Err(AppError::NotFound(format!(
                "key {}",
                interdict_core::text::clip(key_id, 40)
            )));
        };
        may_manage(actor, &row.organisation)?;
        if !tx.revoke_authority_key(key_id, &at)? {
            return Err(AppError::Conflict(format!(
                "key {key_id} was revoked already"
            )));
        }
        row.revoked_at = Some(at.clone());
        audit::append(
            tx,
            actor,
            "revoke",
            &key_resource(key_id),
            Some(&row.organisation),
            &key_json(&row),
            now,
        )?;
        Ok(published(&row))
    })
}

/// The key an organisation signs with now: its newest unrevoked one.
fn signing_key(
    app: &App,
    keys: &[AuthorityKeyRow],
    organisation: &str,
) -> Result<Option<SigningKey>, AppError> {
    let Some(row) = keys
        .iter()
        .filter(|k| k.organisation == organisation && k.revoked_at.is_none())
        .max_by_key(|k| (k.created_at, k.key_id.clone()))
    else {
        return Ok(None);
    };
    let key = derive(platform_key(app)?, &row.organisation, &row.salt);
    if key.public_key().to_hex() != row.public_key {
        return Err(AppError::corrupt(
            format!("label key {}", row.key_id),
            "its public key is not the one the platform key derives (another platform key?)",
        ));
    }
    Ok(Some(key))
}

/// Signs a label for a cleared notification in `tx`: the payload with the signing key of
/// `organisation` (the filing authority). `None` when that authority has no usable key.
pub(crate) fn sign_label(
    app: &App,
    tx: &mut Tx<'_>,
    organisation: &str,
    mut payload: Payload,
) -> Result<Option<(String, Value)>, AppError> {
    let keys = tx.authority_keys()?;
    let Some(key) = signing_key(app, &keys, organisation)? else {
        return Ok(None);
    };
    payload.key_id = key.key_id();
    let text = interdict_label::sign(&payload, &key)
        .map_err(|e| AppError::Unavailable(format!("signing the label: {e}")))?;
    Ok(Some((text, audit::json_of(&payload))))
}

/// Whether the label's key is still usable (not revoked): a label signed by a revoked key is
/// signed again when asked for.
pub(crate) fn key_is_live(tx: &mut Tx<'_>, key_id: &str) -> Result<bool, AppError> {
    Ok(tx
        .authority_keys()?
        .iter()
        .any(|k| k.key_id == key_id && k.revoked_at.is_none()))
}

/// Verifies a label online: offline verification against the published keys, then the
/// notification as the platform knows it now (stopped or withdrawn after the label was issued).
pub fn verify_online(app: &App, label: &str, now: i64) -> Result<Verdict, AppError> {
    let keys = key_set(app)?;
    let verdict = interdict_label::verify(label, &keys, &interdict_core::rfc3339(now));
    if !verdict.valid {
        return Ok(verdict);
    }
    let Some(pen) = verdict
        .payload
        .as_ref()
        .and_then(|p| p.get("pen"))
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Ok(verdict);
    };
    let row = app.db.read(|tx| tx.pen_unscoped(&pen))?;
    let Some(row) = row else {
        return Ok(Verdict::invalid(
            Problem::NotOnFile,
            format!("the signature is good, but the platform has no notification {pen}"),
            verdict.payload,
        ));
    };
    let record: Value = serde_json::from_str(&row.body)
        .map_err(|e| AppError::corrupt(format!("notification {pen}"), e))?;
    let when = |action: &str| {
        record
            .get("history")
            .and_then(Value::as_array)
            .and_then(|h| {
                h.iter()
                    .rev()
                    .find(|e| e.get("action").and_then(Value::as_str) == Some(action))
            })
            .and_then(|e| e.get("at"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match row.status.as_str() {
        "withdrawn" => Ok(Verdict::invalid(
            Problem::Withdrawn,
            format!(
                "the signature is good, but notification {pen} was withdrawn by the exporter at {} \
                 after the label was issued",
                when("withdraw")
            ),
            verdict.payload,
        )),
        "stopped" => Ok(Verdict::invalid(
            Problem::Stopped,
            format!(
                "the signature is good, but notification {pen} was stopped at {} after the label \
                 was issued: hold the consignment",
                when("stop")
            ),
            verdict.payload,
        )),
        _ => Ok(Verdict {
            reason: format!(
                "{}; notification {pen} is {} on the platform",
                verdict.reason, row.status
            ),
            ..verdict
        }),
    }
}

/// The label of a notification as `GET /api/v1/pens/{id}/label` answers it: the text, its QR
/// code as SVG, and the payload.
pub fn label_answer(label: &str, payload: &Value) -> Result<Value, AppError> {
    let svg = interdict_label::qr_svg(label)
        .map_err(|e| AppError::Unavailable(format!("drawing the label: {e}")))?;
    Ok(json!({"label": label, "qr_svg": svg, "payload": payload}))
}

/// The label's QR code as PNG.
pub fn label_png(label: &str) -> Result<Vec<u8>, AppError> {
    interdict_label::qr_png(label, 8)
        .map_err(|e| AppError::Unavailable(format!("drawing the label: {e}")))
}
