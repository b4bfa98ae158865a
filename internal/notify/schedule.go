package notify

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Rules are an office's reminder settings.
type Rules struct {
	// RemindBefore lists the days before a due date to remind on (0 is
	// the due date itself).
	RemindBefore []int
	// UrgeEveryWorkday urges on every working day an item is late; when
	// false, only on the first.
	UrgeEveryWorkday bool
	// EscalateAfter is the working day after the due date on which a
	// still-owed item is escalated to the unit's leader and the office;
	// 0 never escalates.
	EscalateAfter int
	// QuietFrom and QuietTo bound the hours robots and e-mail keep quiet,
	// in minutes of the day; QuietFrom > QuietTo spans midnight, equal
	// values mean no quiet hours.
	QuietFrom, QuietTo int
}

// DefaultRules remind 7 and 3 days before and on the due day, urge every
// working day after, escalate on the 3rd working day late, and keep quiet
// from 20:00 to 08:00.
func DefaultRules() Rules {
	return Rules{
		RemindBefore:     []int{7, 3, 0},
		UrgeEveryWorkday: true,
		EscalateAfter:    3,
		QuietFrom:        20 * 60,
		QuietTo:          8 * 60,
	}
}

// Validate checks the rules an office edits.
func (r Rules) Validate() error {
	var errs []error
	for _, n := range r.RemindBefore {
		if n < 0 || n > 60 {
			errs = append(errs, fmt.Errorf("提前提醒天数 %d 应在0到60之间", n))
		}
	}
	if r.EscalateAfter < 0 || r.EscalateAfter > 60 {
		errs = append(errs, fmt.Errorf("逾期升级工作日数 %d 应在0到60之间", r.EscalateAfter))
	}
	if r.QuietFrom < 0 || r.QuietFrom >= 24*60 || r.QuietTo < 0 || r.QuietTo >= 24*60 {
		errs = append(errs, errors.New("免打扰时段应在00:00到23:59之间"))
	}
	return errors.Join(errs...)
}

// Item kinds: what a unit owes.
const (
	KindPlan     = "plan"     // 落实方案
	KindReport   = "report"   // 进展报告
	KindResubmit = "resubmit" // 退回重报
)

// Item is one thing a unit owes: a plan or report for a task's period,
// or one sent back to be filed again, due on Due.
type Item struct {
	Kind                     string
	TaskID, UnitID, PeriodID int64
	Due                      notice.Date
	// Done means filed (and not sent back): nothing more is sent for it.
	Done bool
}

// Key identifies the item among a unit's reminders: kind, task, unit
// and period.
func (it Item) Key() string {
	return fmt.Sprintf("%s:%d:%d:%d", it.Kind, it.TaskID, it.UnitID, it.PeriodID)
}

// StepKind is what a reminder does.
type StepKind string

const (
	StepRemind   StepKind = "remind"   // before or on the due date
	StepUrge     StepKind = "urge"     // after the due date
	StepEscalate StepKind = "escalate" // to the leader and the office
)

// Audience is who a step goes to, a set of bits.
type Audience int

const (
	AudienceUnit   Audience = 1 << iota // the unit's contacts
	AudienceLeader                      // the unit's responsible leader
	AudienceOffice                      // the supervision office
)

// Step is one reminder due today.
type Step struct {
	Kind StepKind
	// Days is the days before the due date for a reminder (the rule's,
	// not the days left: a reminder moved off a holiday keeps its rule),
	// and the working days late for an urge or an escalation.
	Days     int
	Escalate bool
	Audience Audience
	// Key is stable across runs and days: remind-7, urge-2026-10-09,
	// escalate. One reminder job per item, key and channel.
	Key string
}

// JobKey is the idempotency key of sending step s for it on channel.
func JobKey(it Item, s Step, channel string) string {
	return it.Key() + ":" + s.Key + ":" + channel
}

// Due decides whether a reminder for it is due today and which. Before
// the due date it is a reminder on each RemindBefore day, moved to the
// working day before when that day is not one, since a reminder after the
// day it names is of no use; two reminders falling on one day send the
// nearer one. After the due date it is an urge on each working day (or
// the first) and, on the EscalateAfter-th working day late, the
// escalation, which goes to the unit as well and stands for that day's
// urge. Nothing is due on days off or for items done.
func Due(r Rules, cal *Calendar, it Item, today notice.Date) (Step, bool) {
	if it.Done || it.Due.IsZero() || !cal.Workday(today) {
		return Step{}, false
	}
	if !it.Due.Before(today) {
		days := slices.Clone(r.RemindBefore)
		slices.Sort(days)
		for _, n := range slices.Compact(days) {
			if n < 0 {
				continue
			}
			if cal.PrevWorkday(ledger.AddDays(it.Due, -n)) == today {
				return Step{Kind: StepRemind, Days: n, Audience: AudienceUnit, Key: fmt.Sprintf("remind-%d", n)}, true
			}
		}
		return Step{}, false
	}
	late := cal.WorkdaysBetween(it.Due, today)
	if r.EscalateAfter > 0 && late == r.EscalateAfter {
		return Step{Kind: StepEscalate, Days: late, Escalate: true,
			Audience: AudienceUnit | AudienceLeader | AudienceOffice, Key: "escalate"}, true
	}
	if r.UrgeEveryWorkday || late == 1 {
		return Step{Kind: StepUrge, Days: late, Audience: AudienceUnit, Key: "urge-" + today.String()}, true
	}
	return Step{}, false
}

// StepsBetween is every step due for it on the days after after through
// through, in order: what a scheduler that did not run on those days has
// missed. Callers send only the steps still useful (the last urge, an
// escalation) and record the rest by key.
func StepsBetween(r Rules, cal *Calendar, it Item, after, through notice.Date) []Step {
	var out []Step
	for d := ledger.AddDays(after, 1); !through.Before(d); d = ledger.AddDays(d, 1) {
		if s, ok := Due(r, cal, it, d); ok {
			out = append(out, s)
		}
	}
	return out
}

// Quiet reports whether t, in its own location, is in the quiet hours.
func Quiet(r Rules, t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	switch {
	case r.QuietFrom == r.QuietTo:
		return false
	case r.QuietFrom < r.QuietTo:
		return r.QuietFrom <= m && m < r.QuietTo
	default:
		return m >= r.QuietFrom || m < r.QuietTo
	}
}

// NextSendTime is the earliest time at or after t, in t's location, that
// is a working day and outside the quiet hours: when a robot or e-mail
// reminder queued at t may go.
func NextSendTime(r Rules, cal *Calendar, t time.Time) time.Time {
	loc := t.Location()
	// Each turn moves t to a later day or out of the quiet hours, and a
	// calendar has finitely many days off, so this ends.
	for {
		d := notice.Date{Y: t.Year(), M: t.Month(), D: t.Day()}
		if !cal.Workday(d) {
			t = cal.NextWorkday(d).Time(loc)
			continue
		}
		if !Quiet(r, t) {
			return t
		}
		if r.QuietFrom > r.QuietTo && t.Hour()*60+t.Minute() >= r.QuietFrom {
			d = ledger.AddDays(d, 1)
		}
		t = time.Date(d.Y, d.M, d.D, r.QuietTo/60, r.QuietTo%60, 0, 0, loc)
	}
}
