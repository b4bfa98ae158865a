package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// TaskFilter selects tasks; zero fields select everything.
type TaskFilter struct {
	NoticeID int64
	UnitID   int64       // tasks naming this unit, or a group it belongs to
	Role     ledger.Role // with UnitID: only in this role
	Leader   string
	Heading  string
	Query    string // words in the text, or the task's number
	Light    ledger.LightState
	LightAt  int64       // with Light: the light the task had on this past period's due date
	Deadline notice.Date // tasks due to be completed that day
	IDs      []int64     // only these tasks (a list's page of them)
	PeriodID int64       // with Report: the period whose reports are asked about
	Report   string      // ReportFilters: tasks whose report for PeriodID is in this state
	Scope    ledger.Scope
	Limit    int
	Offset   int
}

// where builds a WHERE clause with its arguments, in order.
type where struct {
	parts []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.parts = append(w.parts, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.parts) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.parts, " AND ")
}

// unitCond matches tasks naming unit u directly or through a group u is a
// member of. Written as IN over the assignments index so that the engine
// builds the task list once instead of probing for every task.
// unitCond picks the tasks naming a unit or a group it belongs to. The
// units are one set, not "= ? OR IN (…)": PostgreSQL does not use an index
// across an OR, and at a national scale that is a scan of every assignment.
const unitCond = `t.id IN (SELECT a.task_id FROM assignments a
	WHERE a.unit_id IN (SELECT CAST(? AS BIGINT) UNION ALL SELECT m.group_id FROM unit_members m WHERE m.member_id = ?)%s)`

func (w *where) unit(id int64, role ledger.Role) {
	if role != "" {
		w.add(fmt.Sprintf(unitCond, " AND a.role = ?"), id, id, role)
		return
	}
	w.add(fmt.Sprintf(unitCond, ""), id, id)
}

func (w *where) leader(name string) {
	w.add("t.id IN (SELECT l.task_id FROM task_leaders l WHERE l.name = ?)", name)
}

func (w *where) scope(sc ledger.Scope) {
	switch {
	case sc.UnitID != 0:
		w.unit(sc.UnitID, "")
	case sc.ByLeader:
		w.leader(sc.Leader)
	}
}

// likeEscape makes user words match literally inside LIKE.
var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func (f TaskFilter) where(withHeading bool) *where {
	w := &where{}
	if f.NoticeID != 0 {
		w.add("t.notice_id = ?", f.NoticeID)
	}
	if f.UnitID != 0 {
		w.unit(f.UnitID, f.Role)
	}
	if f.Leader != "" {
		w.leader(f.Leader)
	}
	if withHeading && f.Heading != "" {
		w.add("t.heading = ?", f.Heading)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.add(`(t.text LIKE ? ESCAPE '\' OR t.number = ?)`, "%"+likeEscape.Replace(q)+"%", q)
	}
	switch {
	case f.Light != "" && f.LightAt != 0:
		w.add("t.id IN (SELECT l.task_id FROM period_lights l WHERE l.period_id = ? AND l.light = ?)", f.LightAt, string(f.Light))
	case f.Light != "":
		w.add("t.id IN (SELECT l.task_id FROM task_lights l WHERE l.light = ?)", string(f.Light))
	}
	if !f.Deadline.IsZero() {
		w.add("t.deadline = ?", f.Deadline.String())
	}
	if f.IDs != nil {
		args := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			args[i] = id
		}
		if len(args) == 0 {
			w.add("1 = 0")
		} else {
			w.add("t.id IN ("+placeholders(len(args))+")", args...)
		}
	}
	if f.Report != "" && f.PeriodID != 0 {
		w.report(f.PeriodID, f.Report, f.UnitID)
	}
	w.scope(f.Scope)
	return w
}

const taskCols = `t.id, t.notice_id, n.title, n.doc_number, n.jurisdiction, t.seq, t.section, t.number, t.path, t.text, t.leaders, t.deadline, t.deadline_text,
	t.targets, t.line, t.version, t.updated_at, t.closed_on`

func scanTask(sc interface{ Scan(...any) error }) (*ledger.Task, error) {
	var t ledger.Task
	var path, leaders, deadline, targets, closed string
	var updated int64
	if err := sc.Scan(&t.ID, &t.NoticeID, &t.NoticeTitle, &t.NoticeDoc, &t.Jurisdiction, &t.Seq, &t.Section, &t.No, &path, &t.Text, &leaders, &deadline,
		&t.DeadlineText, &targets, &t.Line, &t.Version, &updated, &closed); err != nil {
		return nil, err
	}
	t.UpdatedAt = fromUnix(updated)
	t.Deadline, _ = notice.ParseDate(deadline)
	t.ClosedOn, _ = notice.ParseDate(closed)
	if err := errors.Join(json.Unmarshal([]byte(path), &t.Path), json.Unmarshal([]byte(leaders), &t.Leaders),
		json.Unmarshal([]byte(targets), &t.Targets)); err != nil {
		return nil, fmt.Errorf("task %d: %w", t.ID, err)
	}
	return &t, nil
}

// Tasks returns the tasks f selects in ledger order, with their units.
func (s *Store) Tasks(ctx context.Context, f TaskFilter) ([]*ledger.Task, error) {
	if f.Light != "" {
		if err := s.freshenFor(ctx, f); err != nil {
			return nil, err
		}
	}
	w := f.where(true)
	query := "SELECT " + taskCols + " FROM tasks t JOIN notices n ON n.id = t.notice_id WHERE " + w.sql() +
		" ORDER BY n.year DESC, t.notice_id DESC, t.seq"
	args := w.args
	if f.Limit > 0 {
		query += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := s.r().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	defer rows.Close()
	var out []*ledger.Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.loadAssignments(ctx, s.r(), out); err != nil {
		return nil, err
	}
	return out, s.loadLights(ctx, out)
}

// loadAssignments fills the units of ts, a page at a time.
func (s *Store) loadAssignments(ctx context.Context, x q, ts []*ledger.Task) error {
	byID := make(map[int64]*ledger.Task, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	if len(ts) == 0 {
		return nil
	}
	tb, err := divisions(ctx, x)
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(ts, 500) {
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t.ID
		}
		rows, err := x.query(ctx, `SELECT a.task_id, a.unit_id, u.name, u.is_group, a.role, u.jurisdiction, `+ambiguous("u")+` FROM assignments a
			JOIN units u ON u.id = a.unit_id WHERE a.task_id IN (`+placeholders(len(args))+`)
			ORDER BY a.task_id, CASE a.role WHEN 'lead' THEN 0 WHEN 'support' THEN 1 ELSE 2 END, a.pos`, args...)
		if err != nil {
			return fmt.Errorf("load units: %w", err)
		}
		for rows.Next() {
			var id int64
			var a ledger.Assignment
			var group int
			var j string
			var amb bool
			if err := rows.Scan(&id, &a.UnitID, &a.Unit, &group, &a.Role, &j, &amb); err != nil {
				rows.Close()
				return err
			}
			a.IsGroup, a.Label = group != 0, a.Unit
			if amb {
				a.Label = unitLabel(tb, j, a.Unit)
			}
			byID[id].Assignments = append(byID[id].Assignments, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// CountTasks is the number of tasks f selects.
func (s *Store) CountTasks(ctx context.Context, f TaskFilter) (int, error) {
	if f.Light != "" {
		if err := s.freshenFor(ctx, f); err != nil {
			return 0, err
		}
	}
	w := f.where(true)
	var n int
	err := s.r().row(ctx, "SELECT COUNT(*) FROM tasks t WHERE "+w.sql(), w.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count tasks: %w", err)
	}
	return n, nil
}

// Count is a name with a number of tasks.
type Count struct {
	Name string
	N    int
}

// HeadingCounts counts the tasks f selects under each heading, whatever
// heading f itself asks for, in the notice's order.
func (s *Store) HeadingCounts(ctx context.Context, f TaskFilter) ([]Count, error) {
	if f.Light != "" {
		if err := s.freshenFor(ctx, f); err != nil {
			return nil, err
		}
	}
	w := f.where(false)
	rows, err := s.r().query(ctx, "SELECT t.heading, COUNT(*) FROM tasks t WHERE "+w.sql()+
		" GROUP BY t.heading ORDER BY MIN(t.notice_id), MIN(t.seq)", w.args...)
	if err != nil {
		return nil, fmt.Errorf("count headings: %w", err)
	}
	return scanCounts(rows)
}

// RoleCounts counts, for f.UnitID, the tasks f selects in each role.
func (s *Store) RoleCounts(ctx context.Context, f TaskFilter) (map[string]int, error) {
	out := map[string]int{}
	for _, role := range ledger.Roles {
		g := f
		g.Role = role
		n, err := s.CountTasks(ctx, g)
		if err != nil {
			return nil, err
		}
		out[string(role)] = n
	}
	return out, nil
}

func scanCounts(rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}) ([]Count, error) {
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Name, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Leaders counts the tasks under each leader that sc sees, most first.
func (s *Store) Leaders(ctx context.Context, sc ledger.Scope) ([]Count, error) {
	return s.NoticeLeaders(ctx, 0, sc)
}

// Task returns one task if sc may see it; a task outside the scope is
// ErrNotFound, so that its existence is not disclosed.
func (s *Store) Task(ctx context.Context, id int64, sc ledger.Scope) (*ledger.Task, error) {
	t, err := getTask(ctx, s.r(), s, id, sc)
	if err != nil {
		return nil, err
	}
	return t, s.loadLights(ctx, []*ledger.Task{t})
}

func getTask(ctx context.Context, x q, s *Store, id int64, sc ledger.Scope) (*ledger.Task, error) {
	w := where{}
	w.add("t.id = ?", id)
	w.scope(sc)
	t, err := scanTask(x.row(ctx, "SELECT "+taskCols+" FROM tasks t JOIN notices n ON n.id = t.notice_id WHERE "+w.sql(), w.args...))
	if err := noRows(err, "task", id); err != nil {
		return nil, err
	}
	return t, s.loadAssignments(ctx, x, []*ledger.Task{t})
}

// StaleError is a save of a task someone changed meanwhile; it wraps
// ErrStale and holds the task as it now is.
type StaleError struct {
	Current *ledger.Task
	By      string
	At      time.Time
}

func (e *StaleError) Error() string { return staleMessage("任务", e.By, e.At, e.Current.Version) }

// staleMessage tells the second editor of a task or a notice who saved
// first and that nothing of theirs was saved.
func staleMessage(what, by string, at time.Time, version int) string {
	who := ""
	if by != "" {
		who = fmt.Sprintf("已被 %s 于 %s 修改，", by, at.Format("2006-01-02 15:04"))
	}
	return fmt.Sprintf("该%s在您打开后%s当前为第 %d 版。您的修改没有保存，请对照最新内容后重新提交。", what, who, version)
}

func (e *StaleError) Unwrap() error { return ErrStale }

// UpdateTask saves f over task id if it is still at version, and records
// the change in the audit log. A stale version is a *StaleError.
func (s *Store) UpdateTask(ctx context.Context, id int64, version int, f ledger.TaskFields, by Actor) (*ledger.Task, error) {
	nt := f.Task()
	if err := ledger.CheckTask(nt); err != nil {
		return nil, s.inZone(fmt.Errorf("update task %d: %w", id, err))
	}
	f = ledger.FieldsOf(nt)
	var out *ledger.Task
	err := s.tx(ctx, func(x q) error {
		cur, err := getTask(ctx, x, s, id, ledger.Scope{})
		if err != nil {
			return err
		}
		if cur.Version != version {
			se := &StaleError{Current: cur}
			var at int64
			if err := x.row(ctx, `SELECT user_name, created_at FROM audit WHERE entity = ? AND entity_id = ?
				ORDER BY id DESC LIMIT 1`, EntityTask, id).Scan(&se.By, &at); err == nil {
				se.At = fromUnix(at)
			}
			return se
		}
		before := cur.Fields()
		now := s.now()
		leaders, _ := json.Marshal(f.Leaders)
		targets, _ := json.Marshal(f.Targets)
		res, err := x.exec(ctx, `UPDATE tasks SET text = ?, leaders = ?, deadline = ?, deadline_text = ?, targets = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			f.Text, string(leaders), f.Deadline.String(), f.DeadlineText, string(targets), unix(now), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &StaleError{Current: cur}
		}
		// a new deadline or lead unit changes the pace and who reports
		// An edited deadline or unit changes the task's past lights too.
		if _, err := x.exec(ctx, "DELETE FROM period_lights WHERE task_id = ?", id); err != nil {
			return err
		}
		if err := invalidateLights(ctx, x, id); err != nil {
			return err
		}
		for _, del := range []string{"DELETE FROM task_leaders WHERE task_id = ?", "DELETE FROM assignments WHERE task_id = ?"} {
			if _, err := x.exec(ctx, del, id); err != nil {
				return err
			}
		}
		dir, err := newUnitCache(ctx, x, cur.Jurisdiction, now)
		if err != nil {
			return err
		}
		if err := writeAssignments(ctx, x, dir, id, f); err != nil {
			return err
		}
		if err := dir.fillGroups(ctx); err != nil {
			return err
		}
		if out, err = getTask(ctx, x, s, id, ledger.Scope{}); err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityTask, id, ActionUpdate, before, out.Fields())
	})
	if err != nil {
		return nil, s.inZone(fmt.Errorf("update task %d: %w", id, err))
	}
	return out, nil
}
