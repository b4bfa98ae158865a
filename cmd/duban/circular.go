package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"duban/internal/circular"
	"duban/internal/office"
	"duban/internal/store"
)

const circularUsage = `用法 (usage): duban circular [--db DSN] --notice ID [--period ID|名称] [--save] [-o OUT.docx|OUT.xlsx]

按数据库中一份通知某一报送期的当前数据起草通报（落实情况的通报），写成
GB/T 9704-2012 版式的 Word 文档（.docx），或把通报中的表格写成 Excel（.xlsx）。
数字、排名和表格与网页上起草的相同；发文机关、机关代字和版式取“通报设置”。
--period 可写报送期编号或名称（如“第三季度”“9月”），不写则取当前报送期。
--save 同时把草稿存入数据库，督查室可在网页上修改后印发。
-o 未给时写入当前目录下以通报标题命名的 .docx 文件，文件已存在则不覆盖；
-o - 写到标准输出。出错时输出一行说明，退出状态为 1。

选项 (options)：
`

func cmdCircular(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("circular", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, circularUsage); fs.PrintDefaults() }
	db := dbFlag(fs)
	noticeFlag := fs.String("notice", "", "通知编号 (notice id)")
	periodFlag := fs.String("period", "", "报送期编号或名称，默认当前报送期 (period id or label)")
	save := fs.Bool("save", false, "把草稿存入数据库 (store the draft)")
	out := fs.String("o", "", "输出文件 .docx 或 .xlsx，- 为标准输出 (output file)")
	id, code := noticeArgs(fs, args, noticeFlag, "circular", "通报所属的通知", stderr)
	if code >= 0 {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "duban: "+format+"\n", a...)
		return 1
	}
	tables := false
	switch ext := strings.ToLower(filepath.Ext(*out)); {
	case ext == ".xlsx":
		tables = true
	case *out == "" || *out == "-" || ext == ".docx":
	default:
		return fail("输出文件应为 .docx（通报）或 .xlsx（通报中的表格），而不是 %q (unsupported output)", *out)
	}
	if *out == "-" && isTerminal(stdout) {
		return fail("不把 Word 或 Excel 文件写到终端：请用 -o 指定文件，或把标准输出重定向到文件 (refusing to write to a terminal)")
	}

	ctx := context.Background()
	st := openDB(ctx, *db, stderr)
	if st == nil {
		return 1
	}
	defer st.Close()
	pid, err := periodID(ctx, st, id, *periodFlag)
	if err != nil {
		return fail("%s", oneLine(err))
	}
	var c *circular.Circular
	if *save {
		c, err = st.DraftCircular(ctx, id, pid, store.CLI)
	} else {
		c, err = st.PrepareCircular(ctx, id, pid)
	}
	if errors.Is(err, store.ErrNotFound) {
		return fail("没有编号为 %d 的通知，或它没有这个报送期 (no such notice or period)", id)
	}
	if err != nil {
		return fail("无法起草通报 (cannot draft the circular): %s", oneLine(err))
	}
	cs, err := st.CircularSettings(ctx)
	if err != nil {
		return fail("无法读取通报设置: %s", oneLine(err))
	}
	write := func(w io.Writer) error {
		if tables {
			return office.WriteCircularTables(w, &c.Doc)
		}
		return office.WriteCircular(w, &c.Doc, cs.Layout)
	}
	path := *out
	if path == "" {
		path = strings.NewReplacer("/", "_", `\`, "_").Replace(c.Doc.Title) + ".docx"
		if _, err := os.Lstat(path); err == nil {
			return fail("文件 %s 已存在，没有覆盖；请用 -o 指定输出文件 (file exists)", path)
		}
	}
	if path == "-" {
		err = write(stdout)
	} else if err = writeFileAtomic(path, write); err == nil {
		f := c.Facts
		fmt.Fprintf(stderr, "已写入 %s：%s，%d 项任务（欠进度 %d、逾期 %d），应报 %d 份、按时 %d、逾期报送 %d、未报 %d (wrote %s)\n",
			path, c.Doc.Title, f.Tasks, f.Lagging, f.Overdue, f.Due, f.OnTime, f.Late, f.Missing, path)
		if *save {
			fmt.Fprintf(stderr, "草稿已存入数据库：/circulars/%d\n", c.ID)
		}
	}
	if err != nil {
		return fail("无法写出通报 (cannot write the circular): %s", oneLine(err))
	}
	return 0
}

// periodID reads --period: a period's id or its label; "" is the current one (0).
func periodID(ctx context.Context, st *store.Store, noticeID int64, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	ps, err := st.Periods(ctx, noticeID)
	if err != nil {
		return 0, err
	}
	n, numErr := strconv.ParseInt(v, 10, 64)
	var labels []string
	for _, p := range ps {
		if (numErr == nil && p.ID == n) || p.Label == v {
			return p.ID, nil
		}
		labels = append(labels, fmt.Sprintf("%d %s", p.ID, p.Label))
	}
	if len(labels) == 0 {
		return 0, fmt.Errorf("通知 %d 没有报送期", noticeID)
	}
	return 0, fmt.Errorf("通知 %d 没有报送期 %q；可选：%s", noticeID, v, strings.Join(labels, "、"))
}
