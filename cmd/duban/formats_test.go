package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"duban/internal/notice"
)

// The same notice read from every input format must give the same ledger.
// Each seed is rendered inside the test into GB18030 text, a .docx, a saved
// government web page and a real PDF, run through `duban parse`, and
// compared with the parse of the original UTF-8 .txt.

// fxKnown lists differences that are known parser bugs, by sub-test name and
// difference key ("task 42 text"). A sub-test whose differences are all
// known is skipped, naming them; any other difference fails it.
var fxKnown = map[string][]string{}

func TestFormatsSameLedger(t *testing.T) {
	cases := []struct {
		seed, format string
		autoNumber   bool // docx: task numbers as Word automatic numbering
	}{
		{seed: "001", format: "gb18030"},
		{seed: "002", format: "gb18030"},
		{seed: "004", format: "gb18030"},
		{seed: "001", format: "docx"},
		{seed: "002", format: "docx"},
		{seed: "004", format: "docx", autoNumber: true},
		{seed: "001", format: "html"},
		{seed: "002", format: "html"},
		{seed: "004", format: "html"},
		{seed: "001", format: "pdf"},
		{seed: "003", format: "pdf"},
		{seed: "004", format: "pdf"},
	}
	for _, tc := range cases {
		t.Run(tc.seed+"/"+tc.format, func(t *testing.T) {
			if tc.format == "pdf" {
				if _, err := exec.LookPath("pdftotext"); err != nil {
					t.Skip("pdftotext not installed (apt-get install poppler-utils)")
				}
			}
			src := fxSeed(t, tc.seed)
			want := fxParse(t, src)
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
			var name string
			var doc []byte
			switch tc.format {
			case "gb18030":
				name = "notice.txt"
				doc, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Equal(doc, data) {
					t.Fatal("GB18030 encoding left the text unchanged")
				}
			case "docx":
				name = "notice.docx"
				doc = fxDocx(t, lines, tc.autoNumber)
			case "html":
				name = "notice.html"
				doc = fxHTML(lines)
			case "pdf":
				name = "notice.pdf"
				doc = fxPDF(lines, 36)
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, doc, 0o644); err != nil {
				t.Fatal(err)
			}
			got := fxParse(t, path)
			if tc.format == "html" {
				fxNoFakes(t, got)
			}
			fxReport(t, tc.seed+"/"+tc.format, fxCompare(got, want))
		})
	}
}

// fxReport fails on unknown differences (at most 10 shown) and skips when
// every difference is a known parser bug.
func fxReport(t *testing.T, name string, diffs []fxDiff) {
	t.Helper()
	known := fxKnown[name]
	var unknown []fxDiff
	seen := map[string]bool{}
	for _, d := range diffs {
		if slices.Contains(known, d.key) {
			seen[d.key] = true
			t.Logf("known: %s", d.msg)
		} else {
			unknown = append(unknown, d)
		}
	}
	for i, d := range unknown {
		if i == 10 {
			t.Errorf("… and %d more differences", len(unknown)-10)
			break
		}
		t.Errorf("%s", d.msg)
	}
	if len(unknown) > 0 {
		return
	}
	if len(seen) > 0 {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range seen {
				if !yield(k) {
					return
				}
			}
		})
		t.Skipf("known: parser differences %s (see fxKnown)", strings.Join(keys, ", "))
	}
	for _, k := range known {
		t.Logf("known difference %q no longer occurs: remove it from fxKnown", k)
	}
}

type fxDiff struct{ key, msg string }

// fxField is one field of a task or annex row, as got and as wanted.
type fxField struct {
	name   string
	gv, wv any
}

// fxCompare compares the ledgers, ignoring white space inside strings.
func fxCompare(got, want *notice.Notice) []fxDiff {
	var ds []fxDiff
	add := func(key, format string, args ...any) {
		ds = append(ds, fxDiff{key, key + ": " + fmt.Sprintf(format, args...)})
	}
	// fields compares the fields of one task or annex row (row: "task 3").
	fields := func(row string, fs []fxField) {
		for _, f := range fs {
			if !fxSame(f.gv, f.wv) {
				add(row+" "+f.name, "got %s, want %s", fxShow(f.gv), fxShow(f.wv))
			}
		}
	}
	if fxSquash(got.Issuer) != fxSquash(want.Issuer) {
		add("issuer", "got %q, want %q", got.Issuer, want.Issuer)
	}
	if fxSquash(got.DocNumber) != fxSquash(want.DocNumber) {
		add("doc_number", "got %q, want %q", got.DocNumber, want.DocNumber)
	}
	if got.Year != want.Year {
		add("year", "got %d, want %d", got.Year, want.Year)
	}
	if got.IssuedOn != want.IssuedOn {
		add("issued_on", "got %v, want %v", got.IssuedOn, want.IssuedOn)
	}
	if !reflect.DeepEqual(got.Schedule, want.Schedule) {
		add("schedule", "got %+v, want %+v", got.Schedule, want.Schedule)
	}
	if len(got.Tasks) != len(want.Tasks) {
		add("tasks", "got %d tasks, want %d", len(got.Tasks), len(want.Tasks))
	}
	for i := range min(len(got.Tasks), len(want.Tasks)) {
		g, w := got.Tasks[i], want.Tasks[i]
		fields("task "+w.No, []fxField{
			{"no", g.No, w.No},
			{"path", g.Path, w.Path},
			{"text", g.Text, w.Text},
			{"lead", g.Lead, w.Lead},
			{"support", g.Support, w.Support},
			{"responsible", g.Responsible, w.Responsible},
		})
	}
	if len(got.Annex) != len(want.Annex) {
		add("annex", "got %d annex rows, want %d", len(got.Annex), len(want.Annex))
	}
	for i := range min(len(got.Annex), len(want.Annex)) {
		g, w := got.Annex[i], want.Annex[i]
		fields("annex row "+w.No, []fxField{
			{"no", g.No, w.No},
			{"text", g.Text, w.Text},
			{"leaders", g.Leaders, w.Leaders},
			{"lead", g.Lead, w.Lead},
			{"support", g.Support, w.Support},
			{"deadline", g.Deadline.String(), w.Deadline.String()},
			{"deadline_text", g.DeadlineText, w.DeadlineText},
		})
	}
	return ds
}

func fxSame(a, b any) bool {
	switch a := a.(type) {
	case string:
		return fxSquash(a) == fxSquash(b.(string))
	case []string:
		b := b.([]string)
		return slices.EqualFunc(a, b, func(x, y string) bool { return fxSquash(x) == fxSquash(y) })
	}
	panic("fxSame: unexpected type")
}

func fxShow(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fxSquash removes all white space.
func fxSquash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// fxNoFakes: nothing from the page's script, navigation or sidebar may
// become a task.
func fxNoFakes(t *testing.T, n *notice.Notice) {
	t.Helper()
	for _, tk := range n.Tasks {
		all := tk.Text + strings.Join(tk.Units(), "")
		if strings.Contains(all, "假任务") || strings.Contains(all, "假局") {
			t.Errorf("task %s comes from the page chrome: %q", tk.No, tk.Text)
		}
	}
	for _, r := range n.Annex {
		if strings.Contains(r.Text, "假任务") {
			t.Errorf("annex row %s comes from the page chrome: %q", r.No, r.Text)
		}
	}
}

func fxSeed(t *testing.T, seed string) string {
	t.Helper()
	m, err := filepath.Glob("../../testdata/seeds/" + seed + "_*.txt")
	if err != nil || len(m) != 1 {
		t.Fatalf("seed %s: %v %v", seed, m, err)
	}
	return m[0]
}

// fxParse runs `duban parse --format json path` and decodes the result.
func fxParse(t *testing.T, path string) *notice.Notice {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"parse", "--format", "json", path}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("duban parse %s: exit %d: %s", filepath.Base(path), code, errb.String())
	}
	var n notice.Notice
	if err := json.Unmarshal(out.Bytes(), &n); err != nil {
		t.Fatalf("duban parse %s: output is not the ledger JSON: %v", filepath.Base(path), err)
	}
	return &n
}

// fxCells splits a pipe row "a | b | |c |" into its cells, keeping empty
// middle cells and dropping the empty one after the trailing "|".
func fxCells(line string) ([]string, bool) {
	if strings.Count(line, "|") < 2 {
		return nil, false
	}
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	if cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells, true
}

func fxXML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

var fxTaskNo = regexp.MustCompile(`^(\d+)\.[ \t]*`)

// fxNumbered splits the lines for Word automatic numbering: every task
// paragraph (numbered 1, 2, … in order) is returned with its number
// removed and numbered set. A task number the text has run into the end of
// the previous line ("…(管委会)25.发展…", as this seed has) starts a
// paragraph of its own, as it did in the Word original.
func fxNumbered(t *testing.T, lines []string) (paras []string, numbered []bool) {
	t.Helper()
	next := 1
	for _, l := range lines {
		for l != "" {
			num := false
			if m := fxTaskNo.FindStringSubmatch(l); m != nil && m[1] == strconv.Itoa(next) {
				l = l[len(m[0]):]
				next++
				num = true
			}
			k := fxRunIn(l, next)
			if num || strings.TrimSpace(l[:k]) != "" {
				paras = append(paras, l[:k])
				numbered = append(numbered, num)
			}
			l = l[k:]
		}
	}
	if next == 1 {
		t.Fatal("auto numbering: no numbered task lines")
	}
	return paras, numbered
}

// fxRunIn returns where task number n starts inside l (after a non-digit,
// followed by "." and a non-digit), or len(l).
func fxRunIn(l string, n int) int {
	pat := strconv.Itoa(n) + "."
	for i := 1; i < len(l); i++ {
		if !strings.HasPrefix(l[i:], pat) || l[i-1] >= '0' && l[i-1] <= '9' {
			continue
		}
		if j := i + len(pat); j < len(l) && (l[j] < '0' || l[j] > '9') {
			return i
		}
	}
	return len(l)
}

// fxDocx builds a minimal .docx: one paragraph per non-empty line, runs of
// pipe rows as a real table, and with autoNumber the task numbers as Word
// automatic numbering.
func fxDocx(t *testing.T, lines []string, autoNumber bool) []byte {
	t.Helper()
	const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	numbered := make([]bool, len(lines))
	if autoNumber {
		lines, numbered = fxNumbered(t, lines)
		n := 0
		for _, b := range numbered {
			if b {
				n++
			}
		}
		t.Logf("docx: %d paragraphs with automatic numbers", n)
	}
	para := func(b *strings.Builder, text string, num bool) {
		b.WriteString("<w:p>")
		if num {
			b.WriteString(`<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>`)
		}
		if text != "" {
			b.WriteString(`<w:r><w:t xml:space="preserve">` + fxXML(text) + `</w:t></w:r>`)
		}
		b.WriteString("</w:p>")
	}
	var body strings.Builder
	var table [][]string
	flush := func() {
		if table == nil {
			return
		}
		cols := 0
		for _, r := range table {
			cols = max(cols, len(r))
		}
		body.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>`)
		for range cols {
			body.WriteString(`<w:gridCol w:w="1400"/>`)
		}
		body.WriteString("</w:tblGrid>")
		for _, r := range table {
			body.WriteString("<w:tr>")
			for _, c := range r {
				body.WriteString("<w:tc>")
				para(&body, c, false)
				body.WriteString("</w:tc>")
			}
			body.WriteString("</w:tr>")
		}
		body.WriteString("</w:tbl>")
		table = nil
	}
	for i, l := range lines {
		if cells, ok := fxCells(l); ok {
			table = append(table, cells)
			continue
		}
		flush()
		if strings.TrimSpace(l) != "" {
			para(&body, l, numbered[i])
		}
	}
	flush()

	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>`
	docRels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	if autoNumber {
		ct += `<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>`
		docRels += `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>`
	}
	ct += "</Types>"
	docRels += "</Relationships>"
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", ct},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`</Relationships>`},
		{"word/_rels/document.xml.rels", docRels},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="` + wNS + `"><w:body>` + body.String() +
			`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`},
	}
	if autoNumber {
		parts = append(parts, struct{ name, data string }{"word/numbering.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="` + wNS + `">` +
			`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>` +
			`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>` +
			`</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fxHTML renders the notice as a government site saves it: script, style,
// navigation, breadcrumb, the article (first line as <h1>, pipe rows as a
// table), a footer and a sidebar of related links. The script and the
// navigation hold fake tasks that must not be read.
func fxHTML(lines []string) []byte {
	esc := html.EscapeString
	title := ""
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			title = strings.TrimSpace(l)
			break
		}
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + esc(title) + `_政务公开_市人民政府门户网站</title>
<script type="text/javascript">var x="1.假任务。(市假局负责)"; var _hmt = _hmt || [];</script>
<style>body{font-family:"Microsoft YaHei";margin:0}.nav a{padding:0 12px}.article p{text-indent:2em;line-height:2}</style>
</head>
<body>
<div class="header"><img src="/images/logo.png" alt="市人民政府门户网站"></div>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zcwj/">政策文件</a><a href="/hdjl/">互动交流</a><a href="/bsfw/">办事服务</a><a href="/zjsq/">走进本市</a><a href="/zwgk/1.html">2.导航里的假任务。(市假局负责)</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="main">
<div class="article">
<h1>` + esc(title) + `</h1>
`)
	var table [][]string
	flush := func() {
		if table == nil {
			return
		}
		b.WriteString(`<table border="1" cellspacing="0">` + "\n")
		for _, r := range table {
			b.WriteString("<tr>")
			for _, c := range r {
				b.WriteString("<td>" + esc(c) + "</td>")
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
		table = nil
	}
	first := true
	for _, l := range lines {
		if cells, ok := fxCells(l); ok {
			table = append(table, cells)
			continue
		}
		flush()
		if strings.TrimSpace(l) == "" {
			continue
		}
		if first && strings.TrimSpace(l) == title {
			first = false
			continue
		}
		b.WriteString("<p>" + esc(l) + "</p>\n")
	}
	flush()
	b.WriteString(`</div>
<ul class="related">
`)
	for i := range 10 {
		fmt.Fprintf(&b, `<li><a href="/zcwj/%d.html">关于印发%d年第%d批政策解读材料的通知</a><span>2023-01-%02d</span></li>`+"\n", 100+i, 2023, i+1, i+1)
	}
	b.WriteString(`</ul>
</div>
<div class="footer">主办单位：市人民政府办公室　承办单位：市大数据管理局　网站标识码：4110000001　豫ICP备05000001号　版权所有 © 市人民政府　联系电话：0374-1234567</div>
<script>document.write("1.页脚脚本里的假任务。(市假局负责)");</script>
</body>
</html>
`)
	return []byte(b.String())
}

// fxPDF lays the notice out on A4 pages in a CID-keyed Type0 font
// (Identity-H, non-embedded SimSun) with a ToUnicode CMap: every non-empty
// line is a paragraph, wrapped at perLine characters (so lines break inside
// words and names), paragraphs a little apart, a new page when one is full.
func fxPDF(lines []string, perLine int) []byte {
	var paras []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			paras = append(paras, l)
		}
	}
	// CIDs 1..N for the distinct runes, in order of first use.
	cid := map[rune]int{}
	var runes []rune
	for _, p := range paras {
		for _, r := range p {
			if _, ok := cid[r]; !ok {
				runes = append(runes, r)
				cid[r] = len(runes)
			}
		}
	}
	const (
		pageW, pageH = 595.28, 841.89
		left, top    = 90.0, 770.0
		bottom       = 72.0
		size         = 10.5
		lead         = 18.0 // baseline to baseline
		paraGap      = 10.0 // extra space between paragraphs
	)
	var pages []string
	var cs strings.Builder
	y := top
	for _, p := range paras {
		rs := []rune(p)
		for len(rs) > 0 {
			line := rs[:min(perLine, len(rs))]
			rs = rs[len(line):]
			if y < bottom {
				pages = append(pages, cs.String())
				cs.Reset()
				y = top
			}
			var hex strings.Builder
			for _, r := range line {
				fmt.Fprintf(&hex, "%04X", cid[r])
			}
			fmt.Fprintf(&cs, "BT /F1 %.1f Tf %.2f %.2f Td <%s> Tj ET\n", size, left, y, hex.String())
			y -= lead
		}
		y -= paraGap
	}
	if cs.Len() > 0 || len(pages) == 0 {
		pages = append(pages, cs.String())
	}

	// Objects: 1 catalog, 2 page tree, 3 Type0 font, 4 CIDFont,
	// 5 font descriptor, 6 ToUnicode, then content and page per page.
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	stream := func(data string) string {
		return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
	}
	add("<< /Type /Catalog /Pages 2 0 R >>")
	add("") // the page tree, once the pages are known
	add("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>")
	var w strings.Builder // ASCII half width, the rest full width (/DW)
	for _, r := range runes {
		if r < 0x80 {
			fmt.Fprintf(&w, "%d [500] ", cid[r])
		}
	}
	add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "+
		"/FontDescriptor 5 0 R /DW 1000 /W [%s] /CIDToGIDMap /Identity >>", w.String()))
	add("<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] " +
		"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>")
	var cm strings.Builder
	cm.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(runes); i += 100 {
		block := runes[i:min(i+100, len(runes))]
		fmt.Fprintf(&cm, "%d beginbfchar\n", len(block))
		for _, r := range block {
			fmt.Fprintf(&cm, "<%04X> <", cid[r])
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&cm, "%04X", u)
			}
			cm.WriteString(">\n")
		}
		cm.WriteString("endbfchar\n")
	}
	cm.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	add(stream(cm.String()))
	var kids []string
	for _, content := range pages {
		c := add(stream(content))
		p := add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", pageW, pageH, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// TestFormatsPDFText: the generated PDF gives its text back through
// pdftotext (the check behind the PDF cases above), including a character
// outside the BMP.
func TestFormatsPDFText(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	para := "1.加快推进郑州机场二期工程，完善𠀋航空港经济综合实验区陆路交通集疏网络。（省发展改革委负责）"
	path := filepath.Join(t.TempDir(), "t.pdf")
	if err := os.WriteFile(path, fxPDF([]string{"河南省人民政府", para}, 36), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	got := fxSquash(string(out))
	if want := "河南省人民政府" + para; got != want {
		t.Errorf("pdftotext gave\n%s\nwant\n%s", got, want)
	}
	if lines := strings.Count(strings.TrimSpace(string(out)), "\n") + 1; lines < 3 {
		t.Errorf("the paragraph was not wrapped into lines:\n%s", out)
	}
}

// TestXlsxLedger: `duban parse --format xlsx -o out.xlsx` writes a workbook
// excelize opens, with a task sheet and an annex sheet.
func TestXlsxLedger(t *testing.T) {
	src := fxSeed(t, "002")
	want := fxParse(t, src)
	out := filepath.Join(t.TempDir(), "out.xlsx")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"parse", "--format", "xlsx", "-o", out, src}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) < 2 || sheets[0] != "台账" || sheets[1] != "附件台账" {
		t.Fatalf("sheets %q, want 台账 then 附件台账 first", sheets)
	}
	check := func(sheet string, header []string, wantNos []string) {
		t.Helper()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("%s: %v", sheet, err)
		}
		h := -1
		for i := range min(5, len(rows)) {
			if slices.Contains(rows[i], "序号") {
				h = i
				break
			}
		}
		if h < 0 {
			t.Fatalf("%s: no header row with 序号 in the first 5 rows: %q", sheet, rows[:min(5, len(rows))])
		}
		for _, col := range header {
			if !slices.Contains(rows[h], col) {
				t.Errorf("%s: header %q lacks %s", sheet, rows[h], col)
			}
		}
		noCol := slices.Index(rows[h], "序号")
		var nos []string
		for _, r := range rows[h+1:] {
			if strings.TrimSpace(strings.Join(r, "")) == "" {
				continue
			}
			no := ""
			if noCol < len(r) {
				no = r[noCol]
			}
			nos = append(nos, no)
		}
		if len(nos) != len(wantNos) {
			t.Errorf("%s: %d data rows, want %d", sheet, len(nos), len(wantNos))
			return
		}
		for i := range nos {
			if fxSquash(nos[i]) != fxSquash(wantNos[i]) {
				t.Errorf("%s: data row %d has 序号 %q, want %q", sheet, i+1, nos[i], wantNos[i])
				break
			}
		}
	}
	var taskNos, annexNos []string
	for _, tk := range want.Tasks {
		taskNos = append(taskNos, tk.No)
	}
	for _, r := range want.Annex {
		annexNos = append(annexNos, r.No)
	}
	if len(taskNos) != 112 || len(annexNos) != 85 {
		t.Fatalf("seed 002 parses to %d tasks and %d annex rows, want 112 and 85", len(taskNos), len(annexNos))
	}
	check("台账", []string{"序号", "章节", "任务内容", "牵头单位", "配合单位", "责任单位", "责任领导", "完成时限", "量化指标"}, taskNos)
	check("附件台账", []string{"序号"}, annexNos)
}
