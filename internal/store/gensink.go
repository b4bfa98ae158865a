package store

import (
	"context"
	"database/sql"
	"iter"
	"strings"

	"github.com/jackc/pgx/v5"
)

// genSink writes a table's rows in bulk, inside the one transaction of a
// Gen: COPY on PostgreSQL, multi-row INSERTs of one prepared statement on
// SQLite. rows yields a buffer it reuses; tick is called now and then
// with the rows written so far.
type genSink interface {
	copy(ctx context.Context, table string, cols []string, rows iter.Seq[[]any], tick func(int64)) (int64, error)
}

// genTick is how many rows pass between progress ticks.
const genTick = 1_000_000

type pgSink struct{ tx pgx.Tx }

func (k pgSink) copy(ctx context.Context, table string, cols []string, rows iter.Seq[[]any], tick func(int64)) (int64, error) {
	next, stop := iter.Pull(rows)
	defer stop()
	src := &pullSource{next: next, tick: tick}
	return k.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
}

// pullSource is an iterator as pgx's CopyFromSource; pgx encodes each row
// before it asks for the next, so the buffer may be reused.
type pullSource struct {
	next func() ([]any, bool)
	row  []any
	n    int64
	tick func(int64)
}

func (p *pullSource) Next() bool {
	var ok bool
	p.row, ok = p.next()
	if ok {
		if p.n++; p.n%genTick == 0 && p.tick != nil {
			p.tick(p.n)
		}
	}
	return ok
}

func (p *pullSource) Values() ([]any, error) { return p.row, nil }
func (p *pullSource) Err() error             { return nil }

type sqliteSink struct{ tx *sql.Tx }

func (k sqliteSink) copy(ctx context.Context, table string, cols []string, rows iter.Seq[[]any], tick func(int64)) (int64, error) {
	// SQLite takes at most 32766 parameters a statement
	per := max(1, min(500, 32000/len(cols)))
	stmt := func(n int) string {
		one := "(" + placeholders(len(cols)) + ")"
		return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
	}
	full, err := k.tx.PrepareContext(ctx, stmt(per))
	if err != nil {
		return 0, err
	}
	defer full.Close()
	args := make([]any, 0, per*len(cols))
	var n int64
	for row := range rows {
		args = append(args, row...)
		if n++; n%genTick == 0 && tick != nil {
			tick(n)
		}
		if len(args) == cap(args) {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return n, err
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := k.tx.ExecContext(ctx, stmt(len(args)/len(cols)), args...); err != nil {
			return n, err
		}
	}
	return n, nil
}
