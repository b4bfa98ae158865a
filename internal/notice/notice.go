// Package notice turns the plain text of a task-assignment notice (分工通知)
// into a Notice: header fields, reporting schedule, numbered tasks with their
// headings and responsible units, an annex ledger table and warnings.
package notice

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Notice is one parsed notice. Its JSON form is the format of
// testdata/notice-json.md.
type Notice struct {
	Issuer    string     `json:"issuer"`
	DocNumber string     `json:"doc_number"`
	Year      int        `json:"year"`
	IssuedOn  Date       `json:"issued_on"`
	Title     string     `json:"title,omitempty"`
	Schedule  Schedule   `json:"schedule"`
	Tasks     []Task     `json:"tasks"`
	Annex     []AnnexRow `json:"annex"`
	Warnings  []Warning  `json:"warnings"`
}

// Schedule is the reporting schedule the preamble sets.
type Schedule struct {
	PlanDue     Date   `json:"plan_due"`
	Cycle       Cycle  `json:"cycle"`
	ProgressDue []Date `json:"progress_due"`
	AnnualDue   Date   `json:"annual_due"`
}

// Cycle is how often progress is reported.
type Cycle string

const (
	CycleNone      Cycle = ""
	CycleMonthly   Cycle = "monthly"
	CycleQuarterly Cycle = "quarterly"
)

// Task is one numbered key task (重点工作) of the body, or a row of an
// attached table once the import has made it a task (LedgerTasks).
type Task struct {
	// Section is "" for the body and the table's title for a row of an
	// attached table; a task is named by its section and number. The parser
	// never sets it, so its JSON output is unchanged.
	Section     string   `json:"section,omitempty"`
	No          string   `json:"no"`
	Path        []string `json:"path"`
	Text        string   `json:"text"`
	Lead        []string `json:"lead"`
	Support     []string `json:"support"`
	Responsible []string `json:"responsible"`
	Leaders     []string `json:"leaders"`
	// Deadline is the date the task's own clause sets; DeadlineText keeps
	// the clause's words ("年内持续推进") when they are not a date.
	Deadline     Date     `json:"deadline"`
	DeadlineText string   `json:"deadline_text,omitempty"`
	Targets      []Target `json:"targets"`
	Line         int      `json:"line"`
}

// Units returns every unit of the task, lead first, without repeats.
func (t *Task) Units() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{t.Lead, t.Support, t.Responsible} {
		for _, u := range l {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// Target is one quantitative target (量化指标) in a task's text:
// 新增贷款7000亿元以上 → {新增贷款, >=, 7000, 亿元}.
type Target struct {
	Indicator string  `json:"indicator"`
	Op        string  `json:"op"` // ">=", "<=", ">", "<", "=", "≈"
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Text      string  `json:"text"` // the phrase as printed
}

// AnnexRow is one row of an attached ledger table (分工台账).
type AnnexRow struct {
	// Section is the title of the table the row belongs to, as printed
	// (附件：2023年重点项目(任务)分工台账); the import files the row's task
	// under it. Empty when the table has no title.
	Section      string   `json:"section,omitempty"`
	No           string   `json:"no"`
	Text         string   `json:"text"`
	Leaders      []string `json:"leaders"`
	Lead         []string `json:"lead"`
	Support      []string `json:"support"`
	Deadline     Date     `json:"deadline"`
	DeadlineText string   `json:"deadline_text,omitempty"`
	Line         int      `json:"line"`
}

// Warning is something the parser was unsure of; the office sees it at import.
type Warning struct {
	Line int `json:"line"`
	// Tasks are the indexes in Notice.Tasks of the tasks the warning is
	// about, none for a warning about the notice as a whole. A line cannot
	// say it: one line may hold many tasks.
	Tasks   []int  `json:"tasks,omitempty"`
	Kind    string `json:"kind"`
	Message string `json:"message"` // Chinese, for a person
}

// DropTasks removes the tasks drop selects and renumbers the warnings'
// tasks; a warning left about no task was about the dropped ones only, and
// goes with them.
func (n *Notice) DropTasks(drop func(i int) bool) {
	moved := make([]int, len(n.Tasks)) // old index → new, or -1
	kept := n.Tasks[:0]
	for i, t := range n.Tasks {
		moved[i] = -1
		if !drop(i) {
			moved[i] = len(kept)
			kept = append(kept, t)
		}
	}
	n.Tasks = kept
	ws := n.Warnings[:0]
	for _, w := range n.Warnings {
		if len(w.Tasks) == 0 {
			ws = append(ws, w)
			continue
		}
		var ts []int
		for _, i := range w.Tasks {
			if i >= 0 && i < len(moved) && moved[i] >= 0 {
				ts = append(ts, moved[i])
			}
		}
		if len(ts) > 0 {
			w.Tasks = ts
			ws = append(ws, w)
		}
	}
	n.Warnings = ws
}

// Warning kinds.
const (
	WarnNumberGap    = "number_gap"
	WarnNoUnit       = "no_unit"
	WarnClause       = "clause"
	WarnSkipped      = "skipped"
	WarnNoTasks      = "no_tasks"
	WarnHeader       = "header"
	WarnAnnex        = "annex"
	WarnUnitGuess    = "unit_guess"
	WarnDuplicateNo  = "duplicate_no"
	WarnScheduleRead = "schedule"
)

// Date is a calendar date with no time of day; the zero Date is "none" and
// is written as JSON null.
type Date struct {
	Y int
	M time.Month
	D int
}

// NewDate returns the date, moving a day the month lacks to its last day
// (2月30日 → 2月28日), as notices mean it.
func NewDate(y int, m time.Month, d int) Date {
	if last := DaysIn(y, m); d > last {
		d = last
	}
	return Date{y, m, d}
}

// DaysIn is the number of days of month m in year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is no date.
func (d Date) IsZero() bool { return d.Y == 0 }

// Time is d at midnight in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, loc)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Y != e.Y {
		return d.Y < e.Y
	}
	if d.M != e.M {
		return d.M < e.M
	}
	return d.D < e.D
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D)
}

// ParseDate reads "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(d.String())), nil
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the fields the format allows to be null as null.
func (n *Notice) MarshalJSON() ([]byte, error) {
	type plain Notice
	out := struct {
		*plain
		Issuer    *string `json:"issuer"`
		DocNumber *string `json:"doc_number"`
		Year      *int    `json:"year"`
	}{plain: (*plain)(n)}
	if n.Issuer != "" {
		out.Issuer = &n.Issuer
	}
	if n.DocNumber != "" {
		out.DocNumber = &n.DocNumber
	}
	if n.Year != 0 {
		out.Year = &n.Year
	}
	return json.Marshal(out)
}

// MarshalJSON writes no cycle as null and lists as [] rather than null.
func (s Schedule) MarshalJSON() ([]byte, error) {
	out := struct {
		PlanDue     Date   `json:"plan_due"`
		Cycle       *Cycle `json:"cycle"`
		ProgressDue []Date `json:"progress_due"`
		AnnualDue   Date   `json:"annual_due"`
	}{PlanDue: s.PlanDue, ProgressDue: s.ProgressDue, AnnualDue: s.AnnualDue}
	if s.Cycle != CycleNone {
		out.Cycle = &s.Cycle
	}
	if out.ProgressDue == nil {
		out.ProgressDue = []Date{}
	}
	return json.Marshal(out)
}
