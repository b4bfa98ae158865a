package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

func (s *Server) overviewRoutes() []route {
	return []route{
		{pattern: "GET /notices/{id}/overview", roles: readers, h: s.overviewShow},
		{pattern: "GET /notices/{id}/periods", roles: staff, h: s.periodsShow},
		{pattern: "POST /notices/{id}/periods", roles: staff, h: s.periodAdd},
		{pattern: "POST /notices/{id}/reporting", roles: staff, h: s.reportingSave},
		{pattern: "POST /periods/{id}/edit", roles: staff, h: s.periodEdit},
		{pattern: "POST /periods/{id}/delete", roles: staff, h: s.periodDelete},
	}
}

func (s *Server) overviewAPIRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/notices/{id}/overview", roles: readers, h: s.apiOverview},
		{pattern: "GET /api/v1/notices/{id}/periods", roles: allRoles, h: s.apiPeriods},
		{pattern: "POST /api/v1/notices/{id}/periods", roles: staff, h: s.apiPeriodAdd},
		{pattern: "PATCH /api/v1/periods/{id}", roles: staff, h: s.apiPeriodPatch},
		{pattern: "DELETE /api/v1/periods/{id}", roles: staff, h: s.apiPeriodDelete},
	}
}

type overviewPage struct {
	Base
	Notice   *store.NoticeInfo
	Periods  []ledger.Period
	Overview *store.Overview
	// For the office: whether the period is past due (every late unit may
	// be urged at once), the text an urging proposes, and the units that
	// still owe reports.
	UrgeAll  bool
	UrgeText string
	Owing    map[int64]bool
}

// noticeInScope is the notice of the route if the caller sees any of it.
func (s *Server) noticeInScope(r *http.Request) (*store.NoticeInfo, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sc := userFrom(r).Scope()
	n, err := s.store.Notice(r.Context(), id, sc)
	if err != nil {
		return nil, err
	}
	if sc.Limited() && n.TaskCount == 0 {
		return nil, errNotFound
	}
	return n, nil
}

func (s *Server) overviewFor(r *http.Request) (*store.NoticeInfo, *store.Overview, error) {
	n, err := s.noticeInScope(r)
	if err != nil {
		return nil, nil, err
	}
	var pid int64
	if v := r.URL.Query().Get("period"); v != "" {
		if pid, err = strconv.ParseInt(v, 10, 64); err != nil || pid <= 0 {
			return nil, nil, badRequest("报送期编号无效。")
		}
	}
	o, err := s.store.NoticeOverview(r.Context(), n.ID, pid, userFrom(r).Scope())
	return n, o, err
}

func (s *Server) overviewShow(w http.ResponseWriter, r *http.Request) error {
	n, o, err := s.overviewFor(r)
	if err != nil {
		return err
	}
	p := &overviewPage{Base: s.base(w, r, "督办总览 · "+n.Name()), Notice: n, Overview: o}
	if p.Periods, err = s.store.Periods(r.Context(), n.ID); err != nil {
		return err
	}
	if cur := o.Period; cur != nil && userFrom(r).CanEdit() {
		p.UrgeAll, p.UrgeText, p.Owing = cur.Due.Before(s.store.Today()), urgeText(cur.What()), map[int64]bool{}
		for _, u := range o.Units {
			p.Owing[u.UnitID] = u.Missing > 0 || u.Returned > 0 || u.Due > u.OnTime+u.Late
		}
	}
	return s.render(w, r, http.StatusOK, "overview", p)
}

type apiOverviewJSON struct {
	Period *apiPeriodJSON  `json:"period"` // null when no period is open
	States map[string]int  `json:"reports"`
	Lights map[string]int  `json:"lights"`
	Units  []apiUnitRecord `json:"units"`
}

type apiUnitRecord struct {
	UnitID   int64  `json:"unit_id"`
	Name     string `json:"name"`
	Tasks    int    `json:"tasks"`
	Due      int    `json:"due"`
	OnTime   int    `json:"on_time"`
	Late     int    `json:"late"`
	Returned int    `json:"returned"`
	Missing  int    `json:"missing"`
}

type apiPeriodJSON struct {
	ID      int64       `json:"id"`
	Kind    string      `json:"kind"` // plan, progress, annual
	Label   string      `json:"label"`
	Start   notice.Date `json:"start"`
	Due     notice.Date `json:"due"`
	Version int         `json:"version"`
}

func apiPeriodOf(p ledger.Period) apiPeriodJSON {
	return apiPeriodJSON{ID: p.ID, Kind: string(p.Kind), Label: p.Label, Start: p.Start, Due: p.Due, Version: p.Version}
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request) error {
	_, o, err := s.overviewFor(r)
	if err != nil {
		return err
	}
	out := apiOverviewJSON{States: map[string]int{}, Lights: map[string]int{}, Units: []apiUnitRecord{}}
	if o.Period != nil {
		p := apiPeriodOf(*o.Period)
		out.Period = &p
	}
	for _, k := range store.ReportFilters {
		out.States[k] = o.States[k]
	}
	for _, l := range ledger.Lights {
		out.Lights[string(l)] = o.Lights[l]
	}
	for _, u := range o.Units {
		out.Units = append(out.Units, apiUnitRecord{UnitID: u.UnitID, Name: u.Name, Tasks: u.Tasks, Due: u.Due, OnTime: u.OnTime,
			Late: u.Late, Returned: u.Returned, Missing: u.Missing})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---------- periods ----------

type periodsPage struct {
	Base
	Notice    *store.NoticeInfo
	Periods   []ledger.Period
	Reporting store.Reporting
}

func (s *Server) periodsShow(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	p := &periodsPage{Base: s.base(w, r, "报送期 · "+n.Name()), Notice: n}
	if p.Periods, err = s.store.Periods(r.Context(), n.ID); err != nil {
		return err
	}
	if p.Reporting, err = s.store.NoticeReporting(r.Context(), n.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "periods", p)
}

// readPeriod reads a period's fields from a form or from JSON values.
func readPeriod(get func(string) string) (ledger.Period, error) {
	p := ledger.Period{Kind: ledger.PeriodKind(get("kind")), Label: strings.TrimSpace(get("label"))}
	if p.Kind == "" {
		p.Kind = ledger.PeriodProgress
	}
	var err error
	for _, f := range []struct {
		key string
		dst *notice.Date
	}{{"start", &p.Start}, {"due", &p.Due}} {
		v := strings.TrimSpace(get(f.key))
		if v == "" {
			continue
		}
		if *f.dst, err = notice.ParseDate(v); err != nil {
			return p, badRequest(fmt.Sprintf("日期“%s”无效，应为 2026-06-30 的格式。", v))
		}
	}
	return p, nil
}

func (s *Server) periodAdd(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	p, err := readPeriod(r.PostFormValue)
	if err == nil {
		p.NoticeID = n.ID
		_, err = s.store.AddPeriod(r.Context(), p, userFrom(r).Actor())
	}
	return s.periodsBack(w, r, n.ID, err, "报送期已添加。")
}

// periodsBack returns to the periods page with what happened.
func (s *Server) periodsBack(w http.ResponseWriter, r *http.Request, noticeID int64, err error, done string) error {
	return s.formBack(w, r, fmt.Sprintf("/notices/%d/periods", noticeID), err, done)
}

func (s *Server) reportingSave(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	open, err1 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("open_days")))
	tol, err2 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tolerance")))
	if err1 != nil || err2 != nil {
		return s.periodsBack(w, r, n.ID, badRequest("提前开放天数和进度容差应为整数。"), "")
	}
	err = s.store.SetNoticeReporting(r.Context(), n.ID, store.Reporting{OpenDays: open, Tolerance: tol}, userFrom(r).Actor())
	return s.periodsBack(w, r, n.ID, err, "报送设置已保存。")
}

func (s *Server) periodEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := s.store.Period(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := readPeriod(r.PostFormValue)
	if err == nil {
		p.ID, p.NoticeID = id, cur.NoticeID
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		err = s.store.UpdatePeriod(r.Context(), p, version, userFrom(r).Actor())
	}
	return s.periodsBack(w, r, cur.NoticeID, err, "报送期已修改。")
}

func (s *Server) periodDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := s.store.Period(r.Context(), id)
	if err != nil {
		return err
	}
	err = s.store.DeletePeriod(r.Context(), id, userFrom(r).Actor())
	return s.periodsBack(w, r, cur.NoticeID, err, "报送期已删除。")
}

func (s *Server) apiPeriods(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	ps, err := s.store.Periods(r.Context(), n.ID)
	if err != nil {
		return err
	}
	rs, err := s.store.NoticeReporting(r.Context(), n.ID)
	if err != nil {
		return err
	}
	out := make([]apiPeriodJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, apiPeriodOf(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"periods": out, "open_days": rs.OpenDays, "pace_tolerance": rs.Tolerance})
	return nil
}

type apiPeriodBody struct {
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	Start   string `json:"start"`
	Due     string `json:"due"`
	Version int    `json:"version"`
}

func (b apiPeriodBody) get(k string) string {
	return url.Values{"kind": {b.Kind}, "label": {b.Label}, "start": {b.Start}, "due": {b.Due}}.Get(k)
}

func (s *Server) apiPeriodAdd(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	var b apiPeriodBody
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	p, err := readPeriod(b.get)
	if err != nil {
		return err
	}
	p.NoticeID = n.ID
	id, err := s.store.AddPeriod(r.Context(), p, userFrom(r).Actor())
	if err != nil {
		return err
	}
	p, err = s.store.Period(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiPeriodOf(p))
	return nil
}

func (s *Server) apiPeriodPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errNotFound)
	if err != nil {
		return err
	}
	cur, err := s.store.Period(r.Context(), id)
	if err != nil {
		return err
	}
	b := apiPeriodBody{Kind: string(cur.Kind), Label: cur.Label, Start: cur.Start.String(), Due: cur.Due.String()}
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	p, err := readPeriod(b.get)
	if err != nil {
		return err
	}
	p.ID, p.NoticeID = id, cur.NoticeID
	if err := s.store.UpdatePeriod(r.Context(), p, b.Version, userFrom(r).Actor()); err != nil {
		return err
	}
	p, err = s.store.Period(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiPeriodOf(p))
	return nil
}

func (s *Server) apiPeriodDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errNotFound)
	if err != nil {
		return err
	}
	if err := s.store.DeletePeriod(r.Context(), id, userFrom(r).Actor()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
