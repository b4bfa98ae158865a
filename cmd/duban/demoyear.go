package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

// demoYear sets the newest demo notice's year in motion: its owner units
// file plans and reports period by period, on the dates they would have,
// through the same store calls the pages use, and the office reviews them.
// Tasks take turns: closed, ahead of pace, on pace, reported late and
// behind, returned, a plan awaiting review with a report left in draft,
// and nothing filed — so every light shows at once. A notice that has
// reports already is left alone.
func demoYear(ctx context.Context, st *store.Store, log *slog.Logger) error {
	ns, err := st.Notices(ctx, ledger.Scope{})
	if err != nil || len(ns) == 0 {
		return err
	}
	n := ns[0]
	for _, x := range ns {
		if x.Year > n.Year || (x.Year == n.Year && n.IssuedOn.Before(x.IssuedOn)) {
			n = x
		}
	}
	if q, err := st.ReviewQueue(ctx, store.ReviewFilter{NoticeID: n.ID, State: ledger.Accepted, Limit: 1}); err != nil || len(q) > 0 {
		return err
	}
	ps, err := st.Periods(ctx, n.ID)
	if err != nil || len(ps) == 0 {
		return err
	}
	// a tolerance of 5 points lets 100% reported in December count as ahead
	if err := st.SetNoticeReporting(ctx, n.ID, store.Reporting{OpenDays: 10, Tolerance: 5}, store.CLI); err != nil {
		return err
	}
	ts, err := st.Tasks(ctx, store.TaskFilter{NoticeID: n.ID})
	if err != nil {
		return err
	}
	today := st.Today()
	loc := time.Local
	at := func(d notice.Date, days int) {
		t := ledger.AddDays(d, days).Time(loc).Add(10 * time.Hour)
		st.SetClock(func() time.Time { return t })
	}
	defer st.SetClock(time.Now)
	filed := 0
	for i, t := range ts {
		owners, _, err := st.TaskOwners(ctx, t.ID)
		if err != nil {
			return err
		}
		if len(owners) == 0 {
			continue
		}
		unit := owners[0]
		u, err := st.Unit(ctx, unit)
		if err != nil {
			return err
		}
		by := store.Actor{Name: u.Name + "填报员"}
		kind := i % 7
		if kind == 6 {
			continue // nothing filed: overdue
		}
		var progress []ledger.Period
		for _, p := range ps {
			if p.Due.Before(today) && p.Kind == ledger.PeriodPlan {
				if err := demoPlan(ctx, st, t, unit, p, kind != 5, by, at); err != nil {
					return fmt.Errorf("demo plan of task %d: %w", t.ID, err)
				}
			}
			if p.Kind == ledger.PeriodProgress && p.Due.Before(today) && p.AppliesTo(t.Deadline) {
				progress = append(progress, p)
			}
		}
		for j, p := range progress {
			last := j == len(progress)-1
			pct := (j + 1) * 100 / (len(progress) + 1)
			r := &ledger.Report{TaskID: t.ID, PeriodID: p.ID, UnitID: unit, Progress: demoProgress[j%len(demoProgress)],
				Problems: "个别项目要素保障仍需加强。", NextSteps: "加快推进，确保按期完成。"}
			day := -3
			switch {
			case last && kind == 1:
				pct = 100
			case last && kind == 2:
				pct = 90
			case last && kind == 3:
				pct, day = 60, 6 // filed six days late, and behind
			case last && kind == 0:
				pct, r.CloseRequest = 100, true
			}
			r.Percent = &pct
			// Each quantified target reported as far along as the task.
			for k, g := range t.Targets {
				if g.Value > 0 {
					r.Actuals = append(r.Actuals, ledger.Actual{Target: k, Value: strconv.FormatFloat(g.Value*float64(pct)/100, 'f', -1, 64) + g.Unit})
				}
			}
			at(p.Due, day)
			saved, err := st.SaveReport(ctx, r, 0, by)
			if err != nil {
				return fmt.Errorf("demo report of task %d: %w", t.ID, err)
			}
			if last && kind == 5 {
				continue // left in draft
			}
			if saved, err = st.SubmitReport(ctx, saved.ID, saved.Version, unit, by); err != nil {
				return err
			}
			filed++
			at(p.Due, day+2)
			switch {
			case last && kind == 3:
				// awaiting review
			case last && kind == 4:
				if _, err := st.ReviewReport(ctx, saved.ID, saved.Version, false, "请补充资金到位和形象进度的具体数据。", store.Actor{Name: "督查室"}); err != nil {
					return err
				}
			default:
				if _, err := st.ReviewReport(ctx, saved.ID, saved.Version, true, "", store.Actor{Name: "督查室"}); err != nil {
					return err
				}
			}
		}
	}
	// The office circulated the latest quarter ten days after it was due.
	var circulated *ledger.Period
	for i, p := range ps {
		if p.Kind == ledger.PeriodProgress && ledger.AddDays(p.Due, 10).Before(today) {
			circulated = &ps[i]
		}
	}
	if circulated != nil {
		at(circulated.Due, 10)
		office := store.Actor{Name: "督查室"}
		c, err := st.DraftCircular(ctx, n.ID, circulated.ID, office)
		if err == nil {
			_, err = st.IssueCircular(ctx, c.ID, c.Version, office)
		}
		if err != nil {
			return fmt.Errorf("demo circular: %w", err)
		}
	}
	log.Info("demo year in motion", "notice", n.ID, "reports", filed)
	return nil
}

var demoProgress = []string{
	"已制定工作方案，分解任务到责任处室，完成前期调研。",
	"重点项目全部开工，完成年度投资计划过半。",
	"主体工作基本完成，正在开展验收准备。",
}

// demoPlan files the owner's plan with two milestones a week before its
// due date and has the office accept it (or leaves it awaiting review).
func demoPlan(ctx context.Context, st *store.Store, t *ledger.Task, unit int64, p ledger.Period, accept bool, by store.Actor, at func(notice.Date, int)) error {
	at(p.Due, -5)
	half, most := 40, 80
	pl := &ledger.Plan{TaskID: t.ID, UnitID: unit, Measures: "成立工作专班，明确责任处室，逐月调度推进。", Leader: "分管负责同志", Contact: "综合处", Phone: "0000-0000000",
		Milestones: []ledger.Milestone{
			{Due: notice.NewDate(p.Due.Y, 6, 30), Result: "完成年度目标的四成", Percent: &half},
			{Due: notice.NewDate(p.Due.Y, 9, 30), Result: "主体工作基本完成", Percent: &most},
		}}
	saved, err := st.SavePlan(ctx, pl, 0, by)
	if err != nil {
		return err
	}
	if saved, err = st.SubmitPlan(ctx, saved.ID, saved.Version, unit, by); err != nil {
		return err
	}
	if !accept {
		return nil
	}
	at(p.Due, -2)
	_, err = st.ReviewPlan(ctx, saved.ID, saved.Version, true, "", store.Actor{Name: "督查室"})
	return err
}
