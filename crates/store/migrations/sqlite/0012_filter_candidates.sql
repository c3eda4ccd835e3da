-- The incident's country beside each of its substance keys (migration 12 of PostgreSQL, where
-- it lets a search for a substance in a country find its candidates from the substance's rows
-- without a policy check per row). Kept here too, so both stores hold the same rows and the
-- store writes them alike. PostgreSQL's other changes of this version (candidates by country,
-- type and dates, found outside row-level security) have no counterpart: SQLite's searches
-- read the indexes of migration 10 directly, within the limits of bench/million.sh.
ALTER TABLE incident_substances ADD COLUMN country TEXT;
UPDATE incident_substances SET
    country = (SELECT i.country FROM incidents i WHERE i.id = incident_substances.incident_id);
