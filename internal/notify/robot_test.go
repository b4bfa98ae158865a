package notify

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"duban/internal/notify/notifytest"
)

const testSecret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"

var fixedNow = time.Date(2026, 10, 9, 9, 30, 0, 0, cst)

func fixedClock() time.Time { return fixedNow }

func testMessage() Message {
	return Message{Title: "督办提醒：某局有1项待报送", Markdown: "#### 督办提醒\n\n- [任务](https://duban.example.gov.cn/tasks/1)\n"}
}

func TestDingTalkSignVerify(t *testing.T) {
	ts := int64(1791509400000)
	sign := DingTalkSign(testSecret, ts)
	if !VerifyDingTalk(testSecret, ts, sign) {
		t.Fatal("own signature rejected")
	}
	if VerifyDingTalk(testSecret, ts+1, sign) || VerifyDingTalk("SECother", ts, sign) || VerifyDingTalk(testSecret, ts, "not base64!") {
		t.Error("bad signature accepted")
	}
	if DingTalkSign(testSecret, ts) != sign {
		t.Error("signature not deterministic")
	}
}

func TestDingTalkSend(t *testing.T) {
	hook := notifytest.NewWebhook(t, notifytest.DingTalkSecret(testSecret))
	dt := &DingTalk{URL: hook.DingTalkURL(), Secret: testSecret, Now: fixedClock}
	if err := dt.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	posts := hook.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	if p.MsgType != "markdown" || p.Title != testMessage().Title || p.Text != testMessage().Markdown {
		t.Errorf("post = %+v", p)
	}
	if p.Path != "/robot/send" || p.Query.Get("access_token") != hook.Token {
		t.Errorf("url: %s %v", p.Path, p.Query)
	}
	// The webhook checks the signature with its own HMAC; check ours too.
	if !p.SignOK || p.Timestamp != fixedNow.UnixMilli() || !VerifyDingTalk(testSecret, p.Timestamp, p.Sign) {
		t.Errorf("signature: ok %v ts %d sign %q", p.SignOK, p.Timestamp, p.Sign)
	}
}

func TestDingTalkWrongSecret(t *testing.T) {
	hook := notifytest.NewWebhook(t, notifytest.DingTalkSecret(testSecret))
	dt := &DingTalk{URL: hook.DingTalkURL(), Secret: "SECwrong0123456789", Now: fixedClock}
	err := dt.Send(context.Background(), testMessage())
	var se *SendError
	if !errors.As(err, &se) || se.Code != 310000 || Retryable(err) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "钉钉机器人发送失败（错误码310000）：sign not match") {
		t.Errorf("message: %v", err)
	}
	assertNoSecrets(t, err, hook.Token, "SECwrong0123456789")
}

func TestRobotErrcodes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		wecom  bool
		code   int
		retry  bool
		status int
	}{
		{name: "dingtalk too fast", code: 130101, retry: true},
		{name: "dingtalk busy", code: -1, retry: true},
		{name: "dingtalk keyword missing", code: 310000, retry: false},
		{name: "wecom rate limit", wecom: true, code: 45009, retry: true},
		{name: "wecom bad key", wecom: true, code: 93000, retry: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hook := notifytest.NewWebhook(t, notifytest.ErrCode(tc.code, "nope", 1))
			var s Sender = &DingTalk{URL: hook.DingTalkURL()}
			if tc.wecom {
				s = &WeCom{URL: hook.WeComURL()}
			}
			err := s.Send(context.Background(), testMessage())
			var se *SendError
			if !errors.As(err, &se) || se.Code != tc.code || Retryable(err) != tc.retry {
				t.Fatalf("err = %v (retryable %v)", err, Retryable(err))
			}
			// The webhook answers errcode once, then ok.
			if err := s.Send(context.Background(), testMessage()); err != nil {
				t.Errorf("second send: %v", err)
			}
		})
	}
}

func TestHTTPStatusClasses(t *testing.T) {
	for status, retry := range map[int]bool{500: true, 502: true, 503: true, 429: true, 408: true, 400: false, 403: false, 404: false} {
		hook := notifytest.NewWebhook(t, notifytest.FailFirstStatus(1, status))
		err := (&WeCom{URL: hook.WeComURL()}).Send(context.Background(), testMessage())
		var se *SendError
		if !errors.As(err, &se) || se.Status != status || se.Retryable != retry {
			t.Errorf("status %d: err %v, retryable %v", status, err, Retryable(err))
		}
	}
}

// A webhook that fails twice is delivered on the third attempt by a loop
// that follows Retry, and the back-off asked for grows.
func TestRetryLoop(t *testing.T) {
	hook := notifytest.NewWebhook(t, notifytest.FailFirst(2))
	dt := &DingTalk{URL: hook.DingTalkURL()}
	var waits []time.Duration
	for attempt := 1; ; attempt++ {
		err := dt.Send(context.Background(), testMessage())
		if err == nil {
			break
		}
		wait, ok := Retry(err, attempt)
		if !ok {
			t.Fatalf("gave up at attempt %d: %v", attempt, err)
		}
		waits = append(waits, wait)
	}
	if len(hook.Posts()) != 3 || len(waits) != 2 || waits[0] != 30*time.Second || waits[1] != 2*time.Minute {
		t.Errorf("posts %d, waits %v", len(hook.Posts()), waits)
	}
}

func TestWeComSend(t *testing.T) {
	hook := notifytest.NewWebhook(t)
	msg := testMessage()
	msg.Markdown = strings.Repeat("督办提醒，", 1000) // 15000 bytes
	if err := (&WeCom{URL: hook.WeComURL()}).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	p := hook.Posts()[0]
	if p.MsgType != "markdown" || p.Path != "/cgi-bin/webhook/send" || p.Query.Get("key") != hook.Token {
		t.Errorf("post = %+v", p)
	}
	if len(p.Text) > WeComLimit || !strings.HasPrefix(msg.Markdown, p.Text) || len(p.Text) < WeComLimit-6 {
		t.Errorf("content cut to %d bytes", len(p.Text))
	}
}

func TestGenericWebhook(t *testing.T) {
	hook := notifytest.NewWebhook(t)
	w := &Webhook{URL: hook.URL + "/hooks/duban?token=abcdef123456"}
	if err := w.Send(context.Background(), Message{Title: "标题", Markdown: "**md**", Text: "text"}); err != nil {
		t.Fatal(err)
	}
	if body := string(hook.Posts()[0].Body); body != `{"markdown":"**md**","text":"text","title":"标题"}` {
		t.Errorf("body = %s", body)
	}
}

// Errors must not carry what grants access to a robot: net/http's
// *url.Error puts the whole URL in its text.
func TestErrorsHideSecrets(t *testing.T) {
	// Nothing listens on a port just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	token := "deadbeefdeadbeefdeadbeefdeadbeef9z8y"
	dt := &DingTalk{URL: dead + "/robot/send?access_token=" + token, Secret: testSecret, Now: fixedClock}
	err = dt.Send(context.Background(), testMessage())
	if err == nil || !Retryable(err) {
		t.Fatalf("refused connection: %v, retryable %v", err, Retryable(err))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		t.Error("*url.Error kept in the chain")
	}
	assertNoSecrets(t, err, token, testSecret, url.QueryEscape(DingTalkSign(testSecret, fixedNow.UnixMilli())))
	if !strings.Contains(err.Error(), "access_token=…9z8y") {
		t.Errorf("error should name the masked robot: %v", err)
	}

	// A gateway that echoes the request URL in a failure.
	hook := notifytest.NewWebhook(t, notifytest.FailFirst(1), notifytest.EchoRequest())
	err = (&WeCom{URL: hook.WeComURL()}).Send(context.Background(), testMessage())
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, err, hook.Token)

	// An errcode reply that echoes it.
	hook = notifytest.NewWebhook(t, notifytest.ErrCode(93000, "invalid webhook url", 1), notifytest.EchoRequest())
	err = (&WeCom{URL: hook.WeComURL()}).Send(context.Background(), testMessage())
	if err == nil {
		t.Fatal("no error")
	}
	assertNoSecrets(t, err, hook.Token)

	// A URL that does not parse.
	err = (&WeCom{URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + token + "\x7f%zz"}).Send(context.Background(), testMessage())
	if err == nil || Retryable(err) {
		t.Fatalf("bad URL: %v", err)
	}
	assertNoSecrets(t, err, token)
}

func TestCancelledIsRetryable(t *testing.T) {
	hook := notifytest.NewWebhook(t)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	err := (&DingTalk{URL: hook.DingTalkURL()}).Send(ctx, testMessage())
	if err == nil || !Retryable(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, retryable %v", err, Retryable(err))
	}
	assertNoSecrets(t, err, hook.Token)
}

func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error shows a secret %q: %v", s, err)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdefa1b2":             "https://oapi.dingtalk.com/robot/send?access_token=…a1b2",
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-c3d4":            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…c3d4",
		"https://user:pass@hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXwxyz":    "https://hooks.example.com/services/T000/B000/…wxyz",
		"https://oapi.dingtalk.com/robot/send?access_token=abcd1234&timestamp=1&sign=zzzzQQ": "https://oapi.dingtalk.com/robot/send?access_token=…1234&sign=…zzQQ&timestamp=…1",
		"not a url": "… url",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	for _, s := range []fmtString{&DingTalk{URL: "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdefa1b2"}, &WeCom{URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123456789abcdefa1b2"}} {
		if strings.Contains(s.String(), "0123456789") {
			t.Errorf("String shows the token: %s", s.String())
		}
	}
}

type fmtString interface{ String() string }
