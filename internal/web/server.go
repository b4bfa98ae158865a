// Package web is duban's HTTP face: the pages the supervision office and
// the units work in, and the JSON API under /api/v1.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"time"

	"duban/internal/auth"
	"duban/internal/remind"
	"duban/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the server needs to know beyond the database.
type Config struct {
	// Location is the deployment's time zone: every time a page or the
	// API shows is in it, and pages name it.
	Location *time.Location
	// Dev reads templates and static files from DevDir at every request.
	Dev    bool
	DevDir string // the internal/web directory, for Dev
	// SecureCookies declares that browsers reach the site only over TLS
	// (a proxy in front terminates it): cookies are marked Secure and
	// HSTS is sent. Served over TLS directly, both hold without it.
	SecureCookies bool
	// TLSCert and TLSKey are PEM files: when set, the server speaks
	// HTTPS itself (and cookies are Secure, HSTS is sent).
	TLSCert, TLSKey string
	// TrustedProxies are the addresses whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
	// Demo shows the demo accounts and their password "demo" on the login page.
	Demo bool
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// MaxFailures failed logins in a row from one address lock the
	// account for that address for LockFor; MaxFailuresAccount from all
	// addresses lock it everywhere; MaxFailuresAddress from one address,
	// whatever the accounts, lock the address.
	MaxFailures        int
	MaxFailuresAccount int
	MaxFailuresAddress int
	LockFor            time.Duration
	// MaxUpload bounds an uploaded notice.
	MaxUpload int64
	// BodyWindow is how long a request body may go without 64 KiB
	// arriving before it is answered 408.
	BodyWindow time.Duration
	// ShutdownGrace is how long requests in flight may take to finish
	// once the server is told to stop.
	ShutdownGrace time.Duration
	// MaxParsing is how many uploaded notices are read and parsed at
	// once; more wait up to ParseWait, then are told to retry. Parsing
	// is CPU and memory work: without a bound, a few large uploads at
	// once starve every other request.
	MaxParsing int
	ParseWait  time.Duration
	// Reminders is the process's reminder scheduler, which the pages'
	// test buttons send through; nil when reminders are not running.
	Reminders *remind.Scheduler
}

func (c *Config) defaults() {
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = 5
	}
	if c.MaxFailuresAccount == 0 {
		c.MaxFailuresAccount = 10 * c.MaxFailures
	}
	if c.MaxFailuresAddress == 0 {
		c.MaxFailuresAddress = 4 * c.MaxFailures
	}
	if c.LockFor == 0 {
		c.LockFor = 15 * time.Minute
	}
	if c.MaxUpload == 0 {
		c.MaxUpload = 20 << 20
	}
	if c.MaxParsing == 0 {
		c.MaxParsing = 2
	}
	if c.ParseWait == 0 {
		c.ParseWait = time.Minute
	}
	if c.BodyWindow == 0 {
		c.BodyWindow = 15 * time.Second
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = 20 * time.Second
	}
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg   Config
	store *store.Store
	log   *slog.Logger
	tmpl  *templates
	// checkPassword is auth.CheckPassword; tests count its calls.
	checkPassword func(hash, pw string) bool
	// parsing holds a token for each notice being parsed (MaxParsing).
	parsing chan struct{}
}

// New parses the templates (failing fast on a broken one) and returns a
// server ready to serve.
func New(cfg Config, st *store.Store, log *slog.Logger) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, store: st, log: log, checkPassword: auth.CheckPassword, parsing: make(chan struct{}, cfg.MaxParsing)}
	var err error
	s.tmpl, err = loadTemplates(s.templateFiles(), cfg.Location)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) templateFiles() fs.FS {
	if s.cfg.Dev {
		return os.DirFS(s.cfg.DevDir)
	}
	return templateFS
}

func (s *Server) staticFiles() fs.FS {
	root := fs.FS(staticFS)
	if s.cfg.Dev {
		root = os.DirFS(s.cfg.DevDir)
	}
	sub, _ := fs.Sub(root, "static")
	return sub
}

// Handler is the whole site: routes, CSRF protection and security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.adapt(rt))
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(s.staticFiles())))
	mux.HandleFunc("GET /healthz", s.healthz)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &httpError{code: http.StatusForbidden, msg: "跨站请求已被拒绝，请从本系统页面重新提交。"})
	}))
	return s.logRequests(s.securityHeaders(s.recoverer(cop.Handler(mux))))
}

func staticHandler(root fs.FS) http.Handler {
	files := http.FileServerFS(filesOnly{root})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// filesOnly hides the directories of an fs.FS, so that the file server
// answers 404 for /static/ instead of listing what is there.
type filesOnly struct{ fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, nil
}

// securityHeaders keeps pages from being framed, sniffed or made to run
// anything but our own scripts.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a 500 page and one log line.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				s.renderError(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// healthz tells a load balancer or monitor whether this process can reach
// its database: 200 "ok", else 503. No login, no page, one round trip.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("healthz: database unreachable", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// ListenAndServe serves until ctx is done, then shuts down gracefully:
// it stops accepting, lets requests in flight finish within
// Config.ShutdownGrace, then closes what is left.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(addr string)) error {
	// No ReadTimeout: logRequests sets each body's deadline, so that an
	// upload arriving steadily is not cut off but a trickle is.
	srv := &http.Server{Addr: addr, Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		s.log.Info("shutting down", "grace", s.cfg.ShutdownGrace)
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			s.log.Warn("requests still running after the grace period were cut off", "err", err)
			srv.Close()
		}
		return nil
	}
}
