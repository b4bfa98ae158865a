package units

import (
	"regexp"
	"strings"
)

// Trailing words that are not part of a unit's name.
var (
	reTrailEtc  = regexp.MustCompile(`等(?:相关|有关|其他|其它)?(?:[0-9一二三四五六七八九十]+个)?(?:部门|单位|成员单位|机构|地方)?$`)
	reTrailDuty = regexp.MustCompile(`(?:按照?职责分工|按职责|根据职责分工|根据职责|分别)?(?:牵头负责|负责落实|负责|落实|牵头|配合|参与|协助|协办|共同推进)$`)
	reLead      = regexp.MustCompile(`^(?:由|请)`)
)

// Clean drops from one list item the words that are not part of a name:
// 由 before it, 等 / 等相关部门 / 按职责分工负责 / 负责落实 / 牵头 after it.
func Clean(s string) string {
	s = strings.TrimSpace(s)
	for {
		f := FoldString(s)
		n := len(f)
		f = reLead.ReplaceAllString(f, "")
		f = reTrailDuty.ReplaceAllString(f, "")
		f = reTrailEtc.ReplaceAllString(f, "")
		f = strings.TrimRight(f, "。.;:,、 ")
		if len(f) == n {
			return s
		}
		s = cutLike(s, f)
	}
}

// cutLike returns the part of orig that folds to sub, where sub is what is
// left of orig after trimming folded text at either end.
func cutLike(orig, sub string) string {
	or := []rune(orig)
	fr := []rune(FoldString(orig))
	sr := []rune(sub)
	for i := 0; i+len(sr) <= len(fr); i++ {
		if string(fr[i:i+len(sr)]) == sub {
			return string(or[i : i+len(sr)])
		}
	}
	return sub
}
