package store_test

import (
	"cmp"
	"context"
	"duban/internal/ledger"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

var ctx = context.Background()

var office = store.Actor{UserID: 0, Name: "督查室"}

func seed(t testing.TB, name string) *notice.Notice {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "seeds", name+"*.txt"))
	if len(paths) != 1 {
		t.Fatalf("seed %s: %v", name, paths)
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	n, err := notice.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// small is a hand-made notice with a group, leaders and two headings.
func small() *notice.Notice {
	return &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕1号", Year: 2026, Title: "重点工作分工",
		Tasks: []notice.Task{
			{No: "1", Path: []string{"一、稳增长"}, Text: "扩大有效投资。", Lead: []string{"省发展改革委"}, Support: []string{"省财政厅"}, Leaders: []string{"张副省长"}},
			{No: "2", Path: []string{"一、稳增长"}, Text: "促进消费100亿元以上。", Lead: []string{"省商务厅"}, Support: []string{"省发展改革委", "各省辖市政府"}},
			{No: "3", Path: []string{"二、惠民生"}, Text: "办好民生实事。", Responsible: []string{"各省辖市政府"}, Leaders: []string{"李副省长"},
				Deadline: notice.NewDate(2026, 12, 31)},
		}}
}

func TestMigrateAgainIsHarmless(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e, func(t *testing.T) {
			dsn := testdb.DSN(t, e)
			for range 2 {
				s, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

func TestImportAndDuplicate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := seed(t, "001")
		id, err := s.ImportNotice(ctx, n, "001.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Notice(ctx, id, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		// a notice without a title is stored with the proposed one
		if title := cmp.Or(n.Title, n.ProposedTitle()); info.TaskCount != len(n.Tasks) || info.Title != title || info.DocNumber != n.DocNumber {
			t.Errorf("stored %d tasks %q %q; want %d %q %q", info.TaskCount, info.Title, info.DocNumber, len(n.Tasks), title, n.DocNumber)
		}
		ts, err := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
		if err != nil {
			t.Fatal(err)
		}
		for i, task := range ts {
			want := n.Tasks[i]
			got := task.Fields()
			if task.No != want.No || got.Text != want.Text || !slices.Equal(got.Lead, want.Lead) ||
				!slices.Equal(got.Support, want.Support) || !slices.Equal(got.Responsible, want.Responsible) ||
				!slices.Equal(got.Leaders, want.Leaders) || got.Deadline != want.Deadline || !slices.Equal(task.Path, want.Path) {
				t.Fatalf("task %s read back as %+v; want %+v", want.No, got, want)
			}
		}
		// The same notice again, under another file name, is refused.
		_, err = s.ImportNotice(ctx, seed(t, "001"), "copy.docx", office)
		var dup *store.DuplicateError
		if !errors.As(err, &dup) || !errors.Is(err, store.ErrDuplicate) || dup.Existing.ID != id {
			t.Fatalf("re-import: %v", err)
		}
		if !strings.Contains(err.Error(), "不能重复导入") {
			t.Errorf("message %q does not tell the office why", err)
		}
		// A re-typed copy without its doc number is recognised by its tasks.
		n2 := seed(t, "001")
		n2.DocNumber = ""
		if _, err := s.ImportNotice(ctx, n2, "retyped.txt", office); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("re-typed copy: %v", err)
		}
		ns, _ := s.Notices(ctx, ledger.Scope{})
		if len(ns) != 1 {
			t.Errorf("%d notices after refused imports", len(ns))
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := small()
		n.Tasks[2].Lead = []string{"  "} // fails on the last task
		if _, err := s.ImportNotice(ctx, n, "bad.txt", office); err == nil {
			t.Fatal("import with an empty unit name succeeded")
		}
		ns, _ := s.Notices(ctx, ledger.Scope{})
		us, _ := s.Units(ctx)
		c, _ := s.CountTasks(ctx, store.TaskFilter{})
		if len(ns) != 0 || len(us) != 0 || c != 0 {
			t.Fatalf("failed import left %d notices, %d units, %d tasks", len(ns), len(us), c)
		}
	})
}

func TestFiltersAndScopes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.ImportNotice(ctx, small(), "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		ndrc, err := s.UnitByName(ctx, "省发展改革委")
		if err != nil {
			t.Fatal(err)
		}
		nos := func(f store.TaskFilter) string {
			t.Helper()
			f.NoticeID = id
			ts, err := s.Tasks(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, t := range ts {
				out = append(out, t.No)
			}
			if c, _ := s.CountTasks(ctx, f); c != len(ts) {
				t.Errorf("CountTasks %d, Tasks %d", c, len(ts))
			}
			return strings.Join(out, ",")
		}
		for _, c := range []struct {
			name string
			f    store.TaskFilter
			want string
		}{
			{"all", store.TaskFilter{}, "1,2,3"},
			{"unit", store.TaskFilter{UnitID: ndrc.ID}, "1,2"},
			{"unit lead", store.TaskFilter{UnitID: ndrc.ID, Role: ledger.Lead}, "1"},
			{"unit support", store.TaskFilter{UnitID: ndrc.ID, Role: ledger.Support}, "2"},
			{"heading", store.TaskFilter{Heading: "二、惠民生"}, "3"},
			{"leader", store.TaskFilter{Leader: "张副省长"}, "1"},
			{"text", store.TaskFilter{Query: "消费"}, "2"},
			{"number", store.TaskFilter{Query: "3"}, "3"},
			{"percent is literal", store.TaskFilter{Query: "%"}, ""},
			{"page", store.TaskFilter{Limit: 1, Offset: 1}, "2"},
			{"unit scope", store.TaskFilter{Scope: ledger.Scope{UnitID: ndrc.ID}}, "1,2"},
			{"leader scope", store.TaskFilter{Scope: ledger.LeaderScope("李副省长")}, "3"},
			{"empty leader scope", store.TaskFilter{Scope: ledger.LeaderScope("")}, ""},
		} {
			f := c.f
			if c.name == "page" {
				ts, _ := s.Tasks(ctx, store.TaskFilter{NoticeID: id, Limit: 1, Offset: 1})
				if len(ts) != 1 || ts[0].No != "2" {
					t.Errorf("page: %v", ts)
				}
				continue
			}
			if got := nos(f); got != c.want {
				t.Errorf("%s: tasks %q; want %q", c.name, got, c.want)
			}
		}
		hc, _ := s.HeadingCounts(ctx, store.TaskFilter{NoticeID: id, Heading: "二、惠民生"})
		if len(hc) != 2 || hc[0] != (store.Count{Name: "一、稳增长", N: 2}) || hc[1].N != 1 {
			t.Errorf("heading counts %v", hc)
		}
		rc, _ := s.RoleCounts(ctx, store.TaskFilter{NoticeID: id, UnitID: ndrc.ID})
		if rc[string(ledger.Lead)] != 1 || rc[string(ledger.Support)] != 1 {
			t.Errorf("role counts %v", rc)
		}
		// A unit cannot read another unit's task: it does not exist for it.
		all, _ := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
		if _, err := s.Task(ctx, all[2].ID, ledger.Scope{UnitID: ndrc.ID}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unit read another unit's task: %v", err)
		}
		if _, err := s.Task(ctx, all[0].ID, ledger.Scope{UnitID: ndrc.ID}); err != nil {
			t.Errorf("unit cannot read its own task: %v", err)
		}
		ls, _ := s.Leaders(ctx, ledger.Scope{})
		if len(ls) != 2 {
			t.Errorf("leaders %v", ls)
		}
	})
}

func TestGroupsAndMerge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.ImportNotice(ctx, small(), "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		group, _ := s.UnitByName(ctx, "各省辖市政府")
		if !group.IsGroup {
			t.Error("各省辖市政府 is not marked a group")
		}
		n := small()
		n.DocNumber, n.Tasks = "某政办〔2026〕2号", []notice.Task{
			{No: "1", Text: "城市更新。", Lead: []string{"甲市人民政府"}},
			{No: "2", Text: "新的发改任务。", Lead: []string{"省发展和改革委员会"}},
		}
		if _, err := s.ImportNotice(ctx, n, "second.txt", office); err != nil {
			t.Fatal(err)
		}
		city, _ := s.UnitByName(ctx, "甲市人民政府")
		if err := s.SetMembers(ctx, group.ID, []int64{city.ID}, office); err != nil {
			t.Fatal(err)
		}
		mine, _ := s.Tasks(ctx, store.TaskFilter{Scope: ledger.Scope{UnitID: city.ID}})
		if len(mine) != 3 {
			t.Errorf("a member of 各省辖市政府 sees %d tasks; want its own 1 and the group's 2", len(mine))
		}
		// Two spellings of one unit become one.
		ndrc, _ := s.UnitByName(ctx, "省发展改革委")
		long, _ := s.UnitByName(ctx, "省发展和改革委员会")
		if err := s.MergeUnits(ctx, ndrc.ID, long.ID, office); err != nil {
			t.Fatal(err)
		}
		u, err := s.UnitByName(ctx, "省发展和改革委员会")
		if err != nil || u.ID != ndrc.ID || !slices.Contains(u.Aliases, "省发展和改革委员会") {
			t.Fatalf("alias lookup: %+v %v", u, err)
		}
		if u.Lead != 2 || u.Support != 1 {
			t.Errorf("merged unit leads %d supports %d; want 2 and 1", u.Lead, u.Support)
		}
		// A later notice naming the alias lands on the kept unit.
		n3 := small()
		n3.DocNumber, n3.Tasks = "某政办〔2026〕3号", []notice.Task{{No: "1", Text: "第三份通知。", Lead: []string{"省发展和改革委员会"}}}
		if _, err := s.ImportNotice(ctx, n3, "third.txt", office); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.CountTasks(ctx, store.TaskFilter{UnitID: ndrc.ID, Role: ledger.Lead}); c != 3 {
			t.Errorf("after alias import the unit leads %d tasks; want 3", c)
		}
		_ = id
		h, _ := s.History(ctx, store.EntityUnit, ndrc.ID)
		if len(h) != 1 || h[0].Action != store.ActionMerge {
			t.Errorf("merge not audited: %+v", h)
		}
	})
}

func TestUpdateTaskAuditAndStale(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, _ := s.ImportNotice(ctx, small(), "small.txt", office)
		ts, _ := s.Tasks(ctx, store.TaskFilter{NoticeID: id})
		task := ts[0]
		f := task.Fields()
		f.Text = "扩大有效投资，完成投资5000亿元。"
		f.Lead = []string{"省财政厅"}
		f.Support = []string{"省发展改革委"}
		f.Deadline = notice.NewDate(2026, 6, 30)
		alice := store.Actor{UserID: 0, Name: "王科长"}
		got, err := s.UpdateTask(ctx, task.ID, task.Version, f, alice)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != task.Version+1 || got.Text != f.Text || got.Units(ledger.Lead)[0] != "省财政厅" || got.Deadline != f.Deadline {
			t.Errorf("after update: %+v", got)
		}
		// A second editor who opened version 1 is refused, and told by whom.
		f2 := task.Fields()
		f2.Text = "别的改法"
		_, err = s.UpdateTask(ctx, task.ID, task.Version, f2, store.Actor{Name: "李科员"})
		var stale *store.StaleError
		if !errors.As(err, &stale) || !errors.Is(err, store.ErrStale) {
			t.Fatalf("stale save: %v", err)
		}
		if stale.Current.Text != f.Text || !strings.Contains(err.Error(), "王科长") {
			t.Errorf("stale error %q / current %q", err, stale.Current.Text)
		}
		now, _ := s.Task(ctx, task.ID, ledger.Scope{})
		if now.Text != f.Text {
			t.Errorf("stale save changed the text to %q", now.Text)
		}
		h, err := s.History(ctx, store.EntityTask, task.ID)
		if err != nil || len(h) != 1 {
			t.Fatalf("history %v %v", h, err)
		}
		if h[0].UserName != "王科长" || !strings.Contains(string(h[0].Before), "扩大有效投资。") || !strings.Contains(string(h[0].After), "5000亿元") {
			t.Errorf("audit entry %+v", h[0])
		}
	})
}

func TestAuditIsAppendOnly(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e, func(t *testing.T) {
			dsn := testdb.DSN(t, e)
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.ImportNotice(ctx, small(), "small.txt", office); err != nil {
				t.Fatal(err)
			}
			for _, stmt := range []string{"UPDATE audit SET user_name = 'x'", "DELETE FROM audit"} {
				if err := s.ExecForTest(ctx, stmt); err == nil {
					t.Errorf("%s succeeded on the audit log", stmt)
				}
			}
		})
	}
}

func TestAccountsSessionsTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.CreateUser(ctx, store.NewUser{Login: "u", Name: "单位", Role: store.RoleUnit, PasswordHash: "h"}); err == nil {
			t.Error("a unit account with no unit was created")
		}
		id, err := s.CreateUser(ctx, store.NewUser{Login: "wang", Name: "王", Role: store.RoleOffice, PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Login: "wang", Name: "王2", Role: store.RoleOffice, PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate login: %v", err)
		}
		now := time.Now()
		s.SetClock(func() time.Time { return now })
		lim := store.LoginLimits{PerAccount: 5, PerAccountAll: 50, PerAddress: 20, LockFor: 15 * time.Minute}
		for i := 1; i <= 5; i++ {
			c, err := s.ClaimLogin(ctx, "wang", "10.0.0.1", lim)
			if err != nil {
				t.Fatal(err)
			}
			if (i == 5) != c.Locks {
				t.Errorf("failure %d: locks %v", i, c.Locks)
			}
		}
		u, _ := s.User(ctx, id)
		if !u.LockedUntil.After(now) {
			t.Error("not locked after 5 failures")
		}
		if err := s.CreateSession(ctx, "sess", id, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if u, err := s.SessionUser(ctx, "sess"); err != nil || u.Login != "wang" {
			t.Fatalf("session: %v %v", u, err)
		}
		s.SetClock(func() time.Time { return now.Add(2 * time.Hour) })
		if _, err := s.SessionUser(ctx, "sess"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session still valid: %v", err)
		}
		s.SetClock(time.Now)
		s.CreateSession(ctx, "a", id, time.Now().Add(time.Hour))
		s.CreateSession(ctx, "b", id, time.Now().Add(time.Hour))
		if err := s.SetPassword(ctx, id, "h2", "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, "b"); !errors.Is(err, store.ErrNotFound) {
			t.Error("a password change left other sessions logged in")
		}
		if _, err := s.SessionUser(ctx, "a"); err != nil {
			t.Error("a password change logged out the session that made it")
		}
		tid, err := s.CreateAPIToken(ctx, id, "集成", "tokhash")
		if err != nil {
			t.Fatal(err)
		}
		if u, err := s.APITokenUser(ctx, "tokhash"); err != nil || u.ID != id {
			t.Fatalf("token user %v %v", u, err)
		}
		if err := s.DeleteAPIToken(ctx, id+1, tid); !errors.Is(err, store.ErrNotFound) {
			t.Error("another account deleted the token")
		}
		if err := s.DeleteAPIToken(ctx, id, tid); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, "tokhash"); !errors.Is(err, store.ErrNotFound) {
			t.Error("revoked token still works")
		}
	})
}
