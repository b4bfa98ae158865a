package notice

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"duban/internal/units"
)

// para is one paragraph of the notice: the original text and the line it
// starts on.
type para struct {
	text string
	line int
	cut  bool // a table stood before it: it continues nothing
}

// Markers that open headings and tasks, matched on folded text.
const cnNum = `[一二三四五六七八九十百零〇两]+`

var (
	reL1     = regexp.MustCompile(`^(` + cnNum + `)、`)
	reL2     = regexp.MustCompile(`^\((` + cnNum + `)\)`)
	reL3     = regexp.MustCompile(`^(\d{1,3})\s*[.、]`)
	reL4     = regexp.MustCompile(`^\((\d{1,3})\)`)
	reL5     = regexp.MustCompile(`^([①-⑳])|^(\d{1,3})\)`)
	rePageNo = regexp.MustCompile(`^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$`)
	reDate   = regexp.MustCompile(`^(\d{4}|[〇零一二三四五六七八九○Ｏ]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$`)
	reDocNo  = regexp.MustCompile(`\p{Han}{1,8}\s*[(]\s*((?:19|20)\d{2})\s*[)]\s*\d{1,4}\s*号`)
)

// marker is the numbering a paragraph opens with.
type marker struct {
	level int    // 1 一、 2 (一) 3 1. 4 (1) 5 ①
	num   int    // its value
	text  string // as printed, e.g. "（一）", "1."
	rest  string // the paragraph after it, leading spaces removed
}

func parseMarker(s string) (marker, bool) {
	// a marker is short: fold only the head of the paragraph
	head := s
	if i := runeOffset(s, 16); i < len(s) {
		head = s[:i]
	}
	f := units.FoldString(head)
	var m marker
	var loc []int
	switch {
	case reL1.MatchString(f):
		loc = reL1.FindStringSubmatchIndex(f)
		m.level, m.num = 1, cnValue(f[loc[2]:loc[3]])
	case reL2.MatchString(f):
		loc = reL2.FindStringSubmatchIndex(f)
		m.level, m.num = 2, cnValue(f[loc[2]:loc[3]])
	case reL4.MatchString(f):
		loc = reL4.FindStringSubmatchIndex(f)
		m.level, m.num = 4, atoi(f[loc[2]:loc[3]])
	case reL3.MatchString(f):
		loc = reL3.FindStringSubmatchIndex(f)
		after := f[loc[1]:]
		// 1.2个百分点 is a number, not a marker
		if r, _ := utf8.DecodeRuneInString(after); unicode.IsDigit(r) || after == "" && len(head) == len(s) {
			return m, false
		}
		m.level, m.num = 3, atoi(f[loc[2]:loc[3]])
	case reL5.MatchString(f):
		loc = reL5.FindStringSubmatchIndex(f)
		if loc[2] >= 0 {
			r, _ := utf8.DecodeRuneInString(f[loc[2]:])
			m.num = int(r-'①') + 1
		} else {
			m.num = atoi(f[loc[4]:loc[5]])
		}
		m.level = 5
	default:
		return m, false
	}
	// Fold keeps rune counts, so rune offsets carry over to the original.
	n := utf8.RuneCountInString(f[:loc[1]])
	rs := []rune(s)
	m.text = strings.TrimSpace(string(rs[:n]))
	m.rest = strings.TrimLeftFunc(string(rs[n:]), unicode.IsSpace)
	if m.rest == "" {
		return m, false
	}
	return m, true
}

// runeOffset is the byte offset of the n-th rune of s, or len(s).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// no is the task number as the format writes it: the marker without its
// trailing 。、．.
func (m marker) no() string {
	return strings.TrimRight(strings.ReplaceAll(m.text, " ", ""), ".、．")
}

// rawLines cuts the text into trimmed, non-empty lines.
func rawLines(text string) []para {
	var out []para
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimFunc(l, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' })
		if l != "" {
			out = append(out, para{text: l, line: i + 1})
		}
	}
	return out
}

// splitLines drops page numbers and splits a line at spaces where a marker
// follows, since some sources put a whole notice on one line.
func splitLines(lines []para) []para {
	var out []para
	for _, l := range lines {
		if rePageNo.MatchString(l.text) {
			continue
		}
		for k, piece := range splitAtMarkers(l.text) {
			out = append(out, para{text: piece, line: l.line, cut: l.cut && k == 0})
		}
	}
	return out
}

// splitAtMarkers splits a line at white space followed by a heading or task
// marker, or by a closing date.
func splitAtMarkers(l string) []string {
	if !strings.ContainsAny(l, " \t\u3000") {
		return []string{l}
	}
	rs := []rune(l)
	var out []string
	start := 0
	for i := 1; i < len(rs)-1; i++ {
		if !unicode.IsSpace(rs[i]) || unicode.IsSpace(rs[i+1]) {
			continue
		}
		end := min(i+1+24, len(rs))
		rest := string(rs[i+1 : end])
		m, ok := parseMarker(rest)
		split := ok && startsWord(m.rest)
		if !split && len(rs)-i < 24 {
			split = reTrailingDate.MatchString(units.FoldString(rest))
		}
		// a run of spaces before the marker is one break
		if split && strings.TrimSpace(string(rs[start:i])) != "" {
			out = append(out, strings.TrimSpace(string(rs[start:i])))
			start = i + 1
		}
	}
	out = append(out, strings.TrimSpace(string(rs[start:])))
	return out
}

var reTrailingDate = regexp.MustCompile(`^\d{4}年\d{1,2}月\d{1,2}日\s*[|]?\s*$`)

// startsWord reports whether s opens with writing (a Han character or an
// opening quote), as a task or heading does after its number.
func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r) || strings.ContainsRune("“《\"‘", r)
}

// joinParagraphs rejoins lines broken inside a paragraph (text extracted
// from PDF breaks lines inside words and names).
func joinParagraphs(lines []para) []para {
	var out []para
	var st joinState
	var parts []string // the lines of the paragraph being joined
	flush := func() {
		if len(parts) > 1 {
			out[len(out)-1].text = strings.Join(parts, "")
		}
	}
	for _, l := range lines {
		if len(out) > 0 && !l.cut && st.continues(l.text) {
			parts = append(parts, l.text)
			st.add(l.text)
			continue
		}
		flush()
		out = append(out, l)
		parts = append(parts[:0:0], l.text)
		st = newJoinState(l.text)
	}
	flush()
	return out
}

// joinState is what joining needs to know of the paragraph so far, kept
// as lines are added so that a long paragraph is never read again whole.
type joinState struct {
	m        marker
	numbered bool
	label    bool // opens with a clause label
	open     int  // brackets opened and not yet closed
	table    bool // a table row, which nothing continues
	// the paragraph's end (its last tailRunes runes at most), its length
	// in bytes and in runes: joining never reads the whole paragraph again
	tail         string
	size, nRunes int
}

func newJoinState(first string) joinState {
	var st joinState
	st.m, st.numbered = parseMarker(first)
	f := units.FoldString(first)
	// every label ends with a colon
	st.label = strings.Contains(f, ":") && reLabelAny.MatchString(f)
	st.open = strings.Count(f, "(") - strings.Count(f, ")")
	st.table = isTableRow(first)
	st.tail, st.size, st.nRunes = lastRunes(first, tailRunes), len(first), utf8.RuneCountInString(first)
	return st
}

func (st *joinState) add(line string) {
	f := units.FoldString(line)
	st.open += strings.Count(f, "(") - strings.Count(f, ")")
	st.tail = lastRunes(st.tail+line, tailRunes)
	st.size += len(line)
	st.nRunes += utf8.RuneCountInString(line)
}

// tailRunes is how much of a paragraph's end the joining rules look at:
// enough for a clause, bounded so that joining stays linear.
const tailRunes = 600

// continues reports whether cur carries on the paragraph so far.
func (st *joinState) continues(cur string) bool {
	if _, ok := parseMarker(cur); ok {
		return false
	}
	if isTableRow(cur) || st.table {
		return false
	}
	tail := st.tail
	// standalone lines are short: a long paragraph is none
	prev := tail
	if st.size > len(tail) {
		prev = ""
	}
	fp, fc := units.FoldString(tail), units.FoldString(cur)
	// a line that ends inside brackets goes on: "…。(" / "…各县(市、"
	if st.open > 0 {
		return true
	}
	if loc := reLabelAny.FindStringIndex(fc); loc != nil && loc[0] == 0 || strings.HasPrefix(fc, "由") && strings.Contains(fc, "负责") {
		return false // a clause of its own
	}
	if standalone(prev) || dateOrAttachment(cur) {
		return false
	}
	if strings.HasSuffix(fp, ":") && endsWithLabel(fp) {
		return true // "责任单位:" waiting for its units on the next line
	}
	body := st.numbered || st.label
	last, _ := utf8.DecodeLastRuneInString(fp)
	_, _, closed := trailingClause(fp)
	ended := strings.ContainsRune("。!?;:", last) || last == ')' && closed
	if strings.HasPrefix(fc, "(") && (ended || !body) {
		// a bracketed clause on a line of its own; after an unfinished
		// line, "(管委会)" is the rest of a name
		if open, _, ok := trailingClause(fc); ok && open == 0 {
			return false
		}
	}
	if ended {
		// a task whose clause is still to come goes on over a line that
		// happened to end a sentence (text extracted from PDF)
		return st.numbered && st.m.level >= 3 && !hasClause(fp) && !standalone(cur)
	}
	// a short heading line with no full stop stands alone
	if st.numbered && st.m.level <= 2 && !strings.Contains(fp, "。") && st.nRunes <= 40 {
		return false
	}
	// a signature after a clause that ends with a whole name
	if utf8.RuneCountInString(fc) <= 24 && isIssuerName(strings.ReplaceAll(fc, " ", "")) && units.EndsLikeUnit(lastRunes(fp, 40)) {
		return false
	}
	// inside the body a short line naming a body is a wrapped piece of a
	// clause, not a signature
	return body || !standalone(cur)
}

// endsWithLabel reports whether a folded paragraph ends with a clause
// label (责任单位:), looking at its end only.
func endsWithLabel(fp string) bool {
	tail := lastRunes(fp, 40)
	loc := reLabelAny.FindAllStringIndex(tail, -1)
	return len(loc) > 0 && loc[len(loc)-1][1] == len(tail)
}

// lastRunes is the end of s, at most n runes.
func lastRunes(s string, n int) string {
	if i := len(s) - 4*n; i > 0 {
		s = strings.ToValidUTF8(s[i:], "")
	}
	if k := utf8.RuneCountInString(s); k > n {
		s = string([]rune(s)[k-n:])
	}
	return s
}

// hasClause reports whether a paragraph (folded) already carries a
// responsibility clause.
func hasClause(f string) bool {
	if _, _, ok := trailingClause(f); ok {
		return true
	}
	return labelAfterSentence(f) >= 0
}

// dateOrAttachment reports whether a line is a date standing alone or the
// 附件 line: both end the body that comes before them.
func dateOrAttachment(s string) bool {
	f := strings.Trim(compact(s), "|()")
	return reDate.MatchString(f) || strings.HasPrefix(f, "附件") && utf8.RuneCountInString(f) <= 60
}

// standalone reports whether a line is one the header or the signature
// block is made of, which never continues another.
func standalone(s string) bool {
	if len(s) > 400 {
		return false // every standalone line is short
	}
	f := strings.ReplaceAll(units.FoldString(s), " ", "")
	n := utf8.RuneCountInString(f)
	switch {
	case reDate.MatchString(f), reDocNo.MatchString(f) && n <= 24:
		return true
	case strings.HasSuffix(f, "通知") && n <= 80:
		return true
	case strings.HasPrefix(f, "附件") && n <= 60:
		return true
	case n <= 24 && isIssuerName(f):
		return true
	}
	return false
}

var issuerSuffixes = []string{"人民政府", "人民政府办公厅", "人民政府办公室", "政府办公厅", "政府办公室", "办公厅", "办公室", "委员会", "管委会", "国务院", "政府"}

// isIssuerName reports whether s reads as the name of an issuing body.
func isIssuerName(s string) bool {
	for _, suf := range issuerSuffixes {
		if strings.HasSuffix(s, suf) && !strings.ContainsAny(s, "、,:：，") && !strings.HasPrefix(s, "各") {
			return true
		}
	}
	return false
}

// genericIssuer reports whether an issuer's name names no place
// (区人民政府办公室): the header of a notice printed for its own government.
func genericIssuer(s string) bool {
	f := compact(s)
	for _, suf := range issuerSuffixes {
		if strings.HasSuffix(f, suf) {
			switch strings.TrimPrefix(strings.TrimSuffix(f, suf), "本") {
			case "省", "市", "县", "区", "旗", "州", "盟", "自治区", "自治州", "自治县":
				return true
			}
		}
	}
	return false
}

func isTableRow(s string) bool {
	return strings.Count(s, "|") >= 2
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		}
	}
	return n
}

// cnValue reads a Chinese numeral up to the hundreds (三十四 → 34).
func cnValue(s string) int {
	digit := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		case '百':
			if cur == 0 {
				cur = 1
			}
			total += cur * 100
			cur = 0
		default:
			cur = digit[r]
		}
	}
	return total + cur
}
