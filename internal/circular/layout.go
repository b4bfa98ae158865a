package circular

import "fmt"

// Problem says in Chinese what is wrong with an office's layout, or "".
func (l Layout) Problem() string {
	switch {
	case l.PageWidth < 100 || l.PageWidth > 500 || l.PageHeight < 100 || l.PageHeight > 500:
		return "纸张尺寸应在 100 到 500 毫米之间。"
	case l.Top < 5 || l.Left < 5 || l.Top > 100 || l.Left > 100:
		return "天头和订口应在 5 到 100 毫米之间。"
	case l.TextWidth < 50 || l.TextHeight < 50:
		return "版心宽、高至少 50 毫米。"
	case l.Right() < 5 || l.Bottom() < 5:
		return fmt.Sprintf("版心超出纸张：右边距 %.1f 毫米、下边距 %.1f 毫米，至少各留 5 毫米。", l.Right(), l.Bottom())
	case l.LinesPerPage < 10 || l.LinesPerPage > 60 || l.CharsPerLine < 10 || l.CharsPerLine > 60:
		return "每页行数、每行字数应在 10 到 60 之间。"
	}
	for _, f := range []struct {
		name string
		f    Font
	}{{"发文机关标志", l.IssuerFont}, {"标题", l.TitleFont}, {"正文", l.BodyFont}, {"一级标题", l.Heading1Font}, {"二级标题", l.Heading2Font}, {"页码", l.PageNumFont}} {
		if len(f.f.Names) == 0 || f.f.Name() == "" {
			return fmt.Sprintf("请填写%s的字体。", f.name)
		}
		if f.f.Size < 6 || f.f.Size > 72 {
			return fmt.Sprintf("%s的字号应在 6 到 72 磅之间。", f.name)
		}
	}
	return ""
}
