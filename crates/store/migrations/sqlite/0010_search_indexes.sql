-- What lets incident searches and the platform's caches stay fast at a million incidents
-- (issue 19; bench/million.sh), without changing any answer.
--
-- The words of the records (`?q=`): an FTS5 index of character trigrams over `search_text`,
-- external content (the text stays in `incidents`, the index holds only the trigrams), kept by
-- triggers. A search finds its candidates through it, newest first, and still checks
-- `search_text LIKE` on each, so it answers what LIKE answers; text shorter than three
-- characters (no trigram) is searched by LIKE alone, as before.
CREATE VIRTUAL TABLE incidents_text USING fts5(
    search_text, content = 'incidents', content_rowid = 'seq', tokenize = 'trigram');
INSERT INTO incidents_text (incidents_text) VALUES ('rebuild');
CREATE TRIGGER incidents_text_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_text (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER incidents_text_update AFTER UPDATE OF search_text ON incidents BEGIN
    INSERT INTO incidents_text (incidents_text, rowid, search_text)
        VALUES ('delete', old.seq, old.search_text);
    INSERT INTO incidents_text (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER incidents_text_delete AFTER DELETE ON incidents BEGIN
    INSERT INTO incidents_text (incidents_text, rowid, search_text)
        VALUES ('delete', old.seq, old.search_text);
END;

-- The latest change of an existing incident, which the alert feeds and flows check before
-- every answer: only changed incidents are in this index, so the check reads one entry instead
-- of every incident.
CREATE INDEX incidents_changed ON incidents (updated_at) WHERE updated_at > created_at;

-- Date ranges: the columns of the visibility rule beside the date (and the id, for the
-- substance filter), so a search over a range finds its newest visible rows in the index alone
-- and reads only the rows of the page (a month of a million incidents is ~30,000 rows).
CREATE INDEX incidents_date_visible
    ON incidents (date, distribution, owner_country, owner_organisation, share_with, id);
DROP INDEX incidents_date;
