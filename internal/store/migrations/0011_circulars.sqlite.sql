-- Circulars (通报): drafted from the ledger's figures for a notice and a
-- period, edited by the office, then issued — numbered and frozen — or
-- withdrawn with a reason. doc_json is the document as printed, facts_json
-- the figures it was drafted from. A doc number is never given twice, even
-- once its circular is withdrawn.
CREATE TABLE circulars (
    id              INTEGER PRIMARY KEY,
    notice_id       BIGINT  NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    period_id       BIGINT  NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    state           TEXT    NOT NULL CHECK (state IN ('draft', 'issued', 'withdrawn')),
    title           TEXT    NOT NULL,
    doc_json        TEXT    NOT NULL,
    facts_json      TEXT    NOT NULL,
    doc_prefix      TEXT    NOT NULL DEFAULT '',
    doc_year        INTEGER NOT NULL DEFAULT 0,
    doc_seq         INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    issued_at       BIGINT  NOT NULL DEFAULT 0,
    issued_by       TEXT    NOT NULL DEFAULT '',
    withdrawn_at    BIGINT  NOT NULL DEFAULT 0,
    withdraw_reason TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX circulars_notice ON circulars(notice_id, id);
CREATE UNIQUE INDEX circulars_doc_number ON circulars(doc_prefix, doc_year, doc_seq) WHERE doc_seq > 0;

-- The units an issued circular names: each may read it.
CREATE TABLE circular_units (
    circular_id BIGINT NOT NULL REFERENCES circulars(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (circular_id, unit_id)
);
CREATE INDEX circular_units_unit ON circular_units(unit_id);
