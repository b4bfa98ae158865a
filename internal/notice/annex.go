package notice

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"duban/internal/units"
)

// Tables attached to a notice (分工台账, 任务分解表, 量化指标表) reach the
// parser flattened in several ways. Each is read into rows of cells aligned
// to the header's columns, then into annex rows (testdata/notice-json.md,
// "Attached tables").

// column kinds of a ledger table
const (
	colNo = iota
	colText
	colLeaders
	colLead
	colSupport
	colResponsible
	colDeadline
	nCols
	colOther = nCols // a column duban keeps nothing of (备注, 完成标准)
)

// tableStyle is how a table was flattened to text.
type tableStyle int

const (
	stylePipe  tableStyle = iota // a | b | c |, as docin writes docx and web tables
	styleTab                     // cells parted by tabs
	styleSpace                   // cells parted by spaces
	styleCells                   // one cell per line, an empty cell absent
)

// table is one attached table.
type table struct {
	title string
	kinds []int      // what each column holds
	cols  [nCols]int // the column of each kind, or -1
	style tableStyle
	rows  []tableRow
	// framed: the header opens with a pipe, so its rows do too
	framed bool
}

type tableRow struct {
	cells []string // by column
	line  int
}

// colKind says what a header cell names, or -1 when it is no header word.
func colKind(s string) int {
	if len(s) > 120 {
		return -1 // a header cell is a few words
	}
	f := compact(s)
	n := utf8.RuneCountInString(f)
	if n == 0 || n > 12 || strings.ContainsAny(f, ":;,。、") {
		return -1
	}
	// a table's title (2023年重点项目台账) is no column
	for _, w := range []string{"表", "台账", "清单", "一览", "方案"} {
		if strings.HasSuffix(f, w) {
			return -1
		}
	}
	has := func(ws ...string) bool {
		for _, w := range ws {
			if strings.Contains(f, w) {
				return true
			}
		}
		return false
	}
	switch {
	case f == "序号" || f == "编号" || f == "序":
		return colNo
	case has("领导", "责任人"):
		return colLeaders
	case has("配合", "协办", "协助", "参与"):
		return colSupport
	case has("牵头", "主办", "主责"):
		return colLead
	case has("责任单位", "责任部门", "责任处室", "承办", "实施单位", "落实单位", "责任主体"):
		return colResponsible
	case has("时限", "时间", "节点", "期限"):
		return colDeadline
	case has("任务", "项目", "内容", "事项", "工作", "指标", "举措", "措施", "目标"):
		return colText
	case f == "单位" || has("备注", "说明", "类别", "领域", "标准", "要求", "进度", "成效", "计划", "计量", "属性", "投资", "规模", "地点", "年度", "业主", "性质", "依据"):
		return colOther
	}
	return -1
}

// newTable maps header cells to columns. It fails unless the header names
// a task column and a unit column; strict asks every cell to be a header
// word (a header not parted by pipes could otherwise be any line).
func newTable(hdr []string, style tableStyle, strict bool) (*table, bool) {
	t := &table{style: style, kinds: make([]int, len(hdr))}
	for i := range t.cols {
		t.cols[i] = -1
	}
	unknown := 0
	for i, c := range hdr {
		k := colKind(c)
		if k < 0 {
			// a header not parted by pipes must be header words, one
			// unknown word allowed in a long one
			if unknown++; strict && (unknown > 1 || len(hdr) < 5) {
				return nil, false
			}
			k = colOther
		}
		if k < nCols && t.cols[k] >= 0 {
			k = colOther // a second task column (具体目标) is not the task
		}
		if k < nCols {
			t.cols[k] = i
		}
		t.kinds[i] = k
	}
	// 责任单位 over 牵头单位 and 配合单位 (a two-level header read cell by
	// cell) names a group of columns, not one
	if r := t.cols[colResponsible]; style == styleCells && r >= 0 && t.cols[colLead] > r && t.cols[colSupport] > r {
		t.kinds = append(t.kinds[:r:r], t.kinds[r+1:]...)
		t.setCols()
	}
	ok := t.cols[colText] >= 0 && (t.cols[colLead] >= 0 || t.cols[colResponsible] >= 0 || t.cols[colSupport] >= 0)
	return t, ok
}

// setCols finds the column of each kind again after the kinds changed.
func (t *table) setCols() {
	for i := range t.cols {
		t.cols[i] = -1
	}
	for i, k := range t.kinds {
		if k < nCols {
			if t.cols[k] >= 0 {
				t.kinds[i] = colOther
				continue
			}
			t.cols[k] = i
		}
	}
}

// subHeader reads a second header row (| | 牵头单位 | 配合单位 | |) into
// the columns it names, reporting whether the row was one.
func (t *table) subHeader(cs []string) bool {
	named := false
	for _, c := range cs {
		if c == "" {
			continue
		}
		if colKind(c) < 0 {
			return false
		}
		named = true
	}
	if !named || len(cs) != len(t.kinds) {
		return false
	}
	for i, c := range cs {
		if k := colKind(c); c != "" && k != colOther {
			t.kinds[i] = k
		}
	}
	// the group cell above (责任单位) is no column of its own now
	if t.cols[colResponsible] >= 0 && cs[t.cols[colResponsible]] == "" {
		for _, k := range t.kinds {
			if k == colLead {
				t.kinds[t.cols[colResponsible]] = colOther
				break
			}
		}
	}
	t.setCols()
	return true
}

// cells splits a pipe row into trimmed cells.
func cells(row string) []string {
	return pipeCells(row, true)
}

// pipeCells splits a pipe row into trimmed cells; framed says the rows of
// its table open with a pipe (| a | b |), else a leading pipe closes an
// empty first cell ( | | 县财政局 |, trimmed).
func pipeCells(row string, framed bool) []string {
	row = strings.TrimSpace(row)
	if framed {
		row = strings.TrimPrefix(row, "|")
	}
	row = strings.TrimSuffix(row, "|")
	parts := strings.Split(row, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// tabCells splits a row of cells parted by tabs.
func tabCells(row string) []string {
	parts := strings.Split(strings.TrimSpace(row), "\t")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func nonEmpty(cs []string) []string {
	var out []string
	for _, c := range cs {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// headerLine reads a header written on one line.
func headerLine(s string) (*table, bool) {
	switch {
	case isTableRow(s):
		t, ok := newTable(cells(s), stylePipe, false)
		if ok {
			t.framed = strings.HasPrefix(strings.TrimSpace(s), "|")
		}
		return t, ok
	case len(s) > 1000:
		return nil, false // a header is a dozen words at most
	case strings.Contains(s, "\t"):
		if cs := nonEmpty(tabCells(s)); len(cs) >= 3 {
			if t, ok := newTable(cs, styleTab, true); ok {
				return t, true
			}
		}
	}
	if fs := joinPadded(strings.Fields(s)); len(fs) >= 3 && len(fs) <= 12 {
		return newTable(fs, styleSpace, true)
	}
	return nil, false
}

var (
	reRowNumber = regexp.MustCompile(`^\d{1,3}[.、．]?$`)
	reRowStart  = regexp.MustCompile(`^\d{1,3}\s*[.、．]?\s*\S`)
)

// rowLine reports whether a line is a row of a table of the given style.
func (t *table) rowLine(s string) bool {
	switch t.style {
	case stylePipe:
		return isTableRow(s)
	case styleTab:
		return strings.Contains(s, "\t")
	}
	fs := strings.Fields(s)
	return len(fs) >= 2 && reRowStart.MatchString(units.FoldString(s))
}

// sectionRow reports whether a line is a section title inside a table
// (一、稳增长), which is a heading, not a row.
func sectionRow(s string) bool {
	m, ok := parseMarker(s)
	return ok && m.level <= 2 && utf8.RuneCountInString(s) <= 40 && !strings.Contains(s, "。")
}

// extractTables takes the tables out of the lines of a notice. It returns
// the other lines, the tables in document order, and the lines used as
// tables' titles.
func extractTables(lines []para) (rest []para, tables []*table, titles map[int]bool) {
	titles = map[int]bool{}
	since := 0 // first line of rest after the last table
	cut := false
	for i := 0; i < len(lines); {
		t, next := tableAt(lines, i)
		if t == nil {
			p := lines[i]
			p.cut = p.cut || cut
			cut = false
			rest = append(rest, p)
			i = next
			continue
		}
		t.title = tableTitle(rest[since:], titles)
		if t.title == "" && len(tables) > 0 && since == len(rest) {
			t.title = tables[len(tables)-1].title // the same table after a page break
		}
		tables = append(tables, t)
		since, cut = len(rest), true
		i = next
	}
	return rest, tables, titles
}

// tableAt reads the table whose header is at lines[i], returning it and
// the index after it, or nil and the index of the next line to look at.
func tableAt(lines []para, i int) (*table, int) {
	if t, ok := headerLine(lines[i].text); ok {
		return t, t.readLineRows(lines, i+1)
	}
	// one header cell per line
	j := i
	for j < len(lines) && headerCell(lines[j].text) {
		j++
	}
	if j-i < 3 {
		return nil, i + 1
	}
	var hdr []string
	for _, l := range lines[i:j] {
		hdr = append(hdr, l.text)
	}
	t, ok := newTable(hdr, styleCells, true)
	if !ok {
		return nil, j // none of these lines can open a table
	}
	return t, t.readCellRows(lines, j)
}

// headerCell reports whether a line is one header cell standing alone
// (序号, 牵头单位, 序 号), not a header on one line.
func headerCell(s string) bool {
	if colKind(s) < 0 || strings.ContainsAny(s, "\t|") {
		return false
	}
	return len(strings.Fields(s)) == 1 || utf8.RuneCountInString(compact(s)) <= 4
}

// readLineRows reads rows written one per line from lines[i:].
func (t *table) readLineRows(lines []para, i int) int {
	for ; i < len(lines); i++ {
		s := lines[i].text
		switch {
		case t.rowLine(s):
			if h, ok := headerLine(s); ok && h.style == t.style {
				continue // the header repeated on a new page
			}
			var cs []string
			switch t.style {
			case stylePipe:
				cs = pipeCells(s, t.framed)
			case styleTab:
				cs = tabCells(s)
			default:
				cs = joinPadded(strings.Fields(s))
			}
			if len(t.rows) == 0 && t.style != styleSpace && t.subHeader(cs) {
				continue
			}
			t.addRow(cs, lines[i].line)
		case rePageNo.MatchString(s):
		case sectionRow(s) && i+1 < len(lines) && t.rowLine(lines[i+1].text):
		default:
			return i
		}
	}
	return i
}

// readCellRows reads rows written one cell per line from lines[i:]. A row
// opens with its number, or, without a 序号 column, with a task numbered 1.
func (t *table) readCellRows(lines []para, i int) int {
	var cur []string
	line := 0
	// a row has at most a few lines per column; more is the text after the table
	maxLines := 2*len(t.kinds) + 2
	flush := func() {
		if len(cur) > 0 {
			t.addRow(cur, line)
		}
		cur = nil
	}
	opens := func(s string) bool {
		f := units.FoldString(strings.TrimSpace(s))
		if t.cols[colNo] >= 0 {
			return reRowNumber.MatchString(f)
		}
		m, ok := parseMarker(s)
		return ok && m.level >= 3
	}
	for ; i < len(lines); i++ {
		s := lines[i].text
		switch {
		case opens(s):
			flush()
			line = lines[i].line
			cur = append(cur, s)
			if t.cols[colNo] < 0 {
				continue
			}
		case cur == nil && sectionRow(s):
			// a section title before the first row, or between rows
		case cur == nil || dateOrAttachment(s) || signatureAt(lines, i) || len(cur) >= maxLines:
			// the signature, the date, the next attachment: the table is over
			flush()
			return i
		case sectionRow(s):
			flush()
		default:
			cur = append(cur, s)
		}
	}
	flush()
	return i
}

// signatureAt reports whether lines[i] is a signature: a body's name with
// the date under it, or last. (A body's name alone may be a unit cell.)
func signatureAt(lines []para, i int) bool {
	if !standaloneSignature(compact(lines[i].text)) {
		return false
	}
	return i+1 == len(lines) || reDate.MatchString(compact(lines[i+1].text))
}

// addRow aligns the cells of a row to the columns and keeps it.
func (t *table) addRow(cs []string, line int) {
	if len(cs) != len(t.kinds) || t.style == styleCells {
		cs = t.align(nonEmpty(cs))
	}
	t.rows = append(t.rows, tableRow{cells: cs, line: line})
}

// align gives each of the cells of a row whose empty cells were left out
// (or whose cells ran over lines) to the column it fits, in header order.
func (t *table) align(toks []string) []string {
	out := make([]string, len(t.kinds))
	fitsAfter := func(tok string, k int) bool {
		for _, kind := range t.kinds[k+1:] {
			if fits(tok, kind) {
				return true
			}
		}
		return false
	}
	// other columns between the task and the units hold sentences too:
	// the task cell then ends with its sentence
	otherNext := func(k int) bool {
		return k+1 < len(t.kinds) && t.kinds[k+1] == colOther
	}
	joiner := ""
	if t.style == styleSpace {
		joiner = " "
	}
	k, i := 0, 0
	last := -1 // the last column filled
	for i < len(toks) && k < len(t.kinds) {
		tok := toks[i]
		switch kind := t.kinds[k]; kind {
		case colText, colOther:
			if kind == colOther && (fitsAfter(tok, k) || last < 0) {
				break
			}
			if kind == colText && t.cols[colNo] >= 0 && last < 0 && reRowNumber.MatchString(units.FoldString(tok)) {
				break // a number with no 序号 cell before it: not the task
			}
			cell := []string{tok}
			i++
			// the rest of a long cell broken over lines: words that fit no
			// later column, or the end of an unfinished sentence
			for i < len(toks) && (!fitsAfter(toks[i], k) && !(otherNext(k) && endsSentence(tok)) ||
				!endsSentence(tok) && endsSentence(toks[i])) {
				tok = toks[i]
				cell = append(cell, tok)
				i++
			}
			out[k] = strings.Join(cell, joiner)
			last = k
		case colLead, colSupport, colResponsible:
			if fits(tok, kind) || unitHead(tok) {
				out[k] = tok
				i++
				// the rest of a unit cell broken inside a name (a line or two)
				for n := 0; n < 3 && i < len(toks) && !unitEnded(out[k]) && !fits(toks[i], colDeadline) && !fits(toks[i], colLeaders); n++ {
					out[k] += toks[i]
					i++
				}
				last = k
			}
		default:
			if fits(tok, kind) {
				out[k] = tok
				i++
				last = k
			}
		}
		k++
	}
	// words left over: more units of the last unit column (市财政局 市商务局)
	if last >= 0 && i < len(toks) {
		out[last] = strings.Join(append([]string{out[last]}, toks[i:]...), " ")
	}
	return out
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune("。；;！!", r)
}

// fits reports whether a cell reads as the content of a column of kind k.
func fits(s string, k int) bool {
	switch k {
	case colNo:
		return reRowNumber.MatchString(units.FoldString(strings.TrimSpace(s)))
	case colLeaders:
		return nameList(s)
	case colLead, colSupport, colResponsible:
		return unitList(s)
	case colDeadline:
		return looksLikeDate(s)
	}
	return false
}

// unitHead reports whether a cell opens with a unit: a list of units,
// maybe broken inside its last name (市财政局、市自然资源).
func unitHead(s string) bool {
	items := splitTop(units.FoldString(s), "、,;， \t")
	return len(items) > 1 && unitList(items[0])
}

// unitEnded reports whether a unit cell ends with a whole name.
func unitEnded(s string) bool {
	items := splitTop(units.FoldString(s), "、,;， \t")
	last, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return len(items) > 0 && unitList(items[len(items)-1]) && !strings.ContainsRune("、,，;；", last)
}

// unitList reports whether a cell is a list of units. A cell that ends a
// sentence is writing, however it ends (……有限公司。).
func unitList(s string) bool {
	if endsSentence(s) {
		return false
	}
	items := splitTop(units.FoldString(s), "、,;， \t")
	if len(items) == 0 || len(items) > 40 {
		return false
	}
	for _, it := range items {
		if utf8.RuneCountInString(it) > 30 || !units.LooksLikeUnit(it) {
			return false
		}
	}
	return true
}

// nameList reports whether a cell is a list of people's names.
func nameList(s string) bool {
	names := splitNames(s)
	if len(names) == 0 {
		return false
	}
	for _, n := range names {
		if !nameLike(n) {
			return false
		}
	}
	return true
}

// tableTitle finds the title printed above a table among the lines since
// the last table (附件1 / 2024年重点任务分解表), and marks the lines it used.
func tableTitle(before []para, used map[int]bool) string {
	title := ""
	for j, seen := len(before)-1, 0; j >= 0 && seen < 3; j-- {
		s := strings.TrimSpace(before[j].text)
		f := compact(s)
		if rePageNo.MatchString(f) {
			continue
		}
		seen++
		last, _ := utf8.DecodeLastRuneInString(f)
		if utf8.RuneCountInString(f) > 60 || strings.ContainsRune("。;:,", last) || reDate.MatchString(f) || standaloneSignature(f) || strings.HasSuffix(f, "通知") {
			break
		}
		if reAttachment.MatchString(f) {
			used[before[j].line] = true
			if title == "" {
				return f
			}
			return f + "：" + title
		}
		if title != "" {
			break
		}
		title = s
		used[before[j].line] = true
		if strings.HasPrefix(f, "附件") {
			break
		}
	}
	return title
}

var reAttachment = regexp.MustCompile(`^附件\s*[0-9一二三四五六七八九十]*[:]?$`)

// standaloneSignature reports whether a folded line is the name of an
// issuing body, as a signature is.
func standaloneSignature(f string) bool {
	return utf8.RuneCountInString(f) <= 24 && isIssuerName(f)
}

// readTable reads the rows of a table into annex rows.
func readTable(n *Notice, g *units.Grammar, t *table) {
	get := func(r tableRow, k int) string {
		if c := t.cols[k]; c >= 0 && c < len(r.cells) {
			return strings.TrimSpace(r.cells[c])
		}
		return ""
	}
	for _, r := range t.rows {
		no, text := get(r, colNo), get(r, colText)
		leadCell, supCell, respCell, dl := get(r, colLead), get(r, colSupport), get(r, colResponsible), get(r, colDeadline)
		if text == "" {
			// a row of merged cells goes on the row above (more units of
			// the same task); else it is a section row, a heading
			if no == "" && len(n.Annex) > 0 && leadCell+supCell+respCell != "" && n.Annex[len(n.Annex)-1].Section == t.title {
				last := &n.Annex[len(n.Annex)-1]
				last.Lead = appendNew(last.Lead, g.SplitCell(leadCell)...)
				last.Support = appendNew(last.Support, g.SplitCell(supCell)...)
				if t.cols[colLead] < 0 {
					last.Lead = appendNew(last.Lead, g.SplitCell(respCell)...)
				} else {
					last.Support = appendNew(last.Support, g.SplitCell(respCell)...)
				}
			}
			continue
		}
		// without a 序号 column the task cell opens with its number
		if m, ok := parseMarker(text); ok && (no == "" || t.cols[colNo] < 0) {
			if m.level <= 2 && leadCell+supCell+respCell == "" {
				continue // 一、稳增长: a section row
			}
			if m.level >= 3 {
				no, text = m.no(), m.rest
			}
		}
		no = strings.TrimRight(strings.Join(strings.Fields(no), ""), ".、．")
		// cells may be shifted: a date is the deadline wherever it stands
		for _, p := range []*string{&supCell, &leadCell, &respCell} {
			if looksLikeDate(*p) && !looksLikeDate(dl) {
				dl, *p = *p, ""
			}
		}
		row := AnnexRow{Section: t.title, No: no, Text: text, Leaders: splitNames(get(r, colLeaders)),
			Lead: g.SplitCell(leadCell), Support: g.SplitCell(supCell), Line: r.line}
		// a 责任单位 column leads unless the table has a 牵头 column
		if resp := g.SplitCell(respCell); t.cols[colLead] < 0 {
			row.Lead = appendNew(row.Lead, resp...)
		} else {
			row.Support = appendNew(resp, row.Support...)
		}
		row.Deadline, row.DeadlineText = readDeadlineIn(dl, n.Year)
		n.Annex = append(n.Annex, row)
	}
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

// joinPadded joins the halves of a two-character name padded to the width
// of three (马 军), which parting cells at spaces cut in two.
func joinPadded(ws []string) []string {
	var out []string
	for i := 0; i < len(ws); i++ {
		if i+1 < len(ws) && singleHan(ws[i]) && singleHan(ws[i+1]) {
			out = append(out, ws[i]+ws[i+1])
			i++
			continue
		}
		out = append(out, ws[i])
	}
	return out
}

func singleHan(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && unicode.Is(unicode.Han, r)
}
