package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/store"
)

const userUsage = `用法 (usage): duban user COMMAND [--db DSN] …

管理账号，供管理员在网站之外使用（例如 admin 被锁定或忘记了初始密码）：
  duban user list                                       列出账号 (list accounts)
  duban user create --login L --name N --role R [--unit 单位] [--leader 领导] [--password-stdin]
                                                        创建账号 (create an account)
  duban user reset-password [--password-stdin] LOGIN    重设密码，并注销其全部会话和 API 令牌
  duban user unlock LOGIN                               解除登录锁定 (lift a lockout)
  duban user disable LOGIN                              停用账号，其会话立即失效 (disable)
  duban user enable LOGIN                               恢复停用的账号 (enable)

角色 R：admin、office、unit（须 --unit，单位名称或编号）、leader（须 --leader，
写法与通知中的责任领导一致）、viewer。不加 --password-stdin 时随机生成密码并只显示这一次；
加上时从标准输入读第一行作为密码。数据库默认为 DUBAN_DB 或 duban.db，不存在时不会新建。
`

// userCommand is one `duban user` subcommand: its flags, whether it takes a
// LOGIN argument, and what it does.
type userCommand struct {
	login bool
	flags func(fs *flag.FlagSet) func(ctx context.Context, c *userCtx) error
}

// userCtx is what a subcommand works with.
type userCtx struct {
	st             *store.Store
	u              *store.User // the account named by LOGIN
	stdin          io.Reader
	stdout, stderr io.Writer
}

// userFail is an error the user reads as it is.
type userFail struct{ msg string }

func (e *userFail) Error() string { return e.msg }

func failf(format string, args ...any) error { return &userFail{fmt.Sprintf(format, args...)} }

var userCommands = map[string]userCommand{
	"list": {flags: func(*flag.FlagSet) func(context.Context, *userCtx) error { return userList }},
	"create": {flags: func(fs *flag.FlagSet) func(context.Context, *userCtx) error {
		var n store.NewUser
		var role, unit string
		fs.StringVar(&n.Login, "login", "", "用户名 (login)")
		fs.StringVar(&n.Name, "name", "", "姓名 (display name)")
		fs.StringVar(&role, "role", "", "角色 admin|office|unit|leader|viewer")
		fs.StringVar(&unit, "unit", "", "unit 账号所属单位的名称或编号 (the unit of a unit account)")
		fs.StringVar(&n.Leader, "leader", "", "leader 账号对应的责任领导 (the leader of a leader account)")
		stdinPW := fs.Bool("password-stdin", false, "从标准输入读取密码 (read the password from standard input)")
		return func(ctx context.Context, c *userCtx) error {
			n.Role = store.Role(role)
			return userCreate(ctx, c, n, unit, *stdinPW)
		}
	}},
	"reset-password": {login: true, flags: func(fs *flag.FlagSet) func(context.Context, *userCtx) error {
		stdinPW := fs.Bool("password-stdin", false, "从标准输入读取新密码 (read the password from standard input)")
		return func(ctx context.Context, c *userCtx) error {
			pw, shown, err := newPassword(c.stdin, *stdinPW)
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(pw)
			if err != nil {
				return err
			}
			if err := c.st.SetPassword(ctx, c.u.ID, hash, ""); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "已重设 %s 的密码，并注销其全部登录会话和 API 令牌；登录锁定已解除。\n", c.u.Login)
			if shown {
				printNewPassword(c.stdout, c.u.Login, pw)
			}
			return nil
		}
	}},
	"unlock": {login: true, flags: func(*flag.FlagSet) func(context.Context, *userCtx) error {
		return func(ctx context.Context, c *userCtx) error {
			if err := c.st.Unlock(ctx, c.u.ID); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "已解除 %s 的登录锁定。\n", c.u.Login)
			return nil
		}
	}},
	"disable": {login: true, flags: func(*flag.FlagSet) func(context.Context, *userCtx) error {
		return func(ctx context.Context, c *userCtx) error { return userSetDisabled(ctx, c, true) }
	}},
	"enable": {login: true, flags: func(*flag.FlagSet) func(context.Context, *userCtx) error {
		return func(ctx context.Context, c *userCtx) error { return userSetDisabled(ctx, c, false) }
	}},
}

func cmdUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := stderr
		if len(args) > 0 {
			w = stdout
		}
		fmt.Fprint(w, userUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := userCommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "duban user: 未知命令 %q (unknown command)\n\n%s", args[0], userUsage)
		return 2
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, userUsage+"\n选项 (options)：\n"); fs.PrintDefaults() }
	db := dbFlag(fs)
	do := cmd.flags(fs)
	rest, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	want := 0
	if cmd.login {
		want = 1
	}
	if len(rest) != want {
		if want == 1 {
			fmt.Fprintf(stderr, "duban user %s: 需要一个用户名 (exactly one LOGIN)\n", args[0])
		} else {
			fmt.Fprintf(stderr, "duban user %s: 不接受参数 %q (unexpected argument)\n", args[0], rest[0])
		}
		return 2
	}

	ctx := context.Background()
	st := openDB(ctx, *db, stderr)
	if st == nil {
		return 1
	}
	defer st.Close()
	c := &userCtx{st: st, stdin: stdin, stdout: stdout, stderr: stderr}
	if cmd.login {
		c.u, err = st.UserByLogin(ctx, rest[0])
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "duban: 没有用户名为 %q 的账号；用 duban user list 查看 (no such account)\n", rest[0])
			return 1
		}
		if err != nil {
			fmt.Fprintf(stderr, "duban: %s\n", oneLine(err))
			return 1
		}
	}
	if err := do(ctx, c); err != nil {
		var uf *userFail
		if errors.As(err, &uf) {
			fmt.Fprintf(stderr, "duban: %s\n", uf.msg)
		} else {
			fmt.Fprintf(stderr, "duban: user %s 失败 (failed): %s\n", args[0], oneLine(err))
		}
		return 1
	}
	return 0
}

func userList(ctx context.Context, c *userCtx) error {
	users, err := c.st.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名\t姓名\t角色\t单位或领导\t状态\t创建时间")
	now := time.Now()
	for _, u := range users {
		state := "正常"
		switch {
		case u.Disabled:
			state = "已停用"
		case u.LockedUntil.After(now):
			state = "锁定至 " + u.LockedUntil.Format("2006-01-02 15:04")
		}
		of := u.UnitName
		if u.Role == store.RoleLeader {
			of = u.Leader
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Login, u.Name, u.Role, cmp.Or(of, "-"), state, u.CreatedAt.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

func userCreate(ctx context.Context, c *userCtx, n store.NewUser, unit string, stdinPW bool) error {
	n.Login, n.Name, n.Leader, unit = strings.TrimSpace(n.Login), strings.TrimSpace(n.Name), strings.TrimSpace(n.Leader), strings.TrimSpace(unit)
	if p := ledger.AccountProblem(n.Login, n.Name); p != "" {
		return failf("%s（--login、--name）", strings.TrimSuffix(p, "。"))
	}
	if !n.Role.Valid() {
		return failf("--role 应为 admin、office、unit、leader 或 viewer，而不是 %q", n.Role)
	}
	switch {
	case n.Role == store.RoleUnit && unit == "":
		return failf("责任单位账号须用 --unit 指明所属单位（名称或编号）")
	case n.Role != store.RoleUnit && unit != "":
		return failf("只有 unit 角色的账号才有所属单位（--unit）")
	case n.Role == store.RoleLeader && n.Leader == "":
		return failf("责任领导账号须用 --leader 写明领导姓名，写法与通知中的“责任领导”一致")
	case n.Role != store.RoleLeader && n.Leader != "":
		return failf("只有 leader 角色的账号才对应责任领导（--leader）")
	}
	if unit != "" {
		u, err := findUnit(ctx, c.st, unit)
		if err != nil {
			return err
		}
		n.UnitID = u.ID
	}
	pw, shown, err := newPassword(c.stdin, stdinPW)
	if err != nil {
		return err
	}
	if n.PasswordHash, err = auth.HashPassword(pw); err != nil {
		return err
	}
	_, err = c.st.CreateUser(ctx, n)
	switch {
	case errors.Is(err, store.ErrConflict):
		return failf("用户名 %s 已被使用，请换一个 (login taken)", n.Login)
	case errors.Is(err, store.ErrUnknownLeader):
		return failf("没有任务的责任领导是“%s”：请按通知中的写法填写 (no task has this leader)", n.Leader)
	case err != nil:
		return err
	}
	fmt.Fprintf(c.stdout, "已创建账号 %s（%s，%s）。\n", n.Login, n.Name, ledger.AccountRoleLabel(string(n.Role)))
	if shown {
		printNewPassword(c.stdout, n.Login, pw)
	}
	return nil
}

// findUnit is a unit by id or name; a group cannot own an account.
func findUnit(ctx context.Context, st *store.Store, s string) (*store.Unit, error) {
	var u *store.Unit
	var err error
	if id, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		u, err = st.Unit(ctx, id)
	} else {
		u, err = st.UnitByName(ctx, s)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, failf("没有单位 %q：请用单位目录中的名称或编号 (no such unit)", s)
	}
	if err != nil {
		return nil, err
	}
	if u.IsGroup {
		return nil, failf("“%s”是单位组，不能作为账号的所属单位；请选择具体单位", u.Name)
	}
	return u, nil
}

// newPassword is the first line of stdin, checked against the policy, or
// a random one to show once.
func newPassword(stdin io.Reader, fromStdin bool) (pw string, show bool, err error) {
	if !fromStdin {
		return auth.RandomPassword(), true, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	pw = strings.TrimRight(line, "\r\n")
	if err := auth.CheckPolicy(pw); err != nil {
		return "", false, failf("标准输入中的密码不符合要求：%s (password fails the policy)", err)
	}
	return pw, false, nil
}

func printNewPassword(w io.Writer, login, pw string) {
	fmt.Fprintf(w, "%s 的新密码：%s\n此密码只显示这一次，请转交本人并提醒其登录后修改。\n", login, pw)
}

func userSetDisabled(ctx context.Context, c *userCtx, disabled bool) error {
	if err := c.st.SetDisabled(ctx, c.u.ID, disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(c.stdout, "已停用 %s：其登录会话已注销，API 令牌停止生效。\n", c.u.Login)
	} else {
		fmt.Fprintf(c.stdout, "已恢复 %s。\n", c.u.Login)
	}
	return nil
}
