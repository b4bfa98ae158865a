package main

import (
	"context"
	"crypto/tls"
	"duban/internal/ledger"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"duban/internal/auth"
	"duban/internal/remind"
	"duban/internal/store"
	"duban/internal/web"
)

// Defaults, in one place. Flags win over the environment, which wins over
// these.
const (
	defaultAddr = "127.0.0.1:8080"
	defaultDB   = "duban.db"
	// devDir holds the templates and static files --dev reads from disk.
	devDir = "internal/web"
	// demoPassword is the password of every demo account: short on
	// purpose, so it skips the password policy.
	demoPassword = "demo"
)

const serveUsage = `用法 (usage): duban serve [--addr ADDR] [--db DSN] [--demo] [--dev] [--tz TZ]
                         [--log-format text|json] [--log-level LEVEL]

启动督办网站。数据库默认为当前目录下的 duban.db（SQLite），
postgres://… 则使用 PostgreSQL；首次启动时建立数据库并创建管理员账号 admin。

环境变量 (environment)：
  DUBAN_ADDR            监听地址，同 --addr
  DUBAN_DB              数据库，同 --db
  DUBAN_TZ              时区，同 --tz，默认 Asia/Shanghai：页面和接口中的时间都用它
  DUBAN_ADMIN_PASSWORD  新数据库中 admin 的初始密码（不设则随机生成并显示一次）
  DUBAN_LOG_FORMAT      日志格式 text 或 json，同 --log-format
  DUBAN_LOG_LEVEL       日志级别，同 --log-level
  DUBAN_SECURE_COOKIES  设为 1 同 --secure-cookies
  DUBAN_TLS_CERT        同 --tls-cert
  DUBAN_TLS_KEY         同 --tls-key
  DUBAN_TRUSTED_PROXIES 同 --trusted-proxies

收到 SIGTERM 或 SIGINT 后不再接受新请求，进行中的请求在 20 秒内完成后退出。

选项 (options)：
`

// serveConfig is everything `duban serve` is told, validated once.
type serveConfig struct {
	Addr string
	DB   string
	Demo bool
	Dev  bool
	// AdminPassword comes from DUBAN_ADMIN_PASSWORD; it is never printed.
	AdminPassword string
	Log           logConfig
	// Location is the deployment's time zone (--tz, DUBAN_TZ).
	Location *time.Location
	// SecureCookies: browsers reach the site over TLS through a proxy.
	SecureCookies    bool
	TLSCert, TLSKey  string
	TrustedProxies   []netip.Prefix
	trustedProxyList string // as given, for messages
	// Reminders: off (--no-reminders), how often the scheduler ticks,
	// and the deployment's mail server, which replaces the admin page's.
	NoReminders bool
	RemindEvery time.Duration
	SMTP        store.SMTPSettings
	// ClockFile, for tests and drills only (DUBAN_CLOCK_FILE), holds the
	// time the process takes to be now: a test moves a day's reminders
	// over a due date without waiting for it.
	ClockFile string
}

// getenv reads the environment; a parameter so tests could replace it.
type getenv func(string) string

// first is the first of vs that is not empty: a flag, then the
// environment, then the default.
func first(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// dbFlag adds --db. Its default is resolved after parsing, by dbFrom, so
// that -h never prints a DUBAN_DB that holds a password.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "数据库：SQLite 文件路径或 postgres://…，默认 $DUBAN_DB 或 "+defaultDB+" (database)")
}

// dbFrom is --db, else DUBAN_DB, else duban.db.
func dbFrom(flagValue string, env getenv) string {
	return first(flagValue, env("DUBAN_DB"), defaultDB)
}

// errUsage is a usage error already reported.
var errUsage = errors.New("usage")

// parseServeConfig reads flags over the environment. Its errors have
// already been reported; flag.ErrHelp means -h was asked for.
func parseServeConfig(args []string, env getenv, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serveUsage); fs.PrintDefaults() }
	var c serveConfig
	addr := fs.String("addr", "", "监听地址，默认 $DUBAN_ADDR 或 "+defaultAddr+" (listen address)")
	db := dbFlag(fs)
	fs.BoolVar(&c.Demo, "demo", false, "载入五份示例通知并创建演示账号，密码 demo (load the seed notices and demo accounts)")
	fs.BoolVar(&c.Dev, "dev", false, "每次请求从 internal/web 读取模板和静态文件 (read templates from disk)")
	logf := addLogFlags(fs)
	tz := tzFlag(fs)
	secure := fs.Bool("secure-cookies", false, "浏览器经 HTTPS 反向代理访问本站：Cookie 标记 Secure 并发送 HSTS，默认 $DUBAN_SECURE_COOKIES (behind a TLS proxy)")
	cert := fs.String("tls-cert", "", "HTTPS 证书文件（PEM），与 --tls-key 一起使用则直接提供 HTTPS，默认 $DUBAN_TLS_CERT (serve TLS)")
	key := fs.String("tls-key", "", "HTTPS 私钥文件（PEM），默认 $DUBAN_TLS_KEY")
	proxies := fs.String("trusted-proxies", "", "可信反向代理的地址或网段，逗号分隔（如 127.0.0.1,10.0.0.0/8）：只采信它们发来的 X-Forwarded-For / X-Forwarded-Proto，默认 $DUBAN_TRUSTED_PROXIES")
	fs.BoolVar(&c.NoReminders, "no-reminders", false, "本进程不发送提醒（其他进程照常发送），默认 $DUBAN_NO_REMINDERS (do not run the reminder scheduler here)")
	every := fs.Duration("remind-every", 0, "提醒调度的间隔，默认 $DUBAN_REMIND_EVERY 或 30s (reminder scheduler tick)")
	smtpHost := fs.String("smtp-host", "", "邮件服务器，设置后取代管理页面上的 SMTP 设置，默认 $DUBAN_SMTP_HOST (SMTP host)")
	smtpPort := fs.Int("smtp-port", 0, "邮件服务器端口，默认 $DUBAN_SMTP_PORT 或 587")
	smtpUser := fs.String("smtp-user", "", "邮件服务器用户名，默认 $DUBAN_SMTP_USER；密码只从 $DUBAN_SMTP_PASSWORD 读取")
	smtpFrom := fs.String("smtp-from", "", "发件人，如 督办系统 <duban@example.gov.cn>，默认 $DUBAN_SMTP_FROM")
	smtpTLS := fs.String("smtp-tls", "", "加密方式 starttls、tls 或 none，默认 $DUBAN_SMTP_TLS 或 starttls")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return c, err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "duban: serve 不接受参数 %q (unexpected argument)\n", rest[0])
		return c, errUsage
	}
	c.Addr = first(*addr, env("DUBAN_ADDR"), defaultAddr)
	c.DB = dbFrom(*db, env)
	c.AdminPassword = env("DUBAN_ADMIN_PASSWORD")
	c.Log = logf.resolve(env)
	c.SecureCookies = *secure || envBool(env("DUBAN_SECURE_COOKIES"))
	c.TLSCert, c.TLSKey = first(*cert, env("DUBAN_TLS_CERT")), first(*key, env("DUBAN_TLS_KEY"))
	c.trustedProxyList = first(*proxies, env("DUBAN_TRUSTED_PROXIES"))
	if c.Location, err = tzFrom(*tz, env); err != nil {
		fmt.Fprintf(stderr, "duban: %s\n", err)
		return c, errUsage
	}
	c.NoReminders = c.NoReminders || envBool(env("DUBAN_NO_REMINDERS"))
	c.RemindEvery = *every
	if v := env("DUBAN_REMIND_EVERY"); c.RemindEvery == 0 && v != "" {
		if c.RemindEvery, err = time.ParseDuration(v); err != nil || c.RemindEvery <= 0 {
			fmt.Fprintf(stderr, "duban: DUBAN_REMIND_EVERY %q 无效，应如 30s、1m (invalid duration)\n", v)
			return c, errUsage
		}
	}
	c.SMTP = store.SMTPSettings{Host: first(*smtpHost, env("DUBAN_SMTP_HOST")), Username: first(*smtpUser, env("DUBAN_SMTP_USER")),
		Password: env("DUBAN_SMTP_PASSWORD"), From: first(*smtpFrom, env("DUBAN_SMTP_FROM")), TLS: first(*smtpTLS, env("DUBAN_SMTP_TLS"))}
	c.SMTP.Port = *smtpPort
	if v := env("DUBAN_SMTP_PORT"); c.SMTP.Port == 0 && v != "" {
		if c.SMTP.Port, err = strconv.Atoi(v); err != nil {
			fmt.Fprintf(stderr, "duban: DUBAN_SMTP_PORT %q 无效 (invalid port)\n", v)
			return c, errUsage
		}
	}
	if c.SMTP.Port == 0 {
		c.SMTP.Port = 587
	}
	c.ClockFile = env("DUBAN_CLOCK_FILE")
	return c, nil
}

// validate checks what can be checked before touching the database.
func (c *serveConfig) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("监听地址 %q 无效，应为 主机:端口，如 127.0.0.1:8080 (invalid address)", c.Addr)
	}
	if err := c.Log.validate(); err != nil {
		return err
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("--tls-cert 与 --tls-key 须同时设置 (--tls-cert and --tls-key go together)")
	}
	if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			return fmt.Errorf("无法读取 HTTPS 证书或私钥：%s (cannot load the TLS certificate)", err)
		}
	}
	var err error
	if c.TrustedProxies, err = web.ParseProxies(c.trustedProxyList); err != nil {
		return fmt.Errorf("--trusted-proxies %q 无效，应为逗号分隔的 IP 地址或网段，如 127.0.0.1,10.0.0.0/8 (invalid trusted proxies)", c.trustedProxyList)
	}
	if c.AdminPassword != "" {
		if err := auth.CheckPolicy(c.AdminPassword); err != nil {
			return fmt.Errorf("环境变量 DUBAN_ADMIN_PASSWORD 不符合密码要求：%s (DUBAN_ADMIN_PASSWORD fails the password policy)", err)
		}
	}
	if c.SMTP.Host != "" {
		if err := c.SMTP.Config().Validate(); err != nil {
			return fmt.Errorf("邮件服务器设置有误：%s (invalid SMTP settings)", strings.ReplaceAll(err.Error(), "\n", "；"))
		}
	}
	if c.Dev {
		if fi, err := os.Stat(filepath.Join(devDir, "templates")); err != nil || !fi.IsDir() {
			return fmt.Errorf("--dev 需要在仓库根目录运行（找不到 %s/templates）(run --dev from the repository root)", devDir)
		}
	}
	return nil
}

func cmdServe(args []string, stderr io.Writer) int {
	cfg, err := parseServeConfig(args, os.Getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintf(stderr, "duban: %s\n", oneLine(err))
		return 2
	}
	// A taken address is found before the database is touched, so that a
	// new admin password is never shown by a start that then fails.
	if err := probeAddr(cfg.Addr); err != nil {
		listenError(stderr, cfg.Addr, err)
		return 1
	}

	log := cfg.Log.logger(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(stderr, "duban: 无法打开数据库 %s (cannot open database): %s\n", redactDSN(cfg.DB), oneLine(err))
		return 1
	}
	defer st.Close()
	st.SetLocation(cfg.Location)
	if cfg.ClockFile != "" {
		st.SetClock(fileClock(cfg.ClockFile))
		log.Warn("clock", "file", cfg.ClockFile, "now", st.Now().Format(time.RFC3339))
	}
	for _, line := range st.MigrationReport() {
		log.Warn("migration", "changed", line)
	}
	// The scheduler also sends the pages' test messages, so it exists even
	// where --no-reminders keeps it from running.
	sched := remind.New(st, remind.Config{Every: cfg.RemindEvery, SMTP: cfg.SMTP, Log: log})
	srv, err := web.New(web.Config{Dev: cfg.Dev, DevDir: devDir, Demo: cfg.Demo && cfg.AdminPassword == "", Location: cfg.Location,
		SecureCookies: cfg.SecureCookies, TLSCert: cfg.TLSCert, TLSKey: cfg.TLSKey, TrustedProxies: cfg.TrustedProxies, Reminders: sched}, st, log)
	if err != nil {
		fmt.Fprintf(stderr, "duban: 无法启动网站 (cannot start the server): %s\n", oneLine(err))
		return 1
	}

	if cfg.Demo {
		// Demo accounts all have the password "demo": never on a real database.
		err := st.MarkDemo(ctx)
		if errors.Is(err, store.ErrNotDemo) {
			fmt.Fprintf(stderr, "duban: --demo 只能用于空数据库或以 --demo 建立的数据库；%s 已有账号或通知，"+
				"不会在其中添加密码为 demo 的演示账号 (refusing --demo on a database not created as a demo)\n", redactDSN(cfg.DB))
			return 1
		}
		if err != nil {
			fmt.Fprintf(stderr, "duban: 无法载入演示数据 (cannot load the demo data): %s\n", oneLine(err))
			return 1
		}
	}
	if err := ensureAdmin(ctx, st, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "duban: 无法创建管理员账号 (cannot create the admin account): %s\n", oneLine(err))
		return 1
	}
	if cfg.Demo {
		if err := loadDemo(ctx, st, cfg, log); err != nil {
			fmt.Fprintf(stderr, "duban: 无法载入演示数据 (cannot load the demo data): %s\n", oneLine(err))
			return 1
		}
	}

	ready := func(addr string) {
		scheme := "http://"
		if cfg.TLSCert != "" {
			scheme = "https://"
		}
		u := scheme + displayAddr(addr)
		fmt.Fprintf(stderr, "duban 已启动：%s (listening on %s)\n", u, u)
		log.Info("listening", "addr", addr, "db", redactDSN(cfg.DB), "demo", cfg.Demo, "dev", cfg.Dev, "tz", cfg.Location.String())
	}
	if !cfg.NoReminders {
		done := make(chan struct{})
		go func() { defer close(done); sched.Run(ctx) }()
		// Shutting down waits for the message in flight, or leaves it to
		// another process once its lease runs out.
		defer func() { stop(); <-done }()
	}
	if err := srv.ListenAndServe(ctx, cfg.Addr, ready); err != nil {
		listenError(stderr, cfg.Addr, err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// ensureAdmin gives a new database its first account, admin. Its password
// is DUBAN_ADMIN_PASSWORD, "demo" for --demo, or else random and shown once.
func ensureAdmin(ctx context.Context, st *store.Store, cfg serveConfig, stderr io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw, show := cfg.AdminPassword, false
	switch {
	case pw != "":
	case cfg.Demo:
		pw = demoPassword
	default:
		pw, show = auth.RandomPassword(), true
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	_, err = st.CreateUser(ctx, store.NewUser{Login: "admin", Name: ledger.AccountRoleLabel(string(store.RoleAdmin)), Role: store.RoleAdmin, PasswordHash: hash})
	if errors.Is(err, store.ErrConflict) {
		return nil // another process starting at the same moment created it
	}
	if err != nil {
		return err
	}
	if show {
		printPasswordBox(stderr, pw)
	}
	return nil
}

// printPasswordBox shows the generated admin password, the one time it
// is ever shown.
func printPasswordBox(w io.Writer, pw string) {
	bar := strings.Repeat("═", 48)
	fmt.Fprintf(w, "╔%s\n║ 管理员账号 admin 的初始密码：%s\n║ 请登录后在“我的账号”中修改。此密码只显示这一次。\n"+
		"║ (initial password of admin, shown only this once)\n╚%s\n", bar, pw, bar)
}

// probeAddr checks that addr can be listened on.
func probeAddr(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ln.Close()
}

func listenError(stderr io.Writer, addr string, err error) {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		fmt.Fprintf(stderr, "duban: 地址 %s 已被占用，请用 --addr 换一个端口 (address already in use)\n", addr)
	case errors.Is(err, syscall.EACCES):
		fmt.Fprintf(stderr, "duban: 没有权限监听 %s，请换用 1024 以上的端口 (permission denied)\n", addr)
	default:
		fmt.Fprintf(stderr, "duban: 无法在 %s 上提供服务 (cannot serve): %s\n", addr, oneLine(err))
	}
}

// displayAddr makes a listening address something to click: a wildcard
// host becomes localhost.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// redactDSN hides a PostgreSQL password.
func redactDSN(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// envBool reads an environment switch: 1, true, yes or on.
func envBool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// fileClock reads now from a file (RFC 3339), for tests and drills. A
// file caught mid-write, or gone, keeps the last time read (the real time
// before any was): a clock that jumps back to today would run reminders
// for the wrong day.
func fileClock(path string) func() time.Time {
	var mu sync.Mutex
	var last time.Time
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if b, err := os.ReadFile(path); err == nil {
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b))); err == nil {
				last = t
			}
		}
		if last.IsZero() {
			return time.Now()
		}
		return last
	}
}
