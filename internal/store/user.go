package store

import (
	"context"
	"database/sql"
	"duban/internal/ledger"
	"fmt"
	"time"
)

// Role is what an account may do.
type Role string

const (
	RoleAdmin  Role = "admin"  // accounts and everything the office does
	RoleOffice Role = "office" // the supervision office (督查室)
	RoleUnit   Role = "unit"   // a unit's reporter: its own assignments only
	RoleLeader Role = "leader" // a responsible leader: the tasks under them
	RoleViewer Role = "viewer" // reads everything, changes nothing
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleOffice, RoleUnit, RoleLeader, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID           int64
	Login        string
	Name         string
	Role         Role
	UnitID       int64  // RoleUnit: the unit it reports for
	UnitName     string // filled when UnitID is set
	Leader       string // RoleLeader: the leader's name as notices print it
	PasswordHash string
	// LockedUntil is the end of the latest lock on the account's logins,
	// from any address (see ClaimLogin).
	LockedUntil time.Time
	// Disabled accounts cannot log in, and their sessions and tokens do
	// not work.
	Disabled  bool
	CreatedAt time.Time
}

// CanEdit reports whether u may change the ledger.
func (u *User) CanEdit() bool { return u.Role == RoleAdmin || u.Role == RoleOffice }

// Scope is what u may see.
func (u *User) Scope() ledger.Scope {
	switch u.Role {
	case RoleUnit:
		return ledger.Scope{UnitID: u.UnitID}
	case RoleLeader:
		return ledger.Scope{Leader: u.Leader, ByLeader: true}
	}
	return ledger.Scope{}
}

const userCols = `u.id, u.login, u.name, u.role, COALESCE(u.unit_id, 0), COALESCE(un.name, ''), u.leader,
	u.password_hash, COALESCE((SELECT MAX(lf.locked_until) FROM login_failures lf WHERE lf.login = u.login), 0),
	u.disabled, u.created_at`

const userFrom = ` FROM users u LEFT JOIN units un ON un.id = u.unit_id `

func scanUser(sc interface{ Scan(...any) error }) (*User, error) {
	var u User
	var locked, created int64
	var disabled int
	err := sc.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.UnitID, &u.UnitName, &u.Leader,
		&u.PasswordHash, &locked, &disabled, &created)
	if err != nil {
		return nil, err
	}
	u.LockedUntil, u.CreatedAt, u.Disabled = fromUnix(locked), fromUnix(created), disabled != 0
	return &u, nil
}

// NewUser is an account to create; PasswordHash is already hashed.
type NewUser struct {
	Login, Name  string
	Role         Role
	UnitID       int64
	Leader       string
	PasswordHash string
}

// CreateUser adds an account; a login already taken is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (int64, error) {
	var id int64
	err := s.tx(ctx, func(x q) error {
		var err error
		id, err = createUser(ctx, x, s.d, n, s.now())
		return err
	})
	return id, err
}

func createUser(ctx context.Context, x q, d dialect, n NewUser, now time.Time) (int64, error) {
	if !n.Role.Valid() {
		return 0, fmt.Errorf("create user %s: unknown role %q", n.Login, n.Role)
	}
	if n.Role == RoleLeader {
		// A leader account sees the tasks under its name; a name no task
		// has (a typo, another writing) would show it nothing at all.
		var k int
		err := x.row(ctx, "SELECT COUNT(*) FROM task_leaders WHERE name = ?", n.Leader).Scan(&k)
		if err != nil {
			return 0, fmt.Errorf("create user %s: %w", n.Login, err)
		}
		if k == 0 {
			return 0, fmt.Errorf("create user %s: leader %q: %w", n.Login, n.Leader, ErrUnknownLeader)
		}
	}
	var unit any
	if n.UnitID != 0 {
		unit = n.UnitID
	}
	id, err := x.insert(ctx, `INSERT INTO users (login, name, role, unit_id, leader, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, n.Login, n.Name, n.Role, unit, n.Leader, n.PasswordHash, unix(now))
	if d.isUnique(err) {
		return 0, fmt.Errorf("create user %s: %w", n.Login, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("create user %s: %w", n.Login, err)
	}
	return id, nil
}

// User returns the account with id.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.r().row(ctx, "SELECT "+userCols+userFrom+"WHERE u.id = ?", id))
	return u, noRows(err, "user", id)
}

// UserByLogin returns the account with login.
func (s *Store) UserByLogin(ctx context.Context, login string) (*User, error) {
	u, err := scanUser(s.r().row(ctx, "SELECT "+userCols+userFrom+"WHERE u.login = ?", login))
	return u, noRows(err, "user", login)
}

// Users lists every account by role then login.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.r().query(ctx, "SELECT "+userCols+userFrom+`ORDER BY CASE u.role
		WHEN 'admin' THEN 0 WHEN 'office' THEN 1 WHEN 'leader' THEN 2 WHEN 'viewer' THEN 3 ELSE 4 END, u.login`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers is the number of accounts; zero means a new database.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.r().row(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}

// SetPassword replaces a password hash, clears any lockout, ends every
// other session of the account (keep is the one to spare, or "") and
// revokes its API tokens: a token must not outlive the password that was
// in force when it was issued.
func (s *Store) SetPassword(ctx context.Context, id int64, hash, keep string) error {
	return s.tx(ctx, func(x q) error {
		res, err := x.exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, id)
		if err != nil {
			return fmt.Errorf("set password %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("user", id)
		}
		if _, err := x.exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", id, keep); err != nil {
			return fmt.Errorf("set password %d: %w", id, err)
		}
		for _, del := range []string{
			"DELETE FROM api_tokens WHERE user_id = ?",
			"DELETE FROM login_failures WHERE login = (SELECT login FROM users WHERE id = ?)",
		} {
			if _, err := x.exec(ctx, del, id); err != nil {
				return fmt.Errorf("set password %d: %w", id, err)
			}
		}
		return nil
	})
}

// Unlock lifts every lock on the account's logins.
func (s *Store) Unlock(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind("DELETE FROM login_failures WHERE login = (SELECT login FROM users WHERE id = ?)"), id)
	if err != nil {
		return fmt.Errorf("unlock %d: %w", id, err)
	}
	return nil
}

// SetDisabled disables or enables an account. Disabling ends its sessions
// at once; its tokens stay, unusable, until it is enabled or they are
// revoked.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	v := 0
	if disabled {
		v = 1
	}
	return s.tx(ctx, func(x q) error {
		res, err := x.exec(ctx, "UPDATE users SET disabled = ? WHERE id = ?", v, id)
		if err != nil {
			return fmt.Errorf("disable user %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("user", id)
		}
		if disabled {
			_, err = x.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
		}
		return err
	})
}

// Session is a logged-in browser.
type Session struct {
	User      *User
	TokenHash string
	ExpiresAt time.Time
}

// CreateSession stores a session; the token itself is never stored.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		VALUES (?, ?, ?, ?)`), tokenHash, userID, unix(s.now()), unix(expires))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser returns the account of a live session.
func (s *Store) SessionUser(ctx context.Context, tokenHash string) (*User, error) {
	u, err := scanUser(s.r().row(ctx, "SELECT "+userCols+userFrom+
		"JOIN sessions se ON se.user_id = u.id WHERE se.token_hash = ? AND se.expires_at > ? AND u.disabled = 0", tokenHash, unix(s.now())))
	return u, noRows(err, "session", "")
}

// DeleteSession logs a session out.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind("DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?"), tokenHash, unix(s.now()))
	return err
}

// APIToken is a bearer token issued to an account, shown once.
type APIToken struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time
}

// CreateAPIToken stores the hash of a new token for userID.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name, tokenHash string) (int64, error) {
	var id int64
	err := s.tx(ctx, func(x q) error {
		var err error
		id, err = x.insert(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
			userID, name, tokenHash, unix(s.now()))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create token: %w", err)
	}
	return id, nil
}

// APITokens lists an account's tokens.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.r().query(ctx, "SELECT id, name, created_at, last_used FROM api_tokens WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var c, l int64
		if err := rows.Scan(&t.ID, &t.Name, &c, &l); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsed = fromUnix(c), fromUnix(l)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteAPIToken revokes one of userID's tokens.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res, err := s.w.ExecContext(ctx, s.d.rebind("DELETE FROM api_tokens WHERE id = ? AND user_id = ?"), id, userID)
	if err != nil {
		return fmt.Errorf("delete token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("token", id)
	}
	return nil
}

// APITokenUser returns the account a token was issued to, and notes its use.
func (s *Store) APITokenUser(ctx context.Context, tokenHash string) (*User, error) {
	u, err := scanUser(s.r().row(ctx, "SELECT "+userCols+userFrom+
		"JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = ? AND u.disabled = 0", tokenHash))
	if err := noRows(err, "token", ""); err != nil {
		return nil, err
	}
	// Only note use once a minute: a busy integration must not turn every
	// read into a write.
	now := unix(s.now())
	_, err = s.w.ExecContext(ctx, s.d.rebind("UPDATE api_tokens SET last_used = ? WHERE token_hash = ? AND last_used < ?"),
		now, tokenHash, now-60)
	return u, err
}

var _ = sql.ErrNoRows
