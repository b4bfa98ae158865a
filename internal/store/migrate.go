package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
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
}

// migrations lists the files for dialect d in order: NNNN_name.sql is for
// both engines, NNNN_name.sqlite.sql / NNNN_name.postgres.sql for one.
func migrations(d dialect) ([]migration, error) {
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
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies what is missing, each migration in its own transaction,
// and refuses a database written by a newer duban.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.d)
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	for _, m := range ms {
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
			if have >= m.version {
				return nil
			}
			if _, err := x.exec(ctx, m.sql); err != nil {
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
