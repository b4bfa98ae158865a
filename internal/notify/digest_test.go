package notify

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func sampleDigest() Digest {
	return Digest{
		UnitName: "市发展和改革委员会",
		BaseURL:  "https://duban.example.gov.cn/",
		Today:    d("2026-10-09"),
		Lines: []Line{
			{Kind: KindReport, TaskNumber: "〔2026〕3号-12", TaskTitle: "优化营商环境", PeriodLabel: "第三季度进展",
				Due: d("2026-09-30"), DaysLate: 9, URL: "/tasks/12/report?period=3"},
			{Kind: KindPlan, TaskNumber: "〔2026〕3号-15", TaskTitle: "建设[智慧]城市*示范区*", PeriodLabel: "落实方案",
				Due: d("2026-10-15"), URL: "/tasks/15/plan"},
			{Kind: KindResubmit, TaskNumber: "〔2026〕3号-20", TaskTitle: "<script>alert(1)</script>", PeriodLabel: "9月进展",
				Due: d("2026-10-12"), Reason: "数据\n不全](http://evil)", URL: "/tasks/20/report"},
		},
	}
}

func TestDigestTitles(t *testing.T) {
	dg := sampleDigest()
	if got := dg.Title(); got != "督办提醒：市发展和改革委员会有3项待报送（1项逾期）" {
		t.Errorf("Title = %q", got)
	}
	if got := dg.Subject(); got != "【督办系统】督办提醒：市发展和改革委员会有3项待报送（1项逾期）" {
		t.Errorf("Subject = %q", got)
	}
	dg.Escalate = true
	if got := dg.Title(); got != "督办升级：市发展和改革委员会有1项逾期未报送" {
		t.Errorf("escalated Title = %q", got)
	}
	dg.UnitName = "某局\r\nBcc: x@y"
	if strings.ContainsAny(dg.Subject(), "\r\n") {
		t.Errorf("Subject keeps a line break: %q", dg.Subject())
	}
}

func TestDigestMarkdown(t *testing.T) {
	md := sampleDigest().Markdown(DingTalkLimit)
	for _, want := range []string{
		"#### 督办提醒：市发展和改革委员会有3项待报送（1项逾期）\n",
		"- **进展报告** [〔2026〕3号-12 优化营商环境 · 第三季度进展](https://duban.example.gov.cn/tasks/12/report?period=3)，**已逾期9天（9月30日到期）**\n",
		// User text cannot open links or emphasis.
		"[〔2026〕3号-15 建设［智慧］城市＊示范区＊ · 落实方案](https://duban.example.gov.cn/tasks/15/plan)，10月15日到期\n",
		"＜script＞alert（1）＜/script＞",
		"退回原因：数据 不全］（http://evil）\n",
		"请登录[督办系统](https://duban.example.gov.cn/)办理。",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "<script>") || strings.Contains(md, "](http://evil)") {
		t.Errorf("unescaped user text:\n%s", md)
	}
}

func TestDigestMarkdownTruncates(t *testing.T) {
	dg := Digest{UnitName: "某局", BaseURL: "https://duban.example.gov.cn/", Today: d("2026-10-09")}
	for i := range 200 {
		dg.Lines = append(dg.Lines, Line{Kind: KindReport, TaskNumber: fmt.Sprintf("〔2026〕3号-%d", i),
			TaskTitle: strings.Repeat("推进重点项目建设", 3), PeriodLabel: "第三季度进展",
			Due: d("2026-09-30"), DaysLate: 9, URL: fmt.Sprintf("/tasks/%d", i)})
	}
	for _, limit := range []int{WeComLimit, DingTalkLimit} {
		md := dg.Markdown(limit)
		if len(md) > limit || !utf8.ValidString(md) {
			t.Errorf("limit %d: %d bytes, valid %v", limit, len(md), utf8.ValidString(md))
		}
		shown := strings.Count(md, "\n- ")
		want := fmt.Sprintf("…另有%d项，请登录[督办系统](https://duban.example.gov.cn/)查看", 200-shown)
		if shown == 0 || shown == 200 || !strings.Contains(md, want) {
			t.Errorf("limit %d: %d lines shown, no %q", limit, shown, want)
		}
	}
	// A limit too small for anything still gives valid UTF-8 within it.
	if md := dg.Markdown(50); len(md) > 50 || !utf8.ValidString(md) {
		t.Errorf("tiny limit: %q", md)
	}
}

func TestDigestTextAndHTML(t *testing.T) {
	dg := sampleDigest()
	text := dg.Text()
	for _, want := range []string{
		"1. 【进展报告】〔2026〕3号-12 优化营商环境 · 第三季度进展，已逾期9天（9月30日到期）\n   https://duban.example.gov.cn/tasks/12/report?period=3\n",
		"3. 【退回重报】〔2026〕3号-20 <script>alert(1)</script> · 9月进展，10月12日到期，退回原因：数据 不全](http://evil)\n",
		"请登录督办系统办理：https://duban.example.gov.cn/。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	html := dg.HTML()
	for _, want := range []string{
		`<a href="https://duban.example.gov.cn/tasks/12/report?period=3">〔2026〕3号-12 优化营商环境 · 第三季度进展</a>，<b>已逾期9天（9月30日到期）</b>`,
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		`<a href="https://duban.example.gov.cn/">督办系统</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("html not escaped:\n%s", html)
	}
	// A javascript: URL from a line is not made a live link.
	dg.BaseURL = ""
	dg.Lines[0].URL = "javascript:alert(1)"
	if h := dg.HTML(); strings.Contains(h, `href="javascript:`) {
		t.Errorf("javascript URL kept:\n%s", h)
	}
}

func TestDigestOtherYear(t *testing.T) {
	dg := Digest{UnitName: "某局", Today: d("2027-01-05"), Lines: []Line{{Kind: KindReport, TaskTitle: "年度", Due: d("2026-12-31"), DaysLate: 5}}}
	if !strings.Contains(dg.Text(), "已逾期5天（2026年12月31日到期）") {
		t.Errorf("text:\n%s", dg.Text())
	}
}

func TestMessageFor(t *testing.T) {
	dg := Digest{UnitName: "某局"}
	for i := range 300 {
		dg.Lines = append(dg.Lines, Line{Kind: KindReport, TaskTitle: fmt.Sprint("任务", i), DaysLate: 1})
	}
	if m := dg.MessageFor(&WeCom{}); len(m.Markdown) > WeComLimit || m.Title != dg.Title() || m.HTML == "" || m.Text == "" {
		t.Errorf("wecom: %d bytes", len(m.Markdown))
	}
	if m := dg.MessageFor(&DingTalk{}); len(m.Markdown) <= WeComLimit || len(m.Markdown) > DingTalkLimit {
		t.Errorf("dingtalk: %d bytes", len(m.Markdown))
	}
}
