package web

import (
	"context"
	"duban/internal/ledger"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
)

// importSeed imports a seed notice in the issuer's government.
func (ts *site) importSeed(prefix string) int64 {
	ts.t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "seeds", prefix+"*.txt"))
	if len(paths) != 1 {
		ts.t.Fatalf("seed %s: %v", prefix, paths)
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		ts.t.Fatal(err)
	}
	n, err := notice.Parse(string(b))
	if err != nil {
		ts.t.Fatal(err)
	}
	id, err := ts.store.ImportNotice(context.Background(), n, filepath.Base(paths[0]), store.CLI)
	if err != nil {
		ts.t.Fatal(err)
	}
	return id
}

// TestSameNameInTwoCitiesStaysApart: 三门峡's and 许昌's 市财政局 are two
// units; the account of one reaches none of the other's pages, tasks or
// API answers.
func TestSameNameInTwoCitiesStaysApart(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	smxNotice, xcNotice := ts.importSeed("002"), ts.importSeed("004")
	smx, err := ts.store.UnitByNameIn(ctx, "411200", "市财政局")
	if err != nil {
		t.Fatal(err)
	}
	xc, err := ts.store.UnitByNameIn(ctx, "411000", "市财政局")
	if err != nil || xc.ID == smx.ID {
		t.Fatalf("许昌's 市财政局 %+v %v: not a unit of its own", xc, err)
	}
	ts.users["smxczj"] = ts.addUser(store.NewUser{Login: "smxczj", Name: "三门峡财政", Role: store.RoleUnit, UnitID: smx.ID})
	ts.users["xcczj"] = ts.addUser(store.NewUser{Login: "xcczj", Name: "许昌财政", Role: store.RoleUnit, UnitID: xc.ID})
	xcTasks, _ := ts.store.Tasks(ctx, store.TaskFilter{Scope: ledger.Scope{UnitID: xc.ID}})
	if len(xcTasks) == 0 {
		t.Fatal("许昌's 市财政局 has no tasks")
	}
	smxClient := ts.client("smxczj")
	tok := ts.token("smxczj")
	for _, c := range []struct{ what, path string }{
		{"the other's unit page", fmt.Sprintf("/units/%d", xc.ID)},
		{"the other's task", fmt.Sprintf("/tasks/%d", xcTasks[0].ID)},
		{"the other's notice", fmt.Sprintf("/notices/%d", xcNotice)},
	} {
		if code, _ := ts.get(smxClient, c.path); code != http.StatusNotFound {
			t.Errorf("%s (%s): %d, want 404", c.what, c.path, code)
		}
	}
	if code, body := ts.get(smxClient, fmt.Sprintf("/units/%d", smx.ID)); code != http.StatusOK || !strings.Contains(body, "市财政局") {
		t.Errorf("own unit page: %d", code)
	}
	if code, _ := ts.api("GET", fmt.Sprintf("/api/v1/tasks/%d", xcTasks[0].ID), tok, ""); code != http.StatusNotFound {
		t.Errorf("API: the other's task %d, want 404", code)
	}
	code, body := ts.api("GET", fmt.Sprintf("/api/v1/tasks?unit=%d&limit=1000", xc.ID), tok, "")
	if code == http.StatusOK && !strings.Contains(body, `"total":0`) && !strings.Contains(body, `"total": 0`) {
		t.Errorf("API: tasks of the other's unit visible: %s", body[:min(len(body), 300)])
	}
	code, body = ts.api("GET", fmt.Sprintf("/api/v1/tasks?notice=%d&limit=1000", smxNotice), tok, "")
	if code != http.StatusOK || !strings.Contains(body, "市财政局") {
		t.Errorf("API: own city's tasks %d", code)
	}
	code, body = ts.api("GET", "/api/v1/notices", tok, "")
	if code != http.StatusOK || strings.Contains(body, "许昌") {
		t.Errorf("API: the notice list shows 许昌's notice to 三门峡's unit: %d", code)
	}
	// The office sees both, told apart by their government.
	_, body = ts.get(ts.client("office"), "/units")
	for _, want := range []string{"三门峡市 · 市财政局", "许昌市 · 市财政局"} {
		if !strings.Contains(body, want) {
			t.Errorf("the directory does not show %s", want)
		}
	}
	code, body = ts.api("GET", "/api/v1/units", ts.token("office"), "")
	if code != http.StatusOK || !strings.Contains(body, `"label": "许昌市 · 市财政局"`) || !strings.Contains(body, `"jurisdiction": "411000"`) {
		t.Errorf("API units lack the government: %d", code)
	}
}

// TestImportReviewConfirmsJurisdiction: the review proposes the issuer's
// government, refuses a code that is none, and files the notice under the
// one the office picks.
func TestImportReviewConfirmsJurisdiction(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	resp := upload(t, ts, oc, "004.txt", seedFile(t, "004"))
	resp.Body.Close()
	draft := resp.Header.Get("Location")
	if resp.StatusCode != see || !strings.HasPrefix(draft, "/import/") {
		t.Fatalf("upload: %s → %q", resp.Status, draft)
	}
	_, page := ts.get(oc, draft)
	if !strings.Contains(page, `name="jurisdiction" value="411000"`) || !strings.Contains(page, "河南省 许昌市") {
		t.Errorf("the review does not propose 许昌市 as the issuing government")
	}
	code, body, _ := ts.post(oc, draft, url.Values{"jurisdiction": {"999999"}, "action": {"confirm"}})
	if code != bad || !strings.Contains(body, "不是已知的行政区划代码") {
		t.Errorf("unknown code: %d", code)
	}
	code, _, where := ts.post(oc, draft, url.Values{"jurisdiction": {"411200"}, "action": {"confirm"}})
	if code != see || !strings.HasPrefix(where, "/notices/") {
		t.Fatalf("confirm: %d → %q", code, where)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(where, "/notices/"), 10, 64)
	n, err := ts.store.Notice(context.Background(), id, ledger.Scope{})
	if err != nil || n.Jurisdiction != "411200" || n.JurName != "三门峡市" {
		t.Errorf("imported under %+v %v, want the office's pick 411200", n, err)
	}
	if _, err := ts.store.UnitByNameIn(context.Background(), "411200", "市财政局"); err != nil {
		t.Errorf("the notice's units are not filed under the picked government: %v", err)
	}
}

// TestAPIImportJurisdiction: ?jurisdiction= files the notice under that
// government; a code that is none is a 400.
func TestAPIImportJurisdiction(t *testing.T) {
	ts := newSite(t)
	tok := ts.token("office")
	post := func(query string) (int, string) {
		req, _ := http.NewRequest("POST", ts.srv.URL+"/api/v1/notices"+query, strings.NewReader(string(seedFile(t, "004"))))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post("?jurisdiction=999999"); code != bad || !strings.Contains(body, "jurisdiction") {
		t.Errorf("unknown code: %d %s", code, body)
	}
	code, body := post("?jurisdiction=411000")
	if code != http.StatusCreated || !strings.Contains(body, `"jurisdiction": "411000"`) || !strings.Contains(body, `"jurisdiction_name": "许昌市"`) {
		t.Errorf("import: %d %.300s", code, body)
	}
}
