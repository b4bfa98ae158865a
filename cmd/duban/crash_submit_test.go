package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/ledger"
	"duban/internal/store"
)

// TestCrashDuringSubmit kills the server with SIGKILL while units submit
// reports through the API, on SQLite and PostgreSQL: afterwards every
// report is either wholly submitted (state, time, lateness and its one
// audit entry) or still a draft, and every submit the server acknowledged
// is there.
func TestCrashDuringSubmit(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test: starts the server")
	}
	dubanBinary(t)
	engines := []string{"sqlite"}
	if pg := os.Getenv("DUBAN_TEST_PG"); pg != "" {
		engines = append(engines, pg)
	}
	for _, engine := range engines {
		name := "sqlite"
		if store.IsPostgres(engine) {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "crash.db")
			if name == "postgres" {
				d, drop, err := store.ScratchPostgres(ctx, engine)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(drop)
				dsn = d
			}
			const reporters, each = 20, 15
			st := openStore(t, dsn)
			tokens, period, tasks, err := seedRush(ctx, st, reporters, each)
			if err != nil {
				t.Fatal(err)
			}
			// every report saved as a draft before the server starts
			for i := range tasks {
				for _, task := range tasks[i] {
					owners, _, _ := st.TaskOwners(ctx, task)
					pct := 70
					if _, err := st.SaveReport(ctx, &ledger.Report{TaskID: task, PeriodID: period, UnitID: owners[0], Progress: "已完成", Percent: &pct}, 0, store.CLI); err != nil {
						t.Fatal(err)
					}
				}
			}
			st.Close()

			p := startDuban(t, t.TempDir(), testEnv(), "serve", "--db", dsn, "--addr", "127.0.0.1:0")
			client := &http.Client{Timeout: 30 * time.Second}
			var acked sync.Map // task id → acknowledged
			var done atomic.Int32
			var wg sync.WaitGroup
			for i := range reporters {
				wg.Go(func() {
					for _, task := range tasks[i] {
						path := fmt.Sprintf("%s/api/v1/tasks/%d/reports/%d/submit", p.URL, task, period)
						if err := callJSON(client, "POST", path, tokens[i], `{"version":1}`, nil); err == nil {
							acked.Store(task, true)
							done.Add(1)
						} else if !strings.Contains(err.Error(), "connection") && !strings.Contains(err.Error(), "EOF") {
							t.Errorf("submit: %v", err)
							return
						} else {
							return // the server is gone
						}
					}
				})
			}
			for done.Load() < reporters*each/3 {
				time.Sleep(time.Millisecond)
			}
			if err := p.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-p.exited
			wg.Wait()

			st = openStore(t, dsn)
			defer st.Close()
			var submitted, drafts int
			for i := range tasks {
				for _, task := range tasks[i] {
					owners, _, _ := st.TaskOwners(ctx, task)
					r, err := st.Report(ctx, task, period, owners[0])
					if err != nil {
						t.Fatal(err)
					}
					h, err := st.History(ctx, store.EntityReport, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					submits := 0
					for _, e := range h {
						if e.Action == store.ActionSubmit {
							submits++
						}
					}
					_, ack := acked.Load(task)
					switch {
					case r.State == ledger.Submitted && !r.SubmittedAt.IsZero() && submits == 1:
						submitted++
					case r.State == ledger.Draft && r.SubmittedAt.IsZero() && submits == 0 && !ack:
						drafts++
					default:
						t.Errorf("task %d after the kill: state %s submitted_at %v, %d submit entries, acknowledged %v", task, r.State, r.SubmittedAt, submits, ack)
					}
				}
			}
			t.Logf("%s: killed after %d acknowledged submits; %d submitted, %d still drafts, none half-done", name, done.Load(), submitted, drafts)
			if drafts == 0 {
				t.Errorf("the kill came after every submit: the test proves less than it should")
			}
		})
	}
}
