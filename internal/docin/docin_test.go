package docin

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// asError fails unless err is a one-line *Error with both languages.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	if e.Zh == "" || e.En == "" || strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("bad *Error %q", err.Error())
	}
	return e
}

const sampleNotice = "河南省人民政府\n" +
	"关于明确政府工作报告提出的2023年重点工作责任单位的通知\n" +
	"豫政〔2023〕5号\n" +
	"一、加快提振市场信心\n" +
	"(一)全面促进消费增长。\n" +
	"　　1.把恢复和扩大消费摆在优先位置，改善消费条件。(省商务厅、财政厅等相关部门按职责分工负责)\n" +
	"序号 | 项目(任务) | 责任领导 | 责任单位 | 配合单位 | 拟完成时限 |\n" +
	"1 | 加快推进重点项目建设。 | 万战伟 | 市发展改革委 | 各县(市、区)政府 | 2023年12月月底前 |\n"

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16(t testing.TB, s string, order xunicode.Endianness) []byte {
	t.Helper()
	b, err := xunicode.UTF16(order, xunicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadText(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"utf8", []byte(sampleNotice), sampleNotice},
		{"utf8 BOM", append([]byte("\xEF\xBB\xBF"), sampleNotice...), sampleNotice},
		{"gb18030", gbk(t, sampleNotice), sampleNotice},
		{"gb18030 four-byte character", gbk(t, "责任人：王䶮\n"), "责任人：王䶮\n"},
		{"utf16le BOM", utf16(t, sampleNotice, xunicode.LittleEndian), sampleNotice},
		{"utf16be BOM", utf16(t, sampleNotice, xunicode.BigEndian), sampleNotice},
		{"line endings and page breaks", []byte("一、甲\r\n二、乙\r三、丙\f四、丁\n"), "一、甲\n二、乙\n三、丙\n四、丁\n"},
		{"controls and zero-width dropped, tabs and spaces kept", []byte("一、\x01甲\u200b乙\u2060\ufeff\t丙  丁\x7f　戊，加快提振市场信心。"), "一、甲乙\t丙  丁　戊，加快提振市场信心。"},
		{"full-width punctuation untouched", []byte("（一）ＡＢＣ，１２３。"), "（一）ＡＢＣ，１２３。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read("notice.txt", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// A real notice in GB18030 reads the same as its UTF-8 original.
func TestReadSeedsGB18030(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/seeds/*.txt")
	if len(files) == 0 {
		t.Skip("no seed files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Read(f, data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read(f, gbk(t, string(data)))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("GB18030 text differs from UTF-8 text")
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	broken := []byte(sampleNotice)
	broken = append(broken[:40:40], append([]byte{0xFF, 0xE4, 0xB8}, broken[40:]...)...)
	binary := bytes.Repeat([]byte{0, 1, 2, 3, 'a', 0, 0xFF, 0x10}, 100)
	tests := []struct {
		name string
		file string
		data []byte
		want string // in the Chinese message
	}{
		{"empty", "a.txt", nil, "文件为空"},
		{"only white space", "a.txt", []byte(" \r\n\t\u3000\n"), "文件为空"},
		{"only BOM", "a.txt", []byte("\xEF\xBB\xBF"), "文件为空"},
		{"only zero-width", "a.txt", []byte("\u200b\u200b"), "文件为空"},
		{"broken utf8", "a.txt", broken, "文件不是有效的 UTF-8 或 GB18030 文本"},
		{"broken utf8 after BOM", "a.txt", append([]byte("\xEF\xBB\xBF"), broken...), "文件不是有效的 UTF-8 或 GB18030 文本"},
		{"latin1 is not gb18030", "a.txt", []byte("Caf\xe9 na\xefve \xe0 la cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu"), "文件不是有效的 UTF-8 或 GB18030 文本"},
		{"binary with NUL", "a.txt", binary, "不是文本文件"},
		{"utf16 binary", "a.txt", append([]byte("\xFF\xFE"), bytes.Repeat([]byte{0, 0, 1, 0, 'a', 0}, 50)...), "不是文本文件"},
		{"png", "scan.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "文字识别"},
		{"jpeg", "", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), "图片"},
		{"gif", "", []byte("GIF89a\x01\x00\x01\x00"), "图片"},
		{"tiff", "", []byte("II*\x00\x08\x00\x00\x00"), "图片"},
		{"webp", "", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), "图片"},
		{"bmp", "", append([]byte("BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00"), make([]byte, 40)...), "图片"},
		{"ole2 doc", "notice.doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00"), "请另存为 .docx 后再导入"},
		{"ole2 named docx", "notice.docx", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00"), "另存为 .docx"},
		{"rtf", "notice.doc", []byte(`{\rtf1\ansi 通知}`), "另存为 .docx"},
		{"word 2003 xml", "notice.xml", []byte(`<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument>`), "另存为 .docx"},
		{"binary named docx", "notice.docx", binary, "扩展名为 .docx"},
		{"oversize", "a.txt", make([]byte, MaxSize+1), "文件过大"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(tt.file, tt.data)
			if err == nil {
				t.Fatalf("no error, got %q", got)
			}
			e := asError(t, err)
			if !strings.Contains(e.Zh, tt.want) {
				t.Errorf("error %q does not contain %q", e.Zh, tt.want)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Zh: "文件为空\n第二行", En: "the file\nis empty"}
	if got, want := e.Error(), "文件为空 第二行 (the file is empty)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSniffBeatsExtension(t *testing.T) {
	page := []byte(`<html><body><div class="content"><p>一、甲</p><p>二、乙</p></div></body></html>`)
	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"html named txt", "a.txt", page, "一、甲\n二、乙"},
		{"text named docx", "a.docx", []byte("一、甲\n"), "一、甲\n"},
		{"text named pdf", "a.pdf", []byte("一、甲\n"), "一、甲\n"},
		{"tag-light html by extension", "a.htm", []byte("<p>一、甲</p>二、乙"), "一、甲\n二、乙"},
		{"docx named pdf", "a.pdf", makeZip(t, "word/document.xml", docxHead+p("正文")+docxTail), "正文"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(tt.file, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "notice.txt")
	if err := os.WriteFile(ok, gbk(t, sampleNotice), 0o644); err != nil {
		t.Fatal(err)
	}
	// A sparse file: Stat must refuse it before anything is read.
	huge := filepath.Join(dir, "huge.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()

	t.Run("reads and decodes", func(t *testing.T) {
		got, err := ReadFile(ok)
		if err != nil {
			t.Fatal(err)
		}
		if got != sampleNotice {
			t.Errorf("got %q", got)
		}
	})
	for _, tt := range []struct{ name, path, want string }{
		{"too large", huge, "文件过大"},
		{"missing", filepath.Join(dir, "nope.txt"), "找不到文件"},
		{"directory", dir, "文件夹"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFile(tt.path)
			if e := asError(t, err); !strings.Contains(e.Zh, tt.want) {
				t.Errorf("error %q does not contain %q", e.Zh, tt.want)
			}
		})
	}
	t.Run("stdin", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		old := os.Stdin
		os.Stdin = r
		defer func() { os.Stdin = old; r.Close() }()
		go func() { w.Write([]byte("一、甲\n")); w.Close() }()
		got, err := ReadFile("-")
		if err != nil {
			t.Fatal(err)
		}
		if got != "一、甲\n" {
			t.Errorf("got %q", got)
		}
	})
}

// FuzzRead: Read never panics, and every failure is an *Error.
func FuzzRead(f *testing.F) {
	f.Add("a.docx", testDocx(f))
	f.Add("a.docx", makeZip(f, "word/document.xml", docxHead+`<w:tbl><w:tr>`+tc(`<w:gridSpan w:val="2"/><w:vMerge/>`, p("x"))+`</w:tr></w:tbl>`+docxTail, "word/numbering.xml", testNumbering))
	f.Add("a.html", []byte(testPage))
	f.Add("a.html", gbk(f, `<html><head><meta charset="gbk"></head><body><table><tr><td rowspan="3">甲</td><td colspan="2">乙</td></tr><tr><td>丙</td></tr></table></body></html>`))
	f.Add("a.txt", gbk(f, sampleNotice))
	f.Add("a.txt", utf16(f, sampleNotice, xunicode.LittleEndian))
	f.Add("a.txt", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("a.pdf", makePDF([]string{"1. Task one"}))
	files, _ := filepath.Glob("../../testdata/seeds/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(file), data[:min(len(data), 2048)])
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		text, err := Read(name, data)
		if err != nil {
			e := asError(t, err)
			if strings.HasPrefix(e.En, "internal error") {
				t.Fatalf("Read panicked: %v", err)
			}
			return
		}
		if strings.ContainsRune(text, '\r') || !utf8Valid(text) || strings.TrimSpace(text) == "" {
			t.Fatalf("bad text %q", text)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
