-- Reminders and urging (催办). A unit's contacts are where its reminders
-- go besides its inbox: e-mail addresses and robot webhooks (the office's
-- own, for escalations, have no unit). A webhook's address and signing
-- secret are written once and never shown again in full.
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT  REFERENCES units(id) ON DELETE CASCADE,
    channel      TEXT    NOT NULL CHECK (channel IN ('email', 'dingtalk', 'wecom')),
    address      TEXT    NOT NULL,
    secret       TEXT    NOT NULL DEFAULT '',
    label        TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    last_sent_at BIGINT  NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX contacts_unit ON contacts(unit_id);

-- What a unit was reminded or urged of, one row a task: its inbox and the
-- task's timeline show them. key makes a run's rows once only.
CREATE TABLE urgings (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE,
    unit_id    BIGINT  NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    task_id    BIGINT  NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    period_id  BIGINT  NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    step       TEXT    NOT NULL CHECK (step IN ('remind', 'urge', 'escalate', 'manual')),
    item       TEXT    NOT NULL CHECK (item IN ('plan', 'report', 'resubmit')),
    text       TEXT    NOT NULL,
    by_name    TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL
);
CREATE INDEX urgings_unit ON urgings(unit_id, created_at);
CREATE INDEX urgings_task ON urgings(task_id, created_at);

-- One digest to one contact: queued, claimed by one process for a lease
-- (sending), then sent, or queued again after a back-off, or failed after
-- the last try. key makes a run's deliveries once only.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    unit_id     BIGINT  NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    contact_id  BIGINT  REFERENCES contacts(id) ON DELETE SET NULL,
    channel     TEXT    NOT NULL,
    shown_to    TEXT    NOT NULL,
    escalation  INTEGER NOT NULL DEFAULT 0,
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'superseded')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     BIGINT  NOT NULL,
    lease_until BIGINT  NOT NULL DEFAULT 0,
    locked_by   TEXT    NOT NULL DEFAULT '',
    last_error  TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    sent_at     BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_due ON deliveries(state, next_at);
CREATE INDEX deliveries_unit ON deliveries(unit_id, id);

-- A day's run of the scheduler: taken by one process for a lease, done
-- once. Its jobs are made idempotently, so a run taken over redoes nothing.
CREATE TABLE remind_runs (
    day         TEXT    PRIMARY KEY,
    state       TEXT    NOT NULL CHECK (state IN ('running', 'done')),
    lease_until BIGINT  NOT NULL,
    locked_by   TEXT    NOT NULL,
    items       INTEGER NOT NULL DEFAULT 0,
    deliveries  INTEGER NOT NULL DEFAULT 0,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT  NOT NULL DEFAULT 0
);
