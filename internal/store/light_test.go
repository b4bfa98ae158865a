package store_test

import (
	"strings"
	"testing"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// Lights follow the calendar in the deployment's zone and the ledger: seed
// 003 asks for plans by 3月10日; two days later every task is overdue for
// it, a filter finds them, and moving a task's deadline recomputes it.
func TestLightsFollowTheDay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		loc, _ := time.LoadLocation("Asia/Shanghai")
		s.SetLocation(loc)
		// 2026-03-11 17:00 UTC is already 3月12日 in Shanghai
		now := time.Date(2026, 3, 11, 17, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		id, err := s.ImportNotice(ctx, seed(t, "003"), "003.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
		if err != nil {
			t.Fatal(err)
		}
		if got := ts[0].Light; got.State != ledger.LightOverdue || got.Reason != "3月10日应报落实方案，未报送，已逾期2天" {
			t.Errorf("first task's light %s %q", got.State, got.Reason)
		}
		counts, err := s.LightCounts(ctx, store.TaskFilter{NoticeID: id})
		if err != nil {
			t.Fatal(err)
		}
		if counts[ledger.LightOverdue] != len(ts) {
			t.Errorf("light counts %v for %d tasks", counts, len(ts))
		}
		n, err := s.CountTasks(ctx, store.TaskFilter{NoticeID: id, Light: ledger.LightOverdue})
		if err != nil || n != len(ts) {
			t.Errorf("filter by 逾期: %d, %v; want %d", n, err, len(ts))
		}
		// Before the period starts nothing is owed yet: the next "day"
		// recomputes every light.
		now = time.Date(2026, 2, 1, 2, 0, 0, 0, time.UTC)
		tk, err := s.Task(ctx, ts[0].ID, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Light.State != ledger.LightNotStarted || !strings.Contains(tk.Light.Reason, "首个报送期") {
			t.Errorf("before the notice: %s %q", tk.Light.State, tk.Light.Reason)
		}
		if n, _ := s.CountTasks(ctx, store.TaskFilter{NoticeID: id, Light: ledger.LightOverdue}); n != 0 {
			t.Errorf("on 2月1日 %d tasks still overdue", n)
		}
		// A deadline moved into the past makes the task overdue at once.
		now = time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
		if tk, _ = s.Task(ctx, ts[0].ID, ledger.Scope{}); tk.Light.State != ledger.LightOnPace {
			t.Errorf("on 3月5日, nothing yet due: %s %q", tk.Light.State, tk.Light.Reason)
		}
		f := tk.Fields()
		f.Deadline = notice.NewDate(2026, 3, 1)
		if _, err := s.UpdateTask(ctx, tk.ID, tk.Version, f, office); err != nil {
			t.Fatal(err)
		}
		tk, _ = s.Task(ctx, ts[0].ID, ledger.Scope{})
		if tk.Light.State != ledger.LightOverdue || tk.Light.Reason != "完成时限3月1日已过，尚未办结，已逾期4天" {
			t.Errorf("after the deadline moved: %s %q", tk.Light.State, tk.Light.Reason)
		}
	})
}
