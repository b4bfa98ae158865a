package docin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"
)

// pdfTimeout bounds pdftotext; a hostile PDF must not hang an import.
const pdfTimeout = 30 * time.Second

// maxPDFText caps what pdftotext may write: the text Read may return,
// and some room for what clean() drops.
const maxPDFText = MaxText + MaxText/4

// readPDF extracts text with poppler's pdftotext. Broken lines are left
// alone: the parser joins them.
func readPDF(parent context.Context, data []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", &Error{
			"无法读取 PDF：未安装 pdftotext，请安装 poppler-utils 软件包（apt-get install poppler-utils）",
			"cannot read PDF: pdftotext is not installed; install the poppler-utils package (apt-get install poppler-utils)",
		}
	}
	f, err := os.CreateTemp("", "docin-*.pdf")
	if err != nil {
		return "", fmt.Errorf("docin: temp file for PDF: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("docin: write temp PDF: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("docin: write temp PDF: %w", err)
	}

	ctx, cancel := context.WithTimeout(parent, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-nopgbrk", f.Name(), "-")
	out := &capBuffer{max: maxPDFText}
	var stderr capBuffer
	stderr.max = 4096
	cmd.Stdout, cmd.Stderr = out, &stderr
	err = cmd.Run()
	if err := parent.Err(); err != nil {
		return "", err
	}
	if ctx.Err() == context.DeadlineExceeded {
		return "", &Error{"读取 PDF 超时（超过 30 秒），文件可能过于复杂或已损坏", "reading the PDF timed out (over 30 s); it may be too complex or damaged"}
	}
	if out.over {
		return "", errTooMuchText
	}
	if err != nil {
		msg := strings.ToLower(stderr.String())
		var ee *exec.ExitError
		switch {
		case strings.Contains(msg, "password") || errors.As(err, &ee) && ee.ExitCode() == 3:
			return "", &Error{"PDF 文件已加密或受权限保护，无法读取文字；请提供未加密的文件", "the PDF is encrypted or protected; provide an unprotected file"}
		case errors.As(err, &ee):
			return "", &Error{"PDF 文件已损坏，无法读取", "the PDF file is damaged and cannot be read"}
		}
		return "", fmt.Errorf("docin: run pdftotext: %w", err)
	}
	text := strings.Trim(clean(out.String()), "\n")
	if !hasLetter(text) {
		return "", &Error{
			"PDF 中没有可提取的文字，看起来是扫描件，需先进行文字识别（OCR）",
			"the PDF has no extractable text; it looks scanned and needs OCR first",
		}
	}
	return text, nil
}

// hasLetter: page numbers alone ("- 1 -") do not make a text PDF.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// capBuffer keeps at most max bytes and remembers that it dropped some.
type capBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *capBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); len(p) > room {
		c.over = true
		c.Buffer.Write(p[:max(room, 0)])
		return len(p), nil // keep reading so the process does not block
	}
	return c.Buffer.Write(p)
}
