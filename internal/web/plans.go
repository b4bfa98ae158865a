package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

func (s *Server) planRoutes() []route {
	return []route{
		{pattern: "GET /tasks/{id}/plan", roles: allRoles, h: s.planShow},
		{pattern: "POST /tasks/{id}/plan", roles: reporters, h: s.planSave},
		{pattern: "POST /plans/{id}/review", roles: staff, h: s.planReview},
	}
}

func (s *Server) planAPIRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/tasks/{id}/plan", roles: allRoles, h: s.apiPlanGet},
		{pattern: "PUT /api/v1/tasks/{id}/plan", roles: reporters, h: s.apiPlanPut},
		{pattern: "POST /api/v1/tasks/{id}/plan/submit", roles: reporters, h: s.apiPlanSubmit},
		{pattern: "POST /api/v1/plans/{id}/review", roles: staff, h: s.apiPlanReview},
	}
}

// taskAccess resolves the task of /tasks/{id}/plan and …/reports/…: its
// owner unit writes, a contributing unit adds its part or reads, readers
// read any owner's record of a task they see (?unit= among several
// owners); any other unit gets 404.
func (s *Server) taskAccess(r *http.Request) (*reportAccess, error) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, errNoReport
	}
	u := userFrom(r)
	t, err := s.store.Task(ctx, id, u.Scope())
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoReport
	}
	if err != nil {
		return nil, err
	}
	owners, contributors, err := s.store.TaskOwners(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(owners) == 0 {
		return nil, &httpError{code: http.StatusNotFound, msg: "该任务没有牵头或责任单位，无需制定落实方案。"}
	}
	a := &reportAccess{Task: t, Owners: owners, OwnerID: owners[0]}
	if v := r.URL.Query().Get("unit"); v != "" {
		o, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !slices.Contains(owners, o) {
			return nil, errNoReport
		}
		a.OwnerID = o
	}
	if u.Role == store.RoleUnit {
		switch {
		case slices.Contains(owners, u.UnitID):
			a.Owner, a.OwnerID = true, u.UnitID
		case slices.Contains(contributors, u.UnitID):
			a.Contributor = true
		default:
			return nil, errNoReport
		}
	}
	return a, nil
}

type planPage struct {
	Base
	*reportAccess
	Plan      *ledger.Plan
	Rows      []milestoneRow
	OwnerName string
	CanWrite  bool
	CanReview bool
	Error     string
}

type milestoneRow struct {
	Due, Result, Percent string
}

func (s *Server) planPageFor(w http.ResponseWriter, r *http.Request, a *reportAccess, p *ledger.Plan) (*planPage, error) {
	un, err := s.store.Unit(r.Context(), a.OwnerID)
	if err != nil {
		return nil, err
	}
	u := userFrom(r)
	pg := &planPage{Base: s.base(w, r, a.Task.Name()+"任务 · 落实方案"), reportAccess: a, Plan: p, OwnerName: un.Name,
		CanWrite:  a.Owner && (p.State == ledger.Draft || p.State == ledger.Returned),
		CanReview: u.CanEdit() && p.State == ledger.Submitted}
	for _, m := range p.Milestones {
		row := milestoneRow{Due: m.Due.String(), Result: m.Result}
		if m.Percent != nil {
			row.Percent = strconv.Itoa(*m.Percent)
		}
		pg.Rows = append(pg.Rows, row)
	}
	if pg.CanWrite {
		for range max(2, 6-len(pg.Rows)) { // blank rows to add milestones
			pg.Rows = append(pg.Rows, milestoneRow{})
		}
	}
	return pg, nil
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.taskAccess(r)
	if err != nil {
		return err
	}
	p, err := s.store.Plan(r.Context(), a.Task.ID, a.OwnerID)
	if err != nil {
		return err
	}
	pg, err := s.planPageFor(w, r, a, p)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan", pg)
}

// readPlanForm reads the plan as typed; milestone rows left blank are dropped.
func readPlanForm(r *http.Request, p *ledger.Plan) (version int, problem string) {
	v := func(k string) string { return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(k), "\r\n", "\n")) }
	p.Measures, p.Leader, p.Contact, p.Phone = v("measures"), v("leader"), v("contact"), v("phone")
	if err := r.ParseForm(); err != nil {
		return 0, "表单无法读取。"
	}
	dues, results, percents := r.PostForm["m_due"], r.PostForm["m_result"], r.PostForm["m_percent"]
	for i := range dues {
		due, result, pct := strings.TrimSpace(dues[i]), "", ""
		if i < len(results) {
			result = strings.TrimSpace(results[i])
		}
		if i < len(percents) {
			pct = strings.TrimSpace(strings.TrimSuffix(percents[i], "%"))
		}
		if due == "" && result == "" && pct == "" {
			continue
		}
		m := ledger.Milestone{Result: result}
		if due != "" {
			d, err := notice.ParseDate(due)
			if err != nil {
				problem = fmt.Sprintf("第 %d 个时间节点的日期无效（应为 2026-06-30 的格式）。", len(p.Milestones)+1)
			}
			m.Due = d
		}
		if pct != "" {
			n, err := strconv.Atoi(pct)
			if err != nil {
				problem = fmt.Sprintf("第 %d 个时间节点的完成进度应为 0 到 100 的整数。", len(p.Milestones)+1)
			}
			m.Percent = &n
		}
		p.Milestones = append(p.Milestones, m)
	}
	version, _ = strconv.Atoi(v("version"))
	return version, problem
}

func (s *Server) planSave(w http.ResponseWriter, r *http.Request) error {
	a, err := s.taskAccess(r)
	if err != nil {
		return err
	}
	if !a.Owner {
		return errForbidden
	}
	ctx := r.Context()
	u := userFrom(r)
	in := &ledger.Plan{TaskID: a.Task.ID, UnitID: u.UnitID, State: ledger.Draft}
	version, problem := readPlanForm(r, in)
	to := fmt.Sprintf("/tasks/%d/plan", a.Task.ID)
	if problem == "" {
		var saved *ledger.Plan
		saved, err = s.store.SavePlan(ctx, in, version, u.Actor())
		if err == nil && r.PostFormValue("action") == "submit" {
			if _, err = s.store.SubmitPlan(ctx, saved.ID, saved.Version, u.UnitID, u.Actor()); err == nil {
				return s.redirect(w, r, to, "落实方案已报送，等待督查室审核。")
			}
			in.ID, in.Version, in.State = saved.ID, saved.Version, saved.State
		} else if err == nil {
			return s.redirect(w, r, to, "落实方案草稿已保存。")
		}
		var ie *store.InputError
		if !errors.As(err, &ie) {
			return err
		}
		problem = ie.Msg
	}
	if in.ID == 0 {
		cur, err := s.store.Plan(ctx, a.Task.ID, u.UnitID)
		if err != nil {
			return err
		}
		in.ID, in.Version, in.State, in.Comment = cur.ID, cur.Version, cur.State, cur.Comment
	}
	pg, err := s.planPageFor(w, r, a, in)
	if err != nil {
		return err
	}
	pg.Error = problem
	return s.render(w, r, http.StatusBadRequest, "plan", pg)
}

func (s *Server) planReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	p, err := s.store.ReviewPlan(r.Context(), id, version, r.PostFormValue("action") == "accept", r.PostFormValue("comment"), userFrom(r).Actor())
	var ie *store.InputError
	switch {
	case errors.As(err, &ie):
		return s.redirect(w, r, "/review", ie.Msg)
	case err != nil:
		return err
	case p.State == ledger.Accepted:
		return s.redirect(w, r, fmt.Sprintf("/tasks/%d/plan?unit=%d", p.TaskID, p.UnitID), "落实方案已采纳，其时间节点将用于判断进度。")
	}
	return s.redirect(w, r, fmt.Sprintf("/tasks/%d/plan?unit=%d", p.TaskID, p.UnitID), "落实方案已退回，报送单位将看到您的意见。")
}

// ---------- API ----------

type apiMilestoneJSON struct {
	Due     notice.Date `json:"due"`
	Result  string      `json:"result"`
	Percent *int        `json:"percent"`
}

type apiPlanJSON struct {
	ID         int64              `json:"id"` // 0 for a plan not yet saved
	TaskID     int64              `json:"task_id"`
	UnitID     int64              `json:"unit_id"`
	State      string             `json:"state"`
	StateLabel string             `json:"state_label"`
	Measures   string             `json:"measures"`
	Leader     string             `json:"leader"`
	Contact    string             `json:"contact"`
	Phone      string             `json:"phone"`
	Milestones []apiMilestoneJSON `json:"milestones"`
	Comment    string             `json:"comment"`
	Version    int                `json:"version"`
}

func apiPlanOf(p *ledger.Plan) apiPlanJSON {
	out := apiPlanJSON{ID: p.ID, TaskID: p.TaskID, UnitID: p.UnitID, State: string(p.State), StateLabel: p.State.Label(), Measures: p.Measures,
		Leader: p.Leader, Contact: p.Contact, Phone: p.Phone, Comment: p.Comment, Version: p.Version, Milestones: []apiMilestoneJSON{}}
	for _, m := range p.Milestones {
		out.Milestones = append(out.Milestones, apiMilestoneJSON{Due: m.Due, Result: m.Result, Percent: m.Percent})
	}
	return out
}

func (s *Server) apiPlanGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.taskAccess(r)
	if err != nil {
		return err
	}
	p, err := s.store.Plan(r.Context(), a.Task.ID, a.OwnerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiPlanOf(p))
	return nil
}

func (s *Server) apiPlanPut(w http.ResponseWriter, r *http.Request) error {
	a, err := s.taskAccess(r)
	if err != nil {
		return err
	}
	if !a.Owner {
		return errAPIForbidden
	}
	var b struct {
		Version    int                `json:"version"`
		Measures   string             `json:"measures"`
		Leader     string             `json:"leader"`
		Contact    string             `json:"contact"`
		Phone      string             `json:"phone"`
		Milestones []apiMilestoneJSON `json:"milestones"`
	}
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	u := userFrom(r)
	in := &ledger.Plan{TaskID: a.Task.ID, UnitID: u.UnitID, Measures: b.Measures, Leader: b.Leader, Contact: b.Contact, Phone: b.Phone}
	for _, m := range b.Milestones {
		in.Milestones = append(in.Milestones, ledger.Milestone{Due: m.Due, Result: m.Result, Percent: m.Percent})
	}
	p, err := s.store.SavePlan(r.Context(), in, b.Version, u.Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiPlanOf(p))
	return nil
}

func (s *Server) apiPlanSubmit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.taskAccess(r)
	if err != nil {
		return err
	}
	if !a.Owner {
		return errAPIForbidden
	}
	var b struct {
		Version int `json:"version"`
	}
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	u := userFrom(r)
	cur, err := s.store.Plan(r.Context(), a.Task.ID, u.UnitID)
	if err != nil {
		return err
	}
	if cur.ID == 0 {
		return badRequest("落实方案还没有保存，请先保存草稿再报送。")
	}
	p, err := s.store.SubmitPlan(r.Context(), cur.ID, b.Version, u.UnitID, u.Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiPlanOf(p))
	return nil
}

func (s *Server) apiPlanReview(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errNoReport)
	if err != nil {
		return err
	}
	b, err := readReview(w, r)
	if err != nil {
		return err
	}
	p, err := s.store.ReviewPlan(r.Context(), id, b.Version, b.Action == "accept", b.Comment, userFrom(r).Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiPlanOf(p))
	return nil
}
