package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"duban/internal/docin"
	"duban/internal/notice"
	"duban/internal/office"
)

const parseUsage = `用法 (usage): duban parse [--format json|xlsx|text] [-o OUT] FILE

读取一份分工通知（.txt UTF-8/GB18030、.docx、.html、.pdf），输出台账。
FILE 为 - 时读标准输入。未给 --format 时按 -o 的扩展名决定，默认 json。
--format xlsx 且输出到终端时，写入与 FILE 同名的 .xlsx 文件。
`

func cmdParse(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, parseUsage); fs.PrintDefaults() }
	format := fs.String("format", "", "输出格式 json、xlsx 或 text (output format)")
	out := fs.String("o", "", "输出文件，默认标准输出 (output file)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(files) != 1 {
		fmt.Fprint(stderr, parseUsage)
		return 2
	}
	file := files[0]
	if *format == "" {
		*format = formatFor(*out)
	}
	if *format != "json" && *format != "xlsx" && *format != "text" {
		fmt.Fprintf(stderr, "duban: 不支持的输出格式 %q，可选 json、xlsx、text (unsupported format)\n", *format)
		return 2
	}

	text, err := readNotice(file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "duban: %s\n", oneLine(err))
		return 1
	}
	n, err := notice.Parse(text)
	if err != nil {
		fmt.Fprintf(stderr, "duban: %s: %s\n", displayName(file), oneLine(err))
		return 1
	}
	if *format == "xlsx" && *out == "" && isTerminal(stdout) {
		*out = strings.TrimSuffix(filepath.Base(displayName(file)), filepath.Ext(file)) + ".xlsx"
	}
	write := func(w io.Writer) error {
		switch *format {
		case "xlsx":
			return office.WriteLedger(w, n)
		case "text":
			return n.WriteText(w)
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(n)
	}
	if *out == "" || *out == "-" {
		err = write(stdout)
	} else {
		err = writeFileAtomic(*out, write)
		if err == nil && *format == "xlsx" {
			fmt.Fprintf(stderr, "已写入 %s：%d 项任务 (wrote %s)\n", *out, len(n.Tasks), *out)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "duban: 无法写出结果 (cannot write output): %s\n", oneLine(err))
		return 1
	}
	return 0
}

// parseInterspersed lets flags stand before or after the file name, as
// people type them.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func formatFor(out string) string {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".xlsx":
		return "xlsx"
	case ".txt":
		return "text"
	}
	return "json"
}

// readNotice reads a notice file, or standard input for "-".
func readNotice(file string, stdin io.Reader) (string, error) {
	if file != "-" {
		return docin.ReadFile(file)
	}
	data, err := io.ReadAll(io.LimitReader(stdin, docin.MaxSize+1))
	if err != nil {
		return "", fmt.Errorf("无法读取标准输入 (cannot read standard input): %w", err)
	}
	return docin.Read("-", data)
}

func displayName(file string) string {
	if file == "-" {
		return "标准输入"
	}
	return file
}

// writeFileAtomic writes through a temporary file renamed into place, so a
// failed write never leaves half a file where the user expects a result.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".duban-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
