package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/internal/notice"
	"duban/internal/notify"
	"duban/internal/notify/notifytest"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// robots stands in for DingTalk's and WeCom's robot endpoints: it counts
// the messages it accepted, by path, and checks DingTalk's signature. In
// hold mode it keeps the next request open; a client that goes away
// before it answers has delivered nothing, as with a real robot.
type robots struct {
	mu       sync.Mutex
	accepted map[string][]string // path → message texts
	badSign  int
	hold     bool
	held     chan struct{}
	secret   string
}

func (rb *robots) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var m struct {
		Markdown struct{ Text, Content string } `json:"markdown"`
	}
	json.Unmarshal(body, &m)
	text := m.Markdown.Text + m.Markdown.Content
	if strings.HasPrefix(r.URL.Path, "/robot/") {
		ts, _ := strconv.ParseInt(r.URL.Query().Get("timestamp"), 10, 64)
		if !notify.VerifyDingTalk(rb.secret, ts, r.URL.Query().Get("sign")) {
			rb.mu.Lock()
			rb.badSign++
			rb.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"errcode": 310000, "errmsg": "sign not match"})
			return
		}
	}
	rb.mu.Lock()
	hold := rb.hold
	rb.hold = false
	rb.mu.Unlock()
	if hold {
		close(rb.held)
		select {
		case <-r.Context().Done():
			return // the sender died mid-delivery: nothing arrived
		case <-time.After(30 * time.Second):
		}
	}
	rb.mu.Lock()
	rb.accepted[r.URL.Path] = append(rb.accepted[r.URL.Path], text)
	rb.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok"})
}

func (rb *robots) count(path string) int {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return len(rb.accepted[path])
}

// Two `duban serve` processes on one PostgreSQL database, a local SMTP
// receiver and local robots, a clock moved over a period's due date: each
// reminder reaches each channel once, digests group by unit, DingTalk's
// signature verifies. Then a process dies holding a delivery: after its
// lease another sends it, once.
func TestRemindersAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers")
	}
	if os.Getenv("DUBAN_TEST_PG") == "" {
		t.Skip("needs PostgreSQL: set DUBAN_TEST_PG")
	}
	dsn := testdb.DSN(t, "postgres")
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clock := filepath.Join(t.TempDir(), "now")
	// The processes read the clock while it is written: write it whole.
	writeClock := func(at time.Time) {
		t.Helper()
		tmp := clock + ".new"
		if err := os.WriteFile(tmp, []byte(at.Format(time.RFC3339)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, clock); err != nil {
			t.Fatal(err)
		}
	}
	setClock := func(y int, m time.Month, d, h int) { writeClock(time.Date(y, m, d, h, 0, 0, 0, loc)) }
	setClock(2026, 11, 1, 10)

	rb := &robots{accepted: map[string][]string{}, secret: "SEC0123456789abcdef"}
	hooks := httptest.NewServer(rb)
	defer hooks.Close()
	mail := notifytest.NewSMTPServer(t)

	st := openStore(t, dsn)
	ctx := context.Background()
	due := notice.NewDate(2026, 11, 20)
	n := &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕9号", Year: 2026, Title: "重点工作分工",
		Schedule: notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{due}},
		Tasks: []notice.Task{
			{No: "1", Path: []string{"一、稳增长"}, Text: "扩大有效投资。", Lead: []string{"省发展改革委"}},
			{No: "2", Path: []string{"一、稳增长"}, Text: "稳定工业增长。", Lead: []string{"省发展改革委"}},
			{No: "3", Path: []string{"二、促消费"}, Text: "促进消费。", Lead: []string{"省商务厅"}},
		}}
	if _, err := st.ImportNotice(ctx, n, "e2e.txt", store.CLI); err != nil {
		t.Fatal(err)
	}
	a, _ := st.UnitByName(ctx, "省发展改革委")
	b, _ := st.UnitByName(ctx, "省商务厅")
	rs, _ := st.RemindSettings(ctx)
	rs.RobotHosts, rs.BaseURL = append(rs.RobotHosts, "127.0.0.1"), "https://duban.example.gov.cn"
	if err := st.SetRemindSettings(ctx, rs, store.CLI); err != nil {
		t.Fatal(err)
	}
	for _, c := range []store.Contact{
		{UnitID: a.ID, Channel: store.ChannelDingTalk, Address: hooks.URL + "/robot/send?access_token=tokenA1234", Secret: rb.secret},
		{UnitID: a.ID, Channel: store.ChannelEmail, Address: "fgw@example.gov.cn"},
		{UnitID: b.ID, Channel: store.ChannelWeCom, Address: hooks.URL + "/cgi-bin/webhook/send?key=tokenB5678"},
		{UnitID: 0, Channel: store.ChannelEmail, Address: "ducha@example.gov.cn"},
	} {
		if _, err := st.AddContact(ctx, &c, store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	env := testEnv("DUBAN_CLOCK_FILE="+clock, "DUBAN_REMIND_EVERY=100ms", "DUBAN_TZ=Asia/Shanghai", "DUBAN_ADMIN_PASSWORD=e2e-Remind-password",
		"DUBAN_SMTP_HOST="+mail.Host, fmt.Sprintf("DUBAN_SMTP_PORT=%d", mail.Port), "DUBAN_SMTP_FROM=duban@example.gov.cn", "DUBAN_SMTP_TLS=none")
	serve := func() *dubanProc {
		return startDuban(t, t.TempDir(), env, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	}
	p1, p2 := serve(), serve()
	defer func() {
		if t.Failed() {
			t.Logf("p1:\n%s\np2:\n%s", p1.out, p2.out)
		}
	}()
	mailsTo := func(addr string) int {
		n := 0
		for _, m := range mail.Mails() {
			if strings.Contains(strings.Join(m.To, ","), addr) {
				n++
			}
		}
		return n
	}
	type counts struct{ ding, wecom, unitMail, officeMail int }
	now := func() counts {
		return counts{rb.count("/robot/send"), rb.count("/cgi-bin/webhook/send"), mailsTo("fgw@"), mailsTo("ducha@")}
	}
	// settle waits until the counts are want, then a while longer, so a
	// message sent twice would show.
	settle := func(when string, want counts) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for now() != want && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(800 * time.Millisecond)
		if got := now(); got != want {
			t.Fatalf("%s: delivered %+v, want %+v", when, got, want)
		}
	}
	steps := []struct {
		d    int
		want counts
	}{
		{13, counts{1, 1, 1, 0}}, // a week before
		{17, counts{2, 2, 2, 0}}, // three days before
		{20, counts{3, 3, 3, 0}}, // the due date
		{23, counts{4, 4, 4, 0}}, // first working day late
		{25, counts{5, 5, 5, 2}}, // third: escalated to the office, one message per late unit
	}
	for _, s := range steps {
		setClock(2026, 11, s.d, 10)
		settle(fmt.Sprintf("11月%d日", s.d), s.want)
	}
	for _, text := range rb.accepted["/robot/send"] {
		if !strings.Contains(text, "省发展改革委") || !strings.Contains(text, "扩大有效投资") || !strings.Contains(text, "稳定工业增长") || strings.Contains(text, "促进消费") {
			t.Errorf("unit A's digest does not list exactly its two tasks: %s", text)
		}
	}
	if rb.badSign > 0 {
		t.Errorf("%d DingTalk posts with a bad signature", rb.badSign)
	}

	// One process only, which dies while the robot holds its message.
	if code := p2.stop(); code != 0 {
		t.Fatalf("p2 stopped with %d", code)
	}
	rb.mu.Lock()
	rb.hold, rb.held = true, make(chan struct{})
	rb.mu.Unlock()
	setClock(2026, 11, 26, 10)
	select {
	case <-rb.held:
	case <-time.After(15 * time.Second):
		t.Fatal("no delivery reached the robot")
	}
	p1.cmd.Process.Kill()
	<-p1.exited
	// Another process takes over once the lease (2 minutes) has run out.
	p3 := serve()
	defer func() {
		if t.Failed() {
			t.Logf("p3:\n%s", p3.out)
		}
	}()
	time.Sleep(500 * time.Millisecond)
	if got := rb.count("/robot/send"); got != 5 {
		t.Fatalf("the held message was sent again within its lease: %d", got)
	}
	writeClock(time.Date(2026, 11, 26, 10, 3, 0, 0, loc))
	settle("after the lease", counts{6, 6, 6, 2})
	// The robots' tokens and the signing secret are in no process's log.
	for i, p := range []*dubanProc{p1, p2, p3} {
		out := p.out.String()
		for _, secret := range []string{"tokenA1234", "tokenB5678", rb.secret} {
			if strings.Contains(out, secret) {
				t.Errorf("process %d logged %q", i+1, secret)
			}
		}
		if i == 2 && !strings.Contains(out, "reminder sent") {
			t.Errorf("process 3 logged no delivery:\n%s", out)
		}
	}
}
