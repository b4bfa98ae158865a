package notify

import (
	"context"
	"net/http"
)

// WeCom is a WeCom (企业微信) group robot.
type WeCom struct {
	URL    string // https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
	Client *http.Client
}

// weComRetry are WeCom's errcodes worth retrying: -1 系统繁忙 and 45009
// over the rate limit (20 a minute per robot).
var weComRetry = map[int]bool{-1: true, 45009: true}

// Send posts msg as markdown, cut to WeComLimit bytes.
func (w *WeCom) Send(ctx context.Context, msg Message) error {
	body := map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"content": cutBytes(msg.Markdown, WeComLimit)},
	}
	red := newRedactor([]string{w.URL})
	data, err := postJSON(ctx, w.Client, "wecom", w.URL, body, red)
	if err != nil {
		return err
	}
	return checkReply("wecom", data, weComRetry, red)
}

// MarkdownLimit is the most markdown bytes the robot takes.
func (w *WeCom) MarkdownLimit() int { return WeComLimit }

// String is the robot as pages show it.
func (w *WeCom) String() string { return "企业微信机器人 " + Mask(w.URL) }
