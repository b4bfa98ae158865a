package docin

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"

	// Decompressed-size caps keep a zip bomb from running for minutes
	// or filling memory: a 700 KB file can unpack to 200 MB. A real
	// notice's document.xml is a few MB at most.
	maxDocumentXML = 32 << 20
	maxPartXML     = 4 << 20
	// maxDepth bounds the recursion over nested elements.
	maxDepth = 200
)

var errDocxDamaged = &Error{"Word 文档已损坏，无法读取其内容", "the Word document is damaged and its content cannot be read"}

var errTooDeep = errors.New("docin: docx nesting too deep")

// readDocx reads word/document.xml (with numbering and styles for automatic
// list numbers); parts are keyed by lower-case name.
func readDocx(ctx context.Context, parts map[string]*zip.File) (string, error) {
	x := &docx{}
	if f := parts["word/styles.xml"]; f != nil {
		var st xStyles
		if unmarshalPart(ctx, f, &st) == nil {
			x.styles = newStyles(&st)
		}
	}
	if f := parts["word/numbering.xml"]; f != nil {
		var nb xNumbering
		if unmarshalPart(ctx, f, &nb) == nil {
			x.num = newNumbering(&nb, x.styles)
		}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	rc, err := parts["word/document.xml"].Open()
	if err != nil {
		return "", errDocxDamaged
	}
	defer rc.Close()
	cr := &capReader{ctx: ctx, r: rc, n: maxDocumentXML}
	x.d = newXMLDecoder(cr)
	var lines []string
	if err := x.document(&lines); err != nil {
		switch {
		case cr.n <= 0:
			// The cap may cut a character in two, which the decoder
			// reports first as invalid UTF-8.
			return "", &Error{"Word 文档解压后内容过大（超过 32 MB），不像是一份通知，可能已损坏；请检查文件，或另存为新的 .docx 后再导入",
				"the Word document unpacks to over 32 MB; it may be damaged"}
		case ctx.Err() != nil:
			return "", ctx.Err()
		}
		return "", errDocxDamaged
	}
	text := strings.Trim(clean(strings.Join(lines, "\n")), "\n")
	if strings.TrimSpace(text) == "" {
		return "", &Error{"Word 文档中没有文字", "the Word document contains no text"}
	}
	return text, nil
}

func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("docin: xml charset %q: %w", label, err)
		}
		return transform.NewReader(in, enc.NewDecoder()), nil
	}
	return d
}

func unmarshalPart(ctx context.Context, f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("docin: open %s: %w", f.Name, err)
	}
	defer rc.Close()
	if err := newXMLDecoder(&capReader{ctx: ctx, r: rc, n: maxPartXML}).Decode(v); err != nil {
		return fmt.Errorf("docin: parse %s: %w", f.Name, err)
	}
	return nil
}

type capError struct{}

func (*capError) Error() string { return "docin: decompressed part too large" }

// capReader fails once more than n bytes have been read, or when ctx is
// done: the XML decoder reads a few KB at a time, so a cancelled import
// stops within moments.
type capReader struct {
	ctx context.Context
	r   io.Reader
	n   int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, &capError{}
	}
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	k, err := c.r.Read(p)
	c.n -= int64(k)
	return k, err
}

func isW(n xml.Name) bool {
	return n.Space == nsW || n.Space == nsWStrict || n.Space == "w"
}

func isMCFallback(n xml.Name) bool {
	return (n.Space == nsMC || n.Space == "mc") && n.Local == "Fallback"
}

// wVal returns the w:val attribute.
func wVal(t xml.StartElement) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == "val" && (a.Name.Space == "" || isW(a.Name)) {
			return a.Value, true
		}
	}
	return "", false
}

// isOn reads an OOXML on/off property: present without val means on.
func isOn(t xml.StartElement) bool {
	v, ok := wVal(t)
	return !ok || (v != "0" && v != "false" && v != "off")
}

// docx walks document.xml with a streaming decoder.
type docx struct {
	d      *xml.Decoder
	num    *numbering
	styles *styles
	depth  int
	inCell int // > 0 inside a table cell: nested tables are flattened
}

// document reads to the end of the stream.
func (x *docx) document(out *[]string) error {
	err := x.content(func(t xml.StartElement) error { return x.block(t, out) }, nil)
	if err == io.EOF {
		return nil
	}
	return err
}

// content reads the current element up to its end tag. visit gets the
// start tag of each child element and must consume the element; text, if
// not nil, gets the character data between them.
func (x *docx) content(visit func(xml.StartElement) error, text func(xml.CharData)) error {
	for {
		tok, err := x.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if text != nil {
				text(t)
			}
		case xml.StartElement:
			if err := visit(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// children is content for the document walk: each child element goes
// through nested.
func (x *docx) children(visit func(xml.StartElement) error) error {
	return x.content(func(t xml.StartElement) error { return x.nested(t, visit) }, nil)
}

// nested reads one element of the document walk, whose start tag was just
// read: it counts toward maxDepth while visit reads it, and an mc:Fallback
// is skipped (the Choice before it holds the same content).
func (x *docx) nested(t xml.StartElement, visit func(xml.StartElement) error) error {
	x.depth++
	if x.depth > maxDepth {
		return errTooDeep
	}
	defer func() { x.depth-- }()
	if isMCFallback(t.Name) {
		return x.d.Skip()
	}
	return visit(t)
}

// blocks reads block-level content up to the end of the current element.
func (x *docx) blocks(out *[]string) error {
	return x.content(func(t xml.StartElement) error { return x.block(t, out) }, nil)
}

// block handles one block-level element whose start tag was just read.
func (x *docx) block(t xml.StartElement, out *[]string) error {
	return x.nested(t, func(t xml.StartElement) error {
		if isW(t.Name) {
			switch t.Name.Local {
			case "p":
				line, boxes, err := x.paragraph()
				if err != nil {
					return err
				}
				*out = append(*out, boxes...)
				if line != "" || len(boxes) == 0 { // an anchor-only paragraph adds no blank line
					*out = append(*out, line)
				}
				return nil
			case "tbl":
				rows, err := x.table()
				if err != nil {
					return err
				}
				*out = append(*out, rows...)
				return nil
			case "del", "moveFrom", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "pPr", "rPr":
				return x.d.Skip()
			}
		}
		// Containers (body, sdt, sdtContent, customXml, ins, ...): look inside.
		return x.blocks(out)
	})
}

// para collects one paragraph.
type para struct {
	text   strings.Builder
	numID  string
	ilvl   int
	hasNum bool // numPr/numId given on the paragraph itself
	hasLvl bool
	style  string
	boxes  []string // lines of text boxes anchored in the paragraph
}

// paragraph reads a w:p and returns its line (with its list number) and
// the lines of any text boxes inside it.
func (x *docx) paragraph() (string, []string, error) {
	p := &para{}
	if err := x.inline(p); err != nil {
		return "", nil, err
	}
	text := strings.Trim(p.text.String(), "\n")
	if label := x.label(p); label != "" {
		text = label + text
	}
	return text, p.boxes, nil
}

var errHiddenRun = errors.New("hidden run")

// inline reads inline content up to the end of the current element.
func (x *docx) inline(p *para) error {
	err := x.children(func(t xml.StartElement) error { return x.inlineElem(p, t) })
	if err == errHiddenRun {
		// rPr said the run is hidden: drop the rest of it.
		return x.d.Skip()
	}
	return err
}

func (x *docx) inlineElem(p *para, t xml.StartElement) error {
	if !isW(t.Name) {
		// Drawings and VML shapes may hold text boxes (w:txbxContent).
		return x.inline(p)
	}
	switch t.Name.Local {
	case "t":
		s, err := x.charData()
		p.text.WriteString(s)
		return err
	case "tab", "ptab":
		p.text.WriteByte('\t')
		return x.d.Skip()
	case "br", "cr":
		p.text.WriteByte('\n')
		return x.d.Skip()
	case "noBreakHyphen":
		p.text.WriteByte('-')
		return x.d.Skip()
	case "pPr":
		return x.pPr(p)
	case "rPr":
		hidden, err := x.rPr()
		if err != nil {
			return err
		}
		if hidden {
			return errHiddenRun
		}
		return nil
	case "txbxContent":
		return x.blocks(&p.boxes)
	case "p", "tbl":
		// Not valid here, but keep the text rather than lose it.
		return x.block(t, &p.boxes)
	case "del", "moveFrom", "delText", "instrText", "delInstrText", "fldData",
		"footnoteReference", "endnoteReference", "commentReference", "annotationRef",
		"sym", "softHyphen", "lastRenderedPageBreak", "object", "rt":
		return x.d.Skip()
	}
	// r, hyperlink, ins, moveTo, smartTag, fldSimple, sdt, customXml, ...
	return x.inline(p)
}

// charData reads the text of a w:t.
func (x *docx) charData() (string, error) {
	var b strings.Builder
	err := x.content(func(xml.StartElement) error { return x.d.Skip() }, func(t xml.CharData) { b.Write(t) })
	return b.String(), err
}

// pPr reads paragraph properties: style and list numbering.
func (x *docx) pPr(p *para) error {
	return x.content(func(t xml.StartElement) error {
		if isW(t.Name) && t.Name.Local == "pStyle" {
			p.style, _ = wVal(t)
		}
		if isW(t.Name) && t.Name.Local == "numPr" {
			id, lvl, hasID, hasLvl, err := x.numPr()
			if err != nil {
				return err
			}
			if hasID {
				p.numID, p.hasNum = id, true
			}
			if hasLvl {
				p.ilvl, p.hasLvl = lvl, true
			}
			return nil
		}
		return x.d.Skip()
	}, nil)
}

func (x *docx) numPr() (id string, lvl int, hasID, hasLvl bool, err error) {
	err = x.content(func(t xml.StartElement) error {
		if isW(t.Name) {
			switch t.Name.Local {
			case "numId":
				id, hasID = wVal(t)
			case "ilvl":
				v, _ := wVal(t)
				if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < 9 {
					lvl, hasLvl = n, true
				}
			}
		}
		return x.d.Skip()
	}, nil)
	return id, lvl, hasID, hasLvl, err
}

// rPr reports whether run properties hide the run (w:vanish).
func (x *docx) rPr() (bool, error) {
	hidden := false
	err := x.content(func(t xml.StartElement) error {
		if isW(t.Name) && t.Name.Local == "vanish" && isOn(t) {
			hidden = true
		}
		return x.d.Skip()
	}, nil)
	return hidden && err == nil, err
}

// label returns the rendered list number of p ("1." "（一）" "一、"), or "".
func (x *docx) label(p *para) string {
	if x.num == nil {
		return ""
	}
	numID, ilvl, style := p.numID, p.ilvl, p.style
	if style == "" && x.styles != nil {
		style = x.styles.defaultPara
	}
	hasLvl := p.hasLvl
	if !p.hasNum && x.styles != nil {
		// Numbering inherited from the paragraph style.
		id, lvl, ok, okLvl := x.styles.numPr(style)
		if !ok {
			return ""
		}
		numID = id
		if !hasLvl && okLvl {
			ilvl, hasLvl = lvl, true
		}
	}
	if numID == "" || numID == "0" {
		return ""
	}
	if !hasLvl {
		ilvl = x.num.levelForStyle(numID, style)
	}
	return x.num.next(numID, ilvl)
}

// cell is one table cell.
type cell struct {
	lines  []string
	span   int
	vMerge int // 0 none, 1 restart, 2 continue
	hMerge bool
}

const (
	vMergeNone = iota
	vMergeRestart
	vMergeContinue
)

// table reads a w:tbl: one "a | b |" line per row, or, inside a cell, the
// flattened text of each row.
func (x *docx) table() ([]string, error) {
	var rows [][]cell
	var before []int
	if err := x.tableRows(&rows, &before); err != nil {
		return nil, err
	}
	single := true
	for _, r := range rows {
		n := 0
		for _, c := range r {
			if !c.hMerge {
				n++
			}
		}
		if n > 1 {
			single = false
		}
	}
	var out []string
	if single && x.inCell == 0 {
		// A one-column table is a frame around paragraphs, not a ledger.
		for _, r := range rows {
			for _, c := range r {
				out = append(out, c.lines...)
			}
		}
		return out, nil
	}
	above := map[int]string{} // grid column → text of the cell that starts there
	for i, r := range rows {
		col := before[i]
		cur := map[int]string{}
		var texts []string
		own := false // a row of only merged-down cells repeats the row above
		for _, c := range r {
			if c.hMerge {
				col += c.span
				continue
			}
			text := cellText(c.lines)
			if text != "" {
				own = true
			}
			if c.vMerge == vMergeContinue && text == "" {
				text = above[col]
			}
			cur[col] = text
			col += c.span
			texts = append(texts, text)
		}
		above = cur
		if !own {
			continue
		}
		if x.inCell > 0 {
			out = append(out, strings.Join(nonEmpty(texts), " "))
		} else {
			out = append(out, strings.Join(texts, " | ")+" |")
		}
	}
	return out, nil
}

// tableRows collects the rows of a table, looking through sdt/customXml
// wrappers; before holds each row's w:gridBefore.
func (x *docx) tableRows(rows *[][]cell, before *[]int) error {
	return x.children(func(t xml.StartElement) error {
		switch {
		case isW(t.Name) && t.Name.Local == "tr":
			r, gb, err := x.row()
			*rows = append(*rows, r)
			*before = append(*before, gb)
			return err
		case isW(t.Name) && (t.Name.Local == "tblPr" || t.Name.Local == "tblGrid" || t.Name.Local == "del" || t.Name.Local == "moveFrom"):
			return x.d.Skip()
		}
		return x.tableRows(rows, before)
	})
}

// row reads a w:tr.
func (x *docx) row() ([]cell, int, error) {
	var cells []cell
	gridBefore := 0
	var visit func(xml.StartElement) error
	visit = func(t xml.StartElement) error {
		var err error
		switch {
		case isW(t.Name) && t.Name.Local == "trPr":
			gridBefore, err = x.trPr()
		case isW(t.Name) && t.Name.Local == "tc":
			var c cell
			c, err = x.cell()
			cells = append(cells, c)
		case isW(t.Name) && (t.Name.Local == "tblPrEx" || t.Name.Local == "del" || t.Name.Local == "moveFrom"):
			err = x.d.Skip()
		default:
			err = x.children(visit) // sdt, customXml around cells
		}
		return err
	}
	err := x.children(visit)
	return cells, gridBefore, err
}

func (x *docx) trPr() (int, error) {
	n := 0
	err := x.content(func(t xml.StartElement) error {
		if isW(t.Name) && t.Name.Local == "gridBefore" {
			v, _ := wVal(t)
			if k, err := strconv.Atoi(v); err == nil && k > 0 && k < 1000 {
				n = k
			}
		}
		return x.d.Skip()
	}, nil)
	return n, err
}

// cell reads a w:tc: its properties and its paragraphs (nested tables are
// flattened into it).
func (x *docx) cell() (cell, error) {
	c := cell{span: 1}
	x.inCell++
	defer func() { x.inCell-- }()
	err := x.content(func(t xml.StartElement) error {
		if isW(t.Name) && t.Name.Local == "tcPr" {
			return x.tcPr(&c)
		}
		return x.block(t, &c.lines)
	}, nil)
	return c, err
}

func (x *docx) tcPr(c *cell) error {
	return x.content(func(t xml.StartElement) error {
		if isW(t.Name) {
			v, ok := wVal(t)
			switch t.Name.Local {
			case "gridSpan":
				if k, err := strconv.Atoi(v); err == nil && k > 1 && k < 1000 {
					c.span = k
				}
			case "vMerge":
				c.vMerge = vMergeContinue
				if ok && v == "restart" {
					c.vMerge = vMergeRestart
				}
			case "hMerge":
				c.hMerge = ok && v == "continue" || !ok
			}
		}
		return x.d.Skip()
	}, nil)
}

// cellText joins a cell's lines with single spaces; "|" would break the
// row format, so it becomes the full-width "｜".
func cellText(lines []string) string {
	var parts []string
	for _, l := range lines {
		if l = collapseSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.ReplaceAll(strings.Join(parts, " "), "|", "｜")
}

// collapseSpace turns runs of ASCII white space into one space and trims
// the ends (also of full-width spaces, which are only indentation there).
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == 0xA0 {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), " \u3000")
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ---- styles.xml ----

type xVal struct {
	Val string `xml:"val,attr"`
}

type xNumPr struct {
	NumID *xVal `xml:"numId"`
	Ilvl  *xVal `xml:"ilvl"`
}

type xStyles struct {
	Style []struct {
		ID      string  `xml:"styleId,attr"`
		Type    string  `xml:"type,attr"`
		Default string  `xml:"default,attr"`
		BasedOn *xVal   `xml:"basedOn"`
		NumPr   *xNumPr `xml:"pPr>numPr"`
	} `xml:"style"`
}

type styleDef struct {
	basedOn string
	numPr   *xNumPr
}

type styles struct {
	byID        map[string]styleDef
	defaultPara string
}

func newStyles(x *xStyles) *styles {
	s := &styles{byID: map[string]styleDef{}}
	for _, st := range x.Style {
		d := styleDef{numPr: st.NumPr}
		if st.BasedOn != nil {
			d.basedOn = st.BasedOn.Val
		}
		s.byID[st.ID] = d
		if (st.Type == "paragraph" || st.Type == "") && (st.Default == "1" || st.Default == "true") {
			s.defaultPara = st.ID
		}
	}
	return s
}

// numPr finds the numbering a style (or a style it is based on) gives.
func (s *styles) numPr(id string) (numID string, ilvl int, ok, okLvl bool) {
	for hops := 0; id != "" && hops < 20; hops++ {
		d, found := s.byID[id]
		if !found {
			break
		}
		if d.numPr != nil {
			if d.numPr.Ilvl != nil && !okLvl {
				if n, err := strconv.Atoi(d.numPr.Ilvl.Val); err == nil && n >= 0 && n < 9 {
					ilvl, okLvl = n, true
				}
			}
			if d.numPr.NumID != nil {
				return d.numPr.NumID.Val, ilvl, true, okLvl
			}
		}
		id = d.basedOn
	}
	return "", 0, false, false
}

// ---- numbering.xml ----

type xLvl struct {
	Ilvl   string `xml:"ilvl,attr"`
	Start  *xVal  `xml:"start"`
	NumFmt []struct {
		Val    string `xml:"val,attr"`
		Format string `xml:"format,attr"`
	} `xml:"numFmt"`
	AltFmt  []xVal `xml:"AlternateContent>Fallback>numFmt"`
	LvlText *xVal  `xml:"lvlText"`
	Suff    *xVal  `xml:"suff"`
	IsLgl   *xVal  `xml:"isLgl"`
	PStyle  *xVal  `xml:"pStyle"`
	Restart *xVal  `xml:"lvlRestart"`
}

type xNumbering struct {
	Abstract []struct {
		ID           string `xml:"abstractNumId,attr"`
		Lvl          []xLvl `xml:"lvl"`
		NumStyleLink *xVal  `xml:"numStyleLink"`
	} `xml:"abstractNum"`
	Num []struct {
		ID        string `xml:"numId,attr"`
		Abstract  *xVal  `xml:"abstractNumId"`
		Overrides []struct {
			Ilvl  string `xml:"ilvl,attr"`
			Start *xVal  `xml:"startOverride"`
			Lvl   *xLvl  `xml:"lvl"`
		} `xml:"lvlOverride"`
	} `xml:"num"`
}

type level struct {
	start   int
	format  string // numFmt
	pattern string // custom format ("001, 002, 003, ...")
	text    string // lvlText
	suff    string
	legal   bool
	pStyle  string
	restart int // -1: after any shallower level; 0: never; n: after level n (1-based)
}

type abstractNum struct {
	levels       [9]*level
	numStyleLink string
}

type numInstance struct {
	abstract string
	start    [9]*int   // startOverride
	lvl      [9]*level // full level overrides
}

type listState struct {
	cur  [9]int
	used [9]bool
}

type numbering struct {
	abstract map[string]*abstractNum
	nums     map[string]*numInstance
	styles   *styles
	state    map[string]*listState // counters per numId
}

func atoiLevel(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n < 9
}

func newLevel(l *xLvl) *level {
	lv := &level{start: 1, format: "decimal", restart: -1}
	if l.Start != nil {
		if n, err := strconv.Atoi(l.Start.Val); err == nil && n >= 0 && n < 1e6 {
			lv.start = n
		}
	}
	for _, f := range l.NumFmt {
		if f.Val == "custom" && lv.pattern == "" {
			lv.pattern = f.Format
			continue
		}
		lv.format = f.Val
	}
	for _, f := range l.AltFmt {
		lv.format = f.Val // the fallback of a w14 custom format
	}
	if len(l.NumFmt) > 0 && len(l.AltFmt) == 0 && l.NumFmt[len(l.NumFmt)-1].Val == "custom" {
		lv.format = "custom"
	}
	if l.LvlText != nil {
		lv.text = l.LvlText.Val
	}
	if l.Suff != nil {
		lv.suff = l.Suff.Val
	}
	if l.IsLgl != nil {
		lv.legal = l.IsLgl.Val == "" || l.IsLgl.Val == "1" || l.IsLgl.Val == "true" || l.IsLgl.Val == "on"
	}
	if l.PStyle != nil {
		lv.pStyle = l.PStyle.Val
	}
	if l.Restart != nil {
		if n, err := strconv.Atoi(l.Restart.Val); err == nil && n >= 0 {
			lv.restart = n
		}
	}
	return lv
}

func newNumbering(x *xNumbering, st *styles) *numbering {
	nb := &numbering{
		abstract: map[string]*abstractNum{},
		nums:     map[string]*numInstance{},
		styles:   st,
		state:    map[string]*listState{},
	}
	for _, a := range x.Abstract {
		an := &abstractNum{}
		if a.NumStyleLink != nil {
			an.numStyleLink = a.NumStyleLink.Val
		}
		for i := range a.Lvl {
			if k, ok := atoiLevel(a.Lvl[i].Ilvl); ok {
				an.levels[k] = newLevel(&a.Lvl[i])
			}
		}
		nb.abstract[a.ID] = an
	}
	for _, n := range x.Num {
		ni := &numInstance{}
		if n.Abstract != nil {
			ni.abstract = n.Abstract.Val
		}
		for _, o := range n.Overrides {
			k, ok := atoiLevel(o.Ilvl)
			if !ok {
				continue
			}
			if o.Start != nil {
				if v, err := strconv.Atoi(o.Start.Val); err == nil && v >= 0 && v < 1e6 {
					ni.start[k] = &v
				}
			}
			if o.Lvl != nil {
				ni.lvl[k] = newLevel(o.Lvl)
			}
		}
		nb.nums[n.ID] = ni
	}
	return nb
}

// abstractOf resolves a numId to its abstract definition, following
// numStyleLink (a list defined by a numbering style).
func (nb *numbering) abstractOf(numID string) *abstractNum {
	for hops := 0; hops < 10; hops++ {
		ni := nb.nums[numID]
		if ni == nil {
			return nil
		}
		an := nb.abstract[ni.abstract]
		if an == nil || an.numStyleLink == "" || nb.styles == nil {
			return an
		}
		id, _, ok, _ := nb.styles.numPr(an.numStyleLink)
		if !ok || id == numID {
			return an
		}
		numID = id
	}
	return nil
}

func (nb *numbering) level(numID string, ilvl int) *level {
	if ni := nb.nums[numID]; ni != nil && ni.lvl[ilvl] != nil {
		return ni.lvl[ilvl]
	}
	if an := nb.abstractOf(numID); an != nil {
		return an.levels[ilvl]
	}
	return nil
}

// levelForStyle finds the level whose w:pStyle is the paragraph's style.
func (nb *numbering) levelForStyle(numID, style string) int {
	if an := nb.abstractOf(numID); an != nil && style != "" {
		for i, l := range an.levels {
			if l != nil && l.pStyle == style {
				return i
			}
		}
	}
	return 0
}

func (nb *numbering) startOf(numID string, ilvl int) int {
	if ni := nb.nums[numID]; ni != nil && ni.start[ilvl] != nil {
		return *ni.start[ilvl]
	}
	if l := nb.level(numID, ilvl); l != nil {
		return l.start
	}
	return 1
}

// next advances the counter of numID at ilvl and renders the label.
func (nb *numbering) next(numID string, ilvl int) string {
	lv := nb.level(numID, ilvl)
	if lv == nil {
		return ""
	}
	st := nb.state[numID]
	if st == nil {
		st = &listState{}
		nb.state[numID] = st
	}
	if st.used[ilvl] {
		st.cur[ilvl]++
	} else {
		st.cur[ilvl] = nb.startOf(numID, ilvl)
		st.used[ilvl] = true
	}
	for j := ilvl + 1; j < 9; j++ {
		deeper := nb.level(numID, j)
		if deeper == nil || deeper.restart < 0 || (deeper.restart > 0 && ilvl < deeper.restart) {
			st.used[j] = false
		}
	}
	if lv.format == "bullet" || lv.format == "none" {
		return "" // bullets are not task numbers
	}
	var b strings.Builder
	for i := 0; i < len(lv.text); i++ {
		c := lv.text[i]
		if c == '%' && i+1 < len(lv.text) && lv.text[i+1] >= '1' && lv.text[i+1] <= '9' {
			k := int(lv.text[i+1] - '1')
			i++
			if k > ilvl {
				continue
			}
			n := st.cur[k]
			if !st.used[k] {
				n = nb.startOf(numID, k)
			}
			format, pattern := "decimal", ""
			if l := nb.level(numID, k); l != nil {
				format, pattern = l.format, l.pattern
			}
			if lv.legal {
				format = "decimal"
			}
			b.WriteString(formatNumber(n, format, pattern))
			continue
		}
		b.WriteByte(c)
	}
	label := b.String()
	if label == "" {
		return ""
	}
	// Word puts a tab (or space) after the number; the parser wants the
	// number glued to the text as typed notices have it ("1.把…", "一、…"),
	// so only a label ending in a letter or digit gets a space.
	if lv.suff != "nothing" {
		if r, _ := utf8.DecodeLastRuneInString(label); isAlnum(r) {
			label += " "
		}
	}
	return label
}

func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
		r >= 0x4E00 && r <= 0x9FFF || r >= 0xFF10 && r <= 0xFF5A || r == 0x3007
}
