package notice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// A quantitative target: an indicator, an optional verb, a number, a unit of
// measure and an optional bound word. Matched on the task's own text.
var reTarget = regexp.MustCompile(
	`([\p{Han}A-Za-z0-9.“”]{0,16}?)` + // indicator and verb
		`(不低于|不少于|不超过|不高于|不大于|低于|超过|突破|达到|达|保持在|稳定在|控制在|增长|提高|提升|下降|降低|减少|新增|完成|实现|约)?` +
		`(\d+(?:\.\d+)?)\s*` +
		`(个百分点|%|‰|万亿元|亿元|万元|元|万人次|人次|万人|人|万吨|吨|亿斤|万斤|万亩|亩|万千瓦|千瓦|兆瓦|万标箱|公里|千米|米|微克/立方米|平方米|万平方米|万套|套|万户|户|万个|个|家|所|张|项|座|条|天|辆|台|件|倍|处|栋|间|次|名|位)` +
		`(以上|以下|以内|左右|及以上|之内|上下)?`)

// verbs that end an indicator and do not belong to it
var targetVerbs = []string{"不低于", "不少于", "不超过", "不高于", "不大于", "低于", "超过", "突破", "达到", "达", "保持在", "稳定在", "控制在", "增长", "提高", "提升", "下降", "降低", "减少", "完成", "实现", "约", "力争", "确保", "全年", "年度", "力争达到"}

// findTargets returns the quantitative targets in a task's text:
// 新增贷款7000亿元以上 → {新增贷款, >=, 7000, 亿元}; 控制在5.5%以内 → {…, <=, 5.5, %}.
func findTargets(text string) []Target {
	var out []Target
	for _, clauseText := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("，,。；;、：:", r) }) {
		if !strings.ContainsAny(clauseText, "0123456789") {
			continue
		}
		for _, loc := range reTarget.FindAllStringSubmatchIndex(clauseText, -1) {
			m := make([]string, 6)
			for k := range m {
				if loc[2*k] >= 0 {
					m[k] = clauseText[loc[2*k]:loc[2*k+1]]
				}
			}
			ind, verb, num, unit, bound := m[1], m[2], m[3], m[4], m[5]
			// 24个创新项目, 洛阳等10个枢纽: a count names what it counts after it
			if strings.Contains(classifiers, unit) {
				if after := nounAfter(clauseText[loc[1]:]); after != "" {
					ind = after
				}
			}
			// years, dates and plan names are not targets
			if strings.HasSuffix(ind, "第") || strings.HasSuffix(m[0], "年") {
				continue
			}
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				continue
			}
			ind = strings.Trim(ind, "“”")
			for changed := true; changed; {
				changed = false
				for _, w := range targetVerbs {
					if strings.HasPrefix(ind, w) && len(ind) > len(w) {
						ind, changed = strings.TrimPrefix(ind, w), true
					}
					if strings.HasSuffix(ind, w) {
						ind, changed = strings.TrimSuffix(ind, w), true
					}
				}
			}
			if ind == "" {
				continue
			}
			out = append(out, Target{Indicator: ind, Op: targetOp(verb, bound), Value: v, Unit: unit, Text: strings.TrimSpace(m[0])})
		}
	}
	return out
}

const classifiers = "个家所张项座条套户处栋间名位件辆台"

// nounAfter returns the noun phrase a count is followed by, up to the next
// verb or the end of the clause ("省重点项目建设" → "省重点项目").
func nounAfter(s string) string {
	rs := []rune(s)
	n := 0
	for n < len(rs) && n < 14 && (unicode.Is(unicode.Han, rs[n]) || rs[n] == '“' || rs[n] == '”') {
		n++
	}
	out := string(rs[:n])
	for _, v := range []string{"建设", "项目建设", "落地", "开工", "投用", "建成", "以上", "左右"} {
		if v != "项目建设" && strings.HasSuffix(out, v) && len(out) > len(v) {
			out = strings.TrimSuffix(out, v)
		}
	}
	return strings.Trim(out, "“”")
}

func targetOp(verb, bound string) string {
	switch bound {
	case "以上", "及以上":
		return ">="
	case "以下", "以内", "之内":
		return "<="
	case "左右", "上下":
		return "≈"
	}
	switch verb {
	case "不低于", "不少于", "达到", "达":
		return ">="
	case "不超过", "不高于", "不大于", "控制在":
		return "<="
	case "超过", "突破":
		return ">"
	case "低于":
		return "<"
	case "约":
		return "≈"
	}
	return "="
}

// FindTargets returns the quantitative targets in a task's text, for a text
// the office has edited.
func FindTargets(text string) []Target { return findTargets(text) }

var opSigns = map[string]string{">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "≈": "≈"}

// String is the target as one line: "新增贷款 ≥ 7000 亿元".
func (t Target) String() string {
	op, ok := opSigns[t.Op]
	if !ok {
		op = t.Op
	}
	var parts []string
	for _, p := range []string{strings.TrimSpace(t.Indicator), op, strconv.FormatFloat(t.Value, 'f', -1, 64), strings.TrimSpace(t.Unit)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// FormatTargets writes targets one per line, as ParseTargets reads them.
func FormatTargets(ts []Target) string {
	lines := make([]string, len(ts))
	for i, t := range ts {
		lines[i] = t.String()
	}
	return strings.Join(lines, "\n")
}

// ParseTargets reads targets written one per line as "指标 ≥ 数值 单位";
// the comparison may be ≥ ≤ > < = ≈ (or >= <=). A line it cannot read is
// an error that names it.
func ParseTargets(s string) ([]Target, error) {
	out := []Target{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		at := -1
		op := ""
		for j, w := range f {
			for code, sign := range opSigns {
				if w == sign || w == code {
					at, op = j, code
				}
			}
			if at >= 0 {
				break
			}
		}
		if at < 0 || at+1 >= len(f) {
			return nil, fmt.Errorf("第 %d 行“%s”格式不对：应写作“指标 ≥ 数值 单位”，例如“新增贷款 ≥ 7000 亿元”", i+1, line)
		}
		v, err := strconv.ParseFloat(f[at+1], 64)
		if err != nil {
			return nil, fmt.Errorf("第 %d 行“%s”的数值“%s”不是数字", i+1, line, f[at+1])
		}
		out = append(out, Target{Indicator: strings.Join(f[:at], ""), Op: op, Value: v,
			Unit: strings.Join(f[at+2:], ""), Text: line})
	}
	return out, nil
}
