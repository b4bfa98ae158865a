package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"duban/internal/notice"
	"duban/internal/notify/notifytest"
	"duban/internal/remind"
	"duban/internal/store"
)

const (
	secretToken  = "SECRETTOKEN123456"
	secretSign   = "SECsecretsecret"
	secretRobot  = "https://oapi.dingtalk.com/robot/send?access_token=" + secretToken
	smtpPassword = "SMTP-pass-w0rd-never-shown"
)

// addContact adds a contact by the store, as the office.
func (ts *site) addContact(unitID int64, channel, address, secret string) int64 {
	ts.t.Helper()
	id, err := ts.store.AddContact(context.Background(), &store.Contact{UnitID: unitID, Channel: channel, Address: address, Secret: secret},
		ts.users["office"].Actor())
	if err != nil {
		ts.t.Fatal(err)
	}
	return id
}

// postFrom submits a form as a browser does from the page at referer.
func (ts *site) postFrom(c *http.Client, path, referer string, form url.Values) (int, string) {
	ts.t.Helper()
	req, _ := http.NewRequest("POST", ts.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	resp, err := c.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// flash is the message the page after a form shows.
func (ts *site) flash(c *http.Client, path string) string {
	ts.t.Helper()
	_, body := ts.get(c, path)
	_, rest, ok := strings.Cut(body, `<p class="flash">`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(rest, "</p>")
	return msg
}

func TestReminderRoutesAsEveryRole(t *testing.T) {
	ts, ps := yearSite(t)
	q2 := ps[1].ID
	a, b := ts.unitA.ID, ts.unitB.ID
	cA := ts.addContact(a, store.ChannelEmail, "fgw@example.gov.cn", "")
	cOffice := ts.addContact(0, store.ChannelEmail, "dcs@example.gov.cn", "")
	email := url.Values{"channel": {"email"}, "address": {"x@example.gov.cn"}}
	settings := url.Values{"remind_before": {"7,3,0"}, "escalate_after": {"3"}, "quiet_from": {"20:00"}, "quiet_to": {"08:00"},
		"urge_every_workday": {"1"}, "robot_hosts": {"oapi.dingtalk.com\nqyapi.weixin.qq.com"}, "calendar": {"2026-10-01..2026-10-07 休 国庆节"}}
	smtp := url.Values{"host": {"smtp.example.gov.cn"}, "port": {"465"}, "tls": {"tls"}, "from": {"duban@example.gov.cn"}}
	ts.walk(t, []routeCase{
		//                                                                          anon  admin office unit unit2 leader viewer
		{"GET", "/reminders", nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"GET", "/reminders?state=lost", nil, access{see, bad, bad, forb, forb, forb, forb}},
		{"POST", "/deliveries/99999/resend", url.Values{}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"GET", "/reminders/settings", nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", "/reminders/settings", settings, access{unau, see, see, forb, forb, forb, forb}},
		{"POST", "/reminders/contacts", email, access{unau, see, see, forb, forb, forb, forb}},
		{"GET", "/reminders/smtp", nil, access{see, ok, forb, forb, forb, forb, forb}},
		{"POST", "/reminders/smtp", smtp, access{unau, see, forb, forb, forb, forb, forb}},
		{"POST", "/reminders/smtp/test", url.Values{"to": {"x@example.gov.cn"}}, access{unau, see, forb, forb, forb, forb, forb}},
		{"GET", fmt.Sprintf("/units/%d/contacts", a), nil, access{see, ok, ok, ok, nf, forb, forb}},
		{"GET", fmt.Sprintf("/units/%d/contacts", b), nil, access{see, ok, ok, nf, ok, forb, forb}},
		{"GET", "/units/99999/contacts", nil, access{see, nf, nf, nf, nf, forb, forb}},
		{"POST", fmt.Sprintf("/units/%d/contacts", a), email, access{unau, see, see, see, nf, forb, forb}},
		{"POST", fmt.Sprintf("/contacts/%d/test", cA), url.Values{}, access{unau, see, see, see, nf, forb, forb}},
		{"POST", fmt.Sprintf("/contacts/%d/test", cOffice), url.Values{}, access{unau, see, see, nf, nf, forb, forb}},
		{"POST", fmt.Sprintf("/contacts/%d/delete", cOffice), url.Values{}, access{unau, see, nf, nf, nf, forb, forb}}, // gone after the admin
		{"POST", "/contacts/99999/delete", url.Values{}, access{unau, nf, nf, nf, nf, forb, forb}},
		{"POST", fmt.Sprintf("/periods/%d/urge", q2), url.Values{"unit": {fmt.Sprint(a)}, "text": {"请报送"}}, access{unau, see, see, forb, forb, forb, forb}},
		{"POST", "/periods/99999/urge", url.Values{"unit": {"0"}}, access{unau, nf, nf, forb, forb, forb, forb}},
	})
	// unit B can neither delete nor test unit A's contact; unit A deletes its own.
	unitA, unitB := ts.client("unit"), ts.client("unit2")
	if code, _, _ := ts.post(unitB, fmt.Sprintf("/contacts/%d/delete", cA), nil); code != nf {
		t.Errorf("unit B deleting unit A's contact: %d", code)
	}
	if code, _, loc := ts.post(unitA, fmt.Sprintf("/contacts/%d/delete", cA), nil); code != see || loc != fmt.Sprintf("/units/%d/contacts", a) {
		t.Errorf("unit A deleting its contact: %d %s", code, loc)
	}
	if _, err := ts.store.Contact(context.Background(), cA); err == nil {
		t.Error("the contact is still there")
	}
}

// No page or answer shows a robot's token or signing secret, or the mail
// server's password.
func TestReminderSecretsNeverShown(t *testing.T) {
	ts, ps := yearSite(t)
	ctx := context.Background()
	office, unitA, admin := ts.client("office"), ts.client("unit"), ts.client("admin")
	contacts := fmt.Sprintf("/units/%d/contacts", ts.unitA.ID)
	if code, _, _ := ts.post(unitA, contacts, url.Values{"channel": {"dingtalk"}, "address": {secretRobot}, "secret": {secretSign}, "label": {"工作群"}}); code != see {
		t.Fatalf("add a robot: %d", code)
	}
	if msg := ts.flash(unitA, contacts); !strings.Contains(msg, "已添加") {
		t.Errorf("flash after adding: %q", msg)
	}
	if n, err := ts.store.Urge(ctx, ps[1].ID, 0, 0, "", mustRemindSettings(t, ts), ts.users["office"].Actor()); err != nil || n != 2 {
		t.Fatalf("urge: %d %v", n, err)
	}
	tok := ts.token("office")
	pages := map[string]string{}
	for _, p := range []struct {
		name string
		c    *http.Client
		path string
	}{{"contacts as the unit", unitA, contacts}, {"contacts as the office", office, contacts}, {"deliveries", office, "/reminders"},
		{"deliveries of unit A", office, fmt.Sprintf("/reminders?unit=%d&channel=dingtalk&state=queued", ts.unitA.ID)}} {
		code, body := ts.get(p.c, p.path)
		if code != ok {
			t.Fatalf("%s: %d", p.name, code)
		}
		pages[p.name] = body
	}
	for _, p := range []string{fmt.Sprintf("/api/v1/units/%d/contacts", ts.unitA.ID), "/api/v1/reminders"} {
		code, body := ts.api("GET", p, tok, "")
		if code != ok {
			t.Fatalf("%s: %d %s", p, code, body)
		}
		pages[p] = body
	}
	for name, body := range pages {
		for _, secret := range []string{secretToken, secretSign} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %s", name, secret)
			}
		}
		if !strings.Contains(body, "3456") {
			t.Errorf("%s does not show the robot's masked address", name)
		}
	}
	if !strings.Contains(pages["deliveries"], "排队中") || !strings.Contains(pages["deliveries"], "钉钉机器人") {
		t.Errorf("the deliveries page does not list the queued robot message")
	}

	// The mail server's password is stored but never rendered back.
	smtp := url.Values{"host": {"smtp.example.gov.cn"}, "port": {"465"}, "tls": {"tls"}, "username": {"duban"}, "password": {smtpPassword},
		"from": {"duban@example.gov.cn"}}
	if code, _, _ := ts.post(admin, "/reminders/smtp", smtp); code != see {
		t.Fatalf("save smtp: %d", code)
	}
	smtp.Set("password", "")
	smtp.Set("username", "duban2")
	if code, _, _ := ts.post(admin, "/reminders/smtp", smtp); code != see {
		t.Fatalf("save smtp again: %d", code)
	}
	_, body := ts.get(admin, "/reminders/smtp")
	if strings.Contains(body, smtpPassword) || !strings.Contains(body, "已设置，留空则不变") || !strings.Contains(body, "smtp.example.gov.cn") {
		t.Errorf("the smtp page shows the password or not the settings:\n%s", body)
	}
	if c, _ := ts.store.SMTPSettings(ctx); c.Password != smtpPassword || c.Username != "duban2" {
		t.Errorf("stored smtp %+v: an empty password must keep the old one", c)
	}
	if code, _, _ := ts.post(admin, "/reminders/smtp", url.Values{"host": {"smtp.example.gov.cn"}, "port": {"x"}}); code != see {
		t.Errorf("a bad port: %d", code)
	} else if msg := ts.flash(admin, "/reminders/smtp"); !strings.Contains(msg, "端口") {
		t.Errorf("a bad port says %q", msg)
	}
}

func mustRemindSettings(t *testing.T, ts *site) store.RemindSettings {
	t.Helper()
	rs, err := ts.store.RemindSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// The office urges every late unit from the overview: each unit's inbox,
// the task timeline and the deliveries list show it; a failed delivery
// is sent again on 重发.
func TestUrgeFlow(t *testing.T) {
	ts, ps := yearSite(t)
	ctx := context.Background()
	q2 := ps[1].ID
	t1, t2 := ts.tasks[0].ID, ts.tasks[1].ID
	ts.addContact(ts.unitA.ID, store.ChannelEmail, "fgw@example.gov.cn", "")
	office, viewer := ts.client("office"), ts.client("viewer")
	overview := fmt.Sprintf("/notices/%d/overview", ts.noticeID)

	_, body := ts.get(office, overview)
	for _, want := range []string{`id="urge-all"`, fmt.Sprintf(`action="/periods/%d/urge"`, q2), "请尽快报送第二季度进展情况。"} {
		if !strings.Contains(body, want) {
			t.Errorf("the office's overview lacks %q", want)
		}
	}
	if _, body := ts.get(viewer, overview); strings.Contains(body, "/urge") {
		t.Error("a viewer is offered to urge")
	}

	text := "请于7月3日前报送第二季度进展<b>情况</b>。"
	code, loc := ts.postFrom(office, fmt.Sprintf("/periods/%d/urge", q2), ts.srv.URL+overview+"?period="+fmt.Sprint(q2), url.Values{"unit": {"0"}, "text": {text}})
	if code != see || loc != overview+"?period="+fmt.Sprint(q2) {
		t.Fatalf("urge: %d to %q", code, loc)
	}
	if msg := ts.flash(office, overview); msg != "已催办 2 个单位。" {
		t.Errorf("flash %q", msg)
	}
	escaped := "请于7月3日前报送第二季度进展&lt;b&gt;情况&lt;/b&gt;。"
	for login, task := range map[string]int64{"unit": t1, "unit2": t2} {
		_, body := ts.get(ts.client(login), "/inbox")
		_, sec, _ := strings.Cut(body, "督办提醒")
		for _, want := range []string{escaped, "督查室催办", "2026-07-02", fmt.Sprintf(`href="/tasks/%d"`, task), "督查室王科长"} {
			if !strings.Contains(sec, want) {
				t.Errorf("%s's inbox lacks %q", login, want)
			}
		}
		if strings.Contains(body, "<b>情况</b>") {
			t.Errorf("%s's inbox shows the text unescaped", login)
		}
	}
	_, body = ts.get(office, fmt.Sprintf("/tasks/%d", t1))
	if _, sec, _ := strings.Cut(body, `id="task-urgings"`); !strings.Contains(sec, escaped) || !strings.Contains(sec, "省发展改革委") {
		t.Errorf("the task page's urgings lack the urging")
	}
	_, body = ts.get(office, "/reminders")
	if !strings.Contains(body, "排队中") || !strings.Contains(body, "fgw@example.gov.cn") {
		t.Errorf("the deliveries page lacks the queued e-mail")
	}

	// A from another site goes back to the overview, never there.
	code, loc = ts.postFrom(office, fmt.Sprintf("/periods/%d/urge", q2), "https://evil.example/x", url.Values{"unit": {fmt.Sprint(ts.unitB.ID)}})
	if code != see || loc != overview+"?period="+fmt.Sprint(q2) {
		t.Errorf("urge from another site: %d to %q", code, loc)
	}
	// A unit with nothing owed is told so.
	if code, _ := ts.postFrom(office, fmt.Sprintf("/periods/%d/urge", ps[2].ID), "", url.Values{"unit": {"0"}}); code != see {
		t.Errorf("urging a period not yet due: %d", code)
	} else if msg := ts.flash(office, overview); !strings.Contains(msg, "还没有逾期单位") {
		t.Errorf("urging a period not yet due says %q", msg)
	}

	// The delivery fails for good; 重发 queues it again.
	ts.store.SetClock(func() time.Time { return time.Date(2026, 7, 2, 9, 0, 0, 0, time.UTC) })
	ds, err := ts.store.Claim(ctx, "test", 10, time.Minute)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	if err := ts.store.Failed(ctx, ds[0], "test", "550 mailbox unavailable", 0); err != nil {
		t.Fatal(err)
	}
	office = ts.client("office")
	_, body = ts.get(office, "/reminders?state=failed")
	for _, want := range []string{"发送失败", "550 mailbox unavailable", fmt.Sprintf(`action="/deliveries/%d/resend"`, ds[0].ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("the failed list lacks %q", want)
		}
	}
	code, loc = ts.postFrom(office, fmt.Sprintf("/deliveries/%d/resend", ds[0].ID), ts.srv.URL+"/reminders?state=failed", url.Values{})
	if code != see || loc != "/reminders?state=failed" {
		t.Fatalf("resend: %d %q", code, loc)
	}
	if got, _ := ts.store.Deliveries(ctx, store.DeliveryFilter{}); len(got) != 1 || got[0].State != "queued" {
		t.Errorf("after resend: %+v", got)
	}
	if code, _ = ts.postFrom(office, fmt.Sprintf("/deliveries/%d/resend", ds[0].ID), "", url.Values{}); code != see {
		t.Errorf("resending a queued one: %d", code)
	} else if msg := ts.flash(office, "/reminders"); !strings.Contains(msg, "只有发送失败") {
		t.Errorf("resending a queued one says %q", msg)
	}
}

// The review queue and the task page offer to urge a unit about one
// task, the text proposed from the task's light.
func TestUrgeFromTaskAndReview(t *testing.T) {
	ts, ps := yearSite(t)
	ctx := context.Background()
	q2 := ps[1].ID
	t1 := ts.tasks[0].ID
	office, unitA := ts.client("office"), ts.client("unit")
	_, body := ts.get(office, fmt.Sprintf("/tasks/%d", t1))
	if !strings.Contains(body, fmt.Sprintf(`action="/periods/%d/urge"`, q2)) || !strings.Contains(body, fmt.Sprintf(`name="task" value="%d"`, t1)) {
		t.Errorf("the task page offers no urging for the late quarter")
	}
	if strings.Contains(body, fmt.Sprintf(`action="/periods/%d/urge"`, ps[3].ID)) {
		t.Errorf("the task page offers to urge the fourth quarter, not yet open")
	}
	if _, body := ts.get(unitA, fmt.Sprintf("/tasks/%d", t1)); strings.Contains(body, "/urge") {
		t.Error("a unit is offered to urge")
	}
	// Unit A files, the office returns it: the review queue offers to urge.
	report := fmt.Sprintf("/tasks/%d/reports/%d", t1, q2)
	if code, _, _ := ts.post(unitA, report, url.Values{"version": {"0"}, "progress": {"开工"}, "percent": {"40"}, "action": {"submit"}}); code != see {
		t.Fatalf("submit: %d", code)
	}
	rep, err := ts.store.Report(ctx, t1, q2, ts.unitA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := ts.post(office, fmt.Sprintf("/reports/%d/review", rep.ID), url.Values{"version": {fmt.Sprint(rep.Version)}, "action": {"return"}, "comment": {"补充数据"}}); code != see {
		t.Fatalf("return: %d", code)
	}
	_, body = ts.get(office, "/review?state=returned")
	if !strings.Contains(body, fmt.Sprintf(`id="urge-%d"`, rep.ID)) {
		t.Fatalf("the review queue offers no urging for the returned report")
	}
	code, loc := ts.postFrom(office, fmt.Sprintf("/periods/%d/urge", q2), ts.srv.URL+"/review?state=returned",
		url.Values{"unit": {fmt.Sprint(ts.unitA.ID)}, "task": {fmt.Sprint(t1)}, "text": {"请补充数据后重新报送。"}})
	if code != see || loc != "/review?state=returned" {
		t.Fatalf("urge from the review queue: %d %q", code, loc)
	}
	gs, err := ts.store.Urgings(ctx, ts.unitA.ID, t1, 10)
	if err != nil || len(gs) != 1 || gs[0].Text != "请补充数据后重新报送。" || gs[0].Item != "resubmit" {
		t.Errorf("urgings %+v %v", gs, err)
	}
}

// 发送测试消息 posts to the robot at once, signed; without the scheduler
// it says the service is not running.
func TestContactTestMessage(t *testing.T) {
	ts, _ := yearSite(t)
	ctx := context.Background()
	hook := notifytest.NewWebhook(t, notifytest.DingTalkSecret(secretSign))
	rs := mustRemindSettings(t, ts)
	rs.RobotHosts = append(rs.RobotHosts, "127.0.0.1")
	if err := ts.store.SetRemindSettings(ctx, rs, store.CLI); err != nil {
		t.Fatal(err)
	}
	contacts := fmt.Sprintf("/units/%d/contacts", ts.unitA.ID)
	unitA := ts.client("unit")
	if code, _, _ := ts.post(unitA, contacts, url.Values{"channel": {"dingtalk"}, "address": {hook.DingTalkURL()}, "secret": {secretSign}}); code != see {
		t.Fatalf("add: %d", code)
	}
	cs, err := ts.store.Contacts(ctx, ts.unitA.ID)
	if err != nil || len(cs) != 1 {
		t.Fatal(cs, err)
	}
	test := fmt.Sprintf("/contacts/%d/test", cs[0].ID)
	if code, _, _ := ts.post(unitA, test, nil); code != see {
		t.Fatalf("test without a scheduler: %d", code)
	}
	if msg := ts.flash(unitA, contacts); !strings.Contains(msg, "提醒服务未启动") {
		t.Errorf("without a scheduler: %q", msg)
	}

	ts.serve(Config{Reminders: remind.New(ts.store, remind.Config{})})
	unitA, unitB := ts.client("unit"), ts.client("unit2")
	if code, _, _ := ts.post(unitB, test, nil); code != nf {
		t.Errorf("unit B testing unit A's contact: %d", code)
	}
	if n := len(hook.Posts()); n != 0 {
		t.Fatalf("%d posts before the test", n)
	}
	if code, _, _ := ts.post(unitA, test, nil); code != see {
		t.Fatalf("test: %d", code)
	}
	if msg := ts.flash(unitA, contacts); !strings.Contains(msg, "测试消息已发送") || strings.Contains(msg, hook.Token) {
		t.Errorf("after the test: %q", msg)
	}
	posts := hook.Posts()
	if len(posts) != 1 || !posts[0].SignOK || !strings.Contains(posts[0].Text, "省发展改革委") {
		t.Fatalf("posts %+v", posts)
	}

	// A robot that refuses: the flash says why, without the token.
	bad := notifytest.NewWebhook(t, notifytest.FailFirstStatus(5, http.StatusForbidden), notifytest.EchoRequest())
	rs.RobotHosts = []string{"127.0.0.1"}
	if err := ts.store.SetRemindSettings(ctx, rs, store.CLI); err != nil {
		t.Fatal(err)
	}
	id := ts.addContact(ts.unitA.ID, store.ChannelWeCom, bad.WeComURL(), "")
	if code, _, _ := ts.post(unitA, fmt.Sprintf("/contacts/%d/test", id), nil); code != see {
		t.Fatalf("failing test: %d", code)
	}
	if msg := ts.flash(unitA, contacts); !strings.Contains(msg, "测试消息发送失败") || strings.Contains(msg, bad.Token) {
		t.Errorf("after a failing test: %q", msg)
	}

	// The SMTP page sends a test e-mail through the deployment's server,
	// and says it overrides the page's settings.
	mail := notifytest.NewSMTPServer(t)
	ts.serve(Config{Reminders: remind.New(ts.store, remind.Config{SMTP: store.SMTPSettings{Host: mail.Host, Port: mail.Port, TLS: "none",
		From: "duban@example.gov.cn"}})})
	admin := ts.client("admin")
	_, body := ts.get(admin, "/reminders/smtp")
	if !strings.Contains(body, `id="smtp-override"`) || !strings.Contains(body, mail.Addr()) {
		t.Errorf("the smtp page does not say the deployment's server is in force")
	}
	if code, _, _ := ts.post(admin, "/reminders/smtp/test", url.Values{"to": {"wang@example.gov.cn"}}); code != see {
		t.Fatalf("smtp test: %d", code)
	}
	if msg := ts.flash(admin, "/reminders/smtp"); !strings.Contains(msg, "测试邮件已发送") {
		t.Errorf("smtp test says %q", msg)
	}
	if ms := mail.Mails(); len(ms) != 1 {
		t.Errorf("mails %+v", ms)
	}
	if code, _, _ := ts.post(admin, "/reminders/smtp/test", url.Values{"to": {"not an address"}}); code != see {
		t.Fatalf("smtp test to a bad address: %d", code)
	} else if msg := ts.flash(admin, "/reminders/smtp"); !strings.Contains(msg, "不是有效的电子邮件地址") {
		t.Errorf("a bad address says %q", msg)
	}
}

// The rules and calendar are saved; a calendar's errors are listed by
// line with the form kept as typed.
func TestRemindSettingsPage(t *testing.T) {
	ts, _ := yearSite(t)
	ctx := context.Background()
	office := ts.client("office")
	form := url.Values{"remind_before": {"5，1"}, "escalate_after": {"2"}, "quiet_from": {"21:30"}, "quiet_to": {"07:00"},
		"base_url": {"https://duban.example.gov.cn/"}, "robot_hosts": {"oapi.dingtalk.com\r\nzwding.example.gov.cn\r\n"}, "off": {"1"},
		"calendar": {"# 测试\r\n2026-10-01..2026-10-07 休 国庆节\r\n2026-10-10 班 调休\r\n"}}
	if code, body, _ := ts.post(office, "/reminders/settings", form); code != see {
		t.Fatalf("save: %d %.500s", code, body)
	}
	rs := mustRemindSettings(t, ts)
	if fmt.Sprint(rs.Rules.RemindBefore) != "[5 1]" || rs.Rules.EscalateAfter != 2 || rs.Rules.QuietFrom != 21*60+30 || rs.Rules.QuietTo != 7*60 ||
		rs.Rules.UrgeEveryWorkday || !rs.Off || rs.BaseURL != "https://duban.example.gov.cn" || fmt.Sprint(rs.RobotHosts) != "[oapi.dingtalk.com zwding.example.gov.cn]" {
		t.Errorf("stored %+v", rs)
	}
	cal, err := rs.Cal()
	if err != nil || cal.Workday(notice.NewDate(2026, 10, 2)) || !cal.Workday(notice.NewDate(2026, 10, 10)) {
		t.Errorf("calendar %v", err)
	}
	_, body := ts.get(office, "/reminders/settings")
	for _, want := range []string{`value="5,1"`, `value="21:30"`, "zwding.example.gov.cn", "2026-10-10 班 调休", `name="off" value="1" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("the settings page lacks %q", want)
		}
	}
	form.Set("calendar", "2026-10-01 休 国庆节\n2026-13-01 休\n2026-10-01 班")
	code, body, _ := ts.post(office, "/reminders/settings", form)
	if code != bad || !strings.Contains(body, `id="settings-errors"`) || !strings.Contains(body, "第2行") || !strings.Contains(body, "第3行") ||
		!strings.Contains(body, "2026-13-01 休") {
		t.Errorf("a bad calendar: %d\n%s", code, body)
	}
	form.Set("quiet_from", "25:00")
	if code, body, _ := ts.post(office, "/reminders/settings", form); code != bad || !strings.Contains(body, "免打扰") {
		t.Errorf("bad quiet hours: %d", code)
	}
	if after := mustRemindSettings(t, ts); after.Calendar != rs.Calendar {
		t.Error("a refused form changed the calendar")
	}
	// The office's own contacts are listed there.
	if code, _, _ := ts.post(office, "/reminders/contacts", url.Values{"channel": {"email"}, "address": {"dcs@example.gov.cn"}, "label": {"值班"}}); code != see {
		t.Fatalf("office contact: %d", code)
	}
	_, body = ts.get(office, "/reminders/settings")
	if !strings.Contains(body, "dcs@example.gov.cn") {
		t.Error("the office's contact is not listed")
	}
	if cs, _ := ts.store.Contacts(ctx, 0); len(cs) != 1 {
		t.Errorf("office contacts %d", len(cs))
	}
	// A robot on a host not allowed is refused with the reason.
	contacts := fmt.Sprintf("/units/%d/contacts", ts.unitA.ID)
	if code, _, _ := ts.post(office, contacts, url.Values{"channel": {"dingtalk"}, "address": {"https://intranet.example/robot?access_token=x"}}); code != see {
		t.Fatalf("robot elsewhere: %d", code)
	}
	if msg := ts.flash(office, contacts); !strings.Contains(msg, "不在允许的范围内") {
		t.Errorf("robot elsewhere says %q", msg)
	}
}

// The API urges, and lists a unit's urgings and contacts to it alone.
func TestRemindAPI(t *testing.T) {
	ts, ps := yearSite(t)
	toks := ts.apiTokens()
	ts.addContact(ts.unitA.ID, store.ChannelEmail, "fgw@example.gov.cn", "")
	code, body := ts.api("POST", fmt.Sprintf("/api/v1/periods/%d/urge", ps[1].ID), toks["office"],
		fmt.Sprintf(`{"unit": %d, "task": 0, "text": "请今日报送。"}`, ts.unitA.ID))
	if code != ok || !strings.Contains(body, `"units": 1`) {
		t.Fatalf("urge: %d %s", code, body)
	}
	if code, body := ts.api("POST", fmt.Sprintf("/api/v1/periods/%d/urge", ps[2].ID), toks["office"], `{"unit": 0}`); code != bad {
		t.Errorf("urging a period not yet due: %d %s", code, body)
	}
	if code, body := ts.api("POST", fmt.Sprintf("/api/v1/periods/%d/urge", ps[1].ID), toks["office"], `{"unit": 0, "extra": 1}`); code != bad {
		t.Errorf("an unknown field: %d %s", code, body)
	}
	code, body = ts.api("GET", "/api/v1/urgings", toks["unit"], "")
	if code != ok || !strings.Contains(body, "请今日报送。") || !strings.Contains(body, `"step": "manual"`) {
		t.Errorf("unit A's urgings: %d %s", code, body)
	}
	if code, body := ts.api("GET", "/api/v1/urgings", toks["unit2"], ""); code != ok || strings.Contains(body, "请今日报送。") {
		t.Errorf("unit B's urgings: %d %s", code, body)
	}
	if code, _ := ts.api("GET", fmt.Sprintf("/api/v1/urgings?unit=%d", ts.unitA.ID), toks["unit2"], ""); code != nf {
		t.Errorf("unit B asking for unit A's urgings: %d", code)
	}
	if code, body := ts.api("GET", fmt.Sprintf("/api/v1/urgings?unit=%d", ts.unitB.ID), toks["office"], ""); code != ok || strings.Contains(body, "请今日报送。") {
		t.Errorf("unit B's urgings as the office: %d %s", code, body)
	}
	code, body = ts.api("GET", fmt.Sprintf("/api/v1/reminders?unit=%d&state=queued", ts.unitA.ID), toks["admin"], "")
	if code != ok || !strings.Contains(body, `"shown_to": "fgw@example.gov.cn"`) || !strings.Contains(body, `"state_label": "排队中"`) {
		t.Errorf("deliveries: %d %s", code, body)
	}
	if code, _ := ts.api("GET", "/api/v1/reminders?channel=fax", toks["admin"], ""); code != bad {
		t.Errorf("a bad channel: %d", code)
	}
	code, body = ts.api("GET", fmt.Sprintf("/api/v1/units/%d/contacts", ts.unitA.ID), toks["unit"], "")
	if code != ok || !strings.Contains(body, `"address": "fgw@example.gov.cn"`) || strings.Contains(body, "secret\"") {
		t.Errorf("contacts: %d %s", code, body)
	}
}

// A unit marks its responsible leader's address: it is listed as such,
// and the store keeps it for escalations only.
func TestLeaderContact(t *testing.T) {
	ts, _ := yearSite(t)
	unit := ts.client("unit")
	path := contactsHref(ts.unitA.ID)
	if code, _, _ := ts.post(unit, path, url.Values{"channel": {"email"}, "address": {"leader@example.gov.cn"}, "leader": {"1"}}); code != see {
		t.Fatalf("add: %d", code)
	}
	if _, page := ts.get(unit, path); !strings.Contains(page, "责任领导·仅逾期升级") {
		t.Error("the leader's contact is not marked")
	}
	cs, _ := ts.store.Contacts(context.Background(), ts.unitA.ID)
	if len(cs) != 1 || !cs[0].Leader {
		t.Errorf("contacts %+v", cs)
	}
}
