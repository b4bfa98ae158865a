package docin

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// makeZip builds an archive in memory; files keep their order.
func makeZip(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const docxHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
 xmlns:v="urn:schemas-microsoft-com:vml"><w:body>`

const docxTail = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`

// numP is a paragraph numbered by list numId at level ilvl.
func numP(numID, ilvl, text string) string {
	return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="` + numID + `"/></w:numPr></w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
}

func p(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func tc(props, body string) string {
	return `<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>` + props + `</w:tcPr>` + body + `</w:tc>`
}

const testNumbering = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="2"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`

const testStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="ListBase"><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListHead"><w:basedOn w:val="ListBase"/><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr></w:style>
</w:styles>`

// testDocumentXML exercises numbering, revisions, fields, hidden text, a
// text box, and a table with gridSpan, vMerge and a nested table.
var testDocumentXML = docxHead +
	// a text box anchored in an otherwise empty paragraph; the VML fallback repeats it
	`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>` +
	p("河南省人民政府文件") +
	`</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>` +
	`<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>` + p("河南省人民政府文件") + `</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
	p("河南省人民政府") +
	`<w:p><w:r><w:t>关于明确政府工作报告提出的</w:t></w:r><w:r><w:t>2023年重点工作责任单位的通知</w:t></w:r></w:p>` +
	p("豫政〔2023〕5号") +
	numP("1", "0", "加快提振市场信心") +
	numP("1", "1", "全面促进消费增长。") +
	`<w:p><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr></w:pPr>` +
	`<w:r><w:t xml:space="preserve">把恢复和扩大消费摆在</w:t></w:r>` +
	`<w:del w:id="1" w:author="a"><w:r><w:delText>首要</w:delText></w:r></w:del>` +
	`<w:ins w:id="2" w:author="a"><w:r><w:t>优先</w:t></w:r></w:ins>` +
	`<w:r><w:t>位置。</w:t></w:r><w:hyperlink w:history="1"><w:r><w:t>（省商务厅负责）</w:t></w:r></w:hyperlink></w:p>` +
	`<w:p><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>落实好提振市场信心</w:t></w:r>` +
	`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> MERGEFIELD n </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
	`<w:r><w:t>90</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>条措施。</w:t></w:r></w:p>` +
	numP("1", "1", "扩大有效投资。") +
	`<w:p><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>推进项目</w:t><w:tab/><w:t>建设</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>` +
	`<w:p><w:pPr><w:pStyle w:val="ListHead"/></w:pPr><w:r><w:t>深化改革</w:t></w:r></w:p>` +
	numP("1", "1", "深化国企改革。") +
	`<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>可见</w:t></w:r></w:p>` +
	numP("2", "2", "重新编号") +
	`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>` +
	`<w:tr><w:trPr><w:tblHeader/></w:trPr>` + tc("", p("序号")) + tc("", p("项目(任务)")) + tc("", p("责任领导")) + tc("", p("责任单位")) + tc("", p("拟完成时限")) + `</w:tr>` +
	`<w:tr>` + tc("", numP("3", "0", "")) + tc("", p("加快推进")+p("重点项目建设。")) + tc(`<w:vMerge w:val="restart"/>`, p("万战伟")) + tc("", p("市发展改革委")) + tc("", p("2023年12月月底前")) + `</w:tr>` +
	`<w:tr>` + tc("", numP("3", "0", "")) + tc("", p("抓好项目|储备")) + tc(`<w:vMerge/>`, `<w:p/>`) + tc(`<w:gridSpan w:val="2"/>`, p("市财政局、市发展改革委")) + `</w:tr>` +
	`<w:tr>` + tc("", numP("3", "0", "")) + tc("",
	`<w:tbl><w:tr>`+tc("", p("a"))+tc("", p("b"))+`</w:tr><w:tr>`+tc("", p("c"))+tc("", p("d"))+`</w:tr></w:tbl>`) +
	tc(`<w:vMerge w:val="continue"/>`, `<w:p/>`) + tc("", p("市商务局")) + tc("", p("年内")) + `</w:tr>` +
	`<w:tr>` + tc("", `<w:p/>`) + tc("", `<w:p/>`) + tc(`<w:vMerge/>`, `<w:p/>`) + tc("", `<w:p/>`) + tc("", `<w:p/>`) + `</w:tr>` +
	`</w:tbl>` +
	p("附件") +
	docxTail

const wantDocx = "河南省人民政府文件\n" +
	"河南省人民政府\n" +
	"关于明确政府工作报告提出的2023年重点工作责任单位的通知\n" +
	"豫政〔2023〕5号\n" +
	"一、加快提振市场信心\n" +
	"（一）全面促进消费增长。\n" +
	"1.把恢复和扩大消费摆在优先位置。（省商务厅负责）\n" +
	"2.落实好提振市场信心90条措施。\n" +
	"（二）扩大有效投资。\n" +
	"1.推进项目\t建设\n第二行\n" +
	"二、深化改革\n" +
	"（一）深化国企改革。\n" +
	"可见\n" +
	"5.重新编号\n" +
	"序号 | 项目(任务) | 责任领导 | 责任单位 | 拟完成时限 |\n" +
	"1 | 加快推进 重点项目建设。 | 万战伟 | 市发展改革委 | 2023年12月月底前 |\n" +
	"2 | 抓好项目｜储备 | 万战伟 | 市财政局、市发展改革委 |\n" +
	"3 | a b c d | 万战伟 | 市商务局 | 年内 |\n" +
	"附件"

func testDocx(t testing.TB) []byte {
	return makeZip(t,
		"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml", testDocumentXML,
		"word/numbering.xml", testNumbering,
		"word/styles.xml", testStyles,
		"word/header1.xml", `<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`+p("页眉文字")+`</w:hdr>`,
		"word/footnotes.xml", `<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1">`+p("脚注文字")+`</w:footnote></w:footnotes>`,
	)
}

func TestReadDocx(t *testing.T) {
	doc := testDocx(t)
	for _, name := range []string{"notice.docx", "notice.txt", "", "-"} {
		t.Run("name="+name, func(t *testing.T) {
			got, err := Read(name, doc)
			if err != nil {
				t.Fatal(err)
			}
			if got != wantDocx {
				t.Errorf("got\n%s\nwant\n%s", got, wantDocx)
			}
		})
	}
}

func TestReadDocxVariants(t *testing.T) {
	body := func(xml string) string { return docxHead + xml + docxTail }
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{
			name:  "no numbering part leaves numbered paragraphs bare",
			files: []string{"word/document.xml", body(numP("1", "0", "任务甲") + numP("1", "0", "任务乙"))},
			want:  "任务甲\n任务乙",
		},
		{
			name:  "one-column table is a frame, not a ledger",
			files: []string{"word/document.xml", body(`<w:tbl><w:tr>` + tc("", p("第一段")+p("第二段")) + `</w:tr><w:tr>` + tc("", p("第三段")) + `</w:tr></w:tbl>`)},
			want:  "第一段\n第二段\n第三段",
		},
		{
			name: "numFmt fallback of a w14 custom format and upper letters",
			files: []string{
				"word/document.xml", body(numP("7", "0", "甲") + numP("7", "0", "乙") + numP("7", "1", "子")),
				"word/numbering.xml", `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
<w:abstractNum w:abstractNumId="3">
<w:lvl w:ilvl="0"><w:start w:val="9"/><mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice><mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent><w:lvlText w:val="%1)"/></w:lvl>
<w:lvl w:ilvl="1"><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1.%2"/><w:suff w:val="space"/></w:lvl>
</w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>`,
			},
			want: "9)甲\n10)乙\n10.A 子",
		},
		{
			name:  "strict OOXML namespace",
			files: []string{"word/document.xml", `<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body>` + p("严格格式") + `</w:body></w:document>`},
			want:  "严格格式",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read("x.docx", makeZip(t, tt.files...))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadDocxErrors(t *testing.T) {
	deep := strings.Repeat("<w:sdt>", 5000) + strings.Repeat("</w:sdt>", 5000)
	tests := []struct {
		name string
		data []byte
		want string // in the Chinese message
	}{
		{"xlsx", makeZip(t, "xl/workbook.xml", "<workbook/>", "[Content_Types].xml", "<Types/>"), "不是 Word 文档"},
		{"plain zip", makeZip(t, "a.txt", "hello"), "这是 Excel 或其他压缩文件，不是 Word 文档"},
		{"damaged zip", []byte("PK\x03\x04 this is not really a zip archive"), "已损坏"},
		{"bad xml", makeZip(t, "word/document.xml", docxHead+"<w:p><w:r><w:t>半截"), "已损坏"},
		{"no text", makeZip(t, "word/document.xml", docxHead+"<w:p/>"+docxTail), "没有文字"},
		{"too deep", makeZip(t, "word/document.xml", docxHead+deep+docxTail), "已损坏"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("x.docx", tt.data)
			e := asError(t, err)
			if !strings.Contains(e.Zh, tt.want) {
				t.Errorf("error %q does not contain %q", e.Zh, tt.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		n       int
		format  string
		pattern string
		want    string
	}{
		{1, "decimal", "", "1"},
		{10, "chineseCounting", "", "十"},
		{11, "chineseCounting", "", "十一"},
		{20, "chineseCountingThousand", "", "二十"},
		{101, "chineseCounting", "", "一百零一"},
		{110, "chineseCounting", "", "一百一十"},
		{1010, "chineseCountingThousand", "", "一千零一十"},
		{10005, "chineseCounting", "", "一万零五"},
		{12, "chineseLegalSimplified", "", "壹拾贰"},
		{2, "ideographTraditional", "", "乙"},
		{11, "ideographTraditional", "", "11"},
		{3, "decimalEnclosedCircle", "", "③"},
		{21, "decimalEnclosedCircleChinese", "", "㉑"},
		{3, "upperLetter", "", "C"},
		{28, "lowerLetter", "", "bb"},
		{4, "upperRoman", "", "IV"},
		{14, "lowerRoman", "", "xiv"},
		{7, "decimalZero", "", "07"},
		{5, "custom", "001, 002, 003, ...", "005"},
		{12, "decimalFullWidth", "", "１２"},
		{105, "ideographDigital", "", "一〇五"},
		{3, "bogusFormat", "", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.format+"/"+tt.want, func(t *testing.T) {
			if got := formatNumber(tt.n, tt.format, tt.pattern); got != tt.want {
				t.Errorf("formatNumber(%d, %s) = %q, want %q", tt.n, tt.format, got, tt.want)
			}
		})
	}
}
