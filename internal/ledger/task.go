package ledger

import (
	"slices"
	"time"

	"duban/internal/notice"
)

// Task is one task of the live ledger as it stands now: what the notice
// assigned, as the office has since corrected it, with its units and its
// light.
type Task struct {
	ID           int64
	NoticeID     int64
	NoticeTitle  string
	NoticeDoc    string // the notice's doc number
	Jurisdiction string // the notice's government: its unit names are that government's
	Seq          int
	Section      string // "" for the body, else the attached table's title
	No           string
	Path         []string
	Text         string
	Leaders      []string
	Deadline     notice.Date
	DeadlineText string
	Targets      []notice.Target
	Line         int
	Version      int
	UpdatedAt    time.Time
	Assignments  []Assignment // lead, then support, then responsible, in printed order
	ClosedOn     notice.Date  // the office accepted a report asking to close it (已办结)
	Light        Light        // as of today, with its reason
}

// Name is how a person names the task (notice.Task.Name).
func (t *Task) Name() string {
	nt := notice.Task{Section: t.Section, No: t.No}
	return nt.Name()
}

// Units returns the labels of the units in role: the names, with their
// government before a name that is ambiguous (三门峡市 · 市财政局). Read
// back, as in an edited task, a label finds the same unit.
func (t *Task) Units(role Role) []string {
	var out []string
	for _, a := range t.Assignments {
		if a.Role == role {
			out = append(out, a.Label)
		}
	}
	return out
}

// Fields is the editable part of t.
func (t *Task) Fields() TaskFields {
	return TaskFields{Text: t.Text, Lead: nonNil(t.Units(Lead)), Support: nonNil(t.Units(Support)), Responsible: nonNil(t.Units(Responsible)),
		Leaders: nonNil(t.Leaders), Deadline: t.Deadline, DeadlineText: t.DeadlineText, Targets: nonNil(t.Targets)}
}

// TaskFields is what the office may edit on a task; the audit log records
// it before and after each change.
type TaskFields struct {
	Text         string          `json:"text"`
	Lead         []string        `json:"lead"`
	Support      []string        `json:"support"`
	Responsible  []string        `json:"responsible"`
	Leaders      []string        `json:"leaders"`
	Deadline     notice.Date     `json:"deadline"`
	DeadlineText string          `json:"deadline_text"`
	Targets      []notice.Target `json:"targets"`
}

// Task is f as a parsed task, for the limits' checks.
func (f TaskFields) Task() *notice.Task {
	return &notice.Task{Text: f.Text, Lead: f.Lead, Support: f.Support, Responsible: f.Responsible,
		Leaders: f.Leaders, Deadline: f.Deadline, DeadlineText: f.DeadlineText, Targets: f.Targets}
}

// FieldsOf is the editable part of a parsed task.
func FieldsOf(t *notice.Task) TaskFields {
	return TaskFields{Text: t.Text, Lead: nonNil(t.Lead), Support: nonNil(t.Support), Responsible: nonNil(t.Responsible),
		Leaders: nonNil(t.Leaders), Deadline: t.Deadline, DeadlineText: t.DeadlineText, Targets: nonNil(t.Targets)}
}

// ByRole is the units f names, role by role.
func (f TaskFields) ByRole() []RoleUnits {
	return []RoleUnits{{Lead, f.Lead}, {Support, f.Support}, {Responsible, f.Responsible}}
}

// RoleUnits is the units named in one role.
type RoleUnits struct {
	Role  Role
	Names []string
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Scope is what an account may see: everything, the tasks of one unit (with
// the groups it belongs to), or the tasks under one leader.
type Scope struct {
	UnitID int64
	Leader string
	// ByLeader limits to the tasks under Leader (none when it is empty).
	ByLeader bool
}

// LeaderScope is the tasks under one leader (none when name is empty).
func LeaderScope(name string) Scope { return Scope{Leader: name, ByLeader: true} }

// Limited reports whether the scope hides some tasks.
func (sc Scope) Limited() bool { return sc.UnitID != 0 || sc.ByLeader }

// Roles are the assignment roles in the order a ledger lists them.
var Roles = []Role{Lead, Support, Responsible}

// ParseRole reads a role as URLs and the API write it.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Units is every unit name of f, in all roles.
func (f TaskFields) Units() []string {
	return slices.Concat(f.Lead, f.Support, f.Responsible)
}

// NoticeShort names the task's notice where many rows repeat it: by its
// doc number, else its title.
func (t *Task) NoticeShort() string {
	if t.NoticeDoc != "" {
		return t.NoticeDoc
	}
	return t.NoticeTitle
}
