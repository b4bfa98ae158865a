package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"duban/internal/notice"
	"duban/internal/store"
)

const genUsage = `用法 (usage): duban gen [--db DSN] [--scale national|province|small]
        [--governments N] [--notices N] [--tasks N] [--reports N]
        [--year 2026] [--today 2026-10-15] [--seed 1] [--password P] [--lights]

向一个空数据库写入一套逼真的压测数据，供任何人复现性能测试：每个政府（行政区划）的
部门、“各县（市、区）政府”“各乡镇（街道）”等群组及其成员、分管领导；每个政府的通知，
含“一、二、三……”标题下的任务（牵头、配合、责任单位，责任领导，完成时限，量化指标）；
按季度的报送期（落实方案、一至三季度、年度）；各单位的落实方案和进展报告，涵盖草稿、
已报送、已退回、已采纳各种状态，部分逾期报送，完成比例随时间上升。
另建账号：admin、office（督查室）、第一个政府每位领导一个 leaderN、若干单位 unitN，
密码均为 --password。

规模 (--scale)：
  national  3,000 个政府，450,000 项任务，5,000,000 份进展报告（用于 PostgreSQL）
  province  河南省 175 个政府，50,000 项任务，500,000 份进展报告（用于 SQLite）
  small     3 个政府，600 项任务，6,000 份进展报告（数秒完成，默认）
--governments、--notices（每个政府的通知数）、--tasks（任务总数）、--reports（报告总数）
可覆盖所选规模的数值。数据由 --seed 决定，同样的参数总是生成同样的数据。
PostgreSQL 上用 COPY 写入；以超级用户连接时，本事务内跳过外键触发器（--fk-checks 保留）。
全部数据在一个事务中，出错时数据库保持为空。
只写入空数据库：已有通知或单位时拒绝。出错时输出一行说明，退出状态为 1。

选项 (options)：
`

func cmdGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, genUsage); fs.PrintDefaults() }
	db := dbFlag(fs)
	scale := fs.String("scale", "small", "规模：national、province 或 small (scale)")
	govs := fs.Int("governments", 0, "政府个数，覆盖规模的默认值 (governments)")
	notices := fs.Int("notices", 0, "每个政府的通知数 (notices per government)")
	tasks := fs.Int("tasks", 0, "任务总数 (tasks in all)")
	reports := fs.Int("reports", 0, "进展报告总数 (reports in all)")
	year := fs.Int("year", 0, "通知的年度，默认为“今天”所在年 (year)")
	today := fs.String("today", "", "数据所处的日期 YYYY-MM-DD，默认今天 (the data set's today)")
	seed := fs.Int64("seed", 1, "随机种子 (seed)")
	password := fs.String("password", "duban-gen", "所有生成账号的密码 (password of the accounts)")
	lights := fs.Bool("lights", false, "写入后立即计算全部任务的红黄绿灯，默认由页面按需计算 (compute lights now)")
	fkChecks := fs.Bool("fk-checks", false, "PostgreSQL 上保留外键触发器（超级用户默认在本事务内跳过，快约三倍）(keep foreign-key triggers)")
	tz := tzFlag(fs)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "duban: "+format+"\n", a...)
		return 1
	}
	if len(rest) > 0 {
		return fail("多余的参数 %q (unexpected argument)", rest[0])
	}
	spec, ok := store.GenScale(*scale)
	if !ok {
		return fail("没有规模 %q，可选 national、province、small (unknown scale)", *scale)
	}
	for _, o := range []struct {
		v  int
		to *int
	}{{*govs, &spec.Governments}, {*notices, &spec.NoticesPer}, {*tasks, &spec.Tasks}, {*reports, &spec.Reports}} {
		if o.v < 0 {
			return fail("数量不能为负 (negative count)")
		}
		if o.v > 0 {
			*o.to = o.v
		}
	}
	spec.Year, spec.Seed, spec.Password, spec.Lights, spec.FKChecks = *year, *seed, *password, *lights, *fkChecks
	if *today != "" {
		d, err := notice.ParseDate(*today)
		if err != nil {
			return fail("日期 %q 无法识别，请写成 2026-10-15 (bad date)", *today)
		}
		spec.Today = d
	}
	loc, err := tzFrom(*tz, os.Getenv)
	if err != nil {
		return fail("%s", err)
	}

	dsn := dbFrom(*db, os.Getenv)
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return fail("无法打开数据库 %s (cannot open database): %s", redactDSN(dsn), oneLine(err))
	}
	defer st.Close()
	st.SetLocation(loc)
	started := time.Now()
	res, err := st.Gen(ctx, spec, func(line string) { fmt.Fprintf(stderr, "%s %s\n", time.Now().Format("15:04:05"), line) })
	if err != nil {
		return fail("%s", oneLine(err))
	}
	s := res.Spec
	fmt.Fprintf(stdout, "已生成 (generated) %s：%d 个政府 × %d 份通知，%s 项任务，今天为 %s，种子 %d\n",
		redactDSN(dsn), s.Governments, s.NoticesPer, count(int64(s.Tasks)), s.Today, s.Seed)
	fmt.Fprintf(stdout, "%.0f%% 的任务由群组牵头；截至今天应报进展 %s 份，已有 %s 份\n",
		100*res.GroupLead, count(int64(res.Owed)), count(res.Rows("reports")))
	fmt.Fprintf(stdout, "%-13s %12s    %8s %14s\n", "表 (table)", "行 (rows)", "秒 (s)", "行/秒 (rows/s)")
	var rows int64
	for _, t := range res.Tables {
		fmt.Fprintln(stdout, t)
		rows += t.Rows
	}
	fmt.Fprintln(stdout, store.GenTable{Name: "合计 (total)", Rows: rows, Elapsed: time.Since(started)})
	if res.SkippedFKChecks {
		fmt.Fprintln(stdout, "（以超级用户写入，本事务内跳过了外键触发器；数据按构造保证一致，--fk-checks 可保留检查）")
	}
	fmt.Fprintf(stdout, "账号 (accounts)，密码均为 %s：\n", s.Password)
	for _, a := range res.Accounts {
		fmt.Fprintf(stdout, "  %-8s %s (%s)\n", a.Login, a.Name, a.Role)
	}
	return 0
}

// count writes n with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
