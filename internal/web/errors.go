package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"duban/internal/ledger"
	"duban/internal/store"
)

// httpError is an error a person should read, with its status.
type httpError struct {
	code int
	msg  string // Chinese, for the user
}

func (e *httpError) Error() string { return e.msg }

func badRequest(msg string) error { return &httpError{code: http.StatusBadRequest, msg: msg} }

var (
	errForbidden = &httpError{code: http.StatusForbidden, msg: "您的账号没有权限访问此页面。"}
	errNotFound  = &httpError{code: http.StatusNotFound, msg: "页面不存在，或您无权查看。"}
	// errAPIForbidden is errForbidden as the API says it: there are no pages there.
	errAPIForbidden = &httpError{code: http.StatusForbidden, msg: "您的账号角色无权调用此接口。"}
)

// status maps an error to what the user is told.
func status(err error) (int, string) {
	var he *httpError
	var stale *store.StaleError
	var dup *store.DuplicateError
	var limit *ledger.LimitError
	var input *store.InputError
	switch {
	case errors.As(err, &input):
		if input.Stale {
			return http.StatusConflict, input.Msg
		}
		return http.StatusBadRequest, input.Msg
	case errors.As(err, &he):
		return he.code, he.msg
	case errors.As(err, &limit):
		return http.StatusBadRequest, limit.Error()
	case errors.As(err, &stale):
		return http.StatusConflict, stale.Error()
	case errors.As(err, &dup):
		return http.StatusConflict, dup.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, errNotFound.msg
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, "名称已被使用。"
	}
	return http.StatusInternalServerError, "服务器内部错误，请稍后再试；如果问题持续，请联系系统管理员。"
}

type errorPage struct {
	Base
	Code int
	Msg  string
}

// renderError answers with the error as a page, or as JSON for the API.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if bodyTimedOut(r) {
		err = errBodyTimeout
	}
	code, msg := status(err)
	switch {
	case code < 500:
	case clientGone(r):
		// The client hung up and what it asked for was cut short: nothing
		// for an operator to act on.
		s.log.Debug("client gone", "method", r.Method, "path", r.URL.Path, "err", err)
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, code, apiError{Error: msg})
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		// htmx swaps only 2xx answers by default; show the message instead.
		w.Header().Set("HX-Retarget", "#messages")
		w.Header().Set("HX-Reswap", "innerHTML")
		w.WriteHeader(code)
		s.tmpl.render(w, "message", errorPage{Code: code, Msg: msg})
		return
	}
	user := userFrom(r)
	s.render(w, r, code, "error", &errorPage{Base: Base{Title: "出错了", User: user}, Code: code, Msg: msg})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	// An application/json answer is never read as HTML: < and & stay as
	// they are, readable to whoever reads the body.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
