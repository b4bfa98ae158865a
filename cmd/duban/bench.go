package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/web"
)

const benchUsage = `用法 (usage): duban bench rush [--db DSN] [--reporters 300] [--reports 20] [--cpuprofile FILE]

截止日前的报送高峰：在临时数据库上启动 duban，--reporters 个单位账号同时通过 API
（HTTP keep-alive）各保存并报送 --reports 份进展报告，核对无一丢失或重复，报告吞吐量、
p50/p99 延迟，以及同一数据库单行持久插入事务的速率（raw_rps）作为对照。
--db 省略时用临时 SQLite 文件；给出 postgres://… 时在其上新建临时 schema，结束后删除。
可重复给出 --db，每个数据库输出一行。rps 按 HTTP 请求计（保存、报送各一个事务）。
`

type dbList []string

func (l *dbList) String() string     { return strings.Join(*l, ",") }
func (l *dbList) Set(v string) error { *l = append(*l, v); return nil }

func cmdBench(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "pages" {
		return cmdBenchPages(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "rush" {
		fmt.Fprint(stderr, benchUsage+"\n"+benchPagesUsage)
		return 2
	}
	fs := flag.NewFlagSet("bench rush", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var dbs dbList
	fs.Var(&dbs, "db", "database")
	reporters := fs.Int("reporters", 300, "unit accounts reporting at once")
	reports := fs.Int("reports", 20, "reports each account saves and submits")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *reporters < 1 || *reports < 1 || *reporters**reports > 50000 {
		fmt.Fprintf(stderr, "duban bench rush: 参数有误 (bad arguments)\n\n%s", benchUsage)
		return 2
	}
	if len(dbs) == 0 {
		dbs = dbList{"sqlite"}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "duban bench rush: %s\n", oneLine(err))
			return 1
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	for _, db := range dbs {
		res, err := rush(ctx, db, *reporters, *reports)
		if err != nil {
			fmt.Fprintf(stderr, "duban bench rush: %s: %s\n", redactDSN(db), oneLine(err))
			return 1
		}
		fmt.Fprintln(stdout, res)
	}
	return 0
}

type rushResult struct {
	engine                 string
	sent, stored, dup      int
	rps, p50, p99, rawRate float64
	failed                 int
}

func (r rushResult) String() string {
	s := fmt.Sprintf("%s sent=%d stored=%d duplicated=%d rps=%.0f p50=%.1fms p99=%.1fms raw_rps=%.0f",
		r.engine, r.sent, r.stored, r.dup, r.rps, r.p50, r.p99, r.rawRate)
	if r.failed > 0 {
		s += fmt.Sprintf(" failed=%d", r.failed)
	}
	return s
}

// rush runs the deadline rush against a scratch database named by db.
func rush(ctx context.Context, db string, reporters, perReporter int) (rushResult, error) {
	res := rushResult{engine: "sqlite"}
	dsn := db
	if store.IsPostgres(db) {
		res.engine = "postgres"
		d, drop, err := store.ScratchPostgres(ctx, db)
		if err != nil {
			return res, err
		}
		defer drop()
		dsn = d
	} else {
		dir, err := os.MkdirTemp("", "duban-rush-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "rush.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return res, err
	}
	defer st.Close()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	st.SetLocation(loc)

	tokens, period, tasks, err := seedRush(ctx, st, reporters, perReporter)
	if err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.New(web.Config{Location: loc}, st, log)
	if err != nil {
		return res, err
	}
	base, stop, err := serveLocal(srv.Handler())
	if err != nil {
		return res, err
	}
	defer stop()

	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: reporters, MaxConnsPerHost: reporters}}
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for i := range reporters {
		wg.Go(func() {
			for _, task := range tasks[i] {
				path := fmt.Sprintf("%s/api/v1/tasks/%d/reports/%d", base, task, period)
				var rep struct {
					Version int `json:"version"`
				}
				t0 := time.Now()
				err := callJSON(client, "PUT", path, tokens[i], `{"version":0,"progress":"本期完成计划任务，项目全部开工。","percent":60}`, &rep)
				t1 := time.Now()
				if err == nil {
					err = callJSON(client, "POST", path+"/submit", tokens[i], fmt.Sprintf(`{"version":%d}`, rep.Version), nil)
				}
				t2 := time.Now()
				mu.Lock()
				lat = append(lat, t1.Sub(t0), t2.Sub(t1))
				if err != nil {
					res.failed++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	res.sent = reporters * perReporter
	res.rps = float64(len(lat)) / wall.Seconds()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	res.p50, res.p99 = pct(0.50), pct(0.99)
	if res.stored, res.dup, err = st.RushCounts(ctx, period); err != nil {
		return res, err
	}
	// the anchor, measured in the same run on the same database
	if res.rawRate, err = st.RawInsertRate(ctx, 2000); err != nil {
		return res, err
	}
	return res, nil
}

func callJSON(c *http.Client, method, url, token, body string, out any) error {
	req, _ := http.NewRequest(method, url, bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// seedRush imports a notice whose tasks are led by reporters units, perReporter
// each, with a progress period due in five days, and gives each unit an
// account with an API token.
func seedRush(ctx context.Context, st *store.Store, reporters, perReporter int) (tokens []string, period int64, tasks [][]int64, err error) {
	today := st.Today()
	n := &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: fmt.Sprintf("某政办〔%d〕99号", today.Y), Year: today.Y,
		IssuedOn: notice.NewDate(today.Y, time.January, 1), Title: "报送高峰测试任务分工",
		Schedule: notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{ledger.AddDays(today, 5)}}}
	for u := range reporters {
		for k := range perReporter {
			n.Tasks = append(n.Tasks, notice.Task{No: fmt.Sprint(u*perReporter + k + 1), Path: []string{"一、测试"},
				Text: fmt.Sprintf("完成第%d项重点工作。", u*perReporter+k+1), Lead: []string{fmt.Sprintf("测试单位%03d", u+1)}})
		}
	}
	id, err := st.ImportNotice(ctx, n, "rush.txt", store.CLI)
	if err != nil {
		return nil, 0, nil, err
	}
	ps, err := st.Periods(ctx, id)
	if err != nil || len(ps) != 1 {
		return nil, 0, nil, errors.Join(err, fmt.Errorf("want one open period, have %d", len(ps)))
	}
	ts, err := st.Tasks(ctx, store.TaskFilter{NoticeID: id})
	if err != nil {
		return nil, 0, nil, err
	}
	hash, err := auth.HashPassword(auth.NewToken("pw_"))
	if err != nil {
		return nil, 0, nil, err
	}
	byUnit := map[int64][]int64{}
	var order []int64
	for _, t := range ts {
		u := t.Assignments[0].UnitID
		if _, ok := byUnit[u]; !ok {
			order = append(order, u)
		}
		byUnit[u] = append(byUnit[u], t.ID)
	}
	for i, u := range order {
		uid, err := st.CreateUser(ctx, store.NewUser{Login: fmt.Sprintf("r%d", i+1), Name: fmt.Sprintf("填报员%d", i+1), Role: store.RoleUnit, UnitID: u, PasswordHash: hash})
		if err != nil {
			return nil, 0, nil, err
		}
		tok := auth.NewToken("dbn_")
		if _, err := st.CreateAPIToken(ctx, uid, "rush", auth.TokenHash(tok)); err != nil {
			return nil, 0, nil, err
		}
		tokens, tasks = append(tokens, tok), append(tasks, byUnit[u])
	}
	if len(tokens) != reporters {
		return nil, 0, nil, fmt.Errorf("%d units made, want %d", len(tokens), reporters)
	}
	return tokens, ps[0].ID, tasks, nil
}

// serveLocal serves h on a free port of 127.0.0.1 for a benchmark.
func serveLocal(h http.Handler) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	return "http://" + ln.Addr().String(), func() { hs.Close() }, nil
}
