// Package docin turns a notice file (.txt, .docx, .html or .pdf) into plain
// UTF-8 text, one paragraph per line, for the notice parser. Tables come out
// as one line per row: "a | b | c |".
package docin

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxSize is the largest file Read accepts (bytes).
const MaxSize = 20 << 20

// MaxText is the most text Read returns (bytes of UTF-8). A real notice is
// well under 1 MB of text; a file that unpacks to more is damaged or built
// to exhaust the server, and is refused before it is all in memory.
const MaxText = 8 << 20

// Error is a reading failure a person must understand: one line, Chinese
// then English.
type Error struct{ Zh, En string }

// Error returns "Zh (En)" on one line.
func (e *Error) Error() string {
	return oneLine(e.Zh) + " (" + oneLine(e.En) + ")"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var (
	errTooLarge    = &Error{"文件过大（超过 20 MB）", "file too large (over 20 MB)"}
	errEmpty       = &Error{"文件为空", "the file is empty"}
	errTooMuchText = &Error{"文件中的文字过多（超过 8 MB），不像是一份通知，可能已损坏；请检查文件，或拆分后分别导入",
		"the file holds too much text (over 8 MB) for a notice; it may be damaged"}
)

// Read returns the plain text of a notice; see ReadContext.
func Read(name string, data []byte) (string, error) {
	return ReadContext(context.Background(), name, data)
}

// ReadContext returns the plain text of a notice. name is the file name
// (only its extension is used; "" or "-" means unknown: sniff the content).
// Reading stops with ctx's error when ctx is done (the person who sent
// the file has gone), and with an *Error past MaxText.
func ReadContext(ctx context.Context, name string, data []byte) (text string, err error) {
	// Last resort only: a bug in a reader must not take the server down.
	defer func() {
		if r := recover(); r != nil {
			text = ""
			err = &Error{
				Zh: "读取文件时发生内部错误，请把文件交给系统维护人员",
				En: fmt.Sprintf("internal error while reading the file: %v", r),
			}
		}
	}()
	if len(data) > MaxSize {
		return "", errTooLarge
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	text, err = read(ctx, name, data)
	if err == nil && len(text) > MaxText {
		return "", errTooMuchText
	}
	return text, err
}

func read(ctx context.Context, name string, data []byte) (string, error) {
	ext := ""
	if name != "-" {
		ext = strings.ToLower(filepath.Ext(name))
	}
	switch k := sniff(data); k {
	case kindPDF:
		return readPDF(ctx, data)
	case kindZip:
		return readZip(ctx, data)
	case kindHTML:
		return readHTML(data)
	case kindOLE:
		return "", &Error{
			"这是旧版 Word/WPS/Excel 文件（.doc/.wps/.xls）或加密文档，无法直接读取，请另存为 .docx 后再导入（用 Word 或 WPS 打开后“另存为”）",
			"this is an old Word/WPS/Excel file (.doc/.wps/.xls) or an encrypted document; open it in Word or WPS, save it as .docx and import that",
		}
	case kindRTF:
		return "", &Error{
			"这是 RTF 文件，请用 Word 或 WPS 打开后另存为 .docx 后再导入",
			"this is an RTF file; open it in Word or WPS, save it as .docx and import that",
		}
	case kindWordXML:
		return "", &Error{
			"这是 Word XML 文件，请用 Word 或 WPS 打开后另存为 .docx 后再导入",
			"this is a Word XML file; open it in Word or WPS, save it as .docx and import that",
		}
	case kindText:
		switch ext {
		case ".html", ".htm", ".xhtml", ".shtml":
			return readHTML(data)
		case ".pdf", ".docx":
			// The name promises a binary format; if the bytes are not text
			// either, say the file is damaged rather than "not text".
			if looksBinary(data) {
				return "", &Error{
					"文件已损坏：扩展名为 " + ext + "，但内容不是有效的 " + ext + " 文件",
					"the file is damaged: its name ends in " + ext + " but its content is not a valid " + ext + " file",
				}
			}
		}
		return readText(data)
	default: // an image
		return "", &Error{
			"这是一张图片（" + string(k) + "），无法直接读取其中的文字，需先进行文字识别（OCR）",
			"this is a picture (" + string(k) + "); text cannot be read from it without OCR",
		}
	}
}

// ReadFile reads a file from disk (refusing files over MaxSize before
// reading them whole; "-" reads standard input up to MaxSize+1 bytes) and
// calls Read.
func ReadFile(path string) (string, error) {
	if path == "-" {
		data, err := io.ReadAll(io.LimitReader(os.Stdin, MaxSize+1))
		if err != nil {
			return "", fmt.Errorf("docin: read standard input: %w", err)
		}
		return Read("-", data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", openError(path, err)
	}
	if fi.IsDir() {
		return "", &Error{"这是一个文件夹，不是文件：" + path, "this is a folder, not a file: " + path}
	}
	if fi.Size() > MaxSize {
		return "", errTooLarge
	}
	f, err := os.Open(path)
	if err != nil {
		return "", openError(path, err)
	}
	defer f.Close()
	// Limit again: the file may grow after Stat.
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return "", fmt.Errorf("docin: read %s: %w", path, err)
	}
	return Read(filepath.Base(path), data)
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Error{"找不到文件：" + path, "file not found: " + path}
	case errors.Is(err, fs.ErrPermission):
		return &Error{"没有权限读取文件：" + path, "permission denied: " + path}
	}
	return fmt.Errorf("docin: open %s: %w", path, err)
}

type kind string

const (
	kindText    kind = "text"
	kindPDF     kind = "pdf"
	kindZip     kind = "zip"
	kindHTML    kind = "html"
	kindOLE     kind = "ole2"
	kindRTF     kind = "rtf"
	kindWordXML kind = "wordxml"
	// Images are named by their format so the message can say which.
	kindPNG  kind = "PNG"
	kindJPEG kind = "JPEG"
	kindGIF  kind = "GIF"
	kindBMP  kind = "BMP"
	kindTIFF kind = "TIFF"
	kindWEBP kind = "WEBP"
)

// sniff decides the format from the content; it beats the file name.
func sniff(data []byte) kind {
	head := data[:min(len(data), 1024)]
	has := func(p string) bool { return bytes.HasPrefix(data, []byte(p)) }
	switch {
	case bytes.Contains(head, []byte("%PDF-")): // readers allow junk before it
		return kindPDF
	case has("PK\x03\x04"), has("PK\x05\x06"), has("PK\x07\x08"):
		return kindZip
	case has("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return kindOLE
	case has("\x89PNG\r\n\x1a\n"):
		return kindPNG
	case has("\xFF\xD8\xFF"):
		return kindJPEG
	case has("GIF87a"), has("GIF89a"):
		return kindGIF
	case has("II*\x00"), has("MM\x00*"):
		return kindTIFF
	case len(data) >= 12 && has("RIFF") && string(data[8:12]) == "WEBP":
		return kindWEBP
	case isBMP(data):
		return kindBMP
	case has("{\\rtf"):
		return kindRTF
	}
	// Markup checks work on ASCII-compatible bytes; UTF-16 is checked after
	// decoding (see readText).
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if lower := bytes.ToLower(t[:min(len(t), 4096)]); bytes.HasPrefix(lower, []byte("<?xml")) &&
		(bytes.Contains(lower, []byte("w:worddocument")) || bytes.Contains(lower, []byte("pkg:package"))) {
		return kindWordXML
	}
	if looksHTML(t) {
		return kindHTML
	}
	return kindText
}

// isBMP checks more than "BM": text may start with those letters.
func isBMP(b []byte) bool {
	if len(b) < 26 || b[0] != 'B' || b[1] != 'M' {
		return false
	}
	// reserved fields are zero; the DIB header size is one of the known ones
	hdr := uint32(b[14]) | uint32(b[15])<<8 | uint32(b[16])<<16 | uint32(b[17])<<24
	return b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 &&
		(hdr == 12 || hdr == 40 || hdr == 52 || hdr == 56 || hdr == 64 || hdr == 108 || hdr == 124)
}

var htmlTags = []string{"html", "head", "body", "meta", "title", "div", "p", "br", "span", "table", "tr", "td", "a", "font", "li", "ul", "h1", "h2", "h3", "strong", "b", "script", "style", "link", "center"}

// looksHTML reports whether t (ASCII-compatible, leading space trimmed)
// starts like an HTML page or is full of HTML tags.
func looksHTML(t []byte) bool {
	lower := bytes.ToLower(t[:min(len(t), 4096)])
	if bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) {
		return true
	}
	if bytes.Contains(lower[:min(len(lower), 1024)], []byte("<html")) {
		return true
	}
	n := 0
	for i := 0; i < len(lower); i++ {
		if lower[i] != '<' {
			continue
		}
		j := i + 1
		if j < len(lower) && lower[j] == '/' {
			j++
		}
		for _, tag := range htmlTags {
			if bytes.HasPrefix(lower[j:], []byte(tag)) {
				if k := j + len(tag); k < len(lower) && (lower[k] == '>' || lower[k] == ' ' || lower[k] == '/' || lower[k] == '\n' || lower[k] == '\t' || lower[k] == '\r') {
					n++
					break
				}
			}
		}
	}
	return n >= 5
}

// readZip reads a .docx, or explains what other kind of archive it is.
func readZip(ctx context.Context, data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return "", &Error{"文件已损坏，无法作为 Word 文档（.docx）打开", "the file is damaged and cannot be opened as a Word document (.docx)"}
	}
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		names[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if f := names["word/document.xml"]; f != nil {
		return readDocx(ctx, names)
	}
	switch {
	case names["xl/workbook.xml"] != nil:
		return "", &Error{"这是 Excel 表格文件，不是 Word 文档；请把通知另存为 .docx 后再导入", "this is an Excel workbook, not a Word document; save the notice as .docx and import that"}
	case names["ppt/presentation.xml"] != nil:
		return "", &Error{"这是 PowerPoint 演示文稿，不是 Word 文档", "this is a PowerPoint presentation, not a Word document"}
	case names["ofd.xml"] != nil:
		return "", &Error{"这是 OFD 版式文件，不是 Word 文档；请另存为 .docx 或 PDF 后再导入", "this is an OFD file, not a Word document; save it as .docx or PDF and import that"}
	case names["content.xml"] != nil && names["mimetype"] != nil:
		return "", &Error{"这是 OpenDocument（WPS/LibreOffice）文件，不是 Word 文档；请另存为 .docx 后再导入", "this is an OpenDocument file, not a Word document; save it as .docx and import that"}
	}
	return "", &Error{"这是 Excel 或其他压缩文件，不是 Word 文档", "this is an Excel or other zip file, not a Word document"}
}
