package main

import (
	"context"
	"testing"

	"duban/internal/store/testdb"
)

// TestServeTwoAtOnce: two processes started together on an empty
// database (as a service manager starting two instances does) both come
// up, and there is one admin whose password works on both.
func TestServeTwoAtOnce(t *testing.T) {
	const pw = "two-at-once-pass"
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			// A few rounds, since the race needs both to reach the same
			// step at the same moment.
			for range 3 {
				dsn := testdb.DSN(t, engine)
				dir := t.TempDir()
				env := testEnv("DUBAN_ADMIN_PASSWORD=" + pw)
				a := launchDuban(t, dir, env, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
				b := launchDuban(t, dir, env, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
				a.waitListening()
				b.waitListening()
				mustLogin(t, a.URL, "admin", pw)
				mustLogin(t, b.URL, "admin", pw)
				a.stop()
				b.stop()
				st := openStore(t, dsn)
				if n, err := st.CountUsers(context.Background()); err != nil || n != 1 {
					t.Errorf("%d accounts (%v), want one admin", n, err)
				}
				st.Close()
			}
		})
	}
}
