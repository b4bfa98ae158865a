package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/store"
	"duban/internal/web"
)

const benchPagesUsage = `用法 (usage): duban bench pages --db DSN [--notice ID] [--n 100] [--servers 1] [--clients 1]

在已有数据库（如 duban gen 生成的）上启动 duban，以督查室、责任领导和单位账号（库中第一个
各角色账号；单位取牵头该通知任务最多的单位的账号）依次请求看板（页面与 JSON）、台账页、
单位待办和审核队列，每个 --n 次（先预热一次），输出各自的 p50 / p95 延迟（毫秒），以及同一
数据库单行持久插入事务的速率作为对照。只读：会话写入数据库，结束后删除。
--servers 启动多个 duban 网站（各有自己的数据库连接池，如同负载均衡后的多个进程），
--clients 个客户端同时轮流向它们发请求。
`

func cmdBenchPages(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench pages", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", "", "database")
	noticeID := fs.Int64("notice", 0, "the notice whose pages are asked for (default: the one with most tasks)")
	n := fs.Int("n", 100, "requests per page and account")
	servers := fs.Int("servers", 1, "duban servers, each with its own database pool")
	clients := fs.Int("clients", 1, "clients asking at once")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *db == "" || *n < 1 || *servers < 1 || *clients < 1 {
		fmt.Fprintf(stderr, "duban bench pages: 参数有误 (bad arguments)\n\n%s", benchPagesUsage)
		return 2
	}
	ctx := context.Background()
	st := openDB(ctx, *db, stderr)
	if st == nil {
		return 1
	}
	defer st.Close()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	st.SetLocation(loc)
	lines, err := benchPages(ctx, st, dbFrom(*db, os.Getenv), *noticeID, *n, *servers, *clients)
	if err != nil {
		fmt.Fprintf(stderr, "duban bench pages: %s\n", oneLine(err))
		return 1
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	return 0
}

func benchPages(ctx context.Context, st *store.Store, dsn string, noticeID int64, n, servers, clients int) ([]string, error) {
	ns, err := st.Notices(ctx, ledger.Scope{})
	if err != nil || len(ns) == 0 {
		return nil, fmt.Errorf("数据库中没有通知: %v", err)
	}
	users, err := st.Users(ctx)
	if err != nil {
		return nil, err
	}
	// The unit account leading most tasks of one notice, that notice (unless
	// given), the office, and a leader with tasks in it.
	var office, leader, unit *store.User
	best, chosen := 0, noticeID
	for _, u := range users {
		switch u.Role {
		case store.RoleOffice:
			if office == nil {
				office = u
			}
		case store.RoleUnit:
			ts, err := st.Tasks(ctx, store.TaskFilter{NoticeID: noticeID, UnitID: u.UnitID, Role: ledger.Lead})
			if err != nil {
				return nil, err
			}
			per := map[int64]int{}
			for _, t := range ts {
				per[t.NoticeID]++
			}
			for nid, c := range per {
				if c > best {
					best, unit, chosen = c, u, nid
				}
			}
		}
	}
	noticeID = chosen
	if noticeID == 0 {
		noticeID = ns[0].ID
	}
	leaders, err := st.NoticeLeaders(ctx, noticeID, ledger.Scope{})
	if err != nil {
		return nil, err
	}
	inNotice := map[string]bool{}
	for _, l := range leaders {
		inNotice[l.Name] = true
	}
	for _, u := range users {
		if u.Role == store.RoleLeader && inNotice[u.Leader] && leader == nil {
			leader = u
		}
	}
	// Each server as a process behind a load balancer: its own pool.
	var bases []string
	for i := range servers {
		sst := st
		if i > 0 {
			if sst, err = store.OpenExisting(ctx, dsn); err != nil {
				return nil, err
			}
			defer sst.Close()
			sst.SetLocation(time.Local)
		}
		srv, err := web.New(web.Config{Location: time.Local}, sst, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			return nil, err
		}
		base, stop, err := serveLocal(srv.Handler())
		if err != nil {
			return nil, err
		}
		defer stop()
		bases = append(bases, base)
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	type who struct {
		name string
		u    *store.User
		tok  string
	}
	var accounts []who
	for _, a := range []who{{"office", office, ""}, {"leader", leader, ""}, {"unit", unit, ""}} {
		if a.u == nil {
			continue
		}
		a.tok = auth.NewToken("")
		if err := st.CreateSession(ctx, auth.TokenHash(a.tok), a.u.ID, time.Now().Add(time.Hour)); err != nil {
			return nil, err
		}
		defer st.DeleteSession(ctx, auth.TokenHash(a.tok))
		accounts = append(accounts, a)
	}
	pages := []struct {
		path  string
		roles string
	}{
		{fmt.Sprintf("/notices/%d/dashboard.json", noticeID), "office leader unit"},
		{fmt.Sprintf("/notices/%d/dashboard", noticeID), "office leader unit"},
		{fmt.Sprintf("/notices/%d", noticeID), "office leader unit"},
		{"/inbox", "unit"},
		{"/review", "office"},
	}
	var out []string
	rate, err := st.RawInsertRate(ctx, 1000)
	if err != nil {
		return nil, err
	}
	logins := []string{}
	for _, a := range accounts {
		logins = append(logins, a.name+"="+a.u.Login)
	}
	out = append(out, fmt.Sprintf("notice=%d tasks=%d %s servers=%d clients=%d raw_inserts/s=%.0f", noticeID, countOf(ns, noticeID), strings.Join(logins, " "), servers, clients, rate))
	for _, p := range pages {
		for _, a := range accounts {
			if !strings.Contains(p.roles, a.name) {
				continue
			}
			get := func(i int) (time.Duration, error) {
				req, _ := http.NewRequest("GET", bases[i%len(bases)]+p.path, nil)
				req.AddCookie(&http.Cookie{Name: "duban_session", Value: a.tok})
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					return 0, err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return 0, fmt.Errorf("%s as %s: HTTP %d", p.path, a.name, resp.StatusCode)
				}
				return time.Since(t0), nil
			}
			for i := range bases { // warm: today's lights, the trend's past lights, each pool
				if _, err := get(i); err != nil {
					return nil, err
				}
			}
			lat := make([]time.Duration, n)
			errs := make([]error, clients)
			var wg sync.WaitGroup
			for c := range clients {
				wg.Go(func() {
					for i := c; i < n; i += clients {
						if lat[i], errs[c] = get(i); errs[c] != nil {
							return
						}
					}
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				return nil, err
			}
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			out = append(out, fmt.Sprintf("%-34s %-7s p50=%7.1fms p95=%7.1fms", p.path, a.name, ms(0.5), ms(0.95)))
		}
	}
	return out, nil
}

func countOf(ns []*store.NoticeInfo, id int64) int {
	for _, n := range ns {
		if n.ID == id {
			return n.TaskCount
		}
	}
	return 0
}
