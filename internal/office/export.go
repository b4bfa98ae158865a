package office

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Formats a stored ledger is exported in: the page's download links and
// `duban export` share them, so both give the same file.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// ExportFormats lists the formats, for messages.
var ExportFormats = []string{FormatXLSX, FormatCSV}

// Export writes n's ledger, as the parser read it, in format.
func Export(w io.Writer, n *notice.Notice, format string) error {
	return export(w, n, taskRows(n), format)
}

// ExportLedger writes the live ledger in format: head is the notice's
// header (title, doc number, schedule; its tasks are not read), ts the
// tasks as they stand now, prog (nil: none) their progress by period.
func ExportLedger(w io.Writer, head *notice.Notice, ts []*ledger.Task, prog *Progress, format string) error {
	rows := liveRows(ts)
	if prog == nil {
		return export(w, head, rows, format)
	}
	cols := prog.columns()
	for i, t := range ts {
		rows[i] = append(rows[i], prog.cells(t.ID)...)
	}
	switch format {
	case FormatXLSX:
		return writeLedgerWith(w, head, cols, rows, prog)
	case FormatCSV:
		return writeCSVWith(w, cols, rows)
	}
	return fmt.Errorf("不支持的导出格式 %q，可选 xlsx、csv (unsupported export format)", format)
}

func export(w io.Writer, n *notice.Notice, rows [][]string, format string) error {
	switch format {
	case FormatXLSX:
		return writeLedger(w, n, rows)
	case FormatCSV:
		return writeCSV(w, rows)
	}
	return fmt.Errorf("不支持的导出格式 %q，可选 xlsx、csv (unsupported export format)", format)
}

// ContentType is the MIME type of format.
func ContentType(format string) string {
	if format == FormatCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// ExportName is the file name an export is offered under: the notice's
// title (or doc number) and 台账, said once, without the characters a file
// name cannot hold.
func ExportName(title, docNumber, format string) string {
	name := cmp.Or(title, docNumber)
	name = strings.NewReplacer("/", "_", `\`, "_", "\"", "", "\n", " ", "\r", " ", "\x00", "").Replace(name)
	if !strings.HasSuffix(name, "台账") {
		name += "台账"
	}
	return name + "." + format
}
