package notice

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"duban/internal/units"
)

// column roles of a ledger table
const (
	colNo = iota
	colText
	colLeaders
	colLead
	colSupport
	colResponsible
	colDeadline
	nCols
)

// readTable reads a table of pipe rows: an attached ledger (分工台账) when
// the body has tasks, else the notice's tasks themselves.
func readTable(n *Notice, g *units.Grammar, rows []para) {
	hdr := -1
	var cols [nCols]int
	for i, r := range rows {
		if c, ok := tableHeader(cells(r.text)); ok {
			hdr, cols = i, c
			break
		}
	}
	if hdr < 0 {
		n.warn(rows[0].line, WarnAnnex, "表格没有可识别的表头（序号、任务、责任单位等），已跳过")
		return
	}
	asTasks := len(n.Tasks) == 0
	var path []string
	for _, r := range rows[hdr+1:] {
		cs := cells(r.text)
		get := func(k int) string {
			if cols[k] < 0 || cols[k] >= len(cs) {
				return ""
			}
			return cs[cols[k]]
		}
		no, text := get(colNo), get(colText)
		if text == "" {
			// a heading row: one cell of words
			for _, c := range cs {
				if c != "" {
					if _, ok := parseMarker(c); ok {
						path = []string{headingText(mustMarker(c))}
					}
					break
				}
			}
			continue
		}
		leadCell, supCell, respCell, dl := get(colLead), get(colSupport), get(colResponsible), get(colDeadline)
		// cells may be shifted: a date is the deadline wherever it stands
		for _, p := range []*string{&supCell, &leadCell, &respCell} {
			if looksLikeDate(*p) && !looksLikeDate(dl) {
				dl, *p = *p, ""
			}
		}
		row := AnnexRow{No: no, Text: text, Leaders: splitNames(get(colLeaders)), Lead: g.SplitCell(leadCell), Support: g.SplitCell(supCell), Line: r.line}
		row.Deadline, row.DeadlineText = readDeadline(dl)
		if !asTasks {
			if respCell != "" {
				row.Lead = appendNew(row.Lead, g.SplitCell(respCell)...)
			}
			n.Annex = append(n.Annex, row)
			continue
		}
		t := Task{No: strings.TrimRight(no, ".、．"), Path: append([]string(nil), path...), Text: text, Leaders: row.Leaders,
			Deadline: row.Deadline, DeadlineText: row.DeadlineText, Line: r.line}
		t.Lead, t.Support, t.Responsible = row.Lead, row.Support, g.SplitCell(respCell)
		t.Targets = findTargets(text)
		if len(t.Units()) == 0 {
			n.taskWarn(len(n.Tasks), r.line, WarnNoUnit, fmt.Sprintf("第%s项任务没有写明责任单位", t.No))
		}
		n.Tasks = append(n.Tasks, t)
	}
}

func mustMarker(s string) marker {
	m, _ := parseMarker(s)
	return m
}

// cells splits a pipe row into trimmed cells.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	parts := strings.Split(row, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// tableHeader maps the columns of a header row to their roles.
func tableHeader(cs []string) ([nCols]int, bool) {
	var cols [nCols]int
	for i := range cols {
		cols[i] = -1
	}
	for i, c := range cs {
		f := compact(c)
		set := func(k int) {
			if cols[k] < 0 {
				cols[k] = i
			}
		}
		switch {
		case f == "序号" || f == "编号":
			set(colNo)
		case strings.Contains(f, "领导") || strings.Contains(f, "责任人"):
			set(colLeaders)
		case strings.Contains(f, "配合") || strings.Contains(f, "协办") || strings.Contains(f, "协助") || strings.Contains(f, "参与"):
			set(colSupport)
		case strings.Contains(f, "牵头") || strings.Contains(f, "主办"):
			set(colLead)
		case strings.Contains(f, "责任单位") || strings.Contains(f, "责任部门") || strings.Contains(f, "承办"):
			set(colResponsible)
		case strings.Contains(f, "时限") || strings.Contains(f, "时间") || strings.Contains(f, "节点"):
			set(colDeadline)
		case strings.Contains(f, "任务") || strings.Contains(f, "项目") || strings.Contains(f, "内容") || strings.Contains(f, "事项") || strings.Contains(f, "工作"):
			set(colText)
		}
	}
	// a ledger without a lead column: its 责任单位 leads (the format's annex lead)
	if cols[colLead] < 0 && cols[colSupport] >= 0 {
		cols[colLead], cols[colResponsible] = cols[colResponsible], -1
	}
	ok := cols[colText] >= 0 && (cols[colLead] >= 0 || cols[colResponsible] >= 0 || cols[colSupport] >= 0)
	return cols, ok
}

// isTaskTableHeader reports whether a line is the header row of a table
// of tasks, pipe-separated or flattened.
func isTaskTableHeader(s string) bool {
	if isTableRow(s) {
		_, ok := tableHeader(cells(s))
		return ok
	}
	return tableHeaderLine(s)
}

// tableHeaderLine reports whether a line is the header of a table whose
// cells were flattened to words parted by spaces (序号 重点任务 牵头单位 …).
func tableHeaderLine(s string) bool {
	fs := strings.Fields(s)
	if len(fs) < 3 || isTableRow(s) {
		return false
	}
	if f := compact(fs[0]); f != "序号" && f != "编号" {
		return false
	}
	_, ok := tableHeader(fs)
	return ok
}

// unflattenTables turns a table flattened to one line per row, cells parted
// by spaces, back into pipe rows, assigning the words of each row to the
// header's columns by what they look like.
func unflattenTables(lines []para) []para {
	out := make([]para, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		if !tableHeaderLine(lines[i].text) {
			out = append(out, lines[i])
			continue
		}
		hdr := strings.Fields(lines[i].text)
		cols, _ := tableHeader(hdr)
		out = append(out, para{text: strings.Join(hdr, " | ") + " |", line: lines[i].line})
		for i+1 < len(lines) && reFlatRow.MatchString(lines[i+1].text) {
			i++
			out = append(out, para{text: flatRow(strings.Fields(lines[i].text), len(hdr), cols), line: lines[i].line})
		}
	}
	return out
}

var reFlatRow = regexp.MustCompile(`^\d{1,4}[.、]?\s+\S`)

func flatRow(tok []string, width int, cols [nCols]int) string {
	cellsOut := make([]string, width)
	put := func(k int, v string) {
		if cols[k] >= 0 && cols[k] < width {
			cellsOut[cols[k]] = strings.TrimSpace(cellsOut[cols[k]] + " " + v)
		}
	}
	if len(tok) == width {
		copy(cellsOut, tok)
		return strings.Join(cellsOut, " | ") + " |"
	}
	put(colNo, tok[0])
	rest := tok[1:]
	if cols[colDeadline] >= 0 && len(rest) > 0 && looksLikeDate(rest[len(rest)-1]) {
		put(colDeadline, rest[len(rest)-1])
		rest = rest[:len(rest)-1]
	}
	i := 0
	var text []string
	for i < len(rest) && (len(text) == 0 || !nameLike(rest[i]) && !units.LooksLikeUnit(rest[i])) {
		text = append(text, rest[i])
		i++
	}
	put(colText, strings.Join(text, ""))
	for cols[colLeaders] >= 0 && i < len(rest) && nameLike(rest[i]) {
		put(colLeaders, rest[i])
		i++
	}
	// units: the first to the first unit column, the rest to the next
	var unitCols []int
	for _, k := range []int{colLead, colResponsible, colSupport} {
		if cols[k] >= 0 {
			unitCols = append(unitCols, k)
		}
	}
	sort.Slice(unitCols, func(a, b int) bool { return cols[unitCols[a]] < cols[unitCols[b]] })
	for j := i; j < len(rest); j++ {
		switch {
		case len(unitCols) == 0:
		case j == i || len(unitCols) == 1:
			put(unitCols[0], rest[j])
		default:
			put(unitCols[1], rest[j])
		}
	}
	return strings.Join(cellsOut, " | ") + " |"
}

// nameLike reports whether a word reads as a person's name: two to four
// Han characters that name no body and no date.
func nameLike(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 4 || units.LooksLikeUnit(s) || looksLikeDate(s) {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
