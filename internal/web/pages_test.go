package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/office"
)

// TestPagesAsEveryRole walks the ledger's pages as every account. Unit A
// (account "unit") leads task 1 and supports task 2, unit B ("unit2") leads
// task 2; task 3 is a group's. The leader account is 张副省长, of task 1.
func TestPagesAsEveryRole(t *testing.T) {
	ts := newSite(t)
	t1, t2, t3 := ts.tasks[0].ID, ts.tasks[1].ID, ts.tasks[2].ID
	n := ts.noticeID
	ts.walk(t, []routeCase{
		//                                                          anon  admin office unit unit2 leader viewer
		{"GET", "/login", nil, access{ok, see, see, see, see, see, see}},
		{"GET", "/", nil, access{see, ok, ok, see, see, ok, ok}},
		{"GET", fmt.Sprintf("/notices/%d", n), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", fmt.Sprintf("/notices/%d/ledger.xlsx", n), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", fmt.Sprintf("/notices/%d/ledger.csv", n), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", "/notices/99999", nil, access{see, nf, nf, nf, nf, nf, nf}},
		{"GET", fmt.Sprintf("/tasks/%d", t1), nil, access{see, ok, ok, ok, nf, ok, ok}},
		{"GET", fmt.Sprintf("/tasks/%d", t2), nil, access{see, ok, ok, ok, ok, nf, ok}}, // unit A supports it
		{"GET", fmt.Sprintf("/tasks/%d", t3), nil, access{see, ok, ok, nf, nf, nf, ok}},
		{"GET", fmt.Sprintf("/tasks/%d/edit", t1), nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/tasks/%d/edit", t1), url.Values{"text": {""}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"GET", "/import", nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", "/import", url.Values{"text": {"不是通知"}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"GET", "/import/99999", nil, access{see, nf, nf, forb, forb, forb, forb}},
		{"POST", "/import/99999", url.Values{"action": {"save"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/notices/%d/delete", n), url.Values{}, access{unau, bad, forb, forb, forb, forb, forb}},
		{"GET", "/account", nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"POST", "/account/password", url.Values{"current": {"wrong"}}, access{unau, bad, bad, bad, bad, bad, bad}},
		{"POST", "/account/tokens", url.Values{"name": {"t"}}, access{unau, see, see, see, see, see, see}},
		{"POST", "/account/tokens/99999/delete", nil, access{unau, nf, nf, nf, nf, nf, nf}},
		{"POST", "/logout", nil, access{unau, see, see, see, see, see, see}},
		{"GET", "/no/such/page", nil, access{nf, nf, nf, nf, nf, nf, nf}},
		{"DELETE", "/api/v1/tasks", nil, access{nf, nf, nf, nf, nf, nf, nf}},
	})
}

func TestLedgerFiltersAndEscaping(t *testing.T) {
	ts := newSite(t)
	office := ts.client("office")
	path := fmt.Sprintf("/notices/%d", ts.noticeID)
	rows := regexp.MustCompile(`<tr class="task" data-task-id="(\d+)"`)
	count := func(q string) int {
		t.Helper()
		code, body := ts.get(office, path+q)
		if code != ok {
			t.Fatalf("%s: %d", q, code)
		}
		return len(rows.FindAllString(body, -1))
	}
	for q, want := range map[string]int{
		"":                                   3,
		fmt.Sprintf("?unit=%d", ts.unitA.ID): 2,
		fmt.Sprintf("?unit=%d&role=lead", ts.unitA.ID): 1,
		"?leader=" + url.QueryEscape("李副省长"):           1,
		"?heading=" + url.QueryEscape("二、惠民生"):         1,
		"?q=" + url.QueryEscape("投资"):                  1,
		"?q=" + url.QueryEscape("没有的词"):                0,
		"?light=overdue":                               3, // quarterly in 2026, nothing filed
		"?light=ahead":                                 0,
	} {
		if got := count(q); got != want {
			t.Errorf("%q shows %d tasks; want %d", q, got, want)
		}
	}
	if code, _ := ts.get(office, path+"?role=boss"); code != bad {
		t.Errorf("unknown role: %d", code)
	}
	if code, _ := ts.get(office, path+"?light=red"); code != bad {
		t.Errorf("unknown light: %d", code)
	}
	// a unit's page and a leader's page show lights and filter by them
	for _, p := range []string{fmt.Sprintf("/units/%d", ts.unitA.ID), "/leaders/" + url.PathEscape("张副省长")} {
		if _, body := ts.get(office, p); !strings.Contains(body, `class="light light-overdue"`) {
			t.Errorf("%s shows no light", p)
		}
	}
	if got := count2(t, ts, office, fmt.Sprintf("/units/%d?light=ahead", ts.unitA.ID)); got != 0 {
		t.Errorf("unit page filtered to 超进度 shows %d tasks", got)
	}
	// The counts by light link to the filtered ledger; the task page says why.
	_, body := ts.get(office, path)
	if !strings.Contains(body, `href="?light=overdue"`) || !strings.Contains(body, "逾期 <b>3</b>") {
		t.Error("the ledger does not count its overdue tasks with a link to them")
	}
	_, body = ts.get(office, fmt.Sprintf("/tasks/%d", ts.tasks[0].ID))
	if !strings.Contains(body, `id="light"`) || !strings.Contains(body, "应报") || !strings.Contains(body, "未报送，已逾期") {
		t.Error("the task page does not give its light's reason")
	}
	_, body = ts.get(office, path)
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
		t.Error("task text is not escaped on the ledger page")
	}
	// A unit sees only its own tasks on the notice's ledger.
	_, body = ts.get(ts.client("unit2"), path)
	if got := rows.FindAllStringSubmatch(body, -1); len(got) != 1 || got[0][1] != fmt.Sprint(ts.tasks[1].ID) {
		t.Errorf("unit B sees rows %v; want only task 2", got)
	}
}

func TestExportsHoldTheCurrentLedger(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	edit(t, ts, oc, ts.tasks[0], map[string]string{"text": "改过的任务：完成投资6000亿元以上。"})
	resp, err := oc.Get(fmt.Sprintf("%s/notices/%d/ledger.xlsx", ts.srv.URL, ts.noticeID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	tasks, err := office.ReadLedger(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 3 || tasks[0].Text != "改过的任务：完成投资6000亿元以上。" || tasks[1].Lead[0] != "省商务厅" {
		t.Errorf("xlsx ledger rows: %+v", tasks)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	xrows, _ := f.GetRows(office.SheetLedger)
	if joined := fmt.Sprint(xrows); !strings.Contains(joined, "投资 ≥ 6000 亿元") {
		t.Errorf("xlsx targets do not follow the edited text:\n%s", joined)
	}
	// CSV, filtered to a unit, as that unit's own account.
	resp, err = ts.client("unit2").Get(fmt.Sprintf("%s/notices/%d/ledger.csv", ts.srv.URL, ts.noticeID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "2" || recs[1][3] != "省商务厅" {
		t.Errorf("unit B's CSV: %q", recs)
	}
}

// edit opens a task's edit form as c, changes fields and saves; it returns
// the status and body of the answer.
func edit(t *testing.T, ts *site, c *http.Client, task *ledger.Task, change map[string]string) (int, string) {
	t.Helper()
	cur, err := ts.store.Task(context.Background(), task.ID, ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	return editFrom(t, ts, c, cur, change)
}

// editFrom saves a form built from the task as it was when "opened".
func editFrom(t *testing.T, ts *site, c *http.Client, opened *ledger.Task, change map[string]string) (int, string) {
	t.Helper()
	f := formOf(opened)
	form := url.Values{"text": {f.Text}, "lead": {f.Lead}, "support": {f.Support}, "responsible": {f.Responsible},
		"leaders": {f.Leaders}, "deadline": {f.Deadline}, "deadline_text": {f.DeadlineText}, "targets": {f.Targets},
		"version": {fmt.Sprint(f.Version)}, "text_orig": {f.TextOrig}, "targets_orig": {f.TargetsOrig}}
	for k, v := range change {
		form.Set(k, v)
	}
	code, body, _ := ts.post(c, fmt.Sprintf("/tasks/%d/edit", opened.ID), form)
	return code, body
}

func TestEditTaskAuditAndStale(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	opened := ts.tasks[0]
	code, body := edit(t, ts, oc, opened, map[string]string{
		"text": "扩大有效投资，完成投资5500亿元以上。", "lead": "省发展改革委\n省财政厅", "support": "", "deadline": "2026-09-30"})
	if code != see {
		t.Fatalf("save: %d %s", code, body)
	}
	_, page := ts.get(oc, fmt.Sprintf("/tasks/%d", opened.ID))
	for _, want := range []string{"扩大有效投资，完成投资5500亿元以上。", "2026年9月30日", "督查室王科长", "投资 ≥ 5500 亿元", "任务已保存"} {
		if !strings.Contains(page, want) {
			t.Errorf("task page lacks %q", want)
		}
	}
	if !strings.Contains(page, `<ol class="history">`) || strings.Count(page, "<span class=\"before\">") < 3 {
		t.Error("history does not list the changed fields")
	}
	// A second editor who opened the task before that save is refused;
	// what they typed comes back to them.
	code, body = editFrom(t, ts, ts.client("admin"), opened, map[string]string{"text": "管理员的另一种改法"})
	if code != http.StatusConflict || !strings.Contains(body, "督查室王科长") || !strings.Contains(body, "管理员的另一种改法") {
		t.Fatalf("stale save: %d\n%s", code, body)
	}
	now, _ := ts.store.Task(context.Background(), opened.ID, ledger.Scope{})
	if now.Text != "扩大有效投资，完成投资5500亿元以上。" || now.Version != 2 {
		t.Errorf("stale save changed the task: %q v%d", now.Text, now.Version)
	}
	// Bad input is refused with the reasons and what was typed.
	code, body = edit(t, ts, oc, ts.tasks[0], map[string]string{"deadline": "明年", "targets": "乱写"})
	if code != bad || !strings.Contains(body, "不是有效日期") || !strings.Contains(body, "量化指标") {
		t.Errorf("bad input: %d\n%.500s", code, body)
	}
}

// upload posts a file to /import as c and returns the response.
func upload(t *testing.T, ts *site, c *http.Client, name string, data []byte) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", ts.srv.URL+"/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestImportPreviewCorrectConfirm(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	name, data := "002.txt", seedFile(t, "002")
	want, err := notice.Parse(string(data))
	if err != nil {
		t.Fatal(err)
	}
	// The preview holds every item the import will store: seed 002's 112
	// tasks and the 85 rows of its attached table, under the table's section.
	table := want.LedgerTasks()[len(want.Tasks):]
	want.FoldAnnex()
	if len(want.Tasks) != 112+85 {
		t.Fatalf("seed 002 folds to %d tasks; want 197", len(want.Tasks))
	}
	resp := upload(t, ts, oc, name, data)
	resp.Body.Close()
	draft := resp.Header.Get("Location")
	if resp.StatusCode != see || !strings.HasPrefix(draft, "/import/") {
		t.Fatalf("upload: %s → %q", resp.Status, draft)
	}
	// Nothing is in the ledger before the office confirms.
	if ns, _ := ts.store.Notices(context.Background(), ledger.Scope{}); len(ns) != 1 {
		t.Fatalf("%d notices before confirming", len(ns))
	}
	code, page := ts.get(oc, draft)
	if code != ok || strings.Count(page, `<tr class="task`) != len(want.Tasks) {
		t.Fatalf("preview: %d, %d rows; want %d", code, strings.Count(page, `<tr class="task`), len(want.Tasks))
	}
	if !strings.Contains(page, `<tr class="heading"><td colspan="8">`+template.HTMLEscapeString(table[0].Section)+`</td>`) {
		t.Errorf("the preview has no heading %q above the table's rows", table[0].Section)
	}
	if len(want.Warnings) > 0 && !strings.Contains(page, "warnings") {
		t.Error("the parser's warnings are not shown")
	}
	// Another office account cannot see this draft.
	if code, _ := ts.get(ts.client("admin"), draft); code != nf {
		t.Errorf("another account opened the draft: %d", code)
	}
	// The office corrects the first task's lead unit and drops the last task.
	last := len(want.Tasks) - 1
	form := url.Values{"action": {"confirm"}, "lead-0": {"省纠正后的单位"}, fmt.Sprintf("drop-%d", last): {"1"}}
	code, body, _ := ts.post(oc, draft, form)
	// the typed unit is new to the directory: the office is asked first
	if code != bad || !strings.Contains(body, `id="unit-check"`) || !strings.Contains(body, `name="create_unit" value="省纠正后的单位"`) {
		t.Fatalf("confirm with a new unit: %d\n%.500s", code, body)
	}
	form = url.Values{"action": {"confirm"}, "create_unit": {"省纠正后的单位"}}
	code, body, loc := ts.post(oc, draft, form)
	if code != see || !strings.HasPrefix(loc, "/notices/") {
		t.Fatalf("confirm: %d %q\n%.500s", code, loc, body)
	}
	_, page = ts.get(oc, loc)
	if !strings.Contains(page, fmt.Sprintf("已导入 %d 项任务", len(want.Tasks)-1)) || !strings.Contains(page, "省纠正后的单位") {
		t.Error("the ledger does not show the import with its correction")
	}
	// The same notice again is refused at upload, before any review, with
	// a link to the notice imported, and nothing is added.
	resp = upload(t, ts, oc, "again.txt", data)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if link := `id="existing-notice" href="` + loc + `"`; resp.StatusCode != http.StatusConflict || !strings.Contains(string(b), "不能重复导入") || !strings.Contains(string(b), link) {
		t.Errorf("re-import: %s, want 409 with %s\n%.300s", resp.Status, link, b)
	}
	if ns, _ := ts.store.Notices(context.Background(), ledger.Scope{}); len(ns) != 2 {
		t.Errorf("%d notices after a refused re-import; want 2", len(ns))
	}
	// Unreadable uploads are refused in Chinese.
	for _, c := range []struct{ name, data, want string }{
		{"x.png", "\x89PNG\r\n\x1a\n\x00\x00", ""},
		{"letter.txt", "各位同事：\n明天开会。\n", "未识别出任何任务"},
	} {
		resp := upload(t, ts, oc, c.name, []byte(c.data))
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != bad || !strings.Contains(string(b), `class="error"`) || !strings.Contains(string(b), c.want) {
			t.Errorf("%s: %s\n%.300s", c.name, resp.Status, b)
		}
	}
}

func TestLoginLockoutLogoutPassword(t *testing.T) {
	ts := newSite(t)
	c := ts.client("")
	for i := 0; i < 5; i++ {
		code, body, _ := ts.post(c, "/login", url.Values{"login": {"viewer"}, "password": {"wrong password"}})
		if code != unau {
			t.Fatalf("wrong password %d: %d", i, code)
		}
		if i == 4 && !strings.Contains(body, "已锁定") {
			t.Error("the fifth failure does not say the account is locked")
		}
	}
	code, body, _ := ts.post(c, "/login", url.Values{"login": {"viewer"}, "password": {testPassword}})
	if code != unau || !strings.Contains(body, "已锁定") {
		t.Errorf("locked account logged in: %d", code)
	}
	if code, body, _ := ts.post(c, "/login", url.Values{"login": {"nobody"}, "password": {"x"}}); code != unau || !strings.Contains(body, "用户名或密码错误") {
		t.Errorf("unknown login: %d", code)
	}
	// Open redirects are not followed after login.
	code, _, loc := ts.post(c, "/login", url.Values{"login": {"office"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if code != see || loc != "/" {
		t.Errorf("next=//evil: %d %q", code, loc)
	}
	// Password change ends other sessions, keeps this one.
	a, b := ts.client("unit"), ts.client("unit")
	code, _, _ = ts.post(a, "/account/password", url.Values{"current": {testPassword}, "password": {"新的密码12345"}, "confirm": {"新的密码12345"}})
	if code != see {
		t.Fatalf("password change: %d", code)
	}
	if code, _ := ts.get(a, "/account"); code != ok {
		t.Error("the session that changed the password was logged out")
	}
	if code, _ := ts.get(b, "/account"); code != see {
		t.Error("another session survived the password change")
	}
	code, _, _ = ts.post(a, "/logout", nil)
	if code2, _ := ts.get(a, "/account"); code != see || code2 != see {
		t.Error("logout did not end the session")
	}
	// Short passwords are refused with the policy's reason.
	code, body, _ = ts.post(ts.client("office"), "/account/password", url.Values{"current": {testPassword}, "password": {"short"}, "confirm": {"short"}})
	if code != bad || !strings.Contains(body, "至少") {
		t.Errorf("short password: %d", code)
	}
}

func TestCrossSiteFormsAndHeaders(t *testing.T) {
	ts := newSite(t)
	c := ts.client("office")
	req, _ := http.NewRequest("POST", ts.srv.URL+fmt.Sprintf("/tasks/%d/edit", ts.tasks[0].ID), strings.NewReader("text=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != forb {
		t.Errorf("cross-site POST: %s", resp.Status)
	}
	resp, _ = c.Get(ts.srv.URL + "/")
	resp.Body.Close()
	for h, want := range map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q", h, resp.Header.Get(h))
		}
	}
	var cookie *http.Cookie
	resp, _ = ts.client("").PostForm(ts.srv.URL+"/login", url.Values{"login": {"office"}, "password": {testPassword}})
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v", cookie)
	}
	_ = time.Now
}

// TestEditLimitsSameOnPageAndAPI: the page and the API refuse the same
// oversized edits, with the same reasons.
func TestEditLimitsSameOnPageAndAPI(t *testing.T) {
	ts := newSite(t)
	many := make([]string, ledger.MaxUnits+1)
	for i := range many {
		many[i] = fmt.Sprintf("省第%d厅", i)
	}
	long := strings.Repeat("长", ledger.MaxTaskText+1)
	tok := ts.token("office")
	for _, c := range []struct {
		name, form, json, want string
	}{
		{"units", "lead", `"lead": ["` + strings.Join(many, `","`) + `"]`, "最多列 200 个单位"},
		{"text", "text", `"text": "` + long + `"`, "不能超过 5000 字"},
	} {
		val := strings.Join(many, "、")
		if c.form == "text" {
			val = long
		}
		code, body := edit(t, ts, ts.client("office"), ts.tasks[0], map[string]string{c.form: val})
		if code != bad || !strings.Contains(body, c.want) {
			t.Errorf("page %s: %d, want 400 with %q", c.name, code, c.want)
		}
		code, body = ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", ts.tasks[0].ID), tok,
			fmt.Sprintf(`{"version": %d, %s}`, ts.tasks[0].Version, c.json))
		if code != bad || !strings.Contains(body, c.want) {
			t.Errorf("API %s: %d, want 400 with %q\n%.200s", c.name, code, c.want, body)
		}
	}
	if now, _ := ts.store.Task(context.Background(), ts.tasks[0].ID, ledger.Scope{}); now.Version != 1 {
		t.Errorf("a refused edit changed the task to version %d", now.Version)
	}
}

// count2 counts the task links of a page.
func count2(t *testing.T, ts *site, c *http.Client, path string) int {
	t.Helper()
	code, body := ts.get(c, path)
	if code != ok {
		t.Fatalf("%s: %d", path, code)
	}
	return strings.Count(body, `<td class="no" data-label="编号">`)
}
