package notice

import (
	"reflect"
	"strings"
	"testing"
)

// find returns the task numbered no, failing the test when there is none.
func find(t *testing.T, n *Notice, no string) Task {
	t.Helper()
	for _, tk := range n.Tasks {
		if tk.No == no {
			return tk
		}
	}
	t.Fatalf("no task %q among %d tasks", no, len(n.Tasks))
	return Task{}
}

// findRow returns the annex row numbered no.
func findRow(t *testing.T, n *Notice, no string) AnnexRow {
	t.Helper()
	for _, r := range n.Annex {
		if r.No == no {
			return r
		}
	}
	t.Fatalf("no annex row %q among %d rows", no, len(n.Annex))
	return AnnexRow{}
}

func mustParse(t *testing.T, text string) *Notice {
	t.Helper()
	n, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return n
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

func TestStateCouncilStyle(t *testing.T) {
	n := mustParse(t, `国务院关于落实《政府工作报告》重点工作分工的意见
国发〔2024〕6号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现就《政府工作报告》确定的2024年重点工作提出分工意见如下：
一、着力扩大国内需求
（一）促进消费稳定增长。
1. 培育壮大新型消费，实施数字消费、绿色消费、健康消费促进政策。（商务部、国家发展改革委牵头，工业和信息化部、财政部等按职责分工负责，年内持续推进）
2. 赤字率拟按3%安排，赤字规模4.06万亿元。（财政部牵头，2024年3月底前完成）
国务院
2024年3月12日`)
	eq(t, "issuer", n.Issuer, "国务院")
	eq(t, "doc number", n.DocNumber, "国发〔2024〕6号")
	eq(t, "year", n.Year, 2024)
	t1 := find(t, n, "1")
	eq(t, "lead", t1.Lead, []string{"商务部", "国家发展改革委"})
	eq(t, "support", t1.Support, []string{"工业和信息化部", "财政部"})
	eq(t, "deadline text", t1.DeadlineText, "年内持续推进")
	eq(t, "path", t1.Path, []string{"一、着力扩大国内需求", "（一）促进消费稳定增长"})
	t2 := find(t, n, "2")
	eq(t, "lead 2", t2.Lead, []string{"财政部"})
	eq(t, "deadline", t2.Deadline.String(), "2024-03-31")
	eq(t, "issued on", n.IssuedOn.String(), "2024-03-12")
}

func TestLeaderClauses(t *testing.T) {
	n := mustParse(t, `某县人民政府关于印发2023年重点工作任务分工方案的通知
一、项目建设
1.加快推进产业园区基础设施建设，年内完成投资5亿元以上。(责任领导:张三、李四;牵头单位:县发展改革委;责任单位:县财政局、自然资源局)
2.全力扩大有效投资，谋划储备一批重大项目。
分管领导:王五
部门分工:县发展改革委牵头,各乡镇、各部门配合。
3.推进老旧小区改造。
责任单位:县住房城乡建设局`)
	t1 := find(t, n, "1")
	eq(t, "leaders", t1.Leaders, []string{"张三", "李四"})
	eq(t, "lead", t1.Lead, []string{"县发展改革委"})
	// 责任单位 in the same clause as a lead support it (the spec's "Roles and leaders across hands")
	eq(t, "support", t1.Support, []string{"县财政局", "县自然资源局"})
	eq(t, "responsible", t1.Responsible, []string{})
	eq(t, "text", t1.Text, "加快推进产业园区基础设施建设，年内完成投资5亿元以上。")
	t2 := find(t, n, "2")
	eq(t, "leaders 2", t2.Leaders, []string{"王五"})
	eq(t, "lead 2", t2.Lead, []string{"县发展改革委"})
	eq(t, "support 2", t2.Support, []string{"各乡镇", "各部门"})
	eq(t, "text 2", t2.Text, "全力扩大有效投资，谋划储备一批重大项目。")
	eq(t, "responsible 3", find(t, n, "3").Responsible, []string{"县住房城乡建设局"})
	eq(t, "year", n.Year, 2023)
}

// A title is dropped from a leader's name, but not down to a lone surname.
func TestLeaderTitles(t *testing.T) {
	for in, want := range map[string][]string{
		"张三副省长":        {"张三"},
		"副县长张三":        {"张三"},
		"张副省长":         {"张副省长"},
		"县委常委、副县长 周国栋": {"周国栋"},
		"孙 涛（副县长）":     {"孙涛"},
	} {
		eq(t, in, splitNames(in), want)
	}
}

func TestTasksNumberedAsHeadings(t *testing.T) {
	n := mustParse(t, `一、稳增长
（一）扩大有效投资，实施重点项目200个。（市发展改革委牵头，市财政局、自然资源和规划局配合）
（二）促进消费持续恢复。（市商务局负责）
二、惠民生
（三）稳定就业。（市人力资源社会保障局牵头，各县（市、区）政府按职责分工负责）`)
	eq(t, "tasks", len(n.Tasks), 3)
	t1 := find(t, n, "（一）")
	eq(t, "path", t1.Path, []string{"一、稳增长"})
	eq(t, "support", t1.Support, []string{"市财政局", "市自然资源和规划局"})
	eq(t, "responsible", find(t, n, "（二）").Responsible, []string{"市商务局"})
	eq(t, "support 3", find(t, n, "（三）").Support, []string{"各县（市、区）政府"})
}

func TestTraditionalCharacters(t *testing.T) {
	n := mustParse(t, `一、推動產業升級
1.加快發展先進製造業。(牽頭單位:省經濟廳;配合單位:省財政廳、商務廳)
2.擴大對外開放。(省商務廳牽頭,省發展改革委按職責分工負責)`)
	t1 := find(t, n, "1")
	eq(t, "lead", t1.Lead, []string{"省經濟廳"})
	eq(t, "support", t1.Support, []string{"省財政廳", "省商務廳"})
	t2 := find(t, n, "2")
	eq(t, "lead 2", t2.Lead, []string{"省商務廳"})
	eq(t, "support 2", t2.Support, []string{"省發展改革委"})
}

// A notice whose items are only in a table is read: the rows are annex
// rows (the spec's "Attached tables"), not body tasks.
func TestPipeTableOnly(t *testing.T) {
	n := mustParse(t, `关于印发2024年重点工作任务清单的通知
序号 | 重点任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |
一、稳增长 | | | | | |
1 | 加快推进重点项目建设，完成投资100亿元以上。 | 张三 | 市发展改革委 | 市财政局 市自然资源局 | 2024年12月底前 |
2 | 推动消费提质扩容。 | 李四 | 市商务局 | 2024年6月底 | |`)
	eq(t, "tasks", len(n.Tasks), 0)
	eq(t, "rows", len(n.Annex), 2)
	r1 := findRow(t, n, "1")
	eq(t, "lead", r1.Lead, []string{"市发展改革委"})
	eq(t, "support", r1.Support, []string{"市财政局", "市自然资源局"})
	eq(t, "leaders", r1.Leaders, []string{"张三"})
	eq(t, "deadline", r1.Deadline.String(), "2024-12-31")
	eq(t, "section: the notice's title is not the table's", r1.Section, "")
	r2 := findRow(t, n, "2")
	eq(t, "shifted deadline", r2.Deadline.String(), "2024-06-30")
	eq(t, "support 2", r2.Support, []string{})
}

func TestFlattenedTable(t *testing.T) {
	n := mustParse(t, `关于印发2024年重点工作任务清单的通知
序号 重点任务 责任领导 牵头单位 配合单位 完成时限
1 加快推进重点项目建设，完成投资100亿元以上。 张三 市发展改革委 市财政局 2024年12月底前
2 推动消费提质扩容。 李四 市商务局 市市场监管局 2024年6月底前`)
	eq(t, "rows", len(n.Annex), 2)
	r1 := findRow(t, n, "1")
	eq(t, "text", r1.Text, "加快推进重点项目建设，完成投资100亿元以上。")
	eq(t, "lead", r1.Lead, []string{"市发展改革委"})
	eq(t, "support", r1.Support, []string{"市财政局"})
	eq(t, "leaders", r1.Leaders, []string{"张三"})
	eq(t, "deadline", findRow(t, n, "2").Deadline.String(), "2024-06-30")
}

func TestGluedNextTask(t *testing.T) {
	n := mustParse(t, `一、发展
1.发展物流。(市商务局、各县(市、区)政府(管委会))2.发展枢纽经济。(市交通运输局)
3.发展口岸。
责任单位:市发展改革委、各县(市、区)政府(管委会)4.发展会展。
责任单位:市商务局`)
	eq(t, "tasks", len(n.Tasks), 4)
	eq(t, "1", find(t, n, "1").Responsible, []string{"市商务局", "各县(市、区)政府(管委会)"})
	eq(t, "2", find(t, n, "2").Text, "发展枢纽经济。")
	eq(t, "3", find(t, n, "3").Responsible, []string{"市发展改革委", "各县(市、区)政府(管委会)"})
	eq(t, "4", find(t, n, "4").Responsible, []string{"市商务局"})
}

func TestPDFBrokenLines(t *testing.T) {
	n := mustParse(t, `一、扩大内需

（一）促进消费。

1. 实施提振消费专项行动，落实城乡居民增收计划。（省发展改革委、商

务厅按职责分工负责）

2. 加快建设现代流通体系，推进城乡客货邮融合发展，构建现代商贸流通

体系。（省交通运输厅牵头，省商务厅、邮政管理局按职责分工

负责）

— 2 —

3. 加强国防动员和后备力量建设。

（省退役军人厅牵头负责）`)
	eq(t, "tasks", len(n.Tasks), 3)
	eq(t, "1", find(t, n, "1").Responsible, []string{"省发展改革委", "省商务厅"})
	t2 := find(t, n, "2")
	eq(t, "2 text", t2.Text, "加快建设现代流通体系，推进城乡客货邮融合发展，构建现代商贸流通体系。")
	eq(t, "2 support", t2.Support, []string{"省商务厅", "省邮政管理局"})
	eq(t, "3", find(t, n, "3").Lead, []string{"省退役军人厅"})
}

func TestWarnings(t *testing.T) {
	n := mustParse(t, `一、发展
1.发展物流，完善多式联运体系，建设一批物流园区。(市商务局负责)
2.发展枢纽经济，推动物流园区与产业园区联动发展，提升枢纽能级。
4.发展口岸。(市发展改革委负责)`)
	kinds := map[string]bool{}
	for _, w := range n.Warnings {
		kinds[w.Kind] = true
		if w.Message == "" || (w.Kind != WarnHeader && w.Line == 0) {
			t.Errorf("warning without message or line: %+v", w)
		}
	}
	for _, k := range []string{WarnNoUnit, WarnNumberGap} {
		if !kinds[k] {
			t.Errorf("missing warning %s in %+v", k, n.Warnings)
		}
	}
}

func TestNoTasks(t *testing.T) {
	for _, text := range []string{"", "   \n\n", "这是一段普通的文字，没有任何编号的任务。", strings.Repeat("一、", 10)} {
		_, err := Parse(text)
		if err == nil {
			t.Errorf("Parse(%q): want an error", text)
		}
	}
}

func TestTargets(t *testing.T) {
	tests := []struct {
		text string
		want []Target
	}{
		{"全年新增贷款7000亿元以上。", []Target{{Indicator: "新增贷款", Op: ">=", Value: 7000, Unit: "亿元"}}},
		{"城镇调查失业率控制在5.5%以内。", []Target{{Indicator: "城镇调查失业率", Op: "<=", Value: 5.5, Unit: "%"}}},
		{"地区生产总值增长7%以上。", []Target{{Indicator: "地区生产总值", Op: ">=", Value: 7, Unit: "%"}}},
		{"实施1000个以上省重点项目。", []Target{{Indicator: "省重点项目", Op: ">=", Value: 1000, Unit: "个"}}},
		{"粮食产量稳定在10亿斤以上。", []Target{{Indicator: "粮食产量", Op: ">=", Value: 10, Unit: "亿斤"}}},
		{"居民消费价格涨幅控制在3%左右。", []Target{{Indicator: "居民消费价格涨幅", Op: "≈", Value: 3, Unit: "%"}}},
		{"落实2023年政策，推进“十四五”规划。", nil},
	}
	for _, tc := range tests {
		got := findTargets(tc.text)
		for i := range got {
			got[i].Text = ""
		}
		eq(t, tc.text, got, tc.want)
	}
}

func TestRequirementsThenAttachment(t *testing.T) {
	n := mustParse(t, `某市人民政府办公室关于印发2021年政府工作报告重点工作任务分工的通知
某政办〔2021〕3号
各县（区）人民政府，市政府各部门：
2021年《政府工作报告》重点工作任务分工已经市政府同意，现印发给你们，并提出以下意见。
一、高度重视，提高站位。各级各部门要进一步强化责任意识，确保各项工作任务全面完成。
二、强化督查，狠抓落实。各责任单位于每月5日前将上月进展情况报市政府督查室，12月20日前报送全年工作总结和全年落实情况。
附件：2021年政府工作报告重点工作任务分工
某市人民政府办公室
2021年3月1日
附件
2021年政府工作报告重点工作任务分工
（一）稳增长
1.扩大有效投资，实施重点项目200个。（市发展改革委牵头，市财政局配合）
2.促进消费。（市商务局负责）`)
	eq(t, "tasks", len(n.Tasks), 2)
	eq(t, "path", find(t, n, "1").Path, []string{"（一）稳增长"})
	eq(t, "issuer", n.Issuer, "某市人民政府办公室")
	eq(t, "doc number", n.DocNumber, "某政办〔2021〕3号")
	eq(t, "issued on", n.IssuedOn.String(), "2021-03-01")
	eq(t, "cycle", n.Schedule.Cycle, CycleMonthly)
	var due []string
	for _, d := range n.Schedule.ProgressDue {
		due = append(due, d.String())
	}
	eq(t, "progress due", due, []string{"2021-03-05", "2021-04-05", "2021-05-05", "2021-06-05", "2021-07-05", "2021-08-05", "2021-09-05", "2021-10-05", "2021-11-05"})
	eq(t, "annual due", n.Schedule.AnnualDue.String(), "2021-12-20")
}

func TestWebPageMetadataTable(t *testing.T) {
	n := mustParse(t, `索引号: | 113416/202004-00328 | 信息分类: | 规范性文件 |
发文字号: | 某政办〔2020〕5号 | 有 效 性: | 有效 |
标 题: | 某区人民政府办公室关于印发2020年政府工作报告重点工作任务分解表的通知 | |
某区人民政府办公室关于印发2020年政府工作报告重点工作任务分解表的通知
各乡镇人民政府，区政府各部门：
现将任务分解表印发给你们，请认真抓好落实。
一、稳增长
1.扩大有效投资。（区发展改革委牵头，区财政局配合）`)
	eq(t, "tasks", len(n.Tasks), 1)
	eq(t, "doc number", n.DocNumber, "某政办〔2020〕5号")
	eq(t, "issuer", n.Issuer, "某区人民政府办公室")
	eq(t, "year", n.Year, 2020)
	for _, w := range n.Warnings {
		if w.Kind == WarnAnnex {
			t.Errorf("the page's metadata table is no ledger: %+v", w)
		}
	}
}

func TestMoreHands(t *testing.T) {
	n := mustParse(t, `河南省某市人民政府文件
某政〔2024〕2号
各县（区）人民政府，市政府各部门：
各责任单位于每季度最后一个月25日前报送进展情况，12月25日前报送全年落实情况。
一、稳增长
1.扩大有效投资。（责任单位：市发展改革委（牵头）、市财政局、自然资源局）
2.促进消费。（市政府分管领导：王五；牵头单位：市商务局）
3.稳定就业。（市人力资源社会保障局牵头，各县、区人民政府，市直有关部门和各乡镇配合）`)
	eq(t, "issuer", n.Issuer, "河南省某市人民政府")
	t1 := find(t, n, "1")
	eq(t, "lead 1", t1.Lead, []string{"市发展改革委"})
	eq(t, "support 1", t1.Support, []string{"市财政局", "市自然资源局"})
	t2 := find(t, n, "2")
	eq(t, "leaders 2", t2.Leaders, []string{"王五"})
	eq(t, "lead 2", t2.Lead, []string{"市商务局"})
	eq(t, "support 3", find(t, n, "3").Support, []string{"各县人民政府", "各区人民政府", "市直有关部门", "各乡镇"})
	eq(t, "cycle", n.Schedule.Cycle, CycleQuarterly)
	var due []string
	for _, d := range n.Schedule.ProgressDue {
		due = append(due, d.String())
	}
	eq(t, "due", due, []string{"2024-03-25", "2024-06-25", "2024-09-25"})
	eq(t, "annual", n.Schedule.AnnualDue.String(), "2024-12-25")
}

func TestQuarterEndMonthDay(t *testing.T) {
	n := mustParse(t, `某县人民政府办公室关于2024年重点工作任务分工的通知
请各责任单位于每季度末月20日前报送工作进展情况。
一、发展
1.发展物流。(县商务局负责)`)
	var due []string
	for _, d := range n.Schedule.ProgressDue {
		due = append(due, d.String())
	}
	eq(t, "due", due, []string{"2024-03-20", "2024-06-20", "2024-09-20"})
	eq(t, "cycle", n.Schedule.Cycle, CycleQuarterly)
}

func TestTargetsRoundTrip(t *testing.T) {
	ts := []Target{{Indicator: "新增贷款", Op: ">=", Value: 7000, Unit: "亿元"}, {Indicator: "PM2.5浓度", Op: "<=", Value: 35.5, Unit: "微克/立方米"}}
	got, err := ParseTargets(FormatTargets(ts) + "\n\n")
	if err != nil {
		t.Fatal(err)
	}
	for i := range ts {
		if got[i].Indicator != ts[i].Indicator || got[i].Op != ts[i].Op || got[i].Value != ts[i].Value || got[i].Unit != ts[i].Unit {
			t.Errorf("%d: %+v; want %+v", i, got[i], ts[i])
		}
	}
	for _, bad := range []string{"新增贷款7000亿元", "新增贷款 ≥ 很多 亿元", "≥"} {
		if _, err := ParseTargets(bad); err == nil || !strings.Contains(err.Error(), "第 1 行") {
			t.Errorf("ParseTargets(%q) = %v; want an error naming the line", bad, err)
		}
	}
}

// Tasks glued on one line: each warning names its own task, which a line
// number cannot do.
func TestWarningsNameTheirTask(t *testing.T) {
	n := mustParse(t, `河南省人民政府关于明确2023年重点工作责任单位的通知 一、发展 1.发展物流，完善多式联运体系，建设一批物流园区。(省商务厅负责)2.发展枢纽经济，推动物流园区与产业园区联动发展，提升枢纽能级。3.发展口岸，扩大开放。(省发展改革委负责)4.提升营商环境，深化放管服改革。5.推进数字政府建设。(省大数据局负责)`)
	eq(t, "tasks", len(n.Tasks), 5)
	got := map[string][]string{} // task number → warning kinds
	for _, w := range n.Warnings {
		for _, i := range w.Tasks {
			got[n.Tasks[i].No] = append(got[n.Tasks[i].No], w.Kind)
		}
	}
	eq(t, "warnings by task", got, map[string][]string{"2": {WarnNoUnit}, "4": {WarnNoUnit}})

	n.DropTasks(func(i int) bool { return n.Tasks[i].No == "2" })
	got = map[string][]string{}
	for _, w := range n.Warnings {
		for _, i := range w.Tasks {
			got[n.Tasks[i].No] = append(got[n.Tasks[i].No], w.Kind)
		}
	}
	eq(t, "after dropping task 2", got, map[string][]string{"4": {WarnNoUnit}})
}

// In a table copied one cell per line, a unit cell that names an office
// (县政府办公室) is a cell, not the signature that ends the table.
func TestCellTableOfficeCell(t *testing.T) {
	n := mustParse(t, `附件
2024年重点任务清单
序号
重点任务
牵头单位
配合单位
1
推进政务服务“一网通办”。
县政府办公室
县数据局
2
开展营商环境评价。
县发展改革局
县政府办公室
某某县人民政府办公室
2024年2月1日`)
	eq(t, "rows", len(n.Annex), 2)
	eq(t, "lead 1", findRow(t, n, "1").Lead, []string{"县政府办公室"})
	eq(t, "support 2", findRow(t, n, "2").Support, []string{"县政府办公室"})
	eq(t, "section", findRow(t, n, "2").Section, "附件：2024年重点任务清单")
	eq(t, "issuer", n.Issuer, "某某县人民政府办公室")
}

// Role words written as nouns (为牵头单位), 协同单位, and a task that names
// only its supporters under a heading that names the lead.
func TestRoleNounsAndSupportOnly(t *testing.T) {
	n := mustParse(t, `一、市发展改革委牵头的工作
1.推进重大项目建设。（市财政局配合）
2.发展物流。（市商务局为牵头单位，市交通运输局为配合单位）
3.发展口岸。（牵头单位：市商务局；协同单位：市口岸办）`)
	t1 := find(t, n, "1")
	eq(t, "lead 1 from the heading", t1.Lead, []string{"市发展改革委"})
	eq(t, "support 1", t1.Support, []string{"市财政局"})
	t2 := find(t, n, "2")
	eq(t, "lead 2", t2.Lead, []string{"市商务局"})
	eq(t, "support 2", t2.Support, []string{"市交通运输局"})
	eq(t, "support 3", find(t, n, "3").Support, []string{"市口岸办"})
}

// Labels closed by brackets read as labels; a bracketed role after a name
// still marks that name.
func TestBracketLabels(t *testing.T) {
	n := mustParse(t, `一、发展
1.发展物流。【牵头单位】市商务局【配合单位】市交通运输局、市财政局
2.发展口岸。
【责任领导】张三【牵头单位】市商务局
3.发展会展。（市商务局（牵头单位）、市贸促会）`)
	t1 := find(t, n, "1")
	eq(t, "lead 1", t1.Lead, []string{"市商务局"})
	eq(t, "support 1", t1.Support, []string{"市交通运输局", "市财政局"})
	eq(t, "text 1", t1.Text, "发展物流。")
	t2 := find(t, n, "2")
	eq(t, "leaders 2", t2.Leaders, []string{"张三"})
	eq(t, "lead 2", t2.Lead, []string{"市商务局"})
	t3 := find(t, n, "3")
	eq(t, "units 3", t3.Units(), []string{"市商务局", "市贸促会"})
}
