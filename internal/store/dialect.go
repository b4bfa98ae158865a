package store

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
)

// dialect holds every difference between the engines, so that no query
// elsewhere asks which one it runs on.
type dialect interface {
	name() string // migration file suffix: "sqlite" or "postgres"
	rebind(query string) string
	isUnique(err error) bool
	// isBusy is SQLite's "database is locked", worth a retry.
	isBusy(err error) bool
	// lockMigrations serialises processes that start at once.
	lockMigrations(ctx context.Context, x q) error
	// skipLocked ends a SELECT whose rows one process claims: other
	// processes pass over them instead of waiting. SQLite has one writer
	// at a time, so a claim in a write transaction needs nothing.
	skipLocked() string
}

type sqlite struct{}

func (sqlite) name() string           { return "sqlite" }
func (sqlite) rebind(q string) string { return q }
func (sqlite) isUnique(err error) bool {
	var e *msqlite.Error
	// 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY
	return errors.As(err, &e) && (e.Code() == 2067 || e.Code() == 1555)
}
func (sqlite) isBusy(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == 5 // SQLITE_BUSY and its extended codes
}
func (sqlite) lockMigrations(context.Context, q) error { return nil } // BEGIN IMMEDIATE already
func (sqlite) skipLocked() string                      { return "" }

type postgres struct{}

func (postgres) name() string { return "postgres" }

// rebind turns ? into $1, $2…; our queries hold no literal question marks.
func (postgres) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (postgres) isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

func (postgres) isBusy(error) bool  { return false }
func (postgres) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (postgres) lockMigrations(ctx context.Context, x q) error {
	_, err := x.exec(ctx, "SELECT pg_advisory_xact_lock(7402)")
	return err
}
