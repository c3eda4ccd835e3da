//! Alert subscriptions (`shared/spec/platform.md`, Alerts): an organisation's webhook gets each
//! new alert over what the organisation may see, signed with HMAC-SHA256 of the body under the
//! subscriber's secret, retried with back-off until answered 2xx. Alerts go to an outbox in the
//! database first, so a restart or a `kill -9` resends what was not acknowledged (at least
//! once), and a disabled subscription gets nothing more. Sending is the server's (this crate
//! speaks no HTTP): it asks for [`due`], posts, and reports [`delivered`] or [`failed`].

use hmac::Mac;
use interdict_domain::sharing::Scope;
use interdict_domain::{Actor, Role};
use interdict_store::{DeliveryRow, SubscriptionRow};
use serde_json::{json, Value};

use crate::early_warning::{alerts_for, AlertQuery};
use crate::{audit, App, AppError};

/// The kinds a subscription may ask for.
pub const KINDS: [&str; 2] = ["aberration", "first_detection"];

/// Longest URL and secret accepted.
const MAX_URL: usize = 2048;
const MAX_SECRET: usize = 512;

/// The resource name of a subscription in the log.
pub fn subscription_resource(id: &str) -> String {
    format!("subscriptions/{id}")
}

/// A subscription as answered: never its secret.
fn answer(s: &SubscriptionRow) -> Value {
    json!({
        "id": s.id,
        "organisation": s.organisation,
        "url": s.url,
        "kinds": s.kinds,
        "disabled": s.disabled,
        "created_at": interdict_core::rfc3339(s.created_at),
    })
}

/// What a subscription request holds.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    pub url: String,
    pub secret: String,
    #[serde(default)]
    pub kinds: Vec<String>,
}

fn may_subscribe(actor: &Actor) -> Result<(), AppError> {
    if actor.user.disabled {
        return Err(AppError::Forbidden("the user is disabled".into()));
    }
    if actor.role() < Role::Analyst {
        return Err(AppError::Forbidden(format!(
            "a {} may not subscribe to alerts; analysts and above may",
            actor.role()
        )));
    }
    Ok(())
}

/// Checks the URL's form (the server also checks where it resolves to).
pub fn check_url(url: &str) -> Result<(), AppError> {
    if url.len() > MAX_URL {
        return Err(AppError::invalid(
            "url",
            format!("longer than {MAX_URL} bytes"),
        ));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| AppError::invalid("url", "must start with https:// or http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty()
        || host.contains('@')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AppError::invalid(
            "url",
            "must name a host, without user information or spaces",
        ));
    }
    Ok(())
}

/// Subscribes the caller's organisation. The alerts it may see now are marked as known, so
/// only alerts raised from now on are sent.
pub fn create(
    app: &App,
    actor: &Actor,
    input: &SubscriptionInput,
    now: i64,
) -> Result<Value, AppError> {
    may_subscribe(actor)?;
    check_url(&input.url)?;
    if input.secret.len() < 16 || input.secret.len() > MAX_SECRET {
        return Err(AppError::invalid(
            "secret",
            format!("must be 16 to {MAX_SECRET} bytes (it keys the HMAC-SHA256 signature)"),
        ));
    }
    let mut kinds = if input.kinds.is_empty() {
        KINDS.iter().map(|k| k.to_string()).collect()
    } else {
        input.kinds.clone()
    };
    kinds.sort();
    kinds.dedup();
    if let Some((i, k)) = kinds
        .iter()
        .enumerate()
        .find(|(_, k)| !KINDS.contains(&k.as_str()))
    {
        return Err(AppError::invalid(
            format!("kinds[{i}]"),
            format!(
                "`{}` is not a kind of alert ({})",
                interdict_core::text::clip(k, 30),
                KINDS.join(", ")
            ),
        ));
    }
    let mut id = [0u8; 6];
    getrandom::fill(&mut id)
        .map_err(|e| AppError::Unavailable(format!("no randomness for an id: {e}")))?;
    let row = SubscriptionRow {
        id: format!("sub-{}", crate::lists::hex(&id)),
        organisation: actor.organisation.id.clone(),
        created_by: actor.user.id.clone(),
        url: input.url.clone(),
        secret: input.secret.clone(),
        kinds,
        disabled: false,
        created_at: now,
    };
    let scope = crate::error::scope_of(actor)?;
    let known = alerts_for(app, &scope, &AlertQuery::default())?;
    let record = answer(&row);
    app.db.write_as(&scope, |tx| {
        tx.insert_subscription(&row)?;
        for a in &known {
            let key = a["id"].as_str().unwrap_or_default();
            tx.enqueue_delivery(&row.id, key, &a.to_string(), now, Some(now))?;
        }
        audit::append(
            tx,
            actor,
            "create",
            &subscription_resource(&row.id),
            Some(&row.organisation),
            &record,
            now,
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(record)
}

/// The caller's organisation's subscriptions.
pub fn list(app: &App, actor: &Actor) -> Result<Vec<Value>, AppError> {
    may_subscribe(actor)?;
    let scope = crate::error::scope_of(actor)?;
    let rows = app
        .db
        .read_as(&scope, |tx| tx.subscriptions_of(&actor.organisation.id))?;
    Ok(rows.iter().map(answer).collect())
}

/// Disables one of the caller's organisation's subscriptions: nothing more is sent to it.
pub fn disable(app: &App, actor: &Actor, id: &str, now: i64) -> Result<Value, AppError> {
    may_subscribe(actor)?;
    let scope = crate::error::scope_of(actor)?;
    app.db.write_as(&scope, |tx| {
        let Some(mut row) = tx
            .subscriptions_of(&actor.organisation.id)?
            .into_iter()
            .find(|s| s.id == id)
        else {
            return Err(AppError::NotFound(format!(
                "subscription {}",
                interdict_core::text::clip(id, 40)
            )));
        };
        if !tx.disable_subscription(&actor.organisation.id, id)? {
            return Err(AppError::Conflict(format!(
                "subscription {id} is disabled already"
            )));
        }
        row.disabled = true;
        let record = answer(&row);
        audit::append(
            tx,
            actor,
            "disable",
            &subscription_resource(id),
            Some(&row.organisation),
            &record,
            now,
        )?;
        Ok(record)
    })
}

/// Puts the alerts raised since each active subscription last looked into its outbox.
/// Answers how many were new.
pub fn enqueue_new_alerts(app: &App, now: i64) -> Result<usize, AppError> {
    let subscriptions = app.db.read(|tx| tx.active_subscriptions())?;
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let organisations = app.db.read(|tx| tx.organisations())?;
    let mut queued = 0;
    for s in subscriptions {
        let Some(org) = organisations.iter().find(|o| o.id == s.organisation) else {
            continue;
        };
        let scope = Scope::of_organisation(org);
        let alerts = alerts_for(app, &scope, &AlertQuery::default())?;
        let wanted: Vec<&Value> = alerts
            .iter()
            .filter(|a| {
                a["kind"]
                    .as_str()
                    .is_some_and(|k| s.kinds.iter().any(|w| w == k))
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        queued += app.db.write(|tx| {
            let mut n = 0;
            for a in &wanted {
                let key = a["id"].as_str().unwrap_or_default();
                let body = json!({
                    "subscription": s.id,
                    "event": "alert",
                    "alert": a,
                    "sent_by": "interdict",
                })
                .to_string();
                if tx.enqueue_delivery(&s.id, key, &body, now, None)? {
                    n += 1;
                }
            }
            Ok::<_, AppError>(n)
        })?;
    }
    Ok(queued)
}

/// One delivery for the server to make: where, what, and the signature header's value.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub seq: i64,
    pub subscription_id: String,
    pub url: String,
    pub event_key: String,
    pub body: String,
    /// `sha256=<lower-case hex>` of HMAC-SHA256 of `body` under the subscriber's secret.
    pub signature: String,
    pub attempts: i64,
}

/// `sha256=<hex>`: the `x-interdict-signature` of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(body);
    format!("sha256={}", crate::lists::hex(&mac.finalize().into_bytes()))
}

/// The deliveries due now (at most `limit`), of subscriptions still active.
pub fn due(app: &App, now: i64, limit: usize) -> Result<Vec<Delivery>, AppError> {
    let rows: Vec<DeliveryRow> = app.db.read(|tx| tx.due_deliveries(now, limit))?;
    Ok(rows
        .into_iter()
        .map(|r| Delivery {
            signature: signature(&r.secret, r.body.as_bytes()),
            seq: r.seq,
            subscription_id: r.subscription_id,
            url: r.url,
            event_key: r.event_key,
            body: r.body,
            attempts: r.attempts,
        })
        .collect())
}

/// The receiver answered 2xx.
pub fn delivered(app: &App, seq: i64, now: i64) -> Result<(), AppError> {
    app.db
        .write(|tx| tx.record_delivery(seq, Some(now), now, None))?;
    Ok(())
}

/// Longest wait between two tries of one delivery.
pub const MAX_BACKOFF_SECS: i64 = 3600;

/// The wait before try `attempts + 1`: 2, 4, 8 … seconds, at most [`MAX_BACKOFF_SECS`].
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 20) as u32 + 1;
    2i64.saturating_pow(exp).min(MAX_BACKOFF_SECS)
}

/// The delivery failed (`error` says how, without the secret); tried again after the back-off.
pub fn failed(app: &App, d: &Delivery, error: &str, now: i64) -> Result<(), AppError> {
    let next = now + backoff_secs(d.attempts);
    let error = interdict_core::text::clip(error, 300);
    app.db
        .write(|tx| tx.record_delivery(d.seq, None, next, Some(&error)))?;
    Ok(())
}

/// What a subscription's outbox holds (for its owner): each alert, tries, delivered when.
pub fn deliveries(app: &App, actor: &Actor, id: &str) -> Result<Vec<Value>, AppError> {
    may_subscribe(actor)?;
    let scope = crate::error::scope_of(actor)?;
    let (owned, rows) = app.db.read_as(&scope, |tx| {
        let owned = tx
            .subscriptions_of(&actor.organisation.id)?
            .iter()
            .any(|s| s.id == id);
        let rows = if owned {
            tx.outbox_of(id, 200)?
        } else {
            Vec::new()
        };
        Ok::<_, AppError>((owned, rows))
    })?;
    if !owned {
        return Err(AppError::NotFound(format!(
            "subscription {}",
            interdict_core::text::clip(id, 40)
        )));
    }
    Ok(rows
        .into_iter()
        .map(|(event, attempts, delivered_at, error)| {
            json!({
                "alert": event,
                "attempts": attempts,
                "delivered_at": delivered_at.map(interdict_core::rfc3339),
                "last_error": error,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_to_an_hour() {
        assert_eq!(backoff_secs(0), 2);
        assert_eq!(backoff_secs(1), 4);
        assert_eq!(backoff_secs(5), 64);
        assert_eq!(backoff_secs(50), MAX_BACKOFF_SECS);
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://hooks.example.org/interdict").is_ok());
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("https://user:pw@x/").is_err());
        assert!(check_url("https:///x").is_err());
        assert!(check_url("https://a b/").is_err());
    }
}
