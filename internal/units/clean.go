package units

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Words around a unit's name that are not part of it: 由 before it; 等 /
// 等相关部门 / 按职责分工负责 / 负责落实 / 牵头 and stray punctuation after it.
// One pass each, so a long run of them costs no more than reading it.
var (
	reCleanHead = regexp.MustCompile(`^(?:由|请)+`)
	reCleanTail = regexp.MustCompile(`(?:` +
		`等(?:相关|有关|其他|其它)?(?:[0-9一二三四五六七八九十]+个)?(?:部门|单位|成员单位|机构|地方)?` +
		`|(?:按照?职责分工|按职责|根据职责分工|根据职责|分别)?(?:牵头负责|负责落实|负责|落实|牵头|配合|参与|协助|协办|共同推进)` +
		`|[。.;:,、\s])+$`)
)

// Clean drops from one list item the words that are not part of a name.
func Clean(s string) string {
	s = strings.TrimSpace(s)
	f := FoldString(s)
	// Fold keeps rune counts, so rune offsets in f are offsets in s.
	head := utf8.RuneCountInString(reCleanHead.FindString(f))
	end := utf8.RuneCountInString(f)
	if loc := reCleanTail.FindStringIndex(f); loc != nil {
		end = utf8.RuneCountInString(f[:loc[0]])
	}
	if head >= end {
		return ""
	}
	return string([]rune(s)[head:end])
}
