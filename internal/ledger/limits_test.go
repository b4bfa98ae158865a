package ledger

import (
	"strings"
	"testing"

	"duban/internal/notice"
)

func TestCheckNotice(t *testing.T) {
	task := func(edit func(*notice.Task)) *notice.Notice {
		tk := notice.Task{No: "1", Path: []string{"一、稳增长"}, Text: "扩大有效投资。", Lead: []string{"省发展改革委"}, Leaders: []string{"张副省长"}}
		edit(&tk)
		return &notice.Notice{Title: "分工方案", Issuer: "省政府办公厅", Tasks: []notice.Task{tk}}
	}
	many := func(n int, s string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	for _, c := range []struct {
		name string
		n    *notice.Notice
		want string // "" for a notice within the limits
	}{
		{"fine", task(func(*notice.Task) {}), ""},
		{"3 MB title", &notice.Notice{Title: strings.Repeat("标", 3<<20), Tasks: task(func(*notice.Task) {}).Tasks}, "通知标题不能超过 300 字"},
		{"long unit name", task(func(t *notice.Task) { t.Lead = []string{strings.Repeat("单", 100_000)} }), "第 1 项：名称“单单单单单单单单单单单单单单单单单单单单…”过长"},
		{"40,000 leaders", task(func(t *notice.Task) { t.Leaders = many(40_000, "某领导") }), "最多列 50 位责任领导，现有 40000 位"},
		{"12,000 targets", task(func(t *notice.Task) { t.Targets = make([]notice.Target, 12_000) }), "最多列 100 项量化指标，现有 12000 项"},
		{"201 units", task(func(t *notice.Task) { t.Support = many(201, "省财政厅") }), "最多列 200 个单位"},
		{"empty text", task(func(t *notice.Task) { t.Text = " " }), "任务内容不能为空"},
		{"invalid UTF-8", task(func(t *notice.Task) { t.Text = "a\xffb" }), "任务内容含有无效字符"},
		{"long deadline words", task(func(t *notice.Task) { t.DeadlineText = strings.Repeat("年", 201) }), "时限说明不能超过 200 字"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckNotice(c.n)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if len(err.Error()) > 2000 {
				t.Errorf("message of %d bytes", len(err.Error()))
			}
		})
	}
}

// TestProblemsBounded: thousands of faults give a short message.
func TestProblemsBounded(t *testing.T) {
	names := make([]string, MaxLeaders)
	for i := range names {
		names[i] = strings.Repeat("长", MaxName+1)
	}
	p := TaskProblems(&notice.Task{Text: "x", Leaders: names})
	if len(p) != maxProblems+1 || !strings.Contains(p[maxProblems], "从略") {
		t.Errorf("%d problems listed: %q", len(p), p[len(p)-1])
	}
}
