package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/notice"
)

// CircularSettings are the office's: the head every draft starts with and
// the printed layout.
type CircularSettings struct {
	Head   circular.Head   `json:"head"`
	Layout circular.Layout `json:"layout"`
	Saved  bool            `json:"-"` // the office has set them (else defaults)
}

// CircularSettings reads the office's settings, defaults where none are set.
func (s *Store) CircularSettings(ctx context.Context) (CircularSettings, error) {
	cs := CircularSettings{Head: circular.DefaultHead(), Layout: circular.DefaultLayout()}
	var v string
	err := s.r().row(ctx, "SELECT value FROM settings WHERE name = 'circular'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return cs, nil
	}
	if err != nil {
		return cs, err
	}
	cs.Saved = true
	return cs, json.Unmarshal([]byte(v), &cs)
}

// SetCircularSettings stores the office's settings.
func (s *Store) SetCircularSettings(ctx context.Context, cs CircularSettings, by Actor) error {
	if msg := cs.Layout.Problem(); msg != "" {
		return &InputError{Msg: msg}
	}
	for _, f := range []struct{ name, v string }{{"发文机关标志", cs.Head.Issuer}, {"发文机关署名", cs.Head.Signer}, {"机关代字", cs.Head.Prefix},
		{"主送", cs.Head.MainTo}, {"抄送", cs.Head.CopyTo}, {"印发机关", cs.Head.PrintedBy}} {
		if utf8.RuneCountInString(f.v) > 500 {
			return &InputError{Msg: fmt.Sprintf("“%s”不能超过 500 个字符。", f.name)}
		}
	}
	if strings.TrimSpace(cs.Head.Prefix) == "" {
		return &InputError{Msg: "请填写机关代字，发文字号由它和年份、序号组成。"}
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(x q) error {
		before, _ := s.CircularSettings(ctx)
		if _, err := x.exec(ctx, "INSERT INTO settings (name, value) VALUES ('circular', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", string(b)); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityCircular, 0, ActionUpdate, before, cs)
	})
}

// CircularFacts are the figures of a notice for a period as of today: the
// overview's counts (the same rules), each owner unit's tally in the
// ranking rule's order, and the lagging and overdue tasks with the
// problems their units reported.
func (s *Store) CircularFacts(ctx context.Context, noticeID, periodID int64) (*circular.Facts, error) {
	f, _, o, err := s.facts(ctx, noticeID, periodID, ledger.Scope{})
	if err == nil && o.Period == nil {
		return nil, &InputError{Msg: "这份通知还没有报送期，无法起草通报。"}
	}
	return f, err
}

// facts are CircularFacts over the tasks sc sees, with the tasks and the
// overview they were counted from; without a period, only the lights.
func (s *Store) facts(ctx context.Context, noticeID, periodID int64, sc ledger.Scope) (*circular.Facts, []*ledger.Task, *Overview, error) {
	n, err := s.Notice(ctx, noticeID, sc)
	if err != nil {
		return nil, nil, nil, err
	}
	o, ts, err := s.overview(ctx, noticeID, periodID, sc)
	if err != nil {
		return nil, nil, nil, err
	}
	if o.Period == nil {
		f := &circular.Facts{NoticeID: n.ID, NoticeTitle: n.Name(), Year: n.Year, AsOf: s.today()}
		for _, t := range ts {
			f.Count(t.Light.State)
		}
		return f, ts, o, nil
	}
	p := o.Period
	f := &circular.Facts{NoticeID: n.ID, NoticeTitle: n.Name(), NoticeDocNumber: n.DocNumber, Year: cmp.Or(n.Year, p.Due.Y),
		PeriodID: p.ID, PeriodLabel: p.Label, PeriodKind: p.Kind, PeriodDue: p.Due, AsOf: s.today()}
	for _, t := range ts {
		f.Count(t.Light.State)
	}
	f.Due, f.Late, f.Returned, f.Missing, f.Accepted = o.States[ReportOwed], o.States[ReportLate], o.States[ReportReturned], o.States[ReportMissing], o.States[ReportAccepted]
	f.OnTime = o.States[ReportSubmitted] + o.States[ReportAccepted] - o.States[ReportLate]
	for _, r := range o.Units {
		u := circular.Unit{UnitID: r.UnitID, Name: r.Name}
		u.Tasks, u.Due, u.OnTime, u.Late, u.Returned, u.Missing, u.Accepted = r.Tasks, r.Due, r.OnTime, r.Late, r.Returned, r.Missing, r.Accepted
		u.Closed, u.Ahead, u.OnPace, u.Lagging, u.Overdue = r.Lights[ledger.LightClosed], r.Lights[ledger.LightAhead], r.Lights[ledger.LightOnPace], r.Lights[ledger.LightLagging], r.Lights[ledger.LightOverdue]
		u.NotStarted = u.Tasks - u.Closed - u.Ahead - u.OnPace - u.Lagging - u.Overdue
		f.Units = append(f.Units, u)
	}
	circular.Rank(f.Units)
	for _, t := range ts {
		if t.Light.State != ledger.LightLagging && t.Light.State != ledger.LightOverdue {
			continue
		}
		owners, _ := ledger.Owners(t.Assignments)
		var us []string
		for _, a := range owners {
			us = append(us, a.Label)
		}
		l := circular.Lagged{TaskID: t.ID, Number: t.Name(), Title: t.Text, Units: strings.Join(us, "、"), Light: t.Light.State, Reason: t.Light.Reason}
		// The problem the unit itself reported: this period's, else its latest.
		err := s.r().row(ctx, `SELECT r.problems FROM reports r JOIN periods p ON p.id = r.period_id
			WHERE r.task_id = ? AND r.state <> 'draft' AND r.problems <> '' AND p.due_on <= ?
			ORDER BY p.due_on DESC, r.unit_id LIMIT 1`, t.ID, p.Due.String()).Scan(&l.Problem)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, nil, err
		}
		f.Problems = append(f.Problems, l)
	}
	// Overdue first: they are the worse.
	slices.SortStableFunc(f.Problems, func(a, b circular.Lagged) int {
		return cmp.Compare(boolInt(a.Light != ledger.LightOverdue), boolInt(b.Light != ledger.LightOverdue))
	})
	return f, ts, o, nil
}

const circularCols = `id, notice_id, period_id, state, doc_json, facts_json, version, created_at, updated_at, issued_at, issued_by, withdrawn_at, withdraw_reason`

func scanCircular(sc interface{ Scan(...any) error }) (*circular.Circular, error) {
	var c circular.Circular
	var doc, facts string
	var created, updated, issued, withdrawn int64
	if err := sc.Scan(&c.ID, &c.NoticeID, &c.PeriodID, &c.State, &doc, &facts, &c.Version, &created, &updated, &issued, &c.IssuedBy, &withdrawn, &c.WithdrawReason); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(doc), &c.Doc); err != nil {
		return nil, fmt.Errorf("circular %d: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(facts), &c.Facts); err != nil {
		return nil, fmt.Errorf("circular %d: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = fromUnix(created), fromUnix(updated)
	if issued != 0 {
		c.IssuedAt = fromUnix(issued)
	}
	if withdrawn != 0 {
		c.WithdrawnAt = fromUnix(withdrawn)
	}
	return &c, nil
}

func circularByID(ctx context.Context, x q, id int64) (*circular.Circular, error) {
	c, err := scanCircular(x.row(ctx, "SELECT "+circularCols+" FROM circulars WHERE id = ?", id))
	return c, noRows(err, "通报", id)
}

// Circular is one circular.
func (s *Store) Circular(ctx context.Context, id int64) (*circular.Circular, error) {
	return circularByID(ctx, s.r(), id)
}

// CircularFilter picks circulars: of a notice, naming a unit (and then
// only issued or withdrawn ones: a unit never sees a draft), without drafts.
type CircularFilter struct {
	NoticeID  int64
	UnitID    int64
	NoDrafts  bool
	NoticeIDs []int64 // when set, only these notices' (a leader's scope)
}

// Circulars lists circulars, newest first.
func (s *Store) Circulars(ctx context.Context, f CircularFilter) ([]*circular.Circular, error) {
	w := where{}
	if f.NoticeID != 0 {
		w.add("notice_id = ?", f.NoticeID)
	}
	if f.UnitID != 0 {
		w.add("id IN (SELECT circular_id FROM circular_units WHERE unit_id = ?)", f.UnitID)
		f.NoDrafts = true
	}
	if f.NoDrafts {
		w.add("state <> 'draft'")
	}
	if f.NoticeIDs != nil {
		if len(f.NoticeIDs) == 0 {
			return nil, nil
		}
		args := make([]any, len(f.NoticeIDs))
		for i, id := range f.NoticeIDs {
			args[i] = id
		}
		w.add("notice_id IN ("+placeholders(len(args))+")", args...)
	}
	var out []*circular.Circular
	err := eachRow(ctx, s.r(), "SELECT "+circularCols+" FROM circulars WHERE "+w.sql()+" ORDER BY id DESC LIMIT 500", w.args,
		func(sc func(...any) error) error {
			c, err := scanCircular(scanFunc(sc))
			out = append(out, c)
			return err
		})
	return out, err
}

// CircularNames reports whether an issued circular names unitID.
func (s *Store) CircularNames(ctx context.Context, id, unitID int64) (bool, error) {
	var n int
	err := s.r().row(ctx, "SELECT COUNT(*) FROM circular_units WHERE circular_id = ? AND unit_id = ?", id, unitID).Scan(&n)
	return n > 0, err
}

func circularAudit(c *circular.Circular) map[string]any {
	return map[string]any{"notice": c.NoticeID, "period": c.PeriodID, "state": c.State, "title": c.Doc.Title,
		"doc_number": c.Doc.DocNumber, "date": c.Doc.Date, "main_to": c.Doc.MainTo, "copy_to": c.Doc.CopyTo, "reason": c.WithdrawReason}
}

func marshalCircular(c *circular.Circular) (doc, facts string, err error) {
	d, err := json.Marshal(c.Doc)
	if err != nil {
		return "", "", err
	}
	f, err := json.Marshal(c.Facts)
	return string(d), string(f), err
}

// PrepareCircular drafts a circular of a notice for a period from the
// figures as they stand now, with the office's head, today's date and the
// next doc number, without storing it.
func (s *Store) PrepareCircular(ctx context.Context, noticeID, periodID int64) (*circular.Circular, error) {
	f, err := s.CircularFacts(ctx, noticeID, periodID)
	if err != nil {
		return nil, err
	}
	cs, err := s.CircularSettings(ctx)
	if err != nil {
		return nil, err
	}
	h := cs.Head
	if !cs.Saved {
		// Until the office names itself, its government's supervision office.
		if n, err := s.Notice(ctx, noticeID, ledger.Scope{}); err == nil && n.JurName != "" {
			gov := n.JurName + "人民政府督查室"
			h.Issuer, h.Signer, h.PrintedBy = gov, gov, gov
		}
	}
	c := &circular.Circular{NoticeID: noticeID, PeriodID: f.PeriodID, State: circular.StateDraft, Facts: *f, Version: 1}
	c.Doc = *circular.Draft(f, h)
	today := s.today()
	c.Doc.Date = circular.ChineseDate(today)
	c.Doc.PrintedOn = c.Doc.Date + "印发"
	c.Doc.DocNumber, err = nextDocNumber(ctx, s.r(), cs.Head.Prefix, today.Y)
	return c, err
}

// DraftCircular stores a prepared draft for the office to edit and issue.
func (s *Store) DraftCircular(ctx context.Context, noticeID, periodID int64, by Actor) (*circular.Circular, error) {
	c, err := s.PrepareCircular(ctx, noticeID, periodID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.tx(ctx, func(x q) error {
		doc, facts, err := marshalCircular(c)
		if err != nil {
			return err
		}
		c.ID, err = x.insert(ctx, `INSERT INTO circulars (notice_id, period_id, state, title, doc_json, facts_json, created_at, updated_at)
			VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)`, noticeID, c.PeriodID, c.Doc.Title, doc, facts, unix(now), unix(now))
		if err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = now, now
		return writeAudit(ctx, x, now, by, EntityCircular, c.ID, ActionCreate, nil, circularAudit(c))
	})
	return c, err
}

// NextDocNumber proposes the doc number after the last one given with
// prefix in year.
func (s *Store) NextDocNumber(ctx context.Context, prefix string, year int) (string, error) {
	return nextDocNumber(ctx, s.r(), prefix, year)
}

func nextDocNumber(ctx context.Context, x q, prefix string, year int) (string, error) {
	var last int
	if err := x.row(ctx, "SELECT COALESCE(MAX(doc_seq), 0) FROM circulars WHERE doc_prefix = ? AND doc_year = ?", prefix, year).Scan(&last); err != nil {
		return "", err
	}
	return circular.DocNumber(prefix, year, last+1), nil
}

// CircularEdit is what the office changes in a draft: its head and foot
// fields and the body's text (BodyText's form; the tables stay).
type CircularEdit struct {
	Title, DocNumber, MainTo, Signer, CopyTo, PrintedBy, Issuer string
	Date                                                        notice.Date // 成文日期
	Body                                                        string
}

// EditOf is c's fields as the office edits them.
func EditOf(c *circular.Circular) CircularEdit {
	return CircularEdit{Title: c.Doc.Title, DocNumber: c.Doc.DocNumber, MainTo: c.Doc.MainTo, Signer: c.Doc.Signer, CopyTo: c.Doc.CopyTo,
		PrintedBy: c.Doc.PrintedBy, Issuer: c.Doc.Issuer, Body: circular.BodyText(c.Doc.Body)}
}

func editProblem(e *CircularEdit) string {
	for _, f := range []struct{ name, v string }{{"标题", e.Title}, {"发文字号", e.DocNumber}, {"主送", e.MainTo}, {"发文机关署名", e.Signer},
		{"抄送", e.CopyTo}, {"印发机关", e.PrintedBy}, {"发文机关标志", e.Issuer}} {
		if utf8.RuneCountInString(f.v) > 500 {
			return fmt.Sprintf("“%s”不能超过 500 个字符。", f.name)
		}
	}
	if strings.TrimSpace(e.Title) == "" {
		return "请填写标题。"
	}
	return ""
}

// SaveCircular saves the office's edit of a draft; an issued or withdrawn
// circular never changes.
func (s *Store) SaveCircular(ctx context.Context, id int64, version int, e CircularEdit, by Actor) (*circular.Circular, error) {
	if msg := editProblem(&e); msg != "" {
		return nil, &InputError{Msg: msg}
	}
	var out *circular.Circular
	err := s.tx(ctx, func(x q) error {
		c, err := circularByID(ctx, x, id)
		if err != nil {
			return err
		}
		if err := draftVersion(c, version); err != nil {
			return err
		}
		body, err := circular.ParseBody(e.Body, circular.Tables(c.Doc.Body))
		if err != nil {
			return &InputError{Msg: err.Error()}
		}
		c.Doc.Title, c.Doc.DocNumber, c.Doc.MainTo, c.Doc.Signer = strings.TrimSpace(e.Title), strings.TrimSpace(e.DocNumber), strings.TrimSpace(e.MainTo), strings.TrimSpace(e.Signer)
		c.Doc.CopyTo, c.Doc.PrintedBy, c.Doc.Issuer, c.Doc.Body = strings.TrimSpace(e.CopyTo), strings.TrimSpace(e.PrintedBy), strings.TrimSpace(e.Issuer), body
		if !e.Date.IsZero() {
			c.Doc.Date = circular.ChineseDate(e.Date)
			c.Doc.PrintedOn = c.Doc.Date + "印发"
		}
		out, err = s.rewriteCircular(ctx, x, c, by, ActionUpdate)
		return err
	})
	return out, err
}

func draftVersion(c *circular.Circular, version int) error {
	switch {
	case c.State != circular.StateDraft:
		return &InputError{Msg: fmt.Sprintf("这份通报%s，不能再修改。", circular.StateLabel(c.State)), Stale: true}
	case version != 0 && c.Version != version:
		return &InputError{Msg: "这份通报已被他人修改，请刷新后再改。", Stale: true}
	}
	return nil
}

func (s *Store) rewriteCircular(ctx context.Context, x q, c *circular.Circular, by Actor, action string) (*circular.Circular, error) {
	doc, facts, err := marshalCircular(c)
	if err != nil {
		return nil, err
	}
	now := s.now()
	res, err := x.exec(ctx, `UPDATE circulars SET title = ?, doc_json = ?, facts_json = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND state = 'draft'`, c.Doc.Title, doc, facts, unix(now), c.ID, c.Version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &InputError{Msg: "这份通报已被他人修改，请刷新后再改。", Stale: true}
	}
	c.Version++
	c.UpdatedAt = now
	return c, writeAudit(ctx, x, now, by, EntityCircular, c.ID, action, nil, circularAudit(c))
}

// RedraftCircular drafts a draft's body again from the figures as they
// stand now, keeping its head (number, date, 主送…): the office's edits of
// the text are replaced.
func (s *Store) RedraftCircular(ctx context.Context, id int64, version int, by Actor) (*circular.Circular, error) {
	c, err := s.Circular(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := draftVersion(c, version); err != nil {
		return nil, err
	}
	f, err := s.CircularFacts(ctx, c.NoticeID, c.PeriodID)
	if err != nil {
		return nil, err
	}
	fresh := circular.Draft(f, circular.Head{})
	var out *circular.Circular
	err = s.tx(ctx, func(x q) error {
		cur, err := circularByID(ctx, x, id)
		if err != nil {
			return err
		}
		if err := draftVersion(cur, c.Version); err != nil {
			return err
		}
		cur.Facts, cur.Doc.Body = *f, fresh.Body
		out, err = s.rewriteCircular(ctx, x, cur, by, ActionRedraft)
		return err
	})
	return out, err
}

// Stale reports whether the ledger's figures have moved since c was drafted.
func (s *Store) CircularStale(ctx context.Context, c *circular.Circular) (bool, error) {
	f, err := s.CircularFacts(ctx, c.NoticeID, c.PeriodID)
	if err != nil {
		return false, err
	}
	f.AsOf = c.Facts.AsOf
	a, _ := json.Marshal(f)
	b, _ := json.Marshal(c.Facts)
	return string(a) != string(b), nil
}

// IssueCircular issues a draft: its doc number is taken (never given
// twice), it is frozen with the figures it shows, and the units it names
// can read it.
func (s *Store) IssueCircular(ctx context.Context, id int64, version int, by Actor) (*circular.Circular, error) {
	var out *circular.Circular
	err := s.tx(ctx, func(x q) error {
		c, err := circularByID(ctx, x, id)
		if err != nil {
			return err
		}
		if err := draftVersion(c, version); err != nil {
			return err
		}
		prefix, year, seq, err := circular.ParseDocNumber(c.Doc.DocNumber)
		if err != nil {
			return &InputError{Msg: err.Error()}
		}
		switch {
		case strings.TrimSpace(c.Doc.Date) == "":
			return &InputError{Msg: "请填写成文日期后再印发。"}
		case strings.TrimSpace(c.Doc.Signer) == "" && strings.TrimSpace(c.Doc.Issuer) == "":
			return &InputError{Msg: "请填写发文机关后再印发。"}
		}
		var taken string
		err = x.row(ctx, "SELECT title FROM circulars WHERE doc_prefix = ? AND doc_year = ? AND doc_seq = ?", prefix, year, seq).Scan(&taken)
		if err == nil {
			next, _ := nextDocNumber(ctx, x, prefix, year)
			return &InputError{Msg: fmt.Sprintf("发文字号“%s”已用于《%s》，请改用“%s”。", c.Doc.DocNumber, taken, next), Stale: true}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := s.now()
		res, err := x.exec(ctx, `UPDATE circulars SET state = 'issued', doc_prefix = ?, doc_year = ?, doc_seq = ?, issued_at = ?, issued_by = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = 'draft'`,
			prefix, year, seq, unix(now), by.Name, unix(now), id, c.Version)
		if s.d.isUnique(err) {
			return &InputError{Msg: fmt.Sprintf("发文字号“%s”刚被另一份通报使用，请刷新后改用下一个号。", c.Doc.DocNumber), Stale: true}
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &InputError{Msg: "这份通报已被他人处理，请刷新查看。", Stale: true}
		}
		for _, u := range c.Facts.Named() {
			if _, err := x.exec(ctx, "INSERT INTO circular_units (circular_id, unit_id) VALUES (?, ?) ON CONFLICT DO NOTHING", id, u); err != nil {
				return err
			}
		}
		c.State, c.Version, c.IssuedAt, c.IssuedBy, c.UpdatedAt = circular.StateIssued, c.Version+1, now, by.Name, now
		out = c
		return writeAudit(ctx, x, now, by, EntityCircular, id, ActionIssue, nil, circularAudit(c))
	})
	return out, err
}

// WithdrawCircular withdraws an issued circular with a reason; it stays
// listed, marked withdrawn, and its number is not given again.
func (s *Store) WithdrawCircular(ctx context.Context, id int64, reason string, by Actor) (*circular.Circular, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, &InputError{Msg: "撤回时请写明原因，收文单位将看到这段说明。"}
	}
	if utf8.RuneCountInString(reason) > MaxComment {
		return nil, &InputError{Msg: fmt.Sprintf("撤回原因不能超过 %d 个字符。", MaxComment)}
	}
	var out *circular.Circular
	err := s.tx(ctx, func(x q) error {
		c, err := circularByID(ctx, x, id)
		if err != nil {
			return err
		}
		if c.State != circular.StateIssued {
			return &InputError{Msg: fmt.Sprintf("只有已印发的通报可以撤回，这份通报%s。", circular.StateLabel(c.State)), Stale: true}
		}
		now := s.now()
		if _, err := x.exec(ctx, `UPDATE circulars SET state = 'withdrawn', withdrawn_at = ?, withdraw_reason = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND state = 'issued'`, unix(now), reason, unix(now), id); err != nil {
			return err
		}
		c.State, c.WithdrawnAt, c.WithdrawReason, c.Version, c.UpdatedAt = circular.StateWithdrawn, now, reason, c.Version+1, now
		out = c
		return writeAudit(ctx, x, now, by, EntityCircular, id, ActionWithdraw, nil, circularAudit(c))
	})
	return out, err
}

// DeleteCircular deletes a draft; an issued circular is withdrawn instead.
func (s *Store) DeleteCircular(ctx context.Context, id int64, by Actor) error {
	return s.tx(ctx, func(x q) error {
		c, err := circularByID(ctx, x, id)
		if err != nil {
			return err
		}
		if c.State != circular.StateDraft {
			return &InputError{Msg: "已印发的通报不能删除，只能撤回。", Stale: true}
		}
		if _, err := x.exec(ctx, "DELETE FROM circulars WHERE id = ? AND state = 'draft'", id); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityCircular, id, ActionDelete, circularAudit(c), nil)
	})
}
