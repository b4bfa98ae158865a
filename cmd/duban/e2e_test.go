package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"duban/internal/office"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium for the test, or skips the test when
// there is none (unless DUBAN_E2E=require).
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("DUBAN_E2E") == "require" {
			t.Fatalf("DUBAN_E2E=require but there is no browser at %s", chromiumPath)
		}
		t.Skipf("end-to-end test skipped: no browser at %s (apt-get install chromium; DUBAN_E2E=require makes this a failure)", chromiumPath)
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Start the browser on this context: one started under a step's
	// timeout would close when that step ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// page is the browser seen by a test: each helper fails the test with
// where the browser was and what the page said.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (p *page) fail(step string, err error) {
	p.t.Helper()
	loc, _ := chromedp.Run(p.ctx, chromedp.Location())
	text, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if r := []rune(strings.TrimSpace(text)); len(r) > 600 {
		text = string(r[:600]) + "…"
	}
	p.t.Fatalf("%s: %v\nat %s, the page says:\n%s", step, err, loc, text)
}

// do runs steps, each given 20 seconds.
func (p *page) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fail(step, err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](p *page, step, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.fail(step, err)
	}
	return v
}

// waitPath waits until the browser is at a path matching re and returns
// the submatches.
func (p *page) waitPath(step string, re *regexp.Regexp) []string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		loc, err := chromedp.Run(p.ctx, chromedp.Location())
		if err == nil {
			if u, perr := url.Parse(loc); perr == nil {
				if m := re.FindStringSubmatch(u.Path); m != nil {
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			p.fail(step, fmt.Errorf("did not reach a page matching %s", re))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// poll waits until the JavaScript condition holds.
func (p *page) poll(step, cond string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !eval[bool](p, step, cond) {
		if time.Now().After(deadline) {
			p.fail(step, fmt.Errorf("condition never held: %s", cond))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logIn logs in through the login page and waits for the home page.
func (p *page) logIn(login, password string) {
	p.t.Helper()
	p.do("open the login page", chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	p.do("log in as "+login,
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
	p.waitPath("after logging in", regexp.MustCompile(`^/$`))
}

// squash removes all white space, so texts compare across line breaks.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// TestEndToEnd drives the site in Chromium as the office would: log in,
// import a notice through the preview, filter the ledger, edit a task and
// download the ledger as Excel.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: starts the server and a browser")
	}
	ctx := browser(t)
	const password = "e2e-Admin-password"
	seed, err := filepath.Abs(fxSeed(t, "001"))
	if err != nil {
		t.Fatal(err)
	}
	n := parseSeed(t, seed)
	n.FoldAnnex() // the import makes the rows of attached tables tasks (seed 001 has none)
	if len(n.Tasks) >= 200 {
		t.Fatalf("seed 001 has %d tasks; the ledger page shows 200 at most", len(n.Tasks))
	}
	db := filepath.Join(t.TempDir(), "duban.db")
	srv := startDuban(t, t.TempDir(), testEnv("DUBAN_ADMIN_PASSWORD="+password), "serve", "--db", db, "--addr", "127.0.0.1:0")
	p := &page{t: t, ctx: ctx, base: srv.URL}
	defer func() {
		if t.Failed() {
			t.Logf("server output:\n%s", srv.out)
		}
	}()

	// Log in.
	p.logIn("admin", password)

	// Upload the seed and check the preview.
	p.do("open /import", chromedp.Navigate(p.base+"/import"), chromedp.WaitVisible(chromedp.CSS(`form#import-form`)))
	p.do("upload the notice",
		chromedp.SetUploadFiles(chromedp.CSS(`form#import-form input[name=file]`), []string{seed}),
		chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)),
	)
	p.waitPath("after uploading", regexp.MustCompile(`^/import/(\d+)$`))
	p.do("preview ledger", chromedp.WaitVisible(chromedp.CSS(`table.ledger`)))
	if got := eval[int](p, "count preview rows", `document.querySelectorAll("table.ledger tr.task").length`); got != len(n.Tasks) {
		t.Errorf("preview shows %d tr.task rows, want the seed's %d tasks", got, len(n.Tasks))
	}
	if len(n.Warnings) > 0 {
		shown := squash(eval[string](p, "read warnings", `[...document.querySelectorAll(".warnings")].map(e => e.innerText).join("\n")`))
		for _, w := range n.Warnings {
			if !strings.Contains(shown, squash(w.Message)) {
				t.Errorf("preview does not show the warning %q in .warnings", w.Message)
			}
		}
	}

	// Confirm: the notice's ledger.
	p.do("confirm the import", chromedp.Click(chromedp.CSS(`button#confirm`)))
	noticeID := p.waitPath("after confirming", regexp.MustCompile(`^/notices/(\d+)$`))[1]
	p.do("notice ledger", chromedp.WaitVisible(chromedp.CSS(`table.ledger`)))
	total := eval[int](p, "count ledger rows", `document.querySelectorAll("table.ledger tr.task").length`)
	if total != len(n.Tasks) {
		t.Errorf("ledger shows %d tr.task rows, want %d", total, len(n.Tasks))
	}
	if missing := eval[int](p, "task ids", `[...document.querySelectorAll("table.ledger tr.task")].filter(r => !/^\d+$/.test(r.dataset.taskId || "")).length`); missing > 0 {
		t.Errorf("%d ledger rows have no data-task-id", missing)
	}

	// Filter by the first unit of task 1: its lead unit, or in a notice
	// that names only responsible units (seed 001 does), the first of those.
	units := n.Tasks[0].Units()
	if len(units) == 0 {
		t.Fatal("task 1 of seed 001 names no unit")
	}
	unit := units[0]
	value := eval[string](p, "find the unit option", fmt.Sprintf(
		`([...document.querySelectorAll("form.filters select[name=unit] option")].find(o => o.textContent.trim() === %s) || {value: ""}).value`,
		strconv.Quote(unit)))
	if value == "" {
		p.fail("filter by unit", fmt.Errorf("no option labelled %q in form.filters select[name=unit]", unit))
	}
	p.do("filter by "+unit,
		chromedp.SetValue(chromedp.CSS(`form.filters select[name=unit]`), value),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
	)
	p.poll("filtered ledger", fmt.Sprintf(`location.search.includes("unit=%s") && document.querySelectorAll("table.ledger tr.task").length < %d`, value, total))
	rows := eval[[]string](p, "read filtered rows", `[...document.querySelectorAll("table.ledger tr.task")].map(r => r.innerText)`)
	if len(rows) == 0 {
		t.Errorf("filtering by %s shows no task", unit)
	}
	for i, r := range rows {
		if !strings.Contains(r, unit) {
			t.Errorf("filtered by %s, row %d does not name it: %q", unit, i+1, r)
		}
	}

	// Edit a task.
	taskID := eval[string](p, "first task id", `document.querySelector("table.ledger tr.task").dataset.taskId`)
	p.do("open the task form", chromedp.Navigate(p.base+"/tasks/"+taskID+"/edit"), chromedp.WaitVisible(chromedp.CSS(`form#task-form textarea[name=text]`)))
	old, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`form#task-form textarea[name=text]`)))
	if err != nil {
		p.fail("read the task text", err)
	}
	edited := strings.TrimSpace(old) + "（端到端测试已核实）"
	p.do("save the task",
		chromedp.SetValue(chromedp.CSS(`form#task-form textarea[name=text]`), edited),
		chromedp.Click(chromedp.CSS(`button#save`)),
	)
	p.waitPath("after saving", regexp.MustCompile(`^/tasks/`+taskID+`$`))
	p.do("task page", chromedp.WaitVisible(chromedp.CSS(`ol.history`)))
	if body := eval[string](p, "task page text", `document.body.innerText`); !strings.Contains(squash(body), squash(edited)) {
		t.Errorf("the task page does not show the new text %q", edited)
	}
	if got := eval[int](p, "history entries", `document.querySelectorAll("ol.history > li").length`); got != 1 {
		t.Errorf("ol.history has %d entries, want 1", got)
	}

	// Download the ledger with the browser's session.
	p.do("back to the notice", chromedp.Navigate(p.base+"/notices/"+noticeID), chromedp.WaitVisible(chromedp.CSS(`a#export-xlsx`)))
	href := eval[string](p, "export link", `document.querySelector("a#export-xlsx").href`)
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.base + "/"}})
	if err != nil {
		p.fail("read the browser's cookies", err)
	}
	req, _ := http.NewRequest("GET", href, nil)
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", href, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s with the browser's cookies: status %d", href, resp.StatusCode)
	}
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatalf("the download is not an xlsx file: %v", err)
	}
	defer f.Close()
	sheet, err := f.GetRows(office.SheetLedger)
	if err != nil {
		t.Fatalf("sheet %s: %v", office.SheetLedger, err)
	}
	textCol, header := -1, -1
	for i, row := range sheet {
		for j, c := range row {
			if c == "任务内容" {
				textCol, header = j, i
			}
		}
		if header >= 0 {
			break
		}
	}
	if header < 0 {
		t.Fatalf("sheet %s has no 任务内容 column", office.SheetLedger)
	}
	var texts []string
	for _, row := range sheet[header+1:] {
		if textCol < len(row) && strings.TrimSpace(row[textCol]) != "" {
			texts = append(texts, row[textCol])
		}
	}
	if len(texts) != len(n.Tasks) {
		t.Errorf("sheet %s has %d task rows, want %d", office.SheetLedger, len(texts), len(n.Tasks))
	}
	found := 0
	for _, s := range texts {
		if squash(s) == squash(edited) {
			found++
		}
	}
	if found != 1 {
		t.Errorf("sheet %s has the edited text in %d rows, want 1: %q", office.SheetLedger, found, edited)
	}
	t.Logf("notice %s: %d tasks, %d warnings in the preview; %d rows for %s; task %s edited; %d rows in the xlsx",
		noticeID, total, len(n.Warnings), len(rows), unit, taskID, len(texts))
}
