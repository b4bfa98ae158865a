package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoginLimits are how many failed password checks are allowed before a
// lock, and for how long a lock holds. Failures older than LockFor are
// forgotten.
type LoginLimits struct {
	// PerAccount failures from one address lock that account for that
	// address: a guesser is stopped without locking the real user out
	// from elsewhere.
	PerAccount int
	// PerAccountAll failures from all addresses together lock the
	// account everywhere, against guessing spread over many addresses.
	PerAccountAll int
	// PerAddress failures from one address, whatever the accounts, lock
	// the address: one client cannot try a few passwords on every
	// account.
	PerAddress int
	LockFor    time.Duration
}

// LockedError is a login refused, without checking its password, because
// one of its counts is locked.
type LockedError struct {
	Until time.Time
}

func (e *LockedError) Error() string { return "login locked until " + e.Until.Format(time.RFC3339) }

// LoginClaim is a login attempt counted before its password is checked.
type LoginClaim struct {
	Login, Addr string
	// Failures is the count of (Login, Addr) with this attempt;
	// Locks is set when this attempt reached a limit, so that a wrong
	// password now locks.
	Failures int
	Locks    bool
	Until    time.Time
}

// ClaimLogin counts one attempt of login from addr as a failure before its
// password is checked, in one transaction, so that any number of
// simultaneous attempts check at most the limit of passwords: the attempt
// that reaches a limit sets the lock, and every later one is refused with
// a *LockedError without its password being checked. LoginSucceeded takes
// the count back when the password was right. A login naming no account
// is counted just the same.
func (s *Store) ClaimLogin(ctx context.Context, login, addr string, lim LoginLimits) (LoginClaim, error) {
	c := LoginClaim{Login: login, Addr: addr}
	now := s.now()
	until := now.Add(lim.LockFor)
	err := s.tx(ctx, func(x q) error {
		// Forget what has expired, so unknown logins do not pile up.
		if _, err := x.exec(ctx, "DELETE FROM login_failures WHERE updated_at < ? AND locked_until < ?",
			unix(now.Add(-lim.LockFor)), unix(now)); err != nil {
			return err
		}
		// Always in this order, so that concurrent claims on PostgreSQL
		// take their row locks in the same order and never deadlock.
		for _, k := range []struct {
			login, addr string
			max         int
		}{{"", addr, lim.PerAddress}, {login, "", lim.PerAccountAll}, {login, addr, lim.PerAccount}} {
			var n int
			err := x.row(ctx, `INSERT INTO login_failures (login, addr, failures, locked_until, updated_at)
				VALUES (?, ?, 1, CASE WHEN 1 >= ? THEN CAST(? AS BIGINT) ELSE 0 END, ?)
				ON CONFLICT (login, addr) DO UPDATE SET
				failures = CASE WHEN login_failures.locked_until > 0 OR login_failures.updated_at < ? THEN 1
					ELSE login_failures.failures + 1 END,
				locked_until = CASE WHEN (CASE WHEN login_failures.locked_until > 0 OR login_failures.updated_at < ? THEN 1
					ELSE login_failures.failures + 1 END) >= ? THEN CAST(? AS BIGINT) ELSE 0 END,
				updated_at = ?
				WHERE login_failures.locked_until <= ?
				RETURNING failures`,
				k.login, k.addr, k.max, unix(until), unix(now),
				unix(now.Add(-lim.LockFor)), unix(now.Add(-lim.LockFor)), k.max, unix(until), unix(now), unix(now)).Scan(&n)
			if errors.Is(err, sql.ErrNoRows) {
				return s.lockedError(ctx, x, k.login, k.addr)
			}
			if err != nil {
				return err
			}
			if n >= k.max {
				c.Locks, c.Until = true, until
			}
			if k.login == login && k.addr == addr {
				c.Failures = n
			}
		}
		return nil
	})
	var le *LockedError
	if err != nil && !errors.As(err, &le) {
		return c, fmt.Errorf("count login %s: %w", login, err)
	}
	return c, err
}

func (s *Store) lockedError(ctx context.Context, x q, login, addr string) error {
	var until int64
	if err := x.row(ctx, "SELECT locked_until FROM login_failures WHERE login = ? AND addr = ?", login, addr).Scan(&until); err != nil {
		return err
	}
	return &LockedError{Until: fromUnix(until)}
}

// LoginSucceeded settles a claim whose password was right. If no other
// attempt was counted since, and no lock set, the account's failures from
// this address are forgotten (it is failures in a row that lock);
// otherwise they stand, so that a right password among parallel guesses
// gives the guessers no extra tries. The address's and the account's
// counts from everywhere take this attempt back, so that an office behind
// one address logging in all day is never locked out by its successes.
func (s *Store) LoginSucceeded(ctx context.Context, c LoginClaim) error {
	err := s.tx(ctx, func(x q) error {
		if _, err := x.exec(ctx, "DELETE FROM login_failures WHERE login = ? AND addr = ? AND failures = ? AND locked_until = 0",
			c.Login, c.Addr, c.Failures); err != nil {
			return err
		}
		_, err := x.exec(ctx, `UPDATE login_failures SET failures = failures - 1
			WHERE ((login = ? AND addr = '') OR (login = '' AND addr = ?)) AND locked_until = 0 AND failures > 0`, c.Login, c.Addr)
		return err
	})
	if err != nil {
		return fmt.Errorf("login %s succeeded: %w", c.Login, err)
	}
	return nil
}
