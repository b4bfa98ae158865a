package notice

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"duban/internal/units"
)

// Error is a notice that cannot be read, said for a person: Chinese, then English.
type Error struct{ Zh, En string }

func (e *Error) Error() string { return e.Zh + " (" + e.En + ")" }

// ErrNoTasks is returned for a text in which no numbered task was found.
var ErrNoTasks = &Error{"未识别出任何任务：这不像是一份分工通知", "no tasks found: this does not look like a task-assignment notice"}

// errInternal is a bug of the parser met at run time, turned into an error
// so that no panic reaches a user.
func errInternal(r any) *Error {
	if r == nil {
		return nil
	}
	return &Error{"解析通知时出现内部错误，请把这份文件反馈给开发者", fmt.Sprintf("internal error while parsing: %v", r)}
}

// cand is a numbered paragraph: a task or a heading, decided once the
// whole notice has been read.
type cand struct {
	m       marker
	body    string
	clauses []string
	line    int
	isTask  bool
	reset   bool       // not a paragraph: headings above end here
	assign  assignment // a heading's: whom its tasks go to
}

// Parse reads the plain text of a notice.
func Parse(text string) (n *Notice, err error) {
	defer func() {
		// the parser must never take the program down; a bug becomes an error
		if r := recover(); r != nil {
			n, err = nil, errInternal(r)
		}
	}()
	if !utf8.ValidString(text) {
		return nil, &Error{"文本不是有效的 UTF-8", "text is not valid UTF-8"}
	}
	raw := rawLines(text)
	firstLeads := false
	for i := range raw {
		var ok bool
		raw[i].text = colonLabels(raw[i].text)
		if raw[i].text, ok = cutFirstLeads(raw[i].text); ok {
			firstLeads = true
		}
	}
	lines, tables, titles := extractTables(raw)
	paras := joinParagraphs(splitLines(lines))
	n = &Notice{}
	start := len(paras)
	for i, p := range paras {
		if _, ok := parseMarker(p.text); ok {
			start = i
			break
		}
	}
	head := paras[:start]
	readHeader(n, head, paras)
	g := units.NewGrammar()
	learnPlaces(g, n, text)

	var cands []*cand
	var loose []para // paragraphs that are neither task, heading nor clause
	body := paras[start:]
	for i := 0; i < len(body); i++ {
		p := body[i]
		if m, ok := parseMarker(p.text); ok {
			// …(管委会)25.发展壮大…: the next task glued onto a clause
			if text, rest := cutGlued(p.text, m.rest, m); rest != nil {
				body = insertAfter(body, i, *rest)
				p.text = text
				m, _ = parseMarker(p.text)
			}
			c := &cand{m: m, line: p.line}
			b, cl, found := splitTask(m.rest)
			c.body = b
			if found {
				c.clauses = append(c.clauses, cl)
			}
			cands = append(cands, c)
			continue
		}
		if cl, ok := clauseParagraph(p.text); ok && len(cands) > 0 {
			last := cands[len(cands)-1]
			// 责任单位:…(管委会)25.发展壮大…
			if text, rest := cutGlued(p.text, p.text, last.m); rest != nil {
				body = insertAfter(body, i, *rest)
				cl = text
			}
			last.clauses = append(last.clauses, cl)
			continue
		}
		if dateOrAttachment(p.text) && len(cands) > 0 {
			// the signature, the date or 附件: what follows is an attachment
			// with headings of its own
			cands = append(cands, &cand{reset: true, line: p.line})
		}
		loose = append(loose, p)
	}

	decideTasks(g, cands)
	for i := len(cands) - 1; i >= 0 && cands[i].reset; i-- {
		cands = cands[:i]
	}
	buildTasks(n, g, cands)
	if firstLeads {
		firstListedLeads(n)
	}
	for _, t := range tables {
		readTable(n, g, t)
	}

	// the schedule is written in the sentences that are not tasks
	var texts []string
	for _, p := range head {
		texts = append(texts, p.text)
	}
	for _, p := range loose {
		texts = append(texts, p.text)
	}
	for _, c := range cands {
		// numbered requirements (二、强化督查…) often set the schedule
		if !c.isTask && !c.reset {
			texts = append(texts, c.m.rest)
		}
	}
	var notes []string
	n.Schedule, notes = readSchedule(texts, n.Year, n.IssuedOn)
	for _, s := range notes {
		n.warn(0, WarnScheduleRead, s)
	}
	warnLoose(n, loose, titles)
	if n.Issuer == "" {
		n.warn(0, WarnHeader, "未找到发文机关")
	}
	if n.Year == 0 {
		n.warn(0, WarnHeader, "未找到工作年度")
	}
	n.normalize()
	if len(n.Tasks) == 0 && len(n.Annex) == 0 {
		return n, ErrNoTasks
	}
	return n, nil
}

// cutGlued looks in tail, the end of the paragraph text, for the task
// numbered after prev glued onto it. It returns the paragraph without that
// task and the task as a paragraph of its own, or nil when there is none.
func cutGlued(text, tail string, prev marker) (string, *para) {
	rest, ok := splitGlued(marker{level: prev.level, num: prev.num, rest: tail})
	if !ok {
		return text, nil
	}
	cut := utf8.RuneCountInString(text) - utf8.RuneCountInString(rest)
	return string([]rune(text)[:cut]), &para{text: rest}
}

// insertAfter inserts q into ps after index i, on the same line as ps[i].
func insertAfter(ps []para, i int, q para) []para {
	q.line = ps[i].line
	return append(ps[:i+1], append([]para{q}, ps[i+1:]...)...)
}

// splitGlued finds, in a task paragraph, the next task glued on after a
// clause or sentence ("…(管委会)25.发展壮大…"), numbered one more than m.
// It returns the glued paragraph.
func splitGlued(m marker) (string, bool) {
	if m.level != 3 && m.level != 4 {
		return "", false
	}
	rs := []rune(m.rest)
	for i := 1; i < len(rs)-2; i++ {
		prev := units.Fold(rs[i-1])
		if prev != ')' && prev != '。' {
			continue
		}
		// a marker is short: look at the next few runes only
		next, ok := parseMarker(string(rs[i:min(i+16, len(rs))]))
		if ok && next.level == m.level && next.num == m.num+1 && startsWord(next.rest) {
			if m.level == 3 && units.Fold(rs[i]) == '(' {
				continue
			}
			return string(rs[i:]), true
		}
	}
	return "", false
}

// decideTasks marks which numbered paragraphs are tasks: those that carry a
// clause, those numbered like the tasks around them in a part of the
// notice where tasks carry clauses (a task whose units were left out), and
// the innermost items under a heading that assigns them (一、X牵头的工作).
func decideTasks(g *units.Grammar, cands []*cand) {
	count := map[int]int{}
	for _, c := range cands {
		if len(c.clauses) > 0 {
			count[c.m.level]++
		}
		if !c.reset && len(c.clauses) == 0 {
			c.assign = headingAssigns(g, headingText(marker{rest: c.m.rest}))
		}
	}
	dominant, best := 0, 0
	for lvl, k := range count {
		if k > best || k == best && lvl > dominant {
			dominant, best = lvl, k
		}
	}
	// sections: runs of candidates under one level-1 heading
	sectionHasClause := map[int]bool{}
	section := 0
	secOf := make([]int, len(cands))
	for i, c := range cands {
		if c.reset || c.m.level == 1 && len(c.clauses) == 0 {
			section++
		}
		secOf[i] = section
		if len(c.clauses) > 0 {
			sectionHasClause[section] = true
		}
	}
	// under an assigning heading, its innermost items are tasks
	assigned := make([]bool, len(cands))
	for i, c := range cands {
		if c.assign.empty() {
			continue
		}
		end, deepest := i+1, 0
		for end < len(cands) && !cands[end].reset && cands[end].m.level > c.m.level {
			deepest = max(deepest, cands[end].m.level)
			end++
		}
		for j := i + 1; j < end; j++ {
			assigned[j] = assigned[j] || cands[j].m.level == deepest
		}
	}
	for i, c := range cands {
		c.isTask = len(c.clauses) > 0 || assigned[i] ||
			(c.m.level == dominant && sectionHasClause[secOf[i]] && !looksLikeHeading(c))
	}
}

// looksLikeHeading reports whether an unassigned paragraph reads as a
// heading (short, a single phrase) rather than a task whose units are missing.
func looksLikeHeading(c *cand) bool {
	b := strings.TrimRight(c.body, "。")
	return utf8.RuneCountInString(b) <= 20 && !strings.ContainsAny(b, "。，,；;")
}

// buildTasks turns the candidates into headings and tasks.
func buildTasks(n *Notice, g *units.Grammar, cands []*cand) {
	type heading struct {
		level  int
		text   string
		assign assignment
	}
	var stack []heading
	last := map[int]int{}
	guesses := map[units.Guess][]string{}
	var guessOrder []units.Guess
	guessLine := map[units.Guess]int{}
	guessTasks := map[units.Guess][]int{}
	for _, c := range cands {
		if c.reset {
			stack = nil
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].level >= c.m.level {
			stack = stack[:len(stack)-1]
		}
		if !c.isTask {
			stack = append(stack, heading{c.m.level, headingText(c.m), c.assign})
			continue
		}
		path := make([]string, len(stack))
		for i, h := range stack {
			path[i] = h.text
		}
		t := Task{No: c.m.no(), Path: path, Text: strings.TrimSpace(c.body), Line: c.line}
		var cl clause
		for _, ct := range c.clauses {
			cl.merge(parseClause(g, ct))
		}
		t.Lead, t.Support, t.Responsible, t.Leaders = cl.lead, cl.support, cl.responsible, cl.leaders
		// units named beside a lead (责任单位 after 牵头单位) support it
		if len(t.Lead) > 0 && len(t.Responsible) > 0 {
			t.Support, t.Responsible = appendNew(t.Support, t.Responsible...), nil
		}
		// a heading that assigns gives its lead or leaders to a task naming none
		for i := len(stack) - 1; i >= 0; i-- {
			a := stack[i].assign
			if len(t.Lead)+len(t.Responsible) == 0 && len(a.lead) > 0 {
				t.Lead = append([]string(nil), a.lead...)
			}
			if len(t.Leaders) == 0 && len(a.leaders) > 0 {
				t.Leaders = append([]string(nil), a.leaders...)
			}
		}
		t.Deadline, t.DeadlineText = cl.deadline, cl.deadlineText
		t.Targets = findTargets(t.Text)
		ti := len(n.Tasks) // the index t will have
		switch {
		case len(t.Units()) > 0:
		case len(c.clauses) == 0:
			n.taskWarn(ti, c.line, WarnNoUnit, fmt.Sprintf("第%s项任务没有写明责任单位", t.No))
		case cl.empty():
			n.taskWarn(ti, c.line, WarnClause, fmt.Sprintf("第%s项任务的责任单位未能读出：%s", t.No, clip(strings.Join(c.clauses, " "), 40)))
		}
		for _, gs := range cl.guesses {
			if _, ok := guesses[gs]; !ok {
				guessOrder = append(guessOrder, gs)
				guessLine[gs] = c.line
			}
			if l := guesses[gs]; len(l) == 0 || l[len(l)-1] != t.No {
				guesses[gs] = append(l, t.No)
			}
			if l := guessTasks[gs]; len(l) == 0 || l[len(l)-1] != ti {
				guessTasks[gs] = append(l, ti)
			}
		}
		// numbering: each level counts on by one, or starts again at 1
		if prev, ok := last[c.m.level]; ok && c.m.num != prev+1 && c.m.num != 1 {
			if c.m.num > prev+1 {
				n.taskWarn(ti, c.line, WarnNumberGap, fmt.Sprintf("任务编号不连续：%d 之后是 %d", prev, c.m.num))
			} else {
				n.taskWarn(ti, c.line, WarnDuplicateNo, fmt.Sprintf("任务编号重复或倒序：%d 之后是 %d", prev, c.m.num))
			}
		}
		last[c.m.level] = c.m.num
		n.Tasks = append(n.Tasks, t)
	}
	// one warning for each name completed by judgement, naming its tasks
	for _, gs := range guessOrder {
		n.Warnings = append(n.Warnings, Warning{Line: guessLine[gs], Tasks: guessTasks[gs], Kind: WarnUnitGuess, Message: fmt.Sprintf("“%s”按同一句中前面单位的级别补全为“%s”（第%s项），请核对", gs.Written, gs.Read, strings.Join(guesses[gs], "、"))})
	}
}

// headingText is a heading as the format writes it: marker and title up
// to the first 。, without it.
func headingText(m marker) string {
	title := m.rest
	if i := strings.Index(title, "。"); i >= 0 {
		title = title[:i]
	}
	return strings.Join(strings.Fields(m.text+title), "")
}

// warnLoose reports body paragraphs the parser skipped, leaving out the
// signature block, dates and attachment titles, which are expected there.
func warnLoose(n *Notice, loose []para, titles map[int]bool) {
	for _, p := range loose {
		if standalone(p.text) || p.line == 0 || titles[p.line] {
			continue
		}
		n.warn(p.line, WarnSkipped, "跳过了一段无法识别的文字："+clip(p.text, 40))
	}
}

func (n *Notice) warn(line int, kind, msg string) {
	n.Warnings = append(n.Warnings, Warning{Line: line, Kind: kind, Message: msg})
}

// taskWarn is a warning about the task of index ti in n.Tasks.
func (n *Notice) taskWarn(ti, line int, kind, msg string) {
	n.Warnings = append(n.Warnings, Warning{Line: line, Tasks: []int{ti}, Kind: kind, Message: msg})
}

// normalize writes empty lists as [] rather than null.
func (n *Notice) normalize() {
	for i := range n.Tasks {
		t := &n.Tasks[i]
		for _, l := range []*[]string{&t.Path, &t.Lead, &t.Support, &t.Responsible, &t.Leaders} {
			if *l == nil {
				*l = []string{}
			}
		}
		if t.Targets == nil {
			t.Targets = []Target{}
		}
	}
	for i := range n.Annex {
		a := &n.Annex[i]
		for _, l := range []*[]string{&a.Leaders, &a.Lead, &a.Support} {
			if *l == nil {
				*l = []string{}
			}
		}
	}
	if n.Tasks == nil {
		n.Tasks = []Task{}
	}
	if n.Annex == nil {
		n.Annex = []AnnexRow{}
	}
	if n.Warnings == nil {
		n.Warnings = []Warning{}
	}
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
