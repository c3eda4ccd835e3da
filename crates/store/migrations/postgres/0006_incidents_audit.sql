-- Incidents shared between authorities (shared/spec/platform.md, Incidents and "Who may see a
-- record"), their attachments, and the tamper-evident audit log (Audit).
-- An incident's `body` is the record as answered (JSON, personal data included); the columns
-- beside it are what the queries filter on, so that visibility is decided in the query itself.
CREATE TABLE incidents (
    seq BIGSERIAL PRIMARY KEY,               -- creation order, for paging
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
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
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
    last BIGINT NOT NULL
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,                    -- 'att-' and 12 hex digits
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    sha256 TEXT NOT NULL,                   -- of the content, lower-case hex
    media_type TEXT NOT NULL,               -- as recognised from the content
    size BIGINT NOT NULL,
    filename TEXT,
    body TEXT NOT NULL,                     -- the attachment's record as answered (JSON)
    created_at BIGINT NOT NULL,
    UNIQUE (incident_id, sha256)
);
CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    content BYTEA NOT NULL
);

-- The audit log: `entry` is the canonical JSON of the contract's entry; `owner_organisation`
-- the organisation whose record it is about (who may read it), outside the hashed entry.
CREATE TABLE audit_entries (
    seq BIGINT PRIMARY KEY,
    resource TEXT NOT NULL,
    owner_organisation TEXT,
    entry TEXT NOT NULL
);
CREATE INDEX audit_entries_resource ON audit_entries(resource);
CREATE TABLE audit_checkpoints (
    tree_size BIGINT PRIMARY KEY,
    body TEXT NOT NULL                      -- the signed checkpoint (JSON)
);

-- Row-level security, a second wall behind the application's own filters: transactions on
-- behalf of a caller run as `interdict_app` (no BYPASSRLS), with the caller's organisation,
-- country and secretariat flag in `interdict.*` settings (Tx::begin); the policies repeat the
-- rule of `interdict_domain::sharing::reaches`. Work that is not on behalf of a caller
-- (migrations, `audit verify`) runs as the connecting role and sees every row.
DO $$
BEGIN
    CREATE ROLE interdict_app NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
    EXECUTE format('GRANT interdict_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;  -- already a member (concurrent migrations of another database)
END
$$;
GRANT USAGE ON SCHEMA public TO interdict_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO interdict_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO interdict_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO interdict_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO interdict_app;

CREATE FUNCTION interdict_caller_country() RETURNS TEXT LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('interdict.country', true), '') $$;

ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
CREATE POLICY incidents_read ON incidents FOR SELECT USING (
    owner_organisation = current_setting('interdict.organisation', true)
    OR distribution = 'coalition'
    OR (distribution = 'country' AND owner_country = interdict_caller_country())
    OR (distribution = 'countries' AND (
        current_setting('interdict.secretariat', true) = 'true'
        OR owner_country = interdict_caller_country()
        OR share_with LIKE '%,' || interdict_caller_country() || ',%'))
);
CREATE POLICY incidents_insert ON incidents FOR INSERT
    WITH CHECK (owner_organisation = current_setting('interdict.organisation', true));
CREATE POLICY incidents_update ON incidents FOR UPDATE
    USING (owner_organisation = current_setting('interdict.organisation', true));

ALTER TABLE incident_substances ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_substances_visible ON incident_substances
    USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY attachments_visible ON attachments
    USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));

ALTER TABLE attachment_blobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY attachment_blobs_visible ON attachment_blobs FOR SELECT
    USING (EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = attachment_blobs.sha256));
CREATE POLICY attachment_blobs_insert ON attachment_blobs FOR INSERT WITH CHECK (true);
