package store

import (
	"context"
	"fmt"
)

// SetSessionFlash keeps a sealed message for the session's next page.
func (s *Store) SetSessionFlash(ctx context.Context, tokenHash, sealed string) error {
	res, err := s.w.ExecContext(ctx, s.d.rebind("UPDATE sessions SET flash = ? WHERE token_hash = ?"), sealed, tokenHash)
	if err != nil {
		return fmt.Errorf("set flash: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("session", "")
	}
	return nil
}

// TakeSessionFlash returns the session's sealed message, "" if none, and
// clears it, so that it is shown once.
func (s *Store) TakeSessionFlash(ctx context.Context, tokenHash string) (string, error) {
	var sealed string
	err := s.tx(ctx, func(x q) error {
		if err := x.row(ctx, "SELECT flash FROM sessions WHERE token_hash = ?", tokenHash).Scan(&sealed); err != nil {
			return noRows(err, "session", "")
		}
		if sealed == "" {
			return nil
		}
		_, err := x.exec(ctx, "UPDATE sessions SET flash = '' WHERE token_hash = ?", tokenHash)
		return err
	})
	return sealed, err
}
