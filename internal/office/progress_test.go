package office

import (
	"bytes"
	"strings"
	"testing"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/notice"

	"github.com/xuri/excelize/v2"
)

// The live ledger with progress: each period a group of three columns
// (percent, light, progress) after the ledger's own, a units' summary,
// printed on A3 landscape with the header repeated.
func TestLedgerWithProgress(t *testing.T) {
	head := &notice.Notice{Title: "2026年重点工作分工", DocNumber: "某政〔2026〕1号"}
	ts := []*ledger.Task{
		{ID: 7, No: "1", Path: []string{"一、稳增长"}, Text: "扩大有效投资。", Assignments: []ledger.Assignment{{Label: "市发展改革委", Role: ledger.Lead}}},
		{ID: 8, No: "2", Path: []string{"一、稳增长"}, Text: "促进消费。", Assignments: []ledger.Assignment{{Label: "市商务局", Role: ledger.Lead}}},
	}
	forty := 40
	prog := &Progress{
		Periods: []ledger.Period{{ID: 1, Label: "第一季度"}, {ID: 2, Label: "第二季度"}},
		Cells: map[int64][]ledger.ProgressCell{
			7: {{Percent: &forty, Light: ledger.LightOnPace, Summary: "开工项目120个"}, {Light: ledger.LightOverdue}},
		},
		Units:   []circular.Unit{{UnitID: 1, Name: "市发展改革委", Tally: circular.Tally{Tasks: 1, Due: 1, OnTime: 1}}},
		UnitsOf: "第二季度进展",
	}
	var buf bytes.Buffer
	if err := ExportLedger(&buf, head, ts, prog, FormatXLSX); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(SheetLedger)
	var hdr, first []string
	for i, r := range rows {
		if len(r) > 0 && r[0] == "序号" {
			hdr, first = r, rows[i+1]
		}
	}
	n := len(ledgerHeader)
	if len(hdr) != n+6 || hdr[n] != "第一季度进度" || hdr[n+1] != "第一季度状态" || hdr[n+5] != "第二季度进展" {
		t.Fatalf("header %q", hdr)
	}
	if first[n] != "40%" || first[n+1] != "达进度" || first[n+2] != "开工项目120个" || first[n+4] != "逾期" {
		t.Errorf("task 1's progress %q", first[n:])
	}
	lay, _ := f.GetPageLayout(SheetLedger)
	if lay.Size == nil || *lay.Size != 8 || lay.Orientation == nil || *lay.Orientation != "landscape" {
		t.Errorf("page layout %+v, want A3 (8) landscape", lay)
	}
	units, _ := f.GetRows(SheetUnits)
	if len(units) < 3 || !strings.Contains(units[0][0], "第二季度进展") || units[2][1] != "市发展改革委" || units[2][8] != "100.0%" {
		t.Errorf("units sheet %q", units)
	}
	titles := 0
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles++
		}
	}
	if titles < 2 {
		t.Errorf("header rows repeat on %d sheets", titles)
	}
	// Read back: the ledger's own columns are still the ledger.
	buf.Reset()
	ExportLedger(&buf, head, ts, prog, FormatXLSX)
	back, err := ReadLedger(&buf)
	if err != nil || len(back) != 2 || back[0].Text != "扩大有效投资。" {
		t.Errorf("read back %+v %v", back, err)
	}
}
