package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"duban/internal/docin"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// The serve tests run the real binary, built once, as a subprocess: a
// server started in-process could not be stopped or killed.
var testBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testBinary.dir != "" {
		os.RemoveAll(testBinary.dir)
	}
	os.Exit(code)
}

// dubanBinary builds cmd/duban once per test run.
func dubanBinary(t testing.TB) string {
	t.Helper()
	testBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "duban-bin-")
		if err != nil {
			testBinary.err = err
			return
		}
		testBinary.dir = dir
		path := filepath.Join(dir, "duban")
		out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
		if err != nil {
			testBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		testBinary.path = path
	})
	if testBinary.err != nil {
		t.Fatal(testBinary.err)
	}
	return testBinary.path
}

// repoRoot is where `duban serve --demo` finds testdata/seeds.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// testEnv is the environment without any DUBAN_ setting of the machine,
// plus extra ("K=V").
func testEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DUBAN_ADDR=") || strings.HasPrefix(kv, "DUBAN_DB=") || strings.HasPrefix(kv, "DUBAN_ADMIN_PASSWORD=") ||
			strings.HasPrefix(kv, "DUBAN_LOG_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// syncBuffer collects a process's output while tests read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// dubanProc is a running `duban serve`.
type dubanProc struct {
	t      testing.TB
	cmd    *exec.Cmd
	out    *syncBuffer // stdout and stderr
	exited chan struct{}
	urls   chan string
	URL    string // http://127.0.0.1:PORT
}

var listeningRE = regexp.MustCompile(`listening on (https?://[^\s)]+)`)

// startDuban starts the binary in dir and waits until it says where it
// listens. It is killed when the test ends if still running.
func startDuban(t testing.TB, dir string, env []string, args ...string) *dubanProc {
	t.Helper()
	p := launchDuban(t, dir, env, args...)
	p.waitListening()
	return p
}

// launchDuban starts the binary in dir without waiting for it, so that
// several can start at once; waitListening then waits for each.
func launchDuban(t testing.TB, dir string, env []string, args ...string) *dubanProc {
	t.Helper()
	p := &dubanProc{t: t, out: &syncBuffer{}, exited: make(chan struct{}), urls: make(chan string, 1)}
	p.cmd = exec.Command(dubanBinary(t), args...)
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout = p.out
	pr, pw := io.Pipe()
	p.cmd.Stderr = pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := p.urls
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			p.out.Write([]byte(line + "\n"))
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(p.out, pr)
	}()
	go func() {
		p.cmd.Wait()
		pw.Close()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// waitListening waits until the server says where it listens.
func (p *dubanProc) waitListening() {
	p.t.Helper()
	args := strings.Join(p.cmd.Args[1:], " ")
	select {
	case p.URL = <-p.urls:
	case <-p.exited:
		p.t.Fatalf("duban %s exited (%v) before listening:\n%s", args, p.cmd.ProcessState, p.out)
	case <-time.After(2 * time.Minute):
		p.t.Fatalf("duban %s did not start listening in 2 minutes:\n%s", args, p.out)
	}
}

// stop asks the server to shut down as Ctrl-C does and returns its exit
// status.
func (p *dubanProc) stop() int {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		p.t.Fatalf("duban did not stop within 30s of SIGINT:\n%s", p.out)
	}
	return p.cmd.ProcessState.ExitCode()
}

// runDuban runs the binary to its end, for starts that must fail.
func runDuban(t testing.TB, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, dubanBinary(t), args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("duban %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("duban %s did not exit within a minute (it should have refused to start):\n%s", strings.Join(args, " "), out)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// loginStatus posts the login form and returns the status: 303 is a
// successful login.
func loginStatus(t testing.TB, base, login, password string) int {
	t.Helper()
	resp, err := noRedirect.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}})
	if err != nil {
		t.Fatalf("POST /login as %s: %v", login, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func mustLogin(t testing.TB, base, login, password string) {
	t.Helper()
	if code := loginStatus(t, base, login, password); code != http.StatusSeeOther {
		t.Fatalf("POST /login as %s: status %d, want 303", login, code)
	}
}

// oneErrorLine checks a refusal is one line of Chinese starting "duban:".
func oneErrorLine(t testing.TB, out, want string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "duban:") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], want) || !hasHan(lines[0]) {
		t.Errorf("want one Chinese line \"duban: …%s…\", got:\n%s", want, out)
	}
}

var initialPasswordRE = regexp.MustCompile(`初始密码：(\S+)`)

// TestServeFreshDirectory: with no flags the database is duban.db in the
// working directory; the admin's random password is shown once and works.
func TestServeFreshDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := startDuban(t, dir, testEnv(), "serve", "--addr", "127.0.0.1:0")
	if _, err := os.Stat(filepath.Join(dir, "duban.db")); err != nil {
		t.Errorf("duban.db not created in the working directory: %v", err)
	}
	out := p.out.String()
	m := initialPasswordRE.FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		t.Fatalf("want the admin password printed once, found %d times:\n%s", len(m), out)
	}
	pw := m[0][1]
	if !strings.Contains(out, "我的账号") {
		t.Errorf("the password box does not say where to change it:\n%s", out)
	}
	if !strings.Contains(out, "duban 已启动：http://127.0.0.1:") {
		t.Errorf("no start line with the URL:\n%s", out)
	}
	mustLogin(t, p.URL, "admin", pw)
	if code := loginStatus(t, p.URL, "admin", pw+"x"); code == http.StatusSeeOther {
		t.Errorf("a wrong password logged in")
	}
	if code := p.stop(); code != 0 {
		t.Fatalf("exit %d after SIGINT, want 0:\n%s", code, p.out)
	}

	p = startDuban(t, dir, testEnv(), "serve", "--addr", "127.0.0.1:0")
	if strings.Contains(p.out.String(), "初始密码") || strings.Contains(p.out.String(), pw) {
		t.Errorf("second start printed a password:\n%s", p.out)
	}
	mustLogin(t, p.URL, "admin", pw)
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d after SIGINT, want 0", code)
	}
}

// TestServeAdminPasswordFromEnv: DUBAN_ADMIN_PASSWORD is the admin's
// password and is never printed; a weak one is refused before anything
// is created.
func TestServeAdminPasswordFromEnv(t *testing.T) {
	t.Parallel()
	const pw = "Env-Secret-7Qx2"
	dir := t.TempDir()
	p := startDuban(t, dir, testEnv("DUBAN_ADMIN_PASSWORD="+pw), "serve", "--addr", "127.0.0.1:0")
	mustLogin(t, p.URL, "admin", pw)
	p.stop()
	if out := p.out.String(); strings.Contains(out, pw) || strings.Contains(out, "初始密码") {
		t.Errorf("the password from the environment was printed:\n%s", out)
	}

	weakDir := t.TempDir()
	code, out := runDuban(t, weakDir, testEnv("DUBAN_ADMIN_PASSWORD=abc12"), "serve", "--addr", "127.0.0.1:0")
	if code != 2 {
		t.Errorf("weak DUBAN_ADMIN_PASSWORD: exit %d, want 2:\n%s", code, out)
	}
	oneErrorLine(t, out, "DUBAN_ADMIN_PASSWORD")
	if strings.Contains(out, "abc12") {
		t.Errorf("the refused password was printed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(weakDir, "duban.db")); err == nil {
		t.Errorf("a database was created although the configuration was refused")
	}
}

// TestServeEnvironment: DUBAN_DB and DUBAN_ADDR configure serve; flags win.
func TestServeEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envDB, flagDB := filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	env := testEnv("DUBAN_DB="+envDB, "DUBAN_ADDR=127.0.0.1:0", "DUBAN_ADMIN_PASSWORD=correct horse")

	p := startDuban(t, dir, env, "serve")
	mustLogin(t, p.URL, "admin", "correct horse")
	p.stop()
	if _, err := os.Stat(envDB); err != nil {
		t.Errorf("DUBAN_DB not used: %v", err)
	}

	// The environment's address is taken: only the flag can make this start.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	env = testEnv("DUBAN_DB="+envDB, "DUBAN_ADDR="+ln.Addr().String(), "DUBAN_ADMIN_PASSWORD=correct horse")
	p = startDuban(t, dir, env, "serve", "--db", flagDB, "--addr", "127.0.0.1:0")
	p.stop()
	if _, err := os.Stat(flagDB); err != nil {
		t.Errorf("--db did not win over DUBAN_DB: %v", err)
	}
}

// TestServeDemo: --demo imports the five seeds and creates the demo
// accounts once; a second --demo start adds nothing.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	args := []string{"serve", "--demo", "--db", db, "--addr", "127.0.0.1:0"}
	p := startDuban(t, repoRoot(t), testEnv(), args...)
	if strings.Contains(p.out.String(), "初始密码") {
		t.Errorf("--demo printed a random password; admin's is demo:\n%s", p.out)
	}
	for _, login := range []string{"admin", "office", "viewer"} {
		mustLogin(t, p.URL, login, "demo")
	}
	resp, err := http.Get(p.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(page, []byte("演示")) {
		t.Errorf("the login page does not show the demo hint (web.Config.Demo)")
	}
	if code := p.stop(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.out)
	}

	notices, tasks, users := demoCounts(t, db)
	seeds, _ := filepath.Glob(filepath.Join(repoRoot(t), "testdata/seeds/*.txt"))
	if len(notices) != len(seeds) || len(seeds) != 5 {
		t.Fatalf("%d notices imported, want the %d seeds", len(notices), len(seeds))
	}
	wantTasks := 0
	for _, s := range seeds {
		// every item: the body's tasks and the rows of attached tables (seed 002's 85)
		wantTasks += len(parseSeed(t, s).LedgerTasks())
	}
	if tasks != wantTasks {
		t.Errorf("%d tasks, want %d", tasks, wantTasks)
	}
	st := openStore(t, db)
	units, err := st.Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(units) == 0 {
		t.Fatal("no units in the directory")
	}
	for _, u := range units {
		acc, err := st.UserByLogin(context.Background(), fmt.Sprintf("u%d", u.ID))
		if err != nil {
			t.Errorf("no account for unit %d %s: %v", u.ID, u.Name, err)
			continue
		}
		if acc.Role != store.RoleUnit || acc.UnitID != u.ID || acc.Name != u.Label {
			t.Errorf("account u%d = %+v, want unit %s", u.ID, acc, u.Label)
		}
	}
	checkDemoGovernments(t, st)
	// the year is in motion: plans and reports in every state, a closed task
	ctx := context.Background()
	for _, state := range []ledger.State{ledger.Submitted, ledger.Returned, ledger.Accepted} {
		if q, err := st.ReviewQueue(ctx, store.ReviewFilter{State: state}); err != nil || len(q) == 0 {
			t.Errorf("the demo has no %s report: %v", state, err)
		}
	}
	if q, err := st.ReviewQueue(ctx, store.ReviewFilter{State: ledger.Draft}); err != nil || len(q) == 0 {
		t.Errorf("the demo has no report left in draft: %v", err)
	}
	if ps, err := st.PlansInState(ctx, ledger.Submitted, 0); err != nil || len(ps) == 0 {
		t.Errorf("the demo has no plan awaiting review: %v", err)
	}
	if n, err := st.CountTasks(ctx, store.TaskFilter{Light: ledger.LightClosed}); err != nil || n == 0 {
		t.Errorf("the demo has no closed task: %d %v", n, err)
	}
	reports := len(mustQueue(t, st))
	st.Close()

	p = startDuban(t, repoRoot(t), testEnv(), args...)
	mustLogin(t, p.URL, fmt.Sprintf("u%d", units[len(units)-1].ID), "demo")
	p.stop()
	notices2, tasks2, users2 := demoCounts(t, db)
	st = openStore(t, db)
	if again := len(mustQueue(t, st)); again != reports {
		t.Errorf("second --demo start filed reports again: %d → %d accepted", reports, again)
	}
	st.Close()
	if len(notices2) != len(notices) || tasks2 != tasks || users2 != users {
		t.Errorf("second --demo start changed the data: notices %d→%d, tasks %d→%d, accounts %d→%d",
			len(notices), len(notices2), tasks, tasks2, users, users2)
	}

	// The seeds are in the binary: --demo works from any directory.
	elsewhere := t.TempDir()
	p = startDuban(t, elsewhere, testEnv(), "serve", "--demo", "--db", "away.db", "--addr", "127.0.0.1:0")
	mustLogin(t, p.URL, "office", "demo")
	p.stop()
	if away, _, _ := demoCounts(t, filepath.Join(elsewhere, "away.db")); len(away) != len(seeds) {
		t.Errorf("--demo away from the repository imported %d notices, want %d", len(away), len(seeds))
	}
}

// TestServeDemoRefusesARealDatabase: --demo adds accounts whose password
// is "demo" only to an empty database or one created as a demo.
func TestServeDemoRefusesARealDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "real.db")
	env := testEnv("DUBAN_ADMIN_PASSWORD=long enough")
	p := startDuban(t, dir, env, "serve", "--db", db, "--addr", "127.0.0.1:0")
	p.stop()
	code, out := runDuban(t, dir, testEnv(), "import", "--db", db, filepath.Join(repoRoot(t), "testdata/seeds/001_c42bd75bfea9daab.txt"))
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	_, _, before := demoCounts(t, db)
	code, out = runDuban(t, repoRoot(t), testEnv(), "serve", "--demo", "--db", db, "--addr", "127.0.0.1:0")
	if code != 1 {
		t.Errorf("--demo on a real database: exit %d, want 1\n%s", code, out)
	}
	oneErrorLine(t, out, "--demo")
	notices, _, after := demoCounts(t, db)
	if after != before || len(notices) != 1 {
		t.Errorf("--demo on a real database changed it: accounts %d→%d, %d notices", before, after, len(notices))
	}
}

// TestServeDev: --dev reads the templates from internal/web, so it runs
// from the repository root and refuses to start elsewhere.
func TestServeDev(t *testing.T) {
	t.Parallel()
	env := testEnv("DUBAN_ADMIN_PASSWORD=long enough")
	args := []string{"serve", "--dev", "--db", filepath.Join(t.TempDir(), "dev.db"), "--addr", "127.0.0.1:0"}
	p := startDuban(t, repoRoot(t), env, args...)
	resp, err := http.Get(p.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /login with --dev: status %d", resp.StatusCode)
	}
	mustLogin(t, p.URL, "admin", "long enough")
	p.stop()

	code, out := runDuban(t, t.TempDir(), env, args...)
	if code != 2 {
		t.Errorf("--dev outside the repository: exit %d, want 2:\n%s", code, out)
	}
	oneErrorLine(t, out, "仓库根目录")
}

func openStore(t testing.TB, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	return st
}

func demoCounts(t testing.TB, db string) (notices []*store.NoticeInfo, tasks, users int) {
	t.Helper()
	st := openStore(t, db)
	defer st.Close()
	ctx := context.Background()
	notices, err := st.Notices(ctx, ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if tasks, err = st.CountTasks(ctx, store.TaskFilter{}); err != nil {
		t.Fatal(err)
	}
	if users, err = st.CountUsers(ctx); err != nil {
		t.Fatal(err)
	}
	return notices, tasks, users
}

func parseSeed(t testing.TB, path string) *notice.Notice {
	t.Helper()
	text, err := docin.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := notice.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServePostgres: a postgres:// DSN serves from PostgreSQL.
func TestServePostgres(t *testing.T) {
	if os.Getenv("DUBAN_TEST_PG") == "" {
		t.Skip("DUBAN_TEST_PG not set")
	}
	t.Parallel()
	dsn := testdb.DSN(t, "postgres")
	env := testEnv("DUBAN_ADMIN_PASSWORD=pg-admin-password")
	p := startDuban(t, t.TempDir(), env, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	mustLogin(t, p.URL, "admin", "pg-admin-password")
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d:\n%s", code, p.out)
	}
	st := openStore(t, dsn)
	defer st.Close()
	if n, err := st.CountUsers(context.Background()); err != nil || n != 1 {
		t.Errorf("PostgreSQL holds %d accounts (%v), want admin", n, err)
	}
}

// TestServeAddressInUse: a taken address is one Chinese line and exit 1.
func TestServeAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	code, out := runDuban(t, dir, testEnv("DUBAN_ADMIN_PASSWORD=long enough"), "serve", "--addr", ln.Addr().String())
	if code != 1 {
		t.Errorf("exit %d, want 1:\n%s", code, out)
	}
	oneErrorLine(t, out, "已被占用")
	if _, err := os.Stat(filepath.Join(dir, "duban.db")); err == nil {
		t.Errorf("a database was created although the address is taken")
	}
}

// TestServeNewerSchema: a database written by a newer duban is refused.
func TestServeNewerSchema(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "duban.db")
	openStore(t, db).Close()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out := runDuban(t, t.TempDir(), testEnv("DUBAN_ADMIN_PASSWORD=long enough"), "serve", "--db", db, "--addr", "127.0.0.1:0")
	if code != 1 {
		t.Errorf("exit %d, want 1:\n%s", code, out)
	}
	oneErrorLine(t, out, "9999")
	if strings.Contains(out, "listening") {
		t.Errorf("served a newer database:\n%s", out)
	}
}

// TestServeBadUsage: refusals before anything starts, run in-process.
func TestServeBadUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"argument", []string{"serve", "extra"}, "extra"},
		{"address", []string{"serve", "--addr", "nonsense"}, "监听地址"},
		{"flag", []string{"serve", "--nope"}, "nope"},
		{"certificate without key", []string{"serve", "--tls-cert", "cert.pem"}, "--tls-key"},
		{"missing certificate", []string{"serve", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"}, "证书"},
		{"proxies", []string{"serve", "--trusted-proxies", "10.0.0.0/99"}, "--trusted-proxies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DUBAN_ADMIN_PASSWORD", "")
			code, _, stderr := runCmd(t, "", tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, tc.want, stderr)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		code, _, stderr := runCmd(t, "", "serve", "-h")
		if code != 0 || !strings.Contains(stderr, "DUBAN_ADMIN_PASSWORD") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
	})
}

// TestImport: `duban import` reports each file in one line, refuses a
// notice imported before and any file it cannot read, and exits 1 when
// any file failed.
func TestImport(t *testing.T) {
	t.Setenv("DUBAN_DB", "")
	db := filepath.Join(t.TempDir(), "duban.db")
	seed1, seed2 := fxSeed(t, "001"), fxSeed(t, "002")
	n1, n2 := parseSeed(t, seed1), parseSeed(t, seed2)

	code, stdout, stderr := runCmd(t, "", "import", "--db", db, seed1)
	want := fmt.Sprintf("已导入 %s：%d 项任务，%d 条提示（通知编号 1）", seed1, len(n1.Tasks), len(n1.Warnings))
	if code != 0 || !strings.HasPrefix(stdout, want) || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("first import: exit %d, stdout %q, want a line starting %q; stderr:\n%s", code, stdout, want, stderr)
	}

	code, stdout, stderr = runCmd(t, "", "import", "--db", db, seed1)
	if code != 1 || stdout != "" {
		t.Errorf("second import: exit %d, stdout %q; want exit 1", code, stdout)
	}
	oneErrorLine(t, stderr, "已导入过")

	code, stdout, stderr = runCmd(t, "", "import", "--show-warnings", seed2, "--db", db)
	if code != 0 || strings.Count(stdout, "\n  第") != len(n2.Warnings) || len(n2.Warnings) == 0 {
		t.Errorf("--show-warnings: exit %d, want %d warnings listed:\n%s%s", code, len(n2.Warnings), stdout, stderr)
	}
	// Seed 002's attached table is imported too, and said so.
	want = fmt.Sprintf("已导入 %s：%d 项任务（其中附件表 %d 项）", seed2, len(n2.Tasks)+len(n2.Annex), len(n2.Annex))
	if !strings.HasPrefix(stdout, want) || len(n2.Annex) == 0 {
		t.Errorf("import of seed 002 says %q; want %q", stdout, want)
	}

	dir := t.TempDir()
	bad := map[string]string{
		"missing":   filepath.Join(dir, "nothing-here.txt"),
		"directory": dir,
		"picture":   write(t, "scan.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
		"no tasks":  write(t, "letter.txt", []byte("各位同事：\n明天上午九点开会。\n")),
	}
	for name, path := range bad {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, "", "import", "--db", db, path)
			if code != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 1", code, stdout)
			}
			oneErrorLine(t, stderr, "")
		})
	}

	// Several files: the good one is imported, exit 1 for the bad one.
	seed3 := fxSeed(t, "003")
	code, stdout, stderr = runCmd(t, "", "import", "--db", db, bad["missing"], seed3)
	if code != 1 || !strings.Contains(stdout, "已导入") || !strings.Contains(stderr, "找不到") {
		t.Errorf("mixed files: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	// DUBAN_DB names the database when --db is absent; "-" is standard input.
	envDB := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("DUBAN_DB", envDB)
	text, err := os.ReadFile(seed1)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCmd(t, string(text), "import", "-")
	if code != 0 || !strings.HasPrefix(stdout, "已导入 标准输入：") {
		t.Errorf("import - with DUBAN_DB: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(envDB); err != nil {
		t.Errorf("DUBAN_DB not used: %v", err)
	}

	if code, _, stderr := runCmd(t, "", "import"); code != 2 || !strings.Contains(stderr, "duban import") {
		t.Errorf("no files: exit %d, want 2 with the usage:\n%s", code, stderr)
	}
}

// checkDemoGovernments: in the demo, units of different governments stay
// apart and groups reach their member governments' accounts.
func checkDemoGovernments(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	sees := func(unit *store.Unit) map[string]int {
		ts, err := st.Tasks(ctx, store.TaskFilter{Scope: ledger.Scope{UnitID: unit.ID}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, tk := range ts {
			out[tk.Jurisdiction]++
		}
		return out
	}
	unit := func(j, name string) *store.Unit {
		u, err := st.UnitByNameIn(ctx, j, name)
		if err != nil {
			t.Fatalf("unit %s of %s: %v", name, j, err)
		}
		if _, err := st.UserByLogin(ctx, fmt.Sprintf("u%d", u.ID)); err != nil {
			t.Errorf("no demo account for %s", u.Label)
		}
		return u
	}
	smx, xc := unit("411200", "市财政局"), unit("411000", "市财政局")
	if smx.ID == xc.ID {
		t.Fatal("三门峡's and 许昌's 市财政局 are one unit")
	}
	for _, u := range []*store.Unit{smx, xc} {
		if got := sees(u); len(got) != 1 || got[u.Jurisdiction] == 0 {
			t.Errorf("%s sees tasks of %v, want its own city's only", u.Label, got)
		}
	}
	cities := unit("410000", "各省辖市政府")
	zz := unit("410000", "郑州市政府")
	if zz.Jurisdiction != "410100" || !slices.ContainsFunc(cities.Members, func(m store.UnitRef) bool { return m.ID == zz.ID }) {
		t.Errorf("郑州市政府 %+v is not a member of 各省辖市政府 %v", zz, cities.Members)
	}
	groupTasks, _ := st.CountTasks(ctx, store.TaskFilter{UnitID: cities.ID})
	direct, _ := st.CountTasks(ctx, store.TaskFilter{Scope: ledger.Scope{UnitID: zz.ID}})
	if groupTasks == 0 || direct < groupTasks {
		t.Errorf("郑州市政府 sees %d tasks; 各省辖市政府 has %d", direct, groupTasks)
	}
	counties := unit("411200", "各县〔市、区〕政府")
	hb := unit("411200", "湖滨区政府")
	if !slices.ContainsFunc(counties.Members, func(m store.UnitRef) bool { return m.ID == hb.ID }) {
		t.Errorf("湖滨区政府 is not a member of 三门峡's 各县〔市、区〕政府: %v", counties.Members)
	}
	if got := sees(hb); got["411200"] < counties.Resp+counties.Lead {
		t.Errorf("湖滨区政府 sees %v, want the %d tasks of 各县〔市、区〕政府", got, counties.Resp+counties.Lead)
	}
}

// mustQueue is every accepted report.
func mustQueue(t *testing.T, st *store.Store) []store.ReviewItem {
	t.Helper()
	q, err := st.ReviewQueue(context.Background(), store.ReviewFilter{State: ledger.Accepted, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return q
}
