package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

func periodLines(t *testing.T, s *store.Store, noticeID int64) []string {
	t.Helper()
	ps, err := s.Periods(ctx, noticeID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Label+" "+p.Due.String())
	}
	return out
}

// A notice's schedule gives its periods at import: seed 003 asks for a plan
// by 3月10日, quarterly progress and an annual report.
func TestImportCreatesPeriods(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.ImportNotice(ctx, seed(t, "003"), "003.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"落实方案 2026-03-10", "第一季度 2026-03-31", "第二季度 2026-06-30", "第三季度 2026-09-30", "年度 2026-12-31"}
		if got := periodLines(t, s, id); !slices.Equal(got, want) {
			t.Errorf("periods %q, want %q", got, want)
		}
		// A notice with no schedule gets none until the office sets them.
		none, err := s.ImportNotice(ctx, small(), "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		if got := periodLines(t, s, none); len(got) != 0 {
			t.Errorf("a notice without a schedule has periods %q", got)
		}
	})
}

// The office adds, moves and removes periods; each change is audited, a
// stale move is refused, and a period with reports cannot be removed.
func TestOfficeEditsPeriods(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.ImportNotice(ctx, small(), "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		d := func(v string) notice.Date { x, _ := notice.ParseDate(v); return x }
		pid, err := s.AddPeriod(ctx, ledger.Period{NoticeID: id, Kind: ledger.PeriodProgress, Label: "上半年", Start: d("2026-01-01"), Due: d("2026-07-05")}, office)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddPeriod(ctx, ledger.Period{NoticeID: id, Kind: ledger.PeriodProgress, Label: "下半年", Start: d("2026-07-01"), Due: d("2026-06-01")}, office)
		var in *store.InputError
		if !errors.As(err, &in) || !strings.Contains(in.Msg, "截止日期不能早于起始日期") {
			t.Errorf("a period due before it starts: %v", err)
		}
		p, err := s.Period(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		moved := p
		moved.Due = d("2026-07-10")
		if err := s.UpdatePeriod(ctx, moved, p.Version, office); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdatePeriod(ctx, moved, p.Version, office); !errors.Is(err, store.ErrStale) {
			t.Errorf("a move from a stale page: %v, want stale", err)
		}
		if got := periodLines(t, s, id); !slices.Equal(got, []string{"上半年 2026-07-10"}) {
			t.Errorf("after the move: %q", got)
		}
		h, err := s.History(ctx, store.EntityPeriod, pid)
		if err != nil || len(h) != 2 {
			t.Errorf("period history %d entries, %v; want add and move", len(h), err)
		}
		if err := s.SetNoticeReporting(ctx, id, store.Reporting{OpenDays: 15, Tolerance: 5}, office); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.NoticeReporting(ctx, id); r.OpenDays != 15 || r.Tolerance != 5 {
			t.Errorf("reporting settings %+v", r)
		}
		if err := s.SetNoticeReporting(ctx, id, store.Reporting{OpenDays: -1, Tolerance: 5}, office); err == nil {
			t.Error("negative open days accepted")
		}
		if err := s.DeletePeriod(ctx, pid, office); err != nil {
			t.Fatal(err)
		}
		if got := periodLines(t, s, id); len(got) != 0 {
			t.Errorf("after removal: %q", got)
		}
	})
}

// A database from before periods gets them from each notice's schedule.
func TestMigratePeriods(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e, func(t *testing.T) {
			dsn := testdb.DSN(t, e)
			old, err := store.OpenAtVersionForTest(ctx, dsn, 9)
			if err != nil {
				t.Fatal(err)
			}
			id, err := old.ImportNotice(ctx, seed(t, "003"), "003.txt", office)
			if err != nil {
				t.Fatal(err)
			}
			// as a duban before 0010 left it: no periods
			if err := old.ExecForTest(ctx, "DELETE FROM periods"); err != nil {
				t.Fatal(err)
			}
			old.Close()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := periodLines(t, s, id); len(got) != 5 || got[0] != "落实方案 2026-03-10" {
				t.Errorf("migrated periods %q", got)
			}
		})
	}
}

// The lead unit owns a task's reports; support units contribute; a group
// that is responsible answers through each of its members.
func TestTaskOwners(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := small()
		n.Issuer = "河南省人民政府办公厅" // a province: 各省辖市政府 has its cities
		id, err := s.ImportNotice(ctx, n, "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
		if err != nil {
			t.Fatal(err)
		}
		name := func(id int64) string {
			u, err := s.Unit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return u.Name
		}
		names := func(ids []int64) []string {
			var out []string
			for _, id := range ids {
				out = append(out, name(id))
			}
			return out
		}
		owners, contributors, err := s.TaskOwners(ctx, ts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(owners); !slices.Equal(got, []string{"省发展改革委"}) {
			t.Errorf("task 1 owners %q", got)
		}
		if got := names(contributors); !slices.Equal(got, []string{"省财政厅"}) {
			t.Errorf("task 1 contributors %q", got)
		}
		owners, _, err = s.TaskOwners(ctx, ts[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(owners) < 2 {
			t.Fatalf("各省辖市政府 responsible: owners %q, want each city", names(owners))
		}
		for _, o := range owners {
			if u, _ := s.Unit(ctx, o); u.IsGroup {
				t.Errorf("a group %s owns a report; its members should", u.Name)
			}
		}
	})
}
