package notify

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"

	"duban/internal/notice"
)

// Markdown limits in bytes: WeCom's robot takes at most 4096 (the margin
// is for a sender's own additions), DingTalk's 20000.
const (
	WeComLimit    = 4000
	DingTalkLimit = 20000
)

// Line is one thing owed in a digest.
type Line struct {
	Kind        string // KindPlan, KindReport, KindResubmit
	TaskNumber  string // 〔2026〕3号-12 as the ledger prints it
	TaskTitle   string
	PeriodLabel string // 第三季度进展
	Due         notice.Date
	DaysLate    int    // 0 when not late
	Reason      string // why it was sent back, for a resubmission
	URL         string // absolute, or relative to the digest's BaseURL
}

// Digest is one message to one unit (or, escalated, to its leader and
// the office) listing what it owes.
type Digest struct {
	UnitName string
	Lines    []Line
	BaseURL  string // the system's address, for links and the login hint
	Today    notice.Date
	// Escalate marks a digest to the leader and the office about a unit's
	// overdue items.
	Escalate bool
}

var kindNames = map[string]string{
	KindPlan:     "落实方案",
	KindReport:   "进展报告",
	KindResubmit: "退回重报",
}

func kindName(k string) string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "报送事项"
}

func (d Digest) late() int {
	n := 0
	for _, l := range d.Lines {
		if l.DaysLate > 0 {
			n++
		}
	}
	return n
}

// Title is the digest's headline: 督办提醒：某局有3项待报送（2项逾期）.
func (d Digest) Title() string {
	unit := oneLine(d.UnitName)
	if d.Escalate {
		return fmt.Sprintf("督办升级：%s有%d项逾期未报送", unit, d.late())
	}
	t := fmt.Sprintf("督办提醒：%s有%d项待报送", unit, len(d.Lines))
	if n := d.late(); n > 0 {
		t += fmt.Sprintf("（%d项逾期）", n)
	}
	return t
}

// Subject is the e-mail subject.
func (d Digest) Subject() string { return "【督办系统】" + d.Title() }

// link is l's URL made absolute against the base.
func (d Digest) link(l Line) string {
	if l.URL == "" {
		return d.BaseURL
	}
	if d.BaseURL == "" {
		return l.URL
	}
	base, err := url.Parse(d.BaseURL)
	if err != nil {
		return l.URL
	}
	ref, err := url.Parse(l.URL)
	if err != nil {
		return d.BaseURL
	}
	return base.ResolveReference(ref).String()
}

// status says where a line stands: 10月9日到期 or 已逾期3天（9月30日到期）.
func (d Digest) status(l Line) string {
	due := ""
	if !l.Due.IsZero() {
		due = monthDay(l.Due, d.Today) + "到期"
	}
	if l.DaysLate > 0 {
		if due != "" {
			return fmt.Sprintf("已逾期%d天（%s）", l.DaysLate, due)
		}
		return fmt.Sprintf("已逾期%d天", l.DaysLate)
	}
	return due
}

func monthDay(d, today notice.Date) string {
	if today.IsZero() || d.Y != today.Y {
		return fmt.Sprintf("%d年%d月%d日", d.Y, int(d.M), d.D)
	}
	return fmt.Sprintf("%d月%d日", int(d.M), d.D)
}

// what names a line's task and period: 〔2026〕3号-12 优化营商环境 · 第三季度进展.
func what(l Line) string {
	s := strings.TrimSpace(oneLine(l.TaskNumber) + " " + oneLine(l.TaskTitle))
	if p := oneLine(l.PeriodLabel); p != "" {
		s += " · " + p
	}
	return s
}

// Markdown renders the digest for a robot in the markdown both DingTalk
// and WeCom read, in at most limit bytes: lines that do not fit are
// counted in a closing line that points to the system.
func (d Digest) Markdown(limit int) string {
	var head strings.Builder
	fmt.Fprintf(&head, "#### %s\n\n", mdEscape(d.Title()))
	if d.Escalate {
		fmt.Fprintf(&head, "%s以下事项逾期未报送，请督促办理。\n\n", mdEscape(oneLine(d.UnitName)))
	}
	lines := make([]string, len(d.Lines))
	for i, l := range d.Lines {
		var b strings.Builder
		fmt.Fprintf(&b, "- **%s** [%s](%s)", kindName(l.Kind), mdEscape(clip(what(l), 80)), mdURL(d.link(l)))
		if s := d.status(l); s != "" {
			if l.DaysLate > 0 {
				s = "**" + s + "**"
			}
			b.WriteString("，" + s)
		}
		if r := oneLine(l.Reason); r != "" {
			b.WriteString("，退回原因：" + mdEscape(clip(r, 60)))
		}
		b.WriteString("\n")
		lines[i] = b.String()
	}
	tail := func(rest int) string {
		login := "请登录督办系统"
		if d.BaseURL != "" {
			login = fmt.Sprintf("请登录[督办系统](%s)", mdURL(d.BaseURL))
		}
		if rest > 0 {
			return fmt.Sprintf("\n…另有%d项，%s查看\n", rest, login)
		}
		return "\n" + login + "办理。\n"
	}
	out := head.String()
	for i, l := range lines {
		rest := len(lines) - i - 1
		if len(out)+len(l)+len(tail(rest)) > limit {
			return cutBytes(out+tail(len(lines)-i), limit)
		}
		out += l
	}
	return cutBytes(out+tail(0), limit)
}

// Text renders the digest as a plain-text e-mail body.
func (d Digest) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", d.Title())
	if d.Escalate {
		fmt.Fprintf(&b, "%s以下事项逾期未报送，请督促办理。\n\n", oneLine(d.UnitName))
	}
	for i, l := range d.Lines {
		fmt.Fprintf(&b, "%d. 【%s】%s", i+1, kindName(l.Kind), what(l))
		if s := d.status(l); s != "" {
			b.WriteString("，" + s)
		}
		if r := oneLine(l.Reason); r != "" {
			b.WriteString("，退回原因：" + r)
		}
		b.WriteString("\n")
		if u := d.link(l); u != "" {
			fmt.Fprintf(&b, "   %s\n", u)
		}
	}
	b.WriteString("\n请登录督办系统办理")
	if d.BaseURL != "" {
		b.WriteString("：" + d.BaseURL)
	}
	b.WriteString("。\n本邮件由督办系统自动发送，请勿直接回复。\n")
	return b.String()
}

var htmlDigest = template.Must(template.New("digest").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; font-size: 14px">
<h3>{{.Title}}</h3>
{{if .Escalate}}<p>{{.Unit}}以下事项逾期未报送，请督促办理。</p>
{{end}}<ol>
{{range .Lines}}<li>【{{.Kind}}】{{if .URL}}<a href="{{.URL}}">{{.What}}</a>{{else}}{{.What}}{{end}}{{if .Status}}，{{if .Late}}<b>{{.Status}}</b>{{else}}{{.Status}}{{end}}{{end}}{{if .Reason}}，退回原因：{{.Reason}}{{end}}</li>
{{end}}</ol>
<p>请登录{{if .Base}}<a href="{{.Base}}">督办系统</a>{{else}}督办系统{{end}}办理。</p>
<p style="color: #888">本邮件由督办系统自动发送，请勿直接回复。</p>
</body></html>
`))

// HTML renders the digest as an HTML e-mail body, every name escaped.
func (d Digest) HTML() string {
	type line struct {
		Kind, What, Status, Reason string
		URL                        string
		Late                       bool
	}
	data := struct {
		Title, Unit, Base string
		Escalate          bool
		Lines             []line
	}{Title: d.Title(), Unit: oneLine(d.UnitName), Base: d.BaseURL, Escalate: d.Escalate}
	for _, l := range d.Lines {
		data.Lines = append(data.Lines, line{
			Kind: kindName(l.Kind), What: what(l), Status: d.status(l),
			Reason: oneLine(l.Reason), URL: d.link(l), Late: l.DaysLate > 0,
		})
	}
	var b bytes.Buffer
	if err := htmlDigest.Execute(&b, data); err != nil {
		// The template and its data are ours; an error is a bug.
		panic(err)
	}
	return b.String()
}

// Message is the digest as a sender takes it, its markdown cut to limit
// bytes (WeComLimit, DingTalkLimit).
func (d Digest) Message(limit int) Message {
	return Message{
		Title:    d.Title(),
		Markdown: d.Markdown(limit),
		Text:     d.Text(),
		HTML:     d.HTML(),
	}
}

// MessageFor is the digest as sender s takes it, its markdown cut to
// the sender's limit (DingTalkLimit when it names none).
func (d Digest) MessageFor(s Sender) Message {
	limit := DingTalkLimit
	if l, ok := s.(interface{ MarkdownLimit() int }); ok {
		limit = l.MarkdownLimit()
	}
	return d.Message(limit)
}

// oneLine puts s on one line: names come from people and may hold
// breaks, which would end a markdown list item or an e-mail header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mdMarks are the characters robot markdown reads as markup, written as
// their full-width forms, which read the same in Chinese text; neither
// robot documents backslash escapes.
var mdMarks = strings.NewReplacer(
	"[", "［", "]", "］", "(", "（", ")", "）",
	"*", "＊", "_", "＿", "`", "｀", "#", "＃",
	"<", "＜", ">", "＞", "\\", "＼", "~", "～", "|", "｜", "!", "！",
)

func mdEscape(s string) string { return mdMarks.Replace(oneLine(s)) }

// mdURL percent-encodes what would end or break a markdown link target.
func mdURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "", "\r", "").Replace(u)
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// cutBytes shortens s to at most n bytes at a rune boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
