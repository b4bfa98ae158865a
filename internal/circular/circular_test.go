package circular

import (
	"strings"
	"testing"

	"duban/internal/ledger"
	"duban/internal/notice"
)

func sampleFacts() *Facts {
	f := &Facts{
		NoticeTitle: "某市人民政府关于印发2026年政府工作报告重点工作任务分工方案的通知", NoticeDocNumber: "某政〔2026〕3号",
		Year: 2026, PeriodLabel: "第三季度", PeriodKind: ledger.PeriodProgress,
		PeriodDue: notice.Date{Y: 2026, M: 9, D: 30}, AsOf: notice.Date{Y: 2026, M: 10, D: 12},
	}
	f.Units = []Unit{
		{UnitID: 1, Name: "市财政局", Tally: Tally{Tasks: 4, OnPace: 4, Due: 4, OnTime: 4, Accepted: 4}},
		{UnitID: 2, Name: "市教育局", Tally: Tally{Tasks: 2, Lagging: 1, OnPace: 1, Due: 2, OnTime: 1, Missing: 1}},
		{UnitID: 3, Name: "市交通运输局", Tally: Tally{Tasks: 3, Overdue: 1, Ahead: 2, Due: 3, OnTime: 2, Late: 1, Accepted: 3}},
		{UnitID: 4, Name: "市商务局", Tally: Tally{Tasks: 1, OnPace: 1, Due: 1, OnTime: 1, Accepted: 1}},
	}
	for _, u := range f.Units {
		f.Tally.Tasks += u.Tasks
		f.OnPace += u.OnPace
		f.Ahead += u.Ahead
		f.Lagging += u.Lagging
		f.Overdue += u.Overdue
		f.Due += u.Due
		f.OnTime += u.OnTime
		f.Late += u.Late
		f.Missing += u.Missing
		f.Accepted += u.Accepted
	}
	f.Problems = []Lagged{
		{TaskID: 7, Number: "12", Title: "新建改扩建中小学校20所", Units: "市教育局", Light: ledger.LightLagging,
			Reason: "序时进度75%，报告进度50%，落后25个百分点", Problem: "土地征收手续尚未办结。"},
		{TaskID: 9, Number: "31", Title: "建成<城乡>公交一体化 & 线路", Units: "市交通运输局", Light: ledger.LightOverdue,
			Reason: "9月30日应报第三季度进展，逾期报送"},
	}
	Rank(f.Units)
	return f
}

func TestRankOnTimeRateThenPace(t *testing.T) {
	f := sampleFacts()
	var got []string
	for _, u := range f.Units {
		got = append(got, u.Name)
	}
	// 财政局 and 商务局 are both 100% on time and on pace (by name);
	// 交通运输局 2/3 on time beats 教育局 1/2.
	want := "市商务局 市财政局 市交通运输局 市教育局"
	if strings.Join(got, " ") != want {
		t.Fatalf("rank = %v, want %s", got, want)
	}
}

func TestDraftSectionsAndFigures(t *testing.T) {
	f := sampleFacts()
	d := Draft(f, Head{Issuer: "某市人民政府督查室", Signer: "某市人民政府督查室", MainTo: "各责任单位："})
	if d.Title != "关于2026年政府工作报告重点工作任务第三季度落实情况的通报" {
		t.Errorf("title = %q", d.Title)
	}
	text := BodyText(d.Body)
	for _, want := range []string{
		"截至2026年10月12日第三季度",
		"纳入督办的10项任务中，已完成0项，超进度2项，达进度6项，欠进度1项，逾期1项",
		"应报送10份", "按时报送8份，逾期报送1份", "未报送1份", "按时报送率80.0%",
		"一、总体进展", "二、进展较好的单位", "三、存在的问题", "四、通报批评", "五、下一步工作要求",
		"市商务局、市财政局按时报送",   // commended: on time, accepted, on pace
		"市教育局仍未报送",        // missing
		"市交通运输局未在截止日期前报送", // late
		"1.第12项“新建改扩建中小学校20所”（牵头单位：市教育局）序时进度75%，报告进度50%，落后25个百分点。单位报告的问题：土地征收手续尚未办结。",
		"单位未报告存在的问题",
		"【表1 各单位报送及任务进展情况】", "【表2 欠进度及逾期任务】",
		RankRule,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("draft lacks %q\n%s", want, text)
		}
	}
	tb := Tables(d.Body)
	if len(tb) != 2 || len(tb[0].Rows) != 4 || tb[0].Rows[0][1] != "市商务局" || len(tb[1].Rows) != 2 {
		t.Fatalf("tables = %+v", tb)
	}
	if tb[1].Rows[1][3] != "逾期" {
		t.Errorf("overdue row = %v", tb[1].Rows[1])
	}
}

func TestDraftWithNothingWrong(t *testing.T) {
	f := &Facts{NoticeTitle: "关于印发重点工作的通知", Year: 2025, PeriodLabel: "3月", PeriodKind: ledger.PeriodProgress}
	f.Units = []Unit{{UnitID: 1, Name: "县水利局", Tally: Tally{Tasks: 1, OnPace: 1, Due: 1, OnTime: 1, Accepted: 1}}}
	f.Tally = f.Units[0].Tally
	d := Draft(f, DefaultHead())
	text := BodyText(d.Body)
	if d.Title != "关于2025年重点工作3月份落实情况的通报" {
		t.Errorf("title = %q", d.Title)
	}
	for _, want := range []string{"未发现欠进度或逾期任务", "本期各单位均按时报送进展情况", "县水利局按时报送"} {
		if !strings.Contains(text, want) {
			t.Errorf("draft lacks %q\n%s", want, text)
		}
	}
	if len(Tables(d.Body)) != 1 {
		t.Errorf("no lagging tasks, yet %d tables", len(Tables(d.Body)))
	}
}

func TestEditBodyKeepsTables(t *testing.T) {
	d := Draft(sampleFacts(), DefaultHead())
	tables := Tables(d.Body)
	text := BodyText(d.Body)
	// The office rewrites a paragraph, moves table 2 to the end, adds a
	// heading of its own.
	edited := strings.Replace(text, "【表2 欠进度及逾期任务】", "", 1) + "\n六、其他事项\n（一）请各单位于10月20日前反馈。\n【表2 欠进度及逾期任务】\n"
	edited = strings.Replace(edited, "予以通报表扬", "予以通报表扬，望再接再厉", 1)
	body, err := ParseBody(edited, tables)
	if err != nil {
		t.Fatal(err)
	}
	last := body[len(body)-1]
	if last.Kind != TableBlk || last.Table != tables[1] {
		t.Errorf("table 2 did not move to the end: %+v", last)
	}
	kinds := map[string]Kind{}
	for _, b := range body {
		kinds[b.Text] = b.Kind
	}
	if kinds["六、其他事项"] != Heading1 || kinds["（一）请各单位于10月20日前反馈。"] != Heading2 {
		t.Errorf("headings not recognized: %v", kinds)
	}
	if !strings.Contains(BodyText(body), "望再接再厉") {
		t.Error("edit lost")
	}
	for _, bad := range []struct{ text, msg string }{
		{strings.Replace(text, "【表1 各单位报送及任务进展情况】", "", 1), "不能删除"},
		{text + "\n【表1 各单位报送及任务进展情况】", "出现了两次"},
		{text + "\n【表3 我加的表】", "不能新增"},
	} {
		if _, err := ParseBody(bad.text, tables); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("err = %v, want %q", err, bad.msg)
		}
	}
}

func TestDocNumber(t *testing.T) {
	if got := DocNumber("某政督通", 2026, 7); got != "某政督通〔2026〕7号" {
		t.Fatal(got)
	}
	for _, s := range []string{"某政督通〔2026〕7号", "某政督通[2026]7号", " 某政督通（2026）7号 "} {
		p, y, n, err := ParseDocNumber(s)
		if err != nil || p != "某政督通" || y != 2026 || n != 7 {
			t.Errorf("%q → %q %d %d %v", s, p, y, n, err)
		}
	}
	for _, s := range []string{"某政督通2026-7", "〔2026〕7号", "某政督通〔2026〕0号"} {
		if _, _, _, err := ParseDocNumber(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestSubject(t *testing.T) {
	for _, c := range []struct {
		title string
		year  int
		want  string
	}{
		{"河南省人民政府关于印发2023年省政府工作报告重点工作分工方案的通知", 2023, "2023年省政府工作报告重点工作"},
		{"关于分解落实《政府工作报告》目标任务的通知", 2024, "2024年落实《政府工作报告》目标任务"},
		{"", 2026, "2026年重点工作任务"},
		{"关于明确政府工作报告提出的2026年重点工作责任单位的通知", 2026, "政府工作报告提出的2026年重点工作"},
	} {
		if got := Subject(c.title, c.year); got != c.want {
			t.Errorf("Subject(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}
