package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/store"
)

// units are the accounts that file reports.
var reporters = []store.Role{store.RoleUnit}

func (s *Server) reportRoutes() []route {
	return []route{
		{pattern: "GET /inbox", roles: reporters, h: s.inboxShow},
		{pattern: "POST /inbox/submit", roles: reporters, h: s.inboxSubmit},
		{pattern: "GET /tasks/{id}/reports/{period}", roles: allRoles, h: s.reportShow},
		{pattern: "POST /tasks/{id}/reports/{period}", roles: reporters, h: s.reportSave},
		{pattern: "POST /tasks/{id}/reports/{period}/part", roles: reporters, h: s.reportPartSave},
		{pattern: "POST /tasks/{id}/reports/{period}/attachments", roles: reporters, h: s.attachmentUpload},
		{pattern: "GET /attachments/{id}", roles: allRoles, h: s.attachmentGet},
		{pattern: "POST /attachments/{id}/delete", roles: reporters, h: s.attachmentDelete},
		{pattern: "GET /review", roles: staff, h: s.reviewShow},
		{pattern: "POST /reports/{id}/review", roles: staff, h: s.reportReview},
		{pattern: "POST /review/accept", roles: staff, h: s.reviewAcceptMany},
	}
}

// reportAPIRoutes are the reports' part of /api/v1.
func (s *Server) reportAPIRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/inbox", roles: reporters, h: s.apiInbox},
		{pattern: "GET /api/v1/reports", roles: readers, h: s.apiReports},
		{pattern: "GET /api/v1/tasks/{id}/reports/{period}", roles: allRoles, h: s.apiReportGet},
		{pattern: "PUT /api/v1/tasks/{id}/reports/{period}", roles: reporters, h: s.apiReportPut},
		{pattern: "POST /api/v1/tasks/{id}/reports/{period}/submit", roles: reporters, h: s.apiReportSubmit},
		{pattern: "PUT /api/v1/tasks/{id}/reports/{period}/part", roles: reporters, h: s.apiReportPart},
		{pattern: "POST /api/v1/reports/{id}/review", roles: staff, h: s.apiReportReview},
	}
}

// reportAccess is what the caller may do with one task's report for one
// period, and whose report it is.
type reportAccess struct {
	Task        *ledger.Task
	Period      ledger.Period
	OwnerID     int64   // the unit whose report is shown
	Owners      []int64 // every unit that owns a report on the task
	Owner       bool    // the caller's unit writes it
	Contributor bool    // the caller's unit writes a part in it
}

var errNoReport = &httpError{code: http.StatusNotFound, msg: "报告不存在，或您无权查看。"}

// reportAccessFor resolves /tasks/{id}/reports/{period}: a unit reaches the
// report it owns or contributes to and no other; readers reach any
// owner's report of a task they see (?unit= chooses among several owners).
func (s *Server) reportAccessFor(r *http.Request) (*reportAccess, error) {
	a, err := s.taskAccess(r)
	if err != nil {
		return nil, err
	}
	pid, err := strconv.ParseInt(r.PathValue("period"), 10, 64)
	if err != nil {
		return nil, errNoReport
	}
	p, err := s.store.Period(r.Context(), pid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.NoticeID != a.Task.NoticeID || p.Kind == ledger.PeriodPlan)) {
		return nil, errNoReport
	}
	if err != nil {
		return nil, err
	}
	a.Period = p
	return a, nil
}

// ---------- pages ----------

type inboxPage struct {
	Base
	Items   []store.InboxItem
	Ready   int
	Light   ledger.LightState
	Urgings []store.Urging // the latest reminders and urgings, each naming its task
}

// inboxItems is the unit's inbox, only the tasks of one light when the
// query asks for it (?light=).
func (s *Server) inboxItems(r *http.Request) ([]store.InboxItem, ledger.LightState, error) {
	var light ledger.LightState
	if v := r.URL.Query().Get("light"); v != "" {
		l, ok := ledger.ParseLight(v)
		if !ok {
			return nil, "", badRequest("筛选条件中的状态灯无效。")
		}
		light = l
	}
	items, err := s.store.Inbox(r.Context(), userFrom(r).UnitID)
	if err != nil || light == "" {
		return items, light, err
	}
	var out []store.InboxItem
	for _, it := range items {
		if it.Task.Light.State == light {
			out = append(out, it)
		}
	}
	return out, light, nil
}

func (s *Server) inboxShow(w http.ResponseWriter, r *http.Request) error {
	items, light, err := s.inboxItems(r)
	if err != nil {
		return err
	}
	p := &inboxPage{Base: s.base(w, r, "我的待办"), Items: items, Light: light}
	for _, it := range items {
		if it.Owner && it.Ready {
			p.Ready++
		}
	}
	if p.Urgings, err = s.store.Urgings(r.Context(), userFrom(r).UnitID, 0, 30); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "inbox", p)
}

// checkedReports are the reports ticked on a list (the form's report values).
func checkedReports(r *http.Request) ([]int64, error) {
	if err := r.ParseForm(); err != nil {
		return nil, badRequest("表单无法读取。")
	}
	var ids []int64
	for _, v := range r.PostForm["report"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, badRequest("所选报告无效。")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Server) inboxSubmit(w http.ResponseWriter, r *http.Request) error {
	ids, err := checkedReports(r)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return s.redirect(w, r, "/inbox", "请先勾选要报送的报告。")
	}
	u := userFrom(r)
	n, skipped, err := s.store.SubmitReports(r.Context(), ids, u.UnitID, u.Actor())
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已报送 %d 份报告。", n)
	if len(skipped) > 0 {
		msg += fmt.Sprintf("另有 %d 份未报送：%s", len(skipped), strings.Join(skipped, "；"))
	}
	return s.redirect(w, r, "/inbox", msg)
}

type reportPage struct {
	Base
	*reportAccess
	Report      *ledger.Report
	Previous    *ledger.Report
	Plan        *ledger.Plan // the owner's, shown beside the report
	Units       map[int64]string
	Attachments []store.AttachmentInfo
	MyPart      ledger.Part
	CanWrite    bool // the owner, while draft or returned
	CanPart     bool // a contributor, while the owner has not submitted
	CanReview   bool
	Closed      string // why the period takes no report yet
	Error       string
	Today       string
}

func (s *Server) reportPageFor(w http.ResponseWriter, r *http.Request, a *reportAccess) (*reportPage, error) {
	ctx := r.Context()
	rep, err := s.store.Report(ctx, a.Task.ID, a.Period.ID, a.OwnerID)
	if err != nil {
		return nil, err
	}
	u := userFrom(r)
	p := &reportPage{Base: s.base(w, r, a.Task.Name()+"任务 · "+a.Period.What()), reportAccess: a, Report: rep, Units: map[int64]string{},
		Today: s.store.Today().String()}
	if p.Previous, err = s.store.PreviousReport(ctx, a.Task.ID, a.Period.ID, a.OwnerID); err != nil {
		return nil, err
	}
	if p.Plan, err = s.store.Plan(ctx, a.Task.ID, a.OwnerID); err != nil {
		return nil, err
	}
	if rep.ID != 0 {
		if p.Attachments, err = s.store.Attachments(ctx, rep.ID); err != nil {
			return nil, err
		}
	}
	ids := append(slices.Clone(a.Owners), a.OwnerID)
	for _, pt := range rep.Parts {
		ids = append(ids, pt.UnitID)
		if u.Role == store.RoleUnit && pt.UnitID == u.UnitID {
			p.MyPart = pt
		}
	}
	for _, id := range ids {
		if _, ok := p.Units[id]; ok {
			continue
		}
		un, err := s.store.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		p.Units[id] = un.Name
	}
	writable := rep.State == ledger.Draft || rep.State == ledger.Returned
	p.CanWrite = a.Owner && writable
	p.CanPart = a.Contributor && writable
	p.CanReview = u.CanEdit() && rep.State == ledger.Submitted
	if (p.CanWrite || p.CanPart) && rep.ID == 0 {
		rs, err := s.store.NoticeReporting(ctx, a.Task.NoticeID)
		if err != nil {
			return nil, err
		}
		if today := s.store.Today(); !ledger.PeriodOpen(a.Period, rs.OpenDays, today) {
			p.Closed = fmt.Sprintf("“%s”自%s起开放填报。", a.Period.Label, ledger.MonthDay(a.Period.Opens(rs.OpenDays), today))
			p.CanWrite, p.CanPart = false, false
		}
	}
	return p, nil
}

func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	p, err := s.reportPageFor(w, r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "report", p)
}

func reportPath(a *reportAccess) string {
	return fmt.Sprintf("/tasks/%d/reports/%d", a.Task.ID, a.Period.ID)
}

// readReportForm reads the owner's fields as typed.
func readReportForm(r *http.Request, rep *ledger.Report, targets int) (version int, problem string) {
	v := func(k string) string { return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(k), "\r\n", "\n")) }
	rep.Progress, rep.Problems, rep.NextSteps = v("progress"), v("problems"), v("next_steps")
	rep.CloseRequest = r.PostFormValue("close_request") == "1"
	rep.Percent = nil
	if s := v("percent"); s != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
		if err != nil {
			problem = "完成进度应为 0 到 100 的整数。"
		}
		rep.Percent = &n
	}
	rep.Actuals = nil
	for i := range targets {
		if val := v(fmt.Sprintf("actual_%d", i)); val != "" {
			rep.Actuals = append(rep.Actuals, ledger.Actual{Target: i, Value: val})
		}
	}
	version, _ = strconv.Atoi(v("version"))
	return version, problem
}

func (s *Server) reportSave(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	if !a.Owner {
		return errForbidden
	}
	ctx := r.Context()
	u := userFrom(r)
	rep := &ledger.Report{TaskID: a.Task.ID, PeriodID: a.Period.ID, UnitID: u.UnitID}
	version, problem := readReportForm(r, rep, len(a.Task.Targets))
	var saved *ledger.Report
	if problem == "" {
		saved, err = s.store.SaveReport(ctx, rep, version, u.Actor())
		if err == nil && r.PostFormValue("action") == "submit" {
			saved, err = s.store.SubmitReport(ctx, saved.ID, saved.Version, u.UnitID, u.Actor())
			if err == nil {
				msg := "报告已报送，等待督查室审核。"
				if saved.Late {
					msg = "报告已报送（逾期报送）。"
				}
				return s.redirect(w, r, reportPath(a), msg)
			}
		}
		if err == nil {
			return s.redirect(w, r, reportPath(a), "草稿已保存。")
		}
		var in *store.InputError
		if !errors.As(err, &in) {
			return err
		}
		problem = in.Msg
	}
	// refused: the page again with what was typed, and why
	p, perr := s.reportPageFor(w, r, a)
	if perr != nil {
		return perr
	}
	if saved != nil { // saved, but the submit was refused
		rep = saved
	} else {
		rep.ID, rep.Version, rep.State, rep.Parts, rep.Comment = p.Report.ID, p.Report.Version, p.Report.State, p.Report.Parts, p.Report.Comment
	}
	p.Report, p.Error = rep, problem
	return s.render(w, r, http.StatusBadRequest, "report", p)
}

func (s *Server) reportPartSave(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	if !a.Contributor {
		return errForbidden
	}
	u := userFrom(r)
	text := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("part"), "\r\n", "\n"))
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err = s.store.SavePart(r.Context(), a.Task.ID, a.Period.ID, a.OwnerID, u.UnitID, text, version, u.Actor())
	var in *store.InputError
	switch {
	case err == nil:
		return s.redirect(w, r, reportPath(a)+ownerQuery(a), "本单位的配合情况已保存，牵头单位可以看到。")
	case errors.As(err, &in):
		p, perr := s.reportPageFor(w, r, a)
		if perr != nil {
			return perr
		}
		p.MyPart.Text, p.Error = text, in.Msg
		return s.render(w, r, http.StatusBadRequest, "report", p)
	}
	return err
}

func ownerQuery(a *reportAccess) string {
	if len(a.Owners) > 1 {
		return "?unit=" + strconv.FormatInt(a.OwnerID, 10)
	}
	return ""
}

func (s *Server) attachmentUpload(w http.ResponseWriter, r *http.Request) error {
	a, err := s.reportAccessFor(r)
	if err != nil {
		return err
	}
	u := userFrom(r)
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxAttachment+1<<20)
	f, h, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{code: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("单个附件不能超过 %d MB。", store.MaxAttachment>>20)}
		}
		return badRequest("请选择要上传的文件。")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, store.MaxAttachment+1))
	if err != nil {
		return badRequest("文件上传中断，请重试。")
	}
	ctx := r.Context()
	rep, err := s.store.Report(ctx, a.Task.ID, a.Period.ID, a.OwnerID)
	if err != nil {
		return err
	}
	if rep.ID == 0 { // files come with a saved report: save an empty draft first
		if !a.Owner {
			if err := s.store.SavePart(ctx, a.Task.ID, a.Period.ID, a.OwnerID, u.UnitID, "", 0, u.Actor()); err != nil {
				return err
			}
		} else if _, err := s.store.SaveReport(ctx, rep, 0, u.Actor()); err != nil {
			return err
		}
		if rep, err = s.store.Report(ctx, a.Task.ID, a.Period.ID, a.OwnerID); err != nil {
			return err
		}
	}
	if _, err := s.store.AddAttachment(ctx, rep.ID, u.UnitID, h.Filename, data, u.Actor()); err != nil {
		return err
	}
	return s.redirect(w, r, reportPath(a)+ownerQuery(a), "附件已上传。")
}

// attachmentReport checks the caller may read the report a file belongs
// to, by the same rule as the report's page.
func (s *Server) attachmentReport(ctx context.Context, u *store.User, reportID int64) (*ledger.Report, error) {
	rep, err := s.store.ReportByID(ctx, reportID)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.Task(ctx, rep.TaskID, u.Scope()); err != nil {
		return nil, err
	}
	if u.Role == store.RoleUnit && rep.UnitID != u.UnitID {
		role, err := s.store.UnitReportRole(ctx, rep.TaskID, u.UnitID)
		if err != nil {
			return nil, err
		}
		if role != store.ReportContributor {
			return nil, store.ErrNotFound
		}
	}
	return rep, nil
}

func (s *Server) attachmentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	info, data, err := s.store.Attachment(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.attachmentReport(ctx, userFrom(r), info.ReportID); err != nil {
		return err
	}
	w.Header().Set("Content-Type", info.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": info.Name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

func (s *Server) attachmentDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := userFrom(r)
	reportID, err := s.store.DeleteAttachment(r.Context(), id, u.UnitID, u.Actor())
	if err != nil {
		return err
	}
	rep, err := s.store.ReportByID(r.Context(), reportID)
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/tasks/%d/reports/%d", rep.TaskID, rep.PeriodID), "附件已删除。")
}

type reviewPage struct {
	Base
	Items    []store.ReviewItem
	Plans    []store.PlanItem
	Notices  []*store.NoticeInfo
	Periods  []ledger.Period
	F        reviewQuery
	StateStr string
	PageSize int
	// ManyNotices: too many to choose from a list (a whole country's).
	ManyNotices bool
}

// maxNoticeChoice is the most notices a filter offers as a list.
const maxNoticeChoice = 300

// reviewPageSize is how many reports the review page lists, oldest first:
// as they are reviewed the next come up. A page of all a period's reports
// would take seconds to draw at a province's scale.
const reviewPageSize = 100

type reviewQuery struct {
	Notice, Period, Unit int64
	Heading              string
	Light                ledger.LightState
	State                ledger.State
}

func readReviewQuery(v url.Values) (reviewQuery, error) {
	var q reviewQuery
	for k, dst := range map[string]*int64{"notice": &q.Notice, "period": &q.Period, "unit": &q.Unit} {
		if s := v.Get(k); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return q, badRequest(fmt.Sprintf("参数 %s 应为编号（正整数），收到 %q。", k, s))
			}
			*dst = n
		}
	}
	q.Heading = strings.TrimSpace(v.Get("heading"))
	if s := v.Get("light"); s != "" {
		l, ok := ledger.ParseLight(s)
		if !ok {
			return q, badRequest("筛选条件中的状态灯无效。")
		}
		q.Light = l
	}
	switch st := ledger.State(v.Get("state")); st {
	case "", ledger.Submitted, ledger.Returned, ledger.Accepted, ledger.Draft:
		q.State = st
	default:
		return q, badRequest("报告状态只能是 draft、submitted、returned 或 accepted。")
	}
	return q, nil
}

func (q reviewQuery) filter(sc ledger.Scope) store.ReviewFilter {
	return store.ReviewFilter{NoticeID: q.Notice, PeriodID: q.Period, UnitID: q.Unit, Heading: q.Heading, Light: q.Light, State: q.State, Scope: sc}
}

func (s *Server) reviewShow(w http.ResponseWriter, r *http.Request) error {
	q, err := readReviewQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &reviewPage{Base: s.base(w, r, "审核报告"), F: q, PageSize: reviewPageSize}
	f := q.filter(ledger.Scope{})
	f.Limit = reviewPageSize
	if p.Items, err = s.store.ReviewQueue(ctx, f); err != nil {
		return err
	}
	if p.Plans, err = s.store.PlansInState(ctx, ledger.Submitted, q.Notice); err != nil {
		return err
	}
	// A choice of a few hundred notices at most; past that, their number.
	if n, err := s.store.NoticeCount(ctx); err != nil {
		return err
	} else if n > maxNoticeChoice {
		p.ManyNotices = true
	} else if p.Notices, err = s.store.NoticeList(ctx); err != nil {
		return err
	}
	if q.Notice != 0 {
		if p.Periods, err = s.store.Periods(ctx, q.Notice); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "review", p)
}

func (s *Server) reportReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	accept := r.PostFormValue("action") == "accept"
	u := userFrom(r)
	rep, err := s.store.ReviewReport(r.Context(), id, version, accept, r.PostFormValue("comment"), u.Actor())
	var in *store.InputError
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/review"
	}
	switch {
	case errors.As(err, &in):
		return s.redirect(w, r, back, in.Msg)
	case err != nil:
		return err
	case rep.State == ledger.Accepted:
		return s.redirect(w, r, back, "报告已采纳。")
	}
	return s.redirect(w, r, back, "报告已退回，报送单位将看到您的意见。")
}

func (s *Server) reviewAcceptMany(w http.ResponseWriter, r *http.Request) error {
	ids, err := checkedReports(r)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return s.redirect(w, r, "/review", "请先勾选要采纳的报告。")
	}
	n, skipped, err := s.store.AcceptReports(r.Context(), ids, userFrom(r).Actor())
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已采纳 %d 份报告。", n)
	if skipped > 0 {
		msg += fmt.Sprintf("另有 %d 份已被他人处理，未改动。", skipped)
	}
	return s.redirect(w, r, "/review?"+r.URL.RawQuery, msg)
}
