package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	msqlite "modernc.org/sqlite"
)

// Errors of backup and restore that the command line explains.
var (
	// ErrPostgres: PostgreSQL is backed up and restored with its own tools.
	ErrPostgres = errors.New("postgres: use pg_dump and pg_restore")
	// ErrExists: the file to write is already there.
	ErrExists = errors.New("file exists")
	// ErrInUse: a process has the database open.
	ErrInUse = errors.New("database in use")
	// ErrNotDuban: the file is not a duban database.
	ErrNotDuban = errors.New("not a duban database")
	// ErrNewerSchema: the file was written by a newer duban.
	ErrNewerSchema = errors.New("schema newer than this duban")
)

// Backup writes a consistent copy of a SQLite database to path while it
// stays in use: VACUUM INTO reads one snapshot, so writes that land
// meanwhile are either wholly in the copy or not at all. The copy is made
// beside path and only then linked into place, so path is never a half
// copy and an existing file is never overwritten.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.d.name() != "sqlite" {
		return ErrPostgres
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup to %s: %w", path, ErrExists)
	}
	tmp := partialName(path)
	defer os.Remove(tmp)
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return settle(tmp, path, false)
}

// partialName is where a copy is written before it is complete.
func partialName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
}

// settle syncs a finished copy and gives it its name: a hard link, which
// fails if the name is taken, or with replace a rename over it.
func settle(tmp, path string, replace bool) error {
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return err
	}
	if replace {
		return os.Rename(tmp, path)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
		return err
	}
	return nil
}

// BackupInfo describes a backup file.
type BackupInfo struct {
	Version int // schema version
	Users   int
	Notices int
	Tasks   int
}

// CheckBackup opens a file read-only and checks it is an intact duban
// database this duban can run (it may be older: migrations bring it up
// to date on the next start).
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	db, err := openReadOnly(path)
	if err != nil {
		return info, err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return info, fmt.Errorf("%s: %w (%v)", path, ErrNotDuban, err)
	}
	if check != "ok" {
		return info, fmt.Errorf("%s: %w (damaged: %s)", path, ErrNotDuban, check)
	}
	for _, c := range []struct {
		q string
		v *int
	}{
		{"SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &info.Version},
		{"SELECT COUNT(*) FROM users", &info.Users},
		{"SELECT COUNT(*) FROM notices", &info.Notices},
		{"SELECT COUNT(*) FROM tasks", &info.Tasks},
		{"SELECT COUNT(*) FROM audit", new(int)},
	} {
		if err := db.QueryRowContext(ctx, c.q).Scan(c.v); err != nil {
			return info, fmt.Errorf("%s: %w (%v)", path, ErrNotDuban, err)
		}
	}
	if info.Version == 0 {
		return info, fmt.Errorf("%s: %w (no schema version)", path, ErrNotDuban)
	}
	ms, err := migrations(sqlite{}, dataSteps)
	if err != nil {
		return info, err
	}
	if latest := ms[len(ms)-1].version; info.Version > latest {
		return info, fmt.Errorf("%s: schema %d, this duban knows %d: %w", path, info.Version, latest, ErrNewerSchema)
	}
	return info, nil
}

func openReadOnly(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Restore copies the backup at from to the SQLite database at to, after
// checking it with CheckBackup. An existing database is replaced only with
// replace, and never while a process (a running `duban serve`) has it
// open.
func Restore(ctx context.Context, from, to string, replace bool) (BackupInfo, error) {
	if IsPostgres(to) {
		return BackupInfo{}, ErrPostgres
	}
	to = strings.TrimPrefix(to, "sqlite:")
	info, err := CheckBackup(ctx, from)
	if err != nil {
		return info, err
	}
	exists := false
	if _, err := os.Lstat(to); err == nil {
		if !replace {
			return info, fmt.Errorf("%s: %w", to, ErrExists)
		}
		exists = true
		if err := notInUse(ctx, to); err != nil {
			return info, err
		}
	}
	src, err := openReadOnly(from)
	if err != nil {
		return info, err
	}
	defer src.Close()
	tmp := partialName(to)
	os.Remove(tmp)
	defer os.Remove(tmp)
	if _, err := src.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return info, fmt.Errorf("restore %s: %w", from, err)
	}
	// The journal of the database replaced, or of an older one, must not
	// be replayed onto the restored file.
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return info, err
		}
	}
	return info, settle(tmp, to, exists)
}

// notInUse checks that no connection has the SQLite database at path
// open: every open connection of a running duban holds a shared lock,
// which an exclusive lock cannot pass.
func notInUse(ctx context.Context, path string) error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err == nil {
		defer c.Close()
		_, err = c.ExecContext(ctx, "BEGIN EXCLUSIVE")
	}
	var e *msqlite.Error
	if errors.As(err, &e) && e.Code()&0xff == 5 { // SQLITE_BUSY
		return fmt.Errorf("%s: %w", path, ErrInUse)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	_, err = c.ExecContext(ctx, "ROLLBACK")
	return err
}

// BackupFile backs up the SQLite database dsn to path without migrating
// it (a newer duban must not upgrade the schema under a running older
// one) and checks the copy.
func BackupFile(ctx context.Context, dsn, path string) (BackupInfo, error) {
	if IsPostgres(dsn) {
		return BackupInfo{}, ErrPostgres
	}
	if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err != nil {
		return BackupInfo{}, fmt.Errorf("database %s: %w", dsn, ErrNotFound)
	}
	s, err := open(dsn)
	if err != nil {
		return BackupInfo{}, err
	}
	defer s.Close()
	if err := s.Backup(ctx, path); err != nil {
		return BackupInfo{}, err
	}
	return CheckBackup(ctx, path)
}
