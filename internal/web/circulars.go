package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/office"
	"duban/internal/store"
)

// Circulars (通报): the office drafts, edits, issues and withdraws them;
// everyone else reads issued ones — leaders and viewers those of the
// notices they see, a unit those that name it. A draft is the office's alone.
func (s *Server) circularRoutes() []route {
	return []route{
		{pattern: "GET /circulars", roles: allRoles, h: s.circularList},
		{pattern: "GET /circulars/settings", roles: staff, h: s.circularSettingsShow},
		{pattern: "POST /circulars/settings", roles: staff, h: s.circularSettingsSave},
		{pattern: "POST /notices/{id}/circulars", roles: staff, h: s.circularDraft},
		{pattern: "GET /circulars/{id}", roles: allRoles, h: s.circularShow},
		{pattern: "POST /circulars/{id}/edit", roles: staff, h: s.circularSave},
		{pattern: "POST /circulars/{id}/redraft", roles: staff, h: s.circularRedraft},
		{pattern: "POST /circulars/{id}/issue", roles: staff, h: s.circularIssue},
		{pattern: "POST /circulars/{id}/withdraw", roles: staff, h: s.circularWithdraw},
		{pattern: "POST /circulars/{id}/delete", roles: staff, h: s.circularDelete},
		{pattern: "GET /circulars/{id}/docx", roles: allRoles, h: s.circularDOCX},
		{pattern: "GET /circulars/{id}/xlsx", roles: allRoles, h: s.circularXLSX},
		{pattern: "GET /circulars/{id}/print", roles: allRoles, h: s.circularPrint},
	}
}

func (s *Server) circularAPIRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/circulars", roles: allRoles, h: s.apiCirculars},
		{pattern: "POST /api/v1/notices/{id}/circulars", roles: staff, h: s.apiCircularDraft},
		{pattern: "GET /api/v1/circulars/{id}", roles: allRoles, h: s.apiCircular},
		{pattern: "GET /api/v1/circulars/{id}/docx", roles: allRoles, h: s.circularDOCX},
		{pattern: "GET /api/v1/circulars/{id}/xlsx", roles: allRoles, h: s.circularXLSX},
		{pattern: "POST /api/v1/circulars/{id}/issue", roles: staff, h: s.apiCircularIssue},
		{pattern: "POST /api/v1/circulars/{id}/withdraw", roles: staff, h: s.apiCircularWithdraw},
	}
}

// docxType is a Word document's MIME type.
const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

var errAPICircularNotFound = &httpError{code: http.StatusNotFound, msg: "通报不存在，或您无权查看。"}

// mayRead reports whether u may read c: the office every circular, anyone
// else only issued or withdrawn ones — a unit those naming it, a reader
// those of notices it sees.
func (s *Server) mayRead(r *http.Request, u *store.User, c *circular.Circular) (bool, error) {
	switch {
	case u.CanEdit():
		return true, nil
	case c.State == circular.StateDraft:
		return false, nil
	case u.Role == store.RoleUnit:
		return s.store.CircularNames(r.Context(), c.ID, u.UnitID)
	}
	sc := u.Scope()
	n, err := s.store.Notice(r.Context(), c.NoticeID, sc)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !sc.Limited() || n.TaskCount > 0, nil
}

// circularFor is the route's circular if the caller may read it.
func (s *Server) circularFor(r *http.Request) (*circular.Circular, error) {
	notFound := errNotFound
	if isAPI(r) {
		notFound = errAPICircularNotFound
	}
	id, err := pathID(r)
	if err != nil {
		return nil, notFound
	}
	c, err := s.store.Circular(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.mayRead(r, userFrom(r), c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	return c, nil
}

// visibleCirculars lists what u may read, of one notice when noticeID is set.
func (s *Server) visibleCirculars(r *http.Request, noticeID int64) ([]*circular.Circular, error) {
	u := userFrom(r)
	f := store.CircularFilter{NoticeID: noticeID, NoDrafts: !u.CanEdit()}
	if u.Role == store.RoleUnit {
		f.UnitID = u.UnitID
	}
	cs, err := s.store.Circulars(r.Context(), f)
	if err != nil || u.CanEdit() || u.Role == store.RoleUnit {
		return cs, err
	}
	seen := map[int64]bool{}
	out := cs[:0]
	for _, c := range cs {
		ok, known := seen[c.NoticeID]
		if !known {
			if ok, err = s.mayRead(r, u, c); err != nil {
				return nil, err
			}
			seen[c.NoticeID] = ok
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

type circularListPage struct {
	Base
	Notice    *store.NoticeInfo // when listing one notice's
	Periods   []ledger.Period
	Current   int64 // the period a new draft is proposed for
	Circulars []*circular.Circular
}

// queryNotice is the optional ?notice= of a list: 0 when absent.
func queryNotice(r *http.Request, bad string) (int64, error) {
	v := r.URL.Query().Get("notice")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest(bad)
	}
	return id, nil
}

func (s *Server) circularList(w http.ResponseWriter, r *http.Request) error {
	noticeID, err := queryNotice(r, "通知编号无效。")
	if err != nil {
		return err
	}
	p := &circularListPage{Base: s.base(w, r, "通报")}
	ctx := r.Context()
	if noticeID != 0 {
		sc := userFrom(r).Scope()
		n, err := s.store.Notice(ctx, noticeID, sc)
		if err != nil {
			return err
		}
		if sc.Limited() && n.TaskCount == 0 && userFrom(r).Role != store.RoleUnit {
			return errNotFound
		}
		p.Notice, p.Title = n, "通报 · "+n.Name()
		if userFrom(r).CanEdit() {
			if p.Periods, err = s.store.Periods(ctx, n.ID); err != nil {
				return err
			}
			rs, err := s.store.NoticeReporting(ctx, n.ID)
			if err != nil {
				return err
			}
			if cur := store.CurrentPeriod(p.Periods, rs.OpenDays, s.store.Today()); cur != nil {
				p.Current = cur.ID
			}
		}
	}
	if p.Circulars, err = s.visibleCirculars(r, noticeID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "circulars", p)
}

func formPeriod(v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("请选择报送期。")
	}
	return id, nil
}

func (s *Server) circularDraft(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	list := fmt.Sprintf("/circulars?notice=%d", n.ID)
	pid, err := formPeriod(r.PostFormValue("period"))
	if err != nil {
		return s.formBack(w, r, list, err, "")
	}
	c, err := s.store.DraftCircular(r.Context(), n.ID, pid, userFrom(r).Actor())
	if err != nil {
		return s.formBack(w, r, list, err, "")
	}
	return s.redirect(w, r, fmt.Sprintf("/circulars/%d", c.ID), "通报草稿已生成，请修改文字后印发。")
}

type circularPage struct {
	Base
	C        *circular.Circular
	Notice   *store.NoticeInfo
	Edit     store.CircularEdit
	Date     string // 成文日期 as a date input holds it
	Stale    bool
	NextNo   string
	Tables   []*circular.Table
	CanEdit  bool
	Rank     string
	Settings store.CircularSettings
}

func (s *Server) circularShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.circularFor(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	n, err := s.store.Notice(ctx, c.NoticeID, ledger.Scope{})
	if err != nil {
		return err
	}
	p := &circularPage{Base: s.base(w, r, c.Doc.Title), C: c, Notice: n, Edit: store.EditOf(c), Tables: circular.Tables(c.Doc.Body),
		CanEdit: userFrom(r).CanEdit() && c.State == circular.StateDraft, Rank: circular.RankRule}
	if p.CanEdit {
		p.Date = isoDate(c.Doc.Date)
		if p.Stale, err = s.store.CircularStale(ctx, c); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "circular", p)
}

// isoDate turns 2026年4月3日 back into 2026-04-03 for a date input.
func isoDate(cn string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(cn, "%d年%d月%d日", &y, &m, &d); err != nil {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func (s *Server) circularSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	to := fmt.Sprintf("/circulars/%d", id)
	e := store.CircularEdit{}
	for _, f := range []struct {
		key string
		dst *string
	}{{"title", &e.Title}, {"doc_number", &e.DocNumber}, {"main_to", &e.MainTo}, {"signer", &e.Signer}, {"copy_to", &e.CopyTo},
		{"printed_by", &e.PrintedBy}, {"issuer", &e.Issuer}, {"body", &e.Body}} {
		*f.dst = r.PostFormValue(f.key)
	}
	if v := strings.TrimSpace(r.PostFormValue("date")); v != "" {
		if e.Date, err = notice.ParseDate(v); err != nil {
			return s.formBack(w, r, to, badRequest(fmt.Sprintf("成文日期“%s”无效，应为 2026-06-30 的格式。", v)), "")
		}
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err = s.store.SaveCircular(r.Context(), id, version, e, userFrom(r).Actor())
	if err == nil && r.PostFormValue("then") == "issue" {
		// 保存并印发: issue what was just saved.
		var c *circular.Circular
		if c, err = s.store.Circular(r.Context(), id); err == nil {
			_, err = s.store.IssueCircular(r.Context(), id, c.Version, userFrom(r).Actor())
			return s.formBack(w, r, to, err, "通报已印发，文号 "+c.Doc.DocNumber+"。")
		}
	}
	return s.formBack(w, r, to, err, "通报草稿已保存。")
}

func (s *Server) circularRedraft(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err = s.store.RedraftCircular(r.Context(), id, version, userFrom(r).Actor())
	return s.formBack(w, r, fmt.Sprintf("/circulars/%d", id), err, "已按最新数据重新生成正文。")
}

func (s *Server) circularIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	c, err := s.store.IssueCircular(r.Context(), id, version, userFrom(r).Actor())
	done := ""
	if err == nil {
		done = "通报已印发，文号 " + c.Doc.DocNumber + "。"
	}
	return s.formBack(w, r, fmt.Sprintf("/circulars/%d", id), err, done)
}

func (s *Server) circularWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, err = s.store.WithdrawCircular(r.Context(), id, r.PostFormValue("reason"), userFrom(r).Actor())
	return s.formBack(w, r, fmt.Sprintf("/circulars/%d", id), err, "通报已撤回。")
}

func (s *Server) circularDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.store.Circular(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCircular(r.Context(), id, userFrom(r).Actor()); err != nil {
		return s.formBack(w, r, fmt.Sprintf("/circulars/%d", id), err, "")
	}
	return s.redirect(w, r, fmt.Sprintf("/circulars?notice=%d", c.NoticeID), "通报草稿已删除。")
}

// circularFile names a circular's download: its doc number and title.
func circularFile(c *circular.Circular, ext string) string {
	name := strings.TrimSpace(c.Doc.DocNumber + " " + c.Doc.Title)
	if c.State == circular.StateDraft {
		name += "（草稿）"
	}
	name = strings.NewReplacer("/", "_", `\`, "_", "\"", "", "\n", " ", "\r", " ", "\x00", "").Replace(name)
	return name + "." + ext
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

func (s *Server) circularDOCX(w http.ResponseWriter, r *http.Request) error {
	c, err := s.circularFor(r)
	if err != nil {
		return err
	}
	cs, err := s.store.CircularSettings(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := office.WriteCircular(&buf, &c.Doc, cs.Layout); err != nil {
		return err
	}
	attachment(w, docxType, circularFile(c, "docx"))
	_, err = buf.WriteTo(w)
	return err
}

func (s *Server) circularXLSX(w http.ResponseWriter, r *http.Request) error {
	c, err := s.circularFor(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := office.WriteCircularTables(&buf, &c.Doc); err != nil {
		return err
	}
	attachment(w, office.ContentType(office.FormatXLSX), circularFile(c, "xlsx"))
	_, err = buf.WriteTo(w)
	return err
}

type circularPrintPage struct {
	Base
	C      *circular.Circular
	Layout circular.Layout
}

func (s *Server) circularPrint(w http.ResponseWriter, r *http.Request) error {
	c, err := s.circularFor(r)
	if err != nil {
		return err
	}
	cs, err := s.store.CircularSettings(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "circular_print", &circularPrintPage{Base: s.base(w, r, c.Doc.Title), C: c, Layout: cs.Layout})
}

// ---------- settings ----------

type circularSettingsPage struct {
	Base
	S store.CircularSettings
}

func (s *Server) circularSettingsShow(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.store.CircularSettings(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "circular_settings", &circularSettingsPage{Base: s.base(w, r, "通报设置"), S: cs})
}

func (s *Server) circularSettingsSave(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.store.CircularSettings(r.Context())
	if err != nil {
		return err
	}
	h := &cs.Head
	for _, f := range []struct {
		key string
		dst *string
	}{{"issuer", &h.Issuer}, {"signer", &h.Signer}, {"prefix", &h.Prefix}, {"main_to", &h.MainTo}, {"copy_to", &h.CopyTo}, {"printed_by", &h.PrintedBy}} {
		*f.dst = strings.TrimSpace(r.PostFormValue(f.key))
	}
	l := &cs.Layout
	for _, f := range []struct {
		key string
		dst *float64
	}{{"top", &l.Top}, {"left", &l.Left}, {"text_width", &l.TextWidth}, {"text_height", &l.TextHeight}} {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue(f.key)), 64)
		if err != nil {
			return s.formBack(w, r, "/circulars/settings", badRequest("页边距和版心尺寸应为数字（毫米）。"), "")
		}
		*f.dst = v
	}
	for _, f := range []struct {
		key string
		dst *circular.Font
	}{{"issuer_font", &l.IssuerFont}, {"title_font", &l.TitleFont}, {"body_font", &l.BodyFont}, {"heading1_font", &l.Heading1Font},
		{"heading2_font", &l.Heading2Font}, {"pagenum_font", &l.PageNumFont}} {
		var names []string
		for _, n := range strings.FieldsFunc(r.PostFormValue(f.key), func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		f.dst.Names = names
	}
	err = s.store.SetCircularSettings(r.Context(), cs, userFrom(r).Actor())
	return s.formBack(w, r, "/circulars/settings", err, "通报设置已保存。")
}

// ---------- API ----------

type apiCircularJSON struct {
	ID             int64           `json:"id"`
	NoticeID       int64           `json:"notice_id"`
	PeriodID       int64           `json:"period_id"`
	State          string          `json:"state"` // draft, issued, withdrawn
	Title          string          `json:"title"`
	DocNumber      string          `json:"doc_number"`
	Date           string          `json:"date"`
	Version        int             `json:"version"`
	IssuedAt       string          `json:"issued_at,omitempty"`
	WithdrawReason string          `json:"withdraw_reason,omitempty"`
	Doc            *circular.Doc   `json:"document,omitempty"`
	Facts          *circular.Facts `json:"figures,omitempty"`
}

func (s *Server) apiCircularOf(c *circular.Circular, full bool) apiCircularJSON {
	out := apiCircularJSON{ID: c.ID, NoticeID: c.NoticeID, PeriodID: c.PeriodID, State: c.State, Title: c.Doc.Title, DocNumber: c.Doc.DocNumber,
		Date: c.Doc.Date, Version: c.Version, WithdrawReason: c.WithdrawReason}
	if !c.IssuedAt.IsZero() {
		out.IssuedAt = c.IssuedAt.In(s.cfg.Location).Format("2006-01-02T15:04:05Z07:00")
	}
	if full {
		out.Doc, out.Facts = &c.Doc, &c.Facts
	}
	return out
}

func (s *Server) apiCirculars(w http.ResponseWriter, r *http.Request) error {
	noticeID, err := queryNotice(r, "notice 应为通知编号。")
	if err != nil {
		return err
	}
	cs, err := s.visibleCirculars(r, noticeID)
	if err != nil {
		return err
	}
	out := make([]apiCircularJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, s.apiCircularOf(c, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"circulars": out})
	return nil
}

func (s *Server) apiCircular(w http.ResponseWriter, r *http.Request) error {
	c, err := s.circularFor(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiCircularOf(c, true))
	return nil
}

func (s *Server) apiCircularDraft(w http.ResponseWriter, r *http.Request) error {
	n, err := s.noticeInScope(r)
	if err != nil {
		return err
	}
	var b struct {
		Period int64 `json:"period"`
	}
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	if b.Period <= 0 {
		return badRequest("请给出报送期编号 period。")
	}
	c, err := s.store.DraftCircular(r.Context(), n.ID, b.Period, userFrom(r).Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.apiCircularOf(c, true))
	return nil
}

func (s *Server) apiCircularIssue(w http.ResponseWriter, r *http.Request) error {
	return s.apiCircularAct(w, r, func(id int64, b apiCircularAction) (*circular.Circular, error) {
		return s.store.IssueCircular(r.Context(), id, b.Version, userFrom(r).Actor())
	})
}

func (s *Server) apiCircularWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.apiCircularAct(w, r, func(id int64, b apiCircularAction) (*circular.Circular, error) {
		return s.store.WithdrawCircular(r.Context(), id, b.Reason, userFrom(r).Actor())
	})
}

// apiCircularAction is the body of an issue (version) or a withdrawal (reason).
type apiCircularAction struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) apiCircularAct(w http.ResponseWriter, r *http.Request, act func(int64, apiCircularAction) (*circular.Circular, error)) error {
	id, err := pathID(r)
	if err != nil {
		return errAPICircularNotFound
	}
	var b apiCircularAction
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	c, err := act(id, b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiCircularOf(c, false))
	return nil
}
