package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"duban/internal/auth"
	"duban/internal/store"
)

type loginPage struct {
	Base
	Login string
	Next  string
	Error string
}

func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) error {
	if userFrom(r) != nil {
		return s.redirect(w, r, "/", "")
	}
	return s.render(w, r, http.StatusOK, "login", &loginPage{Base: s.base(w, r, "登录"), Next: r.URL.Query().Get("next")})
}

// safeNext keeps a post-login redirect on this site: only a path, with
// one leading slash and no backslash or control character, is followed.
// Browsers drop tabs and newlines and read \ as /, so "/\t/evil.example"
// or "/\\evil.example" would leave the site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.ContainsFunc(next, unicode.IsControl) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	login := strings.TrimSpace(r.PostFormValue("login"))
	pw := r.PostFormValue("password")
	page := &loginPage{Base: s.base(w, r, "登录"), Login: login, Next: r.PostFormValue("next")}
	fail := func(msg string) error {
		page.Error = msg
		return s.render(w, r, http.StatusUnauthorized, "login", page)
	}
	u, err := s.store.UserByLogin(r.Context(), login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// A login naming no account is counted and checked like one that
	// does, against a dummy hash: neither the answer nor its time tells
	// whether the account exists.
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	right, lock, err := s.verifyPassword(r, login, hash, pw)
	switch {
	case err != nil:
		return err
	case lock != "":
		return fail(lock)
	case !right || u == nil:
		return fail("用户名或密码错误。")
	case u.Disabled:
		return fail("该账号已停用，请联系系统管理员。")
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	return s.redirect(w, r, safeNext(page.Next), "")
}

// maxLoginKey bounds the login a failure is counted under: no account's
// login is longer, and a longer guess must not make a longer row.
const maxLoginKey = 64

// verifyPassword checks pw against hash for login, counting the attempt
// first (store.ClaimLogin), so that past the limits no password is checked
// at all, however many attempts arrive at once. lock is the message to
// show when the attempt is or has now become locked; the message is the
// same whether the account exists or not.
func (s *Server) verifyPassword(r *http.Request, login, hash, pw string) (right bool, lock string, err error) {
	ctx := r.Context()
	for len(login) > maxLoginKey {
		_, n := utf8.DecodeLastRuneInString(login)
		login = login[:len(login)-n]
	}
	lim := store.LoginLimits{PerAccount: s.cfg.MaxFailures, PerAccountAll: s.cfg.MaxFailuresAccount,
		PerAddress: s.cfg.MaxFailuresAddress, LockFor: s.cfg.LockFor}
	addr := throttleAddr(s.clientAddr(r))
	claim, err := s.store.ClaimLogin(ctx, login, addr, lim)
	var locked *store.LockedError
	if errors.As(err, &locked) {
		return false, s.lockMessage(locked.Until), nil
	}
	if err != nil {
		return false, "", err
	}
	if !s.checkPassword(hash, pw) {
		if claim.Locks {
			s.log.Warn("login locked", "login", login, "addr", addr, "until", claim.Until)
			return false, s.lockMessage(claim.Until), nil
		}
		return false, "", nil
	}
	return true, "", s.store.LoginSucceeded(ctx, claim)
}

func (s *Server) lockMessage(until time.Time) string {
	return fmt.Sprintf("密码错误次数过多，已锁定至 %s（%s），请届时再试；如需提前解锁请联系系统管理员。",
		until.In(s.cfg.Location).Format("15:04"), zoneName(s.cfg.Location))
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.endSession(w, r); err != nil {
		return err
	}
	return s.redirect(w, r, "/login", "您已退出登录。")
}

type accountPage struct {
	Base
	Tokens   []store.APIToken
	NewToken string
	Error    string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) (*accountPage, error) {
	u := userFrom(r)
	ts, err := s.store.APITokens(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	return &accountPage{Base: s.base(w, r, "我的账号"), Tokens: ts}, nil
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountPage(w, r)
	if err != nil {
		return err
	}
	f, err := s.takeSecret(r)
	if err != nil {
		return err
	}
	p.NewToken = f.Secret
	return s.render(w, r, http.StatusOK, "account", p)
}

func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	cur, pw, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	p, err := s.accountPage(w, r)
	if err != nil {
		return err
	}
	right, lock, err := s.verifyPassword(r, u.Login, u.PasswordHash, cur)
	if err != nil {
		return err
	}
	switch {
	case lock != "":
		p.Error = lock
	case !right:
		p.Error = "当前密码不正确。"
	case pw != again:
		p.Error = "两次输入的新密码不一致。"
	case pw == cur:
		p.Error = "新密码不能与当前密码相同。"
	default:
		if err := auth.CheckPolicy(pw); err != nil {
			p.Error = err.Error() + "。"
		}
	}
	if p.Error != "" {
		return s.render(w, r, http.StatusBadRequest, "account", p)
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), u.ID, hash, sessionFrom(r)); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "密码已修改；其他设备上的登录已退出，API 令牌已全部撤销。")
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		name = "API 令牌"
	}
	if len([]rune(name)) > 60 {
		return badRequest("令牌名称不能超过 60 个字符。")
	}
	tok := auth.NewToken("dbn_")
	if _, err := s.store.CreateAPIToken(r.Context(), u.ID, name, auth.TokenHash(tok)); err != nil {
		return err
	}
	return s.redirectSecret(w, r, "/account", secretFlash{Secret: tok})
}

func (s *Server) tokenDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAPIToken(r.Context(), userFrom(r).ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "令牌已撤销。")
}

// pathID reads the {id} of a route.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}
