package circular

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Head is what an office sets once and every circular it drafts starts
// with: who issues it, its doc number's prefix (机关代字), to whom it goes.
type Head struct {
	Issuer    string `json:"issuer"`     // 发文机关标志
	Signer    string `json:"signer"`     // 发文机关署名
	Prefix    string `json:"prefix"`     // 机关代字, e.g. "×政督通"
	MainTo    string `json:"main_to"`    // 主送
	CopyTo    string `json:"copy_to"`    // 抄送
	PrintedBy string `json:"printed_by"` // 印发机关
}

// DefaultHead is a head an office replaces with its own names.
func DefaultHead() Head {
	return Head{
		Issuer:    "人民政府督查室",
		Signer:    "人民政府督查室",
		Prefix:    "督通",
		MainTo:    "各责任单位：",
		PrintedBy: "人民政府督查室",
	}
}

// Subject is what a notice's title says it assigns, as a circular's title
// names it: "…关于印发2024年政府工作报告重点工作任务分工方案的通知" gives
// "2024年政府工作报告重点工作任务".
func Subject(title string, year int) string {
	s := title
	for _, k := range []string{"关于印发", "关于下达", "关于分解", "关于"} {
		if i := strings.LastIndex(s, k); i >= 0 {
			s = s[i+len(k):]
			break
		}
	}
	s = strings.Trim(s, "《》 ")
	// What the notice does to the tasks is not what the circular reports on.
	for _, verb := range []string{"明确", "分解", "落实", "下达"} {
		if r := strings.TrimPrefix(s, verb); r != s && !strings.HasPrefix(r, "《") {
			s = r
			break
		}
	}
	for _, suf := range []string{"的通知", "通知", "》", "的分工方案", "分工方案", "责任分工", "任务分解", "分解方案", "责任单位", "分工", "的"} {
		s = strings.TrimSuffix(s, suf)
	}
	s = strings.Trim(s, "《》 ")
	if s == "" {
		s = "重点工作任务"
	}
	if y := strconv.Itoa(year); year > 0 && !strings.Contains(s, y) {
		s = y + "年" + s
	}
	return s
}

// periodPhrase names a period in a title: 第三季度, 9月份, 落实方案报送, 全年.
func periodPhrase(f *Facts) string {
	switch {
	case f.PeriodKind == ledger.PeriodPlan:
		return "落实方案报送"
	case f.PeriodKind == ledger.PeriodAnnual:
		return "全年"
	case strings.HasSuffix(f.PeriodLabel, "月"):
		return f.PeriodLabel + "份"
	}
	return f.PeriodLabel
}

// Title is the circular's title for f.
func Title(f *Facts) string {
	return "关于" + Subject(f.NoticeTitle, f.Year) + periodPhrase(f) + "落实情况的通报"
}

// ChineseDate writes d as a circular does in its body: 2026年9月30日.
func ChineseDate(d notice.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Y, d.M, d.D)
}

// DocNumber is 发文字号: 机关代字〔年份〕序号.
func DocNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq)
}

var docNumberRe = regexp.MustCompile(`^\s*(.+?)\s*[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d{1,6})\s*号\s*$`)

// ParseDocNumber reads 机关代字〔年份〕序号 back into its parts.
func ParseDocNumber(s string) (prefix string, year, seq int, err error) {
	m := docNumberRe.FindStringSubmatch(s)
	if m == nil {
		return "", 0, 0, fmt.Errorf("发文字号“%s”的格式应为：机关代字〔年份〕序号，如“督通〔2026〕3号”。", s)
	}
	year, _ = strconv.Atoi(m[2])
	seq, _ = strconv.Atoi(m[3])
	if seq == 0 {
		return "", 0, 0, fmt.Errorf("发文字号“%s”的序号应从 1 开始。", s)
	}
	return m[1], year, seq, nil
}

func names(us []Unit, max int) string {
	var b []string
	for i, u := range us {
		if i == max {
			return strings.Join(b, "、") + fmt.Sprintf("等%d个单位", len(us))
		}
		b = append(b, u.Name)
	}
	return strings.Join(b, "、")
}

func pct(a, b int) string {
	if b == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(a)*100/float64(b), 'f', 1, 64) + "%"
}

// MaxListed bounds the lagging tasks the text names one by one; the table
// lists them all.
const MaxListed = 15

// Draft writes the circular for f: the headline counts, the sections an
// office expects, the unit table in the ranking rule's order and the table
// of lagging and overdue tasks. The office edits the text; the tables and
// figures come only from f.
func Draft(f *Facts, h Head) *Doc {
	d := &Doc{
		Issuer:    h.Issuer,
		Title:     Title(f),
		MainTo:    h.MainTo,
		Signer:    h.Signer,
		CopyTo:    h.CopyTo,
		PrintedBy: h.PrintedBy,
	}
	p := func(k Kind, format string, a ...any) {
		d.Body = append(d.Body, Block{Kind: k, Text: fmt.Sprintf(format, a...)})
	}
	src := "《" + f.NoticeTitle + "》"
	if f.NoticeDocNumber != "" {
		src += "（" + f.NoticeDocNumber + "）"
	}
	phrase := periodPhrase(f)
	p(Para, "为推动%s确定的各项任务落地见效，按照定期通报的要求，现将截至%s%s各项任务落实情况通报如下。", src, ChineseDate(f.AsOf), phrase)

	p(Heading1, "一、总体进展")
	p(Para, "纳入督办的%d项任务中，已完成%d项，超进度%d项，达进度%d项，欠进度%d项，逾期%d项，未开始%d项。",
		f.Tasks, f.Closed, f.Ahead, f.OnPace, f.Lagging, f.Overdue, f.NotStarted)
	p(Para, "%s应报送%d份（报送截止日期%s），按时报送%d份，逾期报送%d份，被退回待重新报送%d份，未报送%d份，按时报送率%s；已审核采纳%d份。",
		phraseReports(f), f.Due, ChineseDate(f.PeriodDue), f.OnTime, f.Late, f.Returned, f.Missing, pct(f.OnTime, f.Due), f.Accepted)
	p(Para, "排名规则：%s。各单位情况见表1。", RankRule)
	d.Body = append(d.Body, Block{Kind: TableBlk, Table: unitTable(f)})

	p(Heading1, "二、进展较好的单位")
	if c := f.Commended(); len(c) > 0 {
		p(Para, "%s按时报送%s全部进展情况且均已审核采纳，牵头任务均达到或超过序时进度，予以通报表扬。", names(c, 30), phrase)
	} else {
		p(Para, "本期暂无按时报送全部进展情况并均获采纳、且牵头任务均达到序时进度的单位。")
	}

	p(Heading1, "三、存在的问题")
	if len(f.Problems) == 0 {
		p(Para, "本期纳入督办的任务均达到序时进度，未发现欠进度或逾期任务。")
	} else {
		p(Para, "有%d项任务欠进度、%d项任务逾期（见表2），主要是：", f.Lagging, f.Overdue)
		for i, t := range f.Problems {
			if i == MaxListed {
				p(Para, "其余%d项任务的情况见表2。", len(f.Problems)-MaxListed)
				break
			}
			problem := "单位未报告存在的问题"
			if s := strings.TrimSpace(t.Problem); s != "" {
				problem = "单位报告的问题：" + strings.TrimRight(oneLine(s), "。；;")
			}
			p(Heading3, "%d.%s（牵头单位：%s）%s。%s。", i+1, taskName(t), t.Units, strings.TrimRight(t.Reason, "。"), problem)
		}
		d.Body = append(d.Body, Block{Kind: TableBlk, Table: laggedTable(f)})
	}

	p(Heading1, "四、通报批评")
	missing, late := f.Criticized()
	switch {
	case len(missing) == 0 && len(late) == 0:
		p(Para, "本期各单位均按时报送进展情况。")
	default:
		if len(missing) > 0 {
			p(Para, "截至报送截止日期，%s仍未报送%s进展情况，予以通报批评。", names(missing, 30), phrase)
		}
		if len(late) > 0 {
			p(Para, "%s未在截止日期前报送%s进展情况，予以通报批评。", names(late, 30), phrase)
		}
	}

	p(Heading1, "五、下一步工作要求")
	p(Heading2, "（一）压实工作责任。")
	p(Para, "各责任单位要对照任务分工和落实方案，逐项对账销号，确保按时保质完成。牵头单位要加强统筹，配合单位要主动履职。")
	p(Heading2, "（二）加快滞后任务推进。")
	p(Para, "欠进度和逾期任务的牵头单位要认真分析原因，制定整改措施，明确完成时限，在下一报送期报告整改情况。")
	p(Heading2, "（三）严格报送纪律。")
	p(Para, "各单位要按规定时间如实报送进展情况，对未按时报送、报送内容不实的，将予以通报并纳入年度督查考核。")
	return d
}

func phraseReports(f *Facts) string {
	if f.PeriodKind == ledger.PeriodPlan {
		return "落实方案"
	}
	return f.PeriodLabel + "进展情况"
}

func taskName(t Lagged) string {
	title := oneLine(t.Title)
	if r := []rune(title); len(r) > 40 {
		title = string(r[:40]) + "…"
	}
	if t.Number != "" {
		return "第" + strings.TrimRight(t.Number, "、.．") + "项“" + title + "”"
	}
	return "“" + title + "”"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

func unitTable(f *Facts) *Table {
	t := &Table{
		Caption: "表1 各单位报送及任务进展情况",
		Header:  []string{"排名", "单位", "牵头任务", "应报", "按时", "逾期报送", "退回", "未报", "按时率", "已完成", "超/达进度", "欠进度", "逾期任务"},
		Widths:  []int{8, 30, 10, 10, 10, 10, 9, 10, 14, 10, 10, 9, 9},
	}
	for i, u := range f.Units {
		t.Rows = append(t.Rows, []string{itoa(i + 1), u.Name, itoa(u.Tasks), itoa(u.Due), itoa(u.OnTime), itoa(u.Late),
			itoa(u.Returned), itoa(u.Missing), pct(u.OnTime, u.Due), itoa(u.Closed), itoa(u.Ahead + u.OnPace), itoa(u.Lagging), itoa(u.Overdue)})
	}
	return t
}

func laggedTable(f *Facts) *Table {
	t := &Table{
		Caption: "表2 欠进度及逾期任务",
		Header:  []string{"序号", "任务", "牵头单位", "状态", "情况", "单位报告的问题"},
		Widths:  []int{5, 26, 14, 7, 22, 26},
	}
	for i, l := range f.Problems {
		name := oneLine(l.Title)
		if l.Number != "" {
			name = l.Number + " " + name
		}
		t.Rows = append(t.Rows, []string{itoa(i + 1), name, l.Units, l.Light.Label(), l.Reason, oneLine(l.Problem)})
	}
	return t
}
