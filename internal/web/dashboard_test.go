package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"duban/internal/store"
)

func TestDashboardRoutesAsEveryRole(t *testing.T) {
	ts, _ := yearSite(t)
	n := ts.noticeID
	ts.walk(t, []routeCase{
		//                                                          anon  admin office unit unit2 leader viewer
		{"GET", "/dashboard", nil, access{see, see, see, see, see, see, see}}, // one notice: straight to it
		{"GET", fmt.Sprintf("/notices/%d/dashboard", n), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", fmt.Sprintf("/notices/%d/dashboard.json", n), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", fmt.Sprintf("/notices/%d/dashboard?period=x", n), nil, access{see, bad, bad, bad, bad, bad, bad}},
		{"GET", "/notices/99999/dashboard", nil, access{see, nf, nf, nf, nf, nf, nf}},
	})
}

type dashView struct {
	Tally struct {
		Tasks, Due, Missing, Late, Lagging, Overdue int
	} `json:"tally"`
	Headings []struct {
		Heading string `json:"heading"`
		Tasks   int    `json:"tasks"`
		Lights  map[string]struct {
			N   int
			URL string
		} `json:"lights"`
	} `json:"headings"`
	Units []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"units"`
	Calendar []struct {
		Date string `json:"date"`
		URL  string `json:"url"`
	} `json:"calendar"`
}

// The dashboard counts what the overview counts; a unit's counts only its
// own tasks, a leader's those under them; every figure links to its tasks.
func TestDashboardFiguresAndLinks(t *testing.T) {
	ts, ps := yearSite(t)
	office := ts.client("office")
	read := func(login string) dashView {
		t.Helper()
		code, body := ts.get(ts.client(login), fmt.Sprintf("/notices/%d/dashboard.json?period=%d", ts.noticeID, ps[1].ID))
		if code != ok {
			t.Fatalf("%s: %d %s", login, code, body)
		}
		var d dashView
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := read("office")
	_, ov := ts.api("GET", fmt.Sprintf("/api/v1/notices/%d/overview?period=%d", ts.noticeID, ps[1].ID), ts.token("office"), "")
	var o struct {
		Reports map[string]int `json:"reports"`
		Lights  map[string]int `json:"lights"`
	}
	json.Unmarshal([]byte(ov), &o)
	if d.Tally.Due != o.Reports["owed"] || d.Tally.Missing != o.Reports["missing"] || d.Tally.Overdue != o.Lights["overdue"] || d.Tally.Tasks != 3 {
		t.Errorf("dashboard %+v, overview %v %v", d.Tally, o.Reports, o.Lights)
	}
	if len(d.Headings) != 2 || d.Headings[0].Heading != "一、稳增长" || d.Headings[0].Tasks != 2 {
		t.Fatalf("headings %+v", d.Headings)
	}
	// A heading's light opens exactly its tasks of that light.
	for light, c := range d.Headings[0].Lights {
		if c.N == 0 {
			continue
		}
		_, list := ts.get(office, c.URL)
		if got := strings.Count(list, `data-task-id="`); got != c.N {
			t.Errorf("%s: %d tasks behind %q, the chart says %d", light, got, c.URL, c.N)
		}
	}
	for _, u := range d.Units {
		if code, _ := ts.get(office, u.URL); code != ok {
			t.Errorf("unit link %s: %d", u.URL, code)
		}
	}
	if unit := read("unit"); unit.Tally.Tasks >= d.Tally.Tasks || unit.Tally.Tasks == 0 {
		t.Errorf("unit A's dashboard counts %d of %d tasks", unit.Tally.Tasks, d.Tally.Tasks)
	}
	if leader := read("leader"); leader.Tally.Tasks >= d.Tally.Tasks || leader.Tally.Tasks == 0 {
		t.Errorf("the leader's dashboard counts %d of %d tasks", leader.Tally.Tasks, d.Tally.Tasks)
	}
	// The page works without JavaScript: the tables are there.
	_, page := ts.get(office, fmt.Sprintf("/notices/%d/dashboard", ts.noticeID))
	for _, want := range []string{`data-chart="headings"`, "各单位排名", "<details open>", `/static/echarts.min.js`, "一、稳增长"} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard page lacks %q", want)
		}
	}
	code, body := ts.api("GET", fmt.Sprintf("/api/v1/notices/%d/dashboard", ts.noticeID), ts.token("leader"), "")
	if code != ok || !strings.Contains(body, `"headings"`) {
		t.Errorf("API: %d %s", code, body)
	}
}

// With several notices, /dashboard lists them, each to its dashboard.
func TestDashboardList(t *testing.T) {
	ts, _ := yearSite(t)
	n := siteNotice()
	n.DocNumber, n.Title = "豫政办〔2026〕99号", "另一份分工通知"
	for i := range n.Tasks {
		n.Tasks[i].Text += "（另）"
	}
	if _, err := ts.store.ImportNotice(context.Background(), n, "other.txt", store.CLI); err != nil {
		t.Fatal(err)
	}
	code, page := ts.get(ts.client("office"), "/dashboard")
	if code != ok || strings.Count(page, "/dashboard\">") < 2 || !strings.Contains(page, "另一份分工通知") {
		t.Errorf("dashboard list %d:\n%.1500s", code, page)
	}
}
