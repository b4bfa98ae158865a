package store_test

import (
	"testing"
	"time"

	"duban/internal/ledger"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// A notice's dashboard counts what its overview and its circular count;
// the trend keeps a past period's lights as they were on its due date,
// whatever is filed after; targets show the latest actual; the calendar
// the coming due dates.
func TestNoticeDashboard(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		r := f.draft(t, f.q1, "完成前期工作。", 30)
		r.Actuals = []ledger.Actual{{Target: 0, Value: "7.5%"}}
		r, err := s.SaveReport(ctx, r, r.Version, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitReport(ctx, r.ID, r.Version, f.lead, f.leadBy); err != nil {
			t.Fatal(err)
		}
		*f.now = time.Date(2026, 4, 10, 2, 0, 0, 0, time.UTC)
		d, err := s.NoticeDashboard(ctx, f.noticeID, f.q1.ID, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		o, _ := s.NoticeOverview(ctx, f.noticeID, f.q1.ID, ledger.Scope{})
		c, _ := s.CircularFacts(ctx, f.noticeID, f.q1.ID)
		if d.Facts.Due != o.States[store.ReportOwed] || d.Facts.Missing != o.States[store.ReportMissing] || d.Facts.Tally != c.Tally {
			t.Errorf("dashboard %+v, overview %v, circular %+v", d.Facts.Tally, o.States, c.Tally)
		}
		total := 0
		for _, h := range d.Headings {
			total += h.Tasks
		}
		if total != d.Facts.Tasks || len(d.Headings) < 2 || d.Headings[0].Heading != "一、稳增长" {
			t.Errorf("headings %+v (tasks %d)", d.Headings, d.Facts.Tasks)
		}
		if len(d.Trend) != 1 || d.Trend[0].Period.ID != f.q1.ID || d.Trend[0].Tasks != d.Facts.Tasks {
			t.Fatalf("trend %+v", d.Trend)
		}
		before := d.Trend[0].Tally
		// A report filed after the due date changes today's lights, not
		// the lights the task had on 3月31日.
		*f.now = time.Date(2026, 6, 25, 2, 0, 0, 0, time.UTC)
		r2 := f.draft(t, f.q2, "加快推进。", 90)
		if _, err := s.SubmitReport(ctx, r2.ID, r2.Version, f.lead, f.leadBy); err != nil {
			t.Fatal(err)
		}
		d, _ = s.NoticeDashboard(ctx, f.noticeID, f.q1.ID, ledger.Scope{})
		if d.Trend[0].Tally != before {
			t.Errorf("the past changed: %+v then %+v", before, d.Trend[0].Tally)
		}
		var found bool
		for _, tp := range d.Targets {
			if tp.TaskID == f.task.ID && tp.Actual == "7.5%" {
				found = true
			}
		}
		if !found {
			t.Errorf("targets %+v", d.Targets)
		}
		if len(d.Calendar) == 0 || d.Calendar[0].Date != f.q2.Due || len(d.Calendar[0].Periods) != 1 {
			t.Errorf("calendar %+v", d.Calendar)
		}
		// A unit's dashboard counts only its own tasks.
		du, err := s.NoticeDashboard(ctx, f.noticeID, f.q1.ID, ledger.Scope{UnitID: f.lead})
		if err != nil {
			t.Fatal(err)
		}
		if du.Facts.Tasks >= d.Facts.Tasks || du.Facts.Tasks == 0 {
			t.Errorf("unit's dashboard has %d of %d tasks", du.Facts.Tasks, d.Facts.Tasks)
		}
	})
}
