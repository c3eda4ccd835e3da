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
