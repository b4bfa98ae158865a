package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Message is one reminder as the senders take it: robots send Title and
// Markdown, e-mail sends Title as the subject and Text and HTML to To.
type Message struct {
	Title    string
	Markdown string
	Text     string
	HTML     string
	To       []string // e-mail addresses
}

// Sender sends a message on one channel.
type Sender interface {
	Send(ctx context.Context, msg Message) error
}

// SendError is a sender's failure: whether trying again later may work,
// and the channel's code. Its text never holds a robot's URL or secret.
type SendError struct {
	Channel   string // dingtalk, wecom, smtp, webhook
	Retryable bool
	Status    int // HTTP status, or the SMTP reply code
	Code      int // the robot's errcode
	Msg       string
	Err       error
}

func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString(channelNames[e.Channel])
	b.WriteString("发送失败")
	if e.Status != 0 {
		fmt.Fprintf(&b, "（状态%d）", e.Status)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, "（错误码%d）", e.Code)
	}
	if e.Msg != "" {
		b.WriteString("：" + e.Msg)
	}
	if e.Err != nil {
		b.WriteString("：" + e.Err.Error())
	}
	if e.Retryable {
		b.WriteString("，稍后重试")
	}
	return b.String()
}

func (e *SendError) Unwrap() error { return e.Err }

var channelNames = map[string]string{
	"dingtalk": "钉钉机器人",
	"wecom":    "企业微信机器人",
	"smtp":     "邮件",
	"webhook":  "Webhook",
}

// Retryable reports whether a send that failed with err may succeed
// later: rate limits, server errors, timeouts and network failures.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Retryable
	}
	return transient(err)
}

// transient reports whether err is a timeout or a network failure.
func transient(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// Mask writes a robot or webhook URL so pages and logs can show which it
// is without what grants access: scheme, host, a path of short segments,
// and each query value as its last 4 characters.
//
//	https://oapi.dingtalk.com/robot/send?access_token=…a1b2
func Mask(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "…" + last4(raw)
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host)
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg == "" {
			continue
		}
		// A long segment may be a token (…/hooks/T0/B0/XXXXXXXX).
		if len(seg) > 16 {
			seg = "…" + last4(seg)
		}
		b.WriteString("/" + seg)
	}
	q := u.Query()
	if len(q) > 0 {
		b.WriteString("?")
		first := true
		for _, k := range sortedKeys(q) {
			if !first {
				b.WriteString("&")
			}
			first = false
			b.WriteString(url.QueryEscape(k) + "=…" + last4(q.Get(k)))
		}
	}
	return b.String()
}

func last4(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

func sortedKeys(q url.Values) []string { return slices.Sorted(maps.Keys(q)) }

// scrubbed is an error whose text has had its secrets taken out.
type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

// redactor takes what grants access to a robot out of text for errors:
// its URLs become their Mask, tokens and secrets an ellipsis.
type redactor struct {
	shown string // the robot's configured URL, masked
	r     *strings.Replacer
}

// newRedactor redacts the URLs given (the configured one first, then
// any signed one), their query values and long path segments, and the
// extra secrets.
func newRedactor(urls []string, extra ...string) redactor {
	repl := map[string]string{}
	shown := ""
	if len(urls) > 0 {
		shown = Mask(urls[0])
	}
	for _, raw := range urls {
		if raw == "" {
			continue
		}
		repl[raw] = shown
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		// Errors may quote the URL without its scheme and host.
		if rest := u.RequestURI(); len(rest) > 1 {
			repl[rest] = shown
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) > 4 {
					repl[v], repl[url.QueryEscape(v)] = "…", "…"
				}
			}
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if len(seg) > 16 {
				repl[seg] = "…"
			}
		}
	}
	for _, e := range extra {
		if e != "" {
			repl[e] = "…"
		}
	}
	// Longest first: a URL is masked whole before its token is.
	olds := slices.SortedFunc(maps.Keys(repl), func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, o := range olds {
		pairs = append(pairs, o, repl[o])
	}
	return redactor{shown: shown, r: strings.NewReplacer(pairs...)}
}

func (r redactor) text(s string) string { return r.r.Replace(s) }

// err strips err of the request URL: a *url.Error is replaced by what it
// wraps, and any secret left in its text is redacted. The chain keeps
// the inner errors (for errors.Is) but not the *url.Error.
func (r redactor) err(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &scrubbed{r.text(err.Error()), err}
}

// maxResponse bounds a robot's response read: they are a few bytes.
const maxResponse = 64 << 10

// defaultTimeout applies when a sender's client has none.
const defaultTimeout = 15 * time.Second

// postJSON posts body to endpoint and returns the response's body; the
// error is a *SendError with the URL and secrets out of its text.
func postJSON(ctx context.Context, client *http.Client, channel, endpoint string, body any, red redactor) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: defaultTimeout}
	}
	mask := red.shown
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, &SendError{Channel: channel, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return nil, &SendError{Channel: channel, Msg: "地址无效 " + mask, Err: red.err(err)}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		// A caller's cancel is not the channel's fault but still worth a retry.
		return nil, &SendError{Channel: channel, Retryable: true, Msg: mask, Err: red.err(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &SendError{Channel: channel, Retryable: true, Status: resp.StatusCode, Msg: mask, Err: red.err(err)}
	}
	if resp.StatusCode/100 != 2 {
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout
		return nil, &SendError{Channel: channel, Retryable: retry, Status: resp.StatusCode, Msg: red.text(snippet(data))}
	}
	return data, nil
}

// snippet is the start of a response body for an error message.
func snippet(b []byte) string {
	s := oneLine(string(b))
	return clip(s, 200)
}

// robotReply is DingTalk's and WeCom's response.
type robotReply struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// checkReply reads a robot's reply; codes in retry are rate limits or
// the robot's own trouble.
func checkReply(channel string, data []byte, retry map[int]bool, red redactor) error {
	var r robotReply
	if err := json.Unmarshal(data, &r); err != nil || r.ErrCode == nil {
		return &SendError{Channel: channel, Msg: "无法识别的响应：" + red.text(snippet(data))}
	}
	if *r.ErrCode == 0 {
		return nil
	}
	return &SendError{Channel: channel, Retryable: retry[*r.ErrCode], Code: *r.ErrCode, Msg: red.text(clip(oneLine(r.ErrMsg), 200))}
}

// Webhook posts each message as JSON to a URL of the office's own system
// ({"title","markdown","text"}); any 2xx status is success.
type Webhook struct {
	URL    string
	Client *http.Client // nil: a client with a 15s timeout
}

// Send posts msg.
func (w *Webhook) Send(ctx context.Context, msg Message) error {
	body := map[string]string{"title": msg.Title, "markdown": msg.Markdown, "text": msg.Text}
	_, err := postJSON(ctx, w.Client, "webhook", w.URL, body, newRedactor([]string{w.URL}))
	return err
}

// String is the webhook as pages show it.
func (w *Webhook) String() string { return "Webhook " + Mask(w.URL) }
