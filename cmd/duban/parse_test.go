package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"unicode"
)

// runCmd runs duban with args and returns exit status, stdout, stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func hasLatin(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			return true
		}
	}
	return false
}

// TestParseBadInput: every kind of bad input ends with one line in Chinese
// and English and exit status 1, never a panic.
func TestParseBadInput(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	binary := bytes.Repeat([]byte{0, 1, 2, 3, 0xff, 0xfe, 0x00, 0x10}, 200)
	brokenUTF8 := append([]byte("一、发展\n1.发展物流。(市商务局负责)\n"), 0xe4, 0xb8, '\n', 0xff)
	big := filepath.Join(t.TempDir(), "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// a sparse 50 MB file: refused before it is read
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tests := []struct {
		name, path string
	}{
		{"empty", write(t, "empty.txt", nil)},
		{"blank", write(t, "blank.txt", []byte(" \n\n\t\n"))},
		{"binary", write(t, "data.bin", binary)},
		{"image", write(t, "scan.png", png)},
		{"image named txt", write(t, "scan.txt", png)},
		{"old word", write(t, "notice.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...))},
		{"broken utf-8", write(t, "broken.txt", brokenUTF8)},
		{"no tasks", write(t, "letter.txt", []byte("各位同事：\n下周一上午九点在三楼会议室开会，请准时参加。\n办公室\n2023年3月1日\n"))},
		{"50 MB", big},
		{"missing", filepath.Join(t.TempDir(), "nope.txt")},
		{"directory", t.TempDir()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, "", "parse", tc.path)
			if code != 1 {
				t.Errorf("exit %d, want 1 (stderr %q)", code, errs)
			}
			if out != "" {
				t.Errorf("wrote output for bad input: %.80q", out)
			}
			lines := strings.Split(strings.TrimRight(errs, "\n"), "\n")
			if len(lines) != 1 || !hasHan(errs) || !hasLatin(errs) {
				t.Errorf("want one line in Chinese and English, got %q", errs)
			}
			if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine") {
				t.Errorf("stack trace reached the user: %q", errs)
			}
		})
	}
}

func TestParseUsage(t *testing.T) {
	for _, args := range [][]string{{"parse"}, {"parse", "a", "b"}, {"parse", "--format", "pdf", "x.txt"}, {"frobnicate"}} {
		code, _, errs := runCmd(t, "", args...)
		if code != 2 || !strings.Contains(errs, "用法") && !strings.Contains(errs, "不支持") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestParseSeedJSON(t *testing.T) {
	seed := "../../testdata/seeds/003_3e46e4340744d19e.txt"
	code, out, errs := runCmd(t, "", "parse", seed, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Issuer    string `json:"issuer"`
		DocNumber string `json:"doc_number"`
		Schedule  struct {
			PlanDue string `json:"plan_due"`
		} `json:"schedule"`
		Tasks []struct {
			No   string   `json:"no"`
			Lead []string `json:"lead"`
		} `json:"tasks"`
		Warnings []any `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Issuer != "河南省人民政府" || doc.DocNumber != "豫政〔2026〕4号" || doc.Schedule.PlanDue != "2026-03-10" {
		t.Errorf("header: %+v", doc)
	}
	if len(doc.Tasks) != 148 || doc.Tasks[0].No != "1" || len(doc.Tasks[0].Lead) != 1 {
		t.Errorf("tasks: %d, first %+v", len(doc.Tasks), doc.Tasks[0])
	}
	if doc.Warnings == nil {
		t.Error("warnings must be a list, even when empty")
	}
}

func TestParseStdinAndText(t *testing.T) {
	src, err := os.ReadFile("../../testdata/seeds/001_c42bd75bfea9daab.txt")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, string(src), "parse", "--format", "text", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"河南省人民政府办公厅", "任务 79 项", "每季度报告", "一、强化开放带动和改革创新", "责任：省工业和信息化厅、省商务厅"} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q", want)
		}
	}
}

func TestParseOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ledger.json")
	code, stdout, errs := runCmd(t, "", "parse", "-o", out, "../../testdata/seeds/004_68ec9eb8236667d4.txt")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil || !json.Valid(b) {
		t.Fatalf("output file: %v", err)
	}
	// a failed parse leaves no file behind
	bad := filepath.Join(dir, "bad.json")
	runCmd(t, "", "parse", "-o", bad, write(t, "e.txt", nil))
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a failed parse left %s", bad)
	}
}

// TestVersion: `duban --version` and `duban version` name the build: its
// commit, the commit's time and whether the tree was modified.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		code, out, errs := runCmd(t, "", arg)
		if code != 0 || !strings.HasPrefix(out, "duban ") || !strings.Contains(out, "go1.") || errs != "" {
			t.Errorf("duban %s: exit %d, stdout %q, stderr %q", arg, code, out, errs)
		}
	}
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "4aab710c0ffee0000000000000000000000000ab"}, {Key: "vcs.time", Value: "2026-12-03T07:00:00Z"},
		{Key: "vcs.modified", Value: "true"}}}
	got := versionOf(bi)
	for _, want := range []string{"4aab710c0ffe", "2026-12-03T07:00:00Z", "modified", "go1.26.0"} {
		if !strings.Contains(got, want) {
			t.Errorf("version %q lacks %q", got, want)
		}
	}
}

// TestParseOutputChoices: -o picks the format by its extension or says it
// cannot; the file is as readable as any new file; a missing directory is
// named as the user typed it.
func TestParseOutputChoices(t *testing.T) {
	seed := "../../testdata/seeds/004_68ec9eb8236667d4.txt"
	dir := t.TempDir()
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, c := range []struct {
		name  string
		check func([]byte) bool
	}{
		{"l.json", json.Valid},
		{"l.csv", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\ufeff序号,")) }},
		{"l.xlsx", func(b []byte) bool { return bytes.HasPrefix(b, []byte("PK")) }},
		{"l.txt", func(b []byte) bool { return !json.Valid(b) && hasHan(string(b)) }},
	} {
		out := filepath.Join(dir, c.name)
		if code, _, errs := runCmd(t, "", "parse", "-o", out, seed); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil || !c.check(b) {
			t.Errorf("%s: wrong content: %.40q", c.name, b)
		}
		if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want -rw-r--r-- (0644 less the umask 022)", c.name, fi.Mode().Perm())
		}
	}
	for _, name := range []string{"l.pdf", "l.docx"} {
		out := filepath.Join(dir, name)
		code, _, errs := runCmd(t, "", "parse", "-o", out, seed)
		if code != 2 || !strings.Contains(errs, filepath.Ext(name)) || !strings.Contains(errs, "--format") {
			t.Errorf("%s: exit %d %q, want 2 and a reason", name, code, errs)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s was written", name)
		}
	}
	missing := filepath.Join(dir, "no", "such", "x.json")
	code, _, errs := runCmd(t, "", "parse", "-o", missing, seed)
	if code != 1 || !strings.Contains(errs, missing) || strings.Contains(errs, ".duban-") || !strings.Contains(errs, "不存在") {
		t.Errorf("missing directory: exit %d %q, want the path as typed", code, errs)
	}
}

// TestFlagErrorsInChinese: a mistyped flag is explained in Chinese above
// the command's usage, for every subcommand.
func TestFlagErrorsInChinese(t *testing.T) {
	for _, args := range [][]string{{"parse", "--nope", "x"}, {"serve", "--addr"}, {"import", "--show-warnings=maybe", "x"}, {"parse", "-o"},
		{"export", "--nope"}, {"backup", "--nope"}, {"restore", "--nope"}, {"user", "list", "--nope"}, {"serve", "--tz"}} {
		code, out, errs := runCmd(t, "", args...)
		first, _, _ := strings.Cut(errs, "\n")
		if code != 2 || out != "" || !hasHan(first) || !strings.Contains(errs, "用法") {
			t.Errorf("%v: exit %d, stderr %q; want 2, a Chinese first line and the usage", args, code, errs)
		}
	}
	if code, _, errs := runCmd(t, "", "parse", "-h"); code != 0 || strings.Contains(errs, "flag") {
		t.Errorf("-h: exit %d %q", code, errs)
	}
}

// TestImportMissingFileTouchesNoDatabase: a mistyped file name is reported
// and no database is created for it.
func TestImportMissingFileTouchesNoDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "duban.db")
	code, _, errs := runCmd(t, "", "import", "--db", db, filepath.Join(t.TempDir(), "nosuch.txt"))
	if code != 1 || !strings.Contains(errs, "nosuch.txt") {
		t.Errorf("exit %d %q, want 1 naming the file", code, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("importing a missing file created %s", db)
	}
}

// A notice whose items are only in attached tables parses: the rows come
// out under their tables' titles, and nothing asks for body tasks.
func TestParseTablesOnly(t *testing.T) {
	code, out, errs := runCmd(t, "", "parse", "--format", "text", "../../testdata/corpus/c12_two_tables_pipes.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"任务 0 项，附件台账 5 行", "附件1：2024年区重点工作任务清单", "附件2：2024年区重点项目清单", "区第二实验小学建设项目｜黄磊｜区教育局"} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q:\n%s", want, out)
		}
	}
}
