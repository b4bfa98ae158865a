package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// exportDB is a database holding seed 002 as notice 1: 112 tasks and the
// 85 rows of its attached table.
func exportDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "duban.db")
	if code, _, errs := runCmd(t, "", "import", "--db", db, fxSeed(t, "002")); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	return db
}

// csvRows reads an exported CSV: header, then one row per task.
func csvRows(t *testing.T, data string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	return rows
}

// TestExport: `duban export` writes a stored notice's ledger, with the
// rows of its attached table under their section, as CSV or Excel.
func TestExport(t *testing.T) {
	t.Setenv("DUBAN_DB", "")
	db := exportDB(t)
	n := parseSeed(t, fxSeed(t, "002"))
	section := n.LedgerTasks()[112].Section

	code, out, errs := runCmd(t, "", "export", "--db", db, "--notice", "1", "--format", "csv")
	if code != 0 || errs != "" {
		t.Fatalf("csv: exit %d: %s", code, errs)
	}
	rows := csvRows(t, out)
	if len(rows) != 1+112+85 || rows[0][0] != "序号" || rows[0][1] != "章节" {
		t.Fatalf("csv has %d rows (header %q); want a header and 197 tasks", len(rows), rows[0])
	}
	last := rows[len(rows)-1]
	if last[0] != n.Annex[84].No || last[1] != section || last[2] != n.Annex[84].Text || last[6] == "" || last[7] == "" {
		t.Errorf("last row %q; want annex row %s under %q with leaders and deadline", last, n.Annex[84].No, section)
	}
	for _, args := range [][]string{
		{"export", "--db", db, "--notice", "1", "--format", "csv", "-o", "-"},
		{"export", "--notice", "1", "--db", db, "-o", "-", "--format", "csv"},
	} {
		if code, again, _ := runCmd(t, "", args...); code != 0 || again != out {
			t.Errorf("%q: exit %d, output differs from the first export", args, code)
		}
	}

	file := filepath.Join(t.TempDir(), "台账.csv")
	if code, _, errs := runCmd(t, "", "export", "--db", db, "--notice", "1", "-o", file); code != 0 || !strings.Contains(errs, "197 项任务") {
		t.Errorf("-o %s: exit %d %q", file, code, errs)
	}
	if b, _ := os.ReadFile(file); string(b) != out {
		t.Error("-o x.csv differs from the CSV on standard output")
	}

	// Excel, with no -o: a file named for the notice in the working directory.
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errs = runCmd(t, "", "export", "--db", db, "--notice", "1")
	if code != 0 {
		t.Fatalf("xlsx: exit %d: %s", code, errs)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*台账.xlsx"))
	if len(names) != 1 {
		t.Fatalf("xlsx with no -o wrote %q", names)
	}
	f, err := excelize.OpenFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, err := f.GetRows("台账")
	if err != nil {
		t.Fatal(err)
	}
	var got int
	for _, r := range sheet {
		if len(r) > 2 && r[1] == section {
			got++
		}
	}
	if got != 85 {
		t.Errorf("the workbook has %d rows under %q; want 85", got, section)
	}
	if slices.Contains(f.GetSheetList(), "附件台账") {
		t.Error("the stored ledger's export still has a separate 附件台账 sheet")
	}
	// A second run does not overwrite it.
	code, _, errs = runCmd(t, "", "export", "--db", db, "--notice", "1", "--format", "xlsx")
	if code != 1 {
		t.Errorf("second xlsx with no -o: exit %d; want 1", code)
	}
	oneErrorLine(t, errs, "已存在")
}

// TestExportErrors: each mistake is one line and exit 1, and no database
// is created for a mistyped path.
func TestExportErrors(t *testing.T) {
	t.Setenv("DUBAN_DB", "")
	db := exportDB(t)
	missing := filepath.Join(t.TempDir(), "nosuch.db")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no such notice", []string{"--db", db, "--notice", "99"}, "没有编号为 99 的通知"},
		{"not a number", []string{"--db", db, "--notice", "abc"}, "通知编号"},
		{"bad format", []string{"--db", db, "--notice", "1", "--format", "pdf"}, "不支持的导出格式"},
		{"extension", []string{"--db", db, "--notice", "1", "-o", "x.pdf"}, "扩展名"},
		{"missing database", []string{"--db", missing, "--notice", "1"}, "数据库文件 " + missing + " 不存在"},
		{"not a duban database", []string{"--db", write(t, "other.db", nil), "--notice", "1"}, "没有 duban 的数据"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCmd(t, "", append([]string{"export"}, c.args...)...)
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
			}
			oneErrorLine(t, errs, c.want)
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("export created %s", missing)
	}
	// With no --db, the default duban.db of the working directory is not created either.
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, errs := runCmd(t, "", "export", "--notice", "1", "--format", "csv"); code != 1 || !strings.Contains(errs, "数据库文件 duban.db 不存在") {
		t.Errorf("no database: exit %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "duban.db")); err == nil {
		t.Error("export created duban.db")
	}
	if code, _, errs := runCmd(t, "", "export", "--db", db); code != 2 || !strings.Contains(errs, "--notice") {
		t.Errorf("no --notice: exit %d %q; want 2 and the usage", code, errs)
	}
}

// TestExportSameAsPage: the command's CSV is the file the notice's page
// offers for download.
func TestExportSameAsPage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	t.Setenv("DUBAN_DB", "")
	db := exportDB(t)
	_, cli, _ := runCmd(t, "", "export", "--db", db, "--notice", "1", "--format", "csv")
	const password = "export-Admin-password"
	srv := startDuban(t, t.TempDir(), testEnv("DUBAN_ADMIN_PASSWORD="+password), "serve", "--db", db, "--addr", "127.0.0.1:0")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"login": {"admin"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(srv.URL + "/notices/1/ledger.csv")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(page, []byte(cli)) {
		t.Errorf("page's CSV (%d, %d bytes) differs from duban export's (%d bytes)", resp.StatusCode, len(page), len(cli))
	}
}
