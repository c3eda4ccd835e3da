-- Imports recorded by screening runs, for annual-legitimate-requirement totals, in recording
-- order (the rowid).
CREATE TABLE alr_ledger (
    declaration_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,            -- the ledger entry as JSON
    recorded_at TEXT NOT NULL
);
