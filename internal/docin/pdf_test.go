package docin

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// makePDF writes a minimal one-page PDF (Type1 Helvetica, ASCII lines).
func makePDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("0 -20 Td\n")
		}
		fmt.Fprintf(&content, "(%s) Tj\n", l)
	}
	content.WriteString("ET\n")
	c := content.String()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(c), c),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offsets []int
	for i, o := range objs {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestReadPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils); TestReadPDFWithoutPdftotext covers the error")
	}
	t.Run("text", func(t *testing.T) {
		got, err := Read("notice.pdf", makePDF([]string{"1. Task one", "2. Task two"}))
		if err != nil {
			t.Fatal(err)
		}
		if got != "1. Task one\n2. Task two" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("sniffed without a name", func(t *testing.T) {
		got, err := Read("", makePDF([]string{"Task"}))
		if err != nil || got != "Task" {
			t.Errorf("got %q, %v", got, err)
		}
	})
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"scan: no text", makePDF(nil), "扫描件"},
		{"page numbers only", makePDF([]string{"- 1 -"}), "文字识别"},
		{"damaged", []byte("%PDF-1.4\nthis is not a pdf\n"), "PDF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("notice.pdf", tt.data)
			if e := asError(t, err); !strings.Contains(e.Zh, tt.want) {
				t.Errorf("error %q does not contain %q", e.Zh, tt.want)
			}
		})
	}
}

func TestReadPDFWithoutPdftotext(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Read("notice.pdf", makePDF([]string{"1. Task one"}))
	e := asError(t, err)
	if !strings.Contains(e.Zh, "poppler-utils") || !strings.Contains(e.En, "poppler-utils") {
		t.Errorf("error %q does not name poppler-utils", err)
	}
}
