package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

// The JSON API under /api/v1, for integrations. Callers authenticate with
// a bearer token from 我的账号 and see what the token's account sees.

// apiRoutes is the JSON API, each endpoint with the roles it admits.
func (s *Server) apiRoutes() []route {
	rs := []route{
		{pattern: "GET /api/v1/notices", roles: allRoles, h: s.apiNotices},
		{pattern: "POST /api/v1/notices", roles: staff, h: s.apiNoticeImport},
		{pattern: "GET /api/v1/notices/{id}", roles: allRoles, h: s.apiNotice},
		{pattern: "PATCH /api/v1/notices/{id}", roles: staff, h: s.apiNoticePatch},
		{pattern: "GET /api/v1/tasks", roles: allRoles, h: s.apiTasks},
		{pattern: "GET /api/v1/tasks/{id}", roles: allRoles, h: s.apiTask},
		{pattern: "PATCH /api/v1/tasks/{id}", roles: staff, h: s.apiTaskPatch},
		{pattern: "GET /api/v1/lights", roles: allRoles, h: s.apiLights},
		{pattern: "GET /api/v1/units", roles: readers, h: s.apiUnits},
	}
	rs = append(rs, s.reportAPIRoutes()...)
	rs = append(rs, s.planAPIRoutes()...)
	rs = append(rs, s.circularAPIRoutes()...)
	rs = append(rs, s.dashboardAPIRoutes()...)
	rs = append(rs, s.reminderAPIRoutes()...)
	return append(rs, s.overviewAPIRoutes()...)
}

// Limits of the API.
const (
	apiDefaultLimit = 100
	apiMaxLimit     = 1000
	apiMaxBody      = 1 << 20 // a PATCH body
)

var (
	errAPINoticeNotFound = &httpError{code: http.StatusNotFound, msg: "通知不存在，或您无权查看。"}
	errAPITaskNotFound   = &httpError{code: http.StatusNotFound, msg: "任务不存在，或您无权查看。"}
)

// apiNoticeJSON is a notice in lists and after an import.
type apiNoticeJSON struct {
	ID         int64       `json:"id"`
	Issuer     string      `json:"issuer"`
	DocNumber  string      `json:"doc_number"`
	Year       int         `json:"year"`
	IssuedOn   notice.Date `json:"issued_on"`
	Title      string      `json:"title"`
	SourceName string      `json:"source_name"`
	// Jurisdiction is the issuing government's division code and name:
	// the notice's unit names are that government's units.
	Jurisdiction     string `json:"jurisdiction"`
	JurisdictionName string `json:"jurisdiction_name"`
	TaskCount        int    `json:"task_count"` // tasks the caller sees
	CreatedAt        string `json:"created_at"` // RFC 3339
	Version          int    `json:"version"`    // of the header fields, for PATCH
}

// apiNoticeDetail is one notice with its schedule and parser warnings.
type apiNoticeDetail struct {
	apiNoticeJSON
	Schedule   notice.Schedule  `json:"schedule"`
	AnnexCount int              `json:"annex_count"` // its tasks from attached tables
	Warnings   []notice.Warning `json:"warnings"`
}

func apiNoticeOf(n *store.NoticeInfo, loc *time.Location) apiNoticeJSON {
	return apiNoticeJSON{ID: n.ID, Issuer: n.Issuer, DocNumber: n.DocNumber, Year: n.Year, IssuedOn: n.IssuedOn,
		Title: n.Title, SourceName: n.SourceName, Jurisdiction: n.Jurisdiction, JurisdictionName: n.JurName, TaskCount: n.TaskCount, CreatedAt: rfc3339(n.CreatedAt, loc), Version: n.Version}
}

// rfc3339 is t in the deployment's zone, as the API gives times.
func rfc3339(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// apiTaskJSON is a task as the ledger holds it now.
type apiTaskJSON struct {
	ID           int64           `json:"id"`
	NoticeID     int64           `json:"notice_id"`
	NoticeTitle  string          `json:"notice_title"`
	Section      string          `json:"section"` // "" for the body, else the attached table's title
	No           string          `json:"no"`
	Path         []string        `json:"path"`
	Text         string          `json:"text"`
	Lead         []string        `json:"lead"`
	Support      []string        `json:"support"`
	Responsible  []string        `json:"responsible"`
	Leaders      []string        `json:"leaders"`
	Deadline     notice.Date     `json:"deadline"` // "YYYY-MM-DD" or null
	DeadlineText string          `json:"deadline_text"`
	Targets      []notice.Target `json:"targets"`
	Version      int             `json:"version"`
	UpdatedAt    string          `json:"updated_at"` // RFC 3339
	ClosedOn     notice.Date     `json:"closed_on"`  // 已办结, or null
	Light        string          `json:"light"`      // overdue, lagging, on_pace, ahead, not_started, closed
	LightLabel   string          `json:"light_label"`
	LightReason  string          `json:"light_reason"`
	Pace         int             `json:"pace"`    // 序时进度, percent
	Percent      *int            `json:"percent"` // latest reported percent complete, or null
}

func apiTaskOf(t *ledger.Task, loc *time.Location) apiTaskJSON {
	return apiTaskJSON{ID: t.ID, NoticeID: t.NoticeID, NoticeTitle: t.NoticeTitle, Section: t.Section, No: t.No, Path: orEmpty(t.Path),
		Text: t.Text, Lead: orEmpty(t.Units(ledger.Lead)), Support: orEmpty(t.Units(ledger.Support)),
		Responsible: orEmpty(t.Units(ledger.Responsible)), Leaders: orEmpty(t.Leaders), Deadline: t.Deadline,
		DeadlineText: t.DeadlineText, Targets: orEmpty(t.Targets), Version: t.Version,
		UpdatedAt: rfc3339(t.UpdatedAt, loc), ClosedOn: t.ClosedOn, Light: string(t.Light.State), LightLabel: t.Light.State.Label(),
		LightReason: t.Light.Reason, Pace: t.Light.Pace, Percent: t.Light.Percent}
}

// apiTaskList is a page of tasks and how many there are in all.
type apiTaskList struct {
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
	Tasks  []apiTaskJSON `json:"tasks"`
}

// apiAuditJSON is one change in a task's history.
type apiAuditJSON struct {
	At     string          `json:"at"` // RFC 3339
	User   string          `json:"user"`
	Action string          `json:"action"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

type apiTaskDetail struct {
	apiTaskJSON
	History []apiAuditJSON `json:"history"`
}

type apiUnitRef struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Label string `json:"label"` // the name, with its government where another has a unit of that name
}

type apiUnitJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Label string `json:"label"`
	// Jurisdiction is the government the unit belongs to: its division
	// code and name ("" when not known).
	Jurisdiction     string       `json:"jurisdiction"`
	JurisdictionName string       `json:"jurisdiction_name"`
	IsGroup          bool         `json:"is_group"`
	Aliases          []string     `json:"aliases"`
	Members          []apiUnitRef `json:"members"`
	Lead             int          `json:"lead"`
	Support          int          `json:"support"`
	Responsible      int          `json:"responsible"`
}

// orEmpty makes a nil list [] in JSON.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// rawOrNull keeps an empty stored value valid JSON.
func rawOrNull(b json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(b)) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// apiID reads the {id} of an API route; anything but a positive number
// names nothing.
func apiID(r *http.Request, notFound error) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound
	}
	return id, nil
}

func (s *Server) apiNotices(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.store.Notices(r.Context(), userFrom(r).Scope())
	if err != nil {
		return err
	}
	out := make([]apiNoticeJSON, 0, len(ns))
	for _, n := range ns {
		out = append(out, apiNoticeOf(n, s.cfg.Location))
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": out})
	return nil
}

func (s *Server) apiNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errAPINoticeNotFound)
	if err != nil {
		return err
	}
	sc := userFrom(r).Scope()
	n, err := s.store.Notice(r.Context(), id, sc)
	if errors.Is(err, store.ErrNotFound) || (err == nil && sc.Limited() && n.TaskCount == 0) {
		return errAPINoticeNotFound
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiNoticeDetail{apiNoticeJSON: apiNoticeOf(n, s.cfg.Location), Schedule: n.Schedule,
		AnnexCount: n.TableTasks, Warnings: orEmpty(n.Warnings)})
	return nil
}

// apiNoticeImport stores a notice sent as text, as a document or as a
// form, or with ?dry_run=1 only parses it.
func (s *Server) apiNoticeImport(w http.ResponseWriter, r *http.Request) error {
	dry := false
	if v := r.URL.Query().Get("dry_run"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return badRequest("参数 dry_run 只能是 1 或 0。")
		}
		dry = b
	}
	// curl --data-binary labels any body a form; with ?name= it is a document.
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" && r.URL.Query().Has("name") {
		r.Header.Set("Content-Type", "application/octet-stream")
	}
	name, n, err := s.readSubmittedNotice(w, r)
	if err != nil {
		return err
	}
	if len(n.LedgerTasks()) == 0 {
		return badRequest("未识别出任何任务：这不像是一份分工通知。")
	}
	warnings := orEmpty(n.Warnings)
	if dry {
		writeJSON(w, http.StatusOK, map[string]any{"dry_run": true, "source_name": name, "notice": n, "warnings": warnings})
		return nil
	}
	u := userFrom(r)
	// ?jurisdiction= names the issuing government by its division code
	// when the issuer does not tell it.
	id, err := s.store.ImportNoticeIn(r.Context(), n, name, strings.TrimSpace(r.URL.Query().Get("jurisdiction")), u.Actor())
	if errors.Is(err, store.ErrUnknownJurisdiction) {
		return badRequest("参数 jurisdiction 不是已知的行政区划代码（如河南省 410000、三门峡市 411200）。")
	}
	if err != nil {
		return err // a *store.DuplicateError answers 409
	}
	info, err := s.store.Notice(r.Context(), id, u.Scope())
	if err != nil {
		return err
	}
	s.log.Info("notice imported", "id", id, "source", name, "tasks", info.TaskCount, "by", u.Login, "via", "api")
	w.Header().Set("Location", fmt.Sprintf("/api/v1/notices/%d", id))
	writeJSON(w, http.StatusCreated, map[string]any{"notice": apiNoticeOf(info, s.cfg.Location), "warnings": warnings})
	return nil
}

// apiTaskFilter reads the query of GET /api/v1/tasks.
func apiTaskFilter(r *http.Request) (store.TaskFilter, error) {
	q := r.URL.Query()
	f := store.TaskFilter{Leader: strings.TrimSpace(q.Get("leader")), Heading: strings.TrimSpace(q.Get("heading")),
		Query: strings.TrimSpace(q.Get("q")), Limit: apiDefaultLimit}
	id := func(key, what string) (int64, error) {
		v := q.Get(key)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, badRequest(fmt.Sprintf("参数 %s 应为%s编号（正整数），收到 %q。", key, what, v))
		}
		return n, nil
	}
	var err error
	if f.NoticeID, err = id("notice", "通知"); err != nil {
		return f, err
	}
	if f.UnitID, err = id("unit", "单位"); err != nil {
		return f, err
	}
	switch role := ledger.Role(q.Get("role")); role {
	case "":
	case ledger.Lead, ledger.Support, ledger.Responsible:
		if f.UnitID == 0 {
			return f, badRequest("参数 role 须与 unit 一起使用，例如 ?unit=12&role=lead。")
		}
		f.Role = role
	default:
		return f, badRequest(fmt.Sprintf("参数 role 只能是 lead（牵头）、support（配合）或 responsible（责任），收到 %q。", role))
	}
	if v := q.Get("light"); v != "" {
		l, ok := ledger.ParseLight(v)
		if !ok {
			return f, badRequest(fmt.Sprintf("参数 light 只能是 overdue、lagging、on_pace、ahead、not_started 或 closed，收到 %q。", v))
		}
		f.Light = l
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxLimit {
			return f, badRequest(fmt.Sprintf("参数 limit 应为 1 到 %d 之间的整数，收到 %q。", apiMaxLimit, v))
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, badRequest(fmt.Sprintf("参数 offset 应为不小于 0 的整数，收到 %q。", v))
		}
		f.Offset = n
	}
	return f, nil
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	f, err := apiTaskFilter(r)
	if err != nil {
		return err
	}
	f.Scope = userFrom(r).Scope()
	if err := s.checkFilter(r.Context(), f); err != nil {
		return err
	}
	total, err := s.store.CountTasks(r.Context(), f)
	if err != nil {
		return err
	}
	ts, err := s.store.Tasks(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiTaskJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiTaskOf(t, s.cfg.Location))
	}
	writeJSON(w, http.StatusOK, apiTaskList{Total: total, Limit: f.Limit, Offset: f.Offset, Tasks: out})
	return nil
}

// apiTaskGet is the task id of the route if the caller may see it.
func (s *Server) apiTaskGet(r *http.Request) (*ledger.Task, error) {
	id, err := apiID(r, errAPITaskNotFound)
	if err != nil {
		return nil, err
	}
	t, err := s.store.Task(r.Context(), id, userFrom(r).Scope())
	if errors.Is(err, store.ErrNotFound) {
		return nil, errAPITaskNotFound
	}
	return t, err
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request) error {
	t, err := s.apiTaskGet(r)
	if err != nil {
		return err
	}
	hist, err := s.store.History(r.Context(), store.EntityTask, t.ID)
	if err != nil {
		return err
	}
	out := apiTaskDetail{apiTaskJSON: apiTaskOf(t, s.cfg.Location), History: make([]apiAuditJSON, 0, len(hist))}
	for _, e := range hist {
		out.History = append(out.History, apiAuditJSON{At: rfc3339(e.At, s.cfg.Location), User: e.UserName, Action: e.Action,
			Before: rawOrNull(e.Before), After: rawOrNull(e.After)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// optional is a JSON field that may be absent, null or a value.
type optional[T any] struct {
	Set, Null bool
	V         T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// apiTaskPatchBody is a PATCH of a task: absent fields keep their value.
type apiTaskPatchBody struct {
	Version      optional[int]             `json:"version"`
	Text         optional[string]          `json:"text"`
	Lead         optional[[]string]        `json:"lead"`
	Support      optional[[]string]        `json:"support"`
	Responsible  optional[[]string]        `json:"responsible"`
	Leaders      optional[[]string]        `json:"leaders"`
	Deadline     optional[string]          `json:"deadline"`
	DeadlineText optional[string]          `json:"deadline_text"`
	Targets      optional[[]notice.Target] `json:"targets"`
	// CreateUnits confirms that unit names the directory lacks are new
	// units, not slips for known ones.
	CreateUnits bool `json:"create_units"`
}

// apiUnknownUnits refuses a PATCH naming units the directory lacks, with
// the nearest known names.
type apiUnknownUnits struct {
	Error       string              `json:"error"`
	Suggestions []store.UnknownUnit `json:"suggestions"`
}

var errTrailingJSON = errors.New("data after the JSON object")

// apiStale answers a PATCH based on an old version, with the task as it
// now is.
type apiStale struct {
	Error   string      `json:"error"`
	Current apiTaskJSON `json:"current"`
}

const apiPatchFields = "version、text、lead、support、responsible、leaders、deadline、deadline_text、targets、create_units"

// decodeJSONBody reads one JSON object of at most apiMaxBody bytes with no
// unknown fields into v.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return &httpError{code: http.StatusUnsupportedMediaType, msg: "请求体应为 JSON，请设置 Content-Type: application/json。"}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, apiMaxBody))
	if err == nil && !utf8.Valid(body) {
		// The decoder would quietly turn invalid bytes into U+FFFD.
		return errBadText("请求体")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err == nil {
		err = dec.Decode(v)
	}
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = cmp.Or(terr, errTrailingJSON)
		}
	}
	var (
		mbe    *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case err == nil:
		return checkJSONText(v)
	case errors.As(err, &mbe):
		return &httpError{code: http.StatusRequestEntityTooLarge, msg: "请求体过大：不能超过 1 MiB。"}
	case errors.Is(err, io.EOF):
		return badRequest("请求体为空：需要一个 JSON 对象，至少包含 version。")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("请求体不是有效的 JSON。")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("请求体应为一个 JSON 对象。")
		}
		return badRequest(fmt.Sprintf("字段 %s 的类型不正确。", typ.Field))
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		fields := apiPatchFields
		if l, ok := v.(interface{ fieldList() string }); ok {
			fields = l.fieldList()
		}
		return badRequest(fmt.Sprintf("未知字段 %s；可修改的字段为 %s。", f, fields))
	}
	return badRequest("请求体不是有效的 JSON 对象：应为 {\"version\": 1, …}，且只在末尾结束。")
}

// apply puts the fields p sets over f, checking each.
func (p *apiTaskPatchBody) apply(f *ledger.TaskFields) error {
	if p.Text.Set {
		if p.Text.Null || strings.TrimSpace(p.Text.V) == "" {
			return badRequest("任务内容（text）不能为空。")
		}
		f.Text = strings.TrimSpace(p.Text.V)
	}
	lists := []struct {
		key, label string
		o          optional[[]string]
		dst        *[]string
	}{
		{"lead", "牵头单位", p.Lead, &f.Lead},
		{"support", "配合单位", p.Support, &f.Support},
		{"responsible", "责任单位", p.Responsible, &f.Responsible},
		{"leaders", "责任领导", p.Leaders, &f.Leaders},
	}
	for _, l := range lists {
		if !l.o.Set {
			continue
		}
		if l.o.Null {
			return badRequest(fmt.Sprintf("字段 %s 不能为 null；要清空%s请传 []。", l.key, l.label))
		}
		names := make([]string, 0, len(l.o.V))
		for i, v := range l.o.V {
			v = strings.TrimSpace(v)
			if v == "" {
				return badRequest(fmt.Sprintf("%s（%s）第 %d 项为空：名称不能为空白。", l.label, l.key, i+1))
			}
			names = append(names, v)
		}
		*l.dst = names
	}
	if p.Deadline.Set {
		f.Deadline = notice.Date{}
		if !p.Deadline.Null && p.Deadline.V != "" {
			d, err := notice.ParseDate(p.Deadline.V)
			if err != nil {
				return badRequest(fmt.Sprintf("完成时限（deadline）应为 YYYY-MM-DD 格式的有效日期，例如 2026-12-31，收到 %q。", p.Deadline.V))
			}
			f.Deadline = d
		}
	}
	if p.DeadlineText.Set {
		f.DeadlineText = strings.TrimSpace(p.DeadlineText.V)
	}
	if p.Targets.Set {
		if p.Targets.Null {
			return badRequest("字段 targets 不能为 null；要清空量化指标请传 []。")
		}
		f.Targets = p.Targets.V
	}
	if problems := ledger.TaskProblems(f.Task()); len(problems) > 0 {
		return badRequest(strings.Join(problems, "；") + "。")
	}
	return nil
}

// apiTaskPatch changes the fields the body names, if the task is still at
// the version the body gives; otherwise it answers 409 with the task as it
// now is.
func (s *Server) apiTaskPatch(w http.ResponseWriter, r *http.Request) error {
	t, err := s.apiTaskGet(r)
	if err != nil {
		return err
	}
	var p apiTaskPatchBody
	if err := decodeJSONBody(w, r, &p); err != nil {
		return err
	}
	if !p.Version.Set || p.Version.Null {
		return badRequest("缺少 version：请先 GET 该任务，把其中的 version 原样带上，以免覆盖他人的修改。")
	}
	f := t.Fields()
	if err := p.apply(&f); err != nil {
		return err
	}
	if p.Version.V == t.Version && reflect.DeepEqual(f, t.Fields()) {
		writeJSON(w, http.StatusOK, apiTaskOf(t, s.cfg.Location)) // nothing to change
		return nil
	}
	if !p.CreateUnits {
		us, err := s.store.UnknownUnitsIn(r.Context(), t.Jurisdiction, addedNames(t.Fields().Units(), f.Units()))
		if err != nil {
			return err
		}
		if len(us) > 0 {
			writeJSON(w, http.StatusBadRequest, apiUnknownUnits{Error: unknownMessage(us) + "（确认是新单位请加 \"create_units\": true）", Suggestions: us})
			return nil
		}
	}
	u := userFrom(r)
	nt, err := s.store.UpdateTask(r.Context(), t.ID, p.Version.V, f, u.Actor())
	var stale *store.StaleError
	if errors.As(err, &stale) {
		writeJSON(w, http.StatusConflict, apiStale{Error: stale.Error(), Current: apiTaskOf(stale.Current, s.cfg.Location)})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiTaskOf(nt, s.cfg.Location))
	return nil
}

func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	us, err := s.store.UnitsFor(r.Context(), userFrom(r).Scope())
	if err != nil {
		return err
	}
	out := make([]apiUnitJSON, 0, len(us))
	for _, u := range us {
		members := make([]apiUnitRef, 0, len(u.Members))
		for _, m := range u.Members {
			members = append(members, apiUnitRef{ID: m.ID, Name: m.Name, Label: m.Label})
		}
		out = append(out, apiUnitJSON{ID: u.ID, Name: u.Name, Label: u.Label, Jurisdiction: u.Jurisdiction,
			JurisdictionName: u.JurName, IsGroup: u.IsGroup, Aliases: orEmpty(u.Aliases),
			Members: members, Lead: u.Lead, Support: u.Support, Responsible: u.Resp})
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out})
	return nil
}

// apiLightsJSON is GET /api/v1/lights: the tasks a filter selects counted
// by light, as the ledger's counts show them.
type apiLightsJSON struct {
	Total  int            `json:"total"`
	Counts map[string]int `json:"counts"` // every light, zero included
	Pace   string         `json:"today"`  // the day the lights are reckoned for
}

func (s *Server) apiLights(w http.ResponseWriter, r *http.Request) error {
	f, err := apiTaskFilter(r)
	if err != nil {
		return err
	}
	f.Scope = userFrom(r).Scope()
	if err := s.checkFilter(r.Context(), f); err != nil {
		return err
	}
	cs, err := s.lightCounts(r.Context(), f)
	if err != nil {
		return err
	}
	out := apiLightsJSON{Counts: map[string]int{}, Pace: s.store.Today().String()}
	for _, c := range cs {
		out.Counts[string(c.Light)] = c.N
		out.Total += c.N
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
