package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Draft is a parsed notice awaiting the office's check before import; it
// lives in the database so that any duban process can show it.
type Draft struct {
	ID         int64
	UserID     int64
	SourceName string
	Notice     *notice.Notice
	// Typed are the unit names the office typed in the review that the
	// parsed notice did not hold; they are checked before the import.
	Typed []string
	// Jurisdiction is the issuing government the office confirmed or
	// picked (a division code); "" follows the issuer.
	Jurisdiction string
	CreatedAt    time.Time
}

// SaveDraft stores a new draft for userID. A draft holds the notice as it
// will be imported: the rows of its attached tables are folded into its
// tasks (notice.FoldAnnex), so that the office checks them like any task.
func (s *Store) SaveDraft(ctx context.Context, userID int64, source string, n *notice.Notice) (int64, error) {
	n.FoldAnnex()
	b, err := json.Marshal(n)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.tx(ctx, func(x q) error {
		// Drafts older than a week were abandoned.
		if _, err := x.exec(ctx, "DELETE FROM drafts WHERE created_at < ?", unix(s.now().Add(-7*24*time.Hour))); err != nil {
			return err
		}
		id, err = x.insert(ctx, "INSERT INTO drafts (user_id, source_name, notice, created_at) VALUES (?, ?, ?, ?)",
			userID, source, string(b), unix(s.now()))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("save draft: %w", err)
	}
	return id, nil
}

// Draft returns userID's draft id.
func (s *Store) Draft(ctx context.Context, id, userID int64) (*Draft, error) {
	d := Draft{ID: id, UserID: userID}
	var b, typed string
	var created int64
	err := s.r().row(ctx, "SELECT source_name, notice, typed_units, jurisdiction, created_at FROM drafts WHERE id = ? AND user_id = ?", id, userID).
		Scan(&d.SourceName, &b, &typed, &d.Jurisdiction, &created)
	if err := noRows(err, "draft", id); err != nil {
		return nil, err
	}
	d.CreatedAt = fromUnix(created)
	if err := errors.Join(json.Unmarshal([]byte(b), &d.Notice), json.Unmarshal([]byte(typed), &d.Typed)); err != nil {
		return nil, fmt.Errorf("draft %d: %w", id, err)
	}
	d.Notice.FoldAnnex() // a draft saved before annex rows became tasks
	return &d, nil
}

// UpdateDraft saves the office's corrections to a draft: its notice and the
// unit names typed.
func (s *Store) UpdateDraft(ctx context.Context, d *Draft) error {
	id := d.ID
	if err := ledger.CheckNotice(d.Notice); err != nil {
		return fmt.Errorf("update draft %d: %w", id, err)
	}
	b, err := json.Marshal(d.Notice)
	if err != nil {
		return err
	}
	typed, err := json.Marshal(nonNil(d.Typed))
	if err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, s.d.rebind("UPDATE drafts SET notice = ?, typed_units = ?, jurisdiction = ? WHERE id = ? AND user_id = ?"),
		string(b), string(typed), d.Jurisdiction, id, d.UserID)
	if err != nil {
		return fmt.Errorf("update draft %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("draft", id)
	}
	return nil
}

// ImportDraft imports a draft (in one transaction) and then removes it; a
// draft left behind by a crash in between is harmless and expires.
func (s *Store) ImportDraft(ctx context.Context, d *Draft, by Actor) (int64, error) {
	id, err := s.ImportNoticeIn(ctx, d.Notice, d.SourceName, d.Jurisdiction, by)
	if err != nil {
		return 0, err
	}
	_, err = s.w.ExecContext(ctx, s.d.rebind("DELETE FROM drafts WHERE id = ?"), d.ID)
	return id, err
}

// DeleteDraft discards userID's draft.
func (s *Store) DeleteDraft(ctx context.Context, id, userID int64) error {
	_, err := s.w.ExecContext(ctx, s.d.rebind("DELETE FROM drafts WHERE id = ? AND user_id = ?"), id, userID)
	return err
}
