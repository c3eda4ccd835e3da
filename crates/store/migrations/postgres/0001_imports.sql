-- Bookkeeping of imported snapshots.
CREATE TABLE imports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,            -- 'watchlist', 'alr', 'pens', ...
    name TEXT NOT NULL,            -- e.g. list name 'us-ofac-sdn'
    source TEXT NOT NULL,          -- the path or URL it came from
    format TEXT NOT NULL,
    checksum TEXT NOT NULL,        -- sha256 of the imported bytes
    record_count BIGINT NOT NULL,
    imported_at TEXT NOT NULL,     -- RFC 3339, UTC
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX imports_kind_name ON imports(kind, name, active);
