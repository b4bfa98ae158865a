package store

import (
	"context"
	"encoding/json"
	"errors"

	"duban/internal/notice"
)

// ExecForTest runs a raw statement on the write connection.
func (s *Store) ExecForTest(ctx context.Context, stmt string) error {
	_, err := s.w.ExecContext(ctx, stmt)
	return err
}

// OpenAtVersionForTest opens dsn with its schema brought up to version v
// only, as an older duban left it.
func OpenAtVersionForTest(ctx context.Context, dsn string, v int) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrateTo(ctx, dataSteps, v); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ErrStepForTest is what MigrateFailingForTest's Go step returns.
var ErrStepForTest = errors.New("the Go step failed")

// MigrateFailingForTest migrates with the Go step of version v doing its
// work and then failing.
func (s *Store) MigrateFailingForTest(ctx context.Context, v int) error {
	steps := map[int]dataStep{}
	for k, f := range dataSteps {
		steps[k] = f
	}
	do := steps[v]
	steps[v] = func(ctx context.Context, s *Store, x q) error {
		if do != nil {
			if err := do(ctx, s, x); err != nil {
				return err
			}
		}
		return ErrStepForTest
	}
	return s.migrateTo(ctx, steps, 0)
}

// ImportV1ForTest imports n as duban did at schema version 1: the body's
// tasks as tasks, the annex rows as JSON on the notice.
func (s *Store) ImportV1ForTest(ctx context.Context, n *notice.Notice, source string) (int64, error) {
	var id int64
	err := s.tx(ctx, func(x q) error {
		docKey, content := fingerprints(n)
		now := s.now()
		sched, _ := json.Marshal(n.Schedule)
		annex, _ := json.Marshal(nonNil(n.Annex))
		warns, _ := json.Marshal(nonNil(n.Warnings))
		var err error
		id, err = x.insert(ctx, `INSERT INTO notices (issuer, doc_number, year, issued_on, title, schedule, annex, warnings,
			source_name, doc_key, content_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.Issuer, n.DocNumber, n.Year, n.IssuedOn.String(), n.Title, string(sched), string(annex), string(warns),
			source, docKey, content, nil, unix(now))
		if err != nil {
			return err
		}
		dir := newUnitCache(x, s.d, now)
		for i, t := range n.Tasks {
			path, _ := json.Marshal(nonNil(t.Path))
			heading := ""
			if len(t.Path) > 0 {
				heading = t.Path[0]
			}
			f := FieldsOf(&t)
			leaders, _ := json.Marshal(f.Leaders)
			targets, _ := json.Marshal(f.Targets)
			tid, err := x.insert(ctx, `INSERT INTO tasks (notice_id, seq, number, path, heading, text, leaders, deadline, deadline_text,
				targets, line, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, i+1, t.No, string(path), heading, t.Text, string(leaders), t.Deadline.String(), t.DeadlineText,
				string(targets), t.Line, unix(now))
			if err != nil {
				return err
			}
			if err := writeAssignments(ctx, x, dir, tid, f); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}
