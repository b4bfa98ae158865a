package web

import (
	"bytes"
	"context"
	"duban/internal/ledger"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"duban/internal/auth"
	"duban/internal/docin"
	"duban/internal/notice"
	"duban/internal/store"
)

// apiWho is every kind of caller the API tests walk: each account, nobody,
// and a token that was never issued.
var apiWho = []string{"admin", "office", "unit", "unit2", "leader", "viewer", "anonymous", "bogus"}

// apiRaw sends one API request with its own content type and extra headers
// ("Name: value"), and returns the response with its body read.
func (ts *site) apiRaw(method, path, token, ctype string, body io.Reader, headers ...string) (*http.Response, string) {
	ts.t.Helper()
	req, err := http.NewRequest(method, ts.srv.URL+path, body)
	if err != nil {
		ts.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// apiTokens issues a token to every account; anonymous has none and bogus
// one the server never issued.
func (ts *site) apiTokens() map[string]string {
	toks := map[string]string{"anonymous": "", "bogus": "dbn_this-token-was-never-issued"}
	for login := range ts.users {
		toks[login] = ts.token(login)
	}
	return toks
}

func seedFile(t *testing.T, prefix string) []byte {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "seeds", prefix+"_*.txt"))
	if len(m) != 1 {
		t.Fatalf("seed %s: found %v", prefix, m)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("answer is not the JSON expected: %v\n%s", err, body)
	}
	return v
}

func taskIDs(ts []apiTaskJSON) []int64 {
	out := []int64{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

// TestAPIRoles walks every API route as every caller. The expected status
// of each is written out here, not taken from the route table.
func TestAPIRoles(t *testing.T) {
	ts := newSite(t)
	toks := ts.apiTokens()
	ctx := context.Background()
	t1, t2, t3 := ts.tasks[0].ID, ts.tasks[1].ID, ts.tasks[2].ID
	seed := string(seedFile(t, "001"))
	patch := func() string { // the current version, so that each staff PATCH succeeds
		cur, err := ts.store.Task(ctx, t1, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf(`{"version": %d, "deadline_text": "年底前（%d）"}`, cur.Version, cur.Version)
	}
	patchNotice := func() string { // the current version, so that each staff PATCH succeeds
		cur, err := ts.store.Notice(ctx, ts.noticeID, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf(`{"version": %d, "title": "2026年重点工作分工方案（第%d版）"}`, cur.Version, cur.Version)
	}
	periods, err := ts.store.Periods(ctx, ts.noticeID)
	if err != nil || len(periods) < 4 {
		t.Fatalf("periods %v %v", periods, err)
	}
	q3 := func(task int64) string { return fmt.Sprintf("/api/v1/tasks/%d/reports/%d", task, periods[2].ID) }
	type want map[string]int
	cases := []struct {
		pattern, method, path, ctype string
		body                         func() string
		want                         want
	}{
		{"GET /api/v1/notices", "GET", "/api/v1/notices", "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/notices", "POST", "/api/v1/notices?dry_run=1", "text/plain; charset=utf-8", func() string { return seed },
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/notices/{id}", "GET", fmt.Sprintf("/api/v1/notices/%d", ts.noticeID), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/notices/{id}", "GET", "/api/v1/notices/999999", "", nil,
			want{"admin": 404, "office": 404, "unit": 404, "unit2": 404, "leader": 404, "viewer": 404, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/tasks", "GET", "/api/v1/tasks", "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/lights", "GET", fmt.Sprintf("/api/v1/lights?notice=%d", ts.noticeID), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		// task 1: led by unit A, leader 张副省长
		{"GET /api/v1/tasks/{id}", "GET", fmt.Sprintf("/api/v1/tasks/%d", t1), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 404, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		// task 2: led by unit B, supported by unit A, no leader
		{"GET /api/v1/tasks/{id}", "GET", fmt.Sprintf("/api/v1/tasks/%d", t2), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 404, "viewer": 200, "anonymous": 401, "bogus": 401}},
		// task 3: a group neither unit belongs to, leader 李副省长
		{"GET /api/v1/tasks/{id}", "GET", fmt.Sprintf("/api/v1/tasks/%d", t3), "", nil,
			want{"admin": 200, "office": 200, "unit": 404, "unit2": 404, "leader": 404, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"PATCH /api/v1/tasks/{id}", "PATCH", fmt.Sprintf("/api/v1/tasks/%d", t1), "application/json", patch,
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"PATCH /api/v1/notices/{id}", "PATCH", fmt.Sprintf("/api/v1/notices/%d", ts.noticeID), "application/json", patchNotice,
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/units", "GET", "/api/v1/units", "", nil,
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		// reports: task 1 is unit A's to write, task 2 unit B's with unit A supporting; the third quarter is open
		{"GET /api/v1/inbox", "GET", "/api/v1/inbox", "", nil,
			want{"admin": 403, "office": 403, "unit": 200, "unit2": 200, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/tasks/{id}/reports/{period}", "GET", q3(t1), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 404, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"PUT /api/v1/tasks/{id}/reports/{period}", "PUT", q3(t1), "application/json", func() string { return `{"version":0,"progress":"完成前期工作","percent":60}` },
			want{"admin": 403, "office": 403, "unit": 200, "unit2": 404, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/tasks/{id}/reports/{period}/submit", "POST", q3(t1) + "/submit", "application/json", func() string { return `{"version":0}` },
			want{"admin": 403, "office": 403, "unit": 200, "unit2": 404, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"PUT /api/v1/tasks/{id}/reports/{period}/part", "PUT", q3(t2) + "/part", "application/json", func() string { return `{"version":0,"text":"配合完成"}` },
			want{"admin": 403, "office": 403, "unit": 200, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/reports", "GET", "/api/v1/reports", "", nil,
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/notices/{id}/overview", "GET", fmt.Sprintf("/api/v1/notices/%d/overview", ts.noticeID), "", nil,
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/notices/{id}/periods", "GET", fmt.Sprintf("/api/v1/notices/%d/periods", ts.noticeID), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/notices/{id}/periods", "POST", fmt.Sprintf("/api/v1/notices/%d/periods", ts.noticeID), "application/json",
			func() string {
				return `{"kind":"progress","label":"上半年","start":"2026-01-01","due":"2026-07-05"}`
			},
			want{"admin": 201, "office": 201, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"PATCH /api/v1/periods/{id}", "PATCH", "/api/v1/periods/999999", "application/json", func() string { return `{"version":1}` },
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"DELETE /api/v1/periods/{id}", "DELETE", "/api/v1/periods/999999", "", nil,
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/tasks/{id}/plan", "GET", fmt.Sprintf("/api/v1/tasks/%d/plan", t1), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 404, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"PUT /api/v1/tasks/{id}/plan", "PUT", fmt.Sprintf("/api/v1/tasks/%d/plan", t1), "application/json",
			func() string {
				return `{"version":0,"measures":"分解项目清单","leader":"王主任","contact":"李科长","phone":"0371-1234567","milestones":[{"due":"2026-06-30","result":"开工","percent":40}]}`
			},
			want{"admin": 403, "office": 403, "unit": 200, "unit2": 404, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/tasks/{id}/plan/submit", "POST", fmt.Sprintf("/api/v1/tasks/%d/plan/submit", t1), "application/json", func() string { return `{"version":0}` },
			want{"admin": 403, "office": 403, "unit": 200, "unit2": 404, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/plans/{id}/review", "POST", "/api/v1/plans/999999/review", "application/json", func() string { return `{"version":1,"action":"accept"}` },
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/reports/{id}/review", "POST", "/api/v1/reports/999999/review", "application/json", func() string { return `{"version":1,"action":"accept"}` },
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/notices/{id}/dashboard", "GET", fmt.Sprintf("/api/v1/notices/%d/dashboard", ts.noticeID), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/circulars", "GET", "/api/v1/circulars", "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 200, "viewer": 200, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/notices/{id}/circulars", "POST", fmt.Sprintf("/api/v1/notices/%d/circulars", ts.noticeID), "application/json",
			func() string { return fmt.Sprintf(`{"period":%d}`, periods[1].ID) },
			want{"admin": 201, "office": 201, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/circulars/{id}", "GET", "/api/v1/circulars/999999", "", nil,
			want{"admin": 404, "office": 404, "unit": 404, "unit2": 404, "leader": 404, "viewer": 404, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/circulars/{id}/docx", "GET", "/api/v1/circulars/999999/docx", "", nil,
			want{"admin": 404, "office": 404, "unit": 404, "unit2": 404, "leader": 404, "viewer": 404, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/circulars/{id}/xlsx", "GET", "/api/v1/circulars/999999/xlsx", "", nil,
			want{"admin": 404, "office": 404, "unit": 404, "unit2": 404, "leader": 404, "viewer": 404, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/circulars/{id}/issue", "POST", "/api/v1/circulars/999999/issue", "application/json", func() string { return `{"version":1}` },
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/circulars/{id}/withdraw", "POST", "/api/v1/circulars/999999/withdraw", "application/json", func() string { return `{"reason":"更正"}` },
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		// reminders: the office's; a unit sees its own contacts and urgings only
		{"GET /api/v1/reminders", "GET", "/api/v1/reminders", "", nil,
			want{"admin": 200, "office": 200, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"POST /api/v1/periods/{id}/urge", "POST", "/api/v1/periods/999999/urge", "application/json", func() string { return `{"unit":0,"task":0,"text":""}` },
			want{"admin": 404, "office": 404, "unit": 403, "unit2": 403, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/units/{id}/contacts", "GET", fmt.Sprintf("/api/v1/units/%d/contacts", ts.unitA.ID), "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 404, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
		{"GET /api/v1/urgings", "GET", "/api/v1/urgings", "", nil,
			want{"admin": 200, "office": 200, "unit": 200, "unit2": 200, "leader": 403, "viewer": 403, "anonymous": 401, "bogus": 401}},
	}

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.pattern] = true
		for _, who := range apiWho {
			code, ok := c.want[who]
			if !ok {
				t.Fatalf("%s: no expected status for %s", c.path, who)
			}
			t.Run(c.method+" "+c.path+" as "+who, func(t *testing.T) {
				var body io.Reader
				if c.body != nil {
					body = strings.NewReader(c.body())
				}
				resp, got := ts.apiRaw(c.method, c.path, toks[who], c.ctype, body)
				if resp.StatusCode != code {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, code, got)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type %q", ct)
				}
				if code >= 400 {
					if e := decode[apiError](t, got); e.Error == "" {
						t.Errorf("error answer without a message: %s", got)
					}
				}
				if code == 401 && resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			})
		}
	}
	for _, rt := range ts.server.apiRoutes() {
		if !covered[rt.pattern] {
			t.Errorf("route %s is not walked by this test", rt.pattern)
		}
	}
	// The staff dry runs stored nothing; the two staff PATCHes landed.
	if ns, _ := ts.store.Notices(ctx, ledger.Scope{}); len(ns) != 1 {
		t.Errorf("dry runs stored notices: %d notices", len(ns))
	}
	if cur, _ := ts.store.Task(ctx, t1, ledger.Scope{}); cur.Version != ts.tasks[0].Version+2 {
		t.Errorf("task 1 at version %d after two PATCHes from %d", cur.Version, ts.tasks[0].Version)
	}
}

// TestAPIScope checks that a unit and a leader see only their own tasks
// and notices.
func TestAPIScope(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	other, err := ts.store.ImportNotice(ctx, &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕10号", Year: 2026,
		Title: "教育工作分工", Tasks: []notice.Task{{No: "1", Text: "建设学校。", Lead: []string{"省教育厅"}, Leaders: []string{"王副省长"}}}},
		"other.txt", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	ots, err := ts.store.Tasks(ctx, store.TaskFilter{NoticeID: other})
	if err != nil || len(ots) != 1 {
		t.Fatal(ots, err)
	}
	o1 := ots[0].ID
	toks := ts.apiTokens()
	t1, t2, t3 := ts.tasks[0].ID, ts.tasks[1].ID, ts.tasks[2].ID

	lists := []struct {
		who, query string
		want       []int64
	}{
		{"admin", "", []int64{o1, t1, t2, t3}}, // the newer notice first
		{"viewer", "", []int64{o1, t1, t2, t3}},
		{"unit", "", []int64{t1, t2}},
		{"unit2", "", []int64{t2}},
		{"leader", "", []int64{t1}},
		{"unit", fmt.Sprintf("?unit=%d", ts.unitB.ID), []int64{t2}}, // a filter never widens the scope
		{"leader", "?leader=" + url.QueryEscape("李副省长"), []int64{}},
	}
	for _, c := range lists {
		t.Run("tasks as "+c.who+c.query, func(t *testing.T) {
			code, body := ts.api("GET", "/api/v1/tasks"+c.query, toks[c.who], "")
			if code != 200 {
				t.Fatalf("status %d: %s", code, body)
			}
			l := decode[apiTaskList](t, body)
			got := taskIDs(l.Tasks)
			if !slices.Equal(got, c.want) || l.Total != len(c.want) {
				t.Fatalf("tasks %v (total %d), want %v", got, l.Total, c.want)
			}
			if l.Tasks == nil || !strings.Contains(body, `"tasks": [`) {
				t.Fatalf("tasks not a list: %s", body)
			}
			if c.who == "leader" {
				for _, tk := range l.Tasks {
					if !slices.Contains(tk.Leaders, "张副省长") {
						t.Errorf("leader sees task %d with leaders %v", tk.ID, tk.Leaders)
					}
				}
			}
		})
	}

	notices := []struct {
		who        string
		list       []int64
		siteCount  int // task_count of the site notice
		otherCode  int // GET of the other notice
		siteDetail int
	}{
		{"admin", []int64{other, ts.noticeID}, 3, 200, 200},
		{"office", []int64{other, ts.noticeID}, 3, 200, 200},
		{"viewer", []int64{other, ts.noticeID}, 3, 200, 200},
		{"unit", []int64{ts.noticeID}, 2, 404, 200},
		{"unit2", []int64{ts.noticeID}, 1, 404, 200},
		{"leader", []int64{ts.noticeID}, 1, 404, 200},
	}
	for _, c := range notices {
		t.Run("notices as "+c.who, func(t *testing.T) {
			code, body := ts.api("GET", "/api/v1/notices", toks[c.who], "")
			if code != 200 {
				t.Fatalf("status %d: %s", code, body)
			}
			l := decode[struct {
				Notices []apiNoticeJSON `json:"notices"`
			}](t, body)
			var ids []int64
			for _, n := range l.Notices {
				ids = append(ids, n.ID)
				if n.ID == ts.noticeID && n.TaskCount != c.siteCount {
					t.Errorf("task_count %d, want %d", n.TaskCount, c.siteCount)
				}
			}
			if !slices.Equal(ids, c.list) {
				t.Errorf("notices %v, want %v", ids, c.list)
			}
			if code, body := ts.api("GET", fmt.Sprintf("/api/v1/notices/%d", other), toks[c.who], ""); code != c.otherCode {
				t.Errorf("other notice: status %d, want %d: %s", code, c.otherCode, body)
			}
			code, body = ts.api("GET", fmt.Sprintf("/api/v1/notices/%d", ts.noticeID), toks[c.who], "")
			if code != c.siteDetail {
				t.Fatalf("site notice: status %d: %s", code, body)
			}
			d := decode[apiNoticeDetail](t, body)
			if d.TaskCount != c.siteCount || d.Title != "2026年重点工作分工方案" || d.Schedule.Cycle != notice.CycleQuarterly ||
				d.Warnings == nil || d.CreatedAt == "" {
				t.Errorf("site notice: %+v", d)
			}
		})
	}
}

// TestAPITaskQuery checks the filters and paging of GET /api/v1/tasks and
// that a bad parameter is a 400 a person can read.
func TestAPITaskQuery(t *testing.T) {
	ts := newSite(t)
	tok := ts.token("office")
	t1, t2, t3 := ts.tasks[0].ID, ts.tasks[1].ID, ts.tasks[2].ID
	a := strconv.FormatInt(ts.unitA.ID, 10)
	ok := []struct {
		query        string
		want         []int64
		total, limit int
	}{
		{"", []int64{t1, t2, t3}, 3, 100},
		{fmt.Sprintf("?notice=%d", ts.noticeID), []int64{t1, t2, t3}, 3, 100},
		{"?unit=" + a, []int64{t1, t2}, 2, 100},
		{"?unit=" + a + "&role=lead", []int64{t1}, 1, 100},
		{"?unit=" + a + "&role=support", []int64{t2}, 1, 100},
		{"?unit=" + a + "&role=responsible", []int64{}, 0, 100},
		{"?leader=" + url.QueryEscape("李副省长"), []int64{t3}, 1, 100},
		{"?heading=" + url.QueryEscape("二、惠民生"), []int64{t3}, 1, 100},
		{"?q=" + url.QueryEscape("投资"), []int64{t1}, 1, 100},
		{"?q=3", []int64{t3}, 1, 100},
		{"?q=%25", []int64{}, 0, 100}, // a literal %, not a wildcard
		{"?limit=1&offset=1", []int64{t2}, 3, 1},
		{"?limit=1000&offset=3", []int64{}, 3, 1000},
		// the fixture reports quarterly in 2026, nothing filed: from 4月 on every task is overdue
		{"?light=overdue", []int64{t1, t2, t3}, 3, 100},
		{"?light=on_pace", []int64{}, 0, 100},
	}
	for _, c := range ok {
		t.Run("ok"+c.query, func(t *testing.T) {
			code, body := ts.api("GET", "/api/v1/tasks"+c.query, tok, "")
			if code != 200 {
				t.Fatalf("status %d: %s", code, body)
			}
			l := decode[apiTaskList](t, body)
			if got := taskIDs(l.Tasks); !slices.Equal(got, c.want) || l.Total != c.total || l.Limit != c.limit {
				t.Fatalf("tasks %v total %d limit %d, want %v %d %d", got, l.Total, l.Limit, c.want, c.total, c.limit)
			}
			nullable := strings.Count(body, `"deadline": null`) + strings.Count(body, `"closed_on": null`) + strings.Count(body, `"percent": null`)
			if strings.Count(body, ": null") != nullable {
				t.Errorf("a list is null: %s", body)
			}
		})
	}
	bad := []string{"?notice=abc", "?notice=0", "?unit=-1", "?unit=x", "?unit=" + a + "&role=boss", "?role=lead",
		"?light=red", "?limit=0", "?limit=1001", "?limit=ten", "?offset=-1", "?offset=1.5"}
	for _, q := range bad {
		t.Run("bad"+q, func(t *testing.T) {
			code, body := ts.api("GET", "/api/v1/tasks"+q, tok, "")
			if code != 400 {
				t.Fatalf("status %d: %s", code, body)
			}
			if e := decode[apiError](t, body); !strings.Contains(e.Error, "参数") {
				t.Errorf("message %q", e.Error)
			}
		})
	}
}

// TestAPITaskShow checks one task's fields, its history, and that text
// is returned as written.
func TestAPITaskShow(t *testing.T) {
	ts := newSite(t)
	tok := ts.token("viewer")
	code, body := ts.api("GET", fmt.Sprintf("/api/v1/tasks/%d", ts.tasks[1].ID), tok, "")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	// application/json is never read as HTML: the text comes back as written.
	if !strings.Contains(body, "<script>") || strings.Contains(body, `\u003c`) {
		t.Errorf("JSON text escaped for HTML: %s", body)
	}
	d := decode[apiTaskDetail](t, body)
	if d.Text != "促进消费<script>alert(1)</script>。" {
		t.Errorf("text %q", d.Text)
	}
	if !slices.Equal(d.Lead, []string{"省商务厅"}) || !slices.Equal(d.Support, []string{"省发展改革委"}) ||
		d.Responsible == nil || d.Leaders == nil || d.Targets == nil || d.History == nil || d.Deadline != (notice.Date{}) ||
		d.No != "2" || !slices.Equal(d.Path, []string{"一、稳增长"}) || d.NoticeID != ts.noticeID || d.UpdatedAt == "" {
		t.Errorf("task %+v", d)
	}
	for _, id := range []string{"0", "abc", "999999", "-1"} {
		if code, body := ts.api("GET", "/api/v1/tasks/"+id, tok, ""); code != 404 || !strings.Contains(body, "任务不存在") {
			t.Errorf("task %s: %d %s", id, code, body)
		}
	}
	code, body = ts.api("GET", fmt.Sprintf("/api/v1/tasks/%d", ts.tasks[0].ID), tok, "")
	if d := decode[apiTaskDetail](t, body); code != 200 || d.Deadline != notice.NewDate(2026, 12, 31) ||
		!strings.Contains(body, `"deadline": "2026-12-31"`) {
		t.Errorf("task 1: %d %s", code, body)
	}
}

// TestAPIImport imports seed notices through the API in each way the API
// takes them.
func TestAPIImport(t *testing.T) {
	ts := newSite(t)
	tok := ts.token("office")
	ctx := context.Background()
	countNotices := func() int {
		ns, err := ts.store.Notices(ctx, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		return len(ns)
	}
	parsed := func(data []byte) *notice.Notice {
		text, err := docin.Read("seed.txt", data)
		if err != nil {
			t.Fatal(err)
		}
		n, err := notice.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	type created struct {
		Notice   apiNoticeJSON    `json:"notice"`
		Warnings []notice.Warning `json:"warnings"`
	}

	seed1 := seedFile(t, "001")
	want1 := len(parsed(seed1).Tasks)
	resp, body := ts.apiRaw("POST", "/api/v1/notices", tok, "text/plain; charset=utf-8", bytes.NewReader(seed1))
	if resp.StatusCode != 201 {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	c := decode[created](t, body)
	if c.Notice.TaskCount != want1 || want1 == 0 || c.Warnings == nil || c.Notice.ID == 0 {
		t.Fatalf("imported %+v, want %d tasks", c, want1)
	}
	if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/notices/%d", c.Notice.ID) {
		t.Errorf("Location %q", loc)
	}
	code, body := ts.api("GET", fmt.Sprintf("/api/v1/tasks?notice=%d&limit=1000", c.Notice.ID), tok, "")
	if l := decode[apiTaskList](t, body); code != 200 || l.Total != want1 || len(l.Tasks) != want1 {
		t.Errorf("tasks of the import: %d, total %d of %d", code, l.Total, want1)
	}
	if code, body := ts.api("GET", strings.TrimPrefix(resp.Header.Get("Location"), ts.srv.URL), tok, ""); code != 200 {
		t.Errorf("GET Location: %d %s", code, body)
	}

	t.Run("duplicate", func(t *testing.T) {
		resp, body := ts.apiRaw("POST", "/api/v1/notices", tok, "text/plain", bytes.NewReader(seed1))
		if resp.StatusCode != 409 || !strings.Contains(decode[apiError](t, body).Error, "不能重复导入") {
			t.Errorf("second import: %d %s", resp.StatusCode, body)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		before := countNotices()
		seed2 := seedFile(t, "002")
		resp, body := ts.apiRaw("POST", "/api/v1/notices?dry_run=1", tok, "text/plain", bytes.NewReader(seed2))
		if resp.StatusCode != 200 {
			t.Fatalf("dry run: %d %s", resp.StatusCode, body)
		}
		d := decode[struct {
			DryRun   bool             `json:"dry_run"`
			Notice   notice.Notice    `json:"notice"`
			Warnings []notice.Warning `json:"warnings"`
		}](t, body)
		if !d.DryRun || len(d.Notice.Tasks) != len(parsed(seed2).Tasks) || d.Warnings == nil {
			t.Errorf("dry run answered %d tasks", len(d.Notice.Tasks))
		}
		if n := countNotices(); n != before {
			t.Errorf("dry run stored a notice: %d → %d", before, n)
		}
		// Not stored, so it imports now: as a multipart upload.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "通知.txt")
		fw.Write(seed2)
		mw.Close()
		resp, body = ts.apiRaw("POST", "/api/v1/notices", tok, mw.FormDataContentType(), &buf)
		if resp.StatusCode != 201 || decode[created](t, body).Notice.SourceName != "通知.txt" {
			t.Errorf("multipart import: %d %s", resp.StatusCode, body)
		}
	})

	t.Run("curl default content type with name", func(t *testing.T) {
		// curl --data-binary @file sends application/x-www-form-urlencoded
		resp, body := ts.apiRaw("POST", "/api/v1/notices?dry_run=1&name=seed.txt", tok,
			"application/x-www-form-urlencoded", bytes.NewReader(seedFile(t, "004")))
		if resp.StatusCode != 200 || !strings.Contains(body, `"source_name": "seed.txt"`) {
			t.Errorf("%d %.300s", resp.StatusCode, body)
		}
	})

	t.Run("multipart text", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("text", string(seedFile(t, "003")))
		mw.Close()
		resp, body := ts.apiRaw("POST", "/api/v1/notices", ts.token("admin"), mw.FormDataContentType(), &buf)
		if resp.StatusCode != 201 {
			t.Errorf("import: %d %s", resp.StatusCode, body)
		}
	})

	bad := []struct {
		name, path, ctype, body string
		code                    int
	}{
		{"not a docx", "/api/v1/notices?name=" + url.QueryEscape("通知.docx"), "application/octet-stream", "this is no zip file", 400},
		{"empty", "/api/v1/notices", "text/plain", "", 400},
		{"no tasks", "/api/v1/notices", "text/plain", "关于召开会议的通知\n\n请准时参加。\n", 400},
		{"empty form", "/api/v1/notices", "application/x-www-form-urlencoded", "text=", 400},
		{"bad dry_run", "/api/v1/notices?dry_run=perhaps", "text/plain", string(seedFile(t, "004")), 400},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			before := countNotices()
			resp, body := ts.apiRaw("POST", c.path, tok, c.ctype, strings.NewReader(c.body))
			if resp.StatusCode != c.code || decode[apiError](t, body).Error == "" {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, c.code, body)
			}
			if n := countNotices(); n != before {
				t.Errorf("a refused import stored a notice")
			}
		})
	}
}

// TestAPITaskPatch edits a task: absent fields keep their value, a stale
// version is a 409 with the task as it is, a bad body a 400.
func TestAPITaskPatch(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	office, admin := ts.token("office"), ts.token("admin")
	t1 := ts.tasks[0]
	path := fmt.Sprintf("/api/v1/tasks/%d", t1.ID)
	v0 := t1.Version

	// A unit name the directory lacks is asked about, with the nearest
	// known names, and nothing is saved until create_units confirms it.
	for _, tc := range []struct {
		support string
		nearest []string
	}{{`"省商务听"`, []string{"省商务厅"}}, {`"省财政厅", "省自然资源厅"`, []string{}}} {
		code, body := ts.api("PATCH", path, office, fmt.Sprintf(`{"version": %d, "support": [%s]}`, v0, tc.support))
		var ans struct {
			Error       string              `json:"error"`
			Suggestions []store.UnknownUnit `json:"suggestions"`
		}
		json.Unmarshal([]byte(body), &ans)
		if code != 400 || len(ans.Suggestions) != 1 || !slices.Equal(ans.Suggestions[0].Nearest, tc.nearest) || !strings.Contains(ans.Error, "create_units") {
			t.Errorf("PATCH support %s: %d %s", tc.support, code, body)
		}
	}
	if cur, _ := ts.store.Task(ctx, t1.ID, ledger.Scope{}); cur.Version != v0 {
		t.Fatalf("an unconfirmed unit was saved: %+v", cur)
	}
	code, body := ts.api("PATCH", path, office, fmt.Sprintf(
		`{"version": %d, "text": "扩大有效投资<img src=x onerror=alert(1)>", "support": [" 省财政厅 ", "省自然资源厅"], "deadline": "2026-06-30", "create_units": true}`, v0))
	if code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	got := decode[apiTaskJSON](t, body)
	if got.Version != v0+1 || got.Text != "扩大有效投资<img src=x onerror=alert(1)>" ||
		!slices.Equal(got.Support, []string{"省财政厅", "省自然资源厅"}) || got.Deadline != notice.NewDate(2026, 6, 30) ||
		!slices.Equal(got.Lead, []string{"省发展改革委"}) || !slices.Equal(got.Leaders, []string{"张副省长"}) {
		t.Fatalf("after PATCH: %+v", got)
	}
	code, body = ts.api("GET", path, office, "")
	d := decode[apiTaskDetail](t, body)
	if code != 200 || len(d.History) != 1 || d.History[0].Action != store.ActionUpdate || d.History[0].User != "督查室王科长" ||
		!strings.Contains(string(d.History[0].Before), "扩大有效投资，完成投资5000亿元以上。") ||
		!strings.Contains(string(d.History[0].After), "省自然资源厅") {
		t.Fatalf("history: %d %s", code, body)
	}

	t.Run("stale", func(t *testing.T) {
		code, body := ts.api("PATCH", path, admin, fmt.Sprintf(`{"version": %d, "text": "覆盖他人的修改"}`, v0))
		if code != 409 {
			t.Fatalf("status %d: %s", code, body)
		}
		c := decode[apiStale](t, body)
		if c.Current.Version != v0+1 || c.Current.Text != got.Text || !strings.Contains(c.Error, "督查室王科长") {
			t.Errorf("409 answer: %s", body)
		}
		if cur, _ := ts.store.Task(ctx, t1.ID, ledger.Scope{}); cur.Version != v0+1 || cur.Text != got.Text {
			t.Errorf("stale PATCH changed the task: %+v", cur)
		}
	})

	t.Run("clear deadline", func(t *testing.T) {
		code, body := ts.api("PATCH", path, office, fmt.Sprintf(`{"version": %d, "deadline": null, "deadline_text": "长期坚持"}`, v0+1))
		if code != 200 || !strings.Contains(body, `"deadline": null`) || decode[apiTaskJSON](t, body).DeadlineText != "长期坚持" {
			t.Errorf("%d %s", code, body)
		}
	})

	t.Run("nothing to change", func(t *testing.T) {
		code, body := ts.api("PATCH", path, office, fmt.Sprintf(`{"version": %d}`, v0+2))
		if code != 200 || decode[apiTaskJSON](t, body).Version != v0+2 {
			t.Errorf("%d %s", code, body)
		}
	})

	v := v0 + 2
	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf("单位%d", i)
	}
	manyJSON, _ := json.Marshal(many)
	bad := []struct {
		name, ctype, body string
		code              int
		msg               string
	}{
		{"bad JSON", "application/json", `{"version": 3,`, 400, "JSON"},
		{"not an object", "application/json", `[1, 2]`, 400, "JSON 对象"},
		{"empty body", "application/json", ``, 400, "请求体为空"},
		{"unknown field", "application/json", fmt.Sprintf(`{"version": %d, "colour": "red"}`, v), 400, `"colour"`},
		{"no version", "application/json", `{"text": "新内容"}`, 400, "version"},
		{"null version", "application/json", `{"version": null, "text": "新内容"}`, 400, "version"},
		{"version a string", "application/json", `{"version": "3"}`, 400, "version"},
		{"two objects", "application/json", fmt.Sprintf(`{"version": %d} {"version": %d}`, v, v), 400, "JSON"},
		{"empty text", "application/json", fmt.Sprintf(`{"version": %d, "text": "  "}`, v), 400, "不能为空"},
		{"null text", "application/json", fmt.Sprintf(`{"version": %d, "text": null}`, v), 400, "不能为空"},
		{"no such date", "application/json", fmt.Sprintf(`{"version": %d, "deadline": "2026-02-30"}`, v), 400, "YYYY-MM-DD"},
		{"date written otherwise", "application/json", fmt.Sprintf(`{"version": %d, "deadline": "2026年12月31日"}`, v), 400, "YYYY-MM-DD"},
		{"blank unit", "application/json", fmt.Sprintf(`{"version": %d, "lead": ["省发展改革委", " "]}`, v), 400, "第 2 项"},
		{"null units", "application/json", fmt.Sprintf(`{"version": %d, "lead": null}`, v), 400, "[]"},
		{"units not a list", "application/json", fmt.Sprintf(`{"version": %d, "lead": "省发展改革委"}`, v), 400, "lead"},
		{"too many units", "application/json", fmt.Sprintf(`{"version": %d, "support": %s}`, v, manyJSON), 400, "200"},
		{"blank leader", "application/json", fmt.Sprintf(`{"version": %d, "leaders": [""]}`, v), 400, "责任领导"},
		{"not JSON", "text/plain", fmt.Sprintf(`{"version": %d, "text": "x"}`, v), 415, "application/json"},
		{"too large", "application/json", fmt.Sprintf(`{"version": %d, "text": "%s"}`, v, strings.Repeat("长", 1<<19)), 413, "1 MiB"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			resp, body := ts.apiRaw("PATCH", path, office, c.ctype, strings.NewReader(c.body))
			if resp.StatusCode != c.code {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.code, body)
			}
			if e := decode[apiError](t, body).Error; !strings.Contains(e, c.msg) {
				t.Errorf("message %q lacks %q", e, c.msg)
			}
			if cur, _ := ts.store.Task(ctx, t1.ID, ledger.Scope{}); cur.Version != v {
				t.Errorf("refused PATCH changed the task to version %d", cur.Version)
			}
		})
	}

	for _, id := range []string{"999999", "abc"} {
		if code, body := ts.api("PATCH", "/api/v1/tasks/"+id, office, `{"version": 1, "text": "x"}`); code != 404 {
			t.Errorf("PATCH task %s: %d %s", id, code, body)
		}
	}
}

// TestAPIUnits lists the unit directory.
func TestAPIUnits(t *testing.T) {
	ts := newSite(t)
	code, body := ts.api("GET", "/api/v1/units", ts.token("viewer"), "")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	if strings.Contains(body, "null") {
		t.Errorf("a list is null: %s", body)
	}
	l := decode[struct {
		Units []apiUnitJSON `json:"units"`
	}](t, body)
	byName := map[string]apiUnitJSON{}
	for _, u := range l.Units {
		byName[u.Name] = u
	}
	if u := byName["省发展改革委"]; u.ID != ts.unitA.ID || u.Lead != 1 || u.Support != 1 || u.Responsible != 0 || u.IsGroup {
		t.Errorf("省发展改革委: %+v", u)
	}
	if u := byName["各省辖市政府"]; !u.IsGroup || u.Responsible != 1 || u.Members == nil || u.Aliases == nil {
		t.Errorf("各省辖市政府: %+v", u)
	}
}

// TestAPIToken checks that only an Authorization header carries a token:
// not a query string, not a cookie, not a page session.
func TestAPIToken(t *testing.T) {
	ts := newSite(t)
	tok := ts.token("admin")
	revoked := auth.NewToken("dbn_")
	rid, err := ts.store.CreateAPIToken(context.Background(), ts.users["viewer"].ID, "old", auth.TokenHash(revoked))
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.store.DeleteAPIToken(context.Background(), ts.users["viewer"].ID, rid); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, token string
		headers           []string
		code              int
	}{
		{"header", "/api/v1/notices", tok, nil, 200},
		{"no token", "/api/v1/notices", "", nil, 401},
		{"invalid token", "/api/v1/notices", "dbn_nonsense", nil, 401},
		{"revoked token", "/api/v1/notices", revoked, nil, 401},
		{"query access_token", "/api/v1/notices?access_token=" + tok, "", nil, 401},
		{"query token", "/api/v1/notices?token=" + tok, "", nil, 401},
		{"session cookie", "/api/v1/notices", "", []string{"Cookie: " + sessionCookie + "=" + tok}, 401},
		{"token cookie", "/api/v1/notices", "", []string{"Cookie: token=" + tok}, 401},
		{"basic auth", "/api/v1/notices", "", []string{"Authorization: Basic " + tok}, 401},
		{"bare token", "/api/v1/notices", "", []string{"Authorization: " + tok}, 401},
		{"empty bearer", "/api/v1/notices", "", []string{"Authorization: Bearer "}, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := ts.apiRaw("GET", c.path, c.token, "", nil, c.headers...)
			if resp.StatusCode != c.code {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.code, body)
			}
			if c.code == 401 {
				if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") ||
					!strings.Contains(decode[apiError](t, body).Error, "Authorization: Bearer") {
					t.Errorf("401 answer: %v %s", resp.Header, body)
				}
			}
		})
	}
	t.Run("page session", func(t *testing.T) {
		code, body := ts.get(ts.client("admin"), "/api/v1/notices")
		if code != 401 {
			t.Errorf("a logged-in browser reached the API: %d %s", code, body)
		}
	})
}
