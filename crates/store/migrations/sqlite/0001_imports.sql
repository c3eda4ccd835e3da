-- Bookkeeping of imported snapshots (identical to schema version 1 of the first data directories).
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- 'watchlist', 'alr', 'pens', ...
    name TEXT NOT NULL,            -- e.g. list name 'us-ofac-sdn'
    source TEXT NOT NULL,          -- the path or URL it came from
    format TEXT NOT NULL,
    checksum TEXT NOT NULL,        -- sha256 of the imported bytes
    record_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,     -- RFC 3339, UTC
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX imports_kind_name ON imports(kind, name, active);
