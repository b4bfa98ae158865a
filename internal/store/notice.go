package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"duban/internal/division"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/units"
)

// NoticeInfo is an imported notice without its tasks.
type NoticeInfo struct {
	ID        int64
	Issuer    string
	DocNumber string
	Year      int
	IssuedOn  notice.Date
	Title     string
	// Jurisdiction is the issuing government's GB/T 2260 code ("" if not
	// known); the unit names the notice prints are that government's.
	Jurisdiction string
	JurName      string
	SourceName   string
	Schedule     notice.Schedule
	Warnings     []notice.Warning
	TaskCount    int // tasks the asking scope sees
	Version      int // of the header fields, which the office edits
	TableTasks   int // of those, the rows of attached tables (Notice only)
	CreatedAt    time.Time
}

// Name is how the notice is called where a heading needs words: its title,
// else its doc number, else its file, never blank.
func (n *NoticeInfo) Name() string {
	switch {
	case n.Title != "":
		return n.Title
	case n.DocNumber != "":
		return n.DocNumber
	case n.SourceName != "":
		return n.SourceName
	}
	return fmt.Sprintf("第 %d 号通知", n.ID)
}

// DuplicateError is a notice imported before; it wraps ErrDuplicate.
type DuplicateError struct{ Existing NoticeInfo }

func (e *DuplicateError) Error() string {
	n := e.Existing
	name := n.Name()
	if n.Title != "" && n.DocNumber != "" {
		name += "（" + n.DocNumber + "）"
	}
	return fmt.Sprintf("该通知已于 %s 导入：%s，不能重复导入", n.CreatedAt.Format("2006-01-02 15:04"), name)
}

func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// fingerprints identify a notice twice over: by issuer and doc number when
// it has one, and by the text of its tasks, which a re-typed or re-saved
// copy keeps. The text is the body's tasks, as before attached tables
// became tasks, so that notices imported then still match; a notice whose
// items are only in tables is known by those.
func fingerprints(n *notice.Notice) (docKey any, content string) {
	tasks := n.LedgerTasks()
	if n.DocNumber != "" {
		docKey = units.Key(n.Issuer) + "|" + units.Key(n.DocNumber)
	}
	body := slices.DeleteFunc(slices.Clone(tasks), func(t notice.Task) bool { return t.Section != "" })
	if len(body) == 0 {
		body = tasks
	}
	h := sha256.New()
	for _, t := range body {
		h.Write([]byte(units.Key(t.Text)))
		h.Write([]byte{0})
	}
	return docKey, hex.EncodeToString(h.Sum(nil))
}

// ImportNotice stores a parsed notice and its tasks, units and leaders in
// one transaction, in the jurisdiction of its issuer: the body's tasks and
// the rows of its attached tables, each a task under its table's section
// (notice.LedgerTasks). A notice already imported is a *DuplicateError.
func (s *Store) ImportNotice(ctx context.Context, n *notice.Notice, source string, by Actor) (int64, error) {
	return s.ImportNoticeIn(ctx, n, source, "", by)
}

// Jurisdiction is the government a notice's issuer stands for, as the
// office is offered it at import: its code, or "" if not known.
func (s *Store) Jurisdiction(ctx context.Context, issuer string) (string, error) {
	tb, err := s.Divisions(ctx)
	if err != nil {
		return "", err
	}
	d, _ := tb.Issuer(issuer)
	return d.Code, nil
}

// ImportNoticeIn is ImportNotice with the government the office confirmed
// or picked (a division code; "" derives it from the issuer).
func (s *Store) ImportNoticeIn(ctx context.Context, n *notice.Notice, source, jurisdiction string, by Actor) (int64, error) {
	tasks := n.LedgerTasks()
	if len(tasks) == 0 {
		return 0, errors.New("通知中没有任务，无法导入 (notice has no tasks)")
	}
	// the limits apply to every item, the table's rows as the body's tasks
	whole := *n
	whole.Tasks, whole.Annex = tasks, nil
	if err := ledger.CheckNotice(&whole); err != nil {
		return 0, fmt.Errorf("import %s: %w", source, err)
	}
	title := n.Title
	if title == "" {
		title = n.ProposedTitle() // no notice is left without a heading
	}
	docKey, content := fingerprints(n)
	var id int64
	err := s.tx(ctx, func(x q) error {
		if err := duplicateOf(ctx, x, n); err != nil {
			return err
		}
		now := s.now()
		dir, err := newUnitCache(ctx, x, jurisdiction, now)
		if err != nil {
			return err
		}
		if jurisdiction == "" {
			d, _ := dir.tb.Issuer(n.Issuer)
			dir.j = d.Code
		} else if _, ok := dir.tb.Get(jurisdiction); !ok {
			return fmt.Errorf("没有行政区划代码 %q，请从列表中选择发文政府 (%w)", jurisdiction, ErrUnknownJurisdiction)
		}
		sched, _ := json.Marshal(n.Schedule)
		warns, _ := json.Marshal(nonNil(n.Warnings))
		id, err = x.insert(ctx, `INSERT INTO notices (issuer, doc_number, year, issued_on, title, schedule, warnings,
			source_name, doc_key, content_hash, created_by, created_at, jurisdiction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.Issuer, n.DocNumber, n.Year, n.IssuedOn.String(), title, string(sched), string(warns),
			source, docKey, content, nullID(by.UserID), unix(now), dir.j)
		if s.d.isUnique(err) {
			return &DuplicateError{NoticeInfo{Title: title, DocNumber: n.DocNumber, CreatedAt: now}}
		}
		if err != nil {
			return fmt.Errorf("insert notice: %w", err)
		}
		if err := insertTasks(ctx, x, dir, id, 1, tasks, now); err != nil {
			return err
		}
		if _, err := createPeriods(ctx, x, id, n.Schedule, n.Year, n.IssuedOn, now); err != nil {
			return err
		}
		// Departments named for the first time join 市政府各部门 too.
		dir.groups[dir.j] = true
		if err := dir.fillGroups(ctx); err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityNotice, id, ActionImport, nil,
			map[string]any{"title": title, "doc_number": n.DocNumber, "tasks": len(tasks), "source": source, "jurisdiction": dir.j})
	})
	if err != nil {
		return 0, s.inZone(fmt.Errorf("import %s: %w", source, err))
	}
	return id, nil
}

// Duplicate returns a *DuplicateError naming the notice imported before
// that n repeats, or nil: the upload asks it before the office reviews.
func (s *Store) Duplicate(ctx context.Context, n *notice.Notice) error {
	if err := duplicateOf(ctx, s.r(), n); err != nil {
		return s.inZone(fmt.Errorf("check duplicate: %w", err))
	}
	return nil
}

// duplicateOf is the check of Duplicate within x.
func duplicateOf(ctx context.Context, x q, n *notice.Notice) error {
	docKey, content := fingerprints(n)
	var dup int64
	err := x.row(ctx, "SELECT id FROM notices WHERE doc_key = ? OR content_hash = ? ORDER BY id LIMIT 1", docKey, content).Scan(&dup)
	if err := noRows(err, "notice", ""); errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	info, err := noticeInfo(ctx, x, dup)
	if err != nil {
		return err
	}
	return &DuplicateError{*info}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// insertTasks stores ts as the tasks of a notice from seq on.
func insertTasks(ctx context.Context, x q, dir *unitCache, noticeID int64, seq int, ts []notice.Task, now time.Time) error {
	for i := range ts {
		if _, err := insertTask(ctx, x, dir, noticeID, seq+i, &ts[i], now); err != nil {
			return fmt.Errorf("task %s%s: %w", ts[i].Section, ts[i].No, err)
		}
	}
	return nil
}

func insertTask(ctx context.Context, x q, dir *unitCache, noticeID int64, seq int, t *notice.Task, now time.Time) (int64, error) {
	path, _ := json.Marshal(nonNil(t.Path))
	heading := ""
	if len(t.Path) > 0 {
		heading = t.Path[0]
	}
	f := ledger.FieldsOf(t)
	leaders, _ := json.Marshal(f.Leaders)
	targets, _ := json.Marshal(f.Targets)
	id, err := x.insert(ctx, `INSERT INTO tasks (notice_id, seq, section, number, path, heading, text, leaders, deadline, deadline_text,
		targets, line, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		noticeID, seq, t.Section, t.No, string(path), heading, t.Text, string(leaders), t.Deadline.String(), t.DeadlineText,
		string(targets), t.Line, unix(now))
	if err != nil {
		return 0, err
	}
	return id, writeAssignments(ctx, x, dir, id, f)
}

// writeAssignments stores a task's units and leaders, which must be absent.
// A task's leaders live on its row (tasks.leaders, in the order printed);
// task_leaders is only their index, for the leaders' pages and filters,
// written here and nowhere else, in the transaction that writes the row.
func writeAssignments(ctx context.Context, x q, dir *unitCache, taskID int64, f ledger.TaskFields) error {
	for _, l := range f.Leaders {
		if _, err := x.exec(ctx, "INSERT INTO task_leaders (task_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", taskID, l); err != nil {
			return err
		}
	}
	for _, ra := range f.ByRole() {
		for pos, name := range ra.Names {
			uid, err := dir.id(ctx, name)
			if err != nil {
				return err
			}
			if _, err := x.exec(ctx, "INSERT INTO assignments (task_id, unit_id, role, pos) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
				taskID, uid, ra.Role, pos); err != nil {
				return err
			}
		}
	}
	return nil
}

const noticeCols = `id, issuer, doc_number, year, issued_on, title, source_name, schedule, warnings, version, created_at, jurisdiction`

func scanNotice(sc interface{ Scan(...any) error }) (*NoticeInfo, error) {
	var n NoticeInfo
	var issued, sched, warns string
	var created int64
	if err := sc.Scan(&n.ID, &n.Issuer, &n.DocNumber, &n.Year, &issued, &n.Title, &n.SourceName, &sched, &warns, &n.Version, &created, &n.Jurisdiction); err != nil {
		return nil, err
	}
	n.IssuedOn, _ = notice.ParseDate(issued)
	n.JurName = division.Builtin().Name(n.Jurisdiction)
	n.CreatedAt = fromUnix(created)
	if err := errors.Join(json.Unmarshal([]byte(sched), &n.Schedule), json.Unmarshal([]byte(warns), &n.Warnings)); err != nil {
		return nil, fmt.Errorf("notice %d: %w", n.ID, err)
	}
	return &n, nil
}

func noticeInfo(ctx context.Context, x q, id int64) (*NoticeInfo, error) {
	n, err := scanNotice(x.row(ctx, "SELECT "+noticeCols+" FROM notices WHERE id = ?", id))
	if err := noRows(err, "notice", id); err != nil {
		return nil, err
	}
	return n, nil
}

// Notice returns one notice, with the number of its tasks sc sees.
func (s *Store) Notice(ctx context.Context, id int64, sc ledger.Scope) (*NoticeInfo, error) {
	n, err := noticeInfo(ctx, s.r(), id)
	if err != nil {
		return nil, err
	}
	if n.Jurisdiction != "" && n.JurName == "" { // an office's zone
		tb, err := s.Divisions(ctx)
		if err != nil {
			return nil, err
		}
		n.JurName = tb.Name(n.Jurisdiction)
	}
	if n.TaskCount, err = s.CountTasks(ctx, TaskFilter{NoticeID: id, Scope: sc}); err != nil {
		return nil, err
	}
	w := TaskFilter{NoticeID: id, Scope: sc}.where(false)
	w.add("t.section <> ''")
	if err := s.r().row(ctx, "SELECT COUNT(*) FROM tasks t WHERE "+w.sql(), w.args...).Scan(&n.TableTasks); err != nil {
		return nil, fmt.Errorf("count table tasks: %w", err)
	}
	if err := s.scopeWarnings(ctx, sc, id, []*NoticeInfo{n}); err != nil {
		return nil, err
	}
	return n, nil
}

// scopeWarnings keeps, for a limited scope, only the parser's warnings
// about tasks the scope sees, all of them: a warning about the notice as a
// whole or naming another task (a numbering gap, a line skipped) may
// quote tasks and units outside the scope. noticeID 0 is every notice.
func (s *Store) scopeWarnings(ctx context.Context, sc ledger.Scope, noticeID int64, ns []*NoticeInfo) error {
	if !sc.Limited() {
		return nil
	}
	seen := map[int64]map[int]bool{} // notice → seq of tasks seen
	w := TaskFilter{NoticeID: noticeID, Scope: sc}.where(false)
	err := eachRow(ctx, s.r(), "SELECT t.notice_id, t.seq FROM tasks t WHERE "+w.sql(), w.args, func(sc func(...any) error) error {
		var id int64
		var seq int
		if err := sc(&id, &seq); err != nil {
			return err
		}
		if seen[id] == nil {
			seen[id] = map[int]bool{}
		}
		seen[id][seq] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("tasks in scope: %w", err)
	}
	for _, n := range ns {
		var keep []notice.Warning
		for _, wn := range n.Warnings {
			// Warning.Tasks index Notice.Tasks, stored as seq 1, 2, …
			ok := len(wn.Tasks) > 0
			for _, i := range wn.Tasks {
				ok = ok && seen[n.ID][i+1]
			}
			if ok {
				keep = append(keep, wn)
			}
		}
		n.Warnings = keep
	}
	return nil
}

// Notices lists notices newest first; a limited scope sees only those
// holding a task of its own.
func (s *Store) Notices(ctx context.Context, sc ledger.Scope) ([]*NoticeInfo, error) {
	return s.NoticesOf(ctx, TaskFilter{Scope: sc})
}

// NoticeCount is how many notices there are.
func (s *Store) NoticeCount(ctx context.Context) (int, error) {
	var n int
	err := s.r().row(ctx, "SELECT COUNT(*) FROM notices").Scan(&n)
	return n, err
}

// NoticeList is every notice, newest first, without counting their tasks:
// for a choice of notice, where the count costs a scan of every task.
func (s *Store) NoticeList(ctx context.Context) ([]*NoticeInfo, error) {
	var out []*NoticeInfo
	err := eachRow(ctx, s.r(), "SELECT "+noticeCols+" FROM notices ORDER BY year DESC, id DESC", nil, func(sc func(...any) error) error {
		n, err := scanNotice(scanFunc(sc))
		out = append(out, n)
		return err
	})
	return out, err
}

// NoticesOf lists, newest first, the notices holding a task f selects,
// each with the number of those tasks. With no filter and a scope that
// sees everything, every notice is listed, even one without a task.
func (s *Store) NoticesOf(ctx context.Context, f TaskFilter) ([]*NoticeInfo, error) {
	w := f.where(true)
	counts := map[int64]int{}
	rows, err := s.r().query(ctx, "SELECT t.notice_id, COUNT(*) FROM tasks t WHERE "+w.sql()+" GROUP BY t.notice_id", w.args...)
	if err != nil {
		return nil, fmt.Errorf("count tasks: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		counts[id] = n
	}
	rows.Close()
	all := len(w.parts) == 0
	rows, err = s.r().query(ctx, "SELECT "+noticeCols+" FROM notices ORDER BY year DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	defer rows.Close()
	var out []*NoticeInfo
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		n.TaskCount = counts[n.ID]
		if !all && n.TaskCount == 0 {
			continue
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.scopeWarnings(ctx, f.Scope, f.NoticeID, out)
}

// LedgerExport is the ledger as it stands now, for export: the notice's
// header (no tasks) and the tasks f selects.
func (s *Store) LedgerExport(ctx context.Context, f TaskFilter) (*notice.Notice, []*ledger.Task, error) {
	info, err := s.Notice(ctx, f.NoticeID, f.Scope)
	if err != nil {
		return nil, nil, err
	}
	f.Limit, f.Offset = 0, 0
	ts, err := s.Tasks(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	head := &notice.Notice{Issuer: info.Issuer, DocNumber: info.DocNumber, Year: info.Year, IssuedOn: info.IssuedOn,
		Title: info.Title, Schedule: info.Schedule, Warnings: []notice.Warning{}}
	return head, ts, nil
}

// DeleteNotice removes a notice and its tasks; the audit log keeps the record.
func (s *Store) DeleteNotice(ctx context.Context, id int64, by Actor) error {
	return s.tx(ctx, func(x q) error {
		info, err := noticeInfo(ctx, x, id)
		if err != nil {
			return err
		}
		if _, err := x.exec(ctx, "DELETE FROM notices WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete notice %d: %w", id, err)
		}
		return writeAudit(ctx, x, s.now(), by, EntityNotice, id, "delete",
			map[string]any{"title": info.Title, "doc_number": info.DocNumber}, nil)
	})
}

// NoticeUnits lists the units named on a notice's tasks that sc sees, by
// name, for the ledger's filters.
func (s *Store) NoticeUnits(ctx context.Context, noticeID int64, sc ledger.Scope) ([]UnitRef, error) {
	w := where{}
	w.add("t.notice_id = ?", noticeID)
	w.scope(sc)
	var out []UnitRef
	err := eachRow(ctx, s.r(), `SELECT u.id, u.name FROM units u WHERE u.id IN (SELECT a2.unit_id FROM tasks t
		JOIN assignments a2 ON a2.task_id = t.id WHERE `+w.sql()+") ORDER BY u.name", w.args, func(sc func(...any) error) error {
		var u UnitRef
		err := sc(&u.ID, &u.Name)
		out = append(out, u)
		return err
	})
	return out, err
}

// NoticeLeaders counts a notice's tasks (every notice's for 0) under each
// leader that sc sees, most first.
func (s *Store) NoticeLeaders(ctx context.Context, noticeID int64, sc ledger.Scope) ([]Count, error) {
	w := where{}
	if noticeID != 0 {
		w.add("t.notice_id = ?", noticeID)
	}
	w.scope(sc)
	rows, err := s.r().query(ctx, `SELECT l.name, COUNT(*) FROM task_leaders l JOIN tasks t ON t.id = l.task_id
		WHERE `+w.sql()+` GROUP BY l.name ORDER BY COUNT(*) DESC, l.name`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("count leaders: %w", err)
	}
	return scanCounts(rows)
}
