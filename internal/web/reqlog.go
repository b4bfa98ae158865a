package web

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// Bodies must keep coming: each bodyStep bytes extend the read deadline by
// Config.BodyWindow. A form arrives whole within one window; a 20 MB
// upload needs about 4 KB/s; a body trickled a byte at a time is cut off
// after one window and answered 408, instead of holding a connection for
// minutes.
const bodyStep = 64 << 10

// reqInfo travels with a request from the outermost handler, which logs
// it, to adapt, which knows who asked.
type reqInfo struct {
	userID atomic.Int64
	body   *steadyBody // nil for a request without a body
}

type reqInfoKey struct{}

func infoFrom(r *http.Request) *reqInfo {
	ri, _ := r.Context().Value(reqInfoKey{}).(*reqInfo)
	return ri
}

// bodyTimedOut reports whether r's body stopped arriving in time.
func bodyTimedOut(r *http.Request) bool {
	ri := infoFrom(r)
	return ri != nil && ri.body != nil && ri.body.timedOut.Load()
}

// clientGone reports whether the client hung up (or its body timed out):
// what fails after that is no fault of the server.
func clientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

var errBodyTimeout = &httpError{code: http.StatusRequestTimeout, msg: "请求内容发送太慢，已超时；请检查网络后重新提交。"}

// steadyBody is a request body with a read deadline that moves forward
// while data keeps arriving.
type steadyBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	window   time.Duration
	since    int64 // bytes since the deadline last moved
	timedOut atomic.Bool
}

func (b *steadyBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.since += int64(n)
	if b.since >= bodyStep {
		b.since = 0
		b.rc.SetReadDeadline(time.Now().Add(b.window))
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		b.timedOut.Store(true)
	}
	return n, err
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests bounds how slowly a body may arrive and logs every request
// in one line: method, path (never the query, which may hold what someone
// typed), status, duration and the account. Headers, cookies and bodies
// are never logged.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{}
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			rc.SetReadDeadline(start.Add(s.cfg.BodyWindow))
			ri.body = &steadyBody{ReadCloser: r.Body, rc: rc, window: s.cfg.BodyWindow}
			r.Body = ri.body
		}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri)))
		level := slog.LevelInfo
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", cmp.Or(sw.status, http.StatusOK)), slog.Duration("duration", time.Since(start)),
			slog.Int64("user", ri.userID.Load())}
		if clientGone(r) {
			attrs = append(attrs, slog.Bool("client_gone", true))
		}
		s.log.LogAttrs(context.Background(), level, "request", attrs...)
	})
}
