package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"duban/internal/docin"
	"duban/internal/notice"
	"duban/internal/office"
)

const parseUsage = `用法 (usage): duban parse [--format json|xlsx|csv|text] [-o OUT] FILE

读取一份分工通知（.txt UTF-8/GB18030、.docx、.html、.pdf），输出台账。
FILE 为 - 时读标准输入。未给 --format 时按 -o 的扩展名决定
（.json、.xlsx、.csv、.txt；其他扩展名须用 --format 指明），默认 json。
--format xlsx 且输出到终端时，写入与 FILE 同名的 .xlsx 文件。

选项 (options)：
`

func cmdParse(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, parseUsage); fs.PrintDefaults() }
	format := fs.String("format", "", "输出格式 json、xlsx、csv 或 text (output format)")
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
		f, ok := formatFor(*out)
		if !ok {
			fmt.Fprintf(stderr, "duban: 无法按扩展名 %s 决定输出格式：请写 .json、.xlsx、.csv 或 .txt，或用 --format 指明 (cannot tell the format of %s)\n",
				filepath.Ext(*out), *out)
			return 2
		}
		*format = f
	}
	if !slices.Contains(parseFormats, *format) {
		fmt.Fprintf(stderr, "duban: 不支持的输出格式 %q，可选 json、xlsx、csv、text (unsupported format)\n", *format)
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
		case "csv":
			return office.WriteCSV(w, n)
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
		if err == nil && (*format == "xlsx" || *format == "csv") {
			fmt.Fprintf(stderr, "已写入 %s：%d 项任务，附件台账 %d 行 (wrote %s)\n", *out, len(n.Tasks), len(n.Annex), *out)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "duban: 无法写出结果 (cannot write output): %s\n", oneLine(err))
		return 1
	}
	return 0
}

// parseInterspersed lets flags stand before or after the file name, as
// people type them. A mistake is reported in Chinese (the flag package
// speaks English) above the command's usage; -h prints the usage alone.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer func() { fs.SetOutput(out); fs.Usage = usage }()
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			fs.SetOutput(out)
			if !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(out, "duban %s: %s\n\n", fs.Name(), flagErrorZh(err))
			}
			usage()
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

// parseFormats are what `duban parse` writes.
var parseFormats = []string{"json", "xlsx", "csv", "text"}

// formatFor is the format an output file's extension asks for; no file or
// no extension is JSON, and an extension duban does not write is not ok
// (out.pdf must not silently hold JSON).
// flagErrorZh says a flag package error in Chinese, keeping the English
// after it for whoever searches for it.
func flagErrorZh(err error) string {
	msg := err.Error()
	if m := badFlagValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("选项 -%s 的值 %s 无效", m[2], m[1]) + " (" + msg + ")"
	}
	for _, m := range []struct{ prefix, zh string }{
		{"flag provided but not defined: ", "没有选项 %s"},
		{"flag needs an argument: ", "选项 %s 需要一个值"},
		{"bad flag syntax: ", "选项写法有误：%s"},
		{"invalid boolean flag ", "开关选项无效：%s"},
	} {
		if rest, ok := strings.CutPrefix(msg, m.prefix); ok {
			return fmt.Sprintf(m.zh, rest) + " (" + msg + ")"
		}
	}
	return "选项有误：" + msg
}

// badFlagValue is the flag package's "invalid value "x" for flag -n: …".
var badFlagValue = regexp.MustCompile(`^invalid (?:boolean )?value ("[^"]*") for (?:flag )?-(\S+): `)

func formatFor(out string) (string, bool) {
	switch strings.ToLower(filepath.Ext(out)) {
	case "", ".json":
		return "json", true
	case ".xlsx":
		return "xlsx", true
	case ".csv":
		return "csv", true
	case ".txt":
		return "text", true
	}
	return "", false
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
// The file is readable as any new file is (0644 less the umask), and an
// error names path, never the temporary file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := createTemp(filepath.Dir(path))
	if err != nil {
		return outputError(path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return outputError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return outputError(path, err)
	}
	return nil
}

// createTemp is os.CreateTemp with the mode of an ordinary new file:
// os.CreateTemp's 0600 would leave the result unreadable to others.
func createTemp(dir string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".duban-%d", rand.Uint64()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fs.ErrExist
}

// outputError says what went wrong writing path, in Chinese and English.
func outputError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s：目录 %s 不存在 (no such directory)", path, filepath.Dir(path))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s：没有写入权限 (permission denied)", path)
	}
	return fmt.Errorf("%s: %w", path, err)
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
