package office

import (
	"bytes"
	"testing"

	"duban/internal/circular"

	"github.com/xuri/excelize/v2"
)

// Each table of a circular is a sheet with its header, rows and a header
// row repeated on every printed page.
func TestCircularTables(t *testing.T) {
	d := &circular.Doc{Title: "关于第三季度落实情况的通报", DocNumber: "督通〔2026〕3号", Body: []circular.Block{
		{Kind: circular.Para, Text: "正文"},
		{Kind: circular.TableBlk, Table: &circular.Table{Caption: "表1 各单位报送情况", Header: []string{"排名", "单位", "应报"}, Rows: [][]string{{"1", "市财政局<&>", "4"}}, Widths: []int{5, 20, 6}}},
		{Kind: circular.TableBlk, Table: &circular.Table{Caption: "表2 欠进度及逾期任务: [a/b]", Header: []string{"序号", "任务"}, Rows: [][]string{{"1", "修路"}}}},
	}}
	var buf bytes.Buffer
	if err := WriteCircularTables(&buf, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "表1 各单位报送情况" {
		t.Fatalf("sheets %q", sheets)
	}
	rows, _ := f.GetRows(sheets[0])
	if len(rows) != 4 || rows[0][0] != d.Title || rows[2][1] != "单位" || rows[3][1] != "市财政局<&>" {
		t.Errorf("rows %q", rows)
	}
	titles := 0
	for _, n := range f.GetDefinedName() {
		if n.Name == "_xlnm.Print_Titles" && n.RefersTo == "'"+n.Scope+"'!$3:$3" {
			titles++
		}
	}
	if titles != 2 {
		t.Errorf("%d sheets repeat their header row when printed, want 2: %+v", titles, f.GetDefinedName())
	}
}
