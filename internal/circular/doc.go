// Package circular holds 通报: the document an office circulates on how a
// notice's tasks stand in a period — drafted from the ledger's figures,
// edited by the office, then issued, numbered and frozen. It does no I/O;
// store keeps circulars and office writes them as .docx and .xlsx.
package circular

// Doc is a circular as it is printed: the head (发文机关标志, 发文字号),
// the title, 主送, the body with its tables, the signature (发文机关署名,
// 成文日期) and the foot (抄送, 印发机关, 印发日期).
type Doc struct {
	Issuer    string // 发文机关标志, printed red at the top, e.g. "××市人民政府办公室文件"
	DocNumber string // 发文字号, e.g. "×政办〔2026〕12号"
	Title     string
	MainTo    string // 主送机关, e.g. "各县（市、区）人民政府，市政府各部门："
	Body      []Block
	Signer    string // 发文机关署名, above the date
	Date      string // 成文日期 in Arabic numerals, e.g. "2026年12月4日"
	CopyTo    string // 抄送, without the label
	PrintedBy string // 印发机关
	PrintedOn string // 印发日期, e.g. "2026年12月4日印发"
}

// Kind is what a block of the body is.
type Kind string

const (
	Para     Kind = "p"  // a paragraph of body text, first line indented two characters
	Heading1 Kind = "h1" // 一、…  (黑体)
	Heading2 Kind = "h2" // （一）… (楷体)
	Heading3 Kind = "h3" // 1. …   (bold 仿宋)
	TableBlk Kind = "table"
)

// Block is one paragraph, heading or table of the body. Headings carry
// their own numbering in Text ("一、总体进展").
type Block struct {
	Kind  Kind   `json:"kind"`
	Text  string `json:"text,omitempty"`
	Table *Table `json:"table,omitempty"`
}

// Table is a table of the body: its caption, its header row (repeated on
// every page) and its rows. Widths are relative column widths; nil means
// equal.
type Table struct {
	Caption string     `json:"caption,omitempty"`
	Header  []string   `json:"header"`
	Rows    [][]string `json:"rows"`
	Widths  []int      `json:"widths,omitempty"`
}

// Layout is the page and type of a printed circular. Offices vary it; the
// defaults are GB/T 9704-2012's. Lengths are millimetres, sizes points.
type Layout struct {
	PageWidth, PageHeight float64 // A4: 210 × 297
	Top, Left             float64 // 天头 37, 订口 28
	TextWidth, TextHeight float64 // 版心 156 × 225
	LinesPerPage          int     // 22
	CharsPerLine          int     // 28

	IssuerFont   Font   // 发文机关标志: 小标宋, red
	TitleFont    Font   // 标题: 2号 (22 pt) 小标宋
	BodyFont     Font   // 正文: 3号 (16 pt) 仿宋
	Heading1Font Font   // 一、 黑体
	Heading2Font Font   // （一） 楷体
	PageNumFont  Font   // 页码: 4号 (14 pt) 宋体
	Red          string // RGB hex of the issuer line and the rule, "FF0000"
}

// Font is a typeface by its names, most preferred first: a document names
// the first and a renderer falls back through the rest (仿宋_GB2312 →
// FangSong → Noto Serif CJK SC).
type Font struct {
	Names []string
	Size  float64
}

// Name is the font's first name.
func (f Font) Name() string {
	if len(f.Names) == 0 {
		return ""
	}
	return f.Names[0]
}

// DefaultLayout is GB/T 9704-2012's page: A4, 37 mm top and 28 mm binding
// margins, a 156 × 225 mm text block of 22 lines of 28 characters.
func DefaultLayout() Layout {
	return Layout{
		PageWidth: 210, PageHeight: 297,
		Top: 37, Left: 28,
		TextWidth: 156, TextHeight: 225,
		LinesPerPage: 22, CharsPerLine: 28,
		IssuerFont:   Font{Names: []string{"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "SimSun"}, Size: 26},
		TitleFont:    Font{Names: []string{"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "SimSun"}, Size: 22},
		BodyFont:     Font{Names: []string{"仿宋_GB2312", "FangSong", "Noto Serif CJK SC"}, Size: 16},
		Heading1Font: Font{Names: []string{"黑体", "SimHei", "Noto Sans CJK SC"}, Size: 16},
		Heading2Font: Font{Names: []string{"楷体_GB2312", "KaiTi", "Noto Serif CJK SC"}, Size: 16},
		PageNumFont:  Font{Names: []string{"宋体", "SimSun", "Noto Serif CJK SC"}, Size: 14},
		Red:          "FF0000",
	}
}

// Right and Bottom are the margins the text block leaves.
func (l Layout) Right() float64  { return l.PageWidth - l.Left - l.TextWidth }
func (l Layout) Bottom() float64 { return l.PageHeight - l.Top - l.TextHeight }
