package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DingTalk is a DingTalk group's custom robot (自定义机器人). With a
// Secret (加签) each request carries a timestamp and its signature.
type DingTalk struct {
	URL    string // https://oapi.dingtalk.com/robot/send?access_token=…
	Secret string // SEC…, or empty when the robot checks keywords or IPs
	Client *http.Client
	Now    func() time.Time // nil: time.Now
}

// dingTalkRetry are DingTalk's errcodes worth retrying: -1 系统繁忙 and
// 130101 send too fast (20 a minute per robot).
var dingTalkRetry = map[int]bool{-1: true, 130101: true}

// DingTalkSign is the signature of a request at ts (Unix milliseconds):
// base64(HMAC-SHA256(secret, ts+"\n"+secret)), before URL escaping.
func DingTalkSign(secret string, ts int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyDingTalk reports whether sign (URL-unescaped) is the signature of
// ts under secret, as DingTalk checks it.
func VerifyDingTalk(secret string, ts int64, sign string) bool {
	got, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return false
	}
	want, _ := base64.StdEncoding.DecodeString(DingTalkSign(secret, ts))
	return hmac.Equal(got, want)
}

// SignedURL is the robot's URL with the timestamp and signature of t.
func (d *DingTalk) SignedURL(t time.Time) string {
	if d.Secret == "" {
		return d.URL
	}
	ts := t.UnixMilli()
	sep := "&"
	if !strings.Contains(d.URL, "?") {
		sep = "?"
	}
	return d.URL + sep + "timestamp=" + strconv.FormatInt(ts, 10) + "&sign=" + url.QueryEscape(DingTalkSign(d.Secret, ts))
}

// Send posts msg as markdown, cut to DingTalkLimit bytes.
func (d *DingTalk) Send(ctx context.Context, msg Message) error {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	endpoint := d.SignedURL(now())
	body := map[string]any{
		"msgtype": "markdown",
		"markdown": map[string]string{
			"title": clip(oneLine(msg.Title), 64),
			"text":  cutBytes(msg.Markdown, DingTalkLimit),
		},
	}
	red := newRedactor([]string{d.URL, endpoint}, d.Secret)
	data, err := postJSON(ctx, d.Client, "dingtalk", endpoint, body, red)
	if err != nil {
		return err
	}
	return checkReply("dingtalk", data, dingTalkRetry, red)
}

// MarkdownLimit is the most markdown bytes the robot takes.
func (d *DingTalk) MarkdownLimit() int { return DingTalkLimit }

// String is the robot as pages show it.
func (d *DingTalk) String() string { return "钉钉机器人 " + Mask(d.URL) }
