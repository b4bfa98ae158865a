// Package office writes a parsed notice as the Excel ledger (台账) a
// supervision office (督查室) hands out, and reads such a ledger back.
package office

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"

	"github.com/xuri/excelize/v2"
)

// Sheet names.
const (
	SheetLedger   = "台账"
	SheetAnnex    = "附件台账"
	SheetSchedule = "报告安排"
	SheetWarnings = "解析提示"
)

// ledgerHeader is the header row of the 台账 sheet; ReadLedger looks for it.
var ledgerHeader = []column{
	{"序号", 8}, {"章节", 24}, {"任务内容", 60}, {"牵头单位", 28}, {"配合单位", 28},
	{"责任单位", 28}, {"责任领导", 14}, {"完成时限", 14}, {"量化指标", 28},
}

var annexHeader = []column{
	{"序号", 8}, {"项目(任务)", 60}, {"责任领导", 14}, {"责任单位", 28}, {"配合单位", 28}, {"拟完成时限", 14},
}

var scheduleHeader = []column{{"事项", 24}, {"时间", 24}}

var warningHeader = []column{{"行号", 8}, {"类型", 18}, {"说明", 80}}

const (
	pathSep = " / "
	listSep = "、"
	noDate  = "未规定"
)

type column struct {
	name  string
	width float64
}

// styles holds the style ids shared by every sheet.
type styles struct {
	title, info, header, data int
}

// WriteLedger writes n as an .xlsx workbook to w.
func WriteLedger(w io.Writer, n *notice.Notice) error {
	return writeLedger(w, n, taskRows(n))
}

func writeLedger(w io.Writer, n *notice.Notice, rows [][]string) error {
	return writeLedgerWith(w, n, ledgerHeader, rows, nil)
}

func writeLedgerWith(w io.Writer, n *notice.Notice, cols []column, rows [][]string, prog *Progress) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	// NewFile starts with "Sheet1"; renaming it keeps 台账 first and active.
	if err := f.SetSheetName(f.GetSheetName(0), SheetLedger); err != nil {
		return err
	}
	if err := writeTasks(f, st, n, cols, rows); err != nil {
		return fmt.Errorf("台账: %w", err)
	}
	if prog != nil {
		if err := prog.write(f, st); err != nil {
			return err
		}
	}
	if len(n.Annex) > 0 {
		if err := writeTable(f, st, SheetAnnex, 1, annexHeader, annexRows(n.Annex)); err != nil {
			return fmt.Errorf("附件台账: %w", err)
		}
	}
	if err := writeTable(f, st, SheetSchedule, 1, scheduleHeader, scheduleRows(n.Schedule)); err != nil {
		return fmt.Errorf("报告安排: %w", err)
	}
	if len(n.Warnings) > 0 {
		if err := writeTable(f, st, SheetWarnings, 1, warningHeader, warningRows(n.Warnings)); err != nil {
			return fmt.Errorf("解析提示: %w", err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1},
		{Type: "bottom", Color: "000000", Style: 1},
	}
	var st styles
	var err error
	if st.title, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	}); err != nil {
		return st, err
	}
	if st.info, err = f.NewStyle(&excelize.Style{
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"},
	}); err != nil {
		return st, err
	}
	if st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	}); err != nil {
		return st, err
	}
	st.data, err = f.NewStyle(&excelize.Style{
		Border:    border,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	return st, err
}

// writeTasks writes the 台账 sheet: title, document line, then the table.
func writeTasks(f *excelize.File, st styles, n *notice.Notice, cols []column, rows [][]string) error {
	last, _ := excelize.ColumnNumberToName(len(cols))
	row := 1
	if err := mergedLine(f, SheetLedger, row, last, ledgerTitle(n), st.title); err != nil {
		return err
	}
	// A merged row never grows to fit, so the title row gets its height here.
	if err := f.SetRowHeight(SheetLedger, row, 28); err != nil {
		return err
	}
	row++
	if info := docLine(n); info != "" {
		if err := mergedLine(f, SheetLedger, row, last, info, st.info); err != nil {
			return err
		}
		row++
	}
	return writeTable(f, st, SheetLedger, row, cols, rows)
}

// taskRows are the cells of the ledger table, one row per parsed task.
func taskRows(n *notice.Notice) [][]string {
	rows := make([][]string, len(n.Tasks))
	for i := range n.Tasks {
		t := &n.Tasks[i]
		rows[i] = row(t.No, t.Path, t.Text, t.Lead, t.Support, t.Responsible, t.Leaders, t.Deadline, t.DeadlineText, t.Targets)
	}
	return rows
}

// liveRows are the cells of the ledger table, one row per task of the
// live ledger; units are named as pages name them (with their government
// where a name is ambiguous).
func liveRows(ts []*ledger.Task) [][]string {
	rows := make([][]string, len(ts))
	for i, t := range ts {
		rows[i] = row(t.No, t.Path, t.Text, t.Units(ledger.Lead), t.Units(ledger.Support), t.Units(ledger.Responsible),
			t.Leaders, t.Deadline, t.DeadlineText, t.Targets)
	}
	return rows
}

func row(no string, path []string, text string, lead, support, responsible, leaders []string, d notice.Date, dtext string, targets []notice.Target) []string {
	return []string{
		no, strings.Join(path, pathSep), text,
		strings.Join(lead, listSep), strings.Join(support, listSep), strings.Join(responsible, listSep),
		strings.Join(leaders, listSep), deadline(d, dtext), notice.FormatTargets(targets),
	}
}

func mergedLine(f *excelize.File, sheet string, row int, lastCol, text string, style int) error {
	a, b := fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", lastCol, row)
	if err := f.SetCellStr(sheet, a, text); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, a, b); err != nil {
		return err
	}
	return f.SetCellStyle(sheet, a, b, style)
}

// ledgerTitle is the notice's title, or one made of whatever of issuer and
// year is known.
func ledgerTitle(n *notice.Notice) string {
	if t := strings.TrimSpace(n.Title); t != "" {
		return t
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(n.Issuer))
	if n.Year != 0 {
		fmt.Fprintf(&b, "%d年", n.Year)
	}
	b.WriteString("重点工作任务分工台账")
	return b.String()
}

func docLine(n *notice.Notice) string {
	var parts []string
	if s := strings.TrimSpace(n.DocNumber); s != "" {
		parts = append(parts, "发文字号："+s)
	}
	if !n.IssuedOn.IsZero() {
		parts = append(parts, "成文日期："+n.IssuedOn.String())
	}
	return strings.Join(parts, "　　")
}

// writeTable writes a header at headerRow and rows below it, with the
// styling, freeze pane, filter and print setup every sheet shares.
func writeTable(f *excelize.File, st styles, sheet string, headerRow int, cols []column, rows [][]string) error {
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, c.width); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cellName(i+1, headerRow), c.name); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, cellName(1, headerRow), cellName(len(cols), headerRow), st.header); err != nil {
		return err
	}
	for r, vals := range rows {
		y := headerRow + 1 + r
		for x, v := range vals {
			if err := setText(f, sheet, cellName(x+1, y), v, x == 0); err != nil {
				return err
			}
		}
	}
	lastRow := headerRow + len(rows)
	if len(rows) > 0 {
		// Styled even when empty so the grid of borders has no holes.
		if err := f.SetCellStyle(sheet, cellName(1, headerRow+1), cellName(len(cols), lastRow), st.data); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze:      true,
		YSplit:      headerRow,
		TopLeftCell: cellName(1, headerRow+1),
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: cellName(1, headerRow+1), ActiveCell: cellName(1, headerRow+1), Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, cellName(1, headerRow)+":"+cellName(len(cols), lastRow), nil); err != nil {
		return err
	}
	return printSetup(f, sheet, headerRow)
}

// printSetup prints landscape A4, one page wide, repeating the header row.
func printSetup(f *excelize.File, sheet string, headerRow int) error {
	a4, landscape, one, auto, fit := 9, "landscape", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &auto,
	}); err != nil {
		return err
	}
	// fitToWidth is ignored by Excel unless the sheet also has fitToPage.
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, headerRow, headerRow),
		Scope:    sheet,
	})
}

// setText writes user text as a string cell, so "=1+1" stays text and never
// becomes a formula. A plain serial number in the first column is written
// as a number so the filter sorts 2 before 10.
func setText(f *excelize.File, sheet, cell, v string, serial bool) error {
	if serial && isSerial(v) {
		n, _ := strconv.ParseInt(v, 10, 64)
		return f.SetCellInt(sheet, cell, n)
	}
	return f.SetCellStr(sheet, cell, v)
}

func isSerial(s string) bool {
	if s == "" || len(s) > 9 || s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

func deadline(d notice.Date, text string) string {
	if !d.IsZero() {
		return d.String()
	}
	return text
}

func annexRows(rows []notice.AnnexRow) [][]string {
	out := make([][]string, len(rows))
	for i, a := range rows {
		out[i] = []string{
			a.No, a.Text, strings.Join(a.Leaders, listSep), strings.Join(a.Lead, listSep),
			strings.Join(a.Support, listSep), deadline(a.Deadline, a.DeadlineText),
		}
	}
	return out
}

func dateOrNone(d notice.Date) string {
	if d.IsZero() {
		return noDate
	}
	return d.String()
}

func scheduleRows(s notice.Schedule) [][]string {
	cycle := noDate
	switch s.Cycle {
	case notice.CycleMonthly:
		cycle = "每月"
	case notice.CycleQuarterly:
		cycle = "每季度"
	}
	out := [][]string{{"落实方案报送", dateOrNone(s.PlanDue)}, {"报告周期", cycle}}
	for i, d := range s.ProgressDue {
		out = append(out, []string{fmt.Sprintf("第%d次进展报告", i+1), dateOrNone(d)})
	}
	if len(s.ProgressDue) == 0 {
		// Said outright, so the office does not wonder whether rows are missing.
		out = append(out, []string{"进展报告", noDate})
	}
	return append(out, []string{"全年落实情况", dateOrNone(s.AnnualDue)})
}

// warningKinds names the parser's warning kinds for the office.
var warningKinds = map[string]string{
	notice.WarnNumberGap:    "序号不连续",
	notice.WarnNoUnit:       "未识别责任单位",
	notice.WarnClause:       "条款",
	notice.WarnSkipped:      "跳过内容",
	notice.WarnNoTasks:      "未识别任务",
	notice.WarnHeader:       "文件头",
	notice.WarnAnnex:        "附件",
	notice.WarnUnitGuess:    "单位推测",
	notice.WarnDuplicateNo:  "序号重复",
	notice.WarnScheduleRead: "报告安排",
}

func warningRows(ws []notice.Warning) [][]string {
	out := make([][]string, len(ws))
	for i, w := range ws {
		line := ""
		if w.Line > 0 {
			line = strconv.Itoa(w.Line)
		}
		kind, ok := warningKinds[w.Kind]
		if !ok {
			kind = w.Kind
		}
		out[i] = []string{line, kind, w.Message}
	}
	return out
}
