package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"duban/internal/division"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

type importPage struct {
	Base
	Error    string
	Text     string
	Existing *store.NoticeInfo // the notice an upload repeats
}

func (s *Server) importShow(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "import", &importPage{Base: s.base(w, r, "导入通知")})
}

// importUpload parses the notice into a draft the office checks before
// anything reaches the ledger.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	name, n, err := s.readSubmittedNotice(w, r)
	if err != nil {
		code, msg := status(err)
		if code >= 500 {
			return err
		}
		return s.render(w, r, code, "import", &importPage{Base: s.base(w, r, "导入通知"), Error: msg, Text: r.FormValue("text")})
	}
	// A notice imported before is refused now, not after its review.
	var dup *store.DuplicateError
	if err := s.store.Duplicate(r.Context(), n); errors.As(err, &dup) {
		return s.render(w, r, http.StatusConflict, "import", &importPage{Base: s.base(w, r, "导入通知"), Error: dup.Error() + "。",
			Existing: &dup.Existing})
	} else if err != nil {
		return err
	}
	id, err := s.store.SaveDraft(r.Context(), userFrom(r).ID, name, n)
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/import/%d", id), "")
}

type draftRow struct {
	I       int
	Heading string
	Task    notice.Task
	Notes   []string // the parser's warnings about this task
}

// taskNote is a warning about one task, listed at the top of the review
// with a link to the task's row.
type taskNote struct {
	I       int
	Name    string // 第 3 项, or 附件 第 3 项 for a row of an attached table
	Message string
}

type draftPage struct {
	Base
	Draft     *store.Draft
	Rows      []draftRow
	Warnings  []notice.Warning // those about no single task
	TaskNotes []taskNote       // those about a task, in the order of the tasks
	Error     string
	Unknown   []store.UnknownUnit // typed unit names the directory lacks
	// JurPath names the issuing government the draft will be filed under;
	// Jurisdictions are the provinces and cities to pick from.
	JurPath       string
	Jurisdictions []jurOption
}

// jurOption is a government the office can pick for a notice.
type jurOption struct{ Code, Path string }

// jurisdictionOptions are the provinces and prefecture-level cities with
// the office's zones: a county is typed by its code.
func jurisdictionOptions(tb *division.Table) []jurOption {
	var out []jurOption
	for _, p := range tb.Provinces() {
		out = append(out, jurOption{p.Code, p.Name})
		for _, c := range tb.Children(p.Code) {
			if c.Level == division.City {
				out = append(out, jurOption{c.Code, tb.Path(c.Code)})
			}
		}
	}
	return out
}

func (s *Server) draftShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.draft(r)
	if err != nil {
		return err
	}
	return s.renderDraft(w, r, http.StatusOK, d, "", nil)
}

func (s *Server) draft(r *http.Request) (*store.Draft, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.store.Draft(r.Context(), id, userFrom(r).ID)
}

func (s *Server) renderDraft(w http.ResponseWriter, r *http.Request, code int, d *store.Draft, msg string, unknown []store.UnknownUnit) error {
	title := cmp.Or(d.Notice.Title, d.SourceName)
	p := &draftPage{Base: s.base(w, r, "核对导入："+title), Draft: d, Error: msg, Unknown: unknown}
	tb, err := s.store.Divisions(r.Context())
	if err != nil {
		return err
	}
	if d.Jurisdiction == "" {
		j, _ := tb.Issuer(d.Notice.Issuer)
		d.Jurisdiction = j.Code // proposed; the form posts it back to confirm
	}
	p.JurPath, p.Jurisdictions = tb.Path(d.Jurisdiction), jurisdictionOptions(tb)
	ts := d.Notice.Tasks
	notes := map[int][]string{}
	for _, wn := range d.Notice.Warnings {
		if len(wn.Tasks) == 0 {
			p.Warnings = append(p.Warnings, wn)
		}
		for _, i := range wn.Tasks {
			if i >= 0 && i < len(ts) {
				notes[i] = append(notes[i], wn.Message)
			}
		}
	}
	prev := "\x00"
	for i, t := range ts {
		for _, m := range notes[i] {
			p.TaskNotes = append(p.TaskNotes, taskNote{I: i, Name: t.Name(), Message: m})
		}
		row := draftRow{I: i, Task: t, Notes: notes[i]}
		if h := strings.Join(t.Path, " › "); h != prev {
			row.Heading, prev = h, h
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(w, r, code, "draft", p)
}

// draftSubmit saves the office's corrections, then imports or discards.
func (s *Server) draftSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.draft(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := userFrom(r)
	if r.PostFormValue("action") == "discard" {
		if err := s.store.DeleteDraft(ctx, d.ID, u.ID); err != nil {
			return err
		}
		return s.redirect(w, r, "/import", "已放弃这次导入。")
	}
	choices := readUnitChoices(r)
	notes := applyCorrections(d, r, choices)
	if v, ok := r.PostForm["jurisdiction"]; ok && len(v) > 0 {
		tb, err := s.store.Divisions(ctx)
		if err != nil {
			return err
		}
		if code := strings.TrimSpace(v[0]); code == "" || tb.Name(code) != "" {
			d.Jurisdiction = code
		} else {
			notes = append(notes, fmt.Sprintf("发文政府“%s”不是已知的行政区划代码", code))
		}
	}
	if err := s.store.UpdateDraft(ctx, d); err != nil {
		var limit *ledger.LimitError
		if errors.As(err, &limit) {
			return s.renderDraft(w, r, http.StatusBadRequest, d, limit.Error()+"修改未保存，请改正后再提交。", nil)
		}
		return err
	}
	if r.PostFormValue("action") != "confirm" || len(notes) > 0 {
		msg := strings.Join(notes, "；")
		if msg == "" {
			return s.redirect(w, r, fmt.Sprintf("/import/%d", d.ID), "修改已保存，尚未导入。")
		}
		return s.renderDraft(w, r, http.StatusBadRequest, d, msg+"。修改已保存，请核对后再确认导入。", nil)
	}
	unknown, err := s.unknownUnits(ctx, d.Jurisdiction, d.Typed, choices)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return s.renderDraft(w, r, http.StatusBadRequest, d, unknownMessage(unknown)+"修改已保存，尚未导入。", unknown)
	}
	id, err := s.store.ImportDraft(ctx, d, u.Actor())
	var dup *store.DuplicateError
	switch {
	case errors.As(err, &dup):
		return s.renderDraft(w, r, http.StatusConflict, d, dup.Error()+"。", nil)
	case err != nil:
		return err
	}
	s.log.Info("notice imported", "id", id, "tasks", len(d.Notice.Tasks), "by", u.Login)
	return s.redirect(w, r, fmt.Sprintf("/notices/%d", id), fmt.Sprintf("已导入 %d 项任务。", len(d.Notice.Tasks)))
}

// applyCorrections applies the preview form to the draft and returns what
// it could not take as typed (a date that is not a date is kept as the
// deadline's words, so nothing typed is lost).
//
// Unit names the office types that the notice did not hold join d.Typed,
// to be checked against the directory before the import; a name chosen
// from the suggestions replaces the typed one everywhere.
func applyCorrections(d *store.Draft, r *http.Request, choices unitChoices) []string {
	n := d.Notice
	before := noticeUnits(n)
	var notes []string
	form := func(k string) (string, bool) {
		v, ok := r.PostForm[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return strings.TrimSpace(strings.ReplaceAll(v[0], "\r\n", "\n")), true
	}
	for k, dst := range map[string]*string{"issuer": &n.Issuer, "doc_number": &n.DocNumber, "title": &n.Title} {
		if v, ok := form(k); ok {
			*dst = v
		}
	}
	if v, ok := form("year"); ok {
		if y, err := strconv.Atoi(v); err == nil && y >= 1949 && y <= 2200 {
			n.Year = y
		} else if v != "" {
			notes = append(notes, fmt.Sprintf("年度“%s”无效", v))
		}
	}
	// the form names tasks by their index before this submission's drops
	dropped := func(i int) bool {
		v, _ := form("drop-" + strconv.Itoa(i))
		return v == "1"
	}
	for i := range n.Tasks {
		if dropped(i) {
			continue
		}
		t := &n.Tasks[i]
		key := func(f string) string { return f + "-" + strconv.Itoa(i) }
		if v, ok := form(key("text")); ok {
			if v == "" {
				notes = append(notes, fmt.Sprintf("%s的任务内容为空", t.Name()))
			} else if v != t.Text {
				t.Text, t.Targets = v, notice.FindTargets(v)
			}
		}
		for f, dst := range map[string]*[]string{"lead": &t.Lead, "support": &t.Support, "responsible": &t.Responsible, "leaders": &t.Leaders} {
			if v, ok := form(key(f)); ok {
				*dst = splitNames(v)
			}
			if f != "leaders" {
				*dst = choices.replace(*dst)
			}
		}
		if v, ok := form(key("deadline")); ok && v != t.Deadline.String() {
			if v == "" {
				t.Deadline = notice.Date{}
			} else if d, err := notice.ParseDate(v); err == nil {
				t.Deadline = d
			} else {
				t.Deadline, t.DeadlineText = notice.Date{}, v
				notes = append(notes, fmt.Sprintf("%s的完成时限“%s”不是日期，已记为时限说明", t.Name(), v))
			}
		}
	}
	n.DropTasks(dropped)
	if len(n.LedgerTasks()) == 0 {
		notes = append(notes, "所有任务都被删除了，无法导入")
	}
	// typed names stay asked about while the notice still holds them
	after := noticeUnits(n)
	d.Typed = slices.DeleteFunc(append(d.Typed, addedNames(before, after)...), func(t string) bool {
		return len(addedNames(after, []string{t})) > 0
	})
	return notes
}

// noticeUnits is every unit name on n's tasks.
func noticeUnits(n *notice.Notice) []string {
	var out []string
	for i := range n.Tasks {
		out = append(out, n.Tasks[i].Units()...)
	}
	return out
}
