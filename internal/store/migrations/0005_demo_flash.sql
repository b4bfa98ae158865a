-- Facts about the database itself, such as that `duban serve --demo`
-- created it (name 'demo'): --demo adds its accounts, all with the password
-- "demo", only to an empty database or to one created as a demo.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A message for a session's next page only, such as a new API token: kept
-- sealed with the session's own cookie, which the database never holds,
-- and cleared when the page shows it.
ALTER TABLE sessions ADD COLUMN flash TEXT NOT NULL DEFAULT '';
