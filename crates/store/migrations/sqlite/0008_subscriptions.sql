-- Alert subscriptions (shared/spec/platform.md, Alerts) and the outbox of their deliveries: an
-- alert is written here before it is sent and marked when the receiver answered 2xx, so a
-- restart (or kill -9) resends what was not acknowledged: at least once, never lost.
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,                    -- sub-<12 hex>
    organisation TEXT NOT NULL REFERENCES organisations(id),
    created_by TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,                   -- the receiver's HMAC key; never answered or logged
    kinds TEXT NOT NULL,                    -- ',aberration,first_detection,'
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX subscriptions_organisation ON subscriptions(organisation);

CREATE TABLE webhook_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
    event_key TEXT NOT NULL,                -- the alert's id
    body TEXT NOT NULL,                     -- exactly the bytes signed and sent
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at INTEGER,                   -- NULL until a 2xx answer
    last_error TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (subscription_id, event_key)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(delivered_at, next_attempt_at);
