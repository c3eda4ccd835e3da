-- What lets incident searches and the platform's caches stay fast at a million incidents
-- (issue 19; bench/million.sh), without changing any answer.
--
-- The words of the records (`?q=`, `search_text LIKE '%…%'`): a trigram GIN index (pg_trgm),
-- which the planner uses for LIKE itself, so the statement and its answers are unchanged. Where
-- the server has no pg_trgm (a contrib package not installed), the index is left out and
-- searches scan as before, rather than the upgrade failing.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX incidents_search_text ON incidents USING gin (search_text gin_trgm_ops);
    ELSE
        RAISE NOTICE 'pg_trgm is not available: incident text search stays a scan';
    END IF;
END
$$;

-- The latest change of an existing incident, which the alert feeds and flows check before
-- every answer: only changed incidents are in this index, so the check reads one entry instead
-- of every incident.
CREATE INDEX incidents_changed ON incidents (updated_at) WHERE updated_at > created_at;

-- Row-level security keeps the planner from using that index in a caller's transaction: LIKE is
-- not leakproof, so it may only be checked after the policy, row by row. The candidates are
-- therefore found by this function, run as the tables' owner: the sequence numbers (nothing of
-- a record) of at most `n` incidents below `below` whose words match, newest first, planned
-- with the pattern itself (the index for a rare word, the newest rows for a common one). The
-- caller's query then reads only those rows, under the policy and its own filters, and checks
-- LIKE again.
CREATE FUNCTION interdict_text_candidates(pattern TEXT, below BIGINT, n BIGINT)
    RETURNS TABLE (seq BIGINT) LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
BEGIN
    RETURN QUERY EXECUTE
        'SELECT i.seq FROM incidents i WHERE i.search_text LIKE $1 ESCAPE ''\'' AND i.seq < $2
         ORDER BY i.seq DESC LIMIT $3'
        USING pattern, below, n;
END
$$;

-- A country's incidents newest first, read in the index's order: with an index of the country
-- alone the planner walked the whole table backwards when a country's incidents were old ones.
CREATE INDEX incidents_country_seq ON incidents (country, seq);
DROP INDEX incidents_country;
