package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"duban/internal/store"
	"duban/internal/store/testdb"
)

// TestLoginCounts: failures in a row lock; a right password in between
// resets the count; a lock ends after LockFor and old failures are
// forgotten; the address and account-wide counts lock too.
func TestLoginCounts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lim := store.LoginLimits{PerAccount: 3, PerAccountAll: 5, PerAddress: 4, LockFor: 15 * time.Minute}
		now := time.Unix(1_800_000_000, 0)
		s.SetClock(func() time.Time { return now })
		claim := func(login, addr string) (store.LoginClaim, bool) {
			t.Helper()
			c, err := s.ClaimLogin(ctx, login, addr, lim)
			var le *store.LockedError
			if errors.As(err, &le) {
				return c, true
			}
			if err != nil {
				t.Fatal(err)
			}
			return c, false
		}
		// Two failures, then the right password: the count starts again.
		claim("a", "1.1.1.1")
		claim("a", "1.1.1.1")
		c, _ := claim("a", "1.1.1.1")
		if c.Failures != 3 || !c.Locks {
			t.Fatalf("third claim: %+v", c)
		}
		if err := s.LoginSucceeded(ctx, c); err != nil {
			t.Fatal(err)
		}
		// The third claim set the lock before its password was checked;
		// a right password does not lift it.
		if _, locked := claim("a", "1.1.1.1"); !locked {
			t.Error("the lock set by a right third attempt was lifted")
		}
		// Another account: two failures, success, two more do not lock.
		claim("b", "2.2.2.2")
		c, _ = claim("b", "2.2.2.2")
		s.LoginSucceeded(ctx, c)
		claim("b", "2.2.2.2")
		if c, locked := claim("b", "2.2.2.2"); locked || c.Locks {
			t.Error("failures before a success still counted")
		}
		// A lock ends after LockFor; counting restarts at one.
		now = now.Add(16 * time.Minute)
		if c, locked := claim("a", "1.1.1.1"); locked || c.Failures != 1 {
			t.Errorf("after the lock ended: %+v locked %v", c, locked)
		}
		// Failures older than LockFor are forgotten.
		claim("c", "3.3.3.3")
		claim("c", "3.3.3.3")
		now = now.Add(16 * time.Minute)
		if c, _ := claim("c", "3.3.3.3"); c.Failures != 1 {
			t.Errorf("old failures still counted: %d", c.Failures)
		}
		// One address on many accounts: the fourth failure locks the address.
		for _, l := range []string{"d", "e", "f", "g"} {
			claim(l, "4.4.4.4")
		}
		if _, locked := claim("h", "4.4.4.4"); !locked {
			t.Error("the address was not locked after 4 failures on 4 accounts")
		}
		// One account from many addresses: the fifth locks it everywhere.
		for _, a := range []string{"5.0.0.1", "5.0.0.2", "5.0.0.3", "5.0.0.4", "5.0.0.5"} {
			claim("z", a)
		}
		if _, locked := claim("z", "5.0.0.6"); !locked {
			t.Error("the account was not locked after 5 failures from 5 addresses")
		}
	})
}
