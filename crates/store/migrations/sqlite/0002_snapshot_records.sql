-- The records of each snapshot (watchlist entities, ALR rows …), one JSON document each, in
-- import order (the rowid).
CREATE TABLE snapshot_records (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    record_id TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX snapshot_records_import ON snapshot_records(import_id);
