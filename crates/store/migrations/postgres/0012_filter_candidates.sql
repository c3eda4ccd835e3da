-- Incident searches by country, type and dates at a million incidents (issue 19;
-- bench/million.sh), without changing any answer. Under row-level security every row a search
-- reads is checked against the policy before the search's own filters, one row at a time: a
-- country over half a year walked that country's newer rows to reach the range, a type alone or
-- an old month read every row of the newest stretch of the table. As for words (migration 10)
-- and substances (migration 11), the candidates are found by a function run as the tables'
-- owner: the sequence numbers (nothing of a record) of at most `n` incidents between `above`
-- and `below` that match every filter given (NULL: not asked), newest first, planned with the
-- values themselves, over indexes that hold the filters and the sequence number. The caller's
-- query then reads only those rows, under the policy and its own filters, which it checks
-- again.
--
-- A substance in a country (`?substance=cocaine&country=NG`) is found from the substance's
-- rows: the incident's country sits beside each key, as its sequence number and date do since
-- migration 11, kept by `Tx::insert_incident` and `Tx::update_incident`.
ALTER TABLE incident_substances ADD COLUMN country TEXT;
UPDATE incident_substances s SET country = i.country FROM incidents i WHERE i.id = s.incident_id;
ALTER TABLE incident_substances ALTER COLUMN country SET NOT NULL;
CREATE INDEX incident_substances_key_country_seq
    ON incident_substances (key, country, incident_seq);

-- The other filters' columns are included in each index, so that a combination is checked in
-- the index alone (a type in a country over a year read the rows of the country's year).
CREATE INDEX incidents_type_seq ON incidents (type, seq) INCLUDE (country, date);
CREATE INDEX incidents_date_seq ON incidents (date, seq) INCLUDE (country, type);
CREATE INDEX incidents_country_date_seq ON incidents (country, date, seq) INCLUDE (type);
DROP INDEX incidents_date;

CREATE FUNCTION interdict_filter_candidates(pattern TEXT, keys TEXT, in_country TEXT,
                                            kind TEXT, from_date TEXT, to_date TEXT,
                                            above BIGINT, below BIGINT, n BIGINT)
    RETURNS TABLE (seq BIGINT) LANGUAGE plpgsql STABLE SECURITY DEFINER
    -- Parallel workers cost more to start (30 ms) than these small, ordered reads take.
    SET search_path FROM CURRENT SET max_parallel_workers_per_gather = 0 AS $$
DECLARE
    -- The conditions on the incident's columns, after `WHERE i.seq < $8`.
    conditions TEXT := '';
    -- The same over a substance's rows (`s`), the incident joined when they need it.
    on_keys TEXT := '';
BEGIN
    IF pattern IS NOT NULL THEN
        -- Checked on the rows the other filters find, not looked up in the words' index
        -- (COALESCE keeps the planner from it): with a common word the planner joined that
        -- index's hundreds of thousands of rows to the country's (240 ms). A search by words
        -- alone has `interdict_text_candidates`.
        conditions := conditions || ' AND COALESCE(i.search_text, '''') LIKE $1 ESCAPE ''\''';
    END IF;
    IF kind IS NOT NULL THEN
        conditions := conditions || ' AND i.type = $4';
    END IF;
    on_keys := conditions;
    IF in_country IS NOT NULL THEN
        conditions := conditions || ' AND i.country = $3';
        on_keys := on_keys || ' AND s.country = $3';
    END IF;
    IF from_date IS NOT NULL THEN
        conditions := conditions || ' AND i.date >= $5';
        on_keys := on_keys || ' AND s.date >= $5';
    END IF;
    IF to_date IS NOT NULL THEN
        conditions := conditions || ' AND i.date <= $6';
        on_keys := on_keys || ' AND s.date <= $6';
    END IF;
    IF above IS NOT NULL THEN
        conditions := conditions || ' AND i.seq > $7';
        on_keys := on_keys || ' AND s.incident_seq > $7';
    END IF;
    IF keys IS NULL THEN
        RETURN QUERY EXECUTE 'SELECT i.seq FROM incidents i WHERE i.seq < $8' || conditions
            || ' ORDER BY i.seq DESC LIMIT $9'
            USING pattern, keys, in_country, kind, from_date, to_date, above, below, n;
    ELSE
        -- Each substance's newest rows within the country and dates, as
        -- `interdict_substance_candidates` finds them, the incident read for words and type.
        RETURN QUERY EXECUTE 'SELECT c.seq FROM unnest(string_to_array($2, chr(31))) AS k(key)'
            ' CROSS JOIN LATERAL (SELECT s.incident_seq AS seq FROM incident_substances s'
            || CASE WHEN pattern IS NULL AND kind IS NULL THEN ''
                    ELSE ' JOIN incidents i ON i.seq = s.incident_seq' END
            || ' WHERE s.key = k.key AND s.incident_seq < $8' || on_keys
            || ' ORDER BY s.incident_seq DESC LIMIT $9) c'
            ' GROUP BY c.seq ORDER BY c.seq DESC LIMIT $9'
            USING pattern, keys, in_country, kind, from_date, to_date, above, below, n;
    END IF;
END
$$;

-- The words' candidates (migration 10), from the phrase's number when it has one: the trigram
-- index reads the list of every trigram of the pattern, and the lists of common words are
-- long, so a phrase of common words and a number (`border crossing 123`) read 17 lists, most
-- of a quarter of the table (52 ms), where the number and the characters beside it are a few
-- short lists (5 ms). Numbers (container, seal and reference numbers) are what officers look
-- for and the rarest words of a record. The number's stretch of the pattern, without escapes,
-- finds a superset of the rows; the whole pattern is checked on each, outside the index.
CREATE OR REPLACE FUNCTION interdict_text_candidates(pattern TEXT, below BIGINT, n BIGINT)
    RETURNS TABLE (seq BIGINT) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
DECLARE
    -- A run of the pattern with a digit, and the character on each side (a `_` left without
    -- its escape matches any character, so the stretch still finds every row the pattern does).
    stretch TEXT := trim(BOTH '%' FROM
        substring(pattern FROM '[^%\\]?[^ %\\]*[0-9][^ %\\]*[^%\\]?'));
BEGIN
    IF length(stretch) >= 3 AND '%' || stretch || '%' <> pattern THEN
        RETURN QUERY EXECUTE
            'SELECT i.seq FROM incidents i WHERE i.search_text LIKE $1
             AND COALESCE(i.search_text, '''') LIKE $2 ESCAPE ''\'' AND i.seq < $3
             ORDER BY i.seq DESC LIMIT $4'
            USING '%' || stretch || '%', pattern, below, n;
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT i.seq FROM incidents i WHERE i.search_text LIKE $1 ESCAPE ''\'' AND i.seq < $2
         ORDER BY i.seq DESC LIMIT $3'
        USING pattern, below, n;
END
$$;

-- Searches by substance take their candidates from `interdict_filter_candidates` too: planned
-- with the values, a substance without dates reads its newest rows in the index of key and
-- sequence, where this function's plan, made for any dates, read every row of a common
-- substance in the index of key and date and sorted them (150 ms for fentanyl at a million).
DROP FUNCTION interdict_substance_candidates(TEXT, TEXT, TEXT, BIGINT, BIGINT);
