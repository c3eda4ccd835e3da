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
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_organisation ON subscriptions(organisation);

CREATE TABLE webhook_outbox (
    seq BIGSERIAL PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
    event_key TEXT NOT NULL,                -- the alert's id
    body TEXT NOT NULL,                     -- exactly the bytes signed and sent
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    delivered_at BIGINT,                   -- NULL until a 2xx answer
    last_error TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (subscription_id, event_key)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(delivered_at, next_attempt_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON subscriptions, webhook_outbox TO interdict_app;
GRANT USAGE, SELECT ON SEQUENCE webhook_outbox_seq_seq TO interdict_app;
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY subscriptions_own ON subscriptions
    USING (organisation = current_setting('interdict.organisation', true));
