package remind_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/internal/notice"
	"duban/internal/notify/notifytest"
	"duban/internal/remind"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

var ctx = context.Background()

// world is a notice with two tasks due 2026-11-20 (a Friday) for 省发展改革委
// (a signed DingTalk robot and an e-mail box) and 省商务厅 (a WeCom robot),
// the office's escalation e-mail, and a clock the test moves.
type world struct {
	st        *store.Store
	now       time.Time
	mu        sync.Mutex
	ding, wc  *notifytest.Webhook
	mail      *notifytest.SMTPServer
	a, b      int64
	smtp      store.SMTPSettings
	loc       *time.Location
	due       notice.Date
	sched     []*remind.Scheduler
	wecomFail int
}

func newWorld(t *testing.T, st *store.Store, wecomFail int) *world {
	t.Helper()
	w := &world{st: st, due: notice.NewDate(2026, 11, 20)}
	w.loc, _ = time.LoadLocation("Asia/Shanghai")
	st.SetLocation(w.loc)
	st.SetClock(func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now })
	w.set(2026, 11, 1, 10, 0)
	n := &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕9号", Year: 2026, Title: "重点工作分工",
		Schedule: notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{w.due}},
		Tasks: []notice.Task{
			{No: "1", Path: []string{"一、稳增长"}, Text: "扩大有效投资。", Lead: []string{"省发展改革委"}, Support: []string{"省财政厅"}},
			{No: "2", Path: []string{"一、稳增长"}, Text: "促进消费<100亿元>以上。", Lead: []string{"省商务厅"}},
		}}
	if _, err := st.ImportNotice(ctx, n, "remind.txt", store.CLI); err != nil {
		t.Fatal(err)
	}
	ua, _ := st.UnitByName(ctx, "省发展改革委")
	ub, _ := st.UnitByName(ctx, "省商务厅")
	w.a, w.b = ua.ID, ub.ID
	w.ding = notifytest.NewWebhook(t, notifytest.DingTalkSecret("SECtest-secret"))
	var opts []notifytest.WebhookOption
	if wecomFail > 0 {
		opts = append(opts, notifytest.FailFirst(wecomFail))
	}
	w.wc = notifytest.NewWebhook(t, opts...)
	w.mail = notifytest.NewSMTPServer(t)
	w.smtp = store.SMTPSettings{Host: w.mail.Host, Port: w.mail.Port, From: "督办系统 <duban@example.gov.cn>", TLS: "none"}
	rs, _ := st.RemindSettings(ctx)
	rs.RobotHosts = append(rs.RobotHosts, "127.0.0.1")
	rs.BaseURL = "https://duban.example.gov.cn"
	if err := st.SetRemindSettings(ctx, rs, store.CLI); err != nil {
		t.Fatal(err)
	}
	for _, c := range []store.Contact{
		{UnitID: w.a, Channel: store.ChannelDingTalk, Address: w.ding.DingTalkURL(), Secret: "SECtest-secret"},
		{UnitID: w.a, Channel: store.ChannelEmail, Address: "fgw@example.gov.cn"},
		{UnitID: w.b, Channel: store.ChannelWeCom, Address: w.wc.WeComURL()},
		{UnitID: 0, Channel: store.ChannelEmail, Address: "ducha@example.gov.cn"},
		{UnitID: w.b, Channel: store.ChannelEmail, Address: "leader-b@example.gov.cn", Leader: true},
	} {
		if _, err := st.AddContact(ctx, &c, store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) set(y int, m time.Month, d, h, min int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = time.Date(y, m, d, h, min, 0, 0, w.loc)
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func (w *world) scheduler() *remind.Scheduler {
	return remind.New(w.st, remind.Config{SMTP: w.smtp, RobotGap: time.Nanosecond})
}

func (w *world) tick(t *testing.T, ss ...*remind.Scheduler) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(ss))
	for i, s := range ss {
		wg.Go(func() { errs[i] = s.Tick(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// delivered counts what each receiver accepted.
func (w *world) delivered() (ding, wecom, mails int) {
	for _, p := range w.ding.Posts() {
		if p.Status == 200 && p.ErrCode == 0 {
			ding++
		}
	}
	for _, p := range w.wc.Posts() {
		if p.Status == 200 && p.ErrCode == 0 {
			wecom++
		}
	}
	return ding, wecom, len(w.mail.Mails())
}

// Over a due date, with two schedulers ticking at once each time: the
// reminder a week before, three days before and on the day, then an urge
// each working day after, and the escalation on the third working day
// late reach each channel once, grouped by unit, signed for DingTalk;
// quiet hours hold robots and mail until 08:00.
func TestRemindersReachEachChannelOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, 0)
		s1, s2 := w.scheduler(), w.scheduler()
		type want struct{ ding, wecom, mails int }
		steps := []struct {
			y, m, d, h int
			want       want
		}{
			{2026, 11, 12, 10, want{0, 0, 0}}, // eight days before: nothing
			{2026, 11, 13, 10, want{1, 1, 1}}, // 7 days before
			{2026, 11, 13, 15, want{1, 1, 1}}, // the same day again: nothing new
			{2026, 11, 14, 10, want{1, 1, 1}}, // Saturday: nothing
			{2026, 11, 17, 10, want{2, 2, 2}}, // 3 days before
			{2026, 11, 20, 10, want{3, 3, 3}}, // on the day
			{2026, 11, 23, 10, want{4, 4, 4}}, // 1st working day late: urge
			{2026, 11, 24, 10, want{5, 5, 5}}, // 2nd
			{2026, 11, 25, 10, want{6, 6, 9}}, // 3rd: escalation, to the office's e-mail (one per late unit) and unit B's leader
		}
		for _, s := range steps {
			w.set(s.y, time.Month(s.m), s.d, s.h, 0)
			w.tick(t, s1, s2)
			d, c, m := w.delivered()
			if (want{d, c, m}) != s.want {
				t.Fatalf("%d-%d-%d: delivered dingtalk %d, wecom %d, mail %d; want %+v", s.y, s.m, s.d, d, c, m, s.want)
			}
		}
		// The unit files its report: the urging stops for it only.
		ts, _ := st.Tasks(ctx, store.TaskFilter{})
		ps, _ := st.Periods(ctx, ts[0].NoticeID)
		r, _ := st.Report(ctx, ts[0].ID, ps[0].ID, w.a)
		r.Progress, r.Percent = "已完成。", new(int)
		r, err := st.SaveReport(ctx, r, 0, store.Actor{Name: "发改委"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SubmitReport(ctx, r.ID, r.Version, w.a, store.Actor{Name: "发改委"}); err != nil {
			t.Fatal(err)
		}
		// Quiet hours: queued at 21:00, sent at 08:00 the next working day.
		w.set(2026, 11, 26, 21, 0)
		w.tick(t, s1, s2)
		if d, c, m := w.delivered(); d != 6 || c != 6 || m != 9 {
			t.Fatalf("sent in the quiet hours: %d %d %d", d, c, m)
		}
		w.set(2026, 11, 27, 7, 59)
		w.tick(t, s1, s2)
		if _, c, _ := w.delivered(); c != 6 {
			t.Fatal("sent at 07:59")
		}
		w.set(2026, 11, 27, 8, 1)
		w.tick(t, s1, s2)
		if d, c, m := w.delivered(); d != 6 || c != 7 || m != 9 {
			t.Fatalf("after the quiet hours: dingtalk %d (unit filed: 6), wecom %d (want 7: the 26th's digest is replaced by the 27th's), mail %d", d, c, m)
		}
		if ds, _ := st.Deliveries(ctx, store.DeliveryFilter{UnitID: w.b, State: "superseded"}); len(ds) != 1 {
			t.Errorf("%d superseded digests, want the 26th's", len(ds))
		}
		for _, p := range w.ding.Posts() {
			if !p.SignOK {
				t.Errorf("a DingTalk post without a valid signature: %+v", p.Query)
			}
			if !strings.Contains(p.Text, "省发展改革委") || strings.Contains(p.Text, "省商务厅") || !strings.Contains(p.Text, "扩大有效投资") {
				t.Errorf("digest not of its unit: %s", p.Text)
			}
		}
		esc := 0
		for _, m := range w.mail.Mails() {
			if strings.Contains(strings.Join(m.To, ","), "ducha@") {
				esc++
				if !strings.Contains(m.Subject, "升级") && !strings.Contains(m.Text, "升级") && !strings.Contains(m.Subject, "逾期") {
					t.Errorf("escalation mail reads %q", m.Subject)
				}
			}
		}
		if esc != 2 {
			t.Errorf("%d escalation mails to the office, want 2 (one per late unit)", esc)
		}
		// The leader's address hears only of the escalation.
		var toLeader []string
		for _, m := range w.mail.Mails() {
			if strings.Contains(strings.Join(m.To, ","), "leader-b@") {
				toLeader = append(toLeader, m.Subject)
			}
		}
		if len(toLeader) != 1 {
			t.Errorf("unit B's leader got %d mails, want the escalation only: %q", len(toLeader), toLeader)
		}
		// Each unit's inbox holds one row per reminder; the task's timeline too.
		us, _ := st.Urgings(ctx, w.b, 0, 100)
		if len(us) != 8 { // 3 reminders, 2 urges, the escalation, the 26th's and the 27th's urges
			t.Errorf("unit B's inbox has %d reminders, want 8", len(us))
		}
		ds, _ := st.Deliveries(ctx, store.DeliveryFilter{})
		for _, d := range ds {
			if d.State == "superseded" {
				continue
			}
			if d.State != "sent" || d.Attempts != 1 {
				t.Errorf("delivery %d: %s after %d attempts", d.ID, d.State, d.Attempts)
			}
		}
		if at, ch, _ := st.LastReached(ctx, w.b); at.IsZero() || ch != store.ChannelWeCom {
			t.Errorf("unit B last reached %v by %q", at, ch)
		}
	})
}

// A robot that answers 500 twice, then 200: the message arrives once,
// after two back-offs; a robot that always fails ends failed, resendable.
func TestRobotRetriesWithBackoff(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, 2)
		s := w.scheduler()
		w.set(2026, 11, 13, 10, 0)
		w.tick(t, s)
		if _, c, _ := w.delivered(); c != 0 || len(w.wc.Posts()) != 1 {
			t.Fatalf("first try: %d posts", len(w.wc.Posts()))
		}
		w.advance(20 * time.Second) // before the back-off: nothing
		w.tick(t, s)
		if len(w.wc.Posts()) != 1 {
			t.Fatalf("retried before its back-off: %d posts", len(w.wc.Posts()))
		}
		w.advance(15 * time.Second)
		w.tick(t, s)
		w.advance(2*time.Minute + time.Second)
		w.tick(t, s)
		if _, c, _ := w.delivered(); c != 1 || len(w.wc.Posts()) != 3 {
			t.Fatalf("after two back-offs: %d delivered of %d posts", c, len(w.wc.Posts()))
		}
		w.advance(time.Hour)
		w.tick(t, s)
		if _, c, _ := w.delivered(); c != 1 {
			t.Fatalf("delivered %d times", c)
		}
		ds, _ := st.Deliveries(ctx, store.DeliveryFilter{UnitID: w.b})
		if len(ds) != 1 || ds[0].State != "sent" || ds[0].Attempts != 3 {
			t.Fatalf("delivery %+v", ds[0])
		}
		// An address that always refuses: failed after the last try, with
		// the error, and never the robot's token.
		w.wc.Close()
		w.set(2026, 11, 17, 10, 0)
		for range 8 {
			w.tick(t, s)
			w.advance(2 * time.Hour)
		}
		ds, _ = st.Deliveries(ctx, store.DeliveryFilter{UnitID: w.b, State: "failed"})
		if len(ds) != 1 || ds[0].LastError == "" || strings.Contains(ds[0].LastError, w.wc.Token) {
			t.Fatalf("failed deliveries %+v", ds)
		}
		if err := st.Resend(ctx, ds[0].ID, store.CLI); err != nil {
			t.Fatal(err)
		}
		if d, _ := st.Deliveries(ctx, store.DeliveryFilter{UnitID: w.b, State: "queued"}); len(d) != 1 {
			t.Error("resent delivery is not queued")
		}
	})
}

// Enqueueing a run twice adds nothing; a process that took a run and died
// leaves it to another once its lease runs out.
func TestRunsAreIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, 0)
		w.set(2026, 11, 13, 10, 0)
		day := st.Today()
		if ok, _ := st.ClaimRun(ctx, day, "dead", time.Minute); !ok {
			t.Fatal("first claim refused")
		}
		if ok, _ := st.ClaimRun(ctx, day, "other", time.Minute); ok {
			t.Fatal("a run claimed twice within its lease")
		}
		rs, _ := st.RemindSettings(ctx)
		run, err := st.PlanRun(ctx, rs, day)
		if err != nil || run.Items != 2 || len(run.Units) != 2 {
			t.Fatalf("run %+v %v", run, err)
		}
		n1, _ := st.Enqueue(ctx, run, rs.BaseURL, st.Now(), nil)
		n2, _ := st.Enqueue(ctx, run, rs.BaseURL, st.Now(), nil)
		if n1 != 3 || n2 != 0 {
			t.Fatalf("enqueued %d then %d, want 3 then 0", n1, n2)
		}
		w.advance(2 * time.Minute)
		if ok, _ := st.ClaimRun(ctx, day, "other", time.Minute); !ok {
			t.Fatal("a lapsed run not taken over")
		}
		w.tick(t, w.scheduler())
		if d, c, m := w.delivered(); d != 1 || c != 1 || m != 1 {
			t.Fatalf("delivered %d %d %d", d, c, m)
		}
	})
}
