package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/office"
	"duban/internal/store"
)

// pageSize is how many tasks a ledger page shows; a province's notice
// (~150 tasks) fits on one, a national ledger pages.
const pageSize = 200

type homePage struct {
	Base
	Notices []*store.NoticeInfo
	Total   int
	CanEdit bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	if u.Role == store.RoleUnit {
		return s.redirect(w, r, fmt.Sprintf("/units/%d", u.UnitID), "")
	}
	ns, err := s.store.Notices(r.Context(), u.Scope())
	if err != nil {
		return err
	}
	p := &homePage{Base: s.base(w, r, "通知与台账"), Notices: ns, CanEdit: u.CanEdit()}
	for _, n := range ns {
		p.Total += n.TaskCount
	}
	return s.render(w, r, http.StatusOK, "home", p)
}

// ledgerQuery is the ledger's filters as the URL carries them.
type ledgerQuery struct {
	Unit    int64
	Role    ledger.Role
	Leader  string
	Heading string
	Q       string
	Light   ledger.LightState
	Period  int64  // with Report
	Report  string // store.ReportFilters
	LightAt int64  // with Light: the light on this past period's due date (the dashboard's trend)
	Due     notice.Date
	Page    int
}

func readLedgerQuery(r *http.Request) (ledgerQuery, error) {
	v := r.URL.Query()
	q := ledgerQuery{Role: ledger.Role(v.Get("role")), Leader: v.Get("leader"), Heading: v.Get("heading"), Q: strings.TrimSpace(v.Get("q")), Page: 1}
	if s := v.Get("unit"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 0 {
			return q, badRequest("筛选条件中的单位无效。")
		}
		q.Unit = id
	}
	if v := v.Get("light"); v != "" {
		l, ok := ledger.ParseLight(v)
		if !ok {
			return q, badRequest("筛选条件中的状态灯无效。")
		}
		q.Light = l
	}
	if s := v.Get("period"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return q, badRequest("筛选条件中的报送期无效。")
		}
		q.Period = id
	}
	if s := v.Get("report"); s != "" {
		if !slices.Contains(store.ReportFilters, s) || q.Period == 0 {
			return q, badRequest("筛选条件中的报告状态无效（须与报送期一起使用）。")
		}
		q.Report = s
	}
	if s := v.Get("lightat"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 || q.Light == "" {
			return q, badRequest("筛选条件中的报送期状态灯无效（须与状态灯一起使用）。")
		}
		q.LightAt = id
	}
	if s := v.Get("deadline"); s != "" {
		d, err := notice.ParseDate(s)
		if err != nil {
			return q, badRequest("筛选条件中的完成时限无效，应为 2026-06-30 的格式。")
		}
		q.Due = d
	}
	switch q.Role {
	case "", ledger.Lead, ledger.Support, ledger.Responsible:
	default:
		return q, badRequest("筛选条件中的角色无效。")
	}
	if s := v.Get("page"); s != "" {
		p, err := strconv.Atoi(s)
		if err != nil || p < 1 {
			return q, badRequest("页码无效。")
		}
		q.Page = p
	}
	if len([]rune(q.Q)) > 100 {
		return q, badRequest("搜索内容过长。")
	}
	return q, nil
}

// checkFilter answers 404 for a filter naming a unit or notice that does
// not exist (or, for a notice, that the scope does not see): a ledger
// filtered on nothing is a mistake to point out, not an empty list.
func (s *Server) checkFilter(ctx context.Context, f store.TaskFilter) error {
	if f.UnitID != 0 {
		_, err := s.store.Unit(ctx, f.UnitID)
		if errors.Is(err, store.ErrNotFound) {
			return &httpError{code: http.StatusNotFound, msg: fmt.Sprintf("筛选条件中的单位不存在（编号 %d），可能已被合并。", f.UnitID)}
		}
		if err != nil {
			return err
		}
	}
	if f.NoticeID != 0 {
		n, err := s.store.Notice(ctx, f.NoticeID, f.Scope)
		if errors.Is(err, store.ErrNotFound) || (err == nil && f.Scope.Limited() && n.TaskCount == 0) {
			return &httpError{code: http.StatusNotFound, msg: fmt.Sprintf("筛选条件中的通知不存在（编号 %d），或您无权查看。", f.NoticeID)}
		}
		return err
	}
	return nil
}

func (q ledgerQuery) filter(noticeID int64, sc ledger.Scope) store.TaskFilter {
	return store.TaskFilter{NoticeID: noticeID, UnitID: q.Unit, Role: q.Role, Leader: q.Leader, Heading: q.Heading,
		Query: q.Q, Light: q.Light, LightAt: q.LightAt, Deadline: q.Due, PeriodID: q.Period, Report: q.Report, Scope: sc}
}

// URL is the query string of these filters on another page.
func (q ledgerQuery) URL(page int) template.URL {
	v := q.values()
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return template.URL("?" + v.Encode())
}

func (q ledgerQuery) values() url.Values {
	v := url.Values{}
	if q.Unit != 0 {
		v.Set("unit", strconv.FormatInt(q.Unit, 10))
	}
	if q.Period != 0 {
		v.Set("period", strconv.FormatInt(q.Period, 10))
	}
	if q.LightAt != 0 {
		v.Set("lightat", strconv.FormatInt(q.LightAt, 10))
	}
	if !q.Due.IsZero() {
		v.Set("deadline", q.Due.String())
	}
	for k, s := range map[string]string{"role": string(q.Role), "leader": q.Leader, "heading": q.Heading, "q": q.Q, "light": string(q.Light), "report": q.Report} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// WithHeading is the query for one heading of the sidebar.
func (q ledgerQuery) WithHeading(h string) template.URL {
	q.Heading = h
	return q.URL(1)
}

// WithLight is the query for one light of the counts.
func (q ledgerQuery) WithLight(l ledger.LightState) template.URL {
	q.Light, q.LightAt = l, 0
	return q.URL(1)
}

// Filtered reports whether any filter is set.
func (q ledgerQuery) Filtered() bool {
	return q.Unit != 0 || q.Role != "" || q.Leader != "" || q.Heading != "" || q.Q != "" || q.Light != "" || q.Report != ""
}

// ledgerRow is a task of the table, preceded by its heading when the
// heading changes.
type ledgerRow struct {
	Heading string
	Task    *ledger.Task
}

type noticePage struct {
	Base
	Notice   *store.NoticeInfo
	Q        ledgerQuery
	Units    []store.UnitRef
	Leaders  []store.Count
	Headings []store.Count
	Total    int            // tasks the filters select
	ByRole   map[string]int // with a unit filter: its tasks in each role
	ByLight  []lightCount   // the tasks the other filters select, by light
	Rows     []ledgerRow
	Page     int
	Pager    *pager // nil on one page
	CanEdit  bool
	IsAdmin  bool
}

func (s *Server) noticeShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q, err := readLedgerQuery(r)
	if err != nil {
		return err
	}
	u := userFrom(r)
	sc := u.Scope()
	ctx := r.Context()
	n, err := s.store.Notice(ctx, id, sc)
	if err != nil {
		return err
	}
	if sc.Limited() && n.TaskCount == 0 {
		return errNotFound
	}
	f := q.filter(id, sc)
	if err := s.checkFilter(ctx, f); err != nil {
		return err
	}
	p := &noticePage{Base: s.base(w, r, n.Name()), Notice: n, Q: q, CanEdit: u.CanEdit(), IsAdmin: u.Role == store.RoleAdmin}
	if p.Units, err = s.store.NoticeUnits(ctx, id, sc); err != nil {
		return err
	}
	if p.Leaders, err = s.store.NoticeLeaders(ctx, id, sc); err != nil {
		return err
	}
	if p.Headings, err = s.store.HeadingCounts(ctx, f); err != nil {
		return err
	}
	if p.Total, err = s.store.CountTasks(ctx, f); err != nil {
		return err
	}
	if q.Unit != 0 {
		if p.ByRole, err = s.store.RoleCounts(ctx, f); err != nil {
			return err
		}
	}
	if p.ByLight, err = s.lightCounts(ctx, f); err != nil {
		return err
	}
	page, pages := q.page(p.Total)
	p.Page, p.Pager = page, newPager(r.URL.Path, q.values(), page, pages)
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	ts, err := s.store.Tasks(ctx, f)
	if err != nil {
		return err
	}
	p.Rows = ledgerRows(ts)
	return s.render(w, r, http.StatusOK, "notice", p)
}

// page clamps the asked page to the pages total rows fill.
func (q ledgerQuery) page(total int) (page, pages int) {
	pages = max(1, (total+pageSize-1)/pageSize)
	return min(q.Page, pages), pages
}

func ledgerRows(ts []*ledger.Task) []ledgerRow {
	rows := make([]ledgerRow, 0, len(ts))
	prev := "\x00"
	for _, t := range ts {
		h := strings.Join(t.Path, " › ")
		row := ledgerRow{Task: t}
		if h != prev && h != "" {
			row.Heading = h
		}
		prev = h
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) noticeExport(w http.ResponseWriter, r *http.Request, format string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q, err := readLedgerQuery(r)
	if err != nil {
		return err
	}
	f := q.filter(id, userFrom(r).Scope())
	if err := s.checkFilter(r.Context(), f); err != nil {
		return err
	}
	n, ts, err := s.store.LedgerExport(r.Context(), f)
	if err != nil {
		return err
	}
	prog := &office.Progress{}
	if prog.Periods, prog.Cells, prog.Units, prog.UnitsOf, err = s.store.LedgerProgress(r.Context(), id, ts, f.Scope); err != nil {
		return err
	}
	name := office.ExportName(n.Title, n.DocNumber, format)
	w.Header().Set("Content-Type", office.ContentType(format))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"ledger.%s\"; filename*=UTF-8''%s", format, url.PathEscape(name)))
	return office.ExportLedger(w, n, ts, prog, format)
}

func (s *Server) noticeExportXLSX(w http.ResponseWriter, r *http.Request) error {
	return s.noticeExport(w, r, office.FormatXLSX)
}

func (s *Server) noticeExportCSV(w http.ResponseWriter, r *http.Request) error {
	return s.noticeExport(w, r, office.FormatCSV)
}

func (s *Server) noticeDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return badRequest("请勾选确认后再删除。")
	}
	if err := s.store.DeleteNotice(r.Context(), id, userFrom(r).Actor()); err != nil {
		return err
	}
	return s.redirect(w, r, "/", "通知及其全部任务已删除；审计日志保留删除记录。")
}

// lightCount is how many tasks show one light.
type lightCount struct {
	Light ledger.LightState
	N     int
}

// lightCounts counts by light the tasks f selects, whatever light f asks
// for, in the order of ledger.Lights.
func (s *Server) lightCounts(ctx context.Context, f store.TaskFilter) ([]lightCount, error) {
	f.Light = ""
	m, err := s.store.LightCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]lightCount, 0, len(ledger.Lights))
	for _, l := range ledger.Lights {
		out = append(out, lightCount{l, m[l]})
	}
	return out, nil
}
