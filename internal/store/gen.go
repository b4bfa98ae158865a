package store

import (
	"context"
	"fmt"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Load is a generated data set for benchmarks: Units units, Notices
// notices of TasksPer tasks each, every task led by one unit in turn, one
// progress period per notice due on Due, and a share of the reports
// already submitted (Filed, in percent).
type Load struct {
	Units, Notices, TasksPer int
	Due                      notice.Date
	Filed                    int
}

// Generate writes a Load with multi-row inserts, a notice at a time in
// one transaction each, and returns the units' ids.
func (s *Store) Generate(ctx context.Context, l Load) ([]int64, error) {
	now := unix(s.now())
	var unitIDs []int64
	err := s.tx(ctx, func(x q) error {
		unitIDs = unitIDs[:0]
		for i := range l.Units {
			name := fmt.Sprintf("压测单位%05d", i+1)
			id, err := x.insert(ctx, "INSERT INTO units (name, name_key, is_group, created_at) VALUES (?, ?, 0, ?)", name, unitKey("", name), now)
			if err != nil {
				return err
			}
			unitIDs = append(unitIDs, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	start := ledger.AddDays(l.Due, -90)
	seq := 0
	for n := range l.Notices {
		err := s.tx(ctx, func(x q) error {
			nid, err := x.insert(ctx, `INSERT INTO notices (issuer, doc_number, year, issued_on, title, schedule, warnings, source_name, doc_key, content_hash, created_at)
				VALUES ('压测', ?, ?, ?, '压测通知', '{}', '[]', 'gen', ?, ?, ?)`, fmt.Sprintf("压测〔%d〕%d号", l.Due.Y, n+1), l.Due.Y, start.String(),
				fmt.Sprintf("gen-%d", n), fmt.Sprintf("gen-%d", n), now)
			if err != nil {
				return err
			}
			pid, err := x.insert(ctx, "INSERT INTO periods (notice_id, kind, label, starts_on, due_on, updated_at) VALUES (?, 'progress', '第四季度', ?, ?, ?)",
				nid, start.String(), l.Due.String(), now)
			if err != nil {
				return err
			}
			const batch = 500
			for lo := 0; lo < l.TasksPer; lo += batch {
				hi := min(lo+batch, l.TasksPer)
				var vals []string
				var args []any
				for i := lo; i < hi; i++ {
					vals = append(vals, "(?, ?, '', ?, '[]', '', ?, '[]', '', '', '[]', 0, ?)")
					args = append(args, nid, i+1, fmt.Sprint(i+1), fmt.Sprintf("压测任务第%d项：完成年度目标。", i+1), now)
				}
				if _, err := x.exec(ctx, `INSERT INTO tasks (notice_id, seq, section, number, path, heading, text, leaders, deadline, deadline_text, targets, line, updated_at)
					VALUES `+strings.Join(vals, ", "), args...); err != nil {
					return err
				}
				// Each task is led by the next unit in turn.
				vals, args = vals[:0], args[:0]
				for i := lo; i < hi; i++ {
					vals = append(vals, "((SELECT id FROM tasks WHERE notice_id = ? AND seq = ?), ?, 'lead', 0)")
					args = append(args, nid, i+1, unitIDs[(seq+i)%len(unitIDs)])
				}
				if _, err := x.exec(ctx, "INSERT INTO assignments (task_id, unit_id, role, pos) VALUES "+strings.Join(vals, ", "), args...); err != nil {
					return err
				}
			}
			if l.Filed > 0 {
				if _, err := x.exec(ctx, `INSERT INTO reports (task_id, period_id, unit_id, state, progress, submitted_at, created_at, updated_at)
					SELECT a.task_id, ?, a.unit_id, 'submitted', '按计划推进。', ?, ?, ? FROM assignments a JOIN tasks t ON t.id = a.task_id
					WHERE t.notice_id = ? AND t.seq % 100 < ?`, pid, now, now, now, nid, l.Filed); err != nil {
					return err
				}
			}
			seq += l.TasksPer
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("notice %d: %w", n+1, err)
		}
	}
	// The planner's statistics, as a live database's autovacuum keeps them.
	_, err = s.w.ExecContext(ctx, "ANALYZE")
	return unitIDs, err
}
