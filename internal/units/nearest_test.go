package units

import (
	"slices"
	"strings"
	"testing"
)

func TestNearest(t *testing.T) {
	known := []string{"省商务厅", "省财政厅", "省发展改革委", "省人力资源社会保障厅", "市商务局", "省商务厅驻京办", "省 商务厅"}
	tests := []struct {
		typed string
		want  []string
	}{
		{"省商务听", []string{"省商务厅"}},              // one wrong character; 省财政厅 is three away; 省 商务厅 is the same name
		{"省发展改革委员", []string{"省发展改革委"}},         // one extra
		{"省人力资源和社会保障厅", []string{"省人力资源社会保障厅"}}, // one inserted
		{"河南日报社", nil},                          // nothing near
		{"省商务厅", nil},                           // itself is not a suggestion
	}
	for _, tc := range tests {
		got := Nearest(tc.typed, known, 3)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Nearest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// A directory far larger than the scan limit costs bounded work and still
// answers.
func TestNearestBounded(t *testing.T) {
	known := make([]string, 3*maxNearScan)
	for i := range known {
		known[i] = "县" + strings.Repeat("甲", i%7) + "局"
	}
	known[len(known)-1] = "省商务厅" // beyond the scan limit: not looked at
	if got := Nearest("省商务听", known, 3); len(got) != 0 {
		t.Errorf("looked beyond the scan limit: %q", got)
	}
	if got := Nearest(strings.Repeat("长", 5000), known, 3); len(got) != 0 {
		t.Errorf("a very long name: %q", got)
	}
}

// BenchmarkNearest looks up a misspelt name among 50,000 names, the scan
// limit, as a national directory would hold.
func BenchmarkNearest(b *testing.B) {
	known := make([]string, maxNearScan)
	prov := []rune("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新")
	depts := []string{"财政局", "商务局", "发展改革委", "人力资源社会保障局", "自然资源局", "生态环境局", "住房城乡建设局", "交通运输局"}
	for i := range known {
		known[i] = string(prov[i%len(prov)]) + strings.Repeat("县", i%5) + depts[i%len(depts)]
	}
	b.ResetTimer()
	for b.Loop() {
		Nearest("豫县县商务听", known, 5)
	}
}
