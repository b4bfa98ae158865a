-- Units belong to a government (行政区划). notices.jurisdiction and
-- units.jurisdiction hold its GB/T 2260 code ('' while unknown);
-- units.government is the division a government unit (郑州市政府) or a
-- zone's 管委会 stands for. name_key and alias_key become the
-- jurisdiction's code, '|' and the folded name, so that one name is one
-- unit per government. The Go step of this migration (jurisdiction.go)
-- fills the codes from the issuers and splits units that notices of
-- different governments had merged.
ALTER TABLE notices ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN government TEXT NOT NULL DEFAULT '';
-- A group's members follow from the division table and the directory
-- until the office sets them by hand.
ALTER TABLE units ADD COLUMN auto_members INTEGER NOT NULL DEFAULT 1;
UPDATE units SET auto_members = 0 WHERE id IN (SELECT group_id FROM unit_members);
UPDATE units SET name_key = '|' || name_key;
UPDATE unit_aliases SET alias_key = '|' || alias_key;
CREATE INDEX units_name ON units(name);
CREATE INDEX units_government ON units(government);
CREATE INDEX units_jurisdiction ON units(jurisdiction);
-- The government the office confirmed for a notice under review.
ALTER TABLE drafts ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT '';
-- Functional zones (开发区、示范区、新区) the office adds to the national table.
CREATE TABLE zones (
    code       TEXT   PRIMARY KEY,
    name       TEXT   NOT NULL,
    parent     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
