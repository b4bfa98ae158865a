-- The rows of a notice's attached tables (分工台账) become tasks of its
-- ledger, filed under their table's section; a body task's section is ''.
-- The Go step (annexToTasks) moves the rows kept as JSON on notices.annex
-- into tasks exactly as an import now does; the column then goes, so that
-- nothing reads a copy the office cannot edit.
ALTER TABLE tasks ADD COLUMN section TEXT NOT NULL DEFAULT '';
-- duban:go-step
ALTER TABLE notices DROP COLUMN annex;
