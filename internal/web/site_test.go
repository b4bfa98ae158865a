package web

import (
	"context"
	"duban/internal/ledger"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// servers are every test server, whose rendered templates TestMain counts.
var servers struct {
	sync.Mutex
	list []*Server
}

// TestMain fails a full run of the package in which some template was
// never rendered: a page no test looks at is a page nobody checked.
func TestMain(m *testing.M) {
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && f != nil && f.Value.String() == "" {
		t, err := loadTemplates(templateFS, time.UTC)
		if err != nil {
			panic(err)
		}
		for name := range t.pages {
			seen := false
			for _, s := range servers.list {
				if _, ok := s.tmpl.rendered.Load(name); ok {
					seen = true
				}
			}
			if !seen {
				fmt.Fprintf(os.Stderr, "template %s.html was never rendered by a test\n", name)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// testPassword is every test account's password.
const testPassword = "correct horse 1"

var (
	hashOnce sync.Once
	testHash string
)

// site is a running server with one account per role, two unit accounts
// (unit A leads task 1, unit B leads task 2) and a small notice.
type site struct {
	t        testing.TB
	store    *store.Store
	srv      *httptest.Server
	server   *Server
	users    map[string]*store.User // by login: admin, office, unit, unit2, leader, viewer
	noticeID int64
	tasks    []*ledger.Task // in order: 1 (unit A lead), 2 (unit B lead), 3 (group)
	unitA    *store.Unit
	unitB    *store.Unit
}

// siteNotice has three tasks under two headings, a leader and a group.
func siteNotice() *notice.Notice {
	return &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕9号", Year: 2026, Title: "2026年重点工作分工方案",
		Schedule: notice.Schedule{Cycle: notice.CycleQuarterly},
		Tasks: []notice.Task{
			{No: "1", Path: []string{"一、稳增长"}, Text: "扩大有效投资，完成投资5000亿元以上。", Lead: []string{"省发展改革委"}, Support: []string{"省财政厅"},
				Leaders: []string{"张副省长"}, Deadline: notice.NewDate(2026, 12, 31)},
			{No: "2", Path: []string{"一、稳增长"}, Text: "促进消费<script>alert(1)</script>。", Lead: []string{"省商务厅"}, Support: []string{"省发展改革委"}},
			{No: "3", Path: []string{"二、惠民生"}, Text: "办好十件民生实事。", Responsible: []string{"各省辖市政府"}, Leaders: []string{"李副省长"}},
		}}
}

func newSite(t testing.TB) *site {
	t.Helper()
	return newSiteOn(t, testdb.New(t))
}

// newSiteOn is newSite on a given database, for tests run on each engine.
func newSiteOn(t testing.TB, st *store.Store) *site {
	t.Helper()
	hashOnce.Do(func() { testHash, _ = auth.HashPassword(testPassword) })
	ctx := context.Background()
	id, err := st.ImportNotice(ctx, siteNotice(), "site.txt", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	ts := &site{t: t, store: st, noticeID: id, users: map[string]*store.User{}}
	ts.unitA, _ = st.UnitByName(ctx, "省发展改革委")
	ts.unitB, _ = st.UnitByName(ctx, "省商务厅")
	for _, nu := range []store.NewUser{
		{Login: "admin", Name: "管理员", Role: store.RoleAdmin},
		{Login: "office", Name: "督查室王科长", Role: store.RoleOffice},
		{Login: "unit", Name: "发改委填报员", Role: store.RoleUnit, UnitID: ts.unitA.ID},
		{Login: "unit2", Name: "商务厅填报员", Role: store.RoleUnit, UnitID: ts.unitB.ID},
		{Login: "leader", Name: "张副省长", Role: store.RoleLeader, Leader: "张副省长"},
		{Login: "viewer", Name: "查看员", Role: store.RoleViewer},
	} {
		nu.PasswordHash = testHash
		uid, err := st.CreateUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		ts.users[nu.Login], _ = st.User(ctx, uid)
	}
	ts.tasks, _ = st.Tasks(ctx, store.TaskFilter{NoticeID: id})
	ts.serve(Config{})
	return ts
}

// serve (re)starts the site's server with cfg; clients made after it use it.
func (ts *site) serve(cfg Config) {
	ts.t.Helper()
	var err error
	ts.server, err = New(cfg, ts.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		ts.t.Fatal(err)
	}
	servers.Lock()
	servers.list = append(servers.list, ts.server)
	servers.Unlock()
	ts.srv = httptest.NewServer(ts.server.Handler())
	ts.t.Cleanup(ts.srv.Close)
}

// client returns a browser logged in as login, or anonymous for "".
func (ts *site) client(login string) *http.Client {
	ts.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if login == "" {
		return c
	}
	resp, err := c.PostForm(ts.srv.URL+"/login", url.Values{"login": {login}, "password": {testPassword}})
	if err != nil {
		ts.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		ts.t.Fatalf("login %s: %s", login, resp.Status)
	}
	return c
}

// token issues an API token to login.
func (ts *site) token(login string) string {
	ts.t.Helper()
	tok := auth.NewToken("dbn_")
	if _, err := ts.store.CreateAPIToken(context.Background(), ts.users[login].ID, "test", auth.TokenHash(tok)); err != nil {
		ts.t.Fatal(err)
	}
	return tok
}

// get fetches path and returns the status and body.
func (ts *site) get(c *http.Client, path string) (int, string) {
	ts.t.Helper()
	resp, err := c.Get(ts.srv.URL + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post submits a form and returns the status, body and Location.
func (ts *site) post(c *http.Client, path string, form url.Values) (int, string, string) {
	ts.t.Helper()
	resp, err := c.PostForm(ts.srv.URL+path, form)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// api calls the JSON API with a bearer token ("" for none).
func (ts *site) api(method, path, token, body string) (int, string) {
	ts.t.Helper()
	req, _ := http.NewRequest(method, ts.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// roleOrder is the accounts every route is tried as; "" is anonymous.
var roleOrder = []string{"", "admin", "office", "unit", "unit2", "leader", "viewer"}

// access is a route's expected status for each of roleOrder, in order.
type access [7]int

// Statuses, short so that route tables stay one line a route.
const (
	ok   = http.StatusOK
	see  = http.StatusSeeOther
	unau = http.StatusUnauthorized
	forb = http.StatusForbidden
	nf   = http.StatusNotFound
	bad  = http.StatusBadRequest
)

// routeCase is one request and what each account must get for it.
type routeCase struct {
	method, path string
	form         url.Values
	want         access
}

// walk sends every case as every account of roleOrder. An anonymous GET
// that is turned away must be sent to the login page.
func (ts *site) walk(t *testing.T, cases []routeCase) {
	t.Helper()
	clients := map[string]*http.Client{}
	for _, who := range roleOrder {
		clients[who] = ts.client(who)
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			for i, who := range roleOrder {
				cl := clients[who]
				if c.path == "/logout" {
					cl = ts.client(who) // logging out must not end the shared sessions
				}
				req, _ := http.NewRequest(c.method, ts.srv.URL+c.path, strings.NewReader(c.form.Encode()))
				if c.form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := cl.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if who == "" {
					who = "anonymous"
				}
				if resp.StatusCode != c.want[i] {
					t.Errorf("%s: status %d, want %d\n%.300s", who, resp.StatusCode, c.want[i], body)
				}
				if who == "anonymous" && c.method == "GET" && resp.StatusCode == see && c.path != "/" &&
					!strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
					t.Errorf("anonymous: redirected to %q, want the login page", resp.Header.Get("Location"))
				}
			}
		})
	}
}
