package store_test

import (
	"duban/internal/ledger"
	"fmt"
	"slices"
	"strings"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// unitsNamed lists the units called name, in any government.
func unitsNamed(t *testing.T, s *store.Store, name string) []*store.Unit {
	t.Helper()
	all, err := s.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.Unit
	for _, u := range all {
		if u.Name == name {
			out = append(out, u)
		}
	}
	return out
}

// seeTasks counts the tasks a unit's account sees, by notice jurisdiction.
func seeTasks(t *testing.T, s *store.Store, unit int64) map[string]int {
	t.Helper()
	ts, err := s.Tasks(ctx, store.TaskFilter{Scope: ledger.Scope{UnitID: unit}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tk := range ts {
		out[tk.Jurisdiction]++
	}
	return out
}

func memberNames(u *store.Unit) []string {
	var out []string
	for _, m := range u.Members {
		out = append(out, m.Name)
	}
	return out
}

func TestUnitsBelongToGovernments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		for _, name := range []string{"000", "002", "004"} {
			if _, err := s.ImportNotice(ctx, seed(t, name), name, office); err != nil {
				t.Fatal(err)
			}
		}
		ns, _ := s.Notices(ctx, ledger.Scope{})
		for _, n := range ns {
			want := map[string]string{"河南省人民政府": "410000", "三门峡市人民政府办公室": "411200", "许昌市人民政府": "411000"}[n.Issuer]
			if n.Jurisdiction != want {
				t.Errorf("notice %s: jurisdiction %q, want %q", n.Issuer, n.Jurisdiction, want)
			}
		}
		fin := unitsNamed(t, s, "市财政局")
		if len(fin) != 2 {
			t.Fatalf("市财政局: %d units, want one of 三门峡市 and one of 许昌市", len(fin))
		}
		for _, u := range fin {
			if want := u.JurName + " · 市财政局"; u.Label != want {
				t.Errorf("label %q, want %q", u.Label, want)
			}
			seen := seeTasks(t, s, u.ID)
			if len(seen) != 1 || seen[u.Jurisdiction] == 0 {
				t.Errorf("%s sees tasks of %v, want only its own city's", u.Label, seen)
			}
		}
		// The label read back finds the same unit; a plain name is the
		// asking government's.
		smx, err := s.UnitByNameIn(ctx, "411000", "三门峡市 · 市财政局")
		if err != nil || smx.Jurisdiction != "411200" {
			t.Fatalf("UnitByNameIn label: %+v %v", smx, err)
		}
		if u, err := s.UnitByNameIn(ctx, "411000", "市财政局"); err != nil || u.Jurisdiction != "411000" {
			t.Errorf("UnitByNameIn(许昌, 市财政局) = %+v %v", u, err)
		}
		if in, _ := s.UnitsIn(ctx, "411200"); !slices.ContainsFunc(in, func(u *store.Unit) bool { return u.ID == smx.ID }) {
			t.Error("UnitsIn(三门峡市) lacks its 市财政局")
		}
		// 郑州市政府 in the province's notice is 郑州市's own unit, and the
		// province's 各省辖市政府 reaches it with the 16 other cities.
		zz, err := s.UnitByNameIn(ctx, "410000", "郑州市人民政府")
		if err != nil || zz.Jurisdiction != "410100" || zz.Government != "410100" || zz.Name != "郑州市政府" {
			t.Fatalf("郑州市人民政府 = %+v %v", zz, err)
		}
		cities, err := s.UnitByNameIn(ctx, "410000", "各省辖市政府")
		if err != nil {
			t.Fatal(err)
		}
		if len(cities.Members) != 17 || !slices.Contains(memberNames(cities), "郑州市政府") || !slices.Contains(memberNames(cities), "三门峡市政府") {
			t.Errorf("各省辖市政府 members %v", memberNames(cities))
		}
		if seen := seeTasks(t, s, zz.ID); seen["410000"] != 11+3 {
			t.Errorf("郑州市政府 sees %v province tasks, want its own 11 and 各省辖市政府's 3", seen)
		}
		counties, err := s.UnitByNameIn(ctx, "411200", "各县〔市、区〕政府")
		if err != nil {
			t.Fatal(err)
		}
		if got := memberNames(counties); len(got) != 6 || !slices.Contains(got, "湖滨区政府") {
			t.Errorf("三门峡 各县〔市、区〕政府 members %v", got)
		}
		hb, _ := s.UnitByNameIn(ctx, "411200", "湖滨区政府")
		if seen := seeTasks(t, s, hb.ID); seen["411200"] < 65 {
			t.Errorf("湖滨区政府 sees %v, want the 65 tasks of 各县(市、区)政府 and its own", seen)
		}
		// Departments the directory knows form 市政府各部门 of 三门峡 only.
		depts, _ := s.UnitsIn(ctx, "411200")
		for _, u := range depts {
			if u.Name == "市财政局" && len(u.Groups) != 0 {
				t.Errorf("市财政局 of 三门峡 in groups %v: the notice names no 市政府各部门", u.Groups)
			}
		}
	})
}

func TestImportInChosenJurisdiction(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := small() // 某省: no such province
		if j, _ := s.Jurisdiction(ctx, n.Issuer); j != "" {
			t.Errorf("Jurisdiction(%s) = %q", n.Issuer, j)
		}
		if _, err := s.ImportNoticeIn(ctx, n, "a", "999999", office); err == nil || !strings.Contains(err.Error(), "行政区划") {
			t.Errorf("unknown code: %v", err)
		}
		id, err := s.ImportNoticeIn(ctx, n, "a", "410000", office)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := s.Notice(ctx, id, ledger.Scope{})
		if info.Jurisdiction != "410000" || info.JurName != "河南省" {
			t.Errorf("notice in %q %q", info.Jurisdiction, info.JurName)
		}
		g, _ := s.UnitByNameIn(ctx, "410000", "各省辖市政府")
		if g == nil || len(g.Members) != 17 || !g.AutoMembers {
			t.Fatalf("group %+v", g)
		}
		// Members set by hand stay as set when the next notice comes.
		if err := s.SetMembers(ctx, g.ID, []int64{g.Members[0].ID}, office); err != nil {
			t.Fatal(err)
		}
		m := seed(t, "000")
		if _, err := s.ImportNotice(ctx, m, "000", office); err != nil {
			t.Fatal(err)
		}
		g, _ = s.Unit(ctx, g.ID)
		if len(g.Members) != 1 || g.AutoMembers {
			t.Errorf("members set by hand became %v", memberNames(g))
		}
		// A zone the office adds takes the 管委会 a notice names.
		z, err := s.AddZone(ctx, "济源示范区", "410000", office)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddZone(ctx, "济源示范区", "410000", office); err == nil {
			t.Error("the same zone twice")
		}
		jy, err := s.UnitByNameIn(ctx, "410000", "济源示范区管委会")
		if err != nil || jy.Government != z.Code {
			t.Errorf("济源示范区管委会 = %+v %v, want the zone %s's", jy, err, z.Code)
		}
	})
}

// TestMigrationSplitsMergedUnits builds a database as duban did before
// migration 0003 — one 市财政局 for 三门峡 and 许昌, an account per unit —
// and checks that opening it splits the units and says what moved.
func TestMigrationSplitsMergedUnits(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e, func(t *testing.T) {
			dsn := testdb.DSN(t, e)
			old, err := store.OpenAtVersionForTest(ctx, dsn, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"000", "002", "004"} {
				if err := old.ImportBefore0003ForTest(ctx, seed(t, name), name); err != nil {
					t.Fatal(err)
				}
			}
			old.Close()

			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fin := unitsNamed(t, s, "市财政局")
			if len(fin) != 2 {
				t.Fatalf("市财政局: %d units after the migration", len(fin))
			}
			var kept, split *store.Unit
			for _, u := range fin {
				if u.Jurisdiction == "411200" {
					kept = u // 11 tasks in 三门峡, 8 in 许昌: the account stays in 三门峡
				} else {
					split = u
				}
			}
			if kept == nil || split == nil || split.Jurisdiction != "411000" {
				t.Fatalf("parts %+v %+v", kept, split)
			}
			for _, u := range fin {
				if seen := seeTasks(t, s, u.ID); len(seen) != 1 || seen[u.Jurisdiction] == 0 {
					t.Errorf("%s sees %v", u.Label, seen)
				}
			}
			users, _ := s.Users(ctx)
			owner := ""
			for _, us := range users {
				if us.UnitID == kept.ID {
					owner = us.Login
				}
				if us.UnitID == split.ID {
					t.Errorf("account %s on the new part", us.Login)
				}
			}
			report := strings.Join(s.MigrationReport(), "\n")
			if owner == "" || !strings.Contains(report, "「市财政局」按政府拆分") || !strings.Contains(report, "账号 "+owner) {
				t.Errorf("report does not say where %s went:\n%s", owner, report)
			}
			hist, err := s.History(ctx, store.EntityUnit, split.ID)
			if err != nil || len(hist) == 0 || hist[0].Action != store.ActionSplit {
				t.Errorf("audit of the new part: %+v %v", hist, err)
			}
			zz, err := s.UnitByNameIn(ctx, "410000", "郑州市政府")
			if err != nil || zz.Jurisdiction != "410100" {
				t.Errorf("郑州市政府 after migration: %+v %v", zz, err)
			}
			if seen := seeTasks(t, s, zz.ID); seen["410000"] <= 11 {
				t.Errorf("郑州市政府 sees %v: not the 各省辖市政府 tasks", seen)
			}
			// Opening again changes nothing more.
			s.Close()
			s2, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if r := s2.MigrationReport(); len(r) != 0 {
				t.Errorf("second open reports %v", r)
			}
		})
	}
}

func TestGovernmentNamedTwoWays(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		// 各省辖市政府 of the first notice makes 开封市人民政府; the second
		// notice prints 开封市政府.
		if _, err := s.ImportNoticeIn(ctx, small(), "a", "410000", office); err != nil {
			t.Fatal(err)
		}
		n := small()
		n.DocNumber, n.Tasks = "某政办〔2026〕2号", n.Tasks[:1]
		n.Tasks[0].Text, n.Tasks[0].Lead = "建设开封新区。", []string{"开封市政府"}
		if _, err := s.ImportNoticeIn(ctx, n, "b", "410000", office); err != nil {
			t.Fatal(err)
		}
		u, err := s.UnitByNameIn(ctx, "410000", "开封市政府")
		if err != nil || u.Name != "开封市人民政府" || !slices.Contains(u.Aliases, "开封市政府") {
			t.Errorf("开封市政府 = %+v %v, want 开封市人民政府 with the printed name as an alias", u, err)
		}
	})
}

// BenchmarkMigrateJurisdiction times migration 0003 on a database holding
// the five seeds as duban stored them before it.
func BenchmarkMigrateJurisdiction(b *testing.B) {
	var ns []*notice.Notice
	for _, name := range []string{"000", "001", "002", "003", "004"} {
		ns = append(ns, seed(b, name))
	}
	for range b.N {
		b.StopTimer()
		dsn := testdb.DSN(b, "sqlite")
		old, err := store.OpenAtVersionForTest(ctx, dsn, 2)
		if err != nil {
			b.Fatal(err)
		}
		for i, n := range ns {
			if err := old.ImportBefore0003ForTest(ctx, n, fmt.Sprint(i)); err != nil {
				b.Fatal(err)
			}
		}
		old.Close()
		b.StartTimer()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
