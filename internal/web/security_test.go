package web

import (
	"context"
	"duban/internal/ledger"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"duban/internal/auth"
	"duban/internal/docin/docintest"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

const bad400 = bad

// TestLoginNextStaysOnSite: after logging in, only a path on this site is
// followed; anything a browser could read as another host goes home.
func TestLoginNextStaysOnSite(t *testing.T) {
	ts := newSite(t)
	for _, c := range []struct{ next, want string }{
		{"/tasks/1?x=1", "/tasks/1?x=1"},
		{"/units/2", "/units/2"},
		{"//evil.example/", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"", "/"},
	} {
		code, _, loc := ts.post(ts.client(""), "/login", url.Values{"login": {"office"}, "password": {testPassword}, "next": {c.next}})
		if code != see || loc != c.want {
			t.Errorf("next=%q: %d to %q, want %q", c.next, code, loc, c.want)
		}
	}
}

// TestLimitsOnEveryWayIn: the preview's corrections and the API's PATCH
// are held to the ledger's limits; nothing oversized is saved.
func TestLimitsOnEveryWayIn(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	resp := upload(t, ts, oc, "002.txt", seedFile(t, "002"))
	resp.Body.Close()
	draft := resp.Header.Get("Location")
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"3 MB title", url.Values{"title": {strings.Repeat("标", 1<<20)}}, "通知标题不能超过"},
		{"100,000-character unit", url.Values{"lead-0": {strings.Repeat("单", 100_000)}}, "过长"},
		{"60 leaders", url.Values{"leaders-0": {strings.Join(names(60, "领导%d"), "、")}}, "位责任领导"},
	} {
		c.form.Set("action", "save")
		code, body, _ := ts.post(oc, draft, c.form)
		if code != bad || !strings.Contains(body, c.want) || !strings.Contains(body, "修改未保存") {
			t.Errorf("preview %s: %d, want 400 with %q\n%.300s", c.name, code, c.want, body)
		}
	}
	if _, page := ts.get(oc, draft); len(page) > 1<<20 || strings.Contains(page, strings.Repeat("单", 200)) {
		t.Errorf("a refused correction was saved (page of %d bytes)", len(page))
	}

	tok := ts.token("office")
	many := func(n int, item string) string { return strings.TrimSuffix(strings.Repeat(item+",", n), ",") }
	for _, c := range []struct{ name, json, want string }{
		{"40,000 leaders", `"leaders": [` + many(40_000, `"某"`) + `]`, "最多列 50 位责任领导"},
		{"12,000 targets", `"targets": [` + many(12_000, `{"indicator":"x","op":">=","value":1}`) + `]`, "最多列 100 项量化指标"},
		{"long deadline words", `"deadline_text": "` + strings.Repeat("年", 300) + `"`, "时限说明不能超过 200 字"},
	} {
		code, body := ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", ts.tasks[0].ID), tok,
			fmt.Sprintf(`{"version": %d, %s}`, ts.tasks[0].Version, c.json))
		if code != bad || !strings.Contains(body, c.want) {
			t.Errorf("PATCH %s: %d, want 400 with %q\n%.200s", c.name, code, c.want, body)
		}
	}
	if now, _ := ts.store.Task(context.Background(), ts.tasks[0].ID, ledger.Scope{}); now.Version != 1 {
		t.Errorf("a refused PATCH changed the task to version %d", now.Version)
	}
}

// names is n distinct names from a format with one %d.
func names(n int, format string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}

// TestBadTextRefused: a NUL, invalid UTF-8 or a control character in any
// text a request carries — search, filter, login name, task text, path,
// JSON — is a 400 with a Chinese message on both databases, and nothing
// is stored; an overlong search is refused the same way.
func TestBadTextRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ts := newSiteOn(t, st)
		office, tok := ts.client("office"), ts.token("office")
		task := ts.tasks[0]
		edit := fmt.Sprintf("/tasks/%d/edit", task.ID)
		form := func(text string) url.Values {
			return url.Values{"text": {text}, "version": {"1"}, "lead": {"省发展改革委"}}
		}
		for _, bad := range []string{"\x00", "\xff\xfe", "a\x1bb", "a\x7fb"} {
			for _, c := range []struct {
				name string
				do   func() (int, string)
			}{
				{"search", func() (int, string) {
					return ts.get(office, "/notices/"+fmt.Sprint(ts.noticeID)+"?q="+url.QueryEscape(bad))
				}},
				{"unit search", func() (int, string) { return ts.get(office, "/units?q="+url.QueryEscape(bad)) }},
				{"filter", func() (int, string) { return ts.get(office, "/?leader="+url.QueryEscape(bad)) }},
				{"API filter", func() (int, string) { return ts.api("GET", "/api/v1/tasks?heading="+url.QueryEscape(bad), tok, "") }},
				{"API search", func() (int, string) { return ts.api("GET", "/api/v1/tasks?q="+url.QueryEscape(bad), tok, "") }},
				{"path", func() (int, string) { return ts.get(office, "/leaders/"+url.PathEscape("张"+bad)) }},
				{"login name", func() (int, string) {
					code, body, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"office" + bad}, "password": {testPassword}})
					return code, body
				}},
				{"task text", func() (int, string) {
					code, body, _ := ts.post(office, edit, form("扩大有效投资"+bad))
					return code, body
				}},
				{"API task text", func() (int, string) {
					return ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", task.ID), tok, `{"version": 1, "text": "扩大`+jsonText(bad)+`"}`)
				}},
				{"API leader", func() (int, string) {
					return ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", task.ID), tok, `{"version": 1, "leaders": ["张`+jsonText(bad)+`"]}`)
				}},
			} {
				code, body := c.do()
				if code != bad400 || !strings.Contains(body, "无效字符") {
					t.Errorf("%s with %q: %d, want 400 saying 无效字符\n%.300s", c.name, bad, code, body)
				}
			}
		}
		// Tabs and line breaks are text in a task, not refused.
		if code, body, _ := ts.post(office, edit, form("第一行\n\t第二行")); code != see || strings.Contains(body, "无效字符") {
			t.Errorf("text with a line break: %d\n%.300s", code, body)
		}
		long := strings.Repeat("搜", 50_000)
		for _, path := range []string{"/units?q=" + long, "/api/v1/tasks?q=" + long, fmt.Sprintf("/notices/%d?q=%s", ts.noticeID, long)} {
			var code int
			var body string
			if strings.HasPrefix(path, "/api/") {
				code, body = ts.api("GET", path, tok, "")
			} else {
				code, body = ts.get(office, path)
			}
			if code != bad400 || !strings.Contains(body, "过长") {
				t.Errorf("50,000-character search %.20s: %d\n%.300s", path, code, body)
			}
		}
		now, err := st.Task(context.Background(), task.ID, ledger.Scope{})
		if err != nil || strings.ContainsAny(now.Text, "\x00\x1b\x7f") || !utf8.ValidString(now.Text) {
			t.Errorf("stored text %q (%v)", now.Text, err)
		}
	})
}

// jsonText writes s inside a JSON string as a client might: control
// characters escaped (\u0000), invalid bytes left raw.
func jsonText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, `\u%04x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// countChecks makes the server count the passwords it checks.
func countChecks(s *Server) *atomic.Int32 {
	var n atomic.Int32
	s.checkPassword = func(hash, pw string) bool {
		n.Add(1)
		return auth.CheckPassword(hash, pw)
	}
	return &n
}

// TestLoginParallelGuesses: 50 simultaneous logins to one account, 49
// wrong and 1 right, check at most the limit of passwords; once the lock
// is set the right password is refused too.
func TestLoginParallelGuesses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ts := newSiteOn(t, st)
		checked := countChecks(ts.server)
		limit := ts.server.cfg.MaxFailures
		type answer struct {
			code int
			body string
		}
		answers := make([]answer, 50)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range answers {
			pw := fmt.Sprintf("wrong password %d", i)
			if i == len(answers)-1 {
				pw = testPassword
			}
			wg.Go(func() {
				<-start
				resp, err := ts.client("").PostForm(ts.srv.URL+"/login", url.Values{"login": {"viewer"}, "password": {pw}})
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				answers[i] = answer{resp.StatusCode, string(b)}
			})
		}
		close(start)
		wg.Wait()
		if n := checked.Load(); n > int32(limit) {
			t.Errorf("%d passwords checked, want at most %d", n, limit)
		}
		for i, a := range answers {
			right := i == len(answers)-1
			if a.code == see && right {
				continue // the right one came before the lock
			}
			if a.code != unau {
				t.Errorf("attempt %d (right: %v): %d", i, right, a.code)
			}
		}
		code, body, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"viewer"}, "password": {testPassword}})
		if code != unau || !strings.Contains(body, "已锁定") {
			t.Errorf("the right password after the lock: %d, want 401 saying 已锁定", code)
		}
		if n := checked.Load(); n > int32(limit) {
			t.Errorf("%d passwords checked after the lock, want at most %d", n, limit)
		}
	})
}

// lockText is a login page's error without the time it names.
func lockText(body string) string {
	_, e, ok := strings.Cut(body, `class="error"`)
	if !ok {
		return ""
	}
	e, _, _ = strings.Cut(e, "</")
	return regexp.MustCompile(`\d\d:\d\d`).ReplaceAllString(e, "HH:MM")
}

// TestLoginLockSaysNothingOfAccounts: a login naming no account is
// answered exactly as one that does, failure after failure.
func TestLoginLockSaysNothingOfAccounts(t *testing.T) {
	ts := newSite(t)
	for i := range ts.server.cfg.MaxFailures + 2 {
		_, real, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"viewer"}, "password": {"wrong password"}})
		_, none, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"nosuchuser"}, "password": {"wrong password"}})
		if lockText(real) == "" || lockText(real) != lockText(none) {
			t.Errorf("attempt %d: an account answers %q, no account %q", i+1, lockText(real), lockText(none))
		}
	}
}

// siteWith serves ts's database with a changed configuration.
func siteWith(t *testing.T, ts *site, edit func(*Config)) (*Server, *httptest.Server) {
	cfg := Config{}
	edit(&cfg)
	srv, err := New(cfg, ts.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return srv, hs
}

// loginFrom logs in as if from addr, through a trusted proxy.
func loginFrom(t *testing.T, base, addr, login, pw string) (int, string) {
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"login": {login}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestLoginLimitsByAddress: a guesser locks an account only for its own
// address — the administrator logs in from elsewhere — and one address
// trying a few passwords on many accounts is stopped too.
func TestLoginLimitsByAddress(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ts := newSiteOn(t, st)
		proxies, _ := ParseProxies("127.0.0.1, ::1")
		srv, hs := siteWith(t, ts, func(c *Config) { c.TrustedProxies = proxies })
		checked := countChecks(srv)
		const attacker, office = "203.0.113.9", "198.51.100.20"
		for range 10 {
			loginFrom(t, hs.URL, attacker, "admin", "guess guess")
		}
		if code, body := loginFrom(t, hs.URL, attacker, "admin", testPassword); code != unau || !strings.Contains(body, "已锁定") {
			t.Errorf("the guesser's address, right password: %d", code)
		}
		if code, _ := loginFrom(t, hs.URL, office, "admin", testPassword); code != see {
			t.Errorf("the administrator from another address was locked out: %d", code)
		}
		// Four tries on each account stay under each account's limit,
		// but not under the address's.
		spray := "192.0.2.77"
		n := 0
		for _, login := range []string{"office", "unit", "unit2", "leader", "viewer", "nobody1", "nobody2"} {
			for range srv.cfg.MaxFailures - 1 {
				loginFrom(t, hs.URL, spray, login, "guess guess")
				n++
			}
		}
		before := checked.Load()
		code, body := loginFrom(t, hs.URL, spray, "viewer", testPassword)
		if n < srv.cfg.MaxFailuresAddress || code != unau || !strings.Contains(body, "已锁定") || checked.Load() != before {
			t.Errorf("after %d failures from one address: %d (checked: %v)", n, code, checked.Load() != before)
		}
		if code, _ := loginFrom(t, hs.URL, office, "viewer", testPassword); code != see {
			t.Errorf("viewer from another address: %d", code)
		}
	})
}

// TestPasswordChangeCountsFailures: wrong "current password" tries count
// like failed logins, so a stolen session cannot guess the password.
func TestPasswordChangeCountsFailures(t *testing.T) {
	ts := newSite(t)
	c := ts.client("unit")
	form := func(cur string) url.Values {
		return url.Values{"current": {cur}, "password": {"新的密码12345"}, "confirm": {"新的密码12345"}}
	}
	for i := range ts.server.cfg.MaxFailures {
		code, body, _ := ts.post(c, "/account/password", form("not my password"))
		if code != bad || (i == ts.server.cfg.MaxFailures-1) != strings.Contains(body, "已锁定") {
			t.Errorf("wrong current password %d: %d", i+1, code)
		}
	}
	if code, body, _ := ts.post(c, "/account/password", form(testPassword)); code != bad || !strings.Contains(body, "已锁定") {
		t.Errorf("right current password after the lock: %d", code)
	}
	if code, _, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"unit"}, "password": {testPassword}}); code != unau {
		t.Errorf("login after the lock: %d", code)
	}
}

// TestTokensEndWithThePassword: a password change by the account or a
// reset by an administrator revokes the account's API tokens; an
// administrator lists and revokes any account's tokens, and disabling an
// account stops its sessions and tokens at once.
func TestTokensEndWithThePassword(t *testing.T) {
	ts := newSite(t)
	admin := ts.client("admin")
	works := func(tok string) bool {
		code, _ := ts.api("GET", "/api/v1/notices", tok, "")
		return code == ok
	}
	// The account changes its own password.
	tok := ts.token("unit")
	code, _, _ := ts.post(ts.client("unit"), "/account/password", url.Values{"current": {testPassword}, "password": {"新的密码12345"}, "confirm": {"新的密码12345"}})
	if code != see || works(tok) {
		t.Errorf("after the account changed its password (%d) its token still works", code)
	}
	// An administrator resets it.
	tok = ts.token("viewer")
	if code, _, _ := ts.post(admin, fmt.Sprintf("/users/%d/password", ts.users["viewer"].ID), url.Values{"password": {"重置后的密码123"}}); code != see || works(tok) {
		t.Errorf("after a reset (%d) the token still works", code)
	}
	// An administrator sees another account's tokens and revokes one.
	keep, drop := ts.token("office"), ts.token("office")
	tokens, _ := ts.store.APITokens(context.Background(), ts.users["office"].ID)
	_, page := ts.get(admin, fmt.Sprintf("/users/%d/tokens", ts.users["office"].ID))
	for _, tk := range tokens {
		if !strings.Contains(page, fmt.Sprintf(`action="/users/%d/tokens/%d/delete"`, ts.users["office"].ID, tk.ID)) {
			t.Errorf("token %d not listed", tk.ID)
		}
	}
	code, _, where := ts.post(admin, fmt.Sprintf("/users/%d/tokens/%d/delete", ts.users["office"].ID, tokens[1].ID), nil)
	if code != see || works(drop) || !works(keep) {
		t.Errorf("revoke: %d to %q; revoked works %v, kept works %v", code, where, works(drop), works(keep))
	}
	if _, page := ts.get(admin, where); !strings.Contains(page, "已撤销账号“office”的一个 API 令牌") {
		t.Error("no message after revoking")
	}
	// Disabling stops the session and the token at once; enabling lets
	// the account back in.
	office := ts.client("office")
	if code, _, _ := ts.post(admin, fmt.Sprintf("/users/%d/disable", ts.users["office"].ID), nil); code != see {
		t.Fatalf("disable: %d", code)
	}
	if code, _ := ts.get(office, "/account"); code != see || works(keep) {
		t.Errorf("a disabled account's session (%d) or token (%v) still works", code, works(keep))
	}
	code, body, _ := ts.post(ts.client(""), "/login", url.Values{"login": {"office"}, "password": {testPassword}})
	if code != unau || !strings.Contains(body, "已停用") {
		t.Errorf("a disabled account logged in: %d", code)
	}
	if _, page := ts.get(admin, "/users"); !strings.Contains(page, fmt.Sprintf(`action="/users/%d/enable"`, ts.users["office"].ID)) {
		t.Error("the accounts page offers no way to enable the disabled account")
	}
	if code, _, _ := ts.post(admin, fmt.Sprintf("/users/%d/enable", ts.users["office"].ID), nil); code != see || !works(keep) {
		t.Errorf("enable: %d; token works %v", code, works(keep))
	}
	ts.client("office") // fails unless the login works again
}

// TestParsingBounded: no more than MaxParsing notices are parsed at once;
// one more waits, and is told to retry after ParseWait; a sender who
// leaves while waiting costs nothing. A zip bomb is refused in Chinese.
func TestParsingBounded(t *testing.T) {
	ts := newSite(t)
	srv, hs := siteWith(t, ts, func(c *Config) { c.MaxParsing, c.ParseWait = 1, 300*time.Millisecond })
	ts.srv = hs // upload() goes to this server
	oc := ts.client("office")
	srv.parsing <- struct{}{} // a long parse holds the only place
	resp := upload(t, ts, oc, "002.txt", seedFile(t, "002"))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "系统正忙") {
		t.Errorf("upload while the parser is busy: %s\n%.300s", resp.Status, b)
	}
	<-srv.parsing
	resp = upload(t, ts, oc, "002.txt", seedFile(t, "002"))
	resp.Body.Close()
	if resp.StatusCode != see {
		t.Errorf("upload once the parser is free: %s", resp.Status)
	}
	if len(srv.parsing) != 0 {
		t.Errorf("%d places still held after the uploads", len(srv.parsing))
	}
	resp = upload(t, ts, oc, "bomb.docx", docintest.ZipBomb(190))
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != bad || !strings.Contains(string(b), "解压后内容过大") {
		t.Errorf("zip bomb: %s\n%.300s", resp.Status, b)
	}
}

// TestSecureCookiesAndHSTS: cookies are Secure and HSTS is sent when the
// browser reaches the site over TLS — served directly, declared with
// SecureCookies, or said by a trusted proxy's X-Forwarded-Proto — and not
// when an untrusted client merely claims it.
func TestSecureCookiesAndHSTS(t *testing.T) {
	ts := newSite(t)
	proxy, _ := ParseProxies("127.0.0.0/8,::1")
	other, _ := ParseProxies("10.9.9.9")
	for _, c := range []struct {
		name   string
		cfg    func(*Config)
		tls    bool
		proto  string
		secure bool
	}{
		{"plain HTTP", func(*Config) {}, false, "", false},
		{"plain HTTP claiming https", func(*Config) {}, false, "https", false},
		{"served over TLS", func(*Config) {}, true, "", true},
		{"declared behind a TLS proxy", func(c *Config) { c.SecureCookies = true }, false, "", true},
		{"trusted proxy says https", func(c *Config) { c.TrustedProxies = proxy }, false, "https", true},
		{"trusted proxy says http", func(c *Config) { c.TrustedProxies = proxy }, false, "http", false},
		{"untrusted peer says https", func(c *Config) { c.TrustedProxies = other }, false, "https", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{}
			c.cfg(&cfg)
			srv, err := New(cfg, ts.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			var hs *httptest.Server
			if c.tls {
				hs = httptest.NewTLSServer(srv.Handler())
			} else {
				hs = httptest.NewServer(srv.Handler())
			}
			defer hs.Close()
			client := hs.Client()
			client.CheckRedirect = noFollow.CheckRedirect
			req, _ := http.NewRequest("POST", hs.URL+"/login", strings.NewReader(url.Values{"login": {"office"}, "password": {testPassword}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.proto != "" {
				req.Header.Set("X-Forwarded-Proto", c.proto)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var cookie *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == sessionCookie {
					cookie = ck
				}
			}
			if resp.StatusCode != see || cookie == nil {
				t.Fatalf("login: %s, cookie %v", resp.Status, cookie)
			}
			hsts := resp.Header.Get("Strict-Transport-Security")
			if cookie.Secure != c.secure || (hsts != "") != c.secure {
				t.Errorf("cookie Secure %v, HSTS %q; want secure %v", cookie.Secure, hsts, c.secure)
			}
		})
	}
}

// TestClientAddr: X-Forwarded-For is read only from trusted proxies, from
// the right, so a client cannot choose the address it is counted under.
func TestClientAddr(t *testing.T) {
	proxies, _ := ParseProxies("10.0.0.0/8, 127.0.0.1")
	s := &Server{cfg: Config{TrustedProxies: proxies}}
	for _, c := range []struct{ remote, xff, want string }{
		{"203.0.113.5:4000", "", "203.0.113.5"},
		{"203.0.113.5:4000", "1.2.3.4", "203.0.113.5"},
		{"10.0.0.2:4000", "198.51.100.7", "198.51.100.7"},
		{"10.0.0.2:4000", "1.2.3.4, 198.51.100.7", "198.51.100.7"},
		{"10.0.0.2:4000", "198.51.100.7, 10.0.0.3", "198.51.100.7"},
		{"10.0.0.2:4000", "garbage", "10.0.0.2"},
		{"127.0.0.1:4000", "", "127.0.0.1"},
		{"[::ffff:10.0.0.2]:4000", "2001:db8::1", "2001:db8::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientAddr(r); got != c.want {
			t.Errorf("from %s with X-Forwarded-For %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
	for addr, want := range map[string]string{"198.51.100.7": "198.51.100.7", "2001:db8:1:2:3::9": "2001:db8:1:2::/64", "pipe": "pipe"} {
		if got := throttleAddr(addr); got != want {
			t.Errorf("failures from %s counted under %s, want %s", addr, got, want)
		}
	}
}
