package notice

import (
	"strings"
	"testing"
)

// TestHostileInputs feeds shapes that once made the parser quadratic; a
// return to that shows as this test running into the test timeout.
func TestHostileInputs(t *testing.T) {
	for name, s := range map[string]string{
		"spaces":         strings.Repeat("1. ", 20000),
		"parens":         strings.Repeat("(", 20000) + strings.Repeat(")", 20000),
		"markers":        strings.Repeat("1.发展。(市商务局负责)", 5000),
		"commas":         "1.发展。(" + strings.Repeat("市商务局、", 20000) + ")",
		"long":           "1." + strings.Repeat("发展经济", 50000),
		"glued":          strings.Repeat(")1.a", 10000),
		"labels":         "1.发展。" + strings.Repeat("责任单位:市商务局。", 5000),
		"lines":          "1.发展" + strings.Repeat("\n发展经济", 30000),
		"brackets":       "1.发展(" + strings.Repeat("\n市商务局", 30000),
		"cell rows":      "序号\n工作任务\n牵头单位\n配合单位\n" + strings.Repeat("1\n发展经济\n市商务局\n市财政局\n", 10000),
		"cell row":       "序号\n工作任务\n牵头单位\n配合单位\n1\n" + strings.Repeat("市商务局、\n", 30000),
		"header words":   strings.Repeat("工作任务\n", 30000),
		"wide row":       "序号 工作任务 牵头单位 配合单位\n1 " + strings.Repeat("市商务局 ", 30000),
		"pipe rows":      "序号 | 任务 | 牵头单位 |\n" + strings.Repeat("1 | 发展 | 市商务局 |\n", 20000),
		"tab row":        "序号\t任务\t牵头单位\n1\t" + strings.Repeat("发展\t", 30000),
		"first leads":    "1.发展。(" + strings.Repeat("列第一位的为牵头单位，", 5000) + ")",
		"assigns":        "一、" + strings.Repeat("市商务局", 20000) + "牵头的工作\n1.发展。",
		"names":          "1.发展。\n责任领导：" + strings.Repeat("王 健 ", 20000),
		"bracket labels": "1.发展。" + strings.Repeat("【牵头单位】市商务局", 5000),
	} {
		_, err := Parse(s)
		if e, ok := err.(*Error); ok && strings.HasPrefix(e.En, "internal error") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
