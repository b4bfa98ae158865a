package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"duban/internal/ledger"
	"duban/internal/office"
	"duban/internal/store"
)

const exportUsage = `用法 (usage): duban export [--db DSN] --notice ID [--format xlsx|csv] [-o OUT]

把数据库中一份通知的台账导出为 Excel 或 CSV，与网页上“导出 Excel / 导出 CSV”
下载的文件相同（全部任务，不加筛选），供脚本和定时任务使用。
未给 --format 时按 -o 的扩展名（.xlsx 或 .csv）决定，默认 xlsx。
-o - 写到标准输出；CSV 未给 -o 时也写到标准输出。Excel 未给 -o 时写入当前
目录下以通知标题命名的文件（如“…台账.xlsx”），该文件已存在则不覆盖。
数据库默认为 DUBAN_DB 或当前目录下的 duban.db；数据库不存在时报错，不会新建。
出错时输出一行说明，退出状态为 1。

选项 (options)：
`

func cmdExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage); fs.PrintDefaults() }
	db := dbFlag(fs)
	noticeFlag := fs.String("notice", "", "通知编号，见网页地址 /notices/ID 或 duban import 的输出 (notice id)")
	format := fs.String("format", "", "导出格式 xlsx 或 csv (export format)")
	out := fs.String("o", "", "输出文件，- 为标准输出 (output file)")
	id, code := noticeArgs(fs, args, noticeFlag, "export", "要导出的通知", stderr)
	if code >= 0 {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "duban: "+format+"\n", a...)
		return 1
	}
	if *format == "" {
		switch ext := strings.ToLower(filepath.Ext(*out)); {
		case *out == "" || *out == "-" || ext == ".xlsx":
			*format = office.FormatXLSX
		case ext == ".csv":
			*format = office.FormatCSV
		default:
			return fail("无法按扩展名 %q 决定导出格式：请写 .xlsx 或 .csv，或用 --format 指明 (cannot tell the format of %s)", filepath.Ext(*out), *out)
		}
	}
	if !slices.Contains(office.ExportFormats, *format) {
		return fail("不支持的导出格式 %q，可选 xlsx、csv (unsupported format)", *format)
	}
	if *format == office.FormatXLSX && *out == "-" && isTerminal(stdout) {
		return fail("不把 Excel 文件写到终端：请用 -o 指定文件，或把标准输出重定向到文件 (refusing to write xlsx to a terminal)")
	}

	ctx := context.Background()
	st := openDB(ctx, *db, stderr)
	if st == nil {
		return 1
	}
	defer st.Close()
	// What an office account downloads from the notice's page, unfiltered.
	n, ts, err := st.LedgerExport(ctx, store.TaskFilter{NoticeID: id})
	if errors.Is(err, store.ErrNotFound) {
		return fail("没有编号为 %d 的通知 (no such notice)", id)
	}
	if err != nil {
		return fail("无法读取通知 %d (cannot read notice): %s", id, oneLine(err))
	}

	prog := &office.Progress{}
	if prog.Periods, prog.Cells, prog.Units, prog.UnitsOf, err = st.LedgerProgress(ctx, id, ts, ledger.Scope{}); err != nil {
		return fail("无法读取通知 %d 的进展 (cannot read progress): %s", id, oneLine(err))
	}
	write := func(w io.Writer) error { return office.ExportLedger(w, n, ts, prog, *format) }
	path := *out
	if path == "" && *format == office.FormatXLSX {
		path = office.ExportName(n.Title, n.DocNumber, *format)
		if _, err := os.Lstat(path); err == nil {
			return fail("文件 %s 已存在，没有覆盖；请用 -o 指定输出文件 (file exists)", path)
		}
	}
	if path == "" || path == "-" {
		err = write(stdout)
	} else if err = writeFileAtomic(path, write); err == nil {
		fmt.Fprintf(stderr, "已写入 %s：%d 项任务 (wrote %s)\n", path, len(ts), path)
	}
	if err != nil {
		return fail("无法写出台账 (cannot write the ledger): %s", oneLine(err))
	}
	return 0
}

// noticeArgs parses the flags of a command about one notice (--notice ID,
// no other arguments): the id, or the exit code (≥ 0) when it cannot go on.
func noticeArgs(fs *flag.FlagSet, args []string, noticeFlag *string, cmd, what string, stderr io.Writer) (int64, int) {
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, 0
		}
		return 0, 2
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "duban: 多余的参数 %q：%s用 --notice ID 指定 (unexpected argument)\n", rest[0], what)
		return 0, 1
	}
	if *noticeFlag == "" {
		fmt.Fprintf(stderr, "duban %s: 请用 --notice ID 指定%s (--notice is required)\n\n", cmd, what)
		fs.Usage()
		return 0, 2
	}
	id, err := strconv.ParseInt(strings.TrimSpace(*noticeFlag), 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintf(stderr, "duban: 通知编号 %q 无效，应为正整数 (invalid notice id)\n", *noticeFlag)
		return 0, 1
	}
	return id, -1
}

// openDB opens the existing database --db names for a command, or says in
// one line why it cannot (nil).
func openDB(ctx context.Context, db string, stderr io.Writer) *store.Store {
	dsn := dbFrom(db, os.Getenv)
	st, err := store.OpenExisting(ctx, dsn)
	if errors.Is(err, store.ErrNoDatabase) {
		fmt.Fprintf(stderr, "duban: %s；请用 --db 指明数据库\n", oneLine(err))
		return nil
	}
	if err != nil {
		fmt.Fprintf(stderr, "duban: 无法打开数据库 %s (cannot open database): %s\n", redactDSN(dsn), oneLine(err))
		return nil
	}
	return st
}
