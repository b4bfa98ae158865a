package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"duban/internal/units"
)

// Conventions of the genre that reach beyond one clause (testdata/notice-json.md,
// "Roles and leaders across hands").

// reFirstLeads is the statement that the first unit of a list leads
// (列第一位的为牵头单位，下同), with the punctuation around it.
var reFirstLeads = regexp.MustCompile(`[,;。]?\s*(?:其中)?\s*(?:(?:排|列)(?:在|于)?)?(?:(?:第一|首)(?:位|个)|排名第一)(?:的|者)?(?:单位|部门)?\s*(?:为|是)\s*(?:牵头|汇总|主办)(?:或|和|、|/)?(?:牵头|汇总)?(?:单位|部门)(?:[,;]?\s*(?:其余|其他)(?:单位|部门)?(?:为|是)(?:配合|协办|责任|参与)(?:单位|部门))?\s*(?:[,;]?\s*(?:下同|后同|以下同))?`)

// cutFirstLeads removes the statement from a line (so that the clause it
// sits in reads as a list of units) and reports whether it was there.
func cutFirstLeads(s string) (string, bool) {
	if !strings.Contains(s, "第一") && !strings.Contains(s, "首位") {
		return s, false
	}
	f := units.FoldString(s)
	loc := reFirstLeads.FindStringIndex(f)
	if loc == nil {
		return s, false
	}
	rs := []rune(s)
	a, b := utf8.RuneCountInString(f[:loc[0]]), utf8.RuneCountInString(f[:loc[1]])
	out := string(rs[:a]) + string(rs[b:])
	// a statement in brackets of its own leaves them empty
	for _, e := range []string{"()", "（）", "(）", "（)"} {
		out = strings.ReplaceAll(out, e, "")
	}
	return out, true
}

// firstListedLeads applies the statement: a task whose units are one
// unmarked list has its first unit as lead and the others as support.
func firstListedLeads(n *Notice) {
	for i := range n.Tasks {
		t := &n.Tasks[i]
		if len(t.Lead)+len(t.Support) > 0 || len(t.Responsible) == 0 {
			continue
		}
		t.Lead = []string{t.Responsible[0]}
		t.Support = append([]string(nil), t.Responsible[1:]...)
		t.Responsible = nil
	}
}

// assignment is what a heading that assigns its tasks gives them: a lead
// unit (三、市发展改革委牵头的工作) or leaders (张三省长主抓重点工作).
type assignment struct {
	lead, leaders []string
}

func (a assignment) empty() bool { return len(a.lead)+len(a.leaders) == 0 }

var (
	reAssigns    = regexp.MustCompile(`^(\p{Han}[^,;。]{1,30}?)(?:牵头|负责|主抓|分管|领衔|包抓|联系)(?:抓)?(?:(?:的|落实的)?(?:重点|主要|各项)?(?:工作|任务|事项)|\s*(?:\(.*\))?$)`)
	reTitles     = regexp.MustCompile(`(?:常务)?(?:副)?(?:省长|市长|县长|区长|旗长|州长|主任|书记|秘书长)$|同志$`)
	reTitleFirst = regexp.MustCompile(`^(?:常务)?(?:副)?(?:省长|市长|县长|区长|旗长|州长)\p{Han}{2,3}$`)
)

// headingAssigns reads whom a heading's title gives its tasks to.
func headingAssigns(g *units.Grammar, title string) assignment {
	f := units.FoldString(strings.TrimSpace(title))
	m := reAssigns.FindStringSubmatch(f)
	if m == nil {
		return assignment{}
	}
	// Fold keeps rune counts: the same runes of the title are the name as printed
	who := string([]rune(strings.TrimSpace(title))[:utf8.RuneCountInString(m[1])])
	if reTitles.MatchString(who) || reTitleFirst.MatchString(who) {
		var names []string
		for _, nm := range splitNames(who) {
			if !nameLike(nm) {
				return assignment{}
			}
			names = append(names, nm)
		}
		return assignment{leaders: names}
	}
	if !unitList(who) {
		return assignment{}
	}
	names, _, _ := g.Split(who, "")
	return assignment{lead: names}
}

// reBracketLabel is a label closed by brackets instead of a colon
// (【牵头单位】X【配合单位】Y), where a sentence, a clause or the line begins.
var reBracketLabel = regexp.MustCompile(`\((牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|主办单位|参与单位|责任领导|牵头领导|分管领导|完成时限|完成时间)\)`)

// colonLabels writes labels closed by brackets with a colon, as the
// clause grammar reads them. (省发展改革委（牵头单位）, after a name, is
// left alone: it marks that name as the lead.)
func colonLabels(s string) string {
	if !strings.Contains(s, "单位") && !strings.Contains(s, "部门") && !strings.Contains(s, "领导") && !strings.Contains(s, "完成") {
		return s
	}
	f := units.FoldString(s)
	locs := reBracketLabel.FindAllStringSubmatchIndex(f, -1)
	if locs == nil {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	at := 0 // rune offset in s written so far
	done := false
	for _, l := range locs {
		// where a sentence, a clause or the line begins, or after a label
		// already read; after a name it marks the name
		before, _ := utf8.DecodeLastRuneInString(f[:l[0]])
		if l[0] > 0 && !done && !strings.ContainsRune("。;) \t", before) {
			continue
		}
		done = true
		open := utf8.RuneCountInString(f[:l[0]]) // the bracket before the label
		start, end := open+1, utf8.RuneCountInString(f[:l[3]])
		b.WriteString(string(rs[at:open]))
		b.WriteString(string(rs[start:end]))
		b.WriteString("：")
		at = end + 1 // past the closing bracket
	}
	b.WriteString(string(rs[at:]))
	return b.String()
}
