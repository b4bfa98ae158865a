package remind_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/ledger"
	"duban/internal/remind"
	"duban/internal/store"
)

// benchStore is a scratch PostgreSQL schema, or the benchmark is skipped.
func benchStore(b *testing.B) (*store.Store, *sql.DB) {
	b.Helper()
	base := os.Getenv("DUBAN_TEST_PG")
	if base == "" {
		b.Skip("needs PostgreSQL: set DUBAN_TEST_PG")
	}
	dsn, drop, err := store.ScratchPostgres(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(drop)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return st, raw
}

func scale(def int) int {
	if v := os.Getenv("DUBAN_BENCH_TASKS"); v != "" {
		var n int
		fmt.Sscan(v, &n)
		return n
	}
	return def
}

// One day's run at national scale: 450,000 tasks across 3,000 units (150
// notices of 3,000 tasks), a third of the reports filed, every unit with an
// e-mail contact; the run is planned and enqueued (the inbox rows and one
// digest per unit). DUBAN_BENCH_TASKS sets another number of tasks.
func BenchmarkRunEnqueuePostgres(b *testing.B) {
	st, raw := benchStore(b)
	tasks := scale(450_000)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	st.SetLocation(loc)
	now := time.Date(2026, 11, 17, 10, 0, 0, 0, loc)
	st.SetClock(func() time.Time { return now })
	start := time.Now()
	units, err := st.Generate(ctx, store.Load{Units: 3000, Notices: tasks / 3000, TasksPer: 3000, Due: ledger.AddDays(st.Today(), 3), Filed: 33})
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range units {
		if _, err := st.AddContact(ctx, &store.Contact{UnitID: u, Channel: store.ChannelEmail, Address: fmt.Sprintf("u%d@example.gov.cn", u)}, store.CLI); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("generated %d tasks for %d units in %s", tasks, len(units), time.Since(start).Round(time.Millisecond))
	rate, err := st.RawInsertRate(ctx, 2000)
	if err != nil {
		b.Fatal(err)
	}
	rs, _ := st.RemindSettings(ctx)
	var items, added int
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		if _, err := raw.Exec("DELETE FROM urgings; DELETE FROM deliveries"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		run, err := st.PlanRun(ctx, rs, st.Today())
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if added, err = st.Enqueue(ctx, run, rs.BaseURL, st.Now(), nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("plan %s, enqueue %s", t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
		items = run.Items
	}
	b.ReportMetric(rate, "raw_inserts/s") // the anchor: single-row commits on this machine now
	b.ReportMetric(float64(items), "items")
	b.ReportMetric(float64(added), "digests")
}

// Delivering 10,000 digests (one per unit, each to its own robot on a
// local receiver), by one process and by four at once.
func BenchmarkDeliverPostgres(b *testing.B) {
	for _, procs := range []int{1, 4} {
		b.Run(fmt.Sprintf("processes=%d", procs), func(b *testing.B) {
			st, raw := benchStore(b)
			var got atomic.Int64
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
			}))
			defer hook.Close()
			loc, _ := time.LoadLocation("Asia/Shanghai")
			st.SetLocation(loc)
			now := time.Date(2026, 11, 17, 10, 0, 0, 0, loc)
			st.SetClock(func() time.Time { return now })
			const n = 10_000
			units, err := st.Generate(ctx, store.Load{Units: n, Notices: 1, TasksPer: n, Due: ledger.AddDays(st.Today(), 3)})
			if err != nil {
				b.Fatal(err)
			}
			rs, _ := st.RemindSettings(ctx)
			rs.RobotHosts = append(rs.RobotHosts, "127.0.0.1")
			if err := st.SetRemindSettings(ctx, rs, store.CLI); err != nil {
				b.Fatal(err)
			}
			for _, u := range units {
				if _, err := st.AddContact(ctx, &store.Contact{UnitID: u, Channel: store.ChannelWeCom, Address: fmt.Sprintf("%s/cgi-bin/webhook/send?key=k%d", hook.URL, u)}, store.CLI); err != nil {
					b.Fatal(err)
				}
			}
			run, err := st.PlanRun(ctx, rs, st.Today())
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				raw.Exec("DELETE FROM deliveries")
				if added, err := st.Enqueue(ctx, run, rs.BaseURL, st.Now(), nil); err != nil || added != n {
					b.Fatalf("enqueued %d, %v", added, err)
				}
				got.Store(0)
				b.StartTimer()
				done := make(chan error, procs)
				for range procs {
					s := remind.New(st, remind.Config{RobotGap: time.Nanosecond, Batch: 100})
					go func() { done <- s.Deliver(ctx) }()
				}
				for range procs {
					if err := <-done; err != nil {
						b.Fatal(err)
					}
				}
				if got.Load() != n {
					b.Fatalf("the receiver got %d messages, want %d", got.Load(), n)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "digests/s")
		})
	}
}
