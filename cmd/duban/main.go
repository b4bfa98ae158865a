// Command duban is the task-supervision system: it reads notices into
// ledgers and (later) serves the supervision office.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `duban — 政府工作报告重点任务督办系统

用法 (usage):
  duban parse [--format json|xlsx|text] [-o OUT] FILE   读取分工通知，输出台账 (FILE 为 - 时读标准输入)
  duban serve [--addr ADDR] [--db DSN] [--demo] [--tz TZ] 启动督办网站 (serve the web app)
  duban import [--db DSN] [--show-warnings] FILE…       把分工通知导入数据库 (import notices)
  duban export [--db DSN] --notice ID [--format xlsx|csv] [-o OUT]
                                                        导出一份通知的台账 (export a notice's ledger)
  duban circular [--db DSN] --notice ID [--period ID|名称] [--save] [-o OUT.docx]
                                                        按当前数据起草通报 (draft a circular)
  duban remind [--db DSN] [--dry-run] [--date D]        列出或执行一次提醒 (reminders: dry run, or run once)
  duban backup [--db DSN] FILE                          在线备份 SQLite 数据库 (online backup)
  duban restore [--db PATH] [--force] FILE              从备份恢复 (restore a backup)
  duban bench rush [--db DSN] [--reporters 300] [--reports 20]
                                                        报送高峰压测 (deadline-rush benchmark)
  duban gen [--db DSN] [--scale national|province|small] [--tasks N] [--reports N] [--today D] [--seed N]
                                                        向空数据库写入压测数据 (generate a benchmark data set)
  duban user list|create|reset-password|unlock|disable|enable …
                                                        管理账号 (manage accounts; duban user -h)
  duban version                                         显示版本 (print the version; also --version)

运行 duban COMMAND -h 查看各命令的选项。
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "parse":
		return cmdParse(args[1:], stdin, stdout, stderr)
	case "serve":
		return cmdServe(args[1:], stderr)
	case "import":
		return cmdImport(args[1:], stdin, stdout, stderr)
	case "export":
		return cmdExport(args[1:], stdout, stderr)
	case "circular":
		return cmdCircular(args[1:], stdout, stderr)
	case "remind":
		return cmdRemind(args[1:], stdout, stderr)
	case "backup":
		return cmdBackup(args[1:], stdout, stderr)
	case "restore":
		return cmdRestore(args[1:], stdout, stderr)
	case "gen":
		return cmdGen(args[1:], stdout, stderr)
	case "user":
		return cmdUser(args[1:], stdin, stdout, stderr)
	case "bench":
		return cmdBench(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		return cmdVersion(stdout)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "duban: 未知命令 %q (unknown command)\n\n%s", args[0], usage)
	return 2
}
