-- A notice's title and header fields are edited by people after import:
-- like a task, it carries a version so that a stale edit is refused.
ALTER TABLE notices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- The unit names the office typed into an import's review, which are
-- checked against the directory before the import is confirmed.
ALTER TABLE drafts ADD COLUMN typed_units TEXT NOT NULL DEFAULT '[]';
