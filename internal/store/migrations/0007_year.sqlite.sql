-- The year of supervision: reporting periods, implementation plans,
-- progress reports with the parts support units write, their attachments,
-- and each task's light kept current (so pages never scan reports).
-- Dates are 'YYYY-MM-DD', times Unix seconds, as in 0001.

-- How a notice's periods open and how far behind pace a task may be.
ALTER TABLE notices ADD COLUMN open_days INTEGER NOT NULL DEFAULT 10;
ALTER TABLE notices ADD COLUMN pace_tolerance INTEGER NOT NULL DEFAULT 10;
-- A task the office closed (已办结), accepting a report that asked it.
ALTER TABLE tasks ADD COLUMN closed_on TEXT NOT NULL DEFAULT '';

CREATE TABLE periods (
    id         INTEGER PRIMARY KEY,
    notice_id  BIGINT  NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('plan', 'progress', 'annual')),
    label      TEXT    NOT NULL,
    starts_on  TEXT    NOT NULL,
    due_on     TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX periods_notice ON periods(notice_id, due_on);

CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    task_id      BIGINT  NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id      BIGINT  NOT NULL REFERENCES units(id),
    state        TEXT    NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
    measures     TEXT    NOT NULL DEFAULT '',
    leader       TEXT    NOT NULL DEFAULT '',
    contact      TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    comment      TEXT    NOT NULL DEFAULT '',
    submitted_at BIGINT  NOT NULL DEFAULT 0,
    reviewed_at  BIGINT  NOT NULL DEFAULT 0,
    reviewed_by  BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    updated_at   BIGINT  NOT NULL,
    UNIQUE (task_id, unit_id)
);
CREATE INDEX plans_unit ON plans(unit_id, state);
CREATE INDEX plans_state ON plans(state, submitted_at);
CREATE TABLE milestones (
    plan_id BIGINT  NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    pos     INTEGER NOT NULL,
    due_on  TEXT    NOT NULL,
    result  TEXT    NOT NULL,
    percent INTEGER,
    PRIMARY KEY (plan_id, pos)
);

CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    task_id        BIGINT  NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    period_id      BIGINT  NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    unit_id        BIGINT  NOT NULL REFERENCES units(id),
    state          TEXT    NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
    progress       TEXT    NOT NULL DEFAULT '',
    percent        INTEGER,
    actuals        TEXT    NOT NULL DEFAULT '[]',
    problems       TEXT    NOT NULL DEFAULT '',
    next_steps     TEXT    NOT NULL DEFAULT '',
    close_request  INTEGER NOT NULL DEFAULT 0,
    comment        TEXT    NOT NULL DEFAULT '',
    submitted_at   BIGINT  NOT NULL DEFAULT 0,
    late           INTEGER NOT NULL DEFAULT 0,
    reviewed_at    BIGINT  NOT NULL DEFAULT 0,
    reviewed_by    BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    UNIQUE (task_id, period_id, unit_id)
);
CREATE INDEX reports_unit ON reports(unit_id, period_id, state);
CREATE INDEX reports_period ON reports(period_id, state);
CREATE INDEX reports_review ON reports(state, submitted_at);
-- A support unit's part of a report, saved apart from the lead's fields.
CREATE TABLE report_parts (
    report_id  BIGINT  NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id    BIGINT  NOT NULL REFERENCES units(id),
    text       TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (report_id, unit_id)
);
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    report_id    BIGINT  NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id      BIGINT  NOT NULL REFERENCES units(id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    created_at   BIGINT  NOT NULL,
    created_by   BIGINT  REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX attachments_report ON attachments(report_id);

-- Each task's light as of computed_on, rewritten when a plan, report,
-- period or the task changes and, for the passage of time, the first time
-- a day's page needs a notice whose lights are older than that day.
CREATE TABLE task_lights (
    task_id     BIGINT  PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    notice_id   BIGINT  NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    light       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    pace        INTEGER NOT NULL DEFAULT 0,
    percent     INTEGER,
    computed_on TEXT    NOT NULL
);
CREATE INDEX task_lights_notice ON task_lights(notice_id, light);
