package office

import (
	"fmt"
	"io"
	"strings"
	"time"

	"duban/internal/notice"

	"github.com/xuri/excelize/v2"
)

// headerScan is how many rows from the top ReadLedger searches for the
// header; hand-made ledgers put a title and a line or two above it.
const headerScan = 10

// ReadLedger reads back a workbook written by WriteLedger (or a hand-made
// one with the same header row, wherever it is in the first 10 rows of the
// first sheet) into tasks. Rows without 任务内容 (blank rows, section
// headings) are skipped; Targets and Line are left empty.
func ReadLedger(r io.Reader) ([]notice.Task, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("无法读取工作簿：%w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("第1行：工作簿没有工作表，未找到表头")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("无法读取工作表“%s”：%w", sheets[0], err)
	}
	hdr, col := findHeader(rows)
	if hdr < 0 {
		// Name the last row searched, so the user knows how far we looked.
		return nil, fmt.Errorf("第%d行：前%d行中未找到表头（应有“序号”“任务内容”等列）",
			max(1, min(len(rows), headerScan)), headerScan)
	}
	get := func(row []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	var tasks []notice.Task
	for _, row := range rows[hdr+1:] {
		text := get(row, "任务内容")
		if text == "" {
			continue
		}
		t := notice.Task{
			No:          get(row, "序号"),
			Path:        splitPath(get(row, "章节")),
			Text:        text,
			Lead:        splitList(get(row, "牵头单位")),
			Support:     splitList(get(row, "配合单位")),
			Responsible: splitList(get(row, "责任单位")),
			Leaders:     splitList(get(row, "责任领导")),
		}
		if s := get(row, "完成时限"); s != "" {
			if d, ok := parseDate(s); ok {
				t.Deadline = d
			} else {
				t.DeadlineText = s
			}
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// findHeader returns the index of the first row among the first headerScan
// that has both 序号 and 任务内容, and where each header name is.
func findHeader(rows [][]string) (int, map[string]int) {
	for i := 0; i < len(rows) && i < headerScan; i++ {
		col := map[string]int{}
		for j, c := range rows[i] {
			// Hand-typed headers often carry spaces or line breaks ("任务\n内容").
			name := strings.Join(strings.Fields(c), "")
			if _, dup := col[name]; name != "" && !dup {
				col[name] = j
			}
		}
		_, no := col["序号"]
		_, text := col["任务内容"]
		if no && text {
			return i, col
		}
	}
	return -1, nil
}

func splitPath(s string) []string {
	var out []string
	for _, p := range strings.Split(s, pathSep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitList splits a unit or leader list on 、; commas and line breaks are
// accepted too because people type them by hand.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == '\n'
	})
	var out []string
	for _, p := range f {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// dateLayouts are the ways a date shows in a ledger cell: WriteLedger's own,
// and what Excel displays for a date cell typed by hand.
var dateLayouts = []string{"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}

func parseDate(s string) (notice.Date, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return notice.Date{Y: t.Year(), M: t.Month(), D: t.Day()}, true
		}
	}
	return notice.Date{}, false
}
