package notice

import (
	"strings"
	"testing"
)

// TestHostileInputs feeds shapes that once made the parser quadratic; a
// return to that shows as this test running into the test timeout.
func TestHostileInputs(t *testing.T) {
	for name, s := range map[string]string{
		"spaces":   strings.Repeat("1. ", 20000),
		"parens":   strings.Repeat("(", 20000) + strings.Repeat(")", 20000),
		"markers":  strings.Repeat("1.发展。(市商务局负责)", 5000),
		"commas":   "1.发展。(" + strings.Repeat("市商务局、", 20000) + ")",
		"long":     "1." + strings.Repeat("发展经济", 50000),
		"glued":    strings.Repeat(")1.a", 10000),
		"labels":   "1.发展。" + strings.Repeat("责任单位:市商务局。", 5000),
		"lines":    "1.发展" + strings.Repeat("\n发展经济", 30000),
		"brackets": "1.发展(" + strings.Repeat("\n市商务局", 30000),
	} {
		_, err := Parse(s)
		if e, ok := err.(*Error); ok && strings.HasPrefix(e.En, "internal error") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
