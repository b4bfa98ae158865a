package notice

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText writes a summary of the notice for a terminal: the header, the
// reporting schedule, the tasks under their headings with their units, and
// the parser's warnings.
func (n *Notice) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	orNone := func(s string) string {
		if s == "" {
			return "未写明"
		}
		return s
	}
	fmt.Fprintf(b, "%s\n", orNone(n.Title))
	fmt.Fprintf(b, "发文机关：%s　发文字号：%s　成文日期：%s　工作年度：%s\n",
		orNone(n.Issuer), orNone(n.DocNumber), orNone(n.IssuedOn.String()), orNone(yearText(n.Year)))
	s := n.Schedule
	var due []string
	for _, d := range s.ProgressDue {
		due = append(due, d.String())
	}
	fmt.Fprintf(b, "报告安排：%s；落实方案 %s；进展报告 %s；全年情况 %s\n",
		CycleName(s.Cycle), orNone(s.PlanDue.String()), orNone(strings.Join(due, "、")), orNone(s.AnnualDue.String()))
	fmt.Fprintf(b, "任务 %d 项，附件台账 %d 行，解析提示 %d 条\n", len(n.Tasks), len(n.Annex), len(n.Warnings))

	var shown []string
	for _, t := range n.Tasks {
		// print each heading once, when the path first reaches it
		for i, h := range t.Path {
			if i < len(shown) && shown[i] == h {
				continue
			}
			shown = append(shown[:i], h)
			fmt.Fprintf(b, "\n%s%s\n", strings.Repeat("  ", i), h)
		}
		shown = shown[:len(t.Path)]
		ind := strings.Repeat("  ", len(t.Path))
		fmt.Fprintf(b, "%s%s %s\n", ind, t.No, clip(t.Text, 60))
		for _, r := range []struct {
			label string
			list  []string
		}{{"牵头", t.Lead}, {"配合", t.Support}, {"责任", t.Responsible}, {"领导", t.Leaders}} {
			if len(r.list) > 0 {
				fmt.Fprintf(b, "%s    %s：%s\n", ind, r.label, strings.Join(r.list, "、"))
			}
		}
		if dl := t.Deadline.String() + t.DeadlineText; dl != "" {
			fmt.Fprintf(b, "%s    时限：%s\n", ind, dl)
		}
	}
	if len(n.Annex) > 0 {
		fmt.Fprintf(b, "\n附件台账\n")
		section := ""
		for i, a := range n.Annex {
			// each table under its title
			if a.Section != section || i == 0 && a.Section != "" {
				section = a.Section
				fmt.Fprintf(b, " %s\n", orNone(section))
			}
			fmt.Fprintf(b, "  %s %s｜%s｜%s｜%s｜%s\n", a.No, clip(a.Text, 40), strings.Join(a.Leaders, "、"),
				strings.Join(a.Lead, "、"), strings.Join(a.Support, "、"), a.Deadline.String()+a.DeadlineText)
		}
	}
	if len(n.Warnings) > 0 {
		fmt.Fprintf(b, "\n解析提示（请核对）\n")
		for _, w := range n.Warnings {
			if w.Line > 0 {
				fmt.Fprintf(b, "  第%d行：%s\n", w.Line, w.Message)
			} else {
				fmt.Fprintf(b, "  %s\n", w.Message)
			}
		}
	}
	return b.Flush()
}

// CycleName is the cycle as a person says it.
func CycleName(c Cycle) string {
	switch c {
	case CycleMonthly:
		return "每月报告"
	case CycleQuarterly:
		return "每季度报告"
	}
	return "未规定报告周期"
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprintf("%d年", y)
}
