package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
	// after is the SQL to run after the migration's Go step: the part of
	// the file below the goStepMarker line.
	after string
	step  dataStep
}

// dataStep is a migration's step written in Go, for data SQL cannot move
// (JSON to rows, a name through the unit directory). It runs in the
// migration's transaction, after the SQL above the goStepMarker line of
// the migration's file (or after the whole file when it has none) and
// before the SQL below it.
type dataStep func(ctx context.Context, s *Store, x q) error

// goStepMarker is the line of a migration file where its Go step runs.
const goStepMarker = "-- duban:go-step"

// dataSteps are the Go steps, by migration version.
var dataSteps = map[int]dataStep{
	2:  annexToTasks,
	3:  splitByJurisdiction,
	10: periodsForNotices,
}

// migrations lists the files for dialect d in order: NNNN_name.sql is for
// both engines, NNNN_name.sqlite.sql / NNNN_name.postgres.sql for one.
func migrations(d dialect, steps map[int]dataStep) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		if i := strings.LastIndexByte(base, '.'); i >= 0 {
			if base[i+1:] != d.name() {
				continue
			}
			base = base[:i]
		}
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: no leading number", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		m := migration{version: v, name: e.Name(), sql: string(b), step: steps[v]}
		if before, after, ok := strings.Cut(m.sql, goStepMarker); ok {
			if m.step == nil {
				return nil, fmt.Errorf("migration %s: %s but no Go step for version %d", e.Name(), goStepMarker, v)
			}
			m.sql, m.after = before, after
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for v := range steps {
		if !slices.ContainsFunc(out, func(m migration) bool { return m.version == v }) {
			return nil, fmt.Errorf("migration %04d: a Go step but no SQL file", v)
		}
	}
	return out, nil
}

// MigrationReport is what the data steps of the migrations Open applied
// changed, a line each, for the log.
func (s *Store) MigrationReport() []string {
	var out []string
	for _, v := range slices.Sorted(maps.Keys(s.report)) {
		out = append(out, s.report[v]...)
	}
	return out
}

// migrate applies what is missing, each migration in its own transaction,
// and refuses a database written by a newer duban.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, dataSteps, 0)
}

// migrateTo applies the migrations up to version upTo (all for 0) with the
// given Go steps; tests build older schemas with it.
func (s *Store) migrateTo(ctx context.Context, steps map[int]dataStep, upTo int) error {
	ms, err := migrations(s.d, steps)
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	for _, m := range ms {
		if upTo > 0 && m.version > upTo {
			break
		}
		err := s.retryBusy(ctx, func(x q) error {
			// The lock comes first, even before the table of versions is
			// created: two processes starting together on an empty
			// PostgreSQL database would otherwise both create it, and one
			// would fail.
			if err := s.d.lockMigrations(ctx, x); err != nil {
				return err
			}
			if _, err := x.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
				return err
			}
			var have int
			if err := x.row(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&have); err != nil {
				return err
			}
			if have > latest {
				return fmt.Errorf("数据库版本 %d 高于本程序支持的 %d，请升级 duban (database schema %d is newer than this duban, %d)", have, latest, have, latest)
			}
			// Each version is looked up, not compared with the highest:
			// migrations written side by side may land out of order.
			var done int
			if err := x.row(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if err := execSQL(ctx, x, m.sql); err != nil {
				return err
			}
			if m.step != nil {
				if err := m.step(ctx, s, x); err != nil {
					return fmt.Errorf("Go step: %w", err)
				}
			}
			if err := execSQL(ctx, x, m.after); err != nil {
				return err
			}
			_, err := x.exec(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, unix(s.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// retryBusy runs fn in a transaction, again while SQLite reports the file
// busy. A new SQLite file being switched to WAL by another process answers
// SQLITE_BUSY at once, without waiting out busy_timeout.
func (s *Store) retryBusy(ctx context.Context, fn func(q) error) error {
	deadline := time.Now().Add(30 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err := s.tx(ctx, fn)
		if err == nil || !s.d.isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// execSQL runs a migration's statements, if it has any.
func execSQL(ctx context.Context, x q, sql string) error {
	if strings.TrimSpace(sql) == "" {
		return nil
	}
	_, err := x.exec(ctx, sql)
	return err
}
