package office

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/circular"
)

// The .docx is WordprocessingML written by hand: archive/zip and
// encoding/xml's escaping, no library. Every length below is in twips
// (1/20 pt) unless its name says otherwise.

// tableSize is the type of a table's cells: 小四 (12 pt), so a wide table
// still fits the 156 mm text block.
const tableSize = 12

// wideTableSize is the type of a table of more than eight columns: 五号.
const wideTableSize = 10.5

// footSize is 版记's type: 4号 (14 pt).
const footSize = 14

// zipTime stamps every part, so the same Doc gives the same bytes.
var zipTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// geometry is l in the units WordprocessingML takes.
type geometry struct {
	pageW, pageH             int
	top, left, right, bottom int
	textW                    int
	pitch                    int     // one line of the 22: the text block's height over the lines
	charPt                   float64 // one character of the 28, in points
	charSpacing              int     // twips taken from each character so 28 fit a line
	footer                   int     // page bottom to the footer's bottom
	footLine                 int     // the page number's line
}

func twips(mm float64) int { return int(math.Round(mm * 1440 / 25.4)) }

func newGeometry(l circular.Layout) geometry {
	g := geometry{
		pageW: twips(l.PageWidth), pageH: twips(l.PageHeight),
		top: twips(l.Top), left: twips(l.Left), right: twips(l.Right()), bottom: twips(l.Bottom()),
	}
	g.textW = g.pageW - g.left - g.right
	lines := max(l.LinesPerPage, 1)
	// Rounded down, so all the lines fit the text block.
	g.pitch = int(l.TextHeight * 1440 / 25.4 / float64(lines))
	chars := max(l.CharsPerLine, 1)
	g.charPt = float64(g.textW) / 20 / float64(chars)
	// 28 characters of 16 pt are 448 pt, the block 442: each gives up a
	// little (rounded down, so the 28th still fits). Not w:docGrid's
	// charSpace: LibreOffice's character grid narrows and centres the text
	// block and spreads the characters (20 to a line, 29.3 mm margins).
	g.charSpacing = int(math.Floor((g.charPt - l.BodyFont.Size) * 20))
	// GB/T 9704-2012 7.5: the number's dashes sit 7 mm below the text
	// block. LibreOffice puts an exact line's baseline at 4/5 of its
	// height; a dash is about 0.35 em above the baseline.
	size := l.PageNumFont.Size
	g.footLine = int(math.Round(size * 1.3 * 20))
	dashBelowTop := float64(g.footLine)*0.8 - size*0.35*20
	g.footer = g.bottom - twips(7) + int(dashBelowTop) - g.footLine
	if g.footer < 0 {
		g.footer = 0
	}
	return g
}

// chars is n characters of the body in twips.
func (g geometry) chars(n float64) int { return int(math.Round(n * g.charPt * 20)) }

// WriteCircular writes d as a .docx laid out by l.
func WriteCircular(w io.Writer, d *circular.Doc, l circular.Layout) error {
	g := newGeometry(l)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", coreXML(d)},
		{"docProps/app.xml", appXML},
		{"word/document.xml", documentXML(d, l, g)},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", stylesXML(l, g)},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML(l)},
		{"word/footer1.xml", footerXML(l, g, false)},
		{"word/footer2.xml", footerXML(l, g, true)},
	}
	z := zip.NewWriter(w)
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	return z.Close()
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

const contentTypes = xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const documentRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

const appXML = xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>duban</Application></Properties>`

// settingsXML: odd and even footers differ (page numbers at the outside
// corner); compatibility mode 15 puts a table's edge, not its text, on
// the margin.
const settingsXML = xmlHead + `<w:settings ` + nsW + `>` +
	`<w:defaultTabStop w:val="420"/>` +
	`<w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`</w:settings>`

func coreXML(d *circular.Doc) string {
	return xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(oneLine(d.Title)) + `</dc:title>` +
		`<dc:subject>` + esc(oneLine(d.DocNumber)) + `</dc:subject>` +
		`<dc:creator>` + esc(oneLine(d.Signer)) + `</dc:creator>` +
		`</cp:coreProperties>`
}

// fontTableXML declares each typeface with its next name as w:altName, the
// one a renderer lacking the first should try.
func fontTableXML(l circular.Layout) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<w:fonts ` + nsW + `>`)
	seen := map[string]bool{}
	for _, f := range []circular.Font{l.BodyFont, l.IssuerFont, l.TitleFont, l.Heading1Font, l.Heading2Font, l.PageNumFont} {
		for i, name := range f.Names {
			if seen[name] {
				continue
			}
			seen[name] = true
			b.WriteString(`<w:font w:name="` + esc(name) + `">`)
			if i+1 < len(f.Names) {
				b.WriteString(`<w:altName w:val="` + esc(f.Names[i+1]) + `"/>`)
			}
			b.WriteString(`<w:charset w:val="86"/><w:family w:val="` + family(name) + `"/></w:font>`)
		}
	}
	b.WriteString(`</w:fonts>`)
	return b.String()
}

// family tells a renderer lacking the font whether to fall back to a
// serif (宋, 仿宋, 楷) or a sans (黑体).
func family(name string) string {
	for _, sans := range []string{"黑", "Hei", "Sans", "Gothic"} {
		if strings.Contains(name, sans) {
			return "swiss"
		}
	}
	return "roman"
}

// rPr is a run's typeface and size, plus extra properties (bold, colour).
// Extra properties come in the schema's order: b, bCs, color, spacing,
// kern (all before sz); rPrDefault adds lang after.
func rPr(f circular.Font, size float64, extra string) string {
	return rPrLang(f, size, extra, "")
}

func rPrLang(f circular.Font, size float64, extra, lang string) string {
	n := esc(f.Name())
	hp := int(math.Round(size * 2))
	return fmt.Sprintf(`<w:rPr><w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s"/>%s<w:sz w:val="%d"/><w:szCs w:val="%d"/>%s</w:rPr>`,
		n, n, n, n, extra, hp, hp, lang)
}

// exact is an exact line spacing with space before.
func exact(line, before int) string {
	return fmt.Sprintf(`<w:spacing w:before="%d" w:after="0" w:line="%d" w:lineRule="exact"/>`, before, line)
}

func stylesXML(l circular.Layout, g geometry) string {
	body := l.BodyFont
	indent := fmt.Sprintf(`<w:ind w:firstLine="%d" w:firstLineChars="200"/>`, g.chars(2))
	style := func(id, name, pPr, rPr string) string {
		return `<w:style w:type="paragraph" w:customStyle="1" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
			`<w:pPr>` + pPr + `</w:pPr>` + rPr + `</w:style>`
	}
	heading := func(id, name string, lvl int, f circular.Font, extra string) string {
		return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>` +
			`<w:pPr><w:keepNext/>` + indent + fmt.Sprintf(`<w:outlineLvl w:val="%d"/>`, lvl) + `</w:pPr>` + rPr(f, body.Size, extra) + `</w:style>`
	}
	red := `<w:color w:val="` + esc(l.Red) + `"/>`
	var b strings.Builder
	b.WriteString(xmlHead + `<w:styles ` + nsW + `>`)
	b.WriteString(`<w:docDefaults><w:rPrDefault>` + rPrLang(body, body.Size, fmt.Sprintf(`<w:spacing w:val="%d"/><w:kern w:val="0"/>`, g.charSpacing), `<w:lang w:val="en-US" w:eastAsia="zh-CN"/>`) + `</w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>` + exact(g.pitch, 0) + `<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>`)
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>`)
	b.WriteString(style("BodyText", "正文缩进", indent, ""))
	b.WriteString(heading("Heading1", "heading 1", 0, l.Heading1Font, ""))
	b.WriteString(heading("Heading2", "heading 2", 1, l.Heading2Font, ""))
	b.WriteString(heading("Heading3", "heading 3", 2, body, `<w:b/><w:bCs/>`))
	b.WriteString(style("Issuer", "发文机关标志", `<w:jc w:val="center"/>`, rPr(l.IssuerFont, l.IssuerFont.Size, red)))
	b.WriteString(style("DocNumber", "发文字号", `<w:jc w:val="center"/>`, ""))
	b.WriteString(style("DocTitle", "公文标题", `<w:jc w:val="center"/>`, rPr(l.TitleFont, l.TitleFont.Size, "")))
	b.WriteString(style("MainTo", "主送机关", `<w:jc w:val="left"/>`, ""))
	b.WriteString(style("Signature", "署名", `<w:jc w:val="right"/>`, ""))
	b.WriteString(style("Caption", "表题", `<w:keepNext/><w:jc w:val="center"/>`, rPr(body, body.Size, `<w:b/><w:bCs/>`)))
	b.WriteString(style("TableText", "表格文字", `<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`,
		rPr(body, tableSize, "")))
	b.WriteString(style("Imprint", "版记", `<w:snapToGrid w:val="0"/>`+exact(g.pitch, 0)+`<w:jc w:val="left"/>`, rPr(body, footSize, "")))
	b.WriteString(style("PageNum", "页码", `<w:snapToGrid w:val="0"/>`+exact(g.footLine, 0), rPr(l.PageNumFont, l.PageNumFont.Size, "")))
	b.WriteString(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>` +
		`<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.WriteString(`</w:styles>`)
	return b.String()
}

func footerXML(l circular.Layout, g geometry, even bool) string {
	// 单页码居右空一字，双页码居左空一字 (GB/T 9704-2012 7.5).
	one := int(math.Round(l.PageNumFont.Size * 20))
	pPr := fmt.Sprintf(`<w:ind w:right="%d"/><w:jc w:val="right"/>`, one)
	if even {
		pPr = fmt.Sprintf(`<w:ind w:left="%d"/><w:jc w:val="left"/>`, one)
	}
	r := rPr(l.PageNumFont, l.PageNumFont.Size, "")
	// The dashes are 一字线, U+2014, with a space either side of the number.
	return xmlHead + `<w:ftr ` + nsW + `><w:p><w:pPr><w:pStyle w:val="PageNum"/>` + pPr + `</w:pPr>` +
		`<w:r>` + r + `<w:t xml:space="preserve">— </w:t></w:r>` +
		`<w:r>` + r + `<w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r>` + r + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r>` + r + `<w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r>` + r + `<w:t>1</w:t></w:r>` +
		`<w:r>` + r + `<w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r>` + r + `<w:t xml:space="preserve"> —</w:t></w:r>` +
		`</w:p></w:ftr>`
}

// doc builds word/document.xml.
type doc struct {
	l circular.Layout
	g geometry
	b strings.Builder
}

// p writes a paragraph of style with extra paragraph properties and runs.
func (x *doc) p(style, pPr, runs string) {
	x.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>` + pPr + `</w:pPr>` + runs + `</w:p>`)
}

func documentXML(d *circular.Doc, l circular.Layout, g geometry) string {
	x := &doc{l: l, g: g}
	x.b.WriteString(xmlHead + `<w:document ` + nsW + `><w:body>`)
	x.head(d)
	for _, bl := range d.Body {
		x.block(bl)
	}
	x.signature(d)
	x.imprint(d)
	x.sectPr()
	x.b.WriteString(`</w:body></w:document>`)
	return x.b.String()
}

// head is 版头 and the title: GB/T 9704-2012 7.2.4 puts the issuer's top
// edge 35 mm below the text block's top; the number two lines under it;
// a red rule 4 mm under the number; the title two lines under the rule,
// 主送 one line under the title.
func (x *doc) head(d *circular.Doc) {
	g, l := x.g, x.l
	first := true
	if d.Issuer != "" {
		size := l.IssuerFont.Size
		line := int(math.Round(size * 1.25 * 20))
		// LibreOffice sets an exact line's baseline at 4/5 of its height;
		// a CJK glyph's ink starts about 0.86 em above the baseline.
		inkTop := float64(line)*0.8 - size*0.86*20
		before := max(twips(35)-int(inkTop), 0)
		x.p("Issuer", exact(line, before), runs(d.Issuer, ""))
		first = false
	}
	// The number's line is its own size: the rule's 4 mm is measured from
	// the glyphs, and a tall line would add its slack.
	if d.DocNumber != "" || d.Issuer != "" {
		before := 2 * g.pitch
		if first {
			before = 0
		}
		size := l.BodyFont.Size
		line := int(math.Round(size * 1.1 * 20))
		// From the glyphs' foot (~0.12 em below the baseline, at 4/5 of
		// the line) to the line's foot, then to the rule.
		slack := float64(line)*0.2 - size*0.12*20
		space := max((float64(twips(4))-slack)/20, 0)
		border := fmt.Sprintf(`<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="%d" w:color="%s"/></w:pBdr>`, int(math.Round(space)), esc(l.Red))
		x.p("DocNumber", border+exact(line, before), runs(d.DocNumber, ""))
		first = false
	}
	if d.Title != "" {
		before := 2 * g.pitch
		if first {
			before = 0
		}
		x.p("DocTitle", exact(max(g.pitch, int(l.TitleFont.Size*20*1.3)), before), runs(d.Title, ""))
		first = false
	}
	if d.MainTo != "" {
		before := g.pitch
		if first {
			before = 0
		}
		x.p("MainTo", exact(g.pitch, before), runs(d.MainTo, ""))
	}
}

func (x *doc) block(bl circular.Block) {
	switch bl.Kind {
	case circular.Heading1:
		x.p("Heading1", "", runs(bl.Text, ""))
	case circular.Heading2:
		x.p("Heading2", "", runs(bl.Text, ""))
	case circular.Heading3:
		x.p("Heading3", "", runs(bl.Text, ""))
	case circular.TableBlk:
		if bl.Table != nil {
			x.table(bl.Table)
		}
	default:
		// Each line of a paragraph's text is a paragraph of its own, so
		// each gets the two-character indent.
		for _, line := range strings.Split(clean(bl.Text), "\n") {
			if strings.TrimSpace(line) != "" {
				x.p("BodyText", "", runs(line, ""))
			}
		}
	}
}

func (x *doc) table(t *circular.Table) {
	if t.Caption != "" {
		x.p("Caption", "", runs(t.Caption, ""))
	}
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	widths := colWidths(x.g.textW, cols, t.Widths)
	// A wide table of figures takes 五号 so three-digit counts fit a column.
	size := float64(tableSize)
	if cols > 8 {
		size = wideTableSize
	}
	b := &x.b
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblInd w:w="0" w:type="dxa"/>`, x.g.textW)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/>`)
	if cols > 8 {
		b.WriteString(`<w:tblCellMar><w:left w:w="28" w:type="dxa"/><w:right w:w="28" w:type="dxa"/></w:tblCellMar>`)
	}
	b.WriteString(`<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header bool) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if header {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for i := range cols {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`, widths[i])
			extra, pPr := "", ""
			if header {
				extra = `<w:b/><w:bCs/>`
			} else if utf8.RuneCountInString(v) > 12 {
				// Long text reads better flush left; short values centred.
				pPr = `<w:jc w:val="both"/>`
			}
			b.WriteString(`<w:p><w:pPr><w:pStyle w:val="TableText"/>` + pPr + `</w:pPr>` + runs(v, rPr(x.l.BodyFont, size, extra)) + `</w:p></w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	if len(t.Header) > 0 {
		row(t.Header, true)
	}
	for _, r := range t.Rows {
		row(r, false)
	}
	b.WriteString(`</w:tbl>`)
}

// colWidths splits total among n columns by rel, or equally; the last
// column takes the rounding so they sum to total exactly.
func colWidths(total, n int, rel []int) []int {
	sum := 0
	for i := range n {
		if i < len(rel) && rel[i] > 0 {
			sum += rel[i]
		}
	}
	ws := make([]int, n)
	left := total
	for i := range n {
		if i == n-1 {
			ws[i] = left
			break
		}
		w := total / n
		if len(rel) >= n && sum > 0 {
			w = total * max(rel[i], 0) / sum
		}
		ws[i] = w
		left -= w
	}
	return ws
}

// signature is 署名 and 成文日期 one blank line under the body: the date
// right-aligned four characters in (成文日期右空四字), the signer centred
// over it.
func (x *doc) signature(d *circular.Doc) {
	if d.Signer == "" && d.Date == "" {
		return
	}
	dateIn := 4.0
	before := x.g.pitch
	if d.Signer != "" {
		in := dateIn
		if d.Date != "" {
			in = max(dateIn+(width(d.Date)-width(d.Signer))/2, 2)
		}
		x.p("Signature", exact(x.g.pitch, before)+fmt.Sprintf(`<w:ind w:right="%d"/>`, x.g.chars(in)), runs(d.Signer, ""))
		before = 0
	}
	if d.Date != "" {
		x.p("Signature", exact(x.g.pitch, before)+fmt.Sprintf(`<w:ind w:right="%d"/>`, x.g.chars(dateIn)), runs(d.Date, ""))
	}
}

// width is s in characters: ASCII is half a character.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x80 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

// imprint is 版记, last in the document: 抄送 and 印发机关/印发日期 between
// a thick first and last rule with a thin one between them (GB/T
// 9704-2012 7.4). It is a floating table at the foot of the text block,
// so its last rule lies on the block's bottom edge on the last page (as
// Word lays it out; LibreOffice 7.4 keeps it inline, after a blank line
// under the date, which is also acceptable).
func (x *doc) imprint(d *circular.Doc) {
	var rows []string
	one := int(math.Round(footSize * 20))
	if d.CopyTo != "" {
		// 回行时与冒号后的首字对齐: a hanging indent of the label's width.
		ind := fmt.Sprintf(`<w:ind w:left="%d" w:right="%d" w:hanging="%d"/>`, one+3*one, one, 3*one)
		rows = append(rows, ind+`</w:pPr>`+runs("抄送：", "")+runs(d.CopyTo, ""))
	}
	if d.PrintedBy != "" || d.PrintedOn != "" {
		tabs := fmt.Sprintf(`<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs>`, x.g.textW-2*one)
		ind := fmt.Sprintf(`<w:ind w:left="%d" w:right="%d"/>`, one, one)
		rows = append(rows, tabs+ind+`</w:pPr>`+runs(oneLine(d.PrintedBy)+"\t"+oneLine(d.PrintedOn), ""))
	}
	if len(rows) == 0 {
		return
	}
	b := &x.b
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Imprint"/></w:pPr></w:p>`)
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom"/>`+
		`<w:tblW w:w="%d" w:type="dxa"/><w:tblBorders>`+
		`<w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/>`+
		`<w:insideH w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tblBorders><w:tblLayout w:type="fixed"/>`+
		`<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>`+
		`<w:tblGrid><w:gridCol w:w="%d"/></w:tblGrid>`, x.g.textW, x.g.textW)
	for _, r := range rows {
		fmt.Fprintf(b, `<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="Imprint"/>%s</w:p></w:tc></w:tr>`, x.g.textW, r)
	}
	b.WriteString(`</w:tbl>`)
	// A document ends with a paragraph; an empty one as short as can be.
	b.WriteString(`<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>`)
}

func (x *doc) sectPr() {
	g := x.g
	fmt.Fprintf(&x.b, `<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:footerReference w:type="even" r:id="rId5"/>`+
		`<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/>`+
		`<w:cols w:space="425"/><w:docGrid w:linePitch="%d"/></w:sectPr>`,
		g.pageW, g.pageH, g.top, g.right, g.bottom, g.left, g.footer, g.pitch)
}

// runs is text as runs with properties rPr: tabs become w:tab, line
// breaks w:br.
func runs(text, rPr string) string {
	text = clean(text)
	var b strings.Builder
	b.WriteString(`<w:r>` + rPr)
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString(`<w:br/>`)
		}
		for j, seg := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString(`<w:tab/>`)
			}
			if seg != "" {
				b.WriteString(`<w:t xml:space="preserve">` + esc(seg) + `</w:t>`)
			}
		}
	}
	b.WriteString(`</w:r>`)
	return b.String()
}

// clean drops what XML 1.0 cannot hold — control characters but tab and
// newline, U+FFFE, U+FFFF, invalid UTF-8 (lone surrogates among it) — and
// makes every line end a \n.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				continue
			}
			b.WriteRune(r)
		case r == '\r':
			b.WriteByte('\n')
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine is s cleaned with its breaks and tabs as spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(clean(s))
}

// esc escapes s for XML text or a quoted attribute.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(clean(s)))
	return b.String()
}
