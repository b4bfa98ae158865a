package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// MarkDemo records that the database is a demo's. It may become one only
// while it is empty (no account, no notice); one created as a demo stays
// one. Anything else is ErrNotDemo.
func (s *Store) MarkDemo(ctx context.Context) error {
	return s.tx(ctx, func(x q) error {
		var v string
		err := x.row(ctx, "SELECT value FROM settings WHERE name = 'demo'").Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read settings: %w", err)
		}
		var users, notices int
		if err := x.row(ctx, "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM notices)").Scan(&users, &notices); err != nil {
			return fmt.Errorf("count users and notices: %w", err)
		}
		if users > 0 || notices > 0 {
			return fmt.Errorf("%d accounts, %d notices: %w", users, notices, ErrNotDemo)
		}
		// Two processes starting on one empty database may both get here.
		_, err = x.exec(ctx, "INSERT INTO settings (name, value) VALUES ('demo', '1') ON CONFLICT (name) DO NOTHING")
		return err
	})
}
