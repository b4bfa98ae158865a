package main

import (
	"bytes"
	"context"
	"duban/internal/ledger"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

var newPasswordRE = regexp.MustCompile(`的新密码：(\S+)`)

// TestUserCommands: on SQLite and PostgreSQL an administrator outside the
// site creates accounts of each kind, resets a password (ending sessions
// and tokens), lifts a lockout, disables and enables an account, and
// lists them; every mistake is one Chinese line and exit status 1.
func TestUserCommands(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := testdb.DSN(t, engine)
			st := openStore(t, dsn)
			defer st.Close()
			n := parseSeed(t, filepath.Join(repoRoot(t), "testdata/seeds/002_a99145987f6f3da9.txt"))
			if _, err := st.ImportNotice(ctx, n, "002.txt", store.CLI); err != nil {
				t.Fatal(err)
			}
			tasks, _ := st.Tasks(ctx, store.TaskFilter{})
			var unitName, leader string
			for _, task := range tasks {
				if lead := task.Units(ledger.Lead); unitName == "" && len(lead) > 0 {
					unitName = lead[0]
				}
				if leader == "" && len(task.Leaders) > 0 {
					leader = task.Leaders[0]
				}
			}
			if unitName == "" || leader == "" {
				t.Fatalf("seed has no lead unit (%q) or leader (%q)", unitName, leader)
			}
			hash, _ := auth.HashPassword("old password 1")
			adminID, err := st.CreateUser(ctx, store.NewUser{Login: "admin", Name: "管理员", Role: store.RoleAdmin, PasswordHash: hash})
			if err != nil {
				t.Fatal(err)
			}

			user := func(stdin string, args ...string) (int, string, string) {
				t.Helper()
				var out, errb bytes.Buffer
				code := run(append([]string{"user"}, append(args, "--db", dsn)...), strings.NewReader(stdin), &out, &errb)
				return code, out.String(), errb.String()
			}
			mustUser := func(stdin string, args ...string) string {
				t.Helper()
				code, out, errs := user(stdin, args...)
				if code != 0 {
					t.Fatalf("duban user %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
				}
				return out
			}
			checkPassword := func(login, pw string) {
				t.Helper()
				u, err := st.UserByLogin(ctx, login)
				if err != nil || !auth.CheckPassword(u.PasswordHash, pw) {
					t.Errorf("%s: the password given does not log in (%v)", login, err)
				}
			}

			// create: generated password shown once; from stdin not shown.
			out := mustUser("", "create", "--login", "wang", "--name", "王科长", "--role", "office")
			m := newPasswordRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("create without --password-stdin shows no password:\n%s", out)
			}
			checkPassword("wang", m[1])
			out = mustUser("unit password 1\n", "create", "--login", "fgw", "--name", "填报员", "--role", "unit", "--unit", unitName, "--password-stdin")
			if strings.Contains(out, "unit password 1") {
				t.Errorf("a password read from stdin was printed:\n%s", out)
			}
			checkPassword("fgw", "unit password 1")
			if u, _ := st.UserByLogin(ctx, "fgw"); u == nil || u.UnitName != unitName {
				t.Errorf("unit account's unit: %+v, want %s", u, unitName)
			}
			mustUser("leader password 1", "create", "--login", "lead", "--name", leader, "--role", "leader", "--leader", leader, "--password-stdin")
			if u, _ := st.UserByLogin(ctx, "lead"); u == nil || u.Leader != leader {
				t.Errorf("leader account: %+v, want leader %s", u, leader)
			}

			for _, c := range []struct {
				stdin string
				args  []string
				want  string
			}{
				{"", []string{"create", "--login", "wang", "--name", "又一个", "--role", "viewer"}, "已被使用"},
				{"", []string{"create", "--login", "x", "--name", "短", "--role", "viewer"}, "用户名须为"},
				{"", []string{"create", "--login", "boss", "--name", "老板", "--role", "boss"}, "--role"},
				{"", []string{"create", "--login", "u2", "--name", "单位", "--role", "unit"}, "--unit"},
				{"", []string{"create", "--login", "u3", "--name", "单位", "--role", "unit", "--unit", "没有这个单位"}, "没有单位"},
				{"", []string{"create", "--login", "l2", "--name", "领导", "--role", "leader", "--leader", "无此领导"}, "没有任务的责任领导"},
				{"abc\n", []string{"create", "--login", "weak", "--name", "弱", "--role", "viewer", "--password-stdin"}, "不符合要求"},
				{"", []string{"unlock", "nobody"}, "没有用户名"},
			} {
				code, out, errs := user(c.stdin, c.args...)
				if code != 1 {
					t.Errorf("%v: exit %d, want 1\n%s%s", c.args, code, out, errs)
				}
				oneErrorLine(t, errs, c.want)
			}
			if _, err := st.UserByLogin(ctx, "weak"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a refused create made an account: %v", err)
			}

			// reset-password: the lost admin password; sessions and tokens end.
			st.CreateSession(ctx, "sess-admin", adminID, time.Now().Add(time.Hour))
			st.CreateAPIToken(ctx, adminID, "integration", "tok-admin")
			out = mustUser("", "reset-password", "admin")
			m = newPasswordRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("reset-password shows no password:\n%s", out)
			}
			checkPassword("admin", m[1])
			if _, err := st.SessionUser(ctx, "sess-admin"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("session survives a password reset: %v", err)
			}
			if _, err := st.APITokenUser(ctx, "tok-admin"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("API token survives a password reset: %v", err)
			}

			// unlock: an admin locked out by wrong passwords.
			lim := store.LoginLimits{PerAccount: 2, PerAccountAll: 2, PerAddress: 100, LockFor: time.Hour}
			for range 3 {
				st.ClaimLogin(ctx, "admin", "192.0.2.1", lim)
			}
			if !strings.Contains(mustUser("", "list"), "锁定至") {
				t.Errorf("list does not show the lockout:\n%s", mustUser("", "list"))
			}
			mustUser("", "unlock", "admin")
			if _, err := st.ClaimLogin(ctx, "admin", "192.0.2.1", lim); err != nil {
				t.Errorf("after unlock the admin is still refused: %v", err)
			}

			// disable ends sessions at once; enable brings the account back.
			wang, _ := st.UserByLogin(ctx, "wang")
			st.CreateSession(ctx, "sess-wang", wang.ID, time.Now().Add(time.Hour))
			mustUser("", "disable", "wang")
			if _, err := st.SessionUser(ctx, "sess-wang"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("session of a disabled account still works: %v", err)
			}
			list := mustUser("", "list")
			if !regexp.MustCompile(`wang .*已停用`).MatchString(list) {
				t.Errorf("list does not show wang disabled:\n%s", list)
			}
			mustUser("", "enable", "wang")
			list = mustUser("", "list")
			for _, login := range []string{"admin", "wang", "fgw", "lead"} {
				if !regexp.MustCompile(`(?m)^` + login + ` .*正常`).MatchString(list) {
					t.Errorf("list: %s not shown as 正常:\n%s", login, list)
				}
			}
			if strings.Contains(list, "$argon2") {
				t.Errorf("list shows password hashes:\n%s", list)
			}
		})
	}
}
