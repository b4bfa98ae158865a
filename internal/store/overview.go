package store

import (
	"context"
	"slices"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Report filters of the ledger (TaskFilter.Report), for a period.
const (
	ReportOwed      = "owed"    // every open task, which owes a report
	ReportMissing   = "missing" // nothing submitted (or returned) yet
	ReportDraft     = "draft"
	ReportSubmitted = "submitted"
	ReportReturned  = "returned"
	ReportAccepted  = "accepted"
	ReportLate      = "late" // submitted after the due date
)

// ReportFilters are the values TaskFilter.Report takes.
var ReportFilters = []string{ReportOwed, ReportMissing, ReportDraft, ReportSubmitted, ReportReturned, ReportAccepted, ReportLate}

// reportCond restricts w to tasks whose report for a period is in a state,
// of one unit when unitID is set.
func (w *where) report(periodID int64, state string, unitID int64) {
	unit, args := "", []any{periodID}
	if unitID != 0 {
		unit = " AND r.unit_id = ?"
		args = append(args, unitID)
	}
	switch state {
	case ReportOwed:
		w.add("t.closed_on = ''")
	case ReportMissing:
		w.add("t.closed_on = '' AND t.id NOT IN (SELECT r.task_id FROM reports r WHERE r.period_id = ? AND r.state IN ('submitted', 'returned', 'accepted')"+unit+")", args...)
	case ReportLate:
		w.add("t.id IN (SELECT r.task_id FROM reports r WHERE r.period_id = ? AND r.late = 1 AND r.state IN ('submitted', 'accepted')"+unit+")", args...)
	default:
		w.add("t.id IN (SELECT r.task_id FROM reports r WHERE r.period_id = ? AND r.state = ?"+unit+")", append([]any{periodID, state}, args[1:]...)...)
	}
}

// Overview is 督办总览 of one notice for one period: where the reports
// stand, the lights, and each owner unit's record, late units first.
type Overview struct {
	Period *ledger.Period // nil when the notice has no open period
	States map[string]int // by ReportFilters
	Lights map[ledger.LightState]int
	Units  []UnitRecord
}

// UnitRecord is one owner unit's reports for the period.
type UnitRecord struct {
	UnitID                                                int64
	Name                                                  string
	Tasks, Due, OnTime, Late, Returned, Missing, Accepted int
	Lights                                                map[ledger.LightState]int // of the tasks it owns
}

// CurrentPeriod is the period the office is collecting: the open one due
// soonest from today, else the last one past its due date.
func CurrentPeriod(ps []ledger.Period, openDays int, today notice.Date) *ledger.Period {
	var cur *ledger.Period
	for i := range ps {
		p := &ps[i]
		if !ledger.PeriodOpen(*p, openDays, today) {
			continue
		}
		switch {
		case cur == nil:
			cur = p
		case !p.Due.Before(today) && (cur.Due.Before(today) || p.Due.Before(cur.Due)):
			cur = p
		case p.Due.Before(today) && cur.Due.Before(today) && cur.Due.Before(p.Due):
			cur = p
		}
	}
	return cur
}

// NoticeOverview computes the overview of a notice for a period (0: the
// current one), over the tasks sc sees.
func (s *Store) NoticeOverview(ctx context.Context, noticeID, periodID int64, sc ledger.Scope) (*Overview, error) {
	o, _, err := s.overview(ctx, noticeID, periodID, sc)
	return o, err
}

// overview is NoticeOverview with the tasks it counted.
func (s *Store) overview(ctx context.Context, noticeID, periodID int64, sc ledger.Scope) (*Overview, []*ledger.Task, error) {
	ps, err := s.Periods(ctx, noticeID)
	if err != nil {
		return nil, nil, err
	}
	rs, err := s.NoticeReporting(ctx, noticeID)
	if err != nil {
		return nil, nil, err
	}
	today := s.today()
	o := &Overview{States: map[string]int{}, Lights: map[ledger.LightState]int{}}
	if periodID == 0 {
		o.Period = CurrentPeriod(ps, rs.OpenDays, today)
	} else {
		for i := range ps {
			if ps[i].ID == periodID {
				o.Period = &ps[i]
			}
		}
		if o.Period == nil {
			return nil, nil, notFound("报送期", periodID)
		}
	}
	ts, err := s.Tasks(ctx, TaskFilter{NoticeID: noticeID, Scope: sc})
	if err != nil {
		return nil, nil, err
	}
	for _, t := range ts {
		o.Lights[t.Light.State]++
	}
	if o.Period == nil {
		return o, ts, nil
	}
	p := *o.Period
	type key struct{ task, unit int64 }
	reports := map[key]*ledger.Report{}
	err = eachRow(ctx, s.r(), "SELECT "+reportCols+" FROM reports r WHERE r.period_id = ?", []any{p.ID}, func(sc func(...any) error) error {
		r, err := scanReport(scanFunc(sc))
		if err == nil {
			reports[key{r.TaskID, r.UnitID}] = r
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	byUnit := map[int64]*UnitRecord{}
	past := p.Due.Before(today)
	ownersOf, err := noticeOwners(ctx, s.r(), noticeID)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range ts {
		for _, u := range ownersOf[t.ID] {
			rec := byUnit[u]
			if rec == nil {
				rec = &UnitRecord{UnitID: u, Lights: map[ledger.LightState]int{}}
				byUnit[u] = rec
			}
			rec.Tasks++
			rec.Lights[t.Light.State]++
			if !t.ClosedOn.IsZero() || !p.AppliesTo(t.Deadline) {
				continue
			}
			rec.Due++
			o.States[ReportOwed]++
			r := reports[key{t.ID, u}]
			state := ""
			if r != nil {
				state = string(r.State)
			}
			switch state {
			case "", ReportDraft:
				o.States[ReportMissing]++
				if state == ReportDraft {
					o.States[ReportDraft]++
				}
				if past {
					rec.Missing++
				}
			case ReportReturned:
				o.States[ReportReturned]++
				rec.Returned++
			default:
				o.States[state]++
				if state == ReportAccepted {
					rec.Accepted++
				}
				if r.Late {
					o.States[ReportLate]++
					rec.Late++
				} else {
					rec.OnTime++
				}
			}
		}
	}
	if err := eachRow(ctx, s.r(), `SELECT DISTINCT u.id, u.name FROM units u WHERE u.id IN (SELECT a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.notice_id = ?)
		OR u.id IN (SELECT m.member_id FROM unit_members m JOIN assignments a ON a.unit_id = m.group_id JOIN tasks t ON t.id = a.task_id WHERE t.notice_id = ?)`,
		[]any{noticeID, noticeID}, func(sc func(...any) error) error {
			var id int64
			var name string
			err := sc(&id, &name)
			if rec := byUnit[id]; rec != nil {
				rec.Name = name
			}
			return err
		}); err != nil {
		return nil, nil, err
	}
	for _, rec := range byUnit {
		o.Units = append(o.Units, *rec)
	}
	slices.SortFunc(o.Units, func(a, b UnitRecord) int {
		if d := (b.Missing + b.Late + b.Returned) - (a.Missing + a.Late + a.Returned); d != 0 {
			return d
		}
		if d := b.Due - a.Due; d != 0 {
			return d
		}
		return int(a.UnitID - b.UnitID)
	})
	return o, ts, nil
}
