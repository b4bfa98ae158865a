// Package ledger is duban's domain: what a ledger may hold, whatever way it
// arrives. It does no I/O, so the store, the web pages, the API and the
// command line all apply the same rules.
package ledger

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"duban/internal/notice"
)

// Limits of what one notice and its tasks may hold. They are generous for
// any real notice and keep one import or edit from filling every page that
// lists it (a 3 MB title would be on everyone's home page).
const (
	MaxTitle        = 300   // characters of a notice's title
	MaxIssuer       = 200   // characters of the issuing office
	MaxDocNumber    = 100   // characters of the document number
	MaxTasks        = 50000 // tasks in one notice (a generated national one holds 20,000)
	MaxNo           = 30    // characters of a task's number
	MaxHeading      = 500   // characters of one heading above a task
	MaxHeadings     = 10    // levels of headings above a task
	MaxTaskText     = 5000  // characters of a task's text
	MaxUnits        = 200   // units on one task, all roles together
	MaxLeaders      = 50    // leaders of one task
	MaxName         = 100   // characters of a unit or leader name
	MaxDeadlineText = 200   // characters of a deadline's words
	MaxTargets      = 100   // quantitative targets of one task
	MaxTargetText   = 500   // characters of one target's fields together
)

// maxProblems bounds how many problems one check lists: a notice with
// 40,000 bad names needs the first few to be fixed, not a 2 MB message.
const maxProblems = 10

// LimitError is a notice or task that breaks the limits; its message is
// Chinese, for the person who sent it.
type LimitError struct {
	Problems []string
}

func (e *LimitError) Error() string { return strings.Join(e.Problems, "；") + "。" }

// problems collects what is wrong, up to maxProblems.
type problems []string

func (p *problems) add(format string, args ...any) {
	switch {
	case len(*p) < maxProblems:
		*p = append(*p, fmt.Sprintf(format, args...))
	case len(*p) == maxProblems:
		*p = append(*p, "……（其余问题从略）")
	}
}

// tooLong checks one piece of text against a limit in characters.
func (p *problems) tooLong(label, s string, max int) {
	if !utf8.ValidString(s) {
		p.add("%s含有无效字符", label)
	} else if n := utf8.RuneCountInString(s); n > max {
		p.add("%s不能超过 %d 字（现有 %d 字）", label, max, n)
	}
}

func (p *problems) err() error {
	if len(*p) == 0 {
		return nil
	}
	return &LimitError{Problems: *p}
}

// TaskProblems lists, in Chinese, what is wrong with a task's content;
// prefix names the task in a notice ("第 3 项") or is "".
func TaskProblems(t *notice.Task) []string {
	var p problems
	p.task("", t)
	return p
}

func (p *problems) task(prefix string, t *notice.Task) {
	if strings.TrimSpace(t.Text) == "" {
		p.add("%s任务内容不能为空", prefix)
	}
	p.tooLong(prefix+"任务内容", t.Text, MaxTaskText)
	p.tooLong(prefix+"编号", t.No, MaxNo)
	if len(t.Path) > MaxHeadings {
		p.add("%s标题层级不能超过 %d 级", prefix, MaxHeadings)
	} else {
		for _, h := range t.Path {
			p.tooLong(prefix+"标题", h, MaxHeading)
		}
	}
	if n := len(t.Lead) + len(t.Support) + len(t.Responsible); n > MaxUnits {
		p.add("%s一个任务最多列 %d 个单位（牵头、配合、责任合计），现有 %d 个", prefix, MaxUnits, n)
	} else {
		for _, l := range [][]string{t.Lead, t.Support, t.Responsible} {
			p.names(prefix, l)
		}
	}
	if len(t.Leaders) > MaxLeaders {
		p.add("%s一个任务最多列 %d 位责任领导，现有 %d 位", prefix, MaxLeaders, len(t.Leaders))
	} else {
		p.names(prefix, t.Leaders)
	}
	p.tooLong(prefix+"时限说明", t.DeadlineText, MaxDeadlineText)
	if len(t.Targets) > MaxTargets {
		p.add("%s一个任务最多列 %d 项量化指标，现有 %d 项", prefix, MaxTargets, len(t.Targets))
	} else {
		for _, tg := range t.Targets {
			p.tooLong(prefix+"量化指标", tg.Indicator+tg.Op+tg.Unit+tg.Text, MaxTargetText)
		}
	}
}

func (p *problems) names(prefix string, names []string) {
	for _, n := range names {
		if !utf8.ValidString(n) {
			p.add("%s名称含有无效字符", prefix)
		} else if utf8.RuneCountInString(n) > MaxName {
			r := []rune(n)
			p.add("%s名称“%s…”过长（不能超过 %d 字）", prefix, string(r[:20]), MaxName)
		}
	}
}

// CheckTask is nil for a task within the limits, else a *LimitError.
func CheckTask(t *notice.Task) error {
	var p problems
	p.task("", t)
	return p.err()
}

// CheckNotice is nil for a notice within the limits, else a *LimitError
// naming the tasks at fault.
func CheckNotice(n *notice.Notice) error {
	var p problems
	p.tooLong("通知标题", n.Title, MaxTitle)
	p.tooLong("发文机关", n.Issuer, MaxIssuer)
	p.tooLong("发文字号", n.DocNumber, MaxDocNumber)
	if len(n.Tasks) > MaxTasks {
		p.add("一份通知最多 %d 项任务，现有 %d 项", MaxTasks, len(n.Tasks))
		return p.err()
	}
	for i := range n.Tasks {
		t := &n.Tasks[i]
		no := t.No
		if utf8.RuneCountInString(no) > MaxNo || !utf8.ValidString(no) {
			no = fmt.Sprint(i + 1)
		}
		p.task(fmt.Sprintf("第 %s 项：", no), t)
	}
	return p.err()
}
