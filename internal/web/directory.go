package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"duban/internal/store"
)

// directoryRoutes are the unit directory, the leaders and the accounts.
func (s *Server) directoryRoutes() []route {
	return []route{
		{pattern: "GET /units", roles: readers, h: s.unitList},
		{pattern: "POST /units/merge", roles: staff, h: s.unitMerge},
		{pattern: "POST /units/zones", roles: staff, h: s.zoneAdd},
		{pattern: "GET /units/{id}", roles: allRoles, h: s.unitShow},
		{pattern: "POST /units/{id}/members", roles: staff, h: s.unitMembersSave},
		{pattern: "GET /my", roles: allRoles, h: s.my},
		{pattern: "GET /leaders", roles: readers, h: s.leaderList},
		{pattern: "GET /leaders/{name}", roles: readers, h: s.leaderShow},
		{pattern: "GET /users", roles: admins, h: s.userList},
		{pattern: "POST /users", roles: admins, h: s.userCreate},
		{pattern: "POST /users/{id}/unlock", roles: admins, h: s.userUnlock},
		{pattern: "POST /users/{id}/password", roles: admins, h: s.userPasswordReset},
		{pattern: "GET /users/{id}/tokens", roles: admins, h: s.userTokens},
		{pattern: "POST /users/{id}/tokens/{token}/delete", roles: admins, h: s.userTokenDelete},
		{pattern: "POST /users/{id}/disable", roles: admins, h: s.userDisable},
		{pattern: "POST /users/{id}/enable", roles: admins, h: s.userEnable},
	}
}

// my sends an account to its own page: a unit to its unit, a leader to the
// tasks under them, everyone else home.
func (s *Server) my(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	switch {
	case u.Role == store.RoleUnit && u.UnitID != 0:
		return s.redirect(w, r, unitHref(u.UnitID), "")
	case u.Role == store.RoleLeader && u.Leader != "":
		return s.redirect(w, r, leaderHref(u.Leader), "")
	}
	return s.redirect(w, r, "/", "")
}

func unitHref(id int64) string { return "/units/" + strconv.FormatInt(id, 10) }

// leaderHref is a leader's page; the name is escaped as one path segment.
func leaderHref(name string) string { return "/leaders/" + url.PathEscape(name) }

// unitPageParam reads ?page=, 1 when absent or unreadable.
func unitPageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// postedID reads a positive id from a form field.
func postedID(r *http.Request, field string) (int64, bool) {
	id, err := strconv.ParseInt(r.PostFormValue(field), 10, 64)
	return id, err == nil && id > 0
}

// zhQuoted is a name in Chinese quotation marks, for messages.
func zhQuoted(name string) string { return fmt.Sprintf("“%s”", name) }
