-- The incident's sequence number and date beside each of its substance keys (migration 11 of
-- PostgreSQL, where they let a search by substance find its candidates without a policy check
-- per row). Kept here too, so both stores hold the same rows and the store writes them alike;
-- SQLite's searches read them through the index of key and sequence.
ALTER TABLE incident_substances ADD COLUMN incident_seq INTEGER;
ALTER TABLE incident_substances ADD COLUMN date TEXT;
UPDATE incident_substances SET
    incident_seq = (SELECT i.seq FROM incidents i WHERE i.id = incident_substances.incident_id),
    date = (SELECT i.date FROM incidents i WHERE i.id = incident_substances.incident_id);
CREATE INDEX incident_substances_key_seq ON incident_substances (key, incident_seq);

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
