package main

import (
	"context"
	"database/sql"
	"duban/internal/ledger"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/notice"
	"duban/internal/store"
)

// crashTasks is the size of the notice the crash test imports: large
// enough that importing it takes seconds, so that kills can land before,
// inside and after its transaction.
const crashTasks = 20000

// crashNotice is a generated notice of n tasks, 500 under each of n/500
// headings (the parser reads at most three-digit task numbers), every task
// text unique.
func crashNotice(n int) string {
	var b strings.Builder
	b.WriteString("某省人民政府办公厅关于印发2026年重点工作分工方案的通知\n\n")
	const per = 500
	for i := 1; i <= n; i++ {
		if (i-1)%per == 0 {
			h := (i-1)/per + 1
			fmt.Fprintf(&b, "%s、第%d部分任务\n", chineseNumber(h), h)
		}
		fmt.Fprintf(&b, "%d. 第%d项任务内容……。（牵头单位：省单位%d厅；配合单位：省单位%d厅）\n", (i-1)%per+1, i, i%50, (i+1)%50)
	}
	return b.String()
}

// chineseNumber writes 1…99 as a heading number: 一, 十二, 四十.
func chineseNumber(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	}
	return d[n/10] + "十" + d[n%10]
}

// crashDB makes a fresh database with an office account and returns an
// API token of it.
func crashDB(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, path)
	defer st.Close()
	// The account never logs in with a password; any hash will do.
	id, err := st.CreateUser(ctx, store.NewUser{Login: "office", Name: "督查室", Role: store.RoleOffice, PasswordHash: "-"})
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.NewToken("dbn_")
	if _, err := st.CreateAPIToken(ctx, id, "crash test", auth.TokenHash(tok)); err != nil {
		t.Fatal(err)
	}
	return tok
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// crashRun is one start of the server, one import and one kill -9.
type crashRun struct {
	name string
	// The kill comes after delay, or once the SQLite write-ahead log has
	// grown by walGrowth bytes (the import transaction is writing), or,
	// with neither, after the server answered.
	delay     time.Duration
	walGrowth int64

	// What happened.
	status   int           // the answer, 0 when killed first
	took     time.Duration // from the request to the kill
	walGrown int64         // how much the log had grown at the kill
	present  bool          // the notice is in the database afterwards
}

func (r *crashRun) String() string {
	answer := "killed before an answer"
	if r.status != 0 {
		answer = fmt.Sprintf("answered %d", r.status)
	}
	state := "no notice"
	if r.present {
		state = "whole notice"
	}
	return fmt.Sprintf("%-14s kill at %6dms, log +%5d KiB, %s → %s", r.name, r.took.Milliseconds(), r.walGrown>>10, answer, state)
}

// TestCrashDuringImport kills the server with SIGKILL while it imports a
// notice of 20,000 tasks through the API, at several moments, and checks
// that the database then holds either nothing or the whole notice, never
// part of it.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test: starts the server and imports 20,000 tasks several times")
	}
	dubanBinary(t)
	body := crashNotice(crashTasks)
	if n, err := notice.Parse(body); err != nil || len(n.Tasks) != crashTasks {
		t.Fatalf("the generated notice parses into %d tasks (%v), want %d", len(n.Tasks), err, crashTasks)
	}

	// The full run comes first: its log size at the answer sets where the
	// in-transaction kills aim.
	runs := []*crashRun{
		{name: "finish"},
		{name: "50ms", delay: 50 * time.Millisecond},
		{name: "150ms", delay: 150 * time.Millisecond},
		{name: "400ms", delay: 400 * time.Millisecond},
		{name: "1s", delay: time.Second},
		{name: "log 1/8"},
		{name: "log 1/2"},
	}
	var fullLog int64
	for i, r := range runs {
		switch r.name {
		case "log 1/8":
			r.walGrowth = max(fullLog/8, 256<<10)
		case "log 1/2":
			r.walGrowth = max(fullLog/2, 512<<10)
		}
		t.Run(strings.ReplaceAll(r.name, "/", "of"), func(t *testing.T) {
			crashOnce(t, r, body)
			t.Log(r)
		})
		if i == 0 {
			fullLog = r.walGrown
			if r.status != http.StatusCreated || !r.present {
				t.Fatalf("the import let to finish did not succeed (%s): the API must answer 201", r)
			}
		}
	}

	var summary []string
	absent, present, inTx := 0, 0, 0
	for _, r := range runs {
		summary = append(summary, r.String())
		if r.present {
			present++
		} else {
			absent++
			if r.walGrown >= 256<<10 {
				inTx++
			}
		}
	}
	t.Logf("kills:\n%s", strings.Join(summary, "\n"))
	if absent == 0 || present == 0 {
		t.Errorf("want both outcomes: %d runs left no notice, %d the whole notice", absent, present)
	}
	if inTx == 0 {
		t.Errorf("no kill landed inside the import transaction (log grown, no notice): the test proves less than it should")
	}
}

// crashOnce runs one server on a fresh database, posts the notice, kills
// the server as r says and checks what the database holds.
func crashOnce(t *testing.T, r *crashRun, body string) {
	db := filepath.Join(t.TempDir(), "crash.db")
	wal := db + "-wal"
	tok := crashDB(t, db)
	p := startDuban(t, t.TempDir(), testEnv(), "serve", "--db", db, "--addr", "127.0.0.1:0")

	type answer struct {
		status int
		err    error
	}
	answered := make(chan answer, 1)
	base := fileSize(wal)
	start := time.Now()
	go func() {
		req, _ := http.NewRequest("POST", p.URL+"/api/v1/notices?name=crash.txt", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- answer{status: resp.StatusCode}
	}()

	var got *answer
	switch {
	case r.delay > 0:
		select {
		case a := <-answered:
			got = &a
		case <-time.After(r.delay):
		}
	case r.walGrowth > 0:
		tick := time.NewTicker(time.Millisecond)
	poll:
		for {
			select {
			case a := <-answered:
				got = &a
				break poll
			case <-tick.C:
				if fileSize(wal)-base >= r.walGrowth {
					break poll
				}
			}
		}
		tick.Stop()
	default:
		a := <-answered
		got = &a
	}
	r.took = time.Since(start)
	r.walGrown = fileSize(wal) - base
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if got == nil {
		a := <-answered
		if a.err == nil { // the answer beat the kill
			got = &a
		}
	}
	if got != nil {
		if got.err != nil {
			t.Fatalf("POST /api/v1/notices: %v\n%s", got.err, p.out)
		}
		r.status = got.status
	}
	if r.status != 0 && r.status != http.StatusCreated {
		t.Fatalf("POST /api/v1/notices answered %d, want 201:\n%s", r.status, p.out)
	}

	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	err = raw.QueryRow("PRAGMA integrity_check").Scan(&check)
	raw.Close()
	if err != nil || check != "ok" {
		t.Fatalf("integrity_check after kill -9: %q %v", check, err)
	}
	ctx := context.Background()
	st := openStore(t, db)
	defer st.Close()
	notices, err := st.Notices(ctx, ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := st.CountTasks(ctx, store.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(notices) == 0 && tasks == 0:
		if r.status == http.StatusCreated {
			t.Errorf("the server answered 201 but the notice is gone after kill -9")
		}
	case len(notices) == 1 && tasks == crashTasks && notices[0].TaskCount == crashTasks:
		r.present = true
	default:
		t.Errorf("partial import after kill -9: %d notices, %d tasks (want 0 and 0, or 1 and %d)", len(notices), tasks, crashTasks)
	}
}
