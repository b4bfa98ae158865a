package circular

import (
	"cmp"
	"slices"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Facts are the figures a circular is drafted from, taken from the ledger
// as of one day by the same rules as the lights and the overview: every
// number the circular prints is one of these, none is typed.
type Facts struct {
	NoticeID        int64             `json:"notice_id"`
	NoticeTitle     string            `json:"notice_title"`
	NoticeDocNumber string            `json:"notice_doc_number,omitempty"`
	Year            int               `json:"year"`
	PeriodID        int64             `json:"period_id"`
	PeriodLabel     string            `json:"period_label"`
	PeriodKind      ledger.PeriodKind `json:"period_kind"`
	PeriodDue       notice.Date       `json:"period_due"`
	AsOf            notice.Date       `json:"as_of"`

	Tally             // the whole notice
	Units    []Unit   `json:"units"`    // each owner unit, in the order the ranking rule gives
	Problems []Lagged `json:"problems"` // lagging and overdue tasks
}

// Tally counts a notice's or a unit's tasks by light and its reports for
// the period by how they stand.
type Tally struct {
	Tasks      int `json:"tasks"`
	Closed     int `json:"closed"`
	Ahead      int `json:"ahead"`
	OnPace     int `json:"on_pace"`
	Lagging    int `json:"lagging"`
	Overdue    int `json:"overdue"`
	NotStarted int `json:"not_started"`

	Due      int `json:"due"`      // reports owed for the period
	OnTime   int `json:"on_time"`  // submitted or accepted by the due date
	Late     int `json:"late"`     // submitted or accepted after it
	Returned int `json:"returned"` // returned and not yet resubmitted
	Missing  int `json:"missing"`  // nothing submitted (drafts included)
	Accepted int `json:"accepted"`
}

// Count adds one task of light l.
func (t *Tally) Count(l ledger.LightState) {
	t.Tasks++
	switch l {
	case ledger.LightClosed:
		t.Closed++
	case ledger.LightAhead:
		t.Ahead++
	case ledger.LightOnPace:
		t.OnPace++
	case ledger.LightLagging:
		t.Lagging++
	case ledger.LightOverdue:
		t.Overdue++
	default:
		t.NotStarted++
	}
}

// Unit is one owner unit's tally.
type Unit struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Tally
}

// Lagged is a task behind pace or overdue, with the problem its unit
// itself reported.
type Lagged struct {
	TaskID  int64             `json:"task_id"`
	Number  string            `json:"number"`
	Title   string            `json:"title"`
	Units   string            `json:"units"` // the owner units, 、-joined
	Light   ledger.LightState `json:"light"`
	Reason  string            `json:"reason"`
	Problem string            `json:"problem"`
}

// OnTimeRate is the share of due reports submitted on time, in [0, 1];
// a unit owing nothing counts as on time.
func (t Tally) OnTimeRate() float64 {
	if t.Due == 0 {
		return 1
	}
	return float64(t.OnTime) / float64(t.Due)
}

// PaceShare is the share of tasks closed, ahead of or on pace (a task not
// yet started is not behind).
func (t Tally) PaceShare() float64 {
	if t.Tasks == 0 {
		return 1
	}
	return float64(t.Tasks-t.Lagging-t.Overdue) / float64(t.Tasks)
}

// RankRule is the ranking rule as the circular states it.
const RankRule = "各单位按报送及时率（按时报送数占应报送数的比例）从高到低排列；及时率相同的，按牵头任务达到序时进度（含已完成、超进度）的比例从高到低排列；本期无应报事项的单位列于最后"

// Rank orders units by the ranking rule, then by name so the order is stable.
func Rank(us []Unit) {
	slices.SortStableFunc(us, func(a, b Unit) int {
		if c := cmp.Compare(min(b.Due, 1), min(a.Due, 1)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.OnTimeRate(), a.OnTimeRate()); c != 0 {
			return c
		}
		if c := cmp.Compare(b.PaceShare(), a.PaceShare()); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// Commended are the units whose every due report was on time and
// accepted and none of whose tasks is behind pace or overdue.
func (f *Facts) Commended() []Unit {
	var out []Unit
	for _, u := range f.Units {
		if u.Due > 0 && u.OnTime == u.Due && u.Accepted == u.Due && u.Lagging == 0 && u.Overdue == 0 {
			out = append(out, u)
		}
	}
	return out
}

// Criticized are the units with reports missing or late.
func (f *Facts) Criticized() (missing, late []Unit) {
	for _, u := range f.Units {
		if u.Missing > 0 {
			missing = append(missing, u)
		}
		if u.Late > 0 {
			late = append(late, u)
		}
	}
	return missing, late
}

// Named are the units a circular drafted from f names: each unit of its
// table, so each can read it.
func (f *Facts) Named() []int64 {
	ids := make([]int64, 0, len(f.Units))
	for _, u := range f.Units {
		ids = append(ids, u.UnitID)
	}
	return ids
}
