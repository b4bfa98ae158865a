// Package units holds the grammar of unit names in task-assignment notices:
// splitting a list of units, dropping words that are not units, carrying a
// level prefix to names written without one, and distributing a shared
// suffix or 各/相关 over a run of place names.
package units

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Grammar splits unit lists. It knows the place names of one notice so it
// can tell a complete name (郑州海关) from a name written without its level
// prefix (财政厅). The zero value is not usable; call NewGrammar.
type Grammar struct {
	places []string // longest first
	abbrev []string // one-rune abbreviations of the issuing region (豫)
}

// NewGrammar returns a grammar that knows the provincial-level regions.
func NewGrammar() *Grammar {
	g := &Grammar{}
	for _, p := range provinces {
		g.AddPlace(p)
	}
	return g
}

// AddPlace teaches the grammar a place name ("洛阳", "三门峡市"). A name
// with a level character at its end is learnt with and without it.
func (g *Grammar) AddPlace(name string) {
	name = strings.TrimSpace(name)
	base := name
	for _, l := range []string{"省", "市", "县", "区"} {
		base = strings.TrimSuffix(base, l)
	}
	for _, n := range []string{name, base} {
		if len([]rune(n)) < 2 || g.known(n) || isGenericPlaceWord(n) {
			continue
		}
		g.places = append(g.places, n)
	}
	sort.SliceStable(g.places, func(i, j int) bool { return len(g.places[i]) > len(g.places[j]) })
}

// AddAbbrev teaches the grammar the one-character abbreviation of the
// issuing region as printed in its doc numbers (豫政 → 豫), so that company
// names built on it (豫信电科集团, 中豫航空集团) are read as complete.
func (g *Grammar) AddAbbrev(a string) {
	if len([]rune(a)) == 1 && !g.hasAbbrev(a) {
		g.abbrev = append(g.abbrev, a)
	}
}

func (g *Grammar) hasAbbrev(a string) bool {
	for _, x := range g.abbrev {
		if x == a {
			return true
		}
	}
	return false
}

func (g *Grammar) known(n string) bool {
	for _, p := range g.places {
		if p == n {
			return true
		}
	}
	return false
}

// Places lists the place names the grammar knows, longest first.
func (g *Grammar) Places() []string { return g.places }

// Guess is a name the grammar completed by a judgement the office should
// check: an enterprise or vertical body that took a neighbour's prefix.
type Guess struct {
	Written string
	Read    string
}

// Split splits one list of units and writes each name out in full.
// prefix is the level prefix in force before the list (from an earlier
// list of the same clause), used when the list itself opens with a name
// written without one. It returns the names, the prefix in force after the
// list, and the names completed by judgement.
func (g *Grammar) Split(list, prefix string) ([]string, string, []Guess) {
	items := tokenize(stripSpace(list))
	var clean []item
	for _, it := range items {
		it.text = Clean(it.text)
		if it.text != "" {
			clean = append(clean, it)
		}
	}
	g.distribute(clean)
	var out []string
	var guesses []Guess
	seen := map[string]bool{}
	for _, it := range clean {
		name := it.text
		if !it.complete && !g.Complete(name) {
			if prefix != "" {
				name = carry(prefix, name)
				if isEnterprise(it.text) {
					guesses = append(guesses, Guess{Written: it.text, Read: name})
				}
			}
		}
		if p := g.prefixOf(name); p != "" {
			prefix = p
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, prefix, guesses
}

// SplitCell splits a table cell, where units may also be separated by
// spaces ("市发展改革委 市商务局").
func (g *Grammar) SplitCell(cell string) []string {
	f := strings.Fields(cell)
	out, _, _ := g.Split(strings.Join(f, "、"), "")
	return out
}

type item struct {
	text     string
	complete bool // completed by suffix distribution; takes no prefix
}

// tokenize splits at the top level (outside brackets and quotes) at 、,;
// and at 和/及 where they join two units.
func tokenize(s string) []item {
	rs := []rune(s)
	var out []item
	depth, quote := 0, 0
	start := 0
	flush := func(end int) {
		out = append(out, item{text: string(rs[start:end])})
	}
	for i := 0; i < len(rs); i++ {
		r := Fold(rs[i])
		switch r {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case '“', '‘':
			quote++
		case '”', '’':
			if quote > 0 {
				quote--
			}
		}
		if depth > 0 || quote > 0 {
			continue
		}
		switch r {
		case '、', ',', ';', '/':
			flush(i)
			start = i + 1
		case '和', '及':
			// the right side matters only up to the next unit
			if joinsUnits(string(rs[max(start, i-32):i]), string(rs[i+1:min(i+1+32, len(rs))])) {
				flush(i)
				start = i + 1
			}
		}
	}
	flush(len(rs))
	return out
}

// joinsUnits reports whether a 和/及 between left and right joins two
// units rather than standing inside one name (工业和信息化厅): the left
// side must already be a whole unit, or a place name whose shared suffix
// follows.
func joinsUnits(left, right string) bool {
	left = Clean(left)
	if len([]rune(left)) < 2 || right == "" {
		return false
	}
	if EndsLikeUnit(left) {
		return true
	}
	// 各省辖市和省直管县(市)政府: a bare place joined to a government.
	next := right
	if i := strings.IndexAny(next, "、,，;；"); i >= 0 {
		next = next[:i]
	}
	l := []rune(stripParens(left))
	return strings.ContainsRune("市县区", l[len(l)-1]) && govSuffix(next) != ""
}

// distribute writes a shared government suffix out over the place names
// before it (郑州、洛阳市政府), and carries the first name's 各/相关 or
// level prefix to the others (各省辖市、省直管试点县(市)政府).
func (g *Grammar) distribute(items []item) {
	for i := len(items) - 1; i > 0; i-- {
		suf := govSuffix(items[i].text)
		if suf == "" || !isBarePlace(items[i-1].text) {
			continue
		}
		stem := []rune(strings.TrimSuffix(items[i].text, suf))
		level := ""
		if n := len(stem); n > 0 && strings.ContainsRune("市县区", Fold(stem[n-1])) {
			level = string(stem[n-1])
		}
		j := i
		for j > 0 && isBarePlace(items[j-1].text) {
			j--
		}
		for k := j; k < i; k++ {
			t := items[k].text
			if level != "" && !endsWithLevel(t) {
				t += level
			}
			items[k].text = t + suf
		}
		first := items[j].text
		for k := j; k <= i; k++ {
			items[k].complete = true
			if k == j {
				continue
			}
			if gp := groupPrefix(first); gp != "" && !strings.HasPrefix(items[k].text, gp) {
				items[k].text = gp + items[k].text
			} else if lp := levelPrefix(first); lp != "" && gp == "" && levelPrefix(items[k].text) == "" && !g.hasPlace(items[k].text) {
				items[k].text = lp + items[k].text
			}
		}
		i = j
	}
}

// Complete reports whether name stands by itself, needing no prefix from
// its neighbours: it has a level prefix, is a government, names a place,
// or is a national or regional body.
func (g *Grammar) Complete(name string) bool {
	f := FoldString(name)
	switch {
	case levelPrefix(name) != "", groupPrefix(name) != "", govSuffix(name) != "":
		return true
	case hasAnyPrefix(f, nationalMarks), hasAnyPrefix(f, regionNames):
		return true
	case len([]rune(f)) >= 3 && f[:len("团")] == "团" && strings.ContainsRune("省市县区", []rune(f)[1]):
		return true // 团省委, 团市委
	case g.hasPlace(name):
		return true
	case placeNamed(f):
		return true
	}
	for _, a := range g.abbrev {
		if strings.HasPrefix(f, "中"+a) || (strings.HasPrefix(f, a) && isEnterprise(f)) {
			return true
		}
	}
	return false
}

// placeNamedEnds end the names of bodies that are always named after
// their place and never carry a level prefix (郑州海关, 国家统计局…调查队).
var placeNamedEnds = []string{"海关", "调查队", "海事局", "边检站", "军分区", "银保监分局", "金融监管分局", "出入境边防检查站"}

// placeNamed reports whether a folded name, written without a level
// prefix, is one of those bodies: a place of two characters or more, then
// the ending.
func placeNamed(f string) bool {
	if levelPrefix(f) != "" {
		return false
	}
	for _, e := range placeNamedEnds {
		if strings.HasSuffix(f, e) && utf8.RuneCountInString(f)-utf8.RuneCountInString(e) >= 2 {
			return true
		}
	}
	return false
}

// hasPlace reports whether a known place name occurs in name.
func (g *Grammar) hasPlace(name string) bool {
	for _, p := range g.places {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// prefixOf is the prefix a name passes on to a following name written
// without one: its level prefix, or the place it starts with (河南银监局).
func (g *Grammar) prefixOf(name string) string {
	if p := levelPrefix(name); p != "" {
		return p
	}
	for _, p := range g.places {
		if strings.HasPrefix(name, p) && govSuffix(name) == "" {
			return p
		}
	}
	return ""
}

// carry puts prefix in front of a bare name. A government prefix (省政府)
// goes whole only to the offices a government has (法制办, 研究室); a party
// prefix (省委) only to party departments (宣传部); otherwise the level alone.
func carry(prefix, name string) string {
	r := []rune(FoldString(name))
	last := r[len(r)-1]
	switch {
	case strings.HasSuffix(prefix, "政府"):
		if last == '办' || last == '室' {
			return prefix + name
		}
		return strings.TrimSuffix(prefix, "政府") + name
	case strings.HasSuffix(prefix, "委") && len([]rune(prefix)) == 2:
		if last == '部' {
			return prefix + name
		}
		return strings.TrimSuffix(prefix, "委") + name
	}
	return prefix + name
}

// levelPrefix returns the administrative-level prefix a name starts with:
// 省政府, 市委, 自治区, 省, 市 … ("" for 市场监管局, which is no 市 unit).
func levelPrefix(name string) string {
	f := FoldString(name)
	for _, p := range []string{"省政府", "市政府", "县政府", "区政府", "旗政府", "州政府", "盟行署", "省委", "市委", "县委", "区委", "旗委", "州委", "盟委", "自治区", "自治州", "自治县", "自治旗"} {
		if strings.HasPrefix(f, p) && len(f) > len(p) {
			return string([]rune(name)[:len([]rune(p))])
		}
	}
	for _, p := range []string{"省", "市", "县", "区", "旗", "州", "盟"} {
		if strings.HasPrefix(f, p) && len(f) > len(p) {
			rest := f[len(p):]
			if (p == "州" || p == "盟") && !EndsLikeUnit(f) {
				return "" // 州 and 盟 open few words, but some names
			}
			if p == "市" && strings.HasPrefix(rest, "场") {
				return "" // 市场监管局
			}
			if p == "区" && strings.HasPrefix(rest, "域") {
				return ""
			}
			return string([]rune(name)[:1])
		}
	}
	return ""
}

// groupPrefix returns 各 / 相关 / 有关 when a name opens with one.
func groupPrefix(name string) string {
	f := FoldString(name)
	for _, p := range []string{"各", "相关", "有关"} {
		if strings.HasPrefix(f, p) {
			return string([]rune(name)[:len([]rune(p))])
		}
	}
	return ""
}

// govSuffix returns the government-type suffix a name ends with (政府,
// 人民政府, 管委会 …, a trailing parenthesis allowed), or "".
func govSuffix(name string) string {
	f := FoldString(name)
	base := stripParens(f)
	for _, s := range []string{"人民政府", "政府", "管理委员会", "管委会"} {
		if strings.HasSuffix(base, s) && len(base) > len(s) {
			// return the suffix as printed, with any trailing parenthesis
			n := len([]rune(s)) + (len([]rune(f)) - len([]rune(base)))
			r := []rune(name)
			return string(r[len(r)-n:])
		}
	}
	return ""
}

// isBarePlace reports whether a list item is a place name waiting for a
// shared suffix: not a unit by itself (郑州, 济源示范区, 省直管试点县(市)).
func isBarePlace(s string) bool {
	if s == "" || EndsLikeUnit(s) {
		return false
	}
	f := FoldString(s)
	for _, w := range []string{"部门", "单位", "各地"} {
		if strings.HasSuffix(f, w) {
			return false
		}
	}
	for _, r := range f {
		if !unicode.Is(unicode.Han, r) && !strings.ContainsRune("()“”、", r) {
			return false
		}
	}
	return len([]rune(f)) <= 12
}

func endsWithLevel(s string) bool {
	f := stripParens(FoldString(s))
	r := []rune(f)
	return len(r) > 0 && (strings.ContainsRune("市县区盟旗", r[len(r)-1]) || strings.HasSuffix(f, "自治州"))
}

// EndsLikeUnit reports whether s ends the way the name of a body does
// (厅, 局, 委, 中心, 集团, 政府 …), a trailing parenthesis set aside.
func EndsLikeUnit(s string) bool {
	b := []rune(stripParens(FoldString(s)))
	if len(b) < 2 {
		return false
	}
	if strings.ContainsRune(unitEnds, b[len(b)-1]) {
		return true
	}
	f := string(b)
	for _, e := range unitEndWords {
		if strings.HasSuffix(f, e) {
			return true
		}
	}
	return false
}

// LooksLikeUnit reports whether s can stand as a unit in a bare list
// "(X,Y)": it ends like a body, or is a group (各县(市、区), 相关部门).
func LooksLikeUnit(s string) bool {
	s = Clean(s)
	if s == "" {
		return false
	}
	if EndsLikeUnit(s) || govSuffix(s) != "" {
		return true
	}
	return groupPrefix(s) != "" && len([]rune(s)) >= 3
}

// unitEnds are the last characters of the names of bodies; unitEndWords
// the endings whose last character alone says too little (试行, 核心).
const unitEnds = "厅局委办府会院司关团社联部所站队室馆处组署校"

var unitEndWords = []string{"银行", "分行", "支行", "总行", "大学", "中心", "部门", "单位", "电视台", "工厂", "农场", "林场"}

func isEnterprise(s string) bool {
	f := stripParens(FoldString(s))
	for _, e := range []string{"集团", "公司", "银行", "行", "所", "社"} {
		if strings.HasSuffix(f, e) {
			return true
		}
	}
	return false
}

// stripParens removes the parentheses that close a name: 各县(市、区)政府(管委会)
// → 各县(市、区)政府. The input must be folded.
func stripParens(f string) string {
	rs := []rune(f)
	end := len(rs)
	for end > 0 && Fold(rs[end-1]) == ')' {
		depth, cut := 0, -1
		for i := end - 1; i >= 0; i-- {
			switch Fold(rs[i]) {
			case ')':
				depth++
			case '(':
				depth--
			}
			if depth == 0 {
				cut = i
				break
			}
		}
		if cut <= 0 {
			break
		}
		end = cut
	}
	return string(rs[:end])
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' {
			return -1
		}
		return r
	}, s)
}

func isGenericPlaceWord(s string) bool {
	for _, w := range []string{"省辖", "各省", "全省", "全市", "各市", "本市", "本省", "城市", "省直", "相关", "有关", "直管"} {
		if strings.HasPrefix(s, w) || s == w {
			return true
		}
	}
	return false
}

// nationalMarks open the names of central and national bodies and of their
// branches, which carry no local prefix.
var nationalMarks = []string{"中国", "中华", "中央", "中共", "国家", "国务院", "全国", "人行", "人民银行", "国网", "共青团", "武警", "解放军", "中铁", "中石", "中建"}

// regionNames are names of regions larger than a province's parts that
// companies take as their own (中原银行).
var regionNames = []string{"中原", "华北", "华东", "华南", "华中", "西北", "西南", "东北", "齐鲁", "燕赵", "三晋", "荆楚", "巴蜀", "江淮", "关中", "岭南", "八桂", "长三角", "珠三角", "京津冀", "粤港澳", "成渝", "黄淮"}

var provinces = []string{
	"北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东",
	"河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
	"香港", "澳门", "台湾",
}
