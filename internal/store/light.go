package store

import (
	"context"
	"fmt"
	"slices"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// invalidateLights forgets the stored lights of tasks whose plan, reports,
// periods or fields just changed, in the transaction that changed them:
// the next page that needs them computes them again, so a light is never
// older than its inputs and no page view scans every report.
func invalidateLights(ctx context.Context, x q, taskIDs ...int64) error {
	for len(taskIDs) > 0 {
		n := min(len(taskIDs), 500)
		args := make([]any, n)
		for i, id := range taskIDs[:n] {
			args[i] = id
		}
		if _, err := x.exec(ctx, "DELETE FROM task_lights WHERE task_id IN ("+placeholders(n)+")", args...); err != nil {
			return err
		}
		taskIDs = taskIDs[n:]
	}
	return nil
}

// invalidateNoticeLights forgets the lights of every task of a notice, for
// a change to its periods or its pace tolerance.
func invalidateNoticeLights(ctx context.Context, x q, noticeID int64) error {
	if _, err := x.exec(ctx, "DELETE FROM task_lights WHERE notice_id = ?", noticeID); err != nil {
		return err
	}
	// Moved periods or another tolerance change the past lights as well.
	_, err := x.exec(ctx, "DELETE FROM period_lights WHERE period_id IN (SELECT id FROM periods WHERE notice_id = ?)", noticeID)
	return err
}

// today is the deployment's calendar date now.
func (s *Store) today() notice.Date { return ledger.Today(s.now(), s.loc) }

// Today is the deployment's calendar date now, as the lights reckon it.
func (s *Store) Today() notice.Date { return s.today() }

// FreshenLights computes the lights of a notice's tasks that have none or
// one from an earlier day, and stores them. When nothing changed since
// the day's first view it reads one short list and writes nothing.
func (s *Store) FreshenLights(ctx context.Context, noticeIDs ...int64) error {
	today := s.today()
	for _, nid := range noticeIDs {
		var stale []int64
		err := eachRow(ctx, s.r(), `SELECT t.id FROM tasks t LEFT JOIN task_lights l ON l.task_id = t.id
			WHERE t.notice_id = ? AND (l.task_id IS NULL OR l.computed_on <> ?)`, []any{nid, today.String()},
			func(sc func(...any) error) error {
				var id int64
				err := sc(&id)
				stale = append(stale, id)
				return err
			})
		if err != nil {
			return err
		}
		if len(stale) == 0 {
			continue
		}
		if err := s.tx(ctx, func(x q) error { return computeLights(ctx, x, nid, stale, today) }); err != nil {
			return fmt.Errorf("lights of notice %d: %w", nid, err)
		}
	}
	return nil
}

// FreshenAllLights is FreshenLights for every notice, for a filter by
// light across notices.
func (s *Store) FreshenAllLights(ctx context.Context) error {
	var ids []int64
	err := eachRow(ctx, s.r(), "SELECT id FROM notices", nil, func(sc func(...any) error) error {
		var id int64
		err := sc(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return err
	}
	return s.FreshenLights(ctx, ids...)
}

// computeLights works out the lights of the given tasks of one notice from
// its periods and each owner's plan and reports, and stores them.
func computeLights(ctx context.Context, x q, noticeID int64, taskIDs []int64, today notice.Date) error {
	var year, tolerance int
	var issuedS string
	if err := x.row(ctx, "SELECT year, issued_on, pace_tolerance FROM notices WHERE id = ?", noticeID).Scan(&year, &issuedS, &tolerance); err != nil {
		return err
	}
	issued, _ := notice.ParseDate(issuedS)
	periods, err := periodsOf(ctx, x, noticeID)
	if err != nil {
		return err
	}
	slices.Sort(taskIDs)
	// in chunks that each read only their own tasks' plans and reports:
	// one stale light costs one task's rows, not the notice's
	for chunk := range slices.Chunk(taskIDs, 500) {
		if err := computeChunk(ctx, x, noticeID, chunk, today, year, issued, tolerance, periods); err != nil {
			return err
		}
	}
	return nil
}

func computeChunk(ctx context.Context, x q, noticeID int64, chunk []int64, today notice.Date, year int, issued notice.Date, tolerance int, periods []ledger.Period) error {
	ids, ins, err := lightInputs(ctx, x, chunk, today, year, issued, tolerance, periods, 0)
	if err != nil {
		return err
	}
	for i, id := range ids {
		l := ledger.ComputeLight(ins[i])
		_, err = x.exec(ctx, `INSERT INTO task_lights (task_id, notice_id, light, reason, pace, percent, computed_on) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (task_id) DO UPDATE SET light = excluded.light, reason = excluded.reason, pace = excluded.pace,
			percent = excluded.percent, computed_on = excluded.computed_on`,
			id, noticeID, string(l.State), l.Reason, l.Pace, l.Percent, today.String())
		if err != nil {
			return err
		}
	}
	return nil
}

// lightInputs gathers what the lights of a chunk of tasks depend on, in
// the chunk's order. With asOf (Unix seconds, the end of a past day) only
// what had been filed by then counts, as it then stood: the light the
// task had that day.
func lightInputs(ctx context.Context, x q, chunk []int64, today notice.Date, year int, issued notice.Date, tolerance int, periods []ledger.Period, asOf int64) ([]int64, []ledger.LightInput, error) {
	in := "(" + placeholders(len(chunk)) + ")"
	args := make([]any, len(chunk))
	for i, id := range chunk {
		args[i] = id
	}
	type taskRow struct {
		deadline, closed notice.Date
	}
	tasks := map[int64]taskRow{}
	err := eachRow(ctx, x, "SELECT id, deadline, closed_on FROM tasks WHERE id IN "+in, args, func(sc func(...any) error) error {
		var id int64
		var dl, cl string
		if err := sc(&id, &dl, &cl); err != nil {
			return err
		}
		var r taskRow
		r.deadline, _ = notice.ParseDate(dl)
		r.closed, _ = notice.ParseDate(cl)
		tasks[id] = r
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	type key struct{ task, unit int64 }
	plans := map[key]*ledger.Plan{}
	byPlanID := map[int64]*ledger.Plan{}
	err = eachRow(ctx, x, `SELECT p.id, p.task_id, p.unit_id, p.state, p.comment, p.submitted_at, p.reviewed_at FROM plans p WHERE p.task_id IN `+in, args, func(sc func(...any) error) error {
		p := &ledger.Plan{}
		var st string
		var submitted, reviewed int64
		if err := sc(&p.ID, &p.TaskID, &p.UnitID, &st, &p.Comment, &submitted, &reviewed); err != nil {
			return err
		}
		p.State = asOfState(ledger.State(st), submitted, reviewed, asOf)
		if p.State == "" {
			return nil
		}
		plans[key{p.TaskID, p.UnitID}] = p
		byPlanID[p.ID] = p
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = eachRow(ctx, x, `SELECT m.plan_id, m.due_on, m.result, m.percent FROM milestones m JOIN plans p ON p.id = m.plan_id
		WHERE p.task_id IN `+in+` ORDER BY m.plan_id, m.pos`, args, func(sc func(...any) error) error {
		var id int64
		var due string
		var m ledger.Milestone
		if err := sc(&id, &due, &m.Result, &m.Percent); err != nil {
			return err
		}
		m.Due, _ = notice.ParseDate(due)
		if p := byPlanID[id]; p != nil {
			p.Milestones = append(p.Milestones, m)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	reports := map[key][]ledger.Report{}
	err = eachRow(ctx, x, `SELECT r.task_id, r.period_id, r.unit_id, r.state, r.percent, r.comment, r.submitted_at, r.reviewed_at FROM reports r WHERE r.task_id IN `+in, args,
		func(sc func(...any) error) error {
			var r ledger.Report
			var st string
			var submitted, reviewed int64
			if err := sc(&r.TaskID, &r.PeriodID, &r.UnitID, &st, &r.Percent, &r.Comment, &submitted, &reviewed); err != nil {
				return err
			}
			if r.State = asOfState(ledger.State(st), submitted, reviewed, asOf); r.State == "" {
				return nil
			}
			k := key{r.TaskID, r.UnitID}
			reports[k] = append(reports[k], r)
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	unitName := func(id int64) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		var n string
		err := x.row(ctx, "SELECT name FROM units WHERE id = ?", id).Scan(&n)
		names[id] = n
		return n, err
	}
	// in one order (the chunk is sorted), so that two processes
	// freshening the same tasks wait for each other instead of deadlocking
	var ids []int64
	var ins []ledger.LightInput
	for _, id := range chunk {
		t, ok := tasks[id]
		if !ok {
			continue // deleted meanwhile
		}
		owners, _, err := OwnerUnits(ctx, x, id)
		if err != nil {
			return nil, nil, err
		}
		closed := t.closed
		if asOf != 0 && !closed.IsZero() && today.Before(closed) {
			closed = notice.Date{}
		}
		in := ledger.LightInput{Today: today, ClosedOn: closed, Periods: periods, Tolerance: tolerance}
		in.Start, in.End = ledger.Span(year, issued, t.deadline)
		for _, u := range owners {
			o := ledger.OwnerRecord{Plan: plans[key{id, u}], Reports: reports[key{id, u}]}
			if len(owners) > 1 {
				if o.Unit, err = unitName(u); err != nil {
					return nil, nil, err
				}
			}
			in.Owners = append(in.Owners, o)
		}
		ids = append(ids, id)
		ins = append(ins, in)
	}
	return ids, ins, nil
}

// asOfState is a plan's or report's state at asOf (0: now), "" when it
// had not been filed by then.
func asOfState(st ledger.State, submitted, reviewed, asOf int64) ledger.State {
	switch {
	case asOf == 0:
		return st
	case submitted == 0 || submitted > asOf:
		return ""
	case reviewed > asOf:
		return ledger.Submitted
	}
	return st
}

// loadLights fills in the tasks' lights, computing those not yet current.
func (s *Store) loadLights(ctx context.Context, ts []*ledger.Task) error {
	if len(ts) == 0 {
		return nil
	}
	today := s.today().String()
	byID := make(map[int64]*ledger.Task, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	read := func(ts []*ledger.Task) (stale map[int64][]int64, err error) {
		stale = map[int64][]int64{}
		for chunk := range slices.Chunk(ts, 500) {
			args := make([]any, len(chunk))
			found := map[int64]bool{}
			for i, t := range chunk {
				args[i] = t.ID
			}
			err := eachRow(ctx, s.r(), "SELECT task_id, light, reason, pace, percent, computed_on FROM task_lights WHERE task_id IN ("+placeholders(len(args))+")", args,
				func(sc func(...any) error) error {
					var id int64
					var l ledger.Light
					var st, on string
					if err := sc(&id, &st, &l.Reason, &l.Pace, &l.Percent, &on); err != nil {
						return err
					}
					if on != today {
						return nil
					}
					l.State = ledger.LightState(st)
					if t := byID[id]; t != nil {
						t.Light, found[id] = l, true
					}
					return nil
				})
			if err != nil {
				return nil, err
			}
			for _, t := range chunk {
				if !found[t.ID] {
					stale[t.NoticeID] = append(stale[t.NoticeID], t.ID)
				}
			}
		}
		return stale, nil
	}
	stale, err := read(ts)
	if err != nil || len(stale) == 0 {
		return err
	}
	// only the lights these tasks lack are computed, not their notices'
	d := s.today()
	var again []*ledger.Task
	for nid, ids := range stale {
		if err := s.tx(ctx, func(x q) error { return computeLights(ctx, x, nid, ids, d) }); err != nil {
			return fmt.Errorf("lights of notice %d: %w", nid, err)
		}
		for _, id := range ids {
			again = append(again, byID[id])
		}
	}
	_, err = read(again)
	return err
}

// LightCounts counts the tasks f selects by light.
func (s *Store) LightCounts(ctx context.Context, f TaskFilter) (map[ledger.LightState]int, error) {
	if err := s.freshenFor(ctx, f); err != nil {
		return nil, err
	}
	w := f.where(true)
	out := map[ledger.LightState]int{}
	err := eachRow(ctx, s.r(), "SELECT l.light, COUNT(*) FROM tasks t JOIN task_lights l ON l.task_id = t.id WHERE "+w.sql()+" GROUP BY l.light", w.args,
		func(sc func(...any) error) error {
			var st string
			var n int
			err := sc(&st, &n)
			out[ledger.LightState(st)] = n
			return err
		})
	return out, err
}

// freshenFor makes current the lights a filter by light reads.
func (s *Store) freshenFor(ctx context.Context, f TaskFilter) error {
	if f.NoticeID != 0 {
		return s.FreshenLights(ctx, f.NoticeID)
	}
	return s.FreshenAllLights(ctx)
}
