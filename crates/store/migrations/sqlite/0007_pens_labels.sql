-- Pre-export notifications (shared/spec/platform.md, Pre-export notifications), corridor
-- policies, and the authorities' label keys (Shipment labels).
-- A notification's `body` is the record as answered (JSON, with its history of actions); the
-- columns beside it are what queries filter on. Its visibility is fixed: the competent
-- authorities of the countries in `countries` and the secretariat.
CREATE TABLE pens (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,                -- PEN-<exporting>-<year>-<6 digits>, or the imported reference
    owner_organisation TEXT REFERENCES organisations(id), -- the filing authority; NULL when imported
    exporting_country TEXT NOT NULL,
    importing_country TEXT NOT NULL,
    countries TEXT NOT NULL,                -- ',CN,MX,US,': exporting, importing, transit
    status TEXT NOT NULL,
    reply_deadline TEXT NOT NULL,           -- YYYY-MM-DD, the last day to answer
    late INTEGER NOT NULL DEFAULT 0,        -- 1: the deadline passed unanswered (expired, or cleared by silence)
    source TEXT NOT NULL,                   -- platform | import
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX pens_due ON pens(status, reply_deadline);
CREATE INDEX pens_exporting ON pens(exporting_country);
CREATE INDEX pens_importing ON pens(importing_country);

CREATE TABLE corridors (
    id TEXT PRIMARY KEY,                    -- CN-MX
    body TEXT NOT NULL,                     -- the policy (JSON)
    updated_at INTEGER NOT NULL
);

-- The label keys: public keys and the salt the platform key derives each secret from; no
-- secret key is stored here.
CREATE TABLE authority_keys (
    key_id TEXT PRIMARY KEY,
    organisation TEXT NOT NULL REFERENCES organisations(id),
    country TEXT NOT NULL,
    public_key TEXT NOT NULL,
    salt TEXT NOT NULL,
    valid_from TEXT NOT NULL,               -- RFC 3339
    revoked_at TEXT,                        -- RFC 3339
    created_at INTEGER NOT NULL
);
CREATE INDEX authority_keys_organisation ON authority_keys(organisation);
