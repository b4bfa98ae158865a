package web

import (
	"duban/internal/ledger"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"duban/internal/store"
	"duban/internal/units"
)

// unitsPage is the unit directory.
type unitsPage struct {
	Base
	Q       string
	Units   []*store.Unit // those the filter keeps
	All     []*store.Unit // every unit, for the merge form
	CanEdit bool
	// Zones are the functional zones the office added; Parents the
	// provinces and cities a zone can be added under.
	Zones   []jurOption
	Parents []jurOption
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.store.UnitsFor(r.Context(), userFrom(r).Scope())
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := &unitsPage{Base: s.base(w, r, "单位"), Q: q, All: all, CanEdit: userFrom(r).CanEdit()}
	if p.CanEdit {
		tb, err := s.store.Divisions(r.Context())
		if err != nil {
			return err
		}
		zs, err := s.store.Zones(r.Context())
		if err != nil {
			return err
		}
		for _, z := range zs {
			p.Zones = append(p.Zones, jurOption{z.Code, tb.Path(z.Code)})
		}
		p.Parents = jurisdictionOptions(tb)
	}
	for _, u := range all {
		if unitMatches(u, q) {
			p.Units = append(p.Units, u)
		}
	}
	return s.render(w, r, http.StatusOK, "units", p)
}

// unitMatches reports whether q occurs in the unit's name or an alias,
// ignoring spaces and full- or half-width forms.
func unitMatches(u *store.Unit, q string) bool {
	k := units.Key(q)
	if k == "" {
		return true
	}
	for _, n := range append([]string{u.Name}, u.Aliases...) {
		if strings.Contains(units.Key(n), k) {
			return true
		}
	}
	return false
}

func (s *Server) unitMerge(w http.ResponseWriter, r *http.Request) error {
	keepID, ok1 := postedID(r, "keep")
	dropID, ok2 := postedID(r, "drop")
	if !ok1 || !ok2 {
		return badRequest("请选择要保留的单位和要并入它的单位。")
	}
	if keepID == dropID {
		return badRequest("要保留的单位和被合并的单位是同一个，不能把单位合并到它自己。")
	}
	ctx := r.Context()
	keep, err := s.store.Unit(ctx, keepID)
	if errors.Is(err, store.ErrNotFound) {
		return &httpError{code: http.StatusNotFound, msg: "要保留的单位不存在，可能已被合并，请刷新页面后重新选择。"}
	}
	if err != nil {
		return err
	}
	drop, err := s.store.Unit(ctx, dropID)
	if errors.Is(err, store.ErrNotFound) {
		return &httpError{code: http.StatusNotFound, msg: "被合并的单位不存在，可能已被合并，请刷新页面后重新选择。"}
	}
	if err != nil {
		return err
	}
	if err := s.store.MergeUnits(ctx, keep.ID, drop.ID, userFrom(r).Actor()); err != nil {
		return err
	}
	return s.redirect(w, r, unitHref(keep.ID), "已将"+zhQuoted(drop.Name)+"合并到"+zhQuoted(keep.Name)+"。")
}

// unitPageSize is how many tasks of each role one page of a unit shows.
const unitPageSize = 200

// unitPage is one unit's ledger: the tasks it leads, supports and is
// responsible for.
type unitPage struct {
	Base
	Unit     *store.Unit
	Notices  []*store.NoticeInfo
	NoticeID int64
	Q        string
	Light    ledger.LightState
	Sections []unitSection
	Pager    *pager
	// Linked is false for a unit account, which may open no other unit.
	Linked bool
	// Choices are the units a group may have as members, for the office.
	Choices []memberChoice
	// Contacts links to where the unit is reminded: for the office, and
	// for the unit's own account.
	Contacts bool
}

// unitSection is the unit's tasks in one role.
type unitSection struct {
	Role  ledger.Role
	Title string
	Count int // over every page
	Rows  []unitRow
}

// unitRow is one task as the unit holds it.
type unitRow struct {
	Task *ledger.Task
	// Via is the group that names the task when the unit itself is not named.
	Via    string
	Others []roleUnitsGroup
}

// roleUnitsGroup is the units named on a task in one role.
type roleUnitsGroup struct {
	Role  ledger.Role
	Units []ledger.Assignment
}

// groupByRole gathers assignments, already in role order, by role.
func groupByRole(as []ledger.Assignment) []roleUnitsGroup {
	var out []roleUnitsGroup
	for _, a := range as {
		if l := len(out); l == 0 || out[l-1].Role != a.Role {
			out = append(out, roleUnitsGroup{Role: a.Role})
		}
		out[len(out)-1].Units = append(out[len(out)-1].Units, a)
	}
	return out
}

type memberChoice struct {
	ID      int64
	Name    string
	Checked bool
}

func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	user := userFrom(r)
	if user.Role == store.RoleUnit && user.UnitID != id {
		return errNotFound
	}
	ctx := r.Context()
	unit, err := s.store.Unit(ctx, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &unitPage{Base: s.base(w, r, unit.Name), Unit: unit, Q: strings.TrimSpace(q.Get("q")),
		Linked: user.Role != store.RoleUnit, Contacts: !unit.IsGroup && (user.CanEdit() || user.Role == store.RoleUnit)}
	p.NoticeID, _ = strconv.ParseInt(q.Get("notice"), 10, 64)
	if v := q.Get("light"); v != "" {
		l, ok := ledger.ParseLight(v)
		if !ok {
			return badRequest("筛选条件中的状态灯无效。")
		}
		p.Light = l
	}
	// The notices of the filter are those where the unit holds a task the
	// account sees: a leader is not shown the titles of others' notices.
	if p.Notices, err = s.store.NoticesOf(ctx, store.TaskFilter{UnitID: unit.ID, Scope: user.Scope()}); err != nil {
		return err
	}
	if user.Role == store.RoleLeader && len(p.Notices) == 0 {
		return errNotFound // a unit none of whose tasks are the leader's is none of its concern
	}
	f := store.TaskFilter{UnitID: unit.ID, NoticeID: p.NoticeID, Query: p.Q, Light: p.Light, Scope: user.Scope()}
	if err := s.checkFilter(ctx, f); err != nil {
		return err
	}
	counts, err := s.store.RoleCounts(ctx, f)
	if err != nil {
		return err
	}
	page := unitPageParam(r)
	pages := 1
	for _, sec := range []struct {
		role  ledger.Role
		title string
	}{
		{ledger.Lead, "牵头的任务"}, {ledger.Support, "配合的任务"}, {ledger.Responsible, "负责落实的任务"},
	} {
		g := f
		g.Role, g.Limit, g.Offset = sec.role, unitPageSize, (page-1)*unitPageSize
		ts, err := s.store.Tasks(ctx, g)
		if err != nil {
			return err
		}
		n := counts[string(sec.role)]
		pages = max(pages, (n+unitPageSize-1)/unitPageSize)
		us := unitSection{Role: sec.role, Title: sec.title, Count: n}
		for _, t := range ts {
			us.Rows = append(us.Rows, unitTaskRow(unit, sec.role, t))
		}
		p.Sections = append(p.Sections, us)
	}
	base := url.Values{}
	if p.NoticeID != 0 {
		base.Set("notice", strconv.FormatInt(p.NoticeID, 10))
	}
	if p.Q != "" {
		base.Set("q", p.Q)
	}
	if p.Light != "" {
		base.Set("light", string(p.Light))
	}
	p.Pager = newPager(unitHref(unit.ID), base, page, pages)
	if unit.IsGroup && user.CanEdit() {
		all, err := s.store.Units(ctx)
		if err != nil {
			return err
		}
		member := map[int64]bool{}
		for _, m := range unit.Members {
			member[m.ID] = true
		}
		for _, u := range all {
			if !u.IsGroup {
				p.Choices = append(p.Choices, memberChoice{ID: u.ID, Name: u.Label, Checked: member[u.ID]})
			}
		}
	}
	return s.render(w, r, http.StatusOK, "unit", p)
}

// unitTaskRow finds how unit holds t in role: named itself, or through one
// of its groups; the other units named on t are shown beside it.
func unitTaskRow(unit *store.Unit, role ledger.Role, t *ledger.Task) unitRow {
	row := unitRow{Task: t}
	direct := slices.ContainsFunc(t.Assignments, func(a ledger.Assignment) bool { return a.Role == role && a.UnitID == unit.ID })
	via := int64(0)
	if !direct {
		for _, a := range t.Assignments {
			if a.Role == role && slices.ContainsFunc(unit.Groups, func(g store.UnitRef) bool { return g.ID == a.UnitID }) {
				row.Via, via = a.Unit, a.UnitID
				break
			}
		}
	}
	var others []ledger.Assignment
	for _, a := range t.Assignments {
		if a.UnitID == unit.ID || (a.Role == role && a.UnitID == via) {
			continue
		}
		others = append(others, a)
	}
	row.Others = groupByRole(others)
	return row
}

func (s *Server) unitMembersSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	group, err := s.store.Unit(ctx, id)
	if err != nil {
		return err
	}
	if !group.IsGroup {
		return badRequest(zhQuoted(group.Name) + "不是单位组；只有“各省辖市政府”这样代表多个单位的名称可以设置成员单位。")
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("表单无法读取，请重新提交。")
	}
	all, err := s.store.Units(ctx)
	if err != nil {
		return err
	}
	single := map[int64]bool{}
	for _, u := range all {
		single[u.ID] = !u.IsGroup
	}
	var members []int64
	for _, v := range r.PostForm["member"] {
		m, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !single[m] {
			return badRequest("所选成员单位不存在或本身是单位组，请刷新页面后重新选择。")
		}
		if !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	if err := s.store.SetMembers(ctx, group.ID, members, userFrom(r).Actor()); err != nil {
		return err
	}
	return s.redirect(w, r, unitHref(group.ID),
		"已保存"+zhQuoted(group.Name)+"的成员单位（"+strconv.Itoa(len(members))+" 个），成员单位可以看到该组的任务。")
}

// zoneAdd adds a functional zone (济源示范区, 城乡一体化示范区) under a
// province or city, so that the 管委会 notices name is the zone's own unit
// and 各县(市、区)政府(管委会) reaches it.
func (s *Server) zoneAdd(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	parent := strings.TrimSpace(r.PostFormValue("parent"))
	if name == "" || parent == "" {
		return badRequest("请填写功能区名称，并选择它所属的省或市。")
	}
	z, err := s.store.AddZone(r.Context(), name, parent, userFrom(r).Actor())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return badRequest(fmt.Sprintf("上级行政区划代码“%s”无效，请从列表中选择。", parent))
	case errors.Is(err, store.ErrConflict):
		return &httpError{code: http.StatusConflict, msg: fmt.Sprintf("该地已有名为“%s”的区划。", name)}
	case err != nil:
		return err
	}
	return s.redirect(w, r, "/units", fmt.Sprintf("已添加功能区 %s（代码 %s）。", z.Name, z.Code))
}
