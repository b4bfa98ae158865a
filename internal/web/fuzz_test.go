package web

import (
	"context"
	"duban/internal/ledger"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"duban/internal/auth"
)

// FuzzHTTPInput sends arbitrary bodies where people and programs send
// text: the import preview's form (POST /import/{id}) and a task's JSON
// PATCH (PATCH /api/v1/tasks/{id}). Whatever arrives, the answer is never
// a 5xx and nothing panics: bad input is a 4xx in Chinese.
//
//	go test ./internal/web -run '^$' -fuzz FuzzHTTPInput -parallel 1 -fuzztime 10m
func FuzzHTTPInput(f *testing.F) {
	for _, s := range []struct {
		api  bool
		body string
	}{
		{false, "action=save&title=新的标题&issuer=某省人民政府办公厅&doc_number=某政办〔2026〕1号&year=2026"},
		{false, "action=confirm&lead-0=省发展改革委、省财政厅&support-0=&leaders-0=张副省长&deadline-0=2026-06-30&text-0=扩大有效投资"},
		{false, "action=save&deadline-1=年内完成&drop-2=1&responsible-0=各省辖市政府\n省商务厅"},
		{false, "action=save&year=99999999999999999999&deadline-0=2026-02-30&text-0=&jurisdiction=410000"},
		{false, "action=save&use=省发改委" + useSep + "省发展改革委&create_unit=省新设局&lead-0=省发改委"},
		{false, "action=discard"},
		{false, "title=%zz&lead-0=%00&text-0=%ff%fe"},
		{false, "title=a\x00b&text-0=\x1b[31m"},
		{true, `{"version": 1, "text": "扩大有效投资，完成投资5000亿元以上。"}`},
		{true, `{"version": 1, "lead": ["省发展改革委"], "support": [], "leaders": ["张副省长"], "deadline": "2026-12-31"}`},
		{true, `{"version": 1, "targets": [{"indicator": "投资", "op": ">=", "value": 5000, "unit": "亿元", "text": "5000亿元以上"}]}`},
		{true, `{"version": 1, "deadline": null, "deadline_text": "年内持续推进"}`},
		{true, `{"version": 1, "targets": [{"value": 1e400}]}`},
		{true, `{"version": "1"}`},
		{true, `{"version": 1, "text": "a\u0000b"}`},
		{true, "{\"version\": 1, \"text\": \"a\xffb\"}"},
		{true, `{"version": 1} {"version": 2}`},
		{true, `[1, 2, 3]`},
		{true, `null`},
		{true, ``},
	} {
		f.Add(s.api, s.body)
	}
	ts := newSite(f)
	ctx := context.Background()
	h := ts.server.Handler()
	office := ts.users["office"]
	session := auth.NewToken("")
	if err := ts.store.CreateSession(ctx, auth.TokenHash(session), office.ID, time.Now().Add(24*time.Hour)); err != nil {
		f.Fatal(err)
	}
	token := auth.NewToken("dbn_")
	if _, err := ts.store.CreateAPIToken(ctx, office.ID, "fuzz", auth.TokenHash(token)); err != nil {
		f.Fatal(err)
	}
	draft := int64(0)
	f.Fuzz(func(t *testing.T, api bool, body string) {
		var req *http.Request
		if api {
			task, err := ts.store.Task(ctx, ts.tasks[0].ID, ledger.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			// A body at version 1 is sent at the task's current version,
			// so that edits get past the version check into the fields.
			body = strings.Replace(body, `"version": 1`, fmt.Sprintf(`"version": %d`, task.Version), 1)
			req = httptest.NewRequest("PATCH", fmt.Sprintf("/api/v1/tasks/%d", task.ID), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
		} else {
			// A confirmed or discarded draft is gone: start a new one.
			if _, err := ts.store.Draft(ctx, draft, office.ID); err != nil {
				if draft, err = ts.store.SaveDraft(ctx, office.ID, "fuzz.txt", siteNotice()); err != nil {
					t.Fatal(err)
				}
			}
			req = httptest.NewRequest("POST", fmt.Sprintf("/import/%d", draft), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s with %q: %d\n%.500s", req.Method, req.URL.Path, body, rec.Code, rec.Body)
		}
	})
}
