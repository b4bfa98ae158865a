package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportTablesOnly: `duban import` takes a notice whose items are all
// in an attached table, and `duban export` gives them back as its ledger.
func TestImportTablesOnly(t *testing.T) {
	t.Setenv("DUBAN_DB", "")
	db := filepath.Join(t.TempDir(), "duban.db")
	notice := filepath.Join(repoRoot(t), "testdata", "import", "tables_only.txt")
	code, out, errs := runCmd(t, "", "import", "--db", db, notice)
	if code != 0 || !strings.Contains(out, "2 项任务") {
		t.Fatalf("import: exit %d %q %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "", "export", "--db", db, "--notice", "1", "--format", "csv")
	rows := csvRows(t, out)
	if code != 0 || len(rows) != 3 || rows[1][2] != "建成产业园一期工程。" || rows[2][7] != "2026-12-31" {
		t.Errorf("export: exit %d %q %s", code, rows, errs)
	}
	empty := write(t, "letter.txt", []byte("各位同事：\n明天开会。\n"))
	code, _, errs = runCmd(t, "", "import", "--db", db, empty)
	if code != 1 {
		t.Errorf("a text with nothing: exit %d", code)
	}
	oneErrorLine(t, errs, "未识别出任何任务")
}
