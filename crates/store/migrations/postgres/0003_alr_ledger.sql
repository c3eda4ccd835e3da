-- Imports recorded by screening runs, for annual-legitimate-requirement totals, in recording
-- order (seq).
CREATE TABLE alr_ledger (
    declaration_id TEXT PRIMARY KEY,
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    body TEXT NOT NULL,            -- the ledger entry as JSON
    recorded_at TEXT NOT NULL
);
