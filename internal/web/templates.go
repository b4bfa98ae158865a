package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

// templates holds one template set per page, each with the layout and the
// shared partials (files whose names start with "_").
type templates struct {
	pages    map[string]*template.Template
	partials *template.Template
	rendered sync.Map // names executed, so a test can insist on all of them
}

// funcs are the templates' functions; times are shown in loc.
func funcs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"roleLabel":   func(r ledger.Role) string { return r.Label() },
		"accountRole": func(r store.Role) string { return ledger.AccountRoleLabel(string(r)) },
		"date": func(d notice.Date) string {
			if d.IsZero() {
				return ""
			}
			return fmt.Sprintf("%d年%d月%d日", d.Y, d.M, d.D)
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		// zone names the time zone the pages' times are in.
		"zone": func() string { return zoneName(loc) },
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"path": func(p []string) string { return strings.Join(p, " › ") },
		"qs":   queryString,
		// roleOf pairs a task with a role for the "roleunits" template.
		"roleOf":        func(t *ledger.Task, role ledger.Role) roleUnits { return roleUnits{t, role} },
		"roles":         func() []ledger.Role { return ledger.Roles },
		"lights":        func() []ledger.LightState { return ledger.Lights },
		"stateLabel":    func(st ledger.State) string { return st.Label() },
		"circularState": circular.StateLabel,
		"tallyLights":   tallyLights,
		"channelLabel":  store.ChannelLabel,
		"deliveryState": deliveryStateLabel,
		// retries is how many times a delivery was tried again.
		"retries": func(attempts int) int { return max(attempts-1, 0) },
		// actual is a report's value for the task's i-th target.
		"actual": func(r *ledger.Report, i int) string {
			for _, a := range r.Actuals {
				if a.Target == i {
					return a.Value
				}
			}
			return ""
		},
	}
}

// zoneName is loc as a person reads it: "UTC+08:00 Asia/Shanghai".
func zoneName(loc *time.Location) string {
	_, off := time.Now().In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("UTC%s%02d:%02d %s", sign, off/3600, off%3600/60, loc)
}

type roleUnits struct {
	Task *ledger.Task
	Role ledger.Role
}

// queryString builds "?k=v&…" from pairs, leaving out empty values.
func queryString(kv ...any) template.URL {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		val := fmt.Sprint(kv[i+1])
		if val != "" && val != "0" {
			v.Set(fmt.Sprint(kv[i]), val)
		}
	}
	if len(v) == 0 {
		return "?"
	}
	return template.URL("?" + v.Encode())
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func loadTemplates(root fs.FS, loc *time.Location) (*templates, error) {
	names, err := fs.Glob(root, "templates/*.html")
	if err != nil {
		return nil, err
	}
	base := template.New("").Funcs(funcs(loc))
	var pages []string
	for _, n := range names {
		b := path.Base(n)
		if strings.HasPrefix(b, "_") || b == "layout.html" {
			if _, err := base.ParseFS(root, n); err != nil {
				return nil, fmt.Errorf("template %s: %w", n, err)
			}
			continue
		}
		pages = append(pages, n)
	}
	t := &templates{pages: map[string]*template.Template{}, partials: base}
	for _, n := range pages {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(root, n); err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		t.pages[strings.TrimSuffix(path.Base(n), ".html")] = clone
	}
	return t, nil
}

// page executes a page inside the layout.
func (t *templates) page(w io.Writer, name string, data any) error {
	p, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	t.rendered.Store(name, true)
	return p.ExecuteTemplate(w, "layout", data)
}

// render executes a partial on its own, for htmx.
func (t *templates) render(w io.Writer, name string, data any) error {
	t.rendered.Store("_"+name, true)
	return t.partials.ExecuteTemplate(w, name, data)
}

// Base is what every page shows around its content.
type Base struct {
	Title string
	User  *store.User
	Flash string
	Demo  bool
}

// base fills the common part of a page and takes the flash message.
func (s *Server) base(w http.ResponseWriter, r *http.Request, title string) Base {
	b := Base{Title: title, User: userFrom(r), Demo: s.cfg.Demo}
	if c, err := r.Cookie(flashCookie); err == nil {
		b.Flash, _ = url.QueryUnescape(c.Value)
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	return b
}

const flashCookie = "duban_flash"

// redirect answers a form with a redirect and a message for the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formBack answers a form by going back to a page with what happened: a
// refusal (bad input, a stale version) is said there rather than on an
// error page; any other error is the error page's.
func (s *Server) formBack(w http.ResponseWriter, r *http.Request, to string, err error, done string) error {
	var in *store.InputError
	var he *httpError
	switch {
	case errors.As(err, &in):
		done = in.Msg
	case errors.As(err, &he) && he.code == http.StatusBadRequest:
		done = he.msg
	case err != nil:
		return err
	}
	return s.redirect(w, r, to, done)
}

// render writes a page; a template error becomes a 500 before anything is sent.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, data any) error {
	if s.cfg.Dev {
		if t, err := loadTemplates(s.templateFiles(), s.cfg.Location); err == nil {
			s.tmpl = t
		} else {
			return err
		}
	}
	var buf bytes.Buffer
	if err := s.tmpl.page(&buf, name, data); err != nil {
		s.log.Error("template", "name", name, "err", err)
		http.Error(w, "页面生成失败", http.StatusInternalServerError)
		return nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, err := buf.WriteTo(w)
	return err
}
