package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/notice"
)

// Load is a generated data set for benchmarks: Units units, Notices
// notices of TasksPer tasks each, every task led by one unit in turn, one
// progress period per notice due on Due, and a share of the reports
// already submitted (Filed, in percent).
type Load struct {
	Units, Notices, TasksPer int
	Due                      notice.Date
	Filed                    int
}

// Generate writes a Load with multi-row inserts, a notice at a time in
// one transaction each, and returns the units' ids.
func (s *Store) Generate(ctx context.Context, l Load) ([]int64, error) {
	now := unix(s.now())
	var unitIDs []int64
	err := s.tx(ctx, func(x q) error {
		unitIDs = unitIDs[:0]
		for i := range l.Units {
			name := fmt.Sprintf("压测单位%05d", i+1)
			id, err := x.insert(ctx, "INSERT INTO units (name, name_key, is_group, created_at) VALUES (?, ?, 0, ?)", name, unitKey("", name), now)
			if err != nil {
				return err
			}
			unitIDs = append(unitIDs, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	start := ledger.AddDays(l.Due, -90)
	seq := 0
	for n := range l.Notices {
		err := s.tx(ctx, func(x q) error {
			nid, err := x.insert(ctx, `INSERT INTO notices (issuer, doc_number, year, issued_on, title, schedule, warnings, source_name, doc_key, content_hash, created_at)
				VALUES ('压测', ?, ?, ?, '压测通知', '{}', '[]', 'gen', ?, ?, ?)`, fmt.Sprintf("压测〔%d〕%d号", l.Due.Y, n+1), l.Due.Y, start.String(),
				fmt.Sprintf("gen-%d", n), fmt.Sprintf("gen-%d", n), now)
			if err != nil {
				return err
			}
			pid, err := x.insert(ctx, "INSERT INTO periods (notice_id, kind, label, starts_on, due_on, updated_at) VALUES (?, 'progress', '第四季度', ?, ?, ?)",
				nid, start.String(), l.Due.String(), now)
			if err != nil {
				return err
			}
			const batch = 500
			for lo := 0; lo < l.TasksPer; lo += batch {
				hi := min(lo+batch, l.TasksPer)
				var vals []string
				var args []any
				for i := lo; i < hi; i++ {
					vals = append(vals, "(?, ?, '', ?, '[]', '', ?, '[]', '', '', '[]', 0, ?)")
					args = append(args, nid, i+1, fmt.Sprint(i+1), fmt.Sprintf("压测任务第%d项：完成年度目标。", i+1), now)
				}
				if _, err := x.exec(ctx, `INSERT INTO tasks (notice_id, seq, section, number, path, heading, text, leaders, deadline, deadline_text, targets, line, updated_at)
					VALUES `+strings.Join(vals, ", "), args...); err != nil {
					return err
				}
				// Each task is led by the next unit in turn.
				vals, args = vals[:0], args[:0]
				for i := lo; i < hi; i++ {
					vals = append(vals, "((SELECT id FROM tasks WHERE notice_id = ? AND seq = ?), ?, 'lead', 0)")
					args = append(args, nid, i+1, unitIDs[(seq+i)%len(unitIDs)])
				}
				if _, err := x.exec(ctx, "INSERT INTO assignments (task_id, unit_id, role, pos) VALUES "+strings.Join(vals, ", "), args...); err != nil {
					return err
				}
			}
			if l.Filed > 0 {
				if _, err := x.exec(ctx, `INSERT INTO reports (task_id, period_id, unit_id, state, progress, submitted_at, created_at, updated_at)
					SELECT a.task_id, ?, a.unit_id, 'submitted', '按计划推进。', ?, ?, ? FROM assignments a JOIN tasks t ON t.id = a.task_id
					WHERE t.notice_id = ? AND t.seq % 100 < ?`, pid, now, now, now, nid, l.Filed); err != nil {
					return err
				}
			}
			seq += l.TasksPer
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("notice %d: %w", n+1, err)
		}
	}
	// The planner's statistics, as a live database's autovacuum keeps them.
	_, err = s.w.ExecContext(ctx, "ANALYZE")
	return unitIDs, err
}

// GenSpec is the size and shape of a data set for benchmarks (Gen).
type GenSpec struct {
	// Governments (行政区划) each with its departments, groups and
	// leaders: Home's province, its cities and counties, then the other
	// provinces' in code order.
	Governments int
	NoticesPer  int // notices each government issued
	Tasks       int // tasks in all, shared among the notices
	// Reports are the progress reports in all (0: ten a task): the share
	// of tasks a group leads, each member of which reports for itself, is
	// set so that about one report in twenty owed is missing.
	Reports  int
	Year     int         // of the notices (0: Today's)
	Today    notice.Date // where the year stands (zero: the store's today)
	Seed     int64
	Home     string // a province's division code; "" is 河南省
	Password string // of every generated account
	// Lights computes every task's light (FreshenAllLights) after the
	// rows are in; otherwise the first page that needs them does.
	Lights bool
	// FKChecks keeps PostgreSQL's foreign-key triggers on, which Gen
	// otherwise skips for its transaction when it runs as a superuser.
	FKChecks bool
}

// GenScale is a named scale: national (3,000 governments, 450,000 tasks,
// 5,000,000 reports), province (河南省's 175 governments, 50,000 tasks,
// 500,000 reports) or small (3 governments, 600 tasks, 6,000 reports).
func GenScale(name string) (GenSpec, bool) {
	switch name {
	case "national":
		return GenSpec{Governments: 3000, NoticesPer: 2, Tasks: 450_000, Reports: 5_000_000}, true
	case "province":
		return GenSpec{Governments: 175, NoticesPer: 2, Tasks: 50_000, Reports: 500_000}, true
	case "small":
		return GenSpec{Governments: 3, NoticesPer: 1, Tasks: 600, Reports: 6_000}, true
	}
	return GenSpec{}, false
}

// GenTable is what Gen wrote to one table (or did, for a step such as
// analyze) and how long it took.
type GenTable struct {
	Name    string
	Rows    int64
	Elapsed time.Duration
}

// GenAccount is an account Gen made; all have the spec's password.
type GenAccount struct {
	Login, Name string
	Role        Role
}

// GenResult is what Gen did.
type GenResult struct {
	Spec      GenSpec // with the defaults filled in
	Tables    []GenTable
	Accounts  []GenAccount
	GroupLead float64 // the share of tasks a group leads
	Owed      int     // reports owed by Today (slots); Reports of them were filed
	// SkippedFKChecks: PostgreSQL's foreign-key triggers were off for
	// the transaction (see GenSpec.FKChecks).
	SkippedFKChecks bool
	Elapsed         time.Duration
}

// Rows is the number of rows Gen wrote to table.
func (r GenResult) Rows(table string) int64 {
	for _, t := range r.Tables {
		if t.Name == table {
			return t.Rows
		}
	}
	return 0
}

// ErrNotEmpty refuses generating into a database that holds data.
var ErrNotEmpty = errors.New("database not empty")

// Gen writes a realistic data set into an empty database, as fast as the
// engine takes rows: every government's units and groups, notices with
// headings, tasks with lead and support units, leaders, deadlines and
// targets, quarterly periods, plans and reports in every state, and
// accounts to log in with. All of it is one transaction: a run that fails
// leaves the database empty. progress, if not nil, hears what is done.
func (s *Store) Gen(ctx context.Context, spec GenSpec, progress func(string)) (GenResult, error) {
	began := time.Now()
	say := func(format string, a ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, a...))
		}
	}
	if spec.Today.IsZero() {
		spec.Today = s.today()
	}
	if spec.Year == 0 {
		spec.Year = spec.Today.Y
	}
	if spec.Home == "" {
		spec.Home = "410000"
	}
	if spec.Reports == 0 {
		spec.Reports = 10 * spec.Tasks
	}
	switch {
	case spec.Governments < 1 || spec.NoticesPer < 1:
		return GenResult{}, errors.New("政府数和每个政府的通知数至少为 1 (governments and notices must be at least 1)")
	case spec.Tasks < spec.Governments*spec.NoticesPer:
		return GenResult{}, fmt.Errorf("任务数 %d 少于通知数 %d，每份通知至少要有一项任务 (too few tasks)", spec.Tasks, spec.Governments*spec.NoticesPer)
	case spec.Reports < 0:
		return GenResult{}, errors.New("报告数不能为负 (negative reports)")
	case spec.Password == "":
		return GenResult{}, errors.New("请给出生成账号的密码 (a password is required)")
	case spec.Today.Y != spec.Year:
		return GenResult{}, fmt.Errorf("“今天” %s 不在 %d 年内 (today is not in the year)", spec.Today, spec.Year)
	}
	res := GenResult{Spec: spec}

	r := s.r()
	var notices, unitCount int
	if err := r.row(ctx, "SELECT (SELECT COUNT(*) FROM notices), (SELECT COUNT(*) FROM units)").Scan(&notices, &unitCount); err != nil {
		return res, err
	}
	if notices > 0 || unitCount > 0 {
		return res, fmt.Errorf("数据库中已有 %d 份通知、%d 个单位，duban gen 只向空数据库写入，请换一个新数据库 (%w)", notices, unitCount, ErrNotEmpty)
	}
	p := &genPlan{spec: spec, loc: s.loc}
	for _, m := range []struct {
		table string
		to    *int64
	}{{"units", &p.base.units}, {"users", &p.base.users}, {"notices", &p.base.notices}, {"periods", &p.base.periods},
		{"tasks", &p.base.tasks}, {"plans", &p.base.plans}, {"reports", &p.base.reports}} {
		if err := r.row(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+m.table).Scan(m.to); err != nil {
			return res, err
		}
	}
	hash, err := auth.HashPassword(spec.Password)
	if err != nil {
		return res, err
	}

	t0 := time.Now()
	p.layout()
	p.calibrate()
	res.GroupLead, res.Owed = p.share, p.slotsOld+p.slotsCur
	users := p.accounts(hash)
	for _, u := range users {
		var n int
		if err := r.row(ctx, "SELECT COUNT(*) FROM users WHERE login = ?", u.login).Scan(&n); err != nil {
			return res, err
		}
		if n > 0 {
			return res, fmt.Errorf("账号 %s 已存在，duban gen 不覆盖已有账号 (%w)", u.login, ErrConflict)
		}
		res.Accounts = append(res.Accounts, GenAccount{Login: u.login, Name: u.name, Role: u.role})
	}
	say("规划：%d 个政府、%d 个单位、%d 份通知、%d 项任务；%.0f%% 的任务由群组牵头（各成员分别报送），应报 %s 份进展，生成 %s 份（%.1f 秒）",
		len(p.govs), len(p.units), len(p.notices), len(p.tasks), 100*p.share, genCount(int64(res.Owed)),
		genCount(int64(p.needOld+p.needCur)), time.Since(t0).Seconds())

	var wrote time.Time
	write := func(k genSink) error {
		defer func() { wrote = time.Now() }()
		for _, tb := range p.tables(users) {
			t := time.Now()
			n, err := k.copy(ctx, tb.name, tb.cols, tb.rows, func(n int64) { say("  %s：已写入 %s 行", tb.name, genCount(n)) })
			if err != nil {
				return fmt.Errorf("写入 %s (write %s): %w", tb.name, tb.name, err)
			}
			res.Tables = append(res.Tables, GenTable{tb.name, n, time.Since(t)})
			say("%s", res.Tables[len(res.Tables)-1])
		}
		return nil
	}
	if _, ok := s.d.(postgres); ok {
		err = s.genPostgres(ctx, spec.FKChecks, &res.SkippedFKChecks, write)
	} else {
		err = s.genSQLite(ctx, write)
	}
	if err != nil {
		return res, err
	}
	// on SQLite the commit writes the whole data set to the WAL
	res.Tables = append(res.Tables, GenTable{"commit", 0, time.Since(wrote)})
	say("%s", res.Tables[len(res.Tables)-1])

	t := time.Now()
	if err := s.genFinish(ctx); err != nil {
		return res, err
	}
	res.Tables = append(res.Tables, GenTable{"analyze", 0, time.Since(t)})
	say("%s", res.Tables[len(res.Tables)-1])
	if spec.Lights {
		t := time.Now()
		if err := s.FreshenAllLights(ctx); err != nil {
			return res, fmt.Errorf("计算红黄绿灯 (lights): %w", err)
		}
		var n int64
		if err := r.row(ctx, "SELECT COUNT(*) FROM task_lights").Scan(&n); err != nil {
			return res, err
		}
		res.Tables = append(res.Tables, GenTable{"task_lights", n, time.Since(t)})
		say("%s", res.Tables[len(res.Tables)-1])
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// String is a table's line of a summary: rows, time and rows a second.
func (t GenTable) String() string {
	if t.Rows == 0 {
		return fmt.Sprintf("%-13s %12s 行 %8.1f 秒", t.Name, "—", t.Elapsed.Seconds())
	}
	return fmt.Sprintf("%-13s %12s 行 %8.1f 秒 %10s 行/秒", t.Name, genCount(t.Rows), t.Elapsed.Seconds(),
		genCount(int64(float64(t.Rows)/max(t.Elapsed.Seconds(), 1e-6))))
}

// genCount writes n with thousands separators.
func genCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// genPostgres runs write in one transaction on a pgx connection of its
// own, so that the big tables go in by COPY.
func (s *Store) genPostgres(ctx context.Context, fkChecks bool, skipped *bool, write func(genSink) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		// Every row's parents are written before it, by construction (the
		// SQLite run writes the same rows with its foreign keys on, and the
		// tests look for orphans on both). The per-row foreign-key triggers
		// are then most of COPY's time: a superuser skips them, for this
		// transaction only, unless the spec asks to keep them.
		if !fkChecks {
			var su string
			if err := tx.QueryRow(ctx, "SELECT current_setting('is_superuser')").Scan(&su); err != nil {
				tx.Rollback(ctx)
				return err
			}
			if su == "on" {
				if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
					tx.Rollback(ctx)
					return err
				}
				*skipped = true
			}
		}
		if err := write(pgSink{tx}); err != nil {
			tx.Rollback(ctx)
			return err
		}
		return tx.Commit(ctx)
	})
}

// genSQLite runs write in one transaction of the write connection, with a
// page cache large enough that the indexes are built in memory.
func (s *Store) genSQLite(ctx context.Context, write func(genSink) error) error {
	if _, err := s.w.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return err
	}
	defer s.w.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000")
	t, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := write(sqliteSink{t}); err != nil {
		t.Rollback()
		return err
	}
	return t.Commit()
}

// genFinish moves PostgreSQL's identity sequences past the ids Gen gave
// and leaves the planner the statistics (and PostgreSQL the visibility
// map) that a live database's autovacuum keeps.
func (s *Store) genFinish(ctx context.Context) error {
	if _, ok := s.d.(postgres); !ok {
		if _, err := s.w.ExecContext(ctx, "ANALYZE"); err != nil {
			return err
		}
		_, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return err
	}
	for _, t := range []string{"units", "users", "notices", "periods", "tasks", "plans", "reports"} {
		if _, err := s.w.ExecContext(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", t, t)); err != nil {
			return fmt.Errorf("setval %s: %w", t, err)
		}
	}
	// only Gen's tables: a bare VACUUM would visit every schema of the database
	_, err := s.w.ExecContext(ctx, "VACUUM (ANALYZE) "+strings.Join(genTables, ", "))
	return err
}
