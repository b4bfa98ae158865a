package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"
)

// ScratchPostgres makes a fresh schema on the PostgreSQL server of base
// and returns a DSN that uses it, and a function that drops it: for
// benchmarks that must not touch real data.
func ScratchPostgres(ctx context.Context, base string) (dsn string, drop func(), err error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop = func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// RawInsertRate is the anchor of a benchmark: how many single-row insert
// transactions per second the database makes durable, n of them one after
// another on the write connection, into a table of its own.
func (s *Store) RawInsertRate(ctx context.Context, n int) (float64, error) {
	if _, err := s.w.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT NOT NULL, v TEXT NOT NULL)"); err != nil {
		return 0, err
	}
	defer s.w.ExecContext(ctx, "DROP TABLE bench_raw")
	start := time.Now()
	for i := range n {
		if _, err := s.w.ExecContext(ctx, s.d.rebind("INSERT INTO bench_raw (id, v) VALUES (?, ?)"), i, "进展情况"); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// RushCounts says what a deadline rush left in a period: reports submitted,
// and reports or submissions recorded more than once.
func (s *Store) RushCounts(ctx context.Context, periodID int64) (stored, duplicated int, err error) {
	r := s.r()
	if err = r.row(ctx, "SELECT COUNT(*) FROM reports WHERE period_id = ? AND state = 'submitted'", periodID).Scan(&stored); err != nil {
		return
	}
	var rows, distinct, audits int
	if err = r.row(ctx, "SELECT COUNT(*), COUNT(DISTINCT task_id) FROM reports WHERE period_id = ?", periodID).Scan(&rows, &distinct); err != nil {
		return
	}
	if err = r.row(ctx, `SELECT COUNT(*) FROM audit WHERE entity = ? AND action = ? AND entity_id IN (SELECT id FROM reports WHERE period_id = ?)`,
		EntityReport, ActionSubmit, periodID).Scan(&audits); err != nil {
		return
	}
	return stored, (rows - distinct) + max(0, audits-stored), nil
}
