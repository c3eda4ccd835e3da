-- The records of each snapshot (watchlist entities, ALR rows …), one JSON document each, in
-- import order (seq).
CREATE TABLE snapshot_records (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    record_id TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX snapshot_records_import ON snapshot_records(import_id, seq);
