package circular

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// States of a circular: a draft the office edits, issued (numbered and
// frozen), or withdrawn (still shown, with the reason).
const (
	StateDraft     = "draft"
	StateIssued    = "issued"
	StateWithdrawn = "withdrawn"
)

// StateLabel is a state's Chinese name.
func StateLabel(s string) string {
	switch s {
	case StateDraft:
		return "草稿"
	case StateIssued:
		return "已印发"
	case StateWithdrawn:
		return "已撤回"
	}
	return s
}

// Circular is a stored circular: its document, the figures it was drafted
// from, and where it stands.
type Circular struct {
	ID             int64
	NoticeID       int64
	PeriodID       int64
	State          string
	Doc            Doc
	Facts          Facts
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	IssuedAt       time.Time
	IssuedBy       string
	WithdrawnAt    time.Time
	WithdrawReason string
}

// tableMark is how a table stands in the body's text: its caption in 【】.
var tableMark = regexp.MustCompile(`^【\s*(表\s*(\d+))[^】]*】$`)

var (
	h1Re = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	h2Re = regexp.MustCompile(`^[（(][一二三四五六七八九十]+[）)]`)
	h3Re = regexp.MustCompile(`^\d+[.．、]`)
)

// BodyText is the body as the office edits it: a paragraph a line, headings
// by their numbering (一、 （一） 1.), each table as a line 【表1 …】 that
// may move but not change.
func BodyText(body []Block) string {
	var b strings.Builder
	for _, bl := range body {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if bl.Kind == TableBlk {
			b.WriteString("【" + bl.Table.Caption + "】")
			continue
		}
		b.WriteString(bl.Text)
	}
	return b.String()
}

// MaxBodyText bounds the edited body.
const MaxBodyText = 100_000

// ParseBody reads the office's edit of the body back into blocks: each
// non-blank line a paragraph or a heading (by its numbering), each 【表N…】
// line table N of the draft. Every table must stay, once: its figures come
// from the ledger, and the office cannot type them.
func ParseBody(text string, tables []*Table) ([]Block, error) {
	if utf8.RuneCountInString(text) > MaxBodyText {
		return nil, fmt.Errorf("正文不能超过 %d 个字符。", MaxBodyText)
	}
	seen := make([]bool, len(tables))
	var out []Block
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(strings.Trim(line, "\u3000"))
		if line == "" {
			continue
		}
		if m := tableMark.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			if n < 1 || n > len(tables) {
				return nil, fmt.Errorf("正文中的“%s”不是本通报的表格：表格由数据生成，只能移动位置，不能新增。", line)
			}
			if seen[n-1] {
				return nil, fmt.Errorf("正文中“%s”出现了两次，每张表格只能出现一次。", m[1])
			}
			seen[n-1] = true
			out = append(out, Block{Kind: TableBlk, Table: tables[n-1]})
			continue
		}
		out = append(out, Block{Kind: kindOf(line), Text: line})
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("正文中缺少“【%s】”一行：表格由数据生成，不能删除，可以移动位置。", tables[i].Caption)
		}
	}
	return out, nil
}

func kindOf(line string) Kind {
	switch {
	case h1Re.MatchString(line):
		return Heading1
	case h2Re.MatchString(line):
		return Heading2
	case h3Re.MatchString(line):
		return Heading3
	}
	return Para
}

// Tables are the tables of a body, in order.
func Tables(body []Block) []*Table {
	var out []*Table
	for _, b := range body {
		if b.Kind == TableBlk && b.Table != nil {
			out = append(out, b.Table)
		}
	}
	return out
}
