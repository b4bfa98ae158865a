package notice

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse holds that no text makes the parser panic, and that what it
// returns is always writable as the JSON format.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"一、发展\n1.发展物流。(市商务局负责)\n2.发展口岸。\n责任单位:市发展改革委",
		"（一）扩大投资。（市发展改革委牵头，市财政局配合，年内持续推进）",
		"序号 | 任务 | 牵头单位 | 配合单位 | 完成时限 |\n1 | 发展 | 市商务局 | 2023年6月底 | |",
		"序号 重点任务 责任领导 牵头单位 配合单位 完成时限\n1 发展。 张三 市商务局 市财政局 2024年12月底前",
		"1.(((())))牵头牵头,,,、、、和及等\n由负责落实。",
		"每月31日前报送进展情况。从2023年13月起。2023年2月30日",
		"序号\n工作任务\n牵头单位\n配合单位\n1\n发展\n市商务局、市\n财政局\n一、稳增长\n2\n发展。\n2024年6月",
		"工作任务\t牵头单位\t责任单位\n1.发展\t市商务局\t\t\n | | 市财政局 |",
		"一、张三县长主抓重点工作\n1.发展。（列第一位的为牵头单位，下同）\n责任领导：王 健（副县长）",
	} {
		f.Add(s)
	}
	// the corpus holds every table flattening and hand of the genre
	corpus, _ := filepath.Glob("../../testdata/corpus/*.txt")
	for _, p := range append(seedFiles(f), corpus...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b[:min(len(b), 4096)]))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if strings.HasPrefix(e.En, "internal error") {
				t.Fatalf("the parser failed inside: %v", e)
			}
			if !utf8.ValidString(s) || n == nil {
				return
			}
		}
		if _, err := json.Marshal(n); err != nil {
			t.Fatalf("cannot write JSON: %v", err)
		}
		for _, tk := range n.Tasks {
			for _, u := range tk.Units() {
				if u == "" {
					t.Fatal("empty unit name")
				}
			}
		}
	})
}
