-- An administrator can disable an account: its sessions and API tokens
-- stop working at once, and it cannot log in until enabled again.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- Failed logins, counted before a password is checked so that parallel
-- guesses cannot outrun the count. One row per account and client address
-- (login, addr), per account from anywhere (login, ''), and per address
-- whatever the account ('', addr). A login that names no account is
-- counted like one that does, so a lock says nothing of which exist.
CREATE TABLE login_failures (
    login        TEXT    NOT NULL,
    addr         TEXT    NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until BIGINT  NOT NULL DEFAULT 0,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (login, addr)
);
CREATE INDEX login_failures_updated ON login_failures(updated_at);

-- The count and the lock moved to login_failures.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
