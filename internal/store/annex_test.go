package store_test

import (
	"duban/internal/ledger"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
	"duban/internal/units"
)

// seed002 is the seed whose notice attaches a ledger of 85 key projects
// to its 112 tasks.
func seed002(t *testing.T) *notice.Notice {
	n := seed(t, "002")
	if len(n.Tasks) != 112 || len(n.Annex) != 85 {
		t.Fatalf("seed 002 parses to %d tasks and %d annex rows; want 112 and 85", len(n.Tasks), len(n.Annex))
	}
	return n
}

// ledgerRow is a stored task as a person sees it, without ids and times.
type ledgerRow struct {
	Seq                                            int
	Section, No, Path, Text, Deadline, DeadlineTxt string
	Leaders, Lead, Support, Responsible, Targets   string
	Line                                           int
}

func ledgerRows(t *testing.T, s *store.Store, id int64) []ledgerRow {
	t.Helper()
	ts, err := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
	if err != nil {
		t.Fatal(err)
	}
	j := func(l []string) string { return strings.Join(l, "、") }
	var out []ledgerRow
	for _, x := range ts {
		out = append(out, ledgerRow{x.Seq, x.Section, x.No, j(x.Path), x.Text, x.Deadline.String(), x.DeadlineText,
			j(x.Leaders), j(x.Units(ledger.Lead)), j(x.Units(ledger.Support)), j(x.Units(ledger.Responsible)),
			notice.FormatTargets(x.Targets), x.Line})
	}
	return out
}

func TestSeed002AnnexRowsAreTasks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := seed002(t)
		id, err := s.ImportNotice(ctx, n, "002.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Notice(ctx, id, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if info.TaskCount != 112+85 || info.TableTasks != 85 {
			t.Fatalf("notice holds %d tasks, %d from tables; want 197, 85", info.TaskCount, info.TableTasks)
		}
		rows := ledgerRows(t, s, id)
		annex := rows[112:]
		section := annex[0].Section
		if !strings.HasPrefix(section, "附件") {
			t.Errorf("annex rows filed under %q; want the table's section", section)
		}
		for i, r := range annex {
			a := n.Annex[i]
			if r.Section != section || r.Path != section || r.No != a.No || r.Text != a.Text || r.Seq != 113+i {
				t.Errorf("annex row %d stored as %+v", i+1, r)
			}
			if r.Leaders == "" || r.Lead == "" || r.Deadline == "" {
				t.Errorf("annex row %s lacks leaders, lead unit or deadline: %+v", r.No, r)
			}
			// units through the directory: a name spelled 〔〕 elsewhere is the same unit
			k := func(s string) string { return units.Key(s) }
			if r.Leaders != strings.Join(a.Leaders, "、") || k(r.Lead) != k(strings.Join(a.Lead, "、")) ||
				k(r.Support) != k(strings.Join(a.Support, "、")) || r.Deadline != a.Deadline.String() {
				t.Errorf("annex row %s stored as %+v; parsed %+v", r.No, r, a)
			}
		}
		for _, r := range rows[:112] {
			if r.Section != "" {
				t.Fatalf("body task %s filed under section %q", r.No, r.Section)
			}
		}
		// The section is a heading of the ledger, with its own count.
		hs, err := s.HeadingCounts(ctx, store.TaskFilter{NoticeID: id})
		if err != nil {
			t.Fatal(err)
		}
		if last := hs[len(hs)-1]; last.Name != section || last.N != 85 {
			t.Errorf("last heading %+v; want %q with 85", last, section)
		}
		// The last row is led by 湖滨区政府: its account sees it among its own.
		last := annex[84]
		unit := unitID(t, s, last.Lead)
		mine, err := s.Tasks(ctx, store.TaskFilter{Scope: ledger.Scope{UnitID: unit}, UnitID: unit, Role: ledger.Lead})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(mine, func(x *ledger.Task) bool { return x.Section == section && x.No == last.No }) {
			t.Errorf("%s does not lead annex row %s among its %d tasks", last.Lead, last.No, len(mine))
		}
		// A leader of annex rows sees them in the leader's scope.
		under, err := s.Tasks(ctx, store.TaskFilter{Scope: ledger.LeaderScope(last.Leaders)})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(under, func(x *ledger.Task) bool { return x.Section == section && x.No == last.No }) {
			t.Errorf("leader %s does not see annex row %s", last.Leaders, last.No)
		}
		// The export holds them as ledger rows; the blob is gone.
		head, exported, err := s.LedgerExport(ctx, store.TaskFilter{NoticeID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(exported) != 197 || len(head.Annex) != 0 || exported[196].Section != section {
			t.Errorf("export has %d tasks and %d annex rows; want 197 and 0", len(exported), len(head.Annex))
		}
		// Importing it again is refused, as before.
		if _, err := s.ImportNotice(ctx, seed002(t), "again.txt", office); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("second import: %v; want a duplicate", err)
		}
	})
}

func unitID(t *testing.T, s *store.Store, name string) int64 {
	t.Helper()
	us, err := s.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Name == name {
			return u.ID
		}
	}
	t.Fatalf("no unit %q", name)
	return 0
}

// tablesOnly is a notice whose items are all in attached tables.
func tablesOnly(title string) *notice.Notice {
	return &notice.Notice{Issuer: "某区人民政府办公室", Year: 2026, Title: title, Annex: []notice.AnnexRow{
		{Section: "附件1：重点项目", No: "1", Text: title + "建成产业园一期。", Leaders: []string{"王健"}, Lead: []string{"区发展改革局"},
			Support: []string{"区财政局"}, Deadline: notice.NewDate(2026, 6, 30)},
		{Section: "附件1：重点项目", No: "2", Text: "新增就业1000人以上。", Lead: []string{"区人力资源社会保障局"}},
		{Section: "附件2：民生实事", No: "1", Text: "改造老旧小区20个。", Lead: []string{"区住房城乡建设局"}, DeadlineText: "年底前"},
	}}
}

func TestImportTablesOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.ImportNotice(ctx, tablesOnly("甲"), "a.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		rows := ledgerRows(t, s, id)
		want := []struct{ section, no string }{{"附件1：重点项目", "1"}, {"附件1：重点项目", "2"}, {"附件2：民生实事", "1"}}
		if len(rows) != len(want) {
			t.Fatalf("%d tasks; want %d", len(rows), len(want))
		}
		for i, w := range want {
			if rows[i].Section != w.section || rows[i].No != w.no {
				t.Errorf("task %d is %s %s; want %s %s", i, rows[i].Section, rows[i].No, w.section, w.no)
			}
		}
		if rows[1].Targets == "" {
			t.Errorf("no target read from %q", rows[1].Text)
		}
		// Another notice of tables only is not a duplicate of the first.
		if _, err := s.ImportNotice(ctx, tablesOnly("乙"), "b.txt", office); err != nil {
			t.Errorf("a second, different notice of tables: %v", err)
		}
		if _, err := s.ImportNotice(ctx, &notice.Notice{Title: "空"}, "c.txt", office); err == nil {
			t.Error("a notice with no task and no table row was imported")
		}
	})
}

// v1Database is a database on engine e as duban left it at schema version
// 1, holding seed 002 imported then: its annex rows as JSON on the notice.
// It returns the database's DSN and the store, still open, at version 1.
func v1Database(t *testing.T, e string) (string, *store.Store) {
	t.Helper()
	dsn := testdb.DSN(t, e)
	old, err := store.OpenAtVersionForTest(ctx, dsn, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { old.Close() })
	if _, err := old.ImportV1ForTest(ctx, seed002(t), "002.txt"); err != nil {
		t.Fatal(err)
	}
	return dsn, old
}

// TestMigrateAnnexToTasks builds a database as duban left it at schema
// version 1 — seed 002's annex rows stored as JSON on the notice — opens
// it with this duban, and expects the ledger a fresh import gives.
func TestMigrateAnnexToTasks(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e, func(t *testing.T) {
			dsn, old := v1Database(t, e)
			old.Close()
			const oldID = 1
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fresh := testdb.Open(t, e)
			newID, err := fresh.ImportNotice(ctx, seed002(t), "002.txt", office)
			if err != nil {
				t.Fatal(err)
			}
			got, want := ledgerRows(t, s, oldID), ledgerRows(t, fresh, newID)
			if len(got) != 197 || len(want) != 197 {
				t.Fatalf("migrated %d tasks, fresh %d; want 197", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("task %d migrated as\n%+v\nimported as\n%+v", i+1, got[i], want[i])
				}
			}
			// The same units exist, and the migrated notice is still known.
			names := func(s *store.Store) []string {
				us, err := s.Units(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, u := range us {
					out = append(out, u.Name)
				}
				slices.Sort(out)
				return out
			}
			if g, w := names(s), names(fresh); !slices.Equal(g, w) {
				t.Errorf("migrated directory has %d units, fresh %d", len(g), len(w))
			}
			if _, err := s.ImportNotice(ctx, seed002(t), "again.txt", office); !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("importing the migrated notice again: %v; want a duplicate", err)
			}
			h, err := s.History(ctx, store.EntityNotice, oldID)
			if err != nil || len(h) != 1 || h[0].Action != store.ActionAnnexTasks {
				t.Errorf("notice history after migration: %+v, %v; want one %s entry", h, err, store.ActionAnnexTasks)
			}
		})
	}
}

// TestGoStepIsInTheMigrationsTransaction: when a migration's Go step fails,
// none of the migration lands — not its SQL, not the step's rows.
func TestGoStepIsInTheMigrationsTransaction(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e, func(t *testing.T) {
			dsn, old := v1Database(t, e)
			if err := old.MigrateFailingForTest(ctx, 2); !errors.Is(err, store.ErrStepForTest) {
				t.Fatalf("migrate: %v; want the step's error", err)
			}
			// Still version 1: the annex column is there, no task was added.
			if err := old.ExecForTest(ctx, "UPDATE notices SET annex = annex"); err != nil {
				t.Errorf("annex column gone after a failed migration: %v", err)
			}
			if err := old.ExecForTest(ctx, "SELECT section FROM tasks"); err == nil {
				t.Error("tasks.section added by a failed migration")
			}
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if rows := ledgerRows(t, s, 1); len(rows) != 197 {
				t.Errorf("after a failed, then a good migration: %d tasks; want 197", len(rows))
			}
		})
	}
}

// copies002 is seed 002 k times over, each copy a notice of its own, and
// the engine benchmarks run on (PostgreSQL when DUBAN_TEST_PG is set).
func copies002(b *testing.B, k int) ([]*notice.Notice, string) {
	base := seed(b, "002")
	out := make([]*notice.Notice, k)
	for i := range out {
		n := *base
		n.DocNumber = fmt.Sprintf("三政办〔2023〕%d号", 100+i)
		n.Tasks = slices.Clone(base.Tasks)
		n.Tasks[0].Text += fmt.Sprint(i)
		out[i] = &n
	}
	return out, testdb.Engines()[len(testdb.Engines())-1]
}

const benchCopies = 20

// BenchmarkMigrateAnnex opens a version-1 database holding 20 copies of
// seed 002 (1,700 annex rows as JSON), which migrates them into tasks.
// Compare BenchmarkImportAnnex, the same 20 notices imported fresh.
func BenchmarkMigrateAnnex(b *testing.B) {
	ns, e := copies002(b, benchCopies)
	for range b.N {
		b.StopTimer()
		dsn := testdb.DSN(b, e)
		old, err := store.OpenAtVersionForTest(ctx, dsn, 1)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range ns {
			if _, err := old.ImportV1ForTest(ctx, n, "002.txt"); err != nil {
				b.Fatal(err)
			}
		}
		old.Close()
		b.StartTimer()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkImportAnnex imports the 20 copies of seed 002 into an empty
// database: the anchor for BenchmarkMigrateAnnex.
func BenchmarkImportAnnex(b *testing.B) {
	ns, e := copies002(b, benchCopies)
	for range b.N {
		b.StopTimer()
		s := testdb.Open(b, e)
		b.StartTimer()
		for _, n := range ns {
			if _, err := s.ImportNotice(ctx, n, "002.txt", office); err != nil {
				b.Fatal(err)
			}
		}
	}
}
