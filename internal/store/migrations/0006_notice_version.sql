-- A notice's title and header fields are edited by people after import:
-- like a task, it carries a version so that a stale edit is refused.
ALTER TABLE notices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
