// Package store keeps duban's data in SQLite (the embedded default) or
// PostgreSQL, with the same hand-written SQL for both where SQL allows.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Errors callers tell apart; every store error that means one of these
// wraps it.
var (
	ErrNotFound = errors.New("not found")
	// ErrStale is a save based on a version someone else has since changed.
	ErrStale = errors.New("stale version")
	// ErrDuplicate is a notice that has already been imported.
	ErrDuplicate = errors.New("duplicate")
	// ErrUnknownJurisdiction is a division code the table does not hold.
	ErrUnknownJurisdiction = errors.New("unknown jurisdiction")
	// ErrConflict is a name or login already taken.
	ErrConflict = errors.New("conflict")
	// ErrUnknownLeader is a leader account for a name no task has.
	ErrUnknownLeader = errors.New("no task has this leader")
	// ErrNotDemo is a database with real accounts or notices, which
	// --demo must not fill with accounts whose password is "demo".
	ErrNotDemo = errors.New("not a demo database")
)

// Store is the database. Reads go through db; writes go through w, which
// for SQLite is a single connection so that writers queue in Go instead of
// failing with SQLITE_BUSY.
type Store struct {
	db, w  *sql.DB
	d      dialect
	now    func() time.Time
	report map[int][]string // what each migration's data step changed, by version
	// loc is the deployment's time zone, in which the store's messages
	// (a stale edit, a duplicate notice) say their times.
	loc *time.Location
}

// Open connects to dsn — a postgres:// URL, or else a SQLite file path —
// and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ErrNoDatabase is a database that does not exist or holds no duban data;
// OpenExisting returns it rather than create one.
var ErrNoDatabase = errors.New("no duban database")

// OpenExisting opens a duban database that exists already, bringing its
// schema up to date as Open does, and never creates one: a command that
// only reads must not leave an empty duban.db behind a mistyped path.
func OpenExisting(ctx context.Context, dsn string) (*Store, error) {
	if !IsPostgres(dsn) {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			return nil, fmt.Errorf("数据库文件 %s 不存在 (%w)", path, ErrNoDatabase)
		}
	}
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	var v int
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil || v == 0 {
		s.Close()
		return nil, fmt.Errorf("该数据库中没有 duban 的数据 (%w)", ErrNoDatabase)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func open(dsn string) (*Store, error) {
	s := &Store{now: time.Now, loc: time.Local}
	if IsPostgres(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// as many idle as open: a connection closed after a burst is one
		// to dial and authenticate again in the next
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.db, s.w, s.d = db, db, postgres{}
		return s, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	q := url.Values{}
	// busy_timeout first: switching a new file to WAL takes a lock that
	// another process starting at the same moment may hold.
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	rd, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	q.Set("_txlock", "immediate")
	wr, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		rd.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	wr.SetMaxOpenConns(1)
	rd.SetMaxOpenConns(8)
	// every open reader stays open: the default keeps two, and reopening
	// the others under load (pragmas, schema read) cost a fifth of the CPU
	rd.SetMaxIdleConns(8)
	s.db, s.w, s.d = rd, wr, sqlite{}
	return s, nil
}

// IsPostgres reports whether dsn names a PostgreSQL server.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Close closes the connections.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.w != s.db {
		err = errors.Join(err, s.w.Close())
	}
	return err
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// SetLocation sets the time zone the store's messages speak in.
func (s *Store) SetLocation(loc *time.Location) { s.loc = loc }

// inZone puts the times an error shows to a person in the store's zone.
func (s *Store) inZone(err error) error {
	var (
		stale  *StaleError
		nstale *NoticeStaleError
		dup    *DuplicateError
	)
	if errors.As(err, &stale) {
		stale.At = stale.At.In(s.loc)
	}
	if errors.As(err, &nstale) {
		nstale.At = nstale.At.In(s.loc)
	}
	if errors.As(err, &dup) {
		dup.Existing.CreatedAt = dup.Existing.CreatedAt.In(s.loc)
	}
	return err
}

// SetClock replaces time.Now, for tests of expiry and lockout.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock, in the deployment's time zone.
func (s *Store) Now() time.Time { return s.now().In(s.loc) }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q wraps a querier so that queries are written once with ? placeholders.
type q struct {
	x querier
	d dialect
}

func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.x.ExecContext(ctx, q.d.rebind(query), args...)
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.x.QueryContext(ctx, q.d.rebind(query), args...)
}

func (q q) row(ctx context.Context, query string, args ...any) *sql.Row {
	return q.x.QueryRowContext(ctx, q.d.rebind(query), args...)
}

// insert runs an INSERT … RETURNING id.
func (q q) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := q.row(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

func (s *Store) r() q { return q{s.db, s.d} }

// tx runs fn in one write transaction: all of it lands or none.
func (s *Store) tx(ctx context.Context, fn func(q) error) error {
	t, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(q{t, s.d}); err != nil {
		t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func notFound(what string, id any) error {
	return fmt.Errorf("%s %v: %w", what, id, ErrNotFound)
}

// noRows turns sql.ErrNoRows into ErrNotFound.
func noRows(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what, id)
	}
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, id, err)
	}
	return nil
}

func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0)
}

// placeholders returns "?,?,…" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func errNoRowsIf(b bool) error {
	if b {
		return sql.ErrNoRows
	}
	return nil
}

// InputError is a change the store refuses, with the reason in Chinese
// for the person who asked: a bad value (400), or, when Stale, a record
// someone else changed or acted on first (409).
type InputError struct {
	Msg   string
	Stale bool
	Err   error // what callers tell apart, if anything
}

func (e *InputError) Error() string { return e.Msg }

func (e *InputError) Unwrap() error {
	if e.Stale {
		return ErrStale
	}
	return e.Err
}
