// Package testdb gives each test a fresh, migrated database: SQLite in a
// temporary directory, or a fresh schema on the PostgreSQL server named by
// DUBAN_TEST_PG.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"duban/internal/store"
)

// Engines are the databases available to tests: always SQLite, and
// PostgreSQL when DUBAN_TEST_PG is set.
func Engines() []string {
	if os.Getenv("DUBAN_TEST_PG") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// New opens a fresh database: PostgreSQL when DUBAN_TEST_PG is set, else SQLite.
func New(t testing.TB) *store.Store {
	e := Engines()
	return Open(t, e[len(e)-1])
}

// Each runs fn as a subtest on every available engine.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, e := range Engines() {
		t.Run(e, func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// DSN returns a fresh database's connection string for engine, removed
// when the test ends.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		return filepath.Join(t.TempDir(), "duban.db")
	}
	base := os.Getenv("DUBAN_TEST_PG")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a fresh migrated database on engine.
func Open(t testing.TB, engine string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t, engine))
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
