package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"duban/internal/store"
)

const backupUsage = `用法 (usage): duban backup [--db DSN] FILE

把正在使用的 SQLite 数据库在线备份到 FILE（一致的快照，备份时网站照常读写）；
FILE 已存在时拒绝覆盖。PostgreSQL 请用 pg_dump。

选项 (options)：
`

const restoreUsage = `用法 (usage): duban restore [--db PATH] [--force] FILE

把 duban backup 生成的备份 FILE 恢复为 SQLite 数据库（默认 DUBAN_DB 或 duban.db）。
先检查 FILE 是完好的 duban 数据库且版本不高于本程序；目标已存在时需 --force，
目标正被使用（duban serve 在运行）时一律拒绝，请先停止服务。PostgreSQL 请用 pg_restore。

选项 (options)：
`

// pgDumpHint is what an operator on PostgreSQL should run instead.
const pgDumpHint = "PostgreSQL 数据库请用 pg_dump 备份、pg_restore 恢复，例如 " +
	"pg_dump --format=custom --file=duban.dump \"$DUBAN_DB\"；" +
	"pg_restore --clean --if-exists --dbname=\"$DUBAN_DB\" duban.dump (use pg_dump / pg_restore for PostgreSQL)"

// oneFileArg parses flags and the single FILE argument.
func oneFileArg(fs *flag.FlagSet, args []string, stderr io.Writer) (string, int) {
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", 0
		}
		return "", 2
	}
	if len(rest) != 1 {
		fmt.Fprintf(stderr, "duban %s: 需要一个文件名 (exactly one FILE)\n\n", fs.Name())
		fs.Usage()
		return "", 2
	}
	return rest[0], -1
}

func cmdBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, backupUsage); fs.PrintDefaults() }
	db := dbFlag(fs)
	file, code := oneFileArg(fs, args, stderr)
	if code >= 0 {
		return code
	}
	dsn := dbFrom(*db, os.Getenv)
	info, err := store.BackupFile(context.Background(), dsn, file)
	switch {
	case errors.Is(err, store.ErrPostgres):
		fmt.Fprintf(stderr, "duban: %s\n", pgDumpHint)
		return 1
	case errors.Is(err, store.ErrNotFound):
		fmt.Fprintf(stderr, "duban: 数据库 %s 不存在 (no such database)\n", dsn)
		return 1
	case errors.Is(err, store.ErrExists):
		fmt.Fprintf(stderr, "duban: %s 已存在，不会覆盖；请换一个文件名 (file exists, not overwritten)\n", file)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "duban: 备份失败 (backup failed): %s\n", oneLine(err))
		return 1
	}
	fmt.Fprintf(stdout, "已备份到 %s：数据库版本 %d，%d 个账号，%d 份通知，%d 项任务\n", file, info.Version, info.Users, info.Notices, info.Tasks)
	return 0
}

func cmdRestore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, restoreUsage); fs.PrintDefaults() }
	db := fs.String("db", "", "要恢复成的 SQLite 数据库文件，默认 $DUBAN_DB 或 "+defaultDB+" (target database)")
	force := fs.Bool("force", false, "目标数据库已存在时替换它 (replace an existing database)")
	file, code := oneFileArg(fs, args, stderr)
	if code >= 0 {
		return code
	}
	dsn := dbFrom(*db, os.Getenv)
	info, err := store.Restore(context.Background(), file, dsn, *force)
	switch {
	case errors.Is(err, store.ErrPostgres):
		fmt.Fprintf(stderr, "duban: %s\n", pgDumpHint)
		return 1
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(stderr, "duban: 备份文件 %s 不存在 (no such file)\n", file)
		return 1
	case errors.Is(err, store.ErrNotDuban):
		fmt.Fprintf(stderr, "duban: %s 不是完好的 duban 数据库，未恢复 (not a duban database): %s\n", file, oneLine(err))
		return 1
	case errors.Is(err, store.ErrNewerSchema):
		fmt.Fprintf(stderr, "duban: %s 由更新版本的 duban 写成（数据库版本 %d），请先升级 duban (written by a newer duban)\n", file, info.Version)
		return 1
	case errors.Is(err, store.ErrExists):
		fmt.Fprintf(stderr, "duban: 数据库 %s 已存在；确认要用备份替换它请加 --force (target exists: use --force)\n", dsn)
		return 1
	case errors.Is(err, store.ErrInUse):
		fmt.Fprintf(stderr, "duban: 数据库 %s 正在使用中（duban serve 在运行？），请先停止服务再恢复 (database in use: stop duban first)\n", dsn)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "duban: 恢复失败 (restore failed): %s\n", oneLine(err))
		return 1
	}
	fmt.Fprintf(stdout, "已从 %s 恢复到 %s：数据库版本 %d，%d 个账号，%d 份通知，%d 项任务\n", file, dsn, info.Version, info.Users, info.Notices, info.Tasks)
	return 0
}
