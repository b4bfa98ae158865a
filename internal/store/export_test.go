package store

import "context"

// ExecForTest runs a raw statement on the write connection.
func (s *Store) ExecForTest(ctx context.Context, stmt string) error {
	_, err := s.w.ExecContext(ctx, stmt)
	return err
}
