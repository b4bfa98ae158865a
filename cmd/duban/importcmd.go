package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"duban/internal/notice"
	"duban/internal/store"
)

const importUsage = `用法 (usage): duban import [--db DSN] [--show-warnings] FILE…

读取分工通知并导入数据库，每个文件一行结果；已导入过的通知不会重复导入。
数据库默认为 DUBAN_DB 或当前目录下的 duban.db。有文件失败时退出状态为 1。

选项 (options)：
`

func cmdImport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage); fs.PrintDefaults() }
	db := dbFlag(fs)
	showWarnings := fs.Bool("show-warnings", false, "列出解析提示 (list the parser's warnings)")
	tz := tzFlag(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	loc, err := tzFrom(*tz, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "duban: %s\n", err)
		return 2
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}

	// Every file is read and parsed before the database is opened, so
	// that a mistyped name creates no empty duban.db.
	var ready []parsedFile
	failed := 0
	for _, file := range files {
		n, ok := parseFile(file, stdin, stderr)
		if !ok {
			failed++
			continue
		}
		ready = append(ready, parsedFile{file, n})
	}
	if len(ready) > 0 {
		dsn := dbFrom(*db, os.Getenv)
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			fmt.Fprintf(stderr, "duban: 无法打开数据库 %s (cannot open database): %s\n", redactDSN(dsn), oneLine(err))
			return 1
		}
		defer st.Close()
		st.SetLocation(loc)
		for _, line := range st.MigrationReport() {
			fmt.Fprintln(stderr, "duban: 数据库迁移 (migration):", line)
		}
		for _, p := range ready {
			if !importOne(ctx, st, p, *showWarnings, stdout, stderr) {
				failed++
			}
		}
	}
	if failed > 0 {
		if len(files) > 1 {
			fmt.Fprintf(stderr, "duban: %d 个文件中有 %d 个未导入 (%d of %d files not imported)\n", len(files), failed, failed, len(files))
		}
		return 1
	}
	return 0
}

// parsedFile is a notice read from a file, waiting to be imported.
type parsedFile struct {
	file string
	n    *notice.Notice
}

// parseFile reads and parses one file, reporting in one line why it
// cannot be imported.
func parseFile(file string, stdin io.Reader, stderr io.Writer) (*notice.Notice, bool) {
	text, err := readNotice(file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "duban: %s\n", oneLine(err))
		return nil, false
	}
	n, err := notice.Parse(text)
	if err != nil {
		fmt.Fprintf(stderr, "duban: %s: %s\n", displayName(file), oneLine(err))
		return nil, false
	}
	return n, true
}

// importOne imports one parsed file and reports it in one line (and its
// warnings when asked), returning whether it was imported.
func importOne(ctx context.Context, st *store.Store, p parsedFile, showWarnings bool, stdout, stderr io.Writer) bool {
	name, n := displayName(p.file), p.n
	body := len(n.Tasks)
	n.FoldAnnex()
	id, err := st.ImportNotice(ctx, n, filepath.Base(name), store.CLI)
	var dup *store.DuplicateError
	switch {
	case errors.As(err, &dup):
		fmt.Fprintf(stderr, "duban: %s 已导入过%s，不能重复导入 (already imported)\n", name, describeExisting(dup.Existing))
		return false
	case err != nil:
		fmt.Fprintf(stderr, "duban: %s: 无法导入 (cannot import): %s\n", name, oneLine(err))
		return false
	}
	hint := ""
	if len(n.Warnings) > 0 && !showWarnings {
		hint = "；用 --show-warnings 列出提示"
	}
	tables := ""
	if k := len(n.Tasks) - body; k > 0 {
		tables = fmt.Sprintf("（其中附件表 %d 项）", k)
	}
	fmt.Fprintf(stdout, "已导入 %s：%d 项任务%s，%d 条提示（通知编号 %d）%s\n", name, len(n.Tasks), tables, len(n.Warnings), id, hint)
	if showWarnings {
		for _, w := range n.Warnings {
			where := "全文"
			if w.Line > 0 {
				where = fmt.Sprintf("第 %d 行", w.Line)
			}
			fmt.Fprintf(stdout, "  %s：%s\n", where, strings.Join(strings.Fields(w.Message), " "))
		}
	}
	return true
}

// describeExisting names the notice a duplicate repeats: "（通知编号 3，
// 2026-03-01 10:00 由 x.docx 导入）".
func describeExisting(n store.NoticeInfo) string {
	var parts []string
	if n.ID != 0 {
		parts = append(parts, fmt.Sprintf("通知编号 %d", n.ID))
	}
	what := n.Title
	if n.DocNumber != "" {
		what += "（" + n.DocNumber + "）"
	}
	if what != "" {
		parts = append(parts, what)
	}
	if !n.CreatedAt.IsZero() {
		from := ""
		if n.SourceName != "" {
			from = "由 " + n.SourceName + " "
		}
		parts = append(parts, n.CreatedAt.Format("2006-01-02 15:04 ")+from+"导入")
	}
	if len(parts) == 0 {
		return ""
	}
	return "（" + strings.Join(parts, "，") + "）"
}
