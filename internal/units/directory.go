package units

import (
	"strings"
	"unicode"
)

// Key is the form under which the unit directory files a name, so that the
// same unit printed with full- or half-width brackets, traditional
// characters or stray spaces is found as one.
func Key(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, FoldString(name))
}

// IsGroup reports whether name stands for several units at once
// (各省辖市政府, 各县(市、区)政府, 有关部门), which the office can give
// member units.
func IsGroup(name string) bool {
	for _, p := range []string{"各", "有关", "相关", "其他"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
