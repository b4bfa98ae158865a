package office

import (
	"fmt"
	"io"
	"strings"

	"duban/internal/circular"

	"github.com/xuri/excelize/v2"
)

// WriteCircularTables writes a circular's tables as an .xlsx workbook, a
// sheet a table: the title and doc number above, the header frozen and
// repeated on every printed page (writeTable's print setup).
func WriteCircularTables(w io.Writer, d *circular.Doc) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	first := f.GetSheetName(0)
	for i, t := range circular.Tables(d.Body) {
		name := sheetName(t.Caption, i)
		if i == 0 {
			if err := f.SetSheetName(first, name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		cols := make([]column, len(t.Header))
		for j, h := range t.Header {
			width := 10.0
			if j < len(t.Widths) {
				width = float64(t.Widths[j]) * 1.4
			}
			cols[j] = column{h, max(width, 6)}
		}
		last, _ := excelize.ColumnNumberToName(len(cols))
		if err := mergedLine(f, name, 1, last, d.Title, st.title); err != nil {
			return err
		}
		if err := f.SetRowHeight(name, 1, 28); err != nil {
			return err
		}
		if err := mergedLine(f, name, 2, last, strings.TrimSpace(d.DocNumber+"  "+t.Caption), st.info); err != nil {
			return err
		}
		if err := writeTable(f, st, name, 3, cols, t.Rows); err != nil {
			return fmt.Errorf("%s: %w", t.Caption, err)
		}
	}
	if len(circular.Tables(d.Body)) == 0 {
		if err := f.SetCellStr(first, "A1", "本通报没有表格。"); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// sheetName is a table's caption as a sheet may be named: at most 31
// characters, none of : \ / ? * [ ].
func sheetName(caption string, i int) string {
	name := strings.NewReplacer(":", "：", `\`, "_", "/", "_", "?", "？", "*", "_", "[", "（", "]", "）").Replace(caption)
	if name == "" {
		name = fmt.Sprintf("表%d", i+1)
	}
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	return name
}
