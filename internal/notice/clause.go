package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"duban/internal/units"
)

// clause is what a responsibility clause says.
type clause struct {
	lead, support, responsible, leaders []string
	deadline                            Date
	deadlineText                        string
	guesses                             []units.Guess
}

func (c *clause) empty() bool {
	return len(c.lead)+len(c.support)+len(c.responsible) == 0
}

// merge adds the roles of d (a clause on a later line) to c.
func (c *clause) merge(d clause) {
	c.lead = appendNew(c.lead, d.lead...)
	c.support = appendNew(c.support, d.support...)
	c.responsible = appendNew(c.responsible, d.responsible...)
	c.leaders = appendNew(c.leaders, d.leaders...)
	if c.deadline.IsZero() {
		c.deadline = d.deadline
	}
	if c.deadlineText == "" {
		c.deadlineText = d.deadlineText
	}
	c.guesses = append(c.guesses, d.guesses...)
}

func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		dup := false
		for _, x := range list {
			if x == a {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

// Role words, matched on folded text.
var (
	reLabelAny = regexp.MustCompile(`(牵头(?:负责|责任)?(?:单位|部门)?|责任单位|配合单位|协办单位|协助单位|协同单位|参与单位|主办单位|主责单位|主责部门|承办单位|责任部门|责任处室|责任主体|实施单位|落实单位|配合部门|协办部门|参与部门|主办|协办|配合|(?:[省市县区]政府)?(?:[省市县区]级)?(?:责任|分管|牵头|联系|包抓|包联)[省市县区]?(?:级)?领导|部门分工|责任分工|完成时限|完成时间|时间节点|办结时限)\s*[:]`)
	reRoleWord = regexp.MustCompile(`牵头|负责|配合|协办|协助|参与|分工|单位[:]|领导[:]`)
	reTimeWord = regexp.MustCompile(`\d{4}年|\d{1,2}月|年内|年底|年末|底前|月底|上半年|下半年|季度|持续推进|长期坚持|持续实施|逐步推进|完成|前$`)
)

// trailingClause finds a responsibility clause in parentheses at the end of
// a paragraph (folded text f). It returns the rune offsets of the opening
// bracket and the clause's content. Brackets of different widths match.
func trailingClause(f string) (open int, content string, ok bool) {
	rs := []rune(f)
	end := len(rs)
	for end > 0 && strings.ContainsRune("。.;; ,，", rs[end-1]) {
		end--
	}
	if end == 0 || rs[end-1] != ')' {
		return 0, "", false
	}
	depth := 0
	for i := end - 1; i >= 0; i-- {
		switch rs[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				c := string(rs[i+1 : end-1])
				if isClause(c) {
					return i, c, true
				}
				return 0, "", false
			}
		}
	}
	return 0, "", false
}

// isClause reports whether bracket content reads as a responsibility
// clause: it has role words, or every item of it is a unit.
func isClause(c string) bool {
	c = strings.TrimSpace(c)
	if c == "" {
		return false
	}
	if reRoleWord.MatchString(c) || reLabelAny.MatchString(c) {
		// 牵头 inside the text ("支持领军企业牵头组建") is no clause: a clause
		// is short of sentences
		return !strings.Contains(strings.TrimRight(c, "。 "), "。")
	}
	items := splitTop(c, ",、;")
	for _, it := range items {
		if !units.LooksLikeUnit(it) {
			return false
		}
	}
	return len(items) > 0
}

// splitTop splits s at the given separators outside brackets.
func splitTop(s, seps string) []string {
	var out []string
	depth, start := 0, 0
	rs := []rune(s)
	for i, r := range rs {
		switch units.Fold(r) {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.ContainsRune(seps, units.Fold(r)) {
			out = append(out, string(rs[start:i]))
			start = i + 1
		}
	}
	out = append(out, string(rs[start:]))
	var keep []string
	for _, o := range out {
		if strings.TrimSpace(o) != "" {
			keep = append(keep, strings.TrimSpace(o))
		}
	}
	return keep
}

// splitTask separates a task paragraph into its own words and its
// responsibility clause, in any of the hands notices use.
func splitTask(text string) (body, clauseText string, found bool) {
	f := units.FoldString(text)
	rs := []rune(text)
	// 责任单位:X on the same line as the task
	if loc := labelAfterSentence(f); loc >= 0 {
		return strings.TrimSpace(string(rs[:loc])), string(rs[loc:]), true
	}
	if open, _, ok := trailingClause(f); ok {
		body := strings.TrimSpace(string(rs[:open]))
		end := len(rs)
		fr := []rune(f)
		for end > 0 && strings.ContainsRune("。.;; ,，", fr[end-1]) {
			end--
		}
		return body, string(rs[open+1 : end-1]), true
	}
	// an opening bracket whose close was lost at the end of the paragraph
	if i := strings.LastIndex(f, "("); i >= 0 {
		n := utf8.RuneCountInString(f[:i])
		c := string([]rune(f)[n+1:])
		if !strings.ContainsAny(c, ")") && reRoleWord.MatchString(c) && !strings.Contains(strings.TrimRight(c, "。"), "。") {
			return strings.TrimSpace(string(rs[:n])), strings.TrimRight(string(rs[n+1:]), "。 "), true
		}
	}
	// …。由X负责落实。 in the same paragraph
	if i := strings.LastIndex(f, "。由"); i >= 0 {
		n := utf8.RuneCountInString(f[:i]) + 1
		tail := string([]rune(f)[n:])
		if strings.Contains(tail, "负责") || strings.Contains(tail, "牵头") {
			return strings.TrimSpace(string(rs[:n])), string(rs[n:]), true
		}
	}
	return text, "", false
}

// labelAfterSentence returns the rune offset of a clause label (责任单位:)
// that opens the paragraph's last part, after a sentence or at a line's
// start, or -1.
func labelAfterSentence(f string) int {
	if !strings.Contains(f, ":") {
		return -1 // every label ends with a colon
	}
	locs := reLabelAny.FindAllStringIndex(f, -1)
	depth, at, runes := 0, 0, 0
	for _, loc := range locs {
		// bracket depth and rune count up to the label, counted as we go
		for _, r := range f[at:loc[0]] {
			switch r {
			case '(':
				depth++
			case ')':
				depth--
			}
			runes++
		}
		at = loc[0]
		if depth > 0 {
			continue // inside a bracketed clause, read as one
		}
		before := strings.TrimRight(f[:loc[0]], " ")
		if before == "" {
			return 0
		}
		last, _ := utf8.DecodeLastRuneInString(before)
		if strings.ContainsRune("。;!?)", last) {
			return runes
		}
	}
	return -1
}

// clauseParagraph reports whether a whole paragraph is a clause belonging
// to the task before it (由X负责落实。, 责任单位:X, (牵头单位:X), 分管领导:X).
func clauseParagraph(text string) (string, bool) {
	f := units.FoldString(strings.TrimSpace(text))
	switch {
	case reLabelAny.MatchString(f) && reLabelAny.FindStringIndex(f)[0] == 0:
		return text, true
	case strings.HasPrefix(f, "由") && (strings.HasSuffix(strings.TrimRight(f, "。. "), "负责落实") || strings.HasSuffix(strings.TrimRight(f, "。. "), "负责")):
		return text, true
	case strings.HasPrefix(f, "("):
		if open, c, ok := trailingClause(f); ok && open == 0 && c != "" {
			rs := []rune(strings.TrimSpace(text))
			end := len(rs)
			for end > 0 && strings.ContainsRune("。.;； ,，)）", rs[end-1]) && units.Fold(rs[end-1]) != ')' {
				end--
			}
			return string(rs[1 : end-1]), true
		}
	}
	return "", false
}

// parseClause reads the roles of a clause. g is the notice's unit grammar.
func parseClause(g *units.Grammar, text string) clause {
	var c clause
	f := units.FoldString(text)
	rs := []rune(text)
	var locs [][]int
	if strings.Contains(f, ":") {
		locs = reLabelAny.FindAllStringSubmatchIndex(f, -1)
	}
	if len(locs) == 0 {
		parseUnlabelled(g, text, &c, "")
		return c
	}
	prefix := ""
	if locs[0][0] > 0 {
		// words before the first label ("由X牵头,牵头单位:…" is rare; read them plainly)
		pre := string(rs[:utf8.RuneCountInString(f[:locs[0][0]])])
		if strings.TrimSpace(strings.Trim(pre, ";；,，。 ")) != "" {
			prefix = parseUnlabelled(g, pre, &c, prefix)
		}
	}
	// rune offsets of every label's start and end, counted in one pass
	runeAt := func() func(int) int {
		at, n := 0, 0
		return func(b int) int {
			n += utf8.RuneCountInString(f[at:b])
			at = b
			return n
		}
	}()
	starts, ends := make([]int, len(locs)), make([]int, len(locs))
	for i, loc := range locs {
		starts[i] = runeAt(loc[0])
		ends[i] = runeAt(loc[1])
	}
	for i, loc := range locs {
		label := f[loc[2]:loc[3]]
		start := ends[i]
		end := len(rs)
		if i+1 < len(locs) {
			end = starts[i+1]
		}
		seg := strings.Trim(string(rs[start:end]), ";；,，。 ")
		switch {
		case strings.Contains(label, "领导"):
			c.leaders = appendNew(c.leaders, splitNames(seg)...)
		case label == "部门分工" || label == "责任分工":
			prefix = parseUnlabelled(g, seg, &c, prefix)
		case strings.Contains(label, "时"), label == "时间节点":
			c.deadline, c.deadlineText = readDeadline(seg)
		default:
			if _, _, ok := leadInList(seg); ok {
				prefix = parseUnlabelled(g, seg, &c, prefix)
				continue
			}
			names, p, guesses := g.Split(seg, prefix)
			prefix = p
			c.guesses = append(c.guesses, guesses...)
			switch {
			case strings.HasPrefix(label, "牵头") || strings.HasPrefix(label, "主"):
				c.lead = appendNew(c.lead, names...)
			case strings.HasPrefix(label, "配合") || strings.HasPrefix(label, "协") || strings.HasPrefix(label, "参与"):
				c.support = appendNew(c.support, names...)
			default:
				c.responsible = appendNew(c.responsible, names...)
			}
		}
	}
	return c
}

// parseUnlabelled reads "X牵头,Y按职责分工负责", "X、Y负责", "(X,Y)" and a
// closing time phrase ("年内持续推进"). It returns the prefix in force after.
func parseUnlabelled(g *units.Grammar, text string, c *clause, prefix string) string {
	text = strings.TrimSpace(strings.Trim(text, "。；; "))
	// X为牵头单位，Y为配合单位 says what X牵头，Y配合 says
	if strings.Contains(text, "为") {
		text = roleNouns.Replace(text)
	}
	// a closing time phrase is the deadline
	parts := splitTop(text, ",;")
	if n := len(parts); n > 1 {
		last := parts[n-1]
		fl := units.FoldString(last)
		if reTimeWord.MatchString(fl) && !units.LooksLikeUnit(units.Clean(last)) {
			c.deadline, c.deadlineText = readDeadline(last)
			text = strings.Join(parts[:n-1], "，")
		}
	}
	if lead, rest, ok := leadInList(text); ok {
		// X(牵头)、Y、Z: the marked unit leads, the others support
		names, p, gs := g.Split(lead, prefix)
		c.lead = appendNew(c.lead, names...)
		c.guesses = append(c.guesses, gs...)
		names, p, gs = g.Split(rest, p)
		c.support = appendNew(c.support, names...)
		c.guesses = append(c.guesses, gs...)
		return p
	}
	f := units.FoldString(text)
	rs := []rune(text)
	if i := leadMarker(f); i >= 0 {
		n := utf8.RuneCountInString(f[:i])
		leadPart := string(rs[:n])
		rest := string(rs[n+len([]rune("牵头")):])
		rest = strings.TrimLeft(rest, " ")
		rest = strings.TrimPrefix(rest, "负责")
		rest = strings.TrimLeft(rest, ",，;；、 ")
		names, p, gs := g.Split(leadPart, prefix)
		c.lead = appendNew(c.lead, names...)
		c.guesses = append(c.guesses, gs...)
		prefix = p
		if strings.TrimSpace(rest) != "" {
			names, p, gs = g.Split(rest, prefix)
			c.support = appendNew(c.support, names...)
			c.guesses = append(c.guesses, gs...)
			prefix = p
		}
		return prefix
	}
	names, p, gs := g.Split(text, prefix)
	c.guesses = append(c.guesses, gs...)
	// Y配合 with no lead beside it: Y supports (a heading may name the lead)
	if reSupportEnd.MatchString(f) {
		c.support = appendNew(c.support, names...)
		return p
	}
	c.responsible = appendNew(c.responsible, names...)
	return p
}

var reSupportEnd = regexp.MustCompile(`(?:配合|协办|协助|参与)(?:实施|落实)?$`)

var roleNouns = strings.NewReplacer("为牵头单位", "牵头", "为牵头部门", "牵头", "为配合单位", "配合", "为配合部门", "配合",
	"为协办单位", "配合", "为责任单位", "负责", "为责任部门", "负责")

var reLeadMark = regexp.MustCompile(`\(牵头(?:单位|部门)?\)$`)

// leadInList finds units marked "(牵头)" inside a list ("省发展改革委(牵头)、
// 省财政厅") and returns them and the rest of the list.
func leadInList(text string) (lead, rest string, ok bool) {
	f := units.FoldString(text)
	if !strings.Contains(f, "(牵头") {
		return "", "", false
	}
	var leads, others []string
	for _, it := range splitTop(text, "、,;") {
		fi := units.FoldString(it)
		if m := reLeadMark.FindString(fi); m != "" {
			r := []rune(it)
			leads = append(leads, string(r[:len(r)-utf8.RuneCountInString(m)]))
		} else {
			others = append(others, it)
		}
	}
	return strings.Join(leads, "、"), strings.Join(others, "、"), len(leads) > 0
}

// leadMarker returns the byte offset in f of the 牵头 that marks the lead
// units: followed by a separator, 负责 or the end, outside brackets and
// quotes (各"一件事"省级牵头部门 is a name).
func leadMarker(f string) int {
	depth := 0
	for i, r := range f {
		switch r {
		case '(', '“':
			depth++
		case ')', '”':
			depth--
		}
		if depth != 0 || !strings.HasPrefix(f[i:], "牵头") {
			continue
		}
		after := strings.TrimLeft(f[i+len("牵头"):], " ")
		if after == "" || strings.HasPrefix(after, "负责") || strings.ContainsAny(after[:1], ",;、") || strings.HasPrefix(after, "，") || strings.HasPrefix(after, "；") {
			return i
		}
	}
	return -1
}

const nameTitle = `(?:[省市县区旗州]委)?(?:常委|(?:常务)?副?(?:省长|市长|县长|区长|旗长|州长|主任|书记|秘书长|部长))`

var (
	reNameParen = regexp.MustCompile(`[(（][^()（）]*[)）]`)
	// titles written before or after a leader's name (副县长张三, 张三同志)
	reNameTitle = regexp.MustCompile(`^(?:` + nameTitle + `)+|(?:` + nameTitle + `)$|同志$|等$`)
)

// cleanName drops from a leader's name the words that are not the name:
// a parenthesis (副县长), a title, 同志, 等. A surname left alone (张副省长
// → 张) names nobody, so such a name keeps its title as printed.
func cleanName(n string) string {
	n = reNameParen.ReplaceAllString(strings.TrimSpace(n), "")
	printed := n
	for range 3 {
		m := reNameTitle.ReplaceAllString(n, "")
		if m == "" {
			return "" // a title alone (县委常委)
		}
		if m == n {
			break
		}
		n = m
	}
	if utf8.RuneCountInString(n) == 1 && n != printed {
		return printed
	}
	return n
}

// splitNames splits a list of leaders' names. A two-character name padded
// to the width of three (王 健) is one name.
func splitNames(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、,，;；/", r)
	}) {
		words := strings.Fields(reNameParen.ReplaceAllString(part, " "))
		for i := 0; i < len(words); i++ {
			n := words[i]
			if i+1 < len(words) && utf8.RuneCountInString(n) == 1 && utf8.RuneCountInString(words[i+1]) <= 2 {
				n += words[i+1]
				i++
			}
			n = cleanName(n)
			if n != "" {
				out = appendNew(out, n)
			}
		}
	}
	return out
}
