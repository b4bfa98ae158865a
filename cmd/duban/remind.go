package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/notify"
	"duban/internal/remind"
	"duban/internal/store"
)

const remindUsage = `用法 (usage): duban remind [--db DSN] [--date 2026-10-09] [--dry-run]

--dry-run 列出下一次自动提醒将发送的内容，供督查室核对提醒规则：每个单位的待办事项
（到期提醒、逾期催报、逾期升级），以及将发往的邮箱和机器人（地址已隐去密钥）、发送时间。
下一次为今天（今天的提醒尚未生成且为工作日时），否则为下一个工作日；--date 指定日期。
不加 --dry-run 时立即执行一次：生成今天的提醒（已生成则跳过）并发送到期的消息，然后退出，
可由定时任务调用；duban serve 运行时已自动执行，无需另设。
出错时输出一行说明，退出状态为 1。

选项 (options)：
`

func cmdRemind(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("remind", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, remindUsage); fs.PrintDefaults() }
	db := dbFlag(fs)
	dry := fs.Bool("dry-run", false, "只列出将发送的内容，不发送 (print, send nothing)")
	date := fs.String("date", "", "提醒的日期 YYYY-MM-DD，默认下一次 (the run's day)")
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
	loc, err := tzFrom(*tz, os.Getenv)
	if err != nil {
		return fail("%s", err)
	}
	ctx := context.Background()
	st := openDB(ctx, *db, stderr)
	if st == nil {
		return 1
	}
	defer st.Close()
	st.SetLocation(loc)
	if f := os.Getenv("DUBAN_CLOCK_FILE"); f != "" {
		st.SetClock(fileClock(f))
	}
	if !*dry {
		if *date != "" {
			return fail("--date 只能与 --dry-run 一起使用：提醒只为今天生成 (--date needs --dry-run)")
		}
		s := remind.New(st, remind.Config{})
		if err := s.Tick(ctx); err != nil {
			return fail("提醒未完成 (reminders failed): %s", oneLine(err))
		}
		fmt.Fprintln(stderr, "已执行提醒（生成今天的提醒并发送到期消息）(reminders run)")
		return 0
	}
	rs, err := st.RemindSettings(ctx)
	if err != nil {
		return fail("无法读取提醒设置: %s", oneLine(err))
	}
	cal, err := rs.Cal()
	if err != nil {
		return fail("工作日历有误：%s", oneLine(err))
	}
	day := st.Today()
	if *date != "" {
		if day, err = notice.ParseDate(*date); err != nil {
			return fail("日期 %q 无效，应为 2026-10-09 的格式", *date)
		}
	} else if done, err := st.RunDone(ctx, day); err != nil {
		return fail("%s", oneLine(err))
	} else if done || !cal.Workday(day) {
		day = cal.NextWorkday(ledger.AddDays(day, 1))
	}
	run, err := st.PlanRun(ctx, rs, day)
	if err != nil {
		return fail("无法计算提醒: %s", oneLine(err))
	}
	// Today's run goes out now or after the quiet hours; a later day's is
	// made just after midnight, so it goes when the quiet hours end.
	at := day.Time(loc)
	if day == st.Today() {
		at = st.Now()
	}
	sendAt := notify.NextSendTime(rs.Rules, cal, at)
	printRun(ctx, stdout, st, run, rs, sendAt)
	return 0
}

func printRun(ctx context.Context, w io.Writer, st *store.Store, run *store.RemindRun, rs store.RemindSettings, sendAt time.Time) {
	if rs.Off {
		fmt.Fprintln(w, "注意：自动提醒已暂停（提醒设置），下面是恢复后会发送的内容。")
	}
	fmt.Fprintf(w, "%s 的提醒：%d 个单位，%d 项；邮件和机器人消息于 %s 发出。\n", run.Day.String(), len(run.Units), run.Items, sendAt.Format("2006-01-02 15:04"))
	office, _ := st.Contacts(ctx, 0)
	for _, u := range run.Units {
		fmt.Fprintf(w, "\n%s\n", u.UnitName)
		cs, _ := st.Contacts(ctx, u.UnitID)
		var to []string
		for _, c := range cs {
			if !c.Leader {
				to = append(to, store.ChannelLabel(c.Channel)+" "+c.Shown())
			}
		}
		if len(to) == 0 {
			to = []string{"仅系统待办（未设置邮箱或机器人）"}
		}
		fmt.Fprintf(w, "  发往：%s\n", strings.Join(to, "；"))
		esc := false
		for _, o := range u.Owed {
			step := map[notify.StepKind]string{notify.StepRemind: "到期提醒", notify.StepUrge: "逾期催报", notify.StepEscalate: "逾期升级"}[o.Step.Kind]
			fmt.Fprintf(w, "  [%s] %s %s %s 截止%s\n", step, o.Line.TaskNumber, o.Line.PeriodLabel, o.Line.TaskTitle, o.Item.Due.String())
			esc = esc || o.Step.Escalate
		}
		if esc {
			var oc []string
			for _, c := range cs {
				if c.Leader {
					oc = append(oc, "责任领导 "+store.ChannelLabel(c.Channel)+" "+c.Shown())
				}
			}
			for _, c := range office {
				oc = append(oc, store.ChannelLabel(c.Channel)+" "+c.Shown())
			}
			if len(oc) == 0 {
				oc = []string{"督查室未设置联系方式"}
			}
			fmt.Fprintf(w, "  逾期升级发往：%s\n", strings.Join(oc, "；"))
		}
	}
}
