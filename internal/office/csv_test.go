package office

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"duban/internal/notice"
)

func TestWriteCSV(t *testing.T) {
	n := &notice.Notice{Tasks: []notice.Task{
		{No: "1", Path: []string{"一、稳增长"}, Text: "=HYPERLINK(\"http://x\")", Lead: []string{"省发展改革委", "省财政厅"},
			Deadline: notice.NewDate(2026, 6, 30), Targets: []notice.Target{{Indicator: "投资", Op: ">=", Value: 5000, Unit: "亿元"}}},
		{No: "2", Text: "含逗号,和\"引号\"的任务", DeadlineText: "长期坚持"},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, n); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("no byte order mark: Excel would show mojibake")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "序号" || rows[0][8] != "量化指标" {
		t.Fatalf("rows %q", rows)
	}
	want := []string{"1", "一、稳增长", "'=HYPERLINK(\"http://x\")", "省发展改革委、省财政厅", "", "", "", "2026-06-30", "投资 ≥ 5000 亿元"}
	for i, w := range want {
		if rows[1][i] != w {
			t.Errorf("row 1 col %d = %q; want %q", i, rows[1][i], w)
		}
	}
	if rows[2][2] != "含逗号,和\"引号\"的任务" || rows[2][7] != "长期坚持" {
		t.Errorf("row 2 %q", rows[2])
	}
}
