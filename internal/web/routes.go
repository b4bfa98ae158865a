package web

import (
	"net/http"
	"slices"

	"duban/internal/store"
)

// route is one entry of the site: its pattern, the roles it admits and its
// handler. public routes admit anonymous visitors too.
type route struct {
	pattern string
	roles   []store.Role
	public  bool
	h       func(w http.ResponseWriter, r *http.Request) error
}

// Who may use a route.
var (
	allRoles = store.Roles
	staff    = []store.Role{store.RoleAdmin, store.RoleOffice}
	admins   = []store.Role{store.RoleAdmin}
	// readers see the ledger beyond one unit: everything, or their leader's tasks.
	readers = []store.Role{store.RoleAdmin, store.RoleOffice, store.RoleLeader, store.RoleViewer}
)

// routes is every page and API endpoint, each with the roles it admits.
func (s *Server) routes() []route {
	rs := []route{
		{pattern: "GET /login", public: true, h: s.loginShow},
		{pattern: "POST /login", public: true, h: s.loginSubmit},
		{pattern: "POST /logout", roles: allRoles, h: s.logout},
		{pattern: "GET /account", roles: allRoles, h: s.accountShow},
		{pattern: "POST /account/password", roles: allRoles, h: s.passwordChange},
		{pattern: "POST /account/tokens", roles: allRoles, h: s.tokenCreate},
		{pattern: "POST /account/tokens/{id}/delete", roles: allRoles, h: s.tokenDelete},

		{pattern: "GET /{$}", roles: allRoles, h: s.home},
		{pattern: "GET /notices/{id}", roles: allRoles, h: s.noticeShow},
		{pattern: "GET /notices/{id}/ledger.xlsx", roles: allRoles, h: s.noticeExportXLSX},
		{pattern: "GET /notices/{id}/ledger.csv", roles: allRoles, h: s.noticeExportCSV},
		{pattern: "POST /notices/{id}/delete", roles: admins, h: s.noticeDelete},
		{pattern: "GET /notices/{id}/edit", roles: staff, h: s.noticeEditShow},
		{pattern: "POST /notices/{id}/edit", roles: staff, h: s.noticeEditSave},
		{pattern: "GET /import", roles: staff, h: s.importShow},
		{pattern: "POST /import", roles: staff, h: s.importUpload},
		{pattern: "GET /import/{id}", roles: staff, h: s.draftShow},
		{pattern: "POST /import/{id}", roles: staff, h: s.draftSubmit},
		{pattern: "GET /tasks/{id}", roles: allRoles, h: s.taskShow},
		{pattern: "GET /tasks/{id}/edit", roles: staff, h: s.taskEditShow},
		{pattern: "POST /tasks/{id}/edit", roles: staff, h: s.taskEditSave},
	}
	rs = append(rs, s.directoryRoutes()...)
	rs = append(rs, s.reportRoutes()...)
	rs = append(rs, s.planRoutes()...)
	rs = append(rs, s.overviewRoutes()...)
	rs = append(rs, s.circularRoutes()...)
	rs = append(rs, s.dashboardRoutes()...)
	rs = append(rs, s.reminderRoutes()...)
	rs = append(rs, s.apiRoutes()...)
	// Whatever matched nothing above is a 404 in the page's or the API's form.
	rs = append(rs, route{pattern: "/", public: true, h: s.notFound})
	return rs
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if isAPI(r) {
		return &httpError{code: http.StatusNotFound, msg: "接口不存在，或不支持该请求方法。"}
	}
	return errNotFound
}

func (rt route) admits(u *store.User) bool {
	if u == nil {
		return rt.public
	}
	return rt.public || slices.Contains(rt.roles, u.Role)
}
