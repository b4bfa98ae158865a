// Package pdfcheck turns a .docx into PDF with LibreOffice and measures
// the result with poppler's tools, so tests can check a circular's page
// as printed: its size, its text and where its ink falls.
package pdfcheck

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"duban/internal/circular"
)

// Tools are the programs the checks need.
var Tools = []string{"pdfinfo", "pdftotext", "pdftoppm"}

// Office is the LibreOffice command found on PATH, or "".
func Office() string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Require skips t when LibreOffice or poppler is missing, or fails it
// when DUBAN_E2E=require says they must be there.
func Require(t testing.TB) {
	t.Helper()
	var missing []string
	if Office() == "" {
		missing = append(missing, "soffice/libreoffice")
	}
	for _, tool := range Tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "缺少 " + strings.Join(missing, "、") + "，无法检查排版"
	if os.Getenv("DUBAN_E2E") == "require" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// ToPDF converts docxPath into outDir with a headless LibreOffice on a
// profile of its own (in outDir), so parallel runs don't share one, and
// returns the PDF's path.
func ToPDF(ctx context.Context, docxPath, outDir string) (string, error) {
	office := Office()
	if office == "" {
		return "", errors.New("找不到 LibreOffice (soffice)")
	}
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	profile, err := filepath.Abs(filepath.Join(outDir, ".lo-profile"))
	if err != nil {
		return "", err
	}
	if err := seedProfile(profile, Substitutions(circular.DefaultLayout())); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, office, "-env:UserInstallation=file://"+filepath.ToSlash(profile),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", outDir, docxPath)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	pdf := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(docxPath), filepath.Ext(docxPath))+".pdf")
	if err != nil {
		return "", fmt.Errorf("LibreOffice 转换失败: %v: %s", err, out)
	}
	if _, err := os.Stat(pdf); err != nil {
		return "", fmt.Errorf("LibreOffice 未生成 PDF: %s", out)
	}
	return pdf, nil
}

// Substitutions maps each of l's first font names that is not installed
// to the first of its fallbacks that is: LibreOffice's own fallback for
// an unknown Chinese name is whatever CJK face fontconfig likes (a sans),
// so 仿宋 would print as 黑体. Nil when fc-list is missing.
func Substitutions(l circular.Layout) map[string]string {
	out, err := exec.Command("fc-list", ":", "family").Output()
	if err != nil {
		return nil
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		for _, name := range strings.Split(line, ",") {
			have[strings.TrimSpace(name)] = true
		}
	}
	subst := map[string]string{}
	for _, f := range []circular.Font{l.IssuerFont, l.TitleFont, l.BodyFont, l.Heading1Font, l.Heading2Font, l.PageNumFont} {
		if len(f.Names) == 0 || have[f.Names[0]] {
			continue
		}
		for _, alt := range f.Names[1:] {
			if have[alt] {
				subst[f.Names[0]] = alt
				break
			}
		}
	}
	return subst
}

// seedProfile writes a LibreOffice user profile whose font replacement
// table applies subst.
func seedProfile(profile string, subst map[string]string) error {
	dir := filepath.Join(profile, "user")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + "\n" +
		`<item oor:path="/org.openoffice.Office.Common/Font/Substitution"><prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>` + "\n")
	names := make([]string, 0, len(subst))
	for k := range subst {
		names = append(names, k)
	}
	slices.Sort(names)
	for i, from := range names {
		fmt.Fprintf(&b, `<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs"><node oor:name="_%d" oor:op="replace">`+
			`<prop oor:name="Always" oor:op="fuse"><value>true</value></prop><prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>`+
			`<prop oor:name="ReplaceFont" oor:op="fuse"><value>%s</value></prop><prop oor:name="SubstituteFont" oor:op="fuse"><value>%s</value></prop></node></item>`+"\n",
			i, xmlEsc(from), xmlEsc(subst[from]))
	}
	b.WriteString(`</oor:items>` + "\n")
	return os.WriteFile(filepath.Join(dir, "registrymodifications.xcu"), []byte(b.String()), 0o644)
}

func xmlEsc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func run(name string, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %s", name, err, stderr.String())
	}
	return out, nil
}

// Info is what pdfinfo says of a PDF: its page count and the first
// page's size in points.
type Info struct {
	Pages         int
	Width, Height float64
}

var (
	pagesRe = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)
	sizeRe  = regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`)
)

// PDFInfo reads path's page count and page size.
func PDFInfo(path string) (Info, error) {
	out, err := run("pdfinfo", path)
	if err != nil {
		return Info{}, err
	}
	var in Info
	m := pagesRe.FindSubmatch(out)
	s := sizeRe.FindSubmatch(out)
	if m == nil || s == nil {
		return in, fmt.Errorf("pdfinfo 输出无法解析: %s", out)
	}
	in.Pages, _ = strconv.Atoi(string(m[1]))
	in.Width, _ = strconv.ParseFloat(string(s[1]), 64)
	in.Height, _ = strconv.ParseFloat(string(s[2]), 64)
	return in, nil
}

// PDFText is the text of pages first to last (1-based; 0, 0 for all).
func PDFText(path string, first, last int) (string, error) {
	args := []string{"-layout"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	out, err := run("pdftotext", append(args, path, "-")...)
	return string(out), err
}

// Word is a word pdftotext -bbox found, its box in points from the
// page's top left.
type Word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Words are the words of one page (1-based) with their boxes.
func Words(path string, page int) ([]Word, error) {
	p := strconv.Itoa(page)
	out, err := run("pdftotext", "-bbox", "-f", p, "-l", p, path, "-")
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var ws []Word
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "word" {
			continue
		}
		var w Word
		for _, a := range se.Attr {
			v, _ := strconv.ParseFloat(a.Value, 64)
			switch a.Name.Local {
			case "xMin":
				w.XMin = v
			case "yMin":
				w.YMin = v
			case "xMax":
				w.XMax = v
			case "yMax":
				w.YMax = v
			}
		}
		var text string
		if err := dec.DecodeElement(&text, &se); err == nil {
			w.Text = text
		}
		ws = append(ws, w)
	}
	return ws, nil
}

// RenderPNG renders one page (1-based) at dpi into dir and decodes it.
func RenderPNG(path string, page, dpi int, dir string) (image.Image, string, error) {
	p := strconv.Itoa(page)
	root := filepath.Join(dir, fmt.Sprintf("page-%d", page))
	if _, err := run("pdftoppm", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", "-png", path, root); err != nil {
		return nil, "", err
	}
	f, err := os.Open(root + ".png")
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	img, err := png.Decode(f)
	return img, root + ".png", err
}

// Box is a rectangle of pixels, Max exclusive.
type Box = image.Rectangle

func rgb(img image.Image, x, y int) (r, g, b int) {
	R, G, B, _ := img.At(x, y).RGBA()
	return int(R >> 8), int(G >> 8), int(B >> 8)
}

// IsRed is a pixel of red ink (anti-aliased edges included).
func IsRed(img image.Image, x, y int) bool {
	r, g, b := rgb(img, x, y)
	return r > 150 && r-g > 90 && r-b > 90
}

// IsInk is any pixel darker than the paper.
func IsInk(img image.Image, x, y int) bool {
	r, g, b := rgb(img, x, y)
	return r+g+b < 3*200
}

// Rules are the horizontal runs of pixels matching ink that are at
// least minLen long: one box per rule, its rows merged.
func Rules(img image.Image, ink func(image.Image, int, int) bool, minLen int) []Box {
	bd := img.Bounds()
	var boxes []Box
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		// The longest run of the row.
		best, bestX, run, runX := 0, 0, 0, 0
		for x := bd.Min.X; x < bd.Max.X; x++ {
			if ink(img, x, y) {
				if run == 0 {
					runX = x
				}
				run++
				if run > best {
					best, bestX = run, runX
				}
			} else {
				run = 0
			}
		}
		if best < minLen {
			continue
		}
		r := image.Rect(bestX, y, bestX+best, y+1)
		if n := len(boxes); n > 0 && boxes[n-1].Max.Y == y {
			boxes[n-1] = boxes[n-1].Union(r)
		} else {
			boxes = append(boxes, r)
		}
	}
	return boxes
}

// FirstInk is the first row from the top with ink between columns x0 and
// x1, and whether there is one.
func FirstInk(img image.Image, x0, x1 int) (int, bool) {
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := max(x0, bd.Min.X); x < min(x1, bd.Max.X); x++ {
			if IsInk(img, x, y) {
				return y, true
			}
		}
	}
	return 0, false
}

// InkTop is how far a line of body text's ink starts below the top of its
// line, in millimetres. LibreOffice sets an exact line's baseline at 4/5 of
// the line's height; a CJK ideograph's ink rises about 0.84 em above the
// baseline (Noto CJK 0.83–0.85, SimSun/FangSong within 0.05 em of it).
// The body's line is the text block over its lines. Checked against a
// table continued on a page, whose top rule LibreOffice draws on the text
// block's edge: rule at 37.00 mm, a body page's first ink at 40.39 mm,
// this formula 3.43 mm.
func InkTop(l circular.Layout) float64 {
	const ptMM = 25.4 / 72
	pitchPt := float64(int(l.TextHeight*1440/25.4/float64(max(l.LinesPerPage, 1)))) / 20
	return (0.8*pitchPt - 0.84*l.BodyFont.Size) * ptMM
}

// Margins are what Measure found on a page, in millimetres; a field is
// NaN when not measured.
type Margins struct {
	Left, Right, Top float64
	IssuerTop        float64 // page top to the red issuer's ink (37 + 35 mm)
	RuleGap          float64 // 发文字号's ink to the red rule (4 mm)
}

// Measure finds margins on a page rendered at dpi: left and right from
// the widest red rule (the rule under 发文字号 spans the text block), the
// top from the first ink — a table's top rule is the text block's edge,
// a line of text is InkTop below it.
func Measure(img image.Image, dpi int, l circular.Layout) (m Margins, red Box, err error) {
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	mm := func(p int) float64 { return float64(p) * 25.4 / float64(dpi) }
	bd := img.Bounds()
	m = Margins{Left: nan(), Right: nan(), Top: nan(), IssuerTop: nan(), RuleGap: nan()}
	if rules := Rules(img, IsRed, px(l.TextWidth*0.8)); len(rules) > 0 {
		red = rules[0]
		m.Left = mm(red.Min.X)
		m.Right = mm(bd.Dx() - red.Max.X)
		// Above the rule: the red issuer first, the black number last.
		issuer, number := -1, -1
		for y := bd.Min.Y; y < red.Min.Y; y++ {
			for x := red.Min.X; x < red.Max.X; x++ {
				if IsRed(img, x, y) && issuer < 0 {
					issuer = y
				}
				if IsInk(img, x, y) && !IsRed(img, x, y) {
					number = y
				}
			}
		}
		if issuer >= 0 {
			m.IssuerTop = mm(issuer)
		}
		if number >= 0 {
			m.RuleGap = mm(red.Min.Y - number - 1)
		}
	}
	// Search only within the text block's columns, past the margins.
	y, ok := FirstInk(img, px(l.Left)-px(3), bd.Dx()-px(l.Right())+px(3))
	if !ok {
		return m, red, errors.New("页面无内容")
	}
	top := mm(y) - InkTop(l)
	// A rule across the text block in the first rows: a table's top border.
	for _, r := range Rules(img, IsInk, px(l.TextWidth*0.8)) {
		if r.Min.Y <= y+1 {
			top = mm(r.Min.Y) + mm(r.Dy())/2
		}
		break
	}
	m.Top = top
	return m, red, nil
}

func nan() float64 { return math.NaN() }

// CheckCircular checks a circular's PDF as GB/T 9704-2012 lays it out: A4
// pages; want's strings in its text; on page 1 the red rule under 发文字号
// spanning the text block (left and right margins within 1 mm); on page
// 2, if any, the text starting at the top margin (within 1 mm) and the
// page number "— 2 —". It returns the margins measured.
func CheckCircular(t testing.TB, pdfPath string, l circular.Layout, want ...string) (page1, page2 Margins) {
	t.Helper()
	info, err := PDFInfo(pdfPath)
	if err != nil {
		t.Fatal(err)
	}
	const ptMM = 25.4 / 72
	if d := info.Width*ptMM - l.PageWidth; d < -1 || d > 1 {
		t.Errorf("页宽 %.1f pt，应为 A4 的 %.0f mm", info.Width, l.PageWidth)
	}
	if d := info.Height*ptMM - l.PageHeight; d < -1 || d > 1 {
		t.Errorf("页高 %.1f pt，应为 A4 的 %.0f mm", info.Height, l.PageHeight)
	}
	text, err := PDFText(pdfPath, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	flat := squash(text)
	for _, w := range want {
		if !strings.Contains(flat, squash(w)) {
			t.Errorf("PDF 文本中缺少 %q", w)
		}
	}
	const dpi = 150
	dir := t.TempDir()
	img, _, err := RenderPNG(pdfPath, 1, dpi, dir)
	if err != nil {
		t.Fatal(err)
	}
	page1, red, err := Measure(img, dpi, l)
	if err != nil {
		t.Fatal(err)
	}
	if red.Empty() {
		t.Error("第1页没有横贯版心的红色分隔线")
	} else {
		near(t, "第1页红色分隔线左边距", page1.Left, l.Left)
		near(t, "第1页红色分隔线右边距", page1.Right, l.Right())
		// GB/T 9704-2012 7.2.4 and 7.2.7.
		near(t, "发文机关标志上边缘距页面上边", page1.IssuerTop, l.Top+35)
		near(t, "发文字号至红色分隔线", page1.RuleGap, 4)
	}
	if info.Pages < 2 {
		return page1, Margins{}
	}
	img, _, err = RenderPNG(pdfPath, 2, dpi, dir)
	if err != nil {
		t.Fatal(err)
	}
	page2, _, err = Measure(img, dpi, l)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "第2页上边距", page2.Top, l.Top)
	t2, err := PDFText(pdfPath, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(squash(t2), "—2—") {
		t.Errorf("第2页缺少页码“— 2 —”: %q", tail(t2))
	}
	return page1, page2
}

func near(t testing.TB, what string, got, want float64) {
	t.Helper()
	if !(got >= want-1 && got <= want+1) {
		t.Errorf("%s %.2f mm，应为 %.2f mm（误差不超过 1 mm）", what, got, want)
	}
}

// squash drops whitespace, which pdftotext spreads by its own judgement.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 80 {
		return string(r[len(r)-80:])
	}
	return s
}
