package notice

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"duban/internal/units"
)

var (
	reTitle     = regexp.MustCompile(`关于[^。]*?通知`)
	reTitleYear = regexp.MustCompile(`((?:19|20)\d{2})年`)
	reDocYear   = regexp.MustCompile(`〔((?:19|20)\d{2})〕`)
	reWorkYear  = regexp.MustCompile(`((?:19|20)\d{2})年(?:度)?(?:的)?(?:重点工作|政府工作|主要任务|工作任务|经济社会)`)
)

// readHeader fills the issuer, doc number, title and year from the
// paragraphs before the body (head) and the whole notice (all).
func readHeader(n *Notice, head, all []para) {
	var headText, headFolded strings.Builder
	for _, p := range head {
		headText.WriteString(compact(p.text))
		headText.WriteString("\n")
		headFolded.WriteString(units.FoldString(p.text))
		headFolded.WriteString("\n")
	}
	brackets := strings.NewReplacer("[", "(", "]", ")")
	ht := brackets.Replace(headText.String())

	// doc number: one standing on its own line first, else the first in the head
	for _, p := range head {
		f := strings.NewReplacer("[", "(", "]", ")").Replace(compact(p.text))
		if m := reDocNo.FindString(f); m != "" && utf8.RuneCountInString(f) <= 24 {
			n.DocNumber = docNumber(m)
			break
		}
	}
	if n.DocNumber == "" {
		// spaces kept: they part the doc number from the words before it
		if m := reDocNo.FindString(brackets.Replace(headFolded.String())); m != "" {
			n.DocNumber = docNumber(compact(m))
		}
	}

	if m := reTitle.FindString(ht); m != "" {
		n.Title = m
	}
	// issuer: a header line naming a body, or the name before 关于 in the title
	for _, p := range head {
		for _, w := range strings.Fields(p.text) {
			f := compact(w)
			if utf8.RuneCountInString(f) <= 24 && isIssuerName(f) {
				n.Issuer = w
				break
			}
			// the red head of a document: 河南省人民政府文件
			if t := strings.TrimSuffix(f, "文件"); t != f && isIssuerName(t) && utf8.RuneCountInString(t) >= 5 && allHan(t) {
				n.Issuer = t
				break
			}
			if i := strings.Index(f, "关于"); i > 0 && isIssuerName(f[:i]) {
				n.Issuer = string([]rune(w)[:utf8.RuneCountInString(f[:i])])
				break
			}
		}
		if n.Issuer != "" {
			break
		}
	}
	// else the signature: the last body name before the closing date; also
	// when the header's names no place (区人民政府办公室)
	if n.Issuer == "" || genericIssuer(n.Issuer) {
		for i := len(all) - 1; i >= 0; i-- {
			f := compact(all[i].text)
			if utf8.RuneCountInString(f) <= 24 && isIssuerName(f) && !genericIssuer(f) {
				n.Issuer = strings.TrimSpace(all[i].text)
				break
			}
		}
	}

	// the issue date: the last date standing alone
	for i := len(all) - 1; i >= 0; i-- {
		t := strings.Trim(all[i].text, " |｜()（）\t")
		if d, ok := readChineseDate(t); ok {
			n.IssuedOn = d
			break
		}
	}

	// the work year: the title's, else the preamble's, else the doc number's
	switch {
	case reTitleYear.MatchString(n.Title):
		n.Year = atoi(reTitleYear.FindStringSubmatch(n.Title)[1])
	case reWorkYear.MatchString(ht):
		n.Year = atoi(reWorkYear.FindStringSubmatch(ht)[1])
	case reDocYear.MatchString(n.DocNumber):
		n.Year = atoi(reDocYear.FindStringSubmatch(n.DocNumber)[1])
	case !n.IssuedOn.IsZero():
		n.Year = n.IssuedOn.Y
	}
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// docNumber writes a doc number as the format wants it: 〔〕 brackets, no spaces.
func docNumber(m string) string {
	m = strings.NewReplacer("(", "〔", ")", "〕").Replace(m)
	// a Han run before the issuer's abbreviation ("许昌市人民政府文件许政〔…")
	for _, w := range []string{"文件", "通知", "号"} {
		if i := strings.LastIndex(m, w); i >= 0 && i+len(w) < strings.Index(m, "〔") {
			m = m[i+len(w):]
		}
	}
	if i := strings.Index(m, "〔"); i >= 0 {
		pre := []rune(m[:i])
		if len(pre) > 6 {
			m = string(pre[len(pre)-6:]) + m[i:]
		}
	}
	return m
}

// learnPlaces teaches the grammar the place names the notice itself uses:
// the issuer's, those of governments it names, and its doc-number
// abbreviation.
func learnPlaces(g *units.Grammar, n *Notice, text string) {
	if n.Issuer != "" {
		f := compact(n.Issuer)
		if loc := reIssuerPlace.FindStringSubmatch(f); loc != nil {
			g.AddPlace(loc[1])
		}
	}
	if n.DocNumber != "" {
		r := []rune(n.DocNumber)
		if len(r) > 1 && strings.ContainsRune("政办发函委", r[1]) {
			g.AddAbbrev(string(r[0]))
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "政府") {
			continue // every pattern below names a government
		}
		f := units.FoldString(line)
		for _, m := range rePlaceGov.FindAllStringSubmatch(f, -1) {
			g.AddPlace(m[1])
		}
		// bare place names sharing a suffix: 郑州、洛阳、安阳市政府
		for _, m := range rePlaceRun.FindAllStringSubmatch(f, -1) {
			for _, p := range strings.Split(m[1], "、") {
				if utf8.RuneCountInString(p) >= 2 && utf8.RuneCountInString(p) <= 4 {
					g.AddPlace(p)
				}
			}
		}
	}
}

var (
	reIssuerPlace = regexp.MustCompile(`^(\p{Han}{2,6}?)(?:省|市|自治区|县|区)?人民政府`)
	rePlaceGov    = regexp.MustCompile(`(?:^|[、,;:(\s])(\p{Han}{2,4}[市县区])(?:人民)?政府`)
	rePlaceRun    = regexp.MustCompile(`((?:\p{Han}{2,4}、)+\p{Han}{2,4})市(?:人民)?政府`)
)

// readSchedule reads the reporting schedule from the sentences of the
// notice that are not tasks.
func readSchedule(texts []string, year int, issued Date) (Schedule, []string) {
	var s Schedule
	var notes []string
	if year == 0 {
		year = issued.Y
	}
	monthlyDay, monthlyStart := 0, 0
	var progress []Date
	quarterly := false
	for _, t := range texts {
		f := compact(t)
		for _, sent := range strings.Split(f, "。") {
			if !strings.Contains(sent, "报") {
				continue
			}
			if m := reMonthly.FindStringSubmatch(sent); m != nil {
				monthlyDay = 31
				if m[1] != "" {
					monthlyDay = atoi(m[1])
				}
				if st := reStart.FindStringSubmatch(sent); st != nil {
					monthlyStart = atoi(st[2])
					if st[1] != "" {
						year = atoi(st[1])
					}
				}
			}
			if strings.Contains(sent, "每季度") || strings.Contains(sent, "季度进展") {
				quarterly = true
			}
			if m := reQuarterDay.FindStringSubmatch(sent); m != nil && year != 0 {
				// 每季度末 / 每季度最后一个月25日 / 每季度结束后5日内
				months, day := []time.Month{3, 6, 9}, 31
				if m[2] != "" {
					day = atoi(m[2])
				}
				if m[1] == "结束后" || m[1] == "首月" || m[1] == "第一个月" {
					months = []time.Month{4, 7, 10}
				}
				for _, mo := range months {
					progress = append(progress, NewDate(year, mo, day))
				}
				quarterly = true
			}
			for _, grp := range dateGroups(sent, year) {
				switch grp.kind {
				case "plan":
					if s.PlanDue.IsZero() {
						s.PlanDue = grp.dates[0]
					}
				case "annual":
					s.AnnualDue = grp.dates[len(grp.dates)-1]
				case "progress":
					progress = append(progress, grp.dates...)
				}
			}
		}
	}
	sort.Slice(progress, func(i, j int) bool { return progress[i].Before(progress[j]) })
	progress = uniqDates(progress)
	// a December date in the list is the year's report (分四次 … 12月30日)
	if n := len(progress); n > 0 && progress[n-1].M == 12 {
		if s.AnnualDue.IsZero() {
			s.AnnualDue = progress[n-1]
		}
		progress = progress[:n-1]
	}
	switch {
	case monthlyDay > 0 && year != 0:
		s.Cycle = CycleMonthly
		start := monthlyStart
		if start == 0 {
			if !issued.IsZero() && issued.Y == year {
				start = int(issued.M)
			} else {
				start = 1
			}
		}
		progress = nil
		for mo := start; mo <= 11; mo++ {
			d := NewDate(year, time.Month(mo), monthlyDay)
			if !issued.IsZero() && d.Before(issued) {
				continue
			}
			progress = append(progress, d)
		}
	case quarterly || quarterlySpaced(progress):
		s.Cycle = CycleQuarterly
	case len(progress) > 0:
		notes = append(notes, "报告周期未写明，按所列日期读取")
	}
	s.ProgressDue = progress
	return s, notes
}

var (
	reMonthly    = regexp.MustCompile(`每月(?:(\d{1,2})日|月?底|月?末)`)
	reStart      = regexp.MustCompile(`(?:从|自)(?:(\d{4})年)?(\d{1,2})月(?:份)?(?:起|开始)`)
	reQuarterDay = regexp.MustCompile(`每季度(末月|最后一个月|末|结束前|结束后|首月|第一个月)(?:底|末)?(?:(\d{1,2})(?:日|个工作日|天))?`)
)

func quarterlySpaced(ds []Date) bool {
	if len(ds) < 2 {
		return false
	}
	for i := 1; i < len(ds); i++ {
		if ds[i].M-ds[i-1].M != 3 {
			return false
		}
	}
	return true
}

func uniqDates(ds []Date) []Date {
	var out []Date
	for _, d := range ds {
		if len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

type dateGroup struct {
	dates []Date
	kind  string // plan, progress, annual or ""
}

// dateGroups finds the runs of dates in a sentence (3月25日、6月25日、9月25日)
// and reads what each run is for from the words after it, else before it.
func dateGroups(sent string, year int) []dateGroup {
	refs := findDates(sent, year)
	var groups []dateGroup
	var spans [][2]int
	for i, r := range refs {
		if i > 0 {
			gap := sent[refs[i-1].end:r.start]
			if strings.Trim(gap, "、,和及前") == "" {
				groups[len(groups)-1].dates = append(groups[len(groups)-1].dates, r.date)
				spans[len(spans)-1][1] = r.end
				continue
			}
		}
		groups = append(groups, dateGroup{dates: []Date{r.date}})
		spans = append(spans, [2]int{r.start, r.end})
	}
	for i := range groups {
		after := sent[spans[i][1]:]
		if i+1 < len(spans) {
			after = sent[spans[i][1]:spans[i+1][0]]
		}
		before := sent[:spans[i][0]]
		if i > 0 {
			before = sent[spans[i-1][1]:spans[i][0]]
		}
		groups[i].kind = dateKind(after)
		if groups[i].kind == "" {
			groups[i].kind = dateKind(before)
		}
	}
	return groups
}

func dateKind(s string) string {
	switch {
	case strings.Contains(s, "全年") || strings.Contains(s, "年度落实") || strings.Contains(s, "年度总结") || strings.Contains(s, "年度工作总结"):
		return "annual"
	case strings.Contains(s, "方案") || strings.Contains(s, "计划"):
		return "plan"
	case strings.Contains(s, "进展") || strings.Contains(s, "进度") || strings.Contains(s, "季度") || strings.Contains(s, "落实情况") || strings.Contains(s, "情况"):
		return "progress"
	}
	return ""
}
