package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

type taskPage struct {
	Base
	Task     *ledger.Task
	History  []historyEntry
	CanEdit  bool
	Owners   []ownerRow // the plan and each period's report of every owner unit
	Periods  []ledger.Period
	Timeline []timelineEntry
	Urgings  []store.Urging // the reminders and urgings the task's owners were sent
}

// ownerRow is one owner unit's plan and reports on the task page.
type ownerRow struct {
	UnitID  int64
	Unit    string
	Plan    ledger.State // "" when none is saved
	Reports []ledger.State
	Late    []bool
	Urge    []bool // the office may urge the report: open, not yet filed
}

// timelineEntry is one step of the task's plans and reports, with the
// text as it stood.
type timelineEntry struct {
	At     time.Time
	User   string
	What   string
	Fields []fieldChange // Label and After only
}

type historyEntry struct {
	At      time.Time
	User    string
	Changes []fieldChange
}

type fieldChange struct {
	Label, Before, After string
}

func (s *Server) taskShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := userFrom(r)
	t, err := s.store.Task(r.Context(), id, u.Scope())
	if err != nil {
		return err
	}
	h, err := s.store.History(r.Context(), store.EntityTask, id)
	if err != nil {
		return err
	}
	p := &taskPage{Base: s.base(w, r, t.Name()+"任务"), Task: t, CanEdit: u.CanEdit()}
	for _, e := range h {
		if e.Action == store.ActionClose {
			continue // on the timeline
		}
		p.History = append(p.History, historyEntry{At: e.At, User: e.UserName, Changes: taskChanges(e.Before, e.After)})
	}
	if err := s.fillYear(r, p); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "task", p)
}

// taskChanges lists the fields an audit entry changed, as the page shows them.
func taskChanges(before, after json.RawMessage) []fieldChange {
	var b, a ledger.TaskFields
	json.Unmarshal(before, &b)
	json.Unmarshal(after, &a)
	list := func(s []string) string { return strings.Join(s, "、") }
	var out []fieldChange
	for _, c := range []fieldChange{
		{"任务内容", b.Text, a.Text},
		{"牵头单位", list(b.Lead), list(a.Lead)},
		{"配合单位", list(b.Support), list(a.Support)},
		{"责任单位", list(b.Responsible), list(a.Responsible)},
		{"责任领导", list(b.Leaders), list(a.Leaders)},
		{"完成时限", b.Deadline.String(), a.Deadline.String()},
		{"时限说明", b.DeadlineText, a.DeadlineText},
		{"量化指标", notice.FormatTargets(b.Targets), notice.FormatTargets(a.Targets)},
	} {
		if c.Before != c.After {
			out = append(out, c)
		}
	}
	return out
}

// taskForm is the edit form as typed, kept whole when it is refused.
type taskForm struct {
	Text, Lead, Support, Responsible, Leaders string
	Deadline, DeadlineText, Targets           string
	Version                                   int
	// The text and targets as the form was opened: targets follow an
	// edited text unless the office edited them too.
	TextOrig, TargetsOrig string
}

func formOf(t *ledger.Task) taskForm {
	f := taskForm{Text: t.Text, Lead: strings.Join(t.Units(ledger.Lead), "、"), Support: strings.Join(t.Units(ledger.Support), "、"),
		Responsible: strings.Join(t.Units(ledger.Responsible), "、"), Leaders: strings.Join(t.Leaders, "、"),
		Deadline: t.Deadline.String(), DeadlineText: t.DeadlineText, Targets: notice.FormatTargets(t.Targets), Version: t.Version}
	f.TextOrig, f.TargetsOrig = f.Text, f.Targets
	return f
}

func readTaskForm(r *http.Request) taskForm {
	v := func(k string) string { return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(k), "\r\n", "\n")) }
	f := taskForm{Text: v("text"), Lead: v("lead"), Support: v("support"), Responsible: v("responsible"), Leaders: v("leaders"),
		Deadline: v("deadline"), DeadlineText: v("deadline_text"), Targets: v("targets"), TextOrig: v("text_orig"), TargetsOrig: v("targets_orig")}
	f.Version, _ = strconv.Atoi(v("version"))
	return f
}

// splitNames reads a list of names typed one per line or separated by 、,;
func splitNames(s string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、，,；;\n", r) }) {
		n = strings.TrimSpace(n)
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// fields checks the form and turns it into what the store saves.
func (f taskForm) fields() (ledger.TaskFields, error) {
	out := ledger.TaskFields{Text: f.Text, Lead: splitNames(f.Lead), Support: splitNames(f.Support),
		Responsible: splitNames(f.Responsible), Leaders: splitNames(f.Leaders), DeadlineText: f.DeadlineText}
	problems := ledger.TaskProblems(out.Task())
	if f.Deadline != "" {
		d, err := notice.ParseDate(f.Deadline)
		if err != nil {
			problems = append(problems, "完成时限不是有效日期（应为 2026-06-30 的格式）")
		}
		out.Deadline = d
	}
	if f.Targets == f.TargetsOrig && f.Text != f.TextOrig {
		out.Targets = notice.FindTargets(f.Text)
	} else if ts, err := notice.ParseTargets(f.Targets); err != nil {
		problems = append(problems, "量化指标"+err.Error())
	} else {
		out.Targets = ts
	}
	if f.Version <= 0 {
		problems = append(problems, "表单缺少版本号，请重新打开编辑页面")
	}
	if len(problems) > 0 {
		return out, badRequest(strings.Join(problems, "；") + "。")
	}
	return out, nil
}

type taskEditPage struct {
	Base
	Task    *ledger.Task
	Form    taskForm
	Error   string
	Current *ledger.Task // the newer version, when a save was stale
	// Unknown are typed unit names the directory lacks, asked about.
	Unknown []store.UnknownUnit
}

func (s *Server) taskEditShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.store.Task(r.Context(), id, ledger.Scope{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "task_edit", &taskEditPage{Base: s.base(w, r, "修改"+t.Name()+"任务"), Task: t, Form: formOf(t)})
}

func (s *Server) taskEditSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.store.Task(ctx, id, ledger.Scope{})
	if err != nil {
		return err
	}
	form := readTaskForm(r)
	choices := readUnitChoices(r)
	for _, l := range []*string{&form.Lead, &form.Support, &form.Responsible} {
		*l = strings.Join(choices.replace(splitNames(*l)), "、")
	}
	page := &taskEditPage{Base: s.base(w, r, "修改"+t.Name()+"任务"), Task: t, Form: form}
	f, err := form.fields()
	if err == nil {
		typed := addedNames(t.Fields().Units(), f.Units())
		if page.Unknown, err = s.unknownUnits(ctx, t.Jurisdiction, typed, choices); err != nil {
			return err
		}
		if len(page.Unknown) > 0 {
			page.Error = unknownMessage(page.Unknown)
			return s.render(w, r, http.StatusBadRequest, "task_edit", page)
		}
		_, err = s.store.UpdateTask(ctx, id, form.Version, f, userFrom(r).Actor())
	}
	var stale *store.StaleError
	switch {
	case err == nil:
		return s.redirect(w, r, fmt.Sprintf("/tasks/%d", id), "任务已保存。")
	case errors.As(err, &stale):
		// Keep what was typed, show what is there now, and let the next
		// save go against the current version.
		page.Error, page.Current = stale.Error(), stale.Current
		page.Form.Version = stale.Current.Version
		page.Form.TextOrig, page.Form.TargetsOrig = stale.Current.Text, notice.FormatTargets(stale.Current.Targets)
		return s.render(w, r, http.StatusConflict, "task_edit", page)
	default:
		code, msg := status(err)
		if code >= 500 {
			return err
		}
		page.Error = msg
		return s.render(w, r, code, "task_edit", page)
	}
}
