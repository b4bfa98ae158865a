package main

import (
	"context"
	"duban/internal/ledger"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// loadSize is the load test's size: DUBAN_LOAD_REQUESTS requests from
// DUBAN_LOAD_CLIENTS clients. CI runs a small load so that every check
// runs on every change; the bar's figures come from
//
//	DUBAN_LOAD_REQUESTS=2000 DUBAN_LOAD_CLIENTS=50 go test -run TestLoad -v ./cmd/duban/
func loadSize(t *testing.T) (requests, clients int) {
	requests, clients = 200, 10
	for _, v := range []struct {
		env string
		n   *int
	}{{"DUBAN_LOAD_REQUESTS", &requests}, {"DUBAN_LOAD_CLIENTS", &clients}} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 100000 {
				t.Fatalf("%s=%q: want a number from 1 to 100000", v.env, s)
			}
			*v.n = n
		}
	}
	return requests, clients
}

// loadEdit is an edit the server acknowledged: the task reached version
// with deadline_text mark.
type loadEdit struct {
	task    int64
	version int
	mark    string
}

// loadRun is what the clients share.
type loadRun struct {
	t       *testing.T
	http    *http.Client
	servers []string
	token   string
	tasks   []int64
	notice  int64
	budget  atomic.Int64 // requests left

	mu        sync.Mutex
	latencies []time.Duration
	errors    []string
	edits     []loadEdit
	conflicts int
}

// do sends one request if the budget allows, to the servers in turn; it
// returns the status and body, or ok=false when the budget is spent.
func (lr *loadRun) do(n int, method, path, body string) (code int, out []byte, ok bool) {
	if lr.budget.Add(-1) < 0 {
		return 0, nil, false
	}
	req, _ := http.NewRequest(method, lr.servers[n%len(lr.servers)]+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+lr.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := lr.http.Do(req)
	if err == nil {
		out, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		code = resp.StatusCode
	}
	d := time.Since(start)
	lr.mu.Lock()
	defer lr.mu.Unlock()
	lr.latencies = append(lr.latencies, d)
	switch {
	case err != nil:
		lr.errors = append(lr.errors, fmt.Sprintf("%s %s: %v", method, path, err))
	case code == http.StatusOK, code == http.StatusConflict && method == http.MethodPatch:
	default:
		lr.errors = append(lr.errors, fmt.Sprintf("%s %s: %d %.200s", method, path, code, out))
	}
	return code, out, true
}

// client c mixes ledger reads (a page of the notice's tasks, one task)
// with edits: read a task, PATCH it with its version, and on 409 retry
// with the version the answer names.
func (lr *loadRun) client(c int) {
	for i := 0; ; i++ {
		n := c + i
		task := lr.tasks[(c*7+i)%len(lr.tasks)]
		switch i % 3 {
		case 0:
			if _, _, ok := lr.do(n, "GET", fmt.Sprintf("/api/v1/tasks?notice=%d&limit=50&offset=%d", lr.notice, (i/3)%3*50), ""); !ok {
				return
			}
		case 1:
			if _, _, ok := lr.do(n, "GET", fmt.Sprintf("/api/v1/tasks/%d", task), ""); !ok {
				return
			}
		case 2:
			code, out, ok := lr.do(n, "GET", fmt.Sprintf("/api/v1/tasks/%d", task), "")
			if !ok {
				return
			}
			var cur struct {
				Version int `json:"version"`
			}
			if code != http.StatusOK || json.Unmarshal(out, &cur) != nil {
				continue
			}
			mark := fmt.Sprintf("load-%d-%d", c, i)
			for try := 0; ; try++ {
				body := fmt.Sprintf(`{"version": %d, "deadline_text": %q}`, cur.Version, mark)
				code, out, ok := lr.do(n+try+1, "PATCH", fmt.Sprintf("/api/v1/tasks/%d", task), body)
				if !ok {
					return
				}
				if code == http.StatusConflict {
					var stale struct {
						Current struct {
							Version int `json:"version"`
						} `json:"current"`
					}
					if json.Unmarshal(out, &stale) != nil || stale.Current.Version == 0 {
						lr.mu.Lock()
						lr.errors = append(lr.errors, fmt.Sprintf("409 without the current task: %.200s", out))
						lr.mu.Unlock()
						break
					}
					lr.mu.Lock()
					lr.conflicts++
					lr.mu.Unlock()
					cur.Version = stale.Current.Version
					continue
				}
				var saved struct {
					Version      int    `json:"version"`
					DeadlineText string `json:"deadline_text"`
				}
				if code == http.StatusOK {
					if json.Unmarshal(out, &saved) != nil || saved.Version != cur.Version+1 || saved.DeadlineText != mark {
						lr.mu.Lock()
						lr.errors = append(lr.errors, fmt.Sprintf("PATCH answered 200 with %.200s, want version %d and %s", out, cur.Version+1, mark))
						lr.mu.Unlock()
						break
					}
					lr.mu.Lock()
					lr.edits = append(lr.edits, loadEdit{task, saved.Version, mark})
					lr.mu.Unlock()
				}
				break
			}
		}
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// TestLoad: many API clients read the ledger and edit tasks through two
// `duban serve` processes sharing one database, on SQLite and on
// PostgreSQL: no request fails (a 409 for a stale version is retried, not
// an error), and every edit acknowledged is in the audit log, exactly
// once. Throughput and latency are logged with an anchor: single-row
// insert transactions per second into the same database, same run.
func TestLoad(t *testing.T) {
	requests, clients := loadSize(t)
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := testdb.DSN(t, engine)
			st := openStore(t, dsn)
			defer st.Close()
			nid, err := st.ImportNotice(ctx, parseSeed(t, filepath.Join(repoRoot(t), "testdata/seeds/002_a99145987f6f3da9.txt")), "002.txt", store.CLI)
			if err != nil {
				t.Fatal(err)
			}
			all, err := st.Tasks(ctx, store.TaskFilter{NoticeID: nid})
			if err != nil {
				t.Fatal(err)
			}
			lr := &loadRun{t: t, notice: nid}
			// Edits go to a few tasks, so that the two processes collide.
			for _, task := range all[:min(16, len(all))] {
				lr.tasks = append(lr.tasks, task.ID)
			}
			hash, _ := auth.HashPassword("load test password 1")
			uid, err := st.CreateUser(ctx, store.NewUser{Login: "office", Name: "督查室", Role: store.RoleOffice, PasswordHash: hash})
			if err != nil {
				t.Fatal(err)
			}
			lr.token = auth.NewToken("dbn_")
			if _, err := st.CreateAPIToken(ctx, uid, "load", auth.TokenHash(lr.token)); err != nil {
				t.Fatal(err)
			}

			dir := t.TempDir()
			var procs []*dubanProc
			for range 2 {
				p := startDuban(t, dir, testEnv(), "serve", "--db", dsn, "--addr", "127.0.0.1:0")
				procs = append(procs, p)
				lr.servers = append(lr.servers, p.URL)
			}
			lr.http = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			lr.budget.Store(int64(requests))

			start := time.Now()
			var wg sync.WaitGroup
			for c := range clients {
				wg.Add(1)
				go func() { defer wg.Done(); lr.client(c) }()
			}
			wg.Wait()
			wall := time.Since(start)

			if len(lr.errors) > 0 {
				t.Errorf("%d of %d requests failed; first: %s", len(lr.errors), len(lr.latencies), strings.Join(lr.errors[:min(5, len(lr.errors))], "\n"))
			}
			if len(lr.latencies) != requests {
				t.Errorf("%d requests sent, want %d", len(lr.latencies), requests)
			}
			if len(lr.edits) == 0 {
				t.Fatalf("no edit was acknowledged")
			}
			for _, p := range procs {
				if out := p.out.String(); strings.Contains(out, "level=ERROR") {
					t.Errorf("a server logged an error under load:\n%.2000s", out)
				}
			}

			// Every acknowledged edit is in the audit log, once, with the
			// version it was acknowledged at; no other edit is.
			for _, id := range lr.tasks {
				h, err := st.History(ctx, store.EntityTask, id)
				if err != nil {
					t.Fatal(err)
				}
				var logged []string
				for _, e := range h {
					var after struct {
						DeadlineText string `json:"deadline_text"`
					}
					json.Unmarshal(e.After, &after)
					if e.Action == store.ActionUpdate {
						logged = append(logged, after.DeadlineText)
					}
				}
				var acked []string
				for _, e := range lr.edits {
					if e.task == id {
						acked = append(acked, e.mark)
					}
				}
				slices.Sort(logged)
				slices.Sort(acked)
				if !slices.Equal(logged, acked) {
					t.Errorf("task %d: audit log holds %d edits, %d were acknowledged:\nlogged %v\nacked  %v", id, len(logged), len(acked), logged, acked)
				}
				task, err := st.Task(ctx, id, ledger.Scope{})
				if err != nil {
					t.Fatal(err)
				}
				if task.Version != 1+len(acked) {
					t.Errorf("task %d at version %d after %d acknowledged edits", id, task.Version, len(acked))
				}
			}

			slices.Sort(lr.latencies)
			// Anchor: single-row insert transactions through the store's
			// write path into the same database, right after the load.
			const anchorN = 300
			astart := time.Now()
			for i := range anchorN {
				if err := st.CreateSession(ctx, fmt.Sprintf("anchor-%d", i), uid, time.Now().Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			anchor := float64(anchorN) / time.Since(astart).Seconds()
			t.Logf("%s: %d requests from %d clients over 2 processes in %s: %.0f req/s, p50 %s, p99 %s; %d edits acknowledged, %d conflicts retried; anchor %.0f single-row insert tx/s",
				engine, len(lr.latencies), clients, wall.Round(time.Millisecond), float64(len(lr.latencies))/wall.Seconds(),
				percentile(lr.latencies, 0.50).Round(100*time.Microsecond), percentile(lr.latencies, 0.99).Round(100*time.Microsecond),
				len(lr.edits), lr.conflicts, anchor)
		})
	}
}
