package notifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// Post is one request a Webhook received.
type Post struct {
	Path    string
	Query   url.Values
	Body    []byte
	MsgType string // markdown
	Title   string // DingTalk's markdown title
	Text    string // DingTalk's markdown text, or WeCom's content
	// Timestamp and Sign are DingTalk's signature parameters; SignOK
	// whether they match the webhook's secret (false with no secret).
	Timestamp int64
	Sign      string
	SignOK    bool
	Status    int // the HTTP status answered
	ErrCode   int // the errcode answered (with status 200)
}

// Webhook is a stand-in for DingTalk's and WeCom's robot endpoints: it
// records every post and answers {"errcode":0,"errmsg":"ok"}, unless told
// to fail.
type Webhook struct {
	*httptest.Server
	Token string // the access token its URLs carry

	opts hookOptions
	mu   sync.Mutex
	n    int
	log  []Post
}

type hookOptions struct {
	failFirst   int
	failStatus  int
	secret      string
	errFirst    int
	errCode     int
	errMsg      string
	echoRequest bool
}

// WebhookOption configures NewWebhook.
type WebhookOption func(*hookOptions)

// FailFirst answers the first n posts with HTTP 500.
func FailFirst(n int) WebhookOption {
	return func(o *hookOptions) { o.failFirst, o.failStatus = n, http.StatusInternalServerError }
}

// FailFirstStatus answers the first n posts with HTTP status.
func FailFirstStatus(n, status int) WebhookOption {
	return func(o *hookOptions) { o.failFirst, o.failStatus = n, status }
}

// DingTalkSecret checks each post's DingTalk signature with secret and
// answers a bad or missing one as DingTalk does, errcode 310000.
func DingTalkSecret(secret string) WebhookOption {
	return func(o *hookOptions) { o.secret = secret }
}

// ErrCode answers the first n posts (after any FailFirst) with HTTP 200
// and errcode code.
func ErrCode(code int, msg string, n int) WebhookOption {
	return func(o *hookOptions) { o.errCode, o.errMsg, o.errFirst = code, msg, n }
}

// EchoRequest puts the request's full URL into failure responses, as
// some gateways do, to test that senders keep it out of errors.
func EchoRequest() WebhookOption { return func(o *hookOptions) { o.echoRequest = true } }

// NewWebhook starts a webhook that t's cleanup stops.
func NewWebhook(t testing.TB, opts ...WebhookOption) *Webhook {
	t.Helper()
	w := &Webhook{Token: "0123456789abcdef0123456789abcdefa1b2"}
	for _, o := range opts {
		o(&w.opts)
	}
	w.Server = httptest.NewServer(http.HandlerFunc(w.handle))
	t.Cleanup(w.Close)
	return w
}

// DingTalkURL is a DingTalk robot URL pointing at the webhook.
func (w *Webhook) DingTalkURL() string {
	return w.URL + "/robot/send?access_token=" + w.Token
}

// WeComURL is a WeCom robot URL pointing at the webhook.
func (w *Webhook) WeComURL() string {
	return w.URL + "/cgi-bin/webhook/send?key=" + w.Token
}

// Posts are the requests received so far, in order.
func (w *Webhook) Posts() []Post {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Post(nil), w.log...)
}

func (w *Webhook) handle(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	p := Post{Path: r.URL.Path, Query: r.URL.Query(), Body: body}
	var msg struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Title   string `json:"title"`
			Text    string `json:"text"`
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if json.Unmarshal(body, &msg) == nil {
		p.MsgType, p.Title, p.Text = msg.MsgType, msg.Markdown.Title, msg.Markdown.Text
		if p.Text == "" {
			p.Text = msg.Markdown.Content
		}
	}
	p.Sign = p.Query.Get("sign")
	p.Timestamp, _ = strconv.ParseInt(p.Query.Get("timestamp"), 10, 64)
	if w.opts.secret != "" && p.Sign != "" {
		mac := hmac.New(sha256.New, []byte(w.opts.secret))
		fmt.Fprintf(mac, "%d\n%s", p.Timestamp, w.opts.secret)
		got, err := base64.StdEncoding.DecodeString(p.Sign)
		p.SignOK = err == nil && hmac.Equal(got, mac.Sum(nil))
	}

	w.mu.Lock()
	w.n++
	n := w.n
	w.mu.Unlock()

	p.Status = http.StatusOK
	var reply any
	switch {
	case n <= w.opts.failFirst:
		p.Status = w.opts.failStatus
	case w.opts.secret != "" && !p.SignOK:
		p.ErrCode = 310000
		reply = map[string]any{"errcode": 310000, "errmsg": "sign not match"}
	case n <= w.opts.failFirst+w.opts.errFirst:
		p.ErrCode = w.opts.errCode
		reply = map[string]any{"errcode": w.opts.errCode, "errmsg": w.errText(r)}
	default:
		reply = map[string]any{"errcode": 0, "errmsg": "ok"}
	}
	w.mu.Lock()
	w.log = append(w.log, p)
	w.mu.Unlock()
	if p.Status != http.StatusOK {
		http.Error(rw, w.errText(r), p.Status)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	json.NewEncoder(rw).Encode(reply)
}

func (w *Webhook) errText(r *http.Request) string {
	msg := w.opts.errMsg
	if msg == "" {
		msg = "internal error"
	}
	if w.opts.echoRequest {
		msg += " for " + r.URL.String()
	}
	return msg
}
