package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
