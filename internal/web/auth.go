package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"duban/internal/auth"
	"duban/internal/store"
)

const sessionCookie = "duban_session"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

func userFrom(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey).(*store.User)
	return u
}

func sessionFrom(r *http.Request) string {
	s, _ := r.Context().Value(sessionKey).(string)
	return s
}

// authenticate finds who is asking: a bearer token on the API, a session
// cookie on pages. Nobody is (nil, nil).
func (s *Server) authenticate(r *http.Request) (*store.User, string, error) {
	if isAPI(r) {
		h := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, "", nil
		}
		u, err := s.store.APITokenUser(r.Context(), auth.TokenHash(strings.TrimSpace(tok)))
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", nil
		}
		return u, "", err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, "", nil
	}
	hash := auth.TokenHash(c.Value)
	u, err := s.store.SessionUser(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil
	}
	return u, hash, err
}

// adapt turns a route into an http.Handler: it authenticates, checks the
// route's roles, runs the handler and turns its error into an answer.
func (s *Server) adapt(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every route's answer is for one account at one moment: no
		// browser or proxy may keep a copy (pages, exports, the API).
		w.Header().Set("Cache-Control", "no-store")
		u, sess, err := s.authenticate(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if u == nil && !rt.public {
			if isAPI(r) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="duban"`)
				writeJSON(w, http.StatusUnauthorized, apiError{Error: "需要 API 令牌：请求头 Authorization: Bearer <令牌>"})
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, &httpError{code: http.StatusUnauthorized, msg: "登录已过期，请重新登录。"})
			return
		}
		// The account is known before its role is checked, so that a
		// refusal is shown inside the account's navigation.
		ctx := context.WithValue(r.Context(), userKey, u)
		ctx = context.WithValue(ctx, sessionKey, sess)
		r = r.WithContext(ctx)
		if !rt.admits(u) {
			if isAPI(r) {
				s.renderError(w, r, errAPIForbidden)
			} else {
				s.renderError(w, r, errForbidden)
			}
			return
		}
		if ri := infoFrom(r); ri != nil && u != nil {
			ri.userID.Store(u.ID)
		}
		// A page's form is read here; a body that stopped arriving is
		// answered 408 by renderError.
		if err := checkInput(r); err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := rt.h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// startSession logs u in on this browser.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *store.User) error {
	tok := auth.NewToken("")
	exp := time.Now().Add(s.cfg.SessionTTL)
	if err := s.store.CreateSession(r.Context(), auth.TokenHash(tok), u.ID, exp); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: exp, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	return nil
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if h := sessionFrom(r); h != "" {
		if err := s.store.DeleteSession(r.Context(), h); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	return nil
}

// dummyHash is checked against when a login does not exist, so that a
// wrong login takes as long as a wrong password.
var dummyHash, _ = auth.HashPassword("duban-no-such-user")
