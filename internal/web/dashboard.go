package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/store"
)

// Dashboards: a notice's year at a glance, for everyone over the tasks
// they see (a leader the tasks under them, a unit its own). The page is
// tables that work without JavaScript; dashboard.js draws them as charts
// from the same figures as JSON, each element linking to its tasks.
func (s *Server) dashboardRoutes() []route {
	return []route{
		{pattern: "GET /dashboard", roles: allRoles, h: s.dashboardHome},
		{pattern: "GET /notices/{id}/dashboard", roles: allRoles, h: s.dashboardShow},
		// The charts' figures for the page's own script, on the session
		// (the API wants a token); the same JSON as the API's.
		{pattern: "GET /notices/{id}/dashboard.json", roles: allRoles, h: s.apiDashboard},
	}
}

func (s *Server) dashboardAPIRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/notices/{id}/dashboard", roles: allRoles, h: s.apiDashboard},
	}
}

func (s *Server) dashboardHome(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	ns, err := s.store.Notices(r.Context(), u.Scope())
	if err != nil {
		return err
	}
	if len(ns) == 1 {
		return s.redirect(w, r, fmt.Sprintf("/notices/%d/dashboard", ns[0].ID), "")
	}
	p := &homePage{Base: s.base(w, r, "看板"), Notices: ns, CanEdit: u.CanEdit()}
	for _, n := range ns {
		p.Total += n.TaskCount
	}
	return s.render(w, r, http.StatusOK, "dashboards", p)
}

// dashboardFor is the route's notice's dashboard over the caller's tasks.
func (s *Server) dashboardFor(r *http.Request) (*store.Dashboard, error) {
	n, err := s.noticeInScope(r)
	if err != nil {
		return nil, err
	}
	var pid int64
	if v := r.URL.Query().Get("period"); v != "" {
		if pid, err = strconv.ParseInt(v, 10, 64); err != nil || pid <= 0 {
			return nil, badRequest("报送期编号无效。")
		}
	}
	return s.store.NoticeDashboard(r.Context(), n.ID, pid, userFrom(r).Scope())
}

type dashboardPage struct {
	Base
	D    *store.Dashboard
	J    dashJSON
	Rule string
}

func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dashboardFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dashboard", &dashboardPage{Base: s.base(w, r, "看板 · "+d.Notice.Name()), D: d, J: dashJSONOf(d), Rule: circular.RankRule})
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dashboardFor(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dashJSONOf(d))
	return nil
}

// dashJSON is a dashboard as the charts (and the API) read it: every
// element with the address of the tasks behind it.
type dashJSON struct {
	NoticeID int64             `json:"notice_id"`
	Period   *apiPeriodJSON    `json:"period"`
	Lights   []lightJSON       `json:"lights"` // the legend: each light's name and label
	Tally    circular.Tally    `json:"tally"`
	Headings []dashHeading     `json:"headings"`
	Units    []dashUnit        `json:"units"`
	Trend    []dashTrend       `json:"trend"`
	Targets  []dashTarget      `json:"targets"`
	Calendar []dashDay         `json:"calendar"`
	Links    map[string]string `json:"links"` // the light's list: light → URL
}

type lightJSON struct {
	Light string `json:"light"`
	Label string `json:"label"`
}

type dashCount struct {
	N   int    `json:"n"`
	URL string `json:"url"`
}

type dashHeading struct {
	Heading string               `json:"heading"`
	Tasks   int                  `json:"tasks"`
	Lights  map[string]dashCount `json:"lights"`
}

type dashUnit struct {
	UnitID     int64   `json:"unit_id"`
	Name       string  `json:"name"`
	Tasks      int     `json:"tasks"`
	Due        int     `json:"due"`
	OnTime     int     `json:"on_time"`
	Late       int     `json:"late"`
	Missing    int     `json:"missing"`
	Returned   int     `json:"returned"`
	OnTimeRate float64 `json:"on_time_rate"` // percent; 100 when nothing is due
	PaceShare  float64 `json:"pace_share"`   // percent of its tasks not behind
	URL        string  `json:"url"`
}

type dashTrend struct {
	Period apiPeriodJSON        `json:"period"`
	Lights map[string]dashCount `json:"lights"`
}

type dashTarget struct {
	TaskID    int64    `json:"task_id"`
	Task      string   `json:"task"`
	Indicator string   `json:"indicator"`
	Goal      float64  `json:"goal"`
	Unit      string   `json:"unit"`
	Actual    string   `json:"actual"`
	Percent   *float64 `json:"percent"` // of the goal
	Pace      int      `json:"pace"`
	URL       string   `json:"url"`
}

type dashDay struct {
	Date      string   `json:"date"`
	Count     int      `json:"count"`
	Periods   []string `json:"periods"`
	Deadlines int      `json:"deadlines"`
	URL       string   `json:"url"`
}

func tallyLights(t circular.Tally) map[ledger.LightState]int {
	return map[ledger.LightState]int{ledger.LightClosed: t.Closed, ledger.LightAhead: t.Ahead, ledger.LightOnPace: t.OnPace,
		ledger.LightLagging: t.Lagging, ledger.LightOverdue: t.Overdue, ledger.LightNotStarted: t.NotStarted}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return float64(a*1000/b) / 10
}

func dashJSONOf(d *store.Dashboard) dashJSON {
	n := d.Notice.ID
	ledgerURL := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				v.Set(kv[i], kv[i+1])
			}
		}
		if len(v) == 0 {
			return fmt.Sprintf("/notices/%d", n)
		}
		return fmt.Sprintf("/notices/%d?%s", n, v.Encode())
	}
	j := dashJSON{NoticeID: n, Tally: d.Facts.Tally, Links: map[string]string{}, Headings: []dashHeading{}, Units: []dashUnit{},
		Trend: []dashTrend{}, Targets: []dashTarget{}, Calendar: []dashDay{}}
	var pid string
	if d.Period != nil {
		p := apiPeriodOf(*d.Period)
		j.Period = &p
		pid = strconv.FormatInt(d.Period.ID, 10)
	}
	for _, l := range ledger.Lights {
		j.Lights = append(j.Lights, lightJSON{string(l), l.Label()})
		j.Links[string(l)] = ledgerURL("light", string(l))
	}
	for _, h := range d.Headings {
		dh := dashHeading{Heading: h.Heading, Tasks: h.Tasks, Lights: map[string]dashCount{}}
		for l, c := range tallyLights(h.Tally) {
			dh.Lights[string(l)] = dashCount{c, ledgerURL("heading", h.Heading, "light", string(l))}
		}
		j.Headings = append(j.Headings, dh)
	}
	for _, u := range d.Facts.Units {
		report := ""
		if pid != "" {
			report = "owed"
		}
		j.Units = append(j.Units, dashUnit{UnitID: u.UnitID, Name: u.Name, Tasks: u.Tasks, Due: u.Due, OnTime: u.OnTime, Late: u.Late,
			Missing: u.Missing, Returned: u.Returned, OnTimeRate: pct(u.OnTime, u.Due), PaceShare: pct(u.Tasks-u.Lagging-u.Overdue, u.Tasks),
			URL: ledgerURL("unit", strconv.FormatInt(u.UnitID, 10), "period", pid, "report", report)})
	}
	for _, t := range d.Trend {
		dt := dashTrend{Period: apiPeriodOf(t.Period), Lights: map[string]dashCount{}}
		for l, c := range tallyLights(t.Tally) {
			dt.Lights[string(l)] = dashCount{c, ledgerURL("light", string(l), "lightat", strconv.FormatInt(t.Period.ID, 10))}
		}
		j.Trend = append(j.Trend, dt)
	}
	for _, t := range d.Targets {
		j.Targets = append(j.Targets, dashTarget{TaskID: t.TaskID, Task: t.Task, Indicator: t.Indicator, Goal: t.Goal, Unit: t.Unit, Actual: t.Actual,
			Percent: t.Percent, Pace: t.Pace, URL: fmt.Sprintf("/tasks/%d", t.TaskID)})
	}
	for _, c := range d.Calendar {
		dd := dashDay{Date: c.Date.String(), Count: c.Count(), Deadlines: c.Deadlines}
		for _, p := range c.Periods {
			dd.Periods = append(dd.Periods, p.What())
		}
		// A reporting deadline opens who owes the report; a task's own
		// deadline, the tasks due to be done that day.
		if len(c.Periods) > 0 {
			dd.URL = ledgerURL("period", strconv.FormatInt(c.Periods[0].ID, 10), "report", "missing")
		} else {
			dd.URL = ledgerURL("deadline", c.Date.String())
		}
		j.Calendar = append(j.Calendar, dd)
	}
	return j
}
