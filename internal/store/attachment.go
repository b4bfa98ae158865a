package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/ledger"
)

// MaxAttachment bounds one attachment of a report.
const MaxAttachment = 20 << 20

// MaxAttachments bounds how many files one report holds.
const MaxAttachments = 20

// AttachmentInfo is an attachment without its content.
type AttachmentInfo struct {
	ID          int64
	ReportID    int64
	UnitID      int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
}

// attachmentKinds are the files a report may carry, told by their content
// (the name's extension only chooses among formats that share a container).
var attachmentKinds = map[string]string{
	".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".doc":  "application/msword", ".xls": "application/vnd.ms-excel", ".zip": "application/zip", ".txt": "text/plain; charset=utf-8",
	".wps": "application/vnd.ms-works", ".ofd": "application/ofd",
}

// AttachmentType is the content type an uploaded file is stored and served
// with, or a reason in Chinese why it is refused: the bytes must be what
// the name says.
func AttachmentType(name string, data []byte) (string, string) {
	ext := strings.ToLower(path.Ext(name))
	want, ok := attachmentKinds[ext]
	if !ok {
		return "", "只能上传 PDF、图片（PNG/JPG/GIF）、Word、Excel、PowerPoint、WPS、OFD、ZIP 或文本文件。"
	}
	sniffed := http.DetectContentType(data)
	var fits bool
	switch ext {
	case ".docx", ".xlsx", ".pptx", ".zip", ".ofd":
		fits = bytes.HasPrefix(data, []byte("PK\x03\x04"))
	case ".doc", ".xls", ".wps":
		fits = bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	case ".txt":
		fits = utf8.Valid(data) && strings.HasPrefix(sniffed, "text/plain")
	default:
		fits = sniffed == want
	}
	if !fits {
		return "", fmt.Sprintf("文件“%s”的内容与扩展名不符，请检查后重新上传。", name)
	}
	return want, ""
}

func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 100 {
		r := []rune(name)
		name = string(r[len(r)-100:])
	}
	if name == "" || name == "." || name == "/" {
		name = "附件"
	}
	return name
}

// AddAttachment stores a file in a report that is still being written, by
// the owner or a contributor of the task.
func (s *Store) AddAttachment(ctx context.Context, reportID, unitID int64, name string, data []byte, by Actor) (int64, error) {
	if len(data) == 0 {
		return 0, &InputError{Msg: "文件是空的。"}
	}
	if len(data) > MaxAttachment {
		return 0, &InputError{Msg: fmt.Sprintf("单个附件不能超过 %d MB。", MaxAttachment>>20)}
	}
	name = cleanFileName(name)
	ctype, problem := AttachmentType(name, data)
	if problem != "" {
		return 0, &InputError{Msg: problem}
	}
	sum := sha256.Sum256(data)
	var id int64
	err := s.tx(ctx, func(x q) error {
		r, err := reportByID(ctx, x, reportID)
		if err != nil {
			return err
		}
		role, err := unitReportRole(ctx, x, r.TaskID, unitID)
		if err != nil {
			return err
		}
		if role == NoReportRole || (role == ReportOwner && r.UnitID != unitID) {
			return notFound("报告", reportID)
		}
		if r.State == ledger.Submitted || r.State == ledger.Accepted {
			return errNotEditable
		}
		var n int
		if err := x.row(ctx, "SELECT COUNT(*) FROM attachments WHERE report_id = ?", reportID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxAttachments {
			return &InputError{Msg: fmt.Sprintf("一份报告最多 %d 个附件。", MaxAttachments)}
		}
		now := s.now()
		id, err = x.insert(ctx, `INSERT INTO attachments (report_id, unit_id, name, content_type, size, sha256, data, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, reportID, unitID, name, ctype, len(data), hex.EncodeToString(sum[:]), data, unix(now), nullID(by.UserID))
		if err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityReport, reportID, ActionAttach, nil, map[string]any{"attachment": id, "name": name, "size": len(data)})
	})
	return id, err
}

// Attachments lists a report's files.
func (s *Store) Attachments(ctx context.Context, reportID int64) ([]AttachmentInfo, error) {
	var out []AttachmentInfo
	err := eachRow(ctx, s.r(), `SELECT id, report_id, unit_id, name, content_type, size, sha256, created_at FROM attachments
		WHERE report_id = ? ORDER BY id`, []any{reportID}, func(sc func(...any) error) error {
		var a AttachmentInfo
		var at int64
		err := sc(&a.ID, &a.ReportID, &a.UnitID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &at)
		a.CreatedAt = fromUnix(at)
		out = append(out, a)
		return err
	})
	return out, err
}

// Attachment is one file with its content; the caller checks who may read
// the report it belongs to.
func (s *Store) Attachment(ctx context.Context, id int64) (AttachmentInfo, []byte, error) {
	var a AttachmentInfo
	var data []byte
	var at int64
	err := s.r().row(ctx, `SELECT id, report_id, unit_id, name, content_type, size, sha256, created_at, data FROM attachments WHERE id = ?`, id).
		Scan(&a.ID, &a.ReportID, &a.UnitID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &at, &data)
	a.CreatedAt = fromUnix(at)
	return a, data, noRows(err, "附件", id)
}

// DeleteAttachment removes a file its unit added, while the report is
// still being written.
func (s *Store) DeleteAttachment(ctx context.Context, id, unitID int64, by Actor) (reportID int64, err error) {
	err = s.tx(ctx, func(x q) error {
		var owner int64
		var name string
		if err := x.row(ctx, "SELECT report_id, unit_id, name FROM attachments WHERE id = ?", id).Scan(&reportID, &owner, &name); err != nil {
			return noRows(err, "附件", id)
		}
		if owner != unitID {
			return notFound("附件", id)
		}
		r, err := reportByID(ctx, x, reportID)
		if err != nil {
			return err
		}
		if !slices.Contains([]ledger.State{ledger.Draft, ledger.Returned}, r.State) {
			return errNotEditable
		}
		if _, err := x.exec(ctx, "DELETE FROM attachments WHERE id = ?", id); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityReport, reportID, ActionDelete, map[string]any{"attachment": id, "name": name}, nil)
	})
	return reportID, err
}
