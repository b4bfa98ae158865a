package web

import (
	"duban/internal/ledger"
	"net/http"

	"duban/internal/store"
)

// leadersPage lists the responsible leaders with their task counts.
type leadersPage struct {
	Base
	Leaders []leaderLink
}

type leaderLink struct {
	Name string
	Href string
	N    int
}

func (s *Server) leaderList(w http.ResponseWriter, r *http.Request) error {
	user := userFrom(r)
	counts, err := s.store.Leaders(r.Context(), user.Scope())
	if err != nil {
		return err
	}
	p := &leadersPage{Base: s.base(w, r, "责任领导")}
	for _, c := range counts {
		// A leader's tasks may name other leaders too; a leader sees only itself.
		if user.Role == store.RoleLeader && c.Name != user.Leader {
			continue
		}
		p.Leaders = append(p.Leaders, leaderLink{Name: c.Name, Href: leaderHref(c.Name), N: c.N})
	}
	return s.render(w, r, http.StatusOK, "leaders", p)
}

// leaderPage is the tasks under one leader, notice by notice.
type leaderPage struct {
	Base
	Name    string
	Total   int
	Notices []leaderNotice
}

type leaderNotice struct {
	ID    int64
	Title string
	Tasks []leaderTask
}

type leaderTask struct {
	*ledger.Task
	Units []roleUnitsGroup
}

func (s *Server) leaderShow(w http.ResponseWriter, r *http.Request) error {
	user := userFrom(r)
	name := r.PathValue("name")
	own := user.Role == store.RoleLeader && name == user.Leader
	if user.Role == store.RoleLeader && !own {
		return errNotFound
	}
	ts, err := s.store.Tasks(r.Context(), store.TaskFilter{Leader: name, Scope: user.Scope()})
	if err != nil {
		return err
	}
	if len(ts) == 0 && !own {
		return errNotFound
	}
	p := &leaderPage{Base: s.base(w, r, name), Name: name, Total: len(ts)}
	for _, t := range ts {
		if l := len(p.Notices); l == 0 || p.Notices[l-1].ID != t.NoticeID {
			p.Notices = append(p.Notices, leaderNotice{ID: t.NoticeID, Title: t.NoticeTitle})
		}
		n := &p.Notices[len(p.Notices)-1]
		n.Tasks = append(n.Tasks, leaderTask{Task: t, Units: groupByRole(t.Assignments)})
	}
	return s.render(w, r, http.StatusOK, "leader", p)
}
