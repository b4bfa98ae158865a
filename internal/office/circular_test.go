package office

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/internal/circular"
	"duban/internal/office/pdfcheck"
)

// sampleCircular is a circular of several pages: head, headings, thirty
// paragraphs and a sixty-row table.
func sampleCircular() *circular.Doc {
	d := &circular.Doc{
		Issuer:    "××市人民政府办公室文件",
		DocNumber: "×政办〔2026〕12号",
		Title:     "关于2026年第三季度重点工作任务推进情况的通报",
		MainTo:    "各县（市、区）人民政府，市政府各部门：",
		Signer:    "××市人民政府办公室",
		Date:      "2026年12月4日",
		CopyTo:    "市委办公室，市人大常委会办公室，市政协办公室。",
		PrintedBy: "××市人民政府办公室",
		PrintedOn: "2026年12月4日印发",
	}
	para := "为深入贯彻落实市委、市政府决策部署，市政府办公室对各地各部门承担的重点工作任务推进情况进行了督查，现将有关情况通报如下。总体看，各责任单位高度重视，压实责任，细化措施，多数任务按计划推进。"
	add := func(k circular.Kind, text string) { d.Body = append(d.Body, circular.Block{Kind: k, Text: text}) }
	add(circular.Para, para)
	add(circular.Heading1, "一、总体进展")
	for i := range 12 {
		add(circular.Para, fmt.Sprintf("第%d项：%s", i+1, para))
	}
	add(circular.Heading2, "（一）按期完成的任务")
	for range 8 {
		add(circular.Para, para)
	}
	add(circular.Heading3, "1. 进展滞后的任务")
	for range 9 {
		add(circular.Para, para)
	}
	t := &circular.Table{
		Caption: "重点工作任务推进情况表",
		Header:  []string{"序号", "任务名称", "牵头单位", "完成时限", "进展情况"},
		Widths:  []int{2, 7, 4, 4, 3},
	}
	for i := range 60 {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), fmt.Sprintf("重点任务第%d项推进落实", i+1), "市发展改革委", "2026年12月", "正常推进"})
	}
	d.Body = append(d.Body, circular.Block{Kind: circular.TableBlk, Table: t})
	add(circular.Heading1, "二、下一步工作要求")
	add(circular.Para, para)
	return d
}

func unzip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(data)
	}
	return parts
}

func wellFormed(t *testing.T, name, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s 不是合法的 XML: %v", name, err)
		}
	}
}

func TestWriteCircularXML(t *testing.T) {
	d := sampleCircular()
	nasty := "<b>&\"'\x01\x0b\ufffe" + string([]byte{0xed, 0xa0, 0x80}) + "尾"
	d.Title += nasty
	d.MainTo = nasty
	d.Signer = nasty
	d.CopyTo = nasty
	d.Body = append(d.Body,
		circular.Block{Kind: circular.Para, Text: "甲" + nasty + "\n乙\t丙"},
		circular.Block{Kind: circular.TableBlk, Table: &circular.Table{Header: []string{nasty}, Rows: [][]string{{nasty, "多一列"}}}})
	var buf bytes.Buffer
	if err := WriteCircular(&buf, d, circular.DefaultLayout()); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := WriteCircular(&again, d, circular.DefaultLayout()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("同一文档两次输出的字节不同")
	}
	parts := unzip(t, buf.Bytes())
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
		"word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml", "word/footer2.xml",
		"docProps/core.xml", "docProps/app.xml"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("缺少部件 %s", name)
		}
	}
	for name, s := range parts {
		wellFormed(t, name, s)
		if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0xFFFE }) {
			t.Errorf("%s 含有 XML 不允许的控制字符", name)
		}
		if !strings.HasSuffix(name, ".rels") && name != "[Content_Types].xml" &&
			!strings.Contains(parts["[Content_Types].xml"], `PartName="/`+name+`"`) {
			t.Errorf("[Content_Types].xml 未声明 %s", name)
		}
	}
	doc := parts["word/document.xml"]
	if !strings.Contains(doc, "&lt;b&gt;&amp;") {
		t.Error("document.xml 中没有转义后的 &lt;b&gt;&amp;")
	}
	if strings.Contains(doc, "<b>") {
		t.Error("document.xml 中有未转义的 <b>")
	}
	for _, want := range []string{"尾", "多一列", "<w:tab/>", "抄送：", "w:tblHeader", `w:firstLineChars="200"`,
		`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, `w:left="1587"`, `w:right="1474"`, `w:bottom="1984"`,
		`w:tblW w:w="8845"`, `w:linePitch="579"`} {
		if !strings.Contains(doc+parts["word/styles.xml"], want) {
			t.Errorf("document.xml 中缺少 %s", want)
		}
	}
	if n := strings.Count(doc, `w:val="BodyText"`); n < 30 {
		t.Errorf("正文段落 %d 个，太少", n)
	}
	if !strings.Contains(parts["word/settings.xml"], "<w:evenAndOddHeaders/>") {
		t.Error("settings.xml 未设奇偶页不同的页脚")
	}
	for _, f := range []string{"word/footer1.xml", "word/footer2.xml"} {
		if !strings.Contains(parts[f], "PAGE") || !strings.Contains(parts[f], "—") {
			t.Errorf("%s 没有“— 页码 —”", f)
		}
	}
}

func TestColWidths(t *testing.T) {
	for _, c := range []struct {
		total, n int
		rel      []int
		want     []int
	}{
		{100, 3, nil, []int{33, 33, 34}},
		{100, 2, []int{1, 3}, []int{25, 75}},
		{100, 3, []int{1, 1}, []int{33, 33, 34}}, // too few widths: equal
	} {
		got := colWidths(c.total, c.n, c.rel)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("colWidths(%d, %d, %v) = %v, want %v", c.total, c.n, c.rel, got, c.want)
		}
	}
}

// TestWriteCircularRender has LibreOffice print a sample circular and
// measures the PDF: A4, the text, the red rule's margins on page 1, the
// top margin and the page number on page 2.
func TestWriteCircularRender(t *testing.T) {
	pdfcheck.Require(t)
	dir := t.TempDir()
	l := circular.DefaultLayout()
	d := sampleCircular()
	var buf bytes.Buffer
	if err := WriteCircular(&buf, d, l); err != nil {
		t.Fatal(err)
	}
	docx := filepath.Join(dir, "circular.docx")
	if err := os.WriteFile(docx, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf, err := pdfcheck.ToPDF(context.Background(), docx, dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := pdfcheck.PDFInfo(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if info.Pages < 3 {
		t.Errorf("样例应排成多页，只有 %d 页", info.Pages)
	}
	p1, p2 := pdfcheck.CheckCircular(t, pdf, l, d.Title, d.DocNumber, d.Issuer, "重点任务第37项推进落实", "牵头单位", "抄送：")
	t.Logf("第1页：左 %.2f mm，右 %.2f mm，发文机关标志上边缘 %.2f mm，字号至分隔线 %.2f mm；第2页：上 %.2f mm；共 %d 页", p1.Left, p1.Right, p1.IssuerTop, p1.RuleGap, p2.Top, info.Pages)
	// The table's header repeats on the page it continues to.
	text, err := pdfcheck.PDFText(pdf, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text, "牵头单位"); n < 2 {
		t.Errorf("表头只出现 %d 次，跨页时应重复", n)
	}
	// Page 2 is body text only: 22 lines (the 23rd box is the page
	// number), each full line 28 characters.
	words, err := pdfcheck.Words(pdf, 2)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]string{}
	for _, w := range words {
		lines[int(w.YMin)] += w.Text
	}
	if len(lines) != l.LinesPerPage+1 {
		t.Errorf("第2页 %d 行（含页码），应为 %d 行正文加页码", len(lines), l.LinesPerPage)
	}
	full := 0
	for _, s := range lines {
		if n := len([]rune(s)); n > l.CharsPerLine {
			t.Errorf("第2页一行 %d 字，多于 %d 字: %s", n, l.CharsPerLine, s)
		} else if n == l.CharsPerLine {
			full++
		}
	}
	if full == 0 {
		t.Errorf("第2页没有排满 %d 字的行", l.CharsPerLine)
	}
	// Page 1 kept for a person to look at.
	if _, png, err := pdfcheck.RenderPNG(pdf, 1, 150, dir); err == nil {
		if b, err := os.ReadFile(png); err == nil {
			_ = os.WriteFile(filepath.Join(os.TempDir(), "circular-page1.png"), b, 0o644)
		}
	}
}
