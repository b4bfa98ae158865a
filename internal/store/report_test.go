package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// yearFixture is small() reporting quarterly in 2026, on a clock the test
// moves: task 1 is led by 省发展改革委 with 省财政厅 supporting.
type yearFixture struct {
	s              *store.Store
	now            *time.Time
	noticeID       int64
	task           *ledger.Task
	lead, support  int64
	q1, q2         ledger.Period
	leadBy, suppBy store.Actor
}

func newYear(t *testing.T, s *store.Store) *yearFixture {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	s.SetLocation(loc)
	now := time.Date(2026, 3, 25, 2, 0, 0, 0, time.UTC)
	f := &yearFixture{s: s, now: &now, leadBy: store.Actor{Name: "发改委填报员"}, suppBy: store.Actor{Name: "财政厅填报员"}}
	s.SetClock(func() time.Time { return *f.now })
	n := small()
	n.Issuer, n.IssuedOn = "河南省人民政府办公厅", notice.NewDate(2026, 1, 10)
	n.Tasks[0].Targets = []notice.Target{{Text: "投资增长8%"}}
	n.Schedule = notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{notice.NewDate(2026, 3, 31), notice.NewDate(2026, 6, 30)}}
	id, err := s.ImportNotice(ctx, n, "year.txt", office)
	if err != nil {
		t.Fatal(err)
	}
	f.noticeID = id
	ts, err := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
	if err != nil {
		t.Fatal(err)
	}
	f.task = ts[0]
	owners, contributors, err := s.TaskOwners(ctx, f.task.ID)
	if err != nil || len(owners) != 1 || len(contributors) != 1 {
		t.Fatalf("owners %v contributors %v %v", owners, contributors, err)
	}
	f.lead, f.support = owners[0], contributors[0]
	ps, err := s.Periods(ctx, id)
	if err != nil || len(ps) != 2 {
		t.Fatalf("periods %v %v", ps, err)
	}
	f.q1, f.q2 = ps[0], ps[1]
	return f
}

func (f *yearFixture) draft(t *testing.T, period ledger.Period, progress string, percent int) *ledger.Report {
	t.Helper()
	r, err := f.s.Report(ctx, f.task.ID, period.ID, f.lead)
	if err != nil {
		t.Fatal(err)
	}
	r.Progress, r.Percent = progress, &percent
	r, err = f.s.SaveReport(ctx, r, r.Version*boolInt(r.ID != 0), f.leadBy)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func stale(err error) bool { return errors.Is(err, store.ErrStale) }

// The year of one report: saved, submitted (then frozen), returned with a
// comment, fixed, resubmitted, accepted; the next period starts from it.
func TestReportLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		r := f.draft(t, f.q1, "完成项目前期工作。", 20)
		r.Actuals = []ledger.Actual{{Target: 0, Value: "7.5%"}}
		r, err := s.SaveReport(ctx, r, r.Version, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		r, err = s.SubmitReport(ctx, r.ID, r.Version, f.lead, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != ledger.Submitted || r.Late {
			t.Fatalf("submitted on 3月25日: %s late=%v", r.State, r.Late)
		}
		r.Progress = "改了"
		if _, err := s.SaveReport(ctx, r, r.Version, f.leadBy); !stale(err) || !strings.Contains(err.Error(), "退回") {
			t.Errorf("a submitted report changed: %v", err)
		}
		if _, err := s.ReviewReport(ctx, r.ID, r.Version, false, "", office); err == nil {
			t.Error("returned without a comment")
		}
		r, err = s.ReviewReport(ctx, r.ID, r.Version, false, "请补充资金到位情况", office)
		if err != nil {
			t.Fatal(err)
		}
		tk, _ := s.Task(ctx, f.task.ID, ledger.Scope{})
		if tk.Light.State != ledger.LightLagging || !strings.Contains(tk.Light.Reason, "请补充资金到位情况") {
			t.Errorf("light after return: %s %q", tk.Light.State, tk.Light.Reason)
		}
		// the unit fixes it after the due date: late
		*f.now = time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC)
		r.Progress = "完成项目前期工作，资金到位5亿元。"
		if r, err = s.SaveReport(ctx, r, r.Version, f.leadBy); err != nil || r.State != ledger.Returned {
			t.Fatalf("fixing a returned report: %v %v", r, err)
		}
		if r, err = s.SubmitReport(ctx, r.ID, r.Version, f.lead, f.leadBy); err != nil || !r.Late || r.Comment != "" {
			t.Fatalf("resubmitted after 3月31日: %+v %v; want late, comment cleared", r, err)
		}
		if r, err = s.ReviewReport(ctx, r.ID, r.Version, true, "", office); err != nil || r.State != ledger.Accepted {
			t.Fatalf("accept: %v %v", r, err)
		}
		// the next period opens with this one's text and figures
		*f.now = time.Date(2026, 6, 25, 2, 0, 0, 0, time.UTC)
		next, err := s.Report(ctx, f.task.ID, f.q2.ID, f.lead)
		if err != nil || next.ID != 0 || next.Progress != r.Progress || next.Percent == nil || *next.Percent != 20 || len(next.Actuals) != 1 {
			t.Errorf("second quarter starts from %+v, %v", next, err)
		}
		h, err := s.History(ctx, store.EntityReport, r.ID)
		if err != nil || len(h) != 4 {
			t.Errorf("report history %d entries, %v; want submit, return, submit, accept", len(h), err)
		}
	})
}

// Only the owner writes the report and only a contributor its part; a
// period not yet open takes nothing.
func TestReportWritersAndOpening(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		r := &ledger.Report{TaskID: f.task.ID, PeriodID: f.q1.ID, UnitID: f.support, Progress: "越权"}
		if _, err := s.SaveReport(ctx, r, 0, f.suppBy); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a support unit writing the lead's report: %v", err)
		}
		if err := s.SavePart(ctx, f.task.ID, f.q1.ID, f.lead, f.lead, "x", 0, f.leadBy); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the lead writing a support part: %v", err)
		}
		r = &ledger.Report{TaskID: f.task.ID, PeriodID: f.q2.ID, UnitID: f.lead, Progress: "早"}
		if _, err := s.SaveReport(ctx, r, 0, f.leadBy); err == nil || !strings.Contains(err.Error(), "起开放填报") {
			t.Errorf("a period opening 6月20日 took a report on 3月25日: %v", err)
		}
	})
}

// A lead unit and a support unit saving the same report at once both keep
// what they wrote; two reviewers on one report: one wins, one is told.
func TestReportConcurrency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		for round := range 10 {
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			wg.Go(func() {
				r, err := s.Report(ctx, f.task.ID, f.q1.ID, f.lead)
				if err != nil {
					errs <- err
					return
				}
				r.Progress = "牵头单位第" + string(rune('0'+round)) + "稿"
				_, err = s.SaveReport(ctx, r, r.Version*boolInt(r.ID != 0), f.leadBy)
				errs <- err
			})
			wg.Go(func() {
				r, err := s.Report(ctx, f.task.ID, f.q1.ID, f.lead)
				if err != nil {
					errs <- err
					return
				}
				v := 0
				for _, p := range r.Parts {
					if p.UnitID == f.support {
						v = p.Version
					}
				}
				errs <- s.SavePart(ctx, f.task.ID, f.q1.ID, f.lead, f.support, "配合单位第"+string(rune('0'+round))+"稿", v, f.suppBy)
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				// the first save may race the row's creation and be told
				// to refresh; nothing else may fail
				if err != nil && !(round == 0 && stale(err)) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
		}
		r, _ := s.Report(ctx, f.task.ID, f.q1.ID, f.lead)
		if r.Progress != "牵头单位第9稿" || len(r.Parts) != 1 || r.Parts[0].Text != "配合单位第9稿" {
			t.Fatalf("after concurrent saves: progress %q parts %+v", r.Progress, r.Parts)
		}
		r.Percent = new(int)
		r, err := s.SaveReport(ctx, r, r.Version, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		r, err = s.SubmitReport(ctx, r.ID, r.Version, f.lead, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make(chan error, 2)
		for _, accept := range []bool{true, false} {
			wg.Go(func() {
				_, err := s.ReviewReport(ctx, r.ID, r.Version, accept, "请补充", office)
				results <- err
			})
		}
		wg.Wait()
		close(results)
		var won, told int
		for err := range results {
			switch {
			case err == nil:
				won++
			case stale(err) && strings.Contains(err.Error(), "已被他人处理"):
				told++
			default:
				t.Errorf("second reviewer: %v", err)
			}
		}
		if won != 1 || told != 1 {
			t.Errorf("two reviewers: %d won, %d told", won, told)
		}
	})
}

// The inbox lists what a unit owes for open periods; several drafts are
// submitted at once; accepting a report that asks to close the task closes it.
func TestInboxBatchAndClose(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		items, err := s.Inbox(ctx, f.lead)
		if err != nil {
			t.Fatal(err)
		}
		var owed int
		for _, it := range items {
			if it.Owner && it.Period.ID == f.q1.ID && it.State == "" {
				owed++
			}
		}
		if owed == 0 {
			t.Fatalf("the lead's inbox owes nothing for the first quarter: %+v", items)
		}
		supp, err := s.Inbox(ctx, f.support)
		if err != nil {
			t.Fatal(err)
		}
		if len(supp) == 0 || supp[0].Owner || supp[0].OwnerID != f.lead {
			t.Errorf("the support unit's inbox: %+v", supp)
		}
		r := f.draft(t, f.q1, "已完成。", 100)
		r.CloseRequest = true
		if r, err = s.SaveReport(ctx, r, r.Version, f.leadBy); err != nil {
			t.Fatal(err)
		}
		n, skipped, err := s.SubmitReports(ctx, []int64{r.ID}, f.lead, f.leadBy)
		if err != nil || n != 1 || len(skipped) != 0 {
			t.Fatalf("batch submit: %d %v %v", n, skipped, err)
		}
		q, err := s.ReviewQueue(ctx, store.ReviewFilter{NoticeID: f.noticeID})
		if err != nil || len(q) != 1 || q[0].Unit != "省发展改革委" {
			t.Fatalf("review queue %+v %v", q, err)
		}
		acc, sk, err := s.AcceptReports(ctx, []int64{r.ID, r.ID}, office)
		if err != nil || acc != 1 || sk != 1 {
			t.Fatalf("batch accept: %d accepted %d skipped %v", acc, sk, err)
		}
		tk, _ := s.Task(ctx, f.task.ID, ledger.Scope{})
		if tk.ClosedOn.IsZero() || tk.Light.State != ledger.LightClosed {
			t.Errorf("task after its closing report was accepted: closed %v light %s", tk.ClosedOn, tk.Light.State)
		}
	})
}

// A plan is the owner's alone, needs its leader, contact and milestones to
// be submitted, and two reviewers acting on it: one wins, one is told.
func TestPlanOwnerSubmitReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		pct := 50
		in := &ledger.Plan{TaskID: f.task.ID, UnitID: f.support, Measures: "越权"}
		if _, err := s.SavePlan(ctx, in, 0, f.suppBy); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a support unit saving the plan: %v", err)
		}
		in = &ledger.Plan{TaskID: f.task.ID, UnitID: f.lead, Measures: "分解任务",
			Milestones: []ledger.Milestone{{Due: notice.NewDate(2026, 6, 30), Result: "开工", Percent: &pct}}}
		p, err := s.SavePlan(ctx, in, 0, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitPlan(ctx, p.ID, p.Version, f.lead, f.leadBy); err == nil || !strings.Contains(err.Error(), "责任领导") {
			t.Errorf("submitted without a leader: %v", err)
		}
		in.Leader, in.Contact, in.Phone = "王主任", "李科长", "0371-1234567"
		if p, err = s.SavePlan(ctx, in, p.Version, f.leadBy); err != nil {
			t.Fatal(err)
		}
		if p, err = s.SubmitPlan(ctx, p.ID, p.Version, f.lead, f.leadBy); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, accept := range []bool{true, false} {
			wg.Go(func() {
				_, err := s.ReviewPlan(ctx, p.ID, p.Version, accept, "再细化", office)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		var won int
		for err := range errs {
			if err == nil {
				won++
			} else if !stale(err) {
				t.Errorf("second reviewer: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d reviewers won", won)
		}
		tl, err := s.TaskTimeline(ctx, f.task.ID)
		if err != nil || len(tl) != 4 {
			t.Errorf("timeline %d entries, %v; want save, save, submit, review", len(tl), err)
		}
	})
}
