package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/store"
)

// sqliteRows is every row of every table of a SQLite file, by table, each
// row printed, in a stable order (VACUUM may renumber hidden rowids, so
// rows are ordered by all their columns).
func sqliteRows(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rows, err = db.Query("SELECT * FROM " + table + " ORDER BY " + strings.Join(order, ", "))
		if err != nil {
			t.Fatal(err)
		}
		out[table] = []string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out[table] = append(out[table], fmt.Sprintf("%q", vals))
		}
		rows.Close()
	}
	return out
}

// TestBackupUnderWriteLoadAndRestore: `duban backup` copies a database
// that another process keeps editing; the copy is one consistent moment
// (every task's version matches its audit trail); `duban restore` brings
// it back identical, table by table and row by row.
func TestBackupUnderWriteLoadAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	st := openStore(t, live)
	defer st.Close()
	ctx := context.Background()
	nid, err := st.ImportNotice(ctx, parseSeed(t, filepath.Join(repoRoot(t), "testdata/seeds/002_a99145987f6f3da9.txt")), "002.txt", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := st.Tasks(ctx, store.TaskFilter{NoticeID: nid})
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks: %d, %v", len(tasks), err)
	}

	// Writes keep landing while the backup runs.
	var edits atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			task := tasks[i%len(tasks)]
			f := task.Fields()
			f.DeadlineText = fmt.Sprintf("第 %d 次修改", i)
			nt, err := st.UpdateTask(ctx, task.ID, task.Version, f, store.CLI)
			if err != nil {
				t.Errorf("edit during backup: %v", err)
				return
			}
			tasks[i%len(tasks)] = nt
			edits.Add(1)
		}
	}()
	for edits.Load() < 50 {
		time.Sleep(10 * time.Millisecond)
	}
	bak := filepath.Join(dir, "backup.db")
	before := edits.Load()
	code, out := runDuban(t, dir, testEnv(), "backup", "--db", live, bak)
	during := edits.Load() - before
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "已备份到") {
		t.Fatalf("duban backup: exit %d\n%s", code, out)
	}
	if during == 0 {
		t.Errorf("no edit landed while the backup ran: the test did not test a backup under load")
	}
	t.Logf("%d edits before the backup started, %d while it ran", before, during)

	// One consistent moment: each task's version is one more than its
	// recorded updates, and every edit made before the backup is in it.
	b, err := sql.Open("sqlite", "file:"+bak+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var mismatched, updates int
	b.QueryRow(`SELECT COUNT(*) FROM tasks t WHERE t.version - 1 <> (SELECT COUNT(*) FROM audit a
		WHERE a.entity = 'task' AND a.entity_id = t.id AND a.action = 'update')`).Scan(&mismatched)
	b.QueryRow(`SELECT COUNT(*) FROM audit WHERE entity = 'task' AND action = 'update'`).Scan(&updates)
	b.Close()
	if mismatched != 0 {
		t.Errorf("backup is not one moment: %d tasks' versions disagree with their audit trail", mismatched)
	}
	if int64(updates) < before || int64(updates) > before+during {
		t.Errorf("backup holds %d edits, want between %d and %d", updates, before, before+during)
	}

	restored := filepath.Join(dir, "restored.db")
	code, out = runDuban(t, dir, testEnv(), "restore", "--db", restored, bak)
	if code != 0 || !strings.Contains(out, "已从") {
		t.Fatalf("duban restore: exit %d\n%s", code, out)
	}
	want, got := sqliteRows(t, bak), sqliteRows(t, restored)
	if len(want) < 10 || len(got) != len(want) {
		t.Errorf("restored %d tables, backup has %d", len(got), len(want))
	}
	for table, rows := range want {
		if strings.Join(got[table], "\n") != strings.Join(rows, "\n") {
			t.Errorf("table %s: restored %d rows differ from the backup's %d", table, len(got[table]), len(rows))
		}
	}
	// The restored database serves: it opens (migrations are up to date)
	// and holds the ledger.
	rs := openStore(t, restored)
	if n, err := rs.CountTasks(ctx, store.TaskFilter{}); err != nil || n != len(tasks) {
		t.Errorf("restored database: %d tasks (%v), want %d", n, err, len(tasks))
	}
	rs.Close()
}

// TestBackupRestoreRefusals: nothing is overwritten by mistake, a database
// in use is never replaced, and only an intact duban database of a schema
// this duban knows is restored.
func TestBackupRestoreRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := testEnv()
	live := filepath.Join(dir, "live.db")
	st := openStore(t, live)
	bak := filepath.Join(dir, "bak.db")
	if code, out := runDuban(t, dir, env, "backup", "--db", live, bak); code != 0 {
		t.Fatalf("backup: %d\n%s", code, out)
	}
	newer := filepath.Join(dir, "newer.db")
	if code, out := runDuban(t, dir, env, "backup", "--db", live, newer); code != 0 {
		t.Fatalf("backup: %d\n%s", code, out)
	}
	ndb, _ := sql.Open("sqlite", newer)
	if _, err := ndb.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	ndb.Close()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("不是数据库\n"), 0o644)
	other := filepath.Join(dir, "other.db")
	odb, _ := sql.Open("sqlite", other)
	odb.Exec("CREATE TABLE t (x INTEGER)")
	odb.Close()
	stopped := filepath.Join(dir, "stopped.db")
	openStore(t, stopped).Close()

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"backup over an existing file", []string{"backup", "--db", live, bak}, "已存在"},
		{"backup of a missing database", []string{"backup", "--db", filepath.Join(dir, "nosuch.db"), filepath.Join(dir, "x.db")}, "不存在"},
		{"backup on PostgreSQL", []string{"backup", "--db", "postgres://duban@127.0.0.1:1/duban", filepath.Join(dir, "y.db")}, "pg_dump"},
		{"restore over an existing database", []string{"restore", "--db", stopped, bak}, "--force"},
		{"restore over a database in use", []string{"restore", "--force", "--db", live, bak}, "正在使用"},
		{"restore of a text file", []string{"restore", "--db", filepath.Join(dir, "r1.db"), text}, "不是完好的 duban 数据库"},
		{"restore of another SQLite database", []string{"restore", "--db", filepath.Join(dir, "r2.db"), other}, "不是完好的 duban 数据库"},
		{"restore of a newer schema", []string{"restore", "--db", filepath.Join(dir, "r3.db"), newer}, "更新版本"},
		{"restore of a missing file", []string{"restore", "--db", filepath.Join(dir, "r4.db"), filepath.Join(dir, "nosuch.db")}, "不存在"},
		{"restore onto PostgreSQL", []string{"restore", "--db", "postgres://duban@127.0.0.1:1/duban", bak}, "pg_restore"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out := runDuban(t, dir, env, c.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s", code, out)
			}
			oneErrorLine(t, out, c.want)
		})
	}
	for _, f := range []string{"x.db", "y.db", "r1.db", "r2.db", "r3.db", "r4.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("a refused command left %s behind", f)
		}
	}
	// The database in use is untouched; once stopped, --force replaces it.
	if n, err := st.CountUsers(context.Background()); err != nil || n != 0 {
		t.Errorf("database in use after a refused restore: %d users, %v", n, err)
	}
	st.Close()
	if code, out := runDuban(t, dir, env, "restore", "--force", "--db", live, bak); code != 0 {
		t.Errorf("restore --force onto a stopped database: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(live + "-wal"); err == nil {
		t.Errorf("the replaced database's WAL is still beside the restored one")
	}
}
