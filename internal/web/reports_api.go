package web

import (
	"net/http"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// apiReportJSON is a progress report as the API gives it.
type apiReportJSON struct {
	ID           int64           `json:"id"` // 0 for a report not yet saved (a prefilled new draft)
	TaskID       int64           `json:"task_id"`
	PeriodID     int64           `json:"period_id"`
	Period       string          `json:"period"`
	Due          notice.Date     `json:"due"`
	UnitID       int64           `json:"unit_id"`
	State        string          `json:"state"` // draft, submitted, returned, accepted
	StateLabel   string          `json:"state_label"`
	Progress     string          `json:"progress"`
	Percent      *int            `json:"percent"`
	Actuals      []ledger.Actual `json:"actuals"`
	Problems     string          `json:"problems"`
	NextSteps    string          `json:"next_steps"`
	CloseRequest bool            `json:"close_request"`
	Comment      string          `json:"comment"` // the office's, when returned
	SubmittedAt  string          `json:"submitted_at,omitempty"`
	Late         bool            `json:"late"`
	Version      int             `json:"version"`
	Parts        []apiPartJSON   `json:"parts"`
}

type apiPartJSON struct {
	UnitID  int64  `json:"unit_id"`
	Text    string `json:"text"`
	Version int    `json:"version"`
}

func (s *Server) apiReportOf(r *ledger.Report, p ledger.Period) apiReportJSON {
	out := apiReportJSON{ID: r.ID, TaskID: r.TaskID, PeriodID: r.PeriodID, Period: p.Label, Due: p.Due, UnitID: r.UnitID,
		State: string(r.State), StateLabel: r.State.Label(), Progress: r.Progress, Percent: r.Percent, Actuals: orEmpty(r.Actuals),
		Problems: r.Problems, NextSteps: r.NextSteps, CloseRequest: r.CloseRequest, Comment: r.Comment, Late: r.Late,
		Version: r.Version, Parts: []apiPartJSON{}}
	if !r.SubmittedAt.IsZero() {
		out.SubmittedAt = rfc3339(r.SubmittedAt, s.cfg.Location)
	}
	for _, pt := range r.Parts {
		out.Parts = append(out.Parts, apiPartJSON{UnitID: pt.UnitID, Text: pt.Text, Version: pt.Version})
	}
	return out
}

// apiInboxItem is one entry of GET /api/v1/inbox.
type apiInboxItem struct {
	TaskID     int64       `json:"task_id"`
	TaskName   string      `json:"task"`
	NoticeID   int64       `json:"notice_id"`
	PeriodID   int64       `json:"period_id"`
	Period     string      `json:"period"`
	Due        notice.Date `json:"due"`
	Role       string      `json:"role"`  // owner: the unit writes the report; contributor: it adds its part
	OwnerID    int64       `json:"owner"` // the unit whose report it is
	ReportID   int64       `json:"report_id"`
	State      string      `json:"state"` // "" when nothing is saved yet
	StateLabel string      `json:"state_label"`
	Version    int         `json:"version"`
	Ready      bool        `json:"ready"`
	Overdue    bool        `json:"overdue"`
	Late       bool        `json:"late"`
	Light      string      `json:"light"`
	Reason     string      `json:"light_reason"`
}

func (s *Server) apiInbox(w http.ResponseWriter, r *http.Request) error {
	items, _, err := s.inboxItems(r)
	if err != nil {
		return err
	}
	out := make([]apiInboxItem, 0, len(items))
	for _, it := range items {
		role := "contributor"
		if it.Owner {
			role = "owner"
		}
		out = append(out, apiInboxItem{TaskID: it.Task.ID, TaskName: it.Task.Name(), NoticeID: it.Task.NoticeID, PeriodID: it.Period.ID,
			Period: it.Period.Label, Due: it.Period.Due, Role: role, OwnerID: it.OwnerID, ReportID: it.ReportID, State: string(it.State),
			StateLabel: it.State.Label(), Version: it.Version, Ready: it.Ready, Overdue: it.Overdue, Late: it.Late,
			Light: string(it.Task.Light.State), Reason: it.Task.Light.Reason})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) apiReportGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	rep, err := s.store.Report(r.Context(), a.Task.ID, a.Period.ID, a.OwnerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiReportOf(rep, a.Period))
	return nil
}

// apiReportBody is what PUT /api/v1/tasks/{id}/reports/{period} takes.
type apiReportBody struct {
	Version      int             `json:"version"` // 0 for a report not yet saved
	Progress     string          `json:"progress"`
	Percent      *int            `json:"percent"`
	Actuals      []ledger.Actual `json:"actuals"`
	Problems     string          `json:"problems"`
	NextSteps    string          `json:"next_steps"`
	CloseRequest bool            `json:"close_request"`
}

func (s *Server) apiReportPut(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	if !a.Owner {
		return errAPIForbidden
	}
	var b apiReportBody
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	u := userFrom(r)
	rep := &ledger.Report{TaskID: a.Task.ID, PeriodID: a.Period.ID, UnitID: u.UnitID, Progress: b.Progress, Percent: b.Percent,
		Actuals: b.Actuals, Problems: b.Problems, NextSteps: b.NextSteps, CloseRequest: b.CloseRequest}
	saved, err := s.store.SaveReport(r.Context(), rep, b.Version, u.Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiReportOf(saved, a.Period))
	return nil
}

func (s *Server) apiReportSubmit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
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
	ctx := r.Context()
	rep, err := s.store.Report(ctx, a.Task.ID, a.Period.ID, a.OwnerID)
	if err != nil {
		return err
	}
	if rep.ID == 0 {
		return badRequest("这份报告还没有保存，请先保存草稿再报送。")
	}
	u := userFrom(r)
	rep, err = s.store.SubmitReport(ctx, rep.ID, b.Version, u.UnitID, u.Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiReportOf(rep, a.Period))
	return nil
}

func (s *Server) apiReportPart(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	if !a.Contributor {
		return errAPIForbidden
	}
	var b struct {
		Version int    `json:"version"`
		Text    string `json:"text"`
	}
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	u := userFrom(r)
	if err := s.store.SavePart(r.Context(), a.Task.ID, a.Period.ID, a.OwnerID, u.UnitID, b.Text, b.Version, u.Actor()); err != nil {
		return err
	}
	rep, err := s.store.Report(r.Context(), a.Task.ID, a.Period.ID, a.OwnerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiReportOf(rep, a.Period))
	return nil
}

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request) error {
	q, err := readReviewQuery(r.URL.Query())
	if err != nil {
		return err
	}
	items, err := s.store.ReviewQueue(r.Context(), q.filter(userFrom(r).Scope()))
	if err != nil {
		return err
	}
	out := make([]apiReportJSON, 0, len(items))
	for _, it := range items {
		out = append(out, s.apiReportOf(it.Report, it.Period))
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": out})
	return nil
}

func (s *Server) apiReportReview(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errNoReport)
	if err != nil {
		return err
	}
	b, err := readReview(w, r)
	if err != nil {
		return err
	}
	rep, err := s.store.ReviewReport(r.Context(), id, b.Version, b.Action == "accept", b.Comment, userFrom(r).Actor())
	if err != nil {
		return err
	}
	p, err := s.store.Period(r.Context(), rep.PeriodID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiReportOf(rep, p))
	return nil
}

// apiReviewBody is what the office sends to accept or return a report or a plan.
type apiReviewBody struct {
	Version int    `json:"version"`
	Action  string `json:"action"` // accept or return
	Comment string `json:"comment"`
}

func readReview(w http.ResponseWriter, r *http.Request) (apiReviewBody, error) {
	var b apiReviewBody
	if err := decodeJSONBody(w, r, &b); err != nil {
		return b, err
	}
	if b.Action != "accept" && b.Action != "return" {
		return b, badRequest("action 只能是 accept（采纳）或 return（退回）。")
	}
	return b, nil
}
