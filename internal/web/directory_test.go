package web

import (
	"context"
	"duban/internal/ledger"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/notice"
	"duban/internal/store"
)

// location is the Location a GET answers with, "" if none.
func (ts *site) location(c *http.Client, path string) (int, string) {
	ts.t.Helper()
	resp, err := c.Get(ts.srv.URL + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// addUser creates an account with the test password straight in the store.
func (ts *site) addUser(nu store.NewUser) *store.User {
	ts.t.Helper()
	ctx := context.Background()
	nu.PasswordHash = testHash
	id, err := ts.store.CreateUser(ctx, nu)
	if err != nil {
		ts.t.Fatal(err)
	}
	u, err := ts.store.User(ctx, id)
	if err != nil {
		ts.t.Fatal(err)
	}
	return u
}

// unitID looks a unit up by name.
func (ts *site) unitID(name string) int64 {
	ts.t.Helper()
	u, err := ts.store.UnitByName(context.Background(), name)
	if err != nil {
		ts.t.Fatalf("unit %s: %v", name, err)
	}
	return u.ID
}

// changeTask edits a task in the store as the command line would.
func (ts *site) changeTask(i int, change func(f *ledger.TaskFields)) {
	ts.t.Helper()
	ctx := context.Background()
	cur, err := ts.store.Task(ctx, ts.tasks[i].ID, ledger.Scope{})
	if err != nil {
		ts.t.Fatal(err)
	}
	f := cur.Fields()
	change(&f)
	if _, err := ts.store.UpdateTask(ctx, cur.ID, cur.Version, f, store.CLI); err != nil {
		ts.t.Fatal(err)
	}
}

func TestDirectoryRoutesAsEveryRole(t *testing.T) {
	ts := newSite(t)
	spare := ts.addUser(store.NewUser{Login: "spare", Name: "备用账号", Role: store.RoleViewer})
	a, b, g := ts.unitA.ID, ts.unitB.ID, ts.unitID("各省辖市政府")
	zhang, li := "/leaders/"+url.PathEscape("张副省长"), "/leaders/"+url.PathEscape("李副省长")
	spareToken, err := ts.store.CreateAPIToken(context.Background(), spare.ID, "对接", auth.TokenHash(auth.NewToken("dbn_")))
	if err != nil {
		t.Fatal(err)
	}
	ts.walk(t, []routeCase{
		//                                                                  anon  admin office unit  unit2 leader viewer
		{"GET", "/units", nil, access{see, ok, ok, forb, forb, ok, ok}},
		{"GET", "/units?q=商务", nil, access{see, ok, ok, forb, forb, ok, ok}},
		{"POST", "/units/merge", url.Values{"keep": {fmt.Sprint(a)}, "drop": {fmt.Sprint(a)}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"POST", "/units/merge", url.Values{"keep": {fmt.Sprint(a)}, "drop": {"99999"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/units/zones", url.Values{"name": {"航空港区"}, "parent": {"410000"}}, access{unau, see, http.StatusConflict, forb, forb, forb, forb}},
		{"POST", "/units/zones", url.Values{"name": {"示范区"}, "parent": {"999999"}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"POST", "/units/zones", url.Values{"name": {""}, "parent": {"410000"}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"GET", fmt.Sprintf("/units/%d", a), nil, access{see, ok, ok, ok, nf, ok, ok}},
		{"GET", fmt.Sprintf("/units/%d", b), nil, access{see, ok, ok, nf, ok, nf, ok}}, // none of the leader's tasks
		{"GET", fmt.Sprintf("/units/%d", g), nil, access{see, ok, ok, nf, nf, nf, ok}},
		{"GET", fmt.Sprintf("/units/%d?notice=%d&q=投资&page=2", a, ts.noticeID), nil, access{see, ok, ok, ok, nf, ok, ok}},
		{"GET", "/units/99999", nil, access{see, nf, nf, nf, nf, nf, nf}},
		{"GET", "/units/abc", nil, access{see, nf, nf, nf, nf, nf, nf}},
		{"POST", fmt.Sprintf("/units/%d/members", g), url.Values{"member": {fmt.Sprint(b)}}, access{unau, see, see, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/units/%d/members", a), url.Values{"member": {fmt.Sprint(b)}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"POST", "/units/99999/members", nil, access{unau, nf, nf, forb, forb, forb, forb}},
		{"GET", "/my", nil, access{see, see, see, see, see, see, see}},
		{"GET", "/leaders", nil, access{see, ok, ok, forb, forb, ok, ok}},
		{"GET", zhang, nil, access{see, ok, ok, forb, forb, ok, ok}},
		{"GET", li, nil, access{see, ok, ok, forb, forb, nf, ok}},
		{"GET", "/leaders/" + url.PathEscape("无此人"), nil, access{see, nf, nf, forb, forb, nf, nf}},
		{"GET", "/users", nil, access{see, ok, forb, forb, forb, forb, forb}},
		{"POST", "/users", url.Values{"login": {"created"}, "name": {"新查看员"}, "role": {"viewer"}, "password": {testPassword}},
			access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", "/users", url.Values{"login": {"x"}, "name": {"太短"}, "role": {"viewer"}}, access{unau, bad, forb, forb, forb, forb, forb}},
		// Before the password reset below, which revokes the spare's token.
		{"GET", fmt.Sprintf("/users/%d/tokens", spare.ID), nil, access{see, ok, forb, forb, forb, forb, forb}},
		{"GET", "/users/99999/tokens", nil, access{see, nf, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/tokens/%d/delete", spare.ID, spareToken), nil, access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/tokens/%d/delete", spare.ID, spareToken), nil, access{unau, nf, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/unlock", spare.ID), nil, access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", "/users/99999/unlock", nil, access{unau, nf, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/password", spare.ID), url.Values{"password": {testPassword}}, access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/password", spare.ID), url.Values{"password": {"short"}}, access{unau, bad, forb, forb, forb, forb, forb}},
		{"POST", "/users/99999/password", nil, access{unau, nf, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/tokens/abc/delete", spare.ID), nil, access{unau, nf, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/disable", spare.ID), nil, access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/enable", spare.ID), nil, access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/users/%d/disable", ts.users["admin"].ID), nil, access{unau, bad, forb, forb, forb, forb, forb}},
		{"POST", "/users/99999/disable", nil, access{unau, nf, forb, forb, forb, forb, forb}},
		{"POST", "/users/99999/enable", nil, access{unau, nf, forb, forb, forb, forb, forb}},
	})
}

func TestUnitMergeKeepsAliasAndTasks(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	// A second notice spells the same unit in full.
	other := &notice.Notice{Issuer: "某省人民政府办公厅", Year: 2026, Title: "2026年营商环境工作要点",
		Tasks: []notice.Task{{No: "1", Text: "深化投资审批制度改革。", Lead: []string{"省发展和改革委员会"}}}}
	if _, err := ts.store.ImportNotice(ctx, other, "other.txt", store.CLI); err != nil {
		t.Fatal(err)
	}
	keep, drop := ts.unitID("省发展和改革委员会"), ts.unitA.ID
	office, unit := ts.client("office"), ts.client("unit")

	for _, c := range []struct {
		name string
		form url.Values
		code int
		msg  string
	}{
		{"nothing chosen", url.Values{}, http.StatusBadRequest, "请选择要保留的单位"},
		{"same unit", url.Values{"keep": {fmt.Sprint(keep)}, "drop": {fmt.Sprint(keep)}}, http.StatusBadRequest, "不能把单位合并到它自己"},
		{"missing keep", url.Values{"keep": {"99999"}, "drop": {fmt.Sprint(drop)}}, http.StatusNotFound, "要保留的单位不存在"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body, _ := ts.post(office, "/units/merge", c.form)
			if code != c.code || !strings.Contains(body, c.msg) {
				t.Errorf("status %d, want %d with %q:\n%s", code, c.code, c.msg, body)
			}
		})
	}

	code, _, where := ts.post(office, "/units/merge", url.Values{"keep": {fmt.Sprint(keep)}, "drop": {fmt.Sprint(drop)}})
	if code != http.StatusSeeOther || where != fmt.Sprintf("/units/%d", keep) {
		t.Fatalf("merge: %d to %q", code, where)
	}
	code, body := ts.get(office, where)
	if code != http.StatusOK {
		t.Fatalf("unit page: %d", code)
	}
	for _, want := range []string{
		"已将“省发展改革委”合并到“省发展和改革委员会”",        // the flash
		`<span class="tag">省发展改革委</span>`, // the alias
		"扩大有效投资", "促进消费", "深化投资审批制度改革",
		"<b>2</b><span>牵头的任务</span>", "<b>1</b><span>配合的任务</span>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	if _, body := ts.get(office, "/units?q=发展改革委"); !strings.Contains(body, ">省发展和改革委员会</a>") || strings.Contains(body, ">省商务厅</a>") {
		t.Errorf("directory filtered by an alias:\n%s", body)
	}
	// The old name is gone as a unit, and its account moved with it.
	if code, _, _ := ts.post(office, "/units/merge", url.Values{"keep": {fmt.Sprint(keep)}, "drop": {fmt.Sprint(drop)}}); code != http.StatusNotFound {
		t.Errorf("merging a merged unit again: %d, want 404", code)
	}
	if _, where := ts.location(unit, "/my"); where != fmt.Sprintf("/units/%d", keep) {
		t.Errorf("the unit account's /my goes to %q after the merge", where)
	}
}

func TestUnitAccountSeesOnlyItsOwnUnit(t *testing.T) {
	ts := newSite(t)
	unit := ts.client("unit")
	a, b := ts.unitA.ID, ts.unitB.ID
	if code, _ := ts.get(unit, fmt.Sprintf("/units/%d", b)); code != http.StatusNotFound {
		t.Errorf("another unit's page: %d, want 404", code)
	}
	code, body := ts.get(unit, fmt.Sprintf("/units/%d", a))
	if code != http.StatusOK {
		t.Fatalf("own unit page: %d", code)
	}
	lead, support, _ := strings.Cut(body, "配合的任务（")
	if !strings.Contains(lead, "扩大有效投资") || strings.Contains(lead, "促进消费") {
		t.Errorf("task 1 should be under 牵头 only")
	}
	if !strings.Contains(support, "促进消费") || !strings.Contains(support, "省商务厅") {
		t.Errorf("task 2 should be under 配合 with its lead unit")
	}
	if strings.Contains(body, "办好十件民生实事") {
		t.Errorf("task 3 belongs to a group unit A is not in")
	}
	other := fmt.Sprintf(`href="/units/%d"`, b)
	if strings.Contains(body, other) {
		t.Errorf("a unit account is given links to units it may not open")
	}
	if _, body := ts.get(ts.client("office"), fmt.Sprintf("/units/%d", a)); !strings.Contains(body, other) {
		t.Errorf("the office is not given links to the other units")
	}
	for _, c := range []struct{ login, want string }{
		{"unit", fmt.Sprintf("/units/%d", a)},
		{"unit2", fmt.Sprintf("/units/%d", b)},
		{"leader", "/leaders/" + url.PathEscape("张副省长")},
		{"admin", "/"},
		{"office", "/"},
		{"viewer", "/"},
	} {
		t.Run("my as "+c.login, func(t *testing.T) {
			code, where := ts.location(ts.client(c.login), "/my")
			if code != http.StatusSeeOther || where != c.want {
				t.Errorf("/my: %d to %q, want %q", code, where, c.want)
			}
		})
	}
}

func TestUnitGroupMembersSeeGroupTasks(t *testing.T) {
	ts := newSite(t)
	g := ts.unitID("各省辖市政府")
	a := ts.unitA.ID
	office, unit, viewer := ts.client("office"), ts.client("unit"), ts.client("viewer")
	mine := fmt.Sprintf("/units/%d", a)
	if _, body := ts.get(unit, mine); strings.Contains(body, "办好十件民生实事") {
		t.Fatal("unit A sees task 3 before joining the group")
	}
	_, body := ts.get(office, fmt.Sprintf("/units/%d", g))
	box := fmt.Sprintf(`name="member" value="%d">`, a)
	if !strings.Contains(body, box) {
		t.Errorf("the office's group page has no unchecked box for unit A:\n%s", body)
	}
	if _, body := ts.get(viewer, fmt.Sprintf("/units/%d", g)); strings.Contains(body, `name="member"`) {
		t.Error("a viewer is offered the members form")
	}
	for _, c := range []struct {
		name   string
		member []string
		msg    string
	}{
		{"a group as member", []string{fmt.Sprint(g)}, "所选成员单位不存在或本身是单位组"},
		{"an unknown unit", []string{"99999"}, "所选成员单位不存在"},
		{"not a number", []string{"x"}, "所选成员单位不存在"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body, _ := ts.post(office, fmt.Sprintf("/units/%d/members", g), url.Values{"member": c.member})
			if code != http.StatusBadRequest || !strings.Contains(body, c.msg) {
				t.Errorf("status %d, want 400 with %q", code, c.msg)
			}
		})
	}
	code, _, where := ts.post(office, fmt.Sprintf("/units/%d/members", g), url.Values{"member": {fmt.Sprint(a)}})
	if code != http.StatusSeeOther {
		t.Fatalf("set members: %d", code)
	}
	if _, body := ts.get(office, where); !strings.Contains(body, "已保存“各省辖市政府”的成员单位（1 个）") ||
		!strings.Contains(body, fmt.Sprintf(`name="member" value="%d" checked>`, a)) {
		t.Errorf("after saving, the group page shows no flash or checked box:\n%s", body)
	}
	code, body = ts.get(unit, mine)
	if code != http.StatusOK {
		t.Fatalf("own unit page: %d", code)
	}
	_, resp, _ := strings.Cut(body, "负责落实的任务（1）")
	if !strings.Contains(resp, "办好十件民生实事") || !strings.Contains(resp, "经各省辖市政府") {
		t.Errorf("task 3 should show under 负责落实, marked as the group's:\n%s", body)
	}
	if !strings.Contains(body, `<span class="group">各省辖市政府</span>`) {
		t.Error("the unit page does not name the group unit A belongs to")
	}
}

func TestUserCreateAndLogIn(t *testing.T) {
	ts := newSite(t)
	admin := ts.client("admin")
	a := ts.unitA.ID
	code, _, where := ts.post(admin, "/users", url.Values{"login": {"fgw.li"}, "name": {"发改委李干事"}, "role": {"unit"},
		"unit": {fmt.Sprint(a)}, "password": {testPassword}})
	if code != http.StatusSeeOther || where != "/users" {
		t.Fatalf("create: %d to %q", code, where)
	}
	if _, body := ts.get(admin, "/users"); !strings.Contains(body, "已创建账号“fgw.li”") || !strings.Contains(body, "<code>fgw.li</code>") {
		t.Errorf("the accounts page does not list the new account")
	}
	c := ts.client("fgw.li") // fails the test unless the login works
	if _, where := ts.location(c, "/my"); where != fmt.Sprintf("/units/%d", a) {
		t.Errorf("the new unit account's /my goes to %q", where)
	}

	// An empty password is generated and shown once.
	code, _, where = ts.post(admin, "/users", url.Values{"login": {"lfz"}, "name": {"李副省长"}, "role": {"leader"},
		"leader": {"李副省长"}, "unit": {fmt.Sprint(a)}})
	if code != http.StatusSeeOther || where != "/users" {
		t.Fatalf("create with a generated password: %d to %q", code, where)
	}
	_, body := ts.get(admin, "/users")
	m := regexp.MustCompile(`<code id="new-password">([^<]+)</code>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no generated password shown:\n%s", body)
	}
	if _, body := ts.get(admin, "/users"); strings.Contains(body, m[1]) {
		t.Errorf("the generated password is shown again on reload")
	}
	u, err := ts.store.UserByLogin(context.Background(), "lfz")
	if err != nil || u.Role != store.RoleLeader || u.Leader != "李副省长" || u.UnitID != 0 {
		t.Fatalf("created leader %+v, %v", u, err)
	}
	code, _, _ = ts.post(ts.client(""), "/login", url.Values{"login": {"lfz"}, "password": {m[1]}})
	if code != http.StatusSeeOther {
		t.Errorf("logging in with the generated password: %d", code)
	}
}

func TestUserCreateInvalidKeepsTheForm(t *testing.T) {
	ts := newSite(t)
	admin := ts.client("admin")
	a := fmt.Sprint(ts.unitA.ID)
	g := fmt.Sprint(ts.unitID("各省辖市政府"))
	cases := []struct {
		name string
		form url.Values
		code int
		msg  string
	}{
		{"chinese login", url.Values{"login": {"张三"}, "role": {"viewer"}}, http.StatusBadRequest, "用户名须为 2–32 个字符"},
		{"one letter", url.Values{"login": {"z"}, "role": {"viewer"}}, http.StatusBadRequest, "用户名须为 2–32 个字符"},
		{"space", url.Values{"login": {"zhang san"}, "role": {"viewer"}}, http.StatusBadRequest, "用户名须为 2–32 个字符"},
		{"too long", url.Values{"login": {strings.Repeat("z", 33)}, "role": {"viewer"}}, http.StatusBadRequest, "用户名须为 2–32 个字符"},
		{"no name", url.Values{"login": {"zhangsan"}, "name": {" "}, "role": {"viewer"}}, http.StatusBadRequest, "请填写姓名"},
		{"no role", url.Values{"login": {"zhangsan"}, "role": {"boss"}}, http.StatusBadRequest, "请选择账号的角色"},
		{"unit without unit", url.Values{"login": {"zhangsan"}, "role": {"unit"}}, http.StatusBadRequest, "责任单位账号须选择所属单位"},
		{"unit unknown", url.Values{"login": {"zhangsan"}, "role": {"unit"}, "unit": {"99999"}}, http.StatusBadRequest, "所选单位不存在"},
		{"unit a group", url.Values{"login": {"zhangsan"}, "role": {"unit"}, "unit": {g}}, http.StatusBadRequest, "“各省辖市政府”是单位组"},
		{"leader without name", url.Values{"login": {"zhangsan"}, "role": {"leader"}}, http.StatusBadRequest, "责任领导账号须填写领导姓名"},
		{"short password", url.Values{"login": {"zhangsan"}, "role": {"unit"}, "unit": {a}, "password": {"1234567"}}, http.StatusBadRequest, "密码至少需要 8 个字符"},
		{"login taken", url.Values{"login": {"office"}, "role": {"unit"}, "unit": {a}}, http.StatusConflict, "用户名已被使用"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.form.Get("name") == "" {
				c.form.Set("name", "张三丰")
			}
			code, body, _ := ts.post(admin, "/users", c.form)
			if code != c.code {
				t.Errorf("status %d, want %d", code, c.code)
			}
			if !strings.Contains(body, `<p class="error">`+c.msg) {
				t.Errorf("no error %q on the page", c.msg)
			}
			for _, field := range []string{"login", "name"} {
				if v := strings.TrimSpace(c.form.Get(field)); v != "" && !strings.Contains(body, fmt.Sprintf(`name="%s" value="%s"`, field, v)) {
					t.Errorf("the form lost the %s %q", field, v)
				}
			}
			if c.form.Get("unit") == a && !strings.Contains(body, fmt.Sprintf(`<option value="%s" selected>`, a)) {
				t.Errorf("the form lost the unit")
			}
			if c.form.Get("role") == "unit" && !strings.Contains(body, `<option value="unit" selected>`) {
				t.Errorf("the form lost the role")
			}
		})
	}
	if _, err := ts.store.UserByLogin(context.Background(), "zhangsan"); err == nil {
		t.Error("an invalid form created an account")
	}
}

func TestUserUnlockClearsLockout(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	viewer := ts.users["viewer"]
	lim := store.LoginLimits{PerAccount: 5, PerAccountAll: 50, PerAddress: 20, LockFor: 15 * time.Minute}
	for range 5 {
		if _, err := ts.store.ClaimLogin(ctx, "viewer", "127.0.0.1", lim); err != nil {
			t.Fatal(err)
		}
	}
	code, body, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"viewer"}, "password": {testPassword}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "锁定") {
		t.Fatalf("a locked account logged in: %d", code)
	}
	admin := ts.client("admin")
	if _, body := ts.get(admin, "/users"); !strings.Contains(body, fmt.Sprintf(`action="/users/%d/unlock"`, viewer.ID)) {
		t.Error("no unlock button for the locked account")
	}
	code, _, where := ts.post(admin, fmt.Sprintf("/users/%d/unlock", viewer.ID), nil)
	if code != http.StatusSeeOther || where != "/users" {
		t.Fatalf("unlock: %d to %q", code, where)
	}
	if _, body := ts.get(admin, "/users"); !strings.Contains(body, "已解除账号“viewer”的锁定") ||
		strings.Contains(body, fmt.Sprintf(`action="/users/%d/unlock"`, viewer.ID)) {
		t.Error("after unlocking, the page shows no flash or still offers to unlock")
	}
	ts.client("viewer") // fails the test unless the login works
}

func TestUserPasswordResetEndsSessions(t *testing.T) {
	ts := newSite(t)
	admin, viewer := ts.client("admin"), ts.client("viewer")
	id := ts.users["viewer"].ID
	code, body, _ := ts.post(admin, fmt.Sprintf("/users/%d/password", id), url.Values{"password": {"1234"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "未能重置“viewer”的密码：密码至少需要 8 个字符") {
		t.Errorf("a short password: %d", code)
	}
	if code, _ := ts.get(viewer, "/account"); code != http.StatusOK {
		t.Fatalf("the refused reset ended the session: %d", code)
	}
	code, _, where := ts.post(admin, fmt.Sprintf("/users/%d/password", id), nil)
	_, body = ts.get(admin, where)
	m := regexp.MustCompile(`<code id="new-password">([^<]+)</code>`).FindStringSubmatch(body)
	if code != http.StatusSeeOther || m == nil || !strings.Contains(body, "已重置账号“viewer”的密码") {
		t.Fatalf("reset: %d\n%s", code, body)
	}
	if code, where := ts.location(viewer, "/account"); code != http.StatusSeeOther || !strings.HasPrefix(where, "/login") {
		t.Errorf("the viewer's session survived the reset: %d to %q", code, where)
	}
	if code, _, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"viewer"}, "password": {m[1]}}); code != http.StatusSeeOther {
		t.Errorf("logging in with the new password: %d", code)
	}
	if code, _, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"viewer"}, "password": {testPassword}}); code != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", code)
	}
}

func TestLeaderSeesOnlyItself(t *testing.T) {
	ts := newSite(t)
	// Task 3 names both leaders, so 李副省长 appears in 张副省长's scope too.
	ts.changeTask(2, func(f *ledger.TaskFields) { f.Leaders = []string{"李副省长", "张副省长"} })
	leader, viewer := ts.client("leader"), ts.client("viewer")
	zhang, li := "/leaders/"+url.PathEscape("张副省长"), "/leaders/"+url.PathEscape("李副省长")

	code, body := ts.get(leader, zhang)
	if code != http.StatusOK || !strings.Contains(body, "扩大有效投资") || !strings.Contains(body, "办好十件民生实事") ||
		strings.Contains(body, "促进消费") {
		t.Errorf("own leader page: %d\n%s", code, body)
	}
	if !strings.Contains(body, "<h2>2026年重点工作分工方案（2）</h2>") {
		t.Error("tasks are not grouped under their notice")
	}
	if !strings.Contains(body, `<span class="role lead">牵头</span><a href="/units/`) {
		t.Error("units are not shown as role badges")
	}
	if code, _ := ts.get(leader, li); code != http.StatusNotFound {
		t.Errorf("another leader's page: %d, want 404", code)
	}
	_, body = ts.get(leader, "/leaders")
	if !strings.Contains(body, `href="`+zhang+`"`) || strings.Contains(body, "李副省长") {
		t.Errorf("the leader's list should hold only itself:\n%s", body)
	}
	_, body = ts.get(viewer, "/leaders")
	if !strings.Contains(body, `href="`+zhang+`"`) || !strings.Contains(body, `href="`+li+`"`) {
		t.Errorf("the viewer's list should hold both leaders:\n%s", body)
	}
	if code, body := ts.get(viewer, li); code != http.StatusOK || !strings.Contains(body, "办好十件民生实事") {
		t.Errorf("viewer on 李副省长: %d", code)
	}
}

func TestDirectoryPagesEscapeText(t *testing.T) {
	ts := newSite(t)
	const bad = "<script>alert(1)</script>"
	ts.changeTask(1, func(f *ledger.TaskFields) {
		f.Support = append(f.Support, bad+"办")
		f.Leaders = []string{"张副省长", bad + "领导"}
	})
	ts.addUser(store.NewUser{Login: "xss", Name: bad, Role: store.RoleViewer})
	evil := ts.unitID(bad + "办")
	admin, leader, unit := ts.client("admin"), ts.client("leader"), ts.client("unit")
	for _, c := range []struct {
		name string
		c    *http.Client
		path string
	}{
		{"directory", admin, "/units"},
		{"directory filtered", admin, "/units?q=" + url.QueryEscape(bad)},
		{"unit A as office", admin, fmt.Sprintf("/units/%d", ts.unitA.ID)},
		{"unit A as itself", unit, fmt.Sprintf("/units/%d", ts.unitA.ID)},
		{"unit B", admin, fmt.Sprintf("/units/%d", ts.unitB.ID)},
		{"unit named with a script", admin, fmt.Sprintf("/units/%d?q=%s", evil, url.QueryEscape(bad))},
		{"leaders", admin, "/leaders"},
		{"leader named with a script", admin, "/leaders/" + url.PathEscape(bad+"领导")},
		{"leader page", leader, "/leaders/" + url.PathEscape("张副省长")},
		{"users", admin, "/users"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := ts.get(c.c, c.path)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if strings.Contains(body, "<script>alert(1)") {
				t.Error("raw <script> on the page")
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("the text is not shown escaped:\n%s", body)
			}
		})
	}
}
