package docin

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

var (
	errNotText  = &Error{"不是文本文件（内容含有大量二进制数据）", "not a text file (the content is binary)"}
	errEncoding = &Error{"文件不是有效的 UTF-8 或 GB18030 文本，可能已损坏；请用记事本另存为 UTF-8 后再导入", "the file is not valid UTF-8 or GB18030 text and may be damaged; save it as UTF-8 and import that"}
)

// readText reads a plain-text notice.
func readText(data []byte) (string, error) {
	s, bom, err := decodeText(data)
	if err != nil {
		return "", err
	}
	// A UTF-16 page cannot be recognised from its bytes; check it now.
	if bom && looksHTML([]byte(strings.TrimLeft(s, " \t\r\n\ufeff"))) {
		return htmlText(s)
	}
	s = clean(s)
	if strings.TrimSpace(s) == "" {
		return "", errEmpty
	}
	return s, nil
}

// decodeText turns the bytes of a text file into a string, detecting the
// encoding: a BOM (UTF-8, UTF-16 LE/BE), else UTF-8 when valid, else
// GB18030 when it decodes cleanly into mostly Chinese. bom reports a BOM.
func decodeText(data []byte) (s string, bom bool, err error) {
	if len(data) == 0 {
		return "", false, errEmpty
	}
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		rest := data[3:]
		if !utf8.Valid(rest) {
			return "", true, errEncoding
		}
		if looksBinary(rest) {
			return "", true, errNotText
		}
		return string(rest), true, nil
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		order := xunicode.LittleEndian
		if data[0] == 0xFE {
			order = xunicode.BigEndian
		}
		// ExpectBOM strips the BOM; bad surrogates become U+FFFD.
		out, err := xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", true, errEncoding
		}
		if looksBinary(out) {
			return "", true, errNotText
		}
		return string(out), true, nil
	}
	if looksBinary(data) {
		return "", false, errNotText
	}
	if utf8.Valid(data) {
		return string(data), false, nil
	}
	if s, ok := decodeGB18030(data); ok {
		return s, false, nil
	}
	return "", false, errEncoding
}

// looksBinary reports NUL bytes or a high share of other control bytes.
// A stray NUL in a long text is tolerated (clean drops it).
func looksBinary(b []byte) bool {
	nul, ctl := 0, 0
	for _, c := range b {
		switch {
		case c == 0:
			nul++
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b, c == 0x7f:
			ctl++
		}
	}
	return nul >= 8 || nul*1000 > len(b) || ctl*20 > len(b)
}

// decodeGB18030 decodes b when it is GB18030 (GBK, GB2312) text rather than
// broken UTF-8: broken UTF-8 has many well-formed multi-byte sequences
// among few bad bytes, while GBK read as UTF-8 is mostly bad bytes.
func decodeGB18030(b []byte) (string, bool) {
	good, bad := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		} else {
			good++
		}
		i += size
	}
	if good >= 3 && good >= 2*bad {
		return "", false
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return "", false
	}
	s := string(out)
	nonASCII, replaced, plausible := 0, 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		nonASCII++
		switch {
		case r == utf8.RuneError:
			replaced++
		case plausibleCJK(r):
			plausible++
		}
	}
	if replaced > 1+nonASCII/100 || plausible*100 < nonASCII*85 {
		return "", false
	}
	return s, true
}

// plausibleCJK: characters a Chinese notice is made of (Han, CJK and
// full-width punctuation, common symbols GB2312 carries).
func plausibleCJK(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r):
		return true
	case r >= 0x2000 && r <= 0x33FF, // punctuation, symbols, circled numbers, kana
		r >= 0xFE30 && r <= 0xFE4F,                             // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFFEF,                             // full-width forms
		r >= 0x0391 && r <= 0x03C9, r >= 0x0401 && r <= 0x0451, // Greek, Cyrillic in GB2312
		r == 0xB7, r == 0xD7, r == 0xF7, r == 0xB0, r == 0xA7, r == 0xA4, r == 0xA8, r == 0xB1,
		r == 0xE0, r == 0xE1, r == 0xE8, r == 0xE9, r == 0xEA, r == 0xEC, r == 0xED, r == 0xF2, r == 0xF3, r == 0xF9, r == 0xFA, r == 0xFC: // pinyin vowels
		return true
	}
	return false
}

// clean normalises line endings (\r\n, \r, form feed, vertical tab and the
// Unicode line/paragraph separators become \n) and drops control characters
// other than \t, the BOM and zero-width characters. Nothing else changes.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case r == '\n', r == '\f', r == '\v', r == 0x2028, r == 0x2029:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte('\t')
		case r == 0xFEFF, r >= 0x200B && r <= 0x200D, r == 0x2060:
		case unicode.IsControl(r):
		default:
			b.WriteRune(r) // invalid bytes become U+FFFD
		}
	}
	return b.String()
}
