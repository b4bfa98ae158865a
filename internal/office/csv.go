package office

import (
	"encoding/csv"
	"io"
	"strings"

	"duban/internal/notice"
)

// WriteCSV writes n's ledger as CSV with the 台账 sheet's columns. It
// starts with a UTF-8 byte order mark, without which Excel reads Chinese
// as mojibake, and defuses cells a spreadsheet would run as formulas.
func WriteCSV(w io.Writer, n *notice.Notice) error {
	return writeCSV(w, taskRows(n))
}

func writeCSV(w io.Writer, rows [][]string) error {
	return writeCSVWith(w, ledgerHeader, rows)
}

func writeCSVWith(w io.Writer, cols []column, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range rows {
		for i, v := range row {
			row[i] = defuse(v)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse prefixes a cell that starts like a formula with an apostrophe,
// which spreadsheets show as text.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
