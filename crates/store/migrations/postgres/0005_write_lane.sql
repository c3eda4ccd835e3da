-- The write lane: a table that is never written, only locked, as the first statement of every
-- write transaction (before PostgreSQL takes the transaction's snapshot). A first try locks it
-- in SHARE mode, which does not conflict with itself, so writers run in parallel; a re-run
-- after losing a serialization race locks it in EXCLUSIVE mode, so it waits for the running
-- writers, new writers queue behind it, and it runs alone across every server sharing this
-- database: it cannot lose the same race again. Plain reads (ACCESS SHARE) are never blocked.
CREATE TABLE write_lane ();
