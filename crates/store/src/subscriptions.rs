//! Alert subscriptions and the outbox of their webhook deliveries (migration 8). A caller sees
//! and changes only its own organisation's subscriptions (in the query, and by row-level
//! security on PostgreSQL); the delivery worker works unscoped.

use crate::sql::Value;
use crate::tx::Tx;
use crate::StoreError;

/// A subscription as stored. `secret` is the receiver's HMAC key: never answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionRow {
    pub id: String,
    pub organisation: String,
    pub created_by: String,
    pub url: String,
    pub secret: String,
    pub kinds: Vec<String>,
    pub disabled: bool,
    pub created_at: i64,
}

/// A delivery to make: the outbox row and where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRow {
    pub seq: i64,
    pub subscription_id: String,
    pub url: String,
    pub secret: String,
    pub event_key: String,
    pub body: String,
    pub attempts: i64,
}

/// One alert in a subscription's outbox: its id, tries, when delivered, the last error.
pub type OutboxEntry = (String, i64, Option<i64>, Option<String>);

fn kinds_column(kinds: &[String]) -> String {
    format!(",{},", kinds.join(","))
}

fn subscription_from(mut r: crate::sql::Row) -> Result<SubscriptionRow, StoreError> {
    Ok(SubscriptionRow {
        id: r.text(0)?,
        organisation: r.text(1)?,
        created_by: r.text(2)?,
        url: r.text(3)?,
        secret: r.text(4)?,
        kinds: r
            .text(5)?
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        disabled: r.int(6)? != 0,
        created_at: r.int(7)?,
    })
}

const COLUMNS: &str = "id, organisation, created_by, url, secret, kinds, disabled, created_at";

impl Tx<'_> {
    pub fn insert_subscription(&mut self, s: &SubscriptionRow) -> Result<(), StoreError> {
        let operation = "add a subscription (subscriptions)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "INSERT INTO subscriptions (id, organisation, created_by, url, secret, kinds, disabled,
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                Value::Text(&s.id),
                Value::Text(&s.organisation),
                Value::Text(&s.created_by),
                Value::Text(&s.url),
                Value::Text(&s.secret),
                Value::Text(&kinds_column(&s.kinds)),
                Value::Int(i64::from(s.disabled)),
                Value::Int(s.created_at),
            ],
        )?;
        Ok(())
    }

    /// The subscriptions of `organisation`, oldest first.
    pub fn subscriptions_of(
        &mut self,
        organisation: &str,
    ) -> Result<Vec<SubscriptionRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE organisation = $1 ORDER BY created_at, id"
        );
        self.query(
            "read subscriptions (subscriptions)",
            &sql,
            &[Value::Text(organisation)],
        )?
        .into_iter()
        .map(subscription_from)
        .collect()
    }

    /// Every active subscription: for the delivery worker, never for a caller.
    pub fn active_subscriptions(&mut self) -> Result<Vec<SubscriptionRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM subscriptions WHERE disabled = 0 ORDER BY id");
        self.query("read active subscriptions (subscriptions)", &sql, &[])?
            .into_iter()
            .map(subscription_from)
            .collect()
    }

    /// Disables a subscription of `organisation` (`false`: none such, or disabled already).
    pub fn disable_subscription(
        &mut self,
        organisation: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        let operation = "disable a subscription (subscriptions)";
        self.require_writable(operation)?;
        Ok(self.execute(
            operation,
            "UPDATE subscriptions SET disabled = 1 WHERE id = $1 AND organisation = $2
                 AND disabled = 0",
            &[Value::Text(id), Value::Text(organisation)],
        )? == 1)
    }

    /// Puts an alert in a subscription's outbox unless it is there already; `delivered_at`
    /// set marks it as known without sending it (alerts that existed at subscription).
    /// Answers whether it was new.
    pub fn enqueue_delivery(
        &mut self,
        subscription_id: &str,
        event_key: &str,
        body: &str,
        now: i64,
        delivered_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        let operation = "queue a webhook delivery (webhook_outbox)";
        self.require_writable(operation)?;
        let rows = self.query(
            operation,
            "INSERT INTO webhook_outbox (subscription_id, event_key, body, attempts,
                 next_attempt_at, delivered_at, created_at)
             VALUES ($1, $2, $3, 0, $4, $5, $4)
             ON CONFLICT (subscription_id, event_key) DO NOTHING
             RETURNING seq",
            &[
                Value::Text(subscription_id),
                Value::Text(event_key),
                Value::Text(body),
                Value::Int(now),
                Value::OptInt(delivered_at),
            ],
        )?;
        Ok(!rows.is_empty())
    }

    /// Deliveries due at `now` of subscriptions still active, oldest first, at most `limit`.
    pub fn due_deliveries(
        &mut self,
        now: i64,
        limit: usize,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let sql = format!(
            "SELECT o.seq, o.subscription_id, s.url, s.secret, o.event_key, o.body, o.attempts
             FROM webhook_outbox o JOIN subscriptions s ON s.id = o.subscription_id
             WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1 AND s.disabled = 0
             ORDER BY o.next_attempt_at, o.seq LIMIT {}",
            limit.min(1000)
        );
        self.query(
            "read due deliveries (webhook_outbox)",
            &sql,
            &[Value::Int(now)],
        )?
        .into_iter()
        .map(|mut r| {
            Ok(DeliveryRow {
                seq: r.int(0)?,
                subscription_id: r.text(1)?,
                url: r.text(2)?,
                secret: r.text(3)?,
                event_key: r.text(4)?,
                body: r.text(5)?,
                attempts: r.int(6)?,
            })
        })
        .collect()
    }

    /// Records a delivery's outcome: delivered at `delivered_at`, or failed with `error` and
    /// tried again at `next_attempt_at`.
    pub fn record_delivery(
        &mut self,
        seq: i64,
        delivered_at: Option<i64>,
        next_attempt_at: i64,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let operation = "record a webhook delivery (webhook_outbox)";
        self.require_writable(operation)?;
        match delivered_at {
            Some(t) => self.execute(
                operation,
                "UPDATE webhook_outbox SET delivered_at = $2, attempts = attempts + 1,
                     last_error = NULL WHERE seq = $1",
                &[Value::Int(seq), Value::Int(t)],
            )?,
            None => self.execute(
                operation,
                "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = $2,
                     last_error = $3 WHERE seq = $1",
                &[
                    Value::Int(seq),
                    Value::Int(next_attempt_at),
                    Value::OptText(error),
                ],
            )?,
        };
        Ok(())
    }

    /// The outbox of a subscription (newest first, at most `limit`): what was sent, when, and
    /// what is pending.
    pub fn outbox_of(
        &mut self,
        subscription_id: &str,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let sql = format!(
            "SELECT event_key, attempts, delivered_at, last_error FROM webhook_outbox
             WHERE subscription_id = $1 ORDER BY seq DESC LIMIT {}",
            limit.min(1000)
        );
        self.query(
            "read a subscription's deliveries (webhook_outbox)",
            &sql,
            &[Value::Text(subscription_id)],
        )?
        .into_iter()
        .map(|mut r| Ok((r.text(0)?, r.int(1)?, r.opt_int(2)?, r.opt_text(3)?)))
        .collect()
    }
}
