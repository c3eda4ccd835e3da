-- Incidents shared between authorities (shared/spec/platform.md, Incidents and "Who may see a
-- record"), their attachments, and the tamper-evident audit log (Audit).
-- An incident's `body` is the record as answered (JSON, personal data included); the columns
-- beside it are what the queries filter on, so that visibility is decided in the query itself.
CREATE TABLE incidents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order, for paging
    id TEXT NOT NULL UNIQUE,                -- INC-<country>-<year>-<6 digits>
    owner_organisation TEXT NOT NULL REFERENCES organisations(id),
    owner_country TEXT,                     -- the owner's country; NULL for the secretariat
    distribution TEXT NOT NULL,             -- organisation, country, countries, coalition
    share_with TEXT NOT NULL,               -- ',US,MX,' (empty: none), for LIKE '%,CC,%'
    tlp TEXT NOT NULL,
    personal_data_distribution TEXT NOT NULL,
    type TEXT NOT NULL,
    date TEXT NOT NULL,                     -- YYYY-MM-DD
    country TEXT NOT NULL,                  -- where it happened
    reference TEXT,                         -- the reporter's own reference (bulk imports)
    search_text TEXT NOT NULL,              -- lower-cased words of the record, personal data left out
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX incidents_reference ON incidents(owner_organisation, reference);
CREATE INDEX incidents_date ON incidents(date);
CREATE INDEX incidents_country ON incidents(country);

-- What an incident's substances resolved to, for search: registry ids, CAS numbers, class ids
-- (`class:nitazene`) and resolver keys.
CREATE TABLE incident_substances (
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    key TEXT NOT NULL,
    PRIMARY KEY (incident_id, key)
);
CREATE INDEX incident_substances_key ON incident_substances(key);

-- The last number given per prefix ('MX-2025'), so ids are dense and never reused.
CREATE TABLE incident_counters (
    prefix TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,                    -- 'att-' and 12 hex digits
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    sha256 TEXT NOT NULL,                   -- of the content, lower-case hex
    media_type TEXT NOT NULL,               -- as recognised from the content
    size INTEGER NOT NULL,
    filename TEXT,
    body TEXT NOT NULL,                     -- the attachment's record as answered (JSON)
    created_at INTEGER NOT NULL,
    UNIQUE (incident_id, sha256)
);
CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    content BLOB NOT NULL
);

-- The audit log: `entry` is the canonical JSON of the contract's entry; `owner_organisation`
-- the organisation whose record it is about (who may read it), outside the hashed entry.
CREATE TABLE audit_entries (
    seq INTEGER PRIMARY KEY,
    resource TEXT NOT NULL,
    owner_organisation TEXT,
    entry TEXT NOT NULL
);
CREATE INDEX audit_entries_resource ON audit_entries(resource);
CREATE TABLE audit_checkpoints (
    tree_size INTEGER PRIMARY KEY,
    body TEXT NOT NULL                      -- the signed checkpoint (JSON)
);
