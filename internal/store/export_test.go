package store

import (
	"context"
	"duban/internal/ledger"
	"encoding/json"
	"errors"
	"fmt"

	"duban/internal/notice"
	"duban/internal/units"
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
		dir := newUnitCacheBefore0003(x, now)
		for i, t := range n.Tasks {
			path, _ := json.Marshal(nonNil(t.Path))
			heading := ""
			if len(t.Path) > 0 {
				heading = t.Path[0]
			}
			f := ledger.FieldsOf(&t)
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

// ImportBefore0003ForTest stores n as duban did before migration 0003 (on
// a database at version 2): one directory keyed by the folded name alone,
// and the notice without a jurisdiction. Each unit named for the first
// time gets an account u<unit id>, as the demo made them.
func (s *Store) ImportBefore0003ForTest(ctx context.Context, n *notice.Notice, source string) error {
	return s.tx(ctx, func(x q) error {
		docKey, content := fingerprints(n)
		nid, err := x.insert(ctx, `INSERT INTO notices (issuer, doc_number, year, issued_on, title, schedule, warnings,
			source_name, doc_key, content_hash, created_at) VALUES (?, ?, ?, ?, ?, '{}', '[]', ?, ?, ?, 0)`,
			n.Issuer, n.DocNumber, n.Year, n.IssuedOn.String(), n.Title, source, docKey, content)
		if err != nil {
			return err
		}
		for i, t := range n.Tasks {
			path, _ := json.Marshal(nonNil(t.Path))
			tid, err := x.insert(ctx, `INSERT INTO tasks (notice_id, seq, number, path, heading, text, leaders, deadline, deadline_text,
				targets, line, updated_at) VALUES (?, ?, ?, ?, '', ?, '[]', '', '', '[]', 0, 0)`, nid, i+1, t.No, string(path), t.Text)
			if err != nil {
				return err
			}
			for _, ra := range ledger.FieldsOf(&t).ByRole() {
				for pos, name := range ra.Names {
					key := units.Key(name)
					var uid int64
					err := x.row(ctx, "SELECT id FROM units WHERE name_key = ?", key).Scan(&uid)
					if err != nil {
						group := 0
						if units.IsGroup(name) {
							group = 1
						}
						if uid, err = x.insert(ctx, "INSERT INTO units (name, name_key, is_group, created_at) VALUES (?, ?, ?, 0)", name, key, group); err != nil {
							return err
						}
						if _, err := x.exec(ctx, `INSERT INTO users (login, name, role, unit_id, password_hash, created_at)
							VALUES (?, ?, 'unit', ?, 'x', 0)`, fmt.Sprintf("u%d", uid), name, uid); err != nil {
							return err
						}
					}
					if _, err := x.exec(ctx, "INSERT INTO assignments (task_id, unit_id, role, pos) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
						tid, uid, ra.Role, pos); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
