package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"duban/internal/notice"
)

// NoticeHeader is what the office edits of a notice after import: its
// title and the fields of its header.
type NoticeHeader struct {
	Title     string      `json:"title"`
	Issuer    string      `json:"issuer"`
	DocNumber string      `json:"doc_number"`
	Year      int         `json:"year"`
	IssuedOn  notice.Date `json:"issued_on"`
}

// Header is the notice's editable fields.
func (n *NoticeInfo) Header() NoticeHeader {
	return NoticeHeader{Title: n.Title, Issuer: n.Issuer, DocNumber: n.DocNumber, Year: n.Year, IssuedOn: n.IssuedOn}
}

// NoticeStaleError is an edit of a notice's header based on a version
// someone else has since changed; it wraps ErrStale.
type NoticeStaleError struct {
	Current *NoticeInfo
	By      string
	At      time.Time
}

func (e *NoticeStaleError) Error() string {
	return staleMessage("通知", e.By, e.At, e.Current.Version)
}

func (e *NoticeStaleError) Unwrap() error { return ErrStale }

// UpdateNoticeHeader saves the office's edit of a notice's title and header
// if the notice is still at version, with an audit entry. Giving it the doc
// number of another notice of the same issuer is a *DuplicateError.
func (s *Store) UpdateNoticeHeader(ctx context.Context, id int64, version int, h NoticeHeader, by Actor) (*NoticeInfo, error) {
	docKey, _ := fingerprints(&notice.Notice{Issuer: h.Issuer, DocNumber: h.DocNumber})
	var out *NoticeInfo
	err := s.tx(ctx, func(x q) error {
		cur, err := noticeInfo(ctx, x, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			se := &NoticeStaleError{Current: cur}
			var at int64
			if err := x.row(ctx, `SELECT user_name, created_at FROM audit WHERE entity = ? AND entity_id = ?
				ORDER BY id DESC LIMIT 1`, EntityNotice, id).Scan(&se.By, &at); err == nil {
				se.At = fromUnix(at)
			}
			return se
		}
		var other int64
		err = x.row(ctx, "SELECT id FROM notices WHERE doc_key = ? AND id <> ?", docKey, id).Scan(&other)
		if err == nil {
			info, err := noticeInfo(ctx, x, other)
			if err != nil {
				return err
			}
			return &DuplicateError{*info}
		}
		if err := noRows(err, "notice", ""); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		now := s.now()
		res, err := x.exec(ctx, `UPDATE notices SET title = ?, issuer = ?, doc_number = ?, year = ?, issued_on = ?, doc_key = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			h.Title, h.Issuer, h.DocNumber, h.Year, h.IssuedOn.String(), docKey, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &NoticeStaleError{Current: cur}
		}
		if out, err = noticeInfo(ctx, x, id); err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityNotice, id, ActionUpdate, cur.Header(), out.Header())
	})
	if err != nil {
		return nil, s.inZone(fmt.Errorf("update notice %d: %w", id, err))
	}
	return out, nil
}
