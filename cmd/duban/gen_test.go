package main

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// rawDB opens dsn with database/sql, to count what gen wrote.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgres(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryInt(t *testing.T, db *sql.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

var summaryLine = regexp.MustCompile(`(?m)^(\w+)\s+([\d,]+) 行`)

// TestGen: `duban gen --scale small` fills an empty database with a data
// set the store reads like real use: the summary's counts are the rows,
// reports and plans are in every state, some late; the overview and a
// filter by light work; the accounts log in with the password given.
func TestGen(t *testing.T) {
	t.Setenv("DUBAN_DB", "")
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := testdb.DSN(t, engine)
			code, out, errs := runCmd(t, "", "gen", "--db", dsn, "--scale", "small", "--today", "2026-10-15", "--password", "gen-secret-1")
			if code != 0 {
				t.Fatalf("gen: exit %d: %s", code, errs)
			}
			if !strings.Contains(errs, "规划") || !strings.Contains(errs, "reports") {
				t.Errorf("no progress lines on stderr:\n%s", errs)
			}
			db := rawDB(t, dsn)
			tables := 0
			for _, m := range summaryLine.FindAllStringSubmatch(out, -1) {
				want, _ := strconv.ParseInt(strings.ReplaceAll(m[2], ",", ""), 10, 64)
				if got := queryInt(t, db, "SELECT COUNT(*) FROM "+m[1]); got != want {
					t.Errorf("%s has %d rows; the summary says %d", m[1], got, want)
				}
				tables++
			}
			if tables < 12 {
				t.Fatalf("summary names %d tables; want 12:\n%s", tables, out)
			}
			for query, want := range map[string]int64{
				"SELECT COUNT(*) FROM tasks":                                    600,
				"SELECT COUNT(*) FROM reports":                                  6000,
				"SELECT COUNT(*) FROM notices":                                  3,
				"SELECT COUNT(DISTINCT state) FROM reports":                     4,
				"SELECT COUNT(DISTINCT state) FROM plans":                       4,
				"SELECT COUNT(DISTINCT heading) FROM tasks WHERE notice_id = 1": 6,
			} {
				if got := queryInt(t, db, query); got < want || (want > 10 && got != want) {
					t.Errorf("%s = %d; want %d", query, got, want)
				}
			}
			for query, what := range map[string]string{
				"SELECT COUNT(*) FROM reports WHERE late = 1":                             "late reports",
				"SELECT COUNT(*) FROM reports WHERE state = 'returned' AND comment <> ''": "returned reports with a comment",
				"SELECT COUNT(*) FROM assignments WHERE role = 'support'":                 "support units",
				"SELECT COUNT(*) FROM tasks WHERE targets <> '[]'":                        "quantified targets",
				"SELECT COUNT(*) FROM tasks WHERE closed_on <> ''":                        "closed tasks",
				"SELECT COUNT(*) FROM report_parts":                                       "support units' parts",
				"SELECT COUNT(*) FROM units WHERE is_group = 1":                           "groups",
			} {
				if queryInt(t, db, query) == 0 {
					t.Errorf("no %s (%s)", what, query)
				}
			}
			// every row's parents exist (PostgreSQL may have skipped its triggers)
			for _, fk := range []struct{ child, col, parent string }{
				{"reports", "task_id", "tasks"}, {"reports", "period_id", "periods"}, {"reports", "unit_id", "units"},
				{"reports", "reviewed_by", "users"}, {"plans", "task_id", "tasks"}, {"plans", "unit_id", "units"},
				{"plans", "reviewed_by", "users"}, {"milestones", "plan_id", "plans"}, {"report_parts", "report_id", "reports"},
				{"report_parts", "unit_id", "units"}, {"assignments", "task_id", "tasks"}, {"assignments", "unit_id", "units"},
				{"task_leaders", "task_id", "tasks"}, {"unit_members", "group_id", "units"}, {"unit_members", "member_id", "units"},
				{"tasks", "notice_id", "notices"}, {"periods", "notice_id", "notices"}, {"users", "unit_id", "units"},
			} {
				q := fmt.Sprintf("SELECT COUNT(*) FROM %s c WHERE c.%s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s p WHERE p.id = c.%s)",
					fk.child, fk.col, fk.parent, fk.col)
				if n := queryInt(t, db, q); n > 0 {
					t.Errorf("%d rows of %s name a %s.id that is not there", n, fk.child, fk.parent)
				}
			}
			// percents rise through the year
			q1 := queryInt(t, db, "SELECT CAST(AVG(percent) AS INTEGER) FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.label = '第一季度'")
			q3 := queryInt(t, db, "SELECT CAST(AVG(percent) AS INTEGER) FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.label = '第三季度'")
			if q3 <= q1+20 {
				t.Errorf("average percent %d in Q1, %d in Q3; want it rising", q1, q3)
			}

			ctx := context.Background()
			st, err := store.OpenExisting(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			st.SetClock(func() time.Time { return time.Date(2026, 10, 15, 10, 0, 0, 0, time.Local) })
			o, err := st.NoticeOverview(ctx, 2, 0, ledger.Scope{})
			if err != nil {
				t.Fatalf("overview: %v", err)
			}
			if o.Period == nil || o.Period.Label != "第三季度" || len(o.Units) < 10 || len(o.Lights) < 3 {
				t.Errorf("overview of notice 2: period %v, %d units, lights %v; want 第三季度, the units and several lights", o.Period, len(o.Units), o.Lights)
			}
			ts, err := st.Tasks(ctx, store.TaskFilter{Light: ledger.LightLagging})
			if err != nil || len(ts) == 0 {
				t.Errorf("tasks lagging: %d, %v; want some", len(ts), err)
			}

			for login, role := range map[string]store.Role{"admin": store.RoleAdmin, "office": store.RoleOffice, "leader1": store.RoleLeader, "unit1": store.RoleUnit, "unit6": store.RoleUnit} {
				u, err := st.UserByLogin(ctx, login)
				if err != nil {
					t.Errorf("account %s: %v", login, err)
					continue
				}
				if u.Role != role || !auth.CheckPassword(u.PasswordHash, "gen-secret-1") || (role == store.RoleUnit) != (u.UnitID != 0) {
					t.Errorf("account %s: role %s unit %d; want %s with the password given", login, u.Role, u.UnitID, role)
				}
				if role == store.RoleUnit {
					mine, err := st.Tasks(ctx, store.TaskFilter{Scope: u.Scope()})
					if err != nil || len(mine) == 0 {
						t.Errorf("%s (%s) sees %d tasks, %v; want its own", login, u.UnitName, len(mine), err)
					}
				}
				if role == store.RoleLeader {
					mine, err := st.Tasks(ctx, store.TaskFilter{Scope: u.Scope()})
					if err != nil || len(mine) == 0 {
						t.Errorf("%s (%s) sees %d tasks, %v; want its own", login, u.Leader, len(mine), err)
					}
				}
			}
			// ids go on after the generated ones
			if _, err := st.AddPeriod(ctx, ledger.Period{NoticeID: 1, Kind: ledger.PeriodProgress, Label: "10月", Start: o.Period.Start, Due: o.Period.Due}, store.Actor{}); err != nil {
				t.Errorf("add a period after gen: %v", err)
			}
		})
	}
}

// TestGenRefusesNonEmpty: gen writes only into an empty database, and
// says so in one line.
func TestGenRefusesNonEmpty(t *testing.T) {
	t.Setenv("DUBAN_DB", "")
	dsn := testdb.DSN(t, "sqlite")
	args := []string{"gen", "--db", dsn, "--governments", "1", "--tasks", "20", "--reports", "50", "--today", "2026-10-15"}
	if code, _, errs := runCmd(t, "", args...); code != 0 {
		t.Fatalf("first gen: exit %d: %s", code, errs)
	}
	code, out, errs := runCmd(t, "", args...)
	if code != 1 || out != "" || !strings.Contains(errs, "已有 1 份通知") || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
		t.Errorf("second gen: exit %d, stdout %q, stderr %q; want 1 and one line saying the database has data", code, out, errs)
	}
	if code, _, errs := runCmd(t, "", "gen", "--db", dsn, "--scale", "huge"); code != 1 || !strings.Contains(errs, "没有规模") {
		t.Errorf("unknown scale: exit %d, %q", code, errs)
	}
}
