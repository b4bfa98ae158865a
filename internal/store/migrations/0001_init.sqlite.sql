-- The whole schema of the first release. Times are Unix seconds (BIGINT),
-- dates are 'YYYY-MM-DD' or '' so that both engines compare them alike.
CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE,
    is_group   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
CREATE TABLE unit_aliases (
    alias_key TEXT   PRIMARY KEY,
    alias     TEXT   NOT NULL,
    unit_id   BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE
);
CREATE INDEX unit_aliases_unit ON unit_aliases(unit_id);
CREATE TABLE unit_members (
    group_id  BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id),
    CHECK (group_id <> member_id)
);
CREATE INDEX unit_members_member ON unit_members(member_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'office', 'unit', 'leader', 'viewer')),
    unit_id       BIGINT  REFERENCES units(id),
    leader        TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    CHECK (role <> 'unit' OR unit_id IS NOT NULL)
);
CREATE TABLE sessions (
    token_hash TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    token_hash TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,
    issuer       TEXT    NOT NULL,
    doc_number   TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    issued_on    TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    schedule     TEXT    NOT NULL,
    annex        TEXT    NOT NULL,
    warnings     TEXT    NOT NULL,
    source_name  TEXT    NOT NULL,
    doc_key      TEXT    UNIQUE,
    content_hash TEXT    NOT NULL UNIQUE,
    created_by   BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL
);
CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    notice_id     BIGINT  NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    number        TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    heading       TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    leaders       TEXT    NOT NULL,
    deadline      TEXT    NOT NULL,
    deadline_text TEXT    NOT NULL,
    targets       TEXT    NOT NULL,
    line          INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    BIGINT  NOT NULL,
    UNIQUE (notice_id, seq)
);
CREATE INDEX tasks_heading ON tasks(notice_id, heading);
CREATE TABLE task_leaders (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    name    TEXT   NOT NULL,
    PRIMARY KEY (task_id, name)
);
CREATE INDEX task_leaders_name ON task_leaders(name);
CREATE TABLE assignments (
    task_id BIGINT  NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id BIGINT  NOT NULL REFERENCES units(id),
    role    TEXT    NOT NULL CHECK (role IN ('lead', 'support', 'responsible')),
    pos     INTEGER NOT NULL,
    PRIMARY KEY (task_id, unit_id, role)
);
CREATE INDEX assignments_unit ON assignments(unit_id, role);

CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source_name TEXT   NOT NULL,
    notice      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    user_id     BIGINT,
    user_name   TEXT   NOT NULL,
    entity      TEXT   NOT NULL,
    entity_id   BIGINT NOT NULL,
    action      TEXT   NOT NULL,
    before_json TEXT   NOT NULL,
    after_json  TEXT   NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
-- The audit log is append-only: the database itself refuses to rewrite it.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
