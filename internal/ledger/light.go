package ledger

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"duban/internal/notice"
)

// DefaultTolerance is how many points below 序时进度 a task may report
// before it is lagging, unless the office sets another.
const DefaultTolerance = 10

// Span is the time a task has: from the start of its notice's year (or the
// notice's date, when later) to its deadline, else the year's end.
func Span(year int, issued, deadline notice.Date) (start, end notice.Date) {
	if year == 0 {
		year = firstYear(issued, deadline)
	}
	start = notice.NewDate(year, time.January, 1)
	if !issued.IsZero() && start.Before(issued) {
		start = issued
	}
	end = deadline
	if end.IsZero() {
		end = notice.NewDate(year, time.December, 31)
	}
	return start, end
}

// Pace is 序时进度: the percent of the span from start to end that has
// elapsed by today, 0 before it and 100 from its last day on.
func Pace(start, end, today notice.Date) int {
	done := DaysBetween(start, today)
	switch {
	case !today.Before(end):
		return 100
	case done <= 0:
		return 0
	}
	return done * 100 / DaysBetween(start, end)
}

// OwnerRecord is what one owner unit has filed on a task: its plan and its
// reports of any period.
type OwnerRecord struct {
	Unit    string // named in reasons when a task has several owners
	Plan    *Plan
	Reports []Report
}

// LightInput is everything a task's light depends on.
type LightInput struct {
	Today      notice.Date
	Start, End notice.Date // Span
	ClosedOn   notice.Date
	Periods    []Period // the notice's
	Owners     []OwnerRecord
	Tolerance  int
}

// severity orders lights from best to worst, to pick a task's light when
// several units own it.
var severity = map[LightState]int{LightNotStarted: 0, LightAhead: 1, LightOnPace: 2, LightLagging: 3, LightOverdue: 4}

// ComputeLight is a task's light and its reason. With several owners (a
// group's members each reporting), the worst owner's light is the task's.
func ComputeLight(in LightInput) Light {
	pace := Pace(in.Start, in.End, in.Today)
	if !in.ClosedOn.IsZero() {
		return Light{State: LightClosed, Reason: "已于" + MonthDay(in.ClosedOn, in.Today) + "办结", Pace: pace}
	}
	owners := in.Owners
	if len(owners) == 0 {
		owners = []OwnerRecord{{}}
	}
	var worst Light
	for i, o := range owners {
		l := ownerLight(in, o, pace)
		if len(owners) > 1 && o.Unit != "" {
			l.Reason = o.Unit + "：" + l.Reason
		}
		if i == 0 || severity[l.State] > severity[worst.State] {
			worst = l
		}
	}
	return worst
}

func ownerLight(in LightInput, o OwnerRecord, pace int) Light {
	l := Light{Pace: pace}
	filed := func(p Period) (State, bool) {
		if p.Kind == PeriodPlan {
			if o.Plan == nil {
				return "", false
			}
			return o.Plan.State, true
		}
		for _, r := range o.Reports {
			if r.PeriodID == p.ID {
				return r.State, true
			}
		}
		return "", false
	}
	periods := slices.Clone(in.Periods)
	slices.SortStableFunc(periods, func(a, b Period) int { return compareDates(a.Due, b.Due) })

	// 逾期: a report due and not submitted; else the deadline passed.
	var missing []Period
	for _, p := range periods {
		if !p.AppliesTo(in.End) || !p.Due.Before(in.Today) {
			continue
		}
		if st, ok := filed(p); !ok || st == Draft {
			missing = append(missing, p)
		}
	}
	if n := len(missing); n > 0 {
		p := missing[n-1]
		l.State = LightOverdue
		l.Reason = fmt.Sprintf("%s应报%s，未报送，已逾期%d天", MonthDay(p.Due, in.Today), p.What(), DaysBetween(p.Due, in.Today))
		if n > 1 {
			l.Reason += fmt.Sprintf("（共%d期未报）", n)
		}
		l.Percent = latestPercent(o.Reports, periods)
		return l
	}
	if in.End.Before(in.Today) {
		l.State = LightOverdue
		l.Reason = fmt.Sprintf("完成时限%s已过，尚未办结，已逾期%d天", MonthDay(in.End, in.Today), DaysBetween(in.End, in.Today))
		l.Percent = latestPercent(o.Reports, periods)
		return l
	}

	if len(periods) == 0 {
		l.State = LightNotStarted
		l.Reason = "尚未设置报送期"
		return l
	}
	first := periods[0]
	for _, p := range periods {
		if p.Start.Before(first.Start) {
			first = p
		}
	}
	if in.Today.Before(first.Start) {
		l.State = LightNotStarted
		l.Reason = fmt.Sprintf("首个报送期自%s开始", MonthDay(first.Start, in.Today))
		return l
	}

	// 欠进度: the latest report returned, a milestone missed, or behind pace.
	if r, p := latestReport(o.Reports, periods); r != nil && r.State == Returned {
		l.State = LightLagging
		l.Reason = p.What() + "被退回"
		if c := strings.TrimSpace(r.Comment); c != "" {
			l.Reason += "：" + c
		}
		l.Percent = r.Percent
		return l
	}
	if o.Plan != nil && o.Plan.State == Returned {
		l.State = LightLagging
		l.Reason = "落实方案被退回"
		if c := strings.TrimSpace(o.Plan.Comment); c != "" {
			l.Reason += "：" + c
		}
		return l
	}
	l.Percent = latestPercent(o.Reports, periods)
	if o.Plan != nil && o.Plan.State == Accepted {
		for _, m := range o.Plan.Milestones {
			if m.Percent == nil || !m.Due.Before(in.Today) {
				continue
			}
			if l.Percent == nil || *l.Percent < *m.Percent {
				l.State = LightLagging
				got := "未报进度"
				if l.Percent != nil {
					got = fmt.Sprintf("报告进度%d%%", *l.Percent)
				}
				l.Reason = fmt.Sprintf("时间节点%s应完成%d%%（%s），%s", MonthDay(m.Due, in.Today), *m.Percent, m.Result, got)
				return l
			}
		}
	}
	if l.Percent == nil {
		l.State = LightOnPace
		next := first
		for _, p := range periods {
			if p.AppliesTo(in.End) && !p.Due.Before(in.Today) {
				next = p
				break
			}
		}
		l.Reason = fmt.Sprintf("尚无已报进度，%s应于%s前报送", next.What(), MonthDay(next.Due, in.Today))
		return l
	}
	got, tol := *l.Percent, in.Tolerance
	switch {
	case got < pace-tol:
		l.State = LightLagging
		l.Reason = fmt.Sprintf("序时进度%d%%，报告进度%d%%，落后%d个百分点", pace, got, pace-got)
	case got >= pace+tol && got > pace:
		l.State = LightAhead
		l.Reason = fmt.Sprintf("序时进度%d%%，报告进度%d%%，超前%d个百分点", pace, got, got-pace)
	default:
		l.State = LightOnPace
		l.Reason = fmt.Sprintf("序时进度%d%%，报告进度%d%%", pace, got)
	}
	return l
}

// latestReport is the report of the latest period that has been filed
// (submitted, returned or accepted); drafts are not yet reported.
func latestReport(rs []Report, periods []Period) (*Report, Period) {
	for i := len(periods) - 1; i >= 0; i-- {
		for j := range rs {
			r := &rs[j]
			if r.PeriodID == periods[i].ID && r.State != Draft {
				return r, periods[i]
			}
		}
	}
	return nil, Period{}
}

// latestPercent is the percent complete of the latest report that was
// submitted or accepted (a returned report's figure is not believed).
func latestPercent(rs []Report, periods []Period) *int {
	for i := len(periods) - 1; i >= 0; i-- {
		for _, r := range rs {
			if r.PeriodID == periods[i].ID && (r.State == Submitted || r.State == Accepted) && r.Percent != nil {
				return r.Percent
			}
		}
	}
	return nil
}

func compareDates(a, b notice.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}
