package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// createPeriods writes the periods a notice's schedule sets, in the
// transaction that imports (or migrates) the notice.
func createPeriods(ctx context.Context, x q, noticeID int64, s notice.Schedule, year int, issued notice.Date, now time.Time) (int, error) {
	ps := ledger.SchedulePeriods(s, year, issued)
	for _, p := range ps {
		if _, err := x.insert(ctx, `INSERT INTO periods (notice_id, kind, label, starts_on, due_on, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			noticeID, string(p.Kind), p.Label, p.Start.String(), p.Due.String(), unix(now)); err != nil {
			return 0, fmt.Errorf("insert period: %w", err)
		}
	}
	return len(ps), nil
}

// periodsForNotices is migration 0010's step: every notice imported before
// periods existed gets those its schedule sets.
func periodsForNotices(ctx context.Context, s *Store, x q) error {
	type row struct {
		id     int64
		sched  string
		year   int
		issued string
	}
	var ns []row
	err := eachRow(ctx, x, `SELECT id, schedule, COALESCE(year, 0), issued_on FROM notices
		WHERE id NOT IN (SELECT notice_id FROM periods) ORDER BY id`, nil, func(sc func(...any) error) error {
		var r row
		err := sc(&r.id, &r.sched, &r.year, &r.issued)
		ns = append(ns, r)
		return err
	})
	if err != nil {
		return err
	}
	now := s.now()
	for _, r := range ns {
		var sched notice.Schedule
		if err := json.Unmarshal([]byte(r.sched), &sched); err != nil {
			return fmt.Errorf("notice %d schedule: %w", r.id, err)
		}
		issued, _ := notice.ParseDate(r.issued)
		if _, err := createPeriods(ctx, x, r.id, sched, r.year, issued, now); err != nil {
			return fmt.Errorf("notice %d: %w", r.id, err)
		}
	}
	return nil
}

const periodCols = `id, notice_id, kind, label, starts_on, due_on, version`

func scanPeriod(sc interface{ Scan(...any) error }) (ledger.Period, error) {
	var p ledger.Period
	var kind, start, due string
	if err := sc.Scan(&p.ID, &p.NoticeID, &kind, &p.Label, &start, &due, &p.Version); err != nil {
		return p, err
	}
	p.Kind = ledger.PeriodKind(kind)
	p.Start, _ = notice.ParseDate(start)
	p.Due, _ = notice.ParseDate(due)
	return p, nil
}

// Periods are a notice's reporting periods, by due date.
func (s *Store) Periods(ctx context.Context, noticeID int64) ([]ledger.Period, error) {
	return periodsOf(ctx, s.r(), noticeID)
}

func periodsOf(ctx context.Context, x q, noticeID int64) ([]ledger.Period, error) {
	rows, err := x.query(ctx, "SELECT "+periodCols+" FROM periods WHERE notice_id = ? ORDER BY due_on, id", noticeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.Period
	for rows.Next() {
		p, err := scanPeriod(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Period is one reporting period.
func (s *Store) Period(ctx context.Context, id int64) (ledger.Period, error) {
	p, err := scanPeriod(s.r().row(ctx, "SELECT "+periodCols+" FROM periods WHERE id = ?", id))
	return p, noRows(err, "报送期", id)
}

// Reporting is how a notice's periods open and how far behind 序时进度 a
// task may report before it is lagging.
type Reporting struct {
	OpenDays  int
	Tolerance int
}

// NoticeReporting is a notice's reporting settings.
func (s *Store) NoticeReporting(ctx context.Context, noticeID int64) (Reporting, error) {
	var r Reporting
	err := s.r().row(ctx, "SELECT open_days, pace_tolerance FROM notices WHERE id = ?", noticeID).Scan(&r.OpenDays, &r.Tolerance)
	return r, noRows(err, "通知", noticeID)
}

// ErrPeriodInUse refuses removing a period that reports were filed for.
var ErrPeriodInUse = errors.New("period has reports")

// PeriodProblem says in Chinese what is wrong with a period the office
// adds or moves, or "".
func PeriodProblem(p ledger.Period) string {
	switch {
	case p.Kind != ledger.PeriodPlan && p.Kind != ledger.PeriodProgress && p.Kind != ledger.PeriodAnnual:
		return "报送期类型须为落实方案、进展或年度。"
	case strings.TrimSpace(p.Label) == "":
		return "请填写报送期名称，如“第三季度”或“9月”。"
	case utf8.RuneCountInString(p.Label) > 30:
		return "报送期名称不能超过 30 个字符。"
	case p.Due.IsZero():
		return "请填写报送截止日期。"
	case p.Start.IsZero():
		return "请填写报送期的起始日期。"
	case p.Due.Before(p.Start):
		return "截止日期不能早于起始日期。"
	}
	return ""
}

// AddPeriod adds a period to a notice.
func (s *Store) AddPeriod(ctx context.Context, p ledger.Period, by Actor) (int64, error) {
	if msg := PeriodProblem(p); msg != "" {
		return 0, &InputError{Msg: msg}
	}
	var id int64
	err := s.tx(ctx, func(x q) error {
		if _, err := noticeInfo(ctx, x, p.NoticeID); err != nil {
			return err
		}
		now := s.now()
		var err error
		id, err = x.insert(ctx, `INSERT INTO periods (notice_id, kind, label, starts_on, due_on, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			p.NoticeID, string(p.Kind), strings.TrimSpace(p.Label), p.Start.String(), p.Due.String(), unix(now))
		if err != nil {
			return err
		}
		if err := invalidateNoticeLights(ctx, x, p.NoticeID); err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityPeriod, id, ActionCreate, nil, periodAudit(p))
	})
	return id, err
}

func periodAudit(p ledger.Period) map[string]any {
	return map[string]any{"notice": p.NoticeID, "kind": p.Kind, "label": p.Label, "start": p.Start.String(), "due": p.Due.String()}
}

// UpdatePeriod renames or moves a period; version is the one the office saw.
func (s *Store) UpdatePeriod(ctx context.Context, p ledger.Period, version int, by Actor) error {
	if msg := PeriodProblem(p); msg != "" {
		return &InputError{Msg: msg}
	}
	return s.tx(ctx, func(x q) error {
		old, err := scanPeriod(x.row(ctx, "SELECT "+periodCols+" FROM periods WHERE id = ?", p.ID))
		if err != nil {
			return noRows(err, "报送期", p.ID)
		}
		now := s.now()
		res, err := x.exec(ctx, `UPDATE periods SET kind = ?, label = ?, starts_on = ?, due_on = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, string(p.Kind), strings.TrimSpace(p.Label), p.Start.String(), p.Due.String(), unix(now), p.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &InputError{Msg: "该报送期已被他人修改，请刷新后再改。", Stale: true}
		}
		if err := invalidateNoticeLights(ctx, x, old.NoticeID); err != nil {
			return err
		}
		p.NoticeID = old.NoticeID
		return writeAudit(ctx, x, now, by, EntityPeriod, p.ID, ActionUpdate, periodAudit(old), periodAudit(p))
	})
}

// DeletePeriod removes a period no report or plan was filed for.
func (s *Store) DeletePeriod(ctx context.Context, id int64, by Actor) error {
	return s.tx(ctx, func(x q) error {
		old, err := scanPeriod(x.row(ctx, "SELECT "+periodCols+" FROM periods WHERE id = ?", id))
		if err != nil {
			return noRows(err, "报送期", id)
		}
		var n int
		if err := x.row(ctx, "SELECT COUNT(*) FROM reports WHERE period_id = ? AND (state <> 'draft' OR progress <> '')", id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &InputError{Msg: fmt.Sprintf("“%s”已有 %d 份报告，不能删除；可修改其日期。", old.Label, n), Err: ErrPeriodInUse}
		}
		if err := x.row(ctx, "SELECT COUNT(*) FROM circulars WHERE period_id = ?", id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &InputError{Msg: fmt.Sprintf("“%s”已有 %d 份通报，不能删除；可修改其日期。", old.Label, n), Err: ErrPeriodInUse}
		}
		if _, err := x.exec(ctx, "DELETE FROM periods WHERE id = ?", id); err != nil {
			return err
		}
		if err := invalidateNoticeLights(ctx, x, old.NoticeID); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityPeriod, id, ActionDelete, periodAudit(old), nil)
	})
}

// SetNoticeReporting sets how many days before its due date a period opens
// and the pace tolerance.
func (s *Store) SetNoticeReporting(ctx context.Context, noticeID int64, r Reporting, by Actor) error {
	switch {
	case r.OpenDays < 0 || r.OpenDays > 90:
		return &InputError{Msg: "提前开放天数须在 0 到 90 之间。"}
	case r.Tolerance < 0 || r.Tolerance > 100:
		return &InputError{Msg: "进度容差须在 0 到 100 个百分点之间。"}
	}
	return s.tx(ctx, func(x q) error {
		var old Reporting
		err := x.row(ctx, "SELECT open_days, pace_tolerance FROM notices WHERE id = ?", noticeID).Scan(&old.OpenDays, &old.Tolerance)
		if err != nil {
			return noRows(err, "通知", noticeID)
		}
		if _, err := x.exec(ctx, "UPDATE notices SET open_days = ?, pace_tolerance = ? WHERE id = ?", r.OpenDays, r.Tolerance, noticeID); err != nil {
			return err
		}
		if err := invalidateNoticeLights(ctx, x, noticeID); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityNotice, noticeID, ActionUpdate,
			map[string]any{"open_days": old.OpenDays, "pace_tolerance": old.Tolerance},
			map[string]any{"open_days": r.OpenDays, "pace_tolerance": r.Tolerance})
	})
}

// OwnerUnits are the units that file a task's plan and reports (owners) and
// those that write a part inside them (contributors), by ledger.Owners,
// with each group expanded to its member units: every member of a group
// that leads answers for itself.
func OwnerUnits(ctx context.Context, x q, taskID int64) (owners, contributors []int64, err error) {
	var as []ledger.Assignment
	err = eachRow(ctx, x, `SELECT a.unit_id, u.is_group, a.role FROM assignments a JOIN units u ON u.id = a.unit_id
		WHERE a.task_id = ? ORDER BY CASE a.role WHEN 'lead' THEN 0 WHEN 'support' THEN 1 ELSE 2 END, a.pos`,
		[]any{taskID}, func(sc func(...any) error) error {
			var a ledger.Assignment
			var group int
			var role string
			err := sc(&a.UnitID, &group, &role)
			a.IsGroup, a.Role = group != 0, ledger.Role(role)
			as = append(as, a)
			return err
		})
	if err != nil {
		return nil, nil, err
	}
	os, cs := ledger.Owners(as)
	seen := map[int64]bool{}
	expand := func(list []ledger.Assignment) ([]int64, error) {
		var out []int64
		for _, a := range list {
			ids := []int64{a.UnitID}
			if a.IsGroup {
				ids = nil
				err := eachRow(ctx, x, "SELECT member_id FROM unit_members WHERE group_id = ? ORDER BY member_id", []any{a.UnitID},
					func(sc func(...any) error) error {
						var id int64
						err := sc(&id)
						ids = append(ids, id)
						return err
					})
				if err != nil {
					return nil, err
				}
			}
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
			}
		}
		return out, nil
	}
	if owners, err = expand(os); err != nil {
		return nil, nil, err
	}
	contributors, err = expand(cs)
	return owners, contributors, err
}

// TaskOwners is OwnerUnits outside a transaction.
func (s *Store) TaskOwners(ctx context.Context, taskID int64) (owners, contributors []int64, err error) {
	return OwnerUnits(ctx, s.r(), taskID)
}

// noticeOwners is OwnerUnits's owners for every task of a notice, in two
// queries instead of two a task.
func noticeOwners(ctx context.Context, x q, noticeID int64) (map[int64][]int64, error) {
	owners, _, err := ownersWhere(ctx, x, "t.notice_id = ?", []any{noticeID})
	return owners, err
}

// ownersOfTasks is OwnerUnits for many tasks, a few queries a 500.
func ownersOfTasks(ctx context.Context, x q, ids []int64) (owners, contributors map[int64][]int64, err error) {
	owners, contributors = map[int64][]int64{}, map[int64][]int64{}
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		o, c, err := ownersWhere(ctx, x, "t.id IN ("+placeholders(len(args))+")", args)
		if err != nil {
			return nil, nil, err
		}
		maps.Copy(owners, o)
		maps.Copy(contributors, c)
	}
	return owners, contributors, nil
}

// ownersWhere is OwnerUnits for the tasks cond picks: owners and
// contributors, groups expanded to their members.
func ownersWhere(ctx context.Context, x q, cond string, args []any) (owners, contributors map[int64][]int64, err error) {
	as := map[int64][]ledger.Assignment{}
	var order []int64
	groups := map[int64][]int64{}
	err = eachRow(ctx, x, `SELECT a.task_id, a.unit_id, u.is_group, a.role FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id
		WHERE `+cond+` ORDER BY a.task_id, CASE a.role WHEN 'lead' THEN 0 WHEN 'support' THEN 1 ELSE 2 END, a.pos`,
		args, func(sc func(...any) error) error {
			var task int64
			var a ledger.Assignment
			var group int
			var role string
			err := sc(&task, &a.UnitID, &group, &role)
			a.IsGroup, a.Role = group != 0, ledger.Role(role)
			if _, ok := as[task]; !ok {
				order = append(order, task)
			}
			as[task] = append(as[task], a)
			if a.IsGroup {
				groups[a.UnitID] = nil
			}
			return err
		})
	if err != nil {
		return nil, nil, err
	}
	if len(groups) > 0 {
		gargs := make([]any, 0, len(groups))
		for g := range groups {
			gargs = append(gargs, g)
		}
		err = eachRow(ctx, x, "SELECT group_id, member_id FROM unit_members WHERE group_id IN ("+placeholders(len(gargs))+") ORDER BY group_id, member_id",
			gargs, func(sc func(...any) error) error {
				var g, m int64
				err := sc(&g, &m)
				groups[g] = append(groups[g], m)
				return err
			})
		if err != nil {
			return nil, nil, err
		}
	}
	owners, contributors = make(map[int64][]int64, len(as)), map[int64][]int64{}
	for _, task := range order {
		os, cs := ledger.Owners(as[task])
		seen := map[int64]bool{}
		expand := func(list []ledger.Assignment) []int64 {
			var ids []int64
			for _, a := range list {
				units := []int64{a.UnitID}
				if a.IsGroup {
					units = groups[a.UnitID]
				}
				for _, u := range units {
					if !seen[u] {
						seen[u] = true
						ids = append(ids, u)
					}
				}
			}
			return ids
		}
		owners[task] = expand(os)
		contributors[task] = expand(cs)
	}
	return owners, contributors, nil
}
