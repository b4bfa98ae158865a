package office

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"duban/internal/notice"

	"github.com/xuri/excelize/v2"
)

func sampleNotice() *notice.Notice {
	return &notice.Notice{
		Issuer:    "某某市人民政府办公室",
		DocNumber: "某政办函〔2025〕12号",
		Year:      2025,
		IssuedOn:  notice.NewDate(2025, time.March, 1),
		Schedule: notice.Schedule{
			PlanDue:     notice.NewDate(2025, time.March, 31),
			Cycle:       notice.CycleQuarterly,
			ProgressDue: []notice.Date{notice.NewDate(2025, time.June, 30), notice.NewDate(2025, time.September, 30), {}},
			AnnualDue:   notice.NewDate(2025, time.December, 10),
		},
		Tasks: []notice.Task{
			{
				No: "1", Path: []string{"一、稳定经济增长", "（一）扩大有效投资"},
				Text: "加快重大项目建设。", Lead: []string{"市发展改革委"}, Support: []string{"市财政局", "市自然资源局"},
				DeadlineText: "年内持续推进",
			},
			{
				No: "2", Path: []string{"一、稳定经济增长"},
				Text: "=1+1", Responsible: []string{"市统计局"},
			},
			{
				No: "3", Path: []string{"二、金融支持"},
				Text: "新增贷款7000亿元以上，增速5.5%左右。", Lead: []string{"市金融办"},
				Leaders: []string{"张三", "李四"}, Deadline: notice.NewDate(2025, time.December, 31),
				Targets: []notice.Target{
					{Indicator: "新增贷款", Op: ">=", Value: 7000, Unit: "亿元"},
					{Indicator: "增速", Op: "≈", Value: 5.5, Unit: "%"},
				},
			},
		},
		Annex: []notice.AnnexRow{
			{No: "1", Text: "建设城市更新项目", Leaders: []string{"王五"}, Lead: []string{"市住建局"}, Support: []string{"市财政局"}, Deadline: notice.NewDate(2025, time.June, 30)},
			{No: "2", Text: "-推进老旧小区改造", Lead: []string{"市住建局"}, DeadlineText: "2025年底前"},
		},
		Warnings: []notice.Warning{{Line: 42, Kind: notice.WarnNoUnit, Message: "第3项未写责任单位"}},
	}
}

func write(t *testing.T, n *notice.Notice) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteLedger(&buf, n); err != nil {
		t.Fatalf("WriteLedger: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open written workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	r, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("GetRows(%s): %v", sheet, err)
	}
	return r
}

// pad makes a row as long as want, as GetRows drops trailing empty cells.
func pad(r []string, n int) []string {
	for len(r) < n {
		r = append(r, "")
	}
	return r
}

func TestWriteLedger(t *testing.T) {
	f := write(t, sampleNotice())

	t.Run("sheet names and order", func(t *testing.T) {
		want := []string{"台账", "附件台账", "报告安排", "解析提示"}
		if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
			t.Fatalf("sheets = %v, want %v", got, want)
		}
		if got := f.GetActiveSheetIndex(); got != 0 {
			t.Errorf("active sheet = %d, want 0", got)
		}
	})

	t.Run("title and document line", func(t *testing.T) {
		r := rows(t, f, SheetLedger)
		if got, want := r[0][0], "某某市人民政府办公室2025年重点工作任务分工台账"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if !strings.Contains(r[1][0], "某政办函〔2025〕12号") || !strings.Contains(r[1][0], "2025-03-01") {
			t.Errorf("document line = %q", r[1][0])
		}
		merges, _ := f.GetMergeCells(SheetLedger)
		var refs []string
		for _, m := range merges {
			refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
		}
		if !slices.Contains(refs, "A1:I1") {
			t.Errorf("merged ranges = %v, want A1:I1 among them", refs)
		}
	})

	t.Run("header row", func(t *testing.T) {
		want := []string{"序号", "章节", "任务内容", "牵头单位", "配合单位", "责任单位", "责任领导", "完成时限", "量化指标"}
		if got := rows(t, f, SheetLedger)[2]; !reflect.DeepEqual(got, want) {
			t.Fatalf("header = %q, want %q", got, want)
		}
	})

	t.Run("one row per task", func(t *testing.T) {
		want := [][]string{
			{"1", "一、稳定经济增长 / （一）扩大有效投资", "加快重大项目建设。", "市发展改革委", "市财政局、市自然资源局", "", "", "年内持续推进", ""},
			{"2", "一、稳定经济增长", "=1+1", "", "", "市统计局", "", "", ""},
			{"3", "二、金融支持", "新增贷款7000亿元以上，增速5.5%左右。", "市金融办", "", "", "张三、李四", "2025-12-31", "新增贷款 ≥ 7000 亿元\n增速 ≈ 5.5 %"},
		}
		r := rows(t, f, SheetLedger)[3:]
		if len(r) != len(want) {
			t.Fatalf("%d task rows, want %d", len(r), len(want))
		}
		for i := range want {
			if got := pad(r[i], 9); !reflect.DeepEqual(got, want[i]) {
				t.Errorf("row %d = %q\nwant      %q", i+1, got, want[i])
			}
		}
	})

	t.Run("formula-like text stays a string", func(t *testing.T) {
		typ, err := f.GetCellType(SheetLedger, "C5")
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("C5 type = %v, want a string type", typ)
		}
		for _, sheet := range f.GetSheetList() {
			for y, row := range rows(t, f, sheet) {
				for x := range row {
					cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
					if fm, _ := f.GetCellFormula(sheet, cell); fm != "" {
						t.Errorf("%s!%s has formula %q", sheet, cell, fm)
					}
				}
			}
		}
	})

	t.Run("frozen below header", func(t *testing.T) {
		for _, sheet := range []string{SheetLedger, SheetAnnex} {
			p, err := f.GetPanes(sheet)
			if err != nil {
				t.Fatal(err)
			}
			want := 3
			if sheet == SheetAnnex {
				want = 1
			}
			if !p.Freeze || p.YSplit != want {
				t.Errorf("%s panes = freeze %v split %d, want frozen at %d", sheet, p.Freeze, p.YSplit, want)
			}
		}
	})

	t.Run("header bold and grey, data wrapped", func(t *testing.T) {
		for _, cell := range []string{"A3", "I3"} {
			id, _ := f.GetCellStyle(SheetLedger, cell)
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.Font == nil || !st.Font.Bold {
				t.Errorf("%s not bold", cell)
			}
			if len(st.Fill.Color) == 0 || len(st.Border) != 4 {
				t.Errorf("%s fill %v border %v", cell, st.Fill.Color, st.Border)
			}
		}
		id, _ := f.GetCellStyle(SheetLedger, "F4") // an empty data cell
		st, _ := f.GetStyle(id)
		if st.Alignment == nil || !st.Alignment.WrapText || st.Alignment.Vertical != "top" || len(st.Border) != 4 {
			t.Errorf("data cell style = %+v", st)
		}
	})

	t.Run("print setup", func(t *testing.T) {
		pl, err := f.GetPageLayout(SheetLedger)
		if err != nil {
			t.Fatal(err)
		}
		if *pl.Orientation != "landscape" || *pl.Size != 9 || *pl.FitToWidth != 1 {
			t.Errorf("page layout = %s size %d fit %d", *pl.Orientation, *pl.Size, *pl.FitToWidth)
		}
		var titles string
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm.Print_Titles" && d.Scope == SheetLedger {
				titles = d.RefersTo
			}
		}
		if titles != "'台账'!$3:$3" {
			t.Errorf("print titles = %q", titles)
		}
		if w, _ := f.GetColWidth(SheetLedger, "C"); w != 60 {
			t.Errorf("任务内容 width = %v", w)
		}
	})

	sheetTests := []struct {
		sheet string
		want  [][]string
	}{
		{SheetAnnex, [][]string{
			{"序号", "项目(任务)", "责任领导", "责任单位", "配合单位", "拟完成时限"},
			{"1", "建设城市更新项目", "王五", "市住建局", "市财政局", "2025-06-30"},
			{"2", "-推进老旧小区改造", "", "市住建局", "", "2025年底前"},
		}},
		{SheetSchedule, [][]string{
			{"事项", "时间"},
			{"落实方案报送", "2025-03-31"},
			{"报告周期", "每季度"},
			{"第1次进展报告", "2025-06-30"},
			{"第2次进展报告", "2025-09-30"},
			{"第3次进展报告", "未规定"},
			{"全年落实情况", "2025-12-10"},
		}},
		{SheetWarnings, [][]string{
			{"行号", "类型", "说明"},
			{"42", "未识别责任单位", "第3项未写责任单位"},
		}},
	}
	for _, tc := range sheetTests {
		t.Run("sheet "+tc.sheet, func(t *testing.T) {
			got := rows(t, f, tc.sheet)
			if len(got) != len(tc.want) {
				t.Fatalf("%d rows, want %d: %q", len(got), len(tc.want), got)
			}
			for i := range tc.want {
				if r := pad(got[i], len(tc.want[i])); !reflect.DeepEqual(r, tc.want[i]) {
					t.Errorf("row %d = %q, want %q", i+1, r, tc.want[i])
				}
			}
		})
	}
}

func TestWriteLedgerOptionalSheets(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*notice.Notice)
		title string
		want  []string
	}{
		{"no annex, no warnings", func(n *notice.Notice) { n.Annex, n.Warnings = nil, nil },
			"某某市人民政府办公室2025年重点工作任务分工台账", []string{"台账", "报告安排"}},
		{"warnings only, no issuer", func(n *notice.Notice) { n.Annex, n.Issuer = nil, "" },
			"2025年重点工作任务分工台账", []string{"台账", "报告安排", "解析提示"}},
		{"title set, nothing known", func(n *notice.Notice) {
			*n = notice.Notice{Title: "关于印发重点工作分工方案的通知"}
		}, "关于印发重点工作分工方案的通知", []string{"台账", "报告安排"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := sampleNotice()
			tc.edit(n)
			f := write(t, n)
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("sheets = %v, want %v", got, tc.want)
			}
			if got, _ := f.GetCellValue(SheetLedger, "A1"); got != tc.title {
				t.Errorf("title = %q, want %q", got, tc.title)
			}
		})
	}
}

func TestReadLedgerRoundTrip(t *testing.T) {
	n := sampleNotice()
	var buf bytes.Buffer
	if err := WriteLedger(&buf, n); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLedger(&buf)
	if err != nil {
		t.Fatalf("ReadLedger: %v", err)
	}
	if len(got) != len(n.Tasks) {
		t.Fatalf("%d tasks, want %d", len(got), len(n.Tasks))
	}
	for i, w := range n.Tasks {
		g := got[i]
		t.Run(w.No, func(t *testing.T) {
			check := func(field string, got, want any) {
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("No", g.No, w.No)
			check("Path", g.Path, w.Path)
			check("Text", g.Text, w.Text)
			check("Lead", g.Lead, w.Lead)
			check("Support", g.Support, w.Support)
			check("Responsible", g.Responsible, w.Responsible)
			check("Leaders", g.Leaders, w.Leaders)
			check("Deadline", g.Deadline, w.Deadline)
			check("DeadlineText", g.DeadlineText, w.DeadlineText)
		})
	}
}

// handMade builds a workbook whose first sheet holds the given rows.
func handMade(t *testing.T, data [][]string) *bytes.Buffer {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for y, row := range data {
		for x, v := range row {
			cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestReadLedger(t *testing.T) {
	header := []string{"序号", "章节", "任务内容", "牵头单位", "配合单位", "责任单位", "责任领导", "完成时限", "量化指标"}
	tests := []struct {
		name    string
		data    [][]string
		want    []notice.Task
		wantErr string
	}{
		{
			name: "hand-made, header lower down, section row skipped",
			data: [][]string{
				{"2025年重点工作台账"},
				{},
				{"制表单位：督查室"},
				{"序号", "任务\n内容", "牵头单位", "完成时限"},
				{"一、稳定增长"},
				{"1", "抓好项目。", "市发展改革委，市财政局", "2025/6/30"},
				{"2", "抓好就业。", "", "6月底前"},
			},
			want: []notice.Task{
				{No: "1", Text: "抓好项目。", Lead: []string{"市发展改革委", "市财政局"}, Deadline: notice.NewDate(2025, time.June, 30)},
				{No: "2", Text: "抓好就业。", DeadlineText: "6月底前"},
			},
		},
		{
			name:    "no header",
			data:    [][]string{{"标题"}, {"1", "任务", "单位"}},
			wantErr: "表头",
		},
		{
			name:    "header below row 10",
			data:    append(make([][]string, 10), header),
			wantErr: "第10行",
		},
		{
			name:    "empty sheet",
			data:    nil,
			wantErr: "表头",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadLedger(handMade(t, tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tasks = %+v\nwant    %+v", got, tc.want)
			}
		})
	}
}

func TestTargets(t *testing.T) {
	tests := []struct {
		in   []notice.Target
		want string
	}{
		{[]notice.Target{{Indicator: "新增贷款", Op: ">=", Value: 7000, Unit: "亿元"}}, "新增贷款 ≥ 7000 亿元"},
		{[]notice.Target{{Indicator: "能耗", Op: "<=", Value: 0.25}, {Indicator: "项目", Op: ">", Value: 10, Unit: "个"}}, "能耗 ≤ 0.25\n项目 > 10 个"},
		{[]notice.Target{{Indicator: "增速", Op: "=", Value: 5.50, Unit: "%"}, {Indicator: "人数", Op: "<", Value: 3, Unit: "万人"}}, "增速 = 5.5 %\n人数 < 3 万人"},
		{nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := notice.FormatTargets(tc.in); got != tc.want {
				t.Errorf("targets = %q, want %q", got, tc.want)
			}
		})
	}
}
