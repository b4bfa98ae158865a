package docin

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var errNoContent = &Error{"网页中没有找到正文", "no article text found in the web page"}

// Weights count a Han character as 4 and any other letter or digit as 1,
// so Chinese text dominates but an English page still has a main part.
const (
	hanWeight = 4
	// maxHTMLDepth bounds every recursion over the tree.
	maxHTMLDepth = 400
)

// readHTML reads a web page saved as a file.
func readHTML(data []byte) (string, error) {
	s, err := decodeHTML(data)
	if err != nil {
		return "", err
	}
	return htmlText(s)
}

// decodeHTML finds the page's encoding: BOM, valid UTF-8, the declared
// <meta> charset, else GB18030 when the bytes look like it.
func decodeHTML(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) || bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF")) {
		s, _, err := decodeText(data)
		return s, err
	}
	if utf8.Valid(data) {
		// Even when the page declares GBK: GBK text is almost never valid
		// UTF-8, while a stale meta tag in a UTF-8 page is common.
		return string(data), nil
	}
	if label := metaCharset(data); label != "" {
		if enc, err := htmlindex.Get(label); err == nil {
			if enc == simplifiedchinese.GBK {
				enc = simplifiedchinese.GB18030 // a superset; pages say gb2312 but use more
			}
			if name, _ := htmlindex.Name(enc); name != "utf-8" && !strings.HasPrefix(name, "utf-16") {
				if out, err := enc.NewDecoder().Bytes(data); err == nil {
					return string(out), nil
				}
			}
		}
	}
	if looksBinary(data) {
		return "", errNotText
	}
	if s, ok := decodeGB18030(data); ok {
		return s, nil
	}
	return "", errEncoding
}

// metaCharset returns the charset a <meta> tag declares, or "".
func metaCharset(data []byte) string {
	z := html.NewTokenizer(bytes.NewReader(data[:min(len(data), 64<<10)]))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if string(name) != "meta" {
				continue
			}
			var charset, equiv, content string
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "charset":
					charset = string(v)
				case "http-equiv":
					equiv = string(v)
				case "content":
					content = string(v)
				}
			}
			if c := strings.TrimSpace(charset); c != "" {
				return c
			}
			if strings.EqualFold(strings.TrimSpace(equiv), "content-type") {
				lc := strings.ToLower(content)
				if i := strings.Index(lc, "charset="); i >= 0 {
					c := strings.Trim(content[i+len("charset="):], " \"'")
					if j := strings.IndexAny(c, " ;\"'"); j >= 0 {
						c = c[:j]
					}
					if c != "" {
						return c
					}
				}
			}
		}
	}
}

// htmlText extracts the notice from a decoded page.
func htmlText(src string) (string, error) {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return "", &Error{"网页结构过于复杂或已损坏，无法解析", "the web page is too deeply nested or damaged to parse"}
	}
	body := findElement(doc, atom.Body, 0)
	if body == nil {
		body = doc
	}
	pruneAlways(body, 0)
	st := map[*html.Node]hstat{}
	measure(body, false, 0, st)
	pruneChrome(body, st, 0)
	clear(st)
	measure(body, false, 0, st)
	if st[body].nonLink() == 0 {
		return "", errNoContent
	}

	main := chooseMain(body, st)
	r := &renderer{st: st}
	for _, n := range headerSiblings(main, body, st) {
		r.block(n)
	}
	r.block(main)
	r.flush()
	lines := r.lines
	if t := pageTitle(doc, body, main); t != "" {
		joined := strings.Join(strings.Fields(strings.Join(lines, "")), "")
		if !strings.Contains(joined, strings.Join(strings.Fields(t), "")) {
			lines = append([]string{t}, lines...)
		}
	}
	text := strings.Trim(clean(strings.Join(lines, "\n")), "\n")
	if strings.TrimSpace(text) == "" {
		return "", errNoContent
	}
	return text, nil
}

func findElement(n *html.Node, a atom.Atom, depth int) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	if depth > maxHTMLDepth {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a, depth+1); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// classID is the lower-cased class and id of an element.
func classID(n *html.Node) string {
	return strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
}

// alwaysDrop: elements that never carry notice text.
var alwaysDrop = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Math: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Video: true, atom.Audio: true, atom.Button: true,
	atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Head: true, atom.Map: true,
}

// pruneAlways removes script, style, hidden elements and the like.
func pruneAlways(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			n.RemoveChild(c)
		case c.Type != html.ElementNode:
		case alwaysDrop[c.DataAtom] || isHidden(c) || depth > maxHTMLDepth:
			n.RemoveChild(c)
		default:
			pruneAlways(c, depth+1)
		}
		c = next
	}
}

func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			s := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// hstat is the text weight below an element and how much of it is inside
// links.
type hstat struct {
	w, link int
	links   int // <a> elements
	h1      bool
}

func (s hstat) nonLink() int { return s.w - s.link }

func weight(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			w += hanWeight
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w++
		}
	}
	return w
}

func measure(n *html.Node, inLink bool, depth int, st map[*html.Node]hstat) hstat {
	var s hstat
	switch n.Type {
	case html.TextNode:
		s.w = weight(n.Data)
		if inLink {
			s.link = s.w
		}
		return s
	case html.ElementNode, html.DocumentNode:
	default:
		return s
	}
	if depth > maxHTMLDepth {
		return s
	}
	if n.DataAtom == atom.A {
		inLink = true
		s.links = 1
	}
	s.h1 = n.DataAtom == atom.H1
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		cs := measure(c, inLink, depth+1, st)
		s.w += cs.w
		s.link += cs.link
		s.links += cs.links
		s.h1 = s.h1 || cs.h1
	}
	st[n] = s
	return s
}

// Words in class or id names that mark page chrome. Head-like chrome may
// hold the notice title, so it is kept when it looks like it does.
var (
	navWords  = []string{"nav", "menu", "crumb", "bread", "share", "fenxiang", "sidebar", "toolbar", "search", "login", "topbar", "links", "position", "location", "weizhi", "dqwz", "pager", "pagination", "related"}
	headWords = []string{"header", "footer", "foot", "bottom", "copyright", "banner"}
	mainWords = []string{"trs_editor", "zoom", "article", "content", "main", "detail", "text", "zhengwen", "neirong"}

	docNumRe = regexp.MustCompile(`[〔\[［【(（]\s*(19|20)\d\d\s*[〕\]］】)）]\s*\d+\s*号`)
	titleRe  = regexp.MustCompile(`通知|决定|意见|方案|办法|通报|批复|公告|通告|规定|细则|要点|分工|规划|计划|函|报告`)
	// separates the article title from the site name in <title>
	titleSepRe = regexp.MustCompile(`\s*[_|｜—–-]+\s*`)
)

const (
	chromeNone = iota
	chromeNav
	chromeHead
)

func chromeKind(n *html.Node) int {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Form:
		return chromeNav
	case atom.Header, atom.Footer:
		return chromeHead
	}
	ci := classID(n)
	if strings.TrimSpace(ci) == "" {
		return chromeNone
	}
	for _, w := range navWords {
		if strings.Contains(ci, w) {
			return chromeNav
		}
	}
	for _, w := range headWords {
		if strings.Contains(ci, w) {
			return chromeHead
		}
	}
	return chromeNone
}

// pruneChrome removes navigation, sidebars, headers and footers, unless
// they hold a lot of plain text (some sites wrap the whole page in a
// <form> or a "main-nav-content" div) or, for head-like parts, the title.
func pruneChrome(n *html.Node, st map[*html.Node]hstat, depth int) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && depth <= maxHTMLDepth {
			k := chromeKind(c)
			keep := k == chromeNone || st[c].nonLink() >= 200*hanWeight
			if !keep && k == chromeHead {
				t := textOf(c, 2000)
				keep = st[c].h1 || docNumRe.MatchString(t)
			}
			if keep {
				pruneChrome(c, st, depth+1)
			} else {
				n.RemoveChild(c)
			}
		}
		c = next
	}
}

// textOf returns up to about max bytes of the text below n.
func textOf(n *html.Node, max int) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if b.Len() >= max || depth > maxHTMLDepth {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// chooseMain picks the element holding the notice: the deepest element
// with nearly all (90 %) of the page's non-link text; when no element
// dominates, the known article container with the most text.
func chooseMain(body *html.Node, st map[*html.Node]hstat) *html.Node {
	d := descend(body, st)
	if d != body {
		return d
	}
	total := st[body].nonLink()
	var best *html.Node
	bestW := 0
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxHTMLDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			s := st[c]
			if ci := classID(c); s.nonLink() > bestW && s.link*10 < s.w*3 && containsAny(ci, mainWords) {
				best, bestW = c, s.nonLink()
			}
			walk(c, depth+1)
		}
	}
	walk(body, 0)
	if best != nil && bestW*10 >= total*3 {
		return descend(best, st)
	}
	return body
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// descend goes down from n while one child holds 90 % of n's non-link text.
// It does not enter a data table: its rows only make sense together.
func descend(n *html.Node, st map[*html.Node]hstat) *html.Node {
	total := st[n].nonLink()
	for depth := 0; depth < maxHTMLDepth; depth++ {
		if n.DataAtom == atom.Table && !isLayoutTable(n, st) {
			return n
		}
		var best *html.Node
		bw := -1
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && st[c].nonLink() > bw {
				best, bw = c, st[c].nonLink()
			}
		}
		if best == nil || bw*10 < total*9 {
			return n
		}
		n = best
	}
	return n
}

// headerSiblings returns, in document order, the short non-link elements
// just before the main element (and before its ancestors): the notice
// title, document number or a small metadata table usually sit there.
// Small link bars (date, font size, print) in between are skipped; a big
// block ends the search. Right under <body> only title-like elements count,
// as the rest there is page chrome.
func headerSiblings(main, body *html.Node, st map[*html.Node]hstat) []*html.Node {
	var pre []*html.Node
	budget := 600 * hanWeight
	cur := main
	for level := 0; level < 4 && cur != body && cur.Parent != nil; level++ {
		top := cur.Parent == body
		for s := cur.PrevSibling; s != nil; s = s.PrevSibling {
			var w, link int
			switch s.Type {
			case html.TextNode:
				w = weight(s.Data)
			case html.ElementNode:
				w, link = st[s].w, st[s].link
			default:
				continue
			}
			if w == 0 {
				continue
			}
			switch {
			case w-link > 300*hanWeight || w-link > budget:
				return reversed(pre)
			case top && !headerLike(s, st):
				return reversed(pre)
			case link*10 > w*3:
				if w > 150*hanWeight {
					return reversed(pre)
				}
				continue
			}
			budget -= w - link
			pre = append(pre, s)
		}
		cur = cur.Parent
	}
	return reversed(pre)
}

// headerLike: a heading, a "title" element, a document number or a small
// table (the metadata block of government sites).
func headerLike(n *html.Node, st map[*html.Node]hstat) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	case atom.Table:
		return st[n].nonLink() <= 150*hanWeight
	}
	ci := classID(n)
	return strings.Contains(ci, "title") || strings.Contains(ci, "tit") || docNumRe.MatchString(textOf(n, 2000))
}

func reversed(ns []*html.Node) []*html.Node {
	slices.Reverse(ns)
	return ns
}

// pageTitle returns the notice title from an <h1> or "title" element
// before the main element, or from <title>, or "". Elements after the main
// one are lists of other articles.
func pageTitle(doc, body, main *html.Node) string {
	var cands []string
	passed := false
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if n == main {
			passed = true
		}
		if passed || depth > maxHTMLDepth {
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.H1 || strings.Contains(classID(n), "title")) {
			cands = append(cands, collapseHTML(textOf(n, 1000)))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(body, 0)
	if t := findElement(doc, atom.Title, 0); t != nil {
		// "关于…的通知_河南省人民政府门户网站": the site name is not the title.
		for _, part := range titleSepRe.Split(collapseHTML(textOf(t, 1000)), -1) {
			cands = append(cands, part)
		}
	}
	for _, c := range cands {
		if n := utf8.RuneCountInString(c); n >= 6 && n <= 200 && titleRe.MatchString(c) && strings.Contains(c, "关于") {
			return c
		}
	}
	return ""
}

// ---- rendering ----

var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true,
	atom.Dialog: true, atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Html: true,
	atom.Legend: true, atom.Li: true, atom.Main: true, atom.Menu: true, atom.Nav: true,
	atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true,
	atom.Thead: true, atom.Tr: true, atom.Ul: true, atom.Title: true, atom.Option: true,
}

type renderer struct {
	st    map[*html.Node]hstat
	lines []string
	cur   strings.Builder
	pre   int
	depth int
}

// flush ends the current line.
func (r *renderer) flush() {
	if r.cur.Len() == 0 {
		return
	}
	s := clean(r.cur.String())
	r.cur.Reset()
	if r.pre > 0 {
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimRight(trimIndent(strings.ReplaceAll(l, "\u00a0", " ")), " \t"); l != "" {
				r.lines = append(r.lines, l)
			}
		}
		return
	}
	if s = collapseHTML(s); s != "" {
		r.lines = append(r.lines, s)
	}
}

// block renders n on lines of its own.
func (r *renderer) block(n *html.Node) {
	r.flush()
	r.node(n)
	r.flush()
}

func (r *renderer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c)
	}
}

func (r *renderer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.cur.WriteString(n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	if r.depth > maxHTMLDepth {
		return
	}
	r.depth++
	defer func() { r.depth-- }()
	switch {
	case n.DataAtom == atom.Br:
		if r.pre > 0 {
			r.cur.WriteByte('\n')
		} else {
			r.flush()
		}
	case n.DataAtom == atom.Table:
		r.table(n)
	case n.DataAtom == atom.Pre:
		r.flush()
		r.pre++
		r.children(n)
		r.flush()
		r.pre--
	case blockTags[n.DataAtom]:
		if s := r.st[n]; s.links >= 3 && s.link*2 > s.w {
			return // a block of links (a menu row the pruning missed)
		}
		r.flush()
		r.children(n)
		r.flush()
	default:
		r.children(n)
	}
}

func tableRows(t *html.Node) []*html.Node {
	var rows []*html.Node
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		switch c.DataAtom {
		case atom.Tr:
			rows = append(rows, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.DataAtom == atom.Tr {
					rows = append(rows, r)
				}
			}
		}
	}
	return rows
}

func rowCells(tr *html.Node) []*html.Node {
	var cells []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
			cells = append(cells, c)
		}
	}
	return cells
}

// isLayoutTable tells a table used for page layout (one column, nested
// tables, or long passages in a cell) from a data table such as a ledger.
func isLayoutTable(t *html.Node, st map[*html.Node]hstat) bool {
	maxCells := 0
	for _, tr := range tableRows(t) {
		cells := rowCells(tr)
		maxCells = max(maxCells, len(cells))
		for _, c := range cells {
			if st[c].w > 800*hanWeight || findElement(c, atom.Table, maxHTMLDepth-40) != nil {
				return true
			}
		}
	}
	return maxCells <= 1
}

// spanAttr reads colspan/rowspan, clamped to something sane.
func spanAttr(n *html.Node, key string, limit int) int {
	v, err := strconv.Atoi(strings.TrimSpace(attr(n, key)))
	if err != nil || v < 1 {
		return 1
	}
	return min(v, limit)
}

type pendingCell struct {
	text       string
	rows, cols int
}

// table renders a data table as "a | b |" rows; a row-spanning cell is
// repeated in the rows it covers so each row is complete, a column-spanning
// one is written once. Layout tables are rendered as plain blocks.
func (r *renderer) table(t *html.Node) {
	r.flush()
	if isLayoutTable(t, r.st) {
		r.children(t)
		r.flush()
		return
	}
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Caption {
			r.block(c)
		}
	}
	pending := map[int]*pendingCell{}
	for _, tr := range tableRows(t) {
		cells := rowCells(tr)
		if len(cells) == 0 {
			for k, p := range pending {
				if p.rows--; p.rows <= 0 {
					delete(pending, k)
				}
			}
			continue
		}
		var texts []string
		col := 0
		takePending := func(all bool) {
			for {
				p := pending[col]
				if p == nil {
					if !all {
						return
					}
					// a span further right, after a gap
					next := -1
					for k := range pending {
						if k > col && (next < 0 || k < next) {
							next = k
						}
					}
					if next < 0 {
						return
					}
					col = next
					continue
				}
				texts = append(texts, p.text)
				if p.rows--; p.rows <= 0 {
					delete(pending, col)
				}
				col += p.cols
			}
		}
		own := false // a row of only spanned-down cells repeats the row above
		for _, c := range cells {
			takePending(false)
			text := r.cellText(c)
			own = own || text != ""
			cs, rs := spanAttr(c, "colspan", 1000), spanAttr(c, "rowspan", 65534)
			texts = append(texts, text)
			if rs > 1 {
				pending[col] = &pendingCell{text: text, rows: rs - 1, cols: cs}
			}
			col += cs
		}
		takePending(true)
		if !own {
			continue
		}
		r.lines = append(r.lines, strings.Join(texts, " | ")+" |")
	}
}

func (r *renderer) cellText(c *html.Node) string {
	sub := &renderer{st: r.st, depth: r.depth}
	sub.children(c)
	sub.flush()
	return cellText(sub.lines)
}

// collapseHTML collapses white space as a browser does: runs become one
// space, and a line break next to a Chinese character disappears (the
// source was wrapped, the text was not; Word's HTML wraps "2023年\n12月").
// &nbsp; is kept as a space, and indentation (spaces, &nbsp;, U+3000) at
// either end is trimmed.
func collapseHTML(s string) string {
	var b strings.Builder
	var prev rune
	space, brk := false, false
	for _, c := range s {
		switch c {
		case ' ', '\t', '\n', '\r', '\f':
			space = true
			brk = brk || c == '\n' || c == '\r'
			continue
		}
		if space && b.Len() > 0 && !(brk && (isWide(prev) || isWide(c))) {
			b.WriteByte(' ')
		}
		space, brk = false, false
		if c == 0xA0 {
			c = ' '
		}
		b.WriteRune(c)
		prev = c
	}
	return trimIndent(b.String())
}

func trimIndent(s string) string {
	return strings.Trim(s, " \t\u00a0\u3000")
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF || r >= 0x3040 && r <= 0x30FF
}
