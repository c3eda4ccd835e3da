-- One recorded import per importing country, declaration and substance (issue 18): the key was
-- the declaration id alone, so a declaration of two substances kept only the first, and the
-- same id used by two importing countries kept only one of them. The application writes the
-- key (`country US id US substance`, US = U+001F); rows of earlier versions keep their id as
-- their key, which is unique as it was.
ALTER TABLE alr_ledger RENAME COLUMN declaration_id TO entry_key;
ALTER TABLE alr_ledger ADD COLUMN declaration_id TEXT NOT NULL DEFAULT '';
UPDATE alr_ledger SET declaration_id = entry_key;
