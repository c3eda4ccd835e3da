-- Incident searches by substance at a million incidents (issue 19; bench/million.sh), without
-- changing any answer. Row-level security checks every `incident_substances` row against its
-- incident, so a search for a common substance over a date range read tens of thousands of
-- rows one policy check at a time. The incident's sequence number and date now sit beside each
-- substance key (kept by `Tx::insert_incident` and `Tx::update_incident`, which rewrite an
-- incident's keys), indexed by key and sequence and by key, date and sequence, and the
-- candidates are found by a function run as the tables' owner, as the words' are
-- (`interdict_text_candidates`, migration 10): the sequence numbers (nothing of a record) of at
-- most `n` incidents below `below` that name one of `keys` (separated by U+001F), within the
-- dates when given, newest first. The caller's query then reads only those rows, under the
-- policy and its own filters, and checks the substance again.
ALTER TABLE incident_substances ADD COLUMN incident_seq BIGINT;
ALTER TABLE incident_substances ADD COLUMN date TEXT;
UPDATE incident_substances s SET incident_seq = i.seq, date = i.date
    FROM incidents i WHERE i.id = s.incident_id;
ALTER TABLE incident_substances ALTER COLUMN incident_seq SET NOT NULL;
ALTER TABLE incident_substances ALTER COLUMN date SET NOT NULL;
CREATE INDEX incident_substances_key_seq ON incident_substances (key, incident_seq);
CREATE INDEX incident_substances_key_date ON incident_substances (key, date, incident_seq);
DROP INDEX incident_substances_key;

CREATE FUNCTION interdict_substance_candidates(keys TEXT, from_date TEXT, to_date TEXT,
                                               below BIGINT, n BIGINT)
    RETURNS TABLE (seq BIGINT) LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
    SELECT c.seq FROM unnest(string_to_array(keys, chr(31))) AS k(key)
    CROSS JOIN LATERAL (
        SELECT s.incident_seq AS seq FROM incident_substances s
        WHERE s.key = k.key AND s.incident_seq < below
          AND (from_date IS NULL OR s.date >= from_date)
          AND (to_date IS NULL OR s.date <= to_date)
        ORDER BY s.incident_seq DESC LIMIT n
    ) c
    GROUP BY c.seq ORDER BY c.seq DESC LIMIT n
$$;

-- Changes of existing incidents, numbered: the caches built over the incidents (the alert
-- feeds) ask for the latest number before every answer and read again only the incidents
-- changed since. Times in seconds could not tell a change made in the second of the one
-- before, or in the second the incident was made. Incidents changed before this migration
-- are numbered by their time of change, so later numbers (the largest so far, plus one) stay
-- above them.
ALTER TABLE incidents ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
UPDATE incidents SET change_seq = updated_at WHERE updated_at > created_at;
CREATE INDEX incidents_change_seq ON incidents (change_seq) WHERE change_seq > 0;
DROP INDEX incidents_changed;
