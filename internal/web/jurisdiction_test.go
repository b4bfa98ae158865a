package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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
	xcTasks, _ := ts.store.Tasks(ctx, store.TaskFilter{Scope: store.Scope{UnitID: xc.ID}})
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
