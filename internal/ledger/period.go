package ledger

import (
	"fmt"
	"time"

	"duban/internal/notice"
)

// SchedulePeriods returns the reporting periods a notice's schedule sets:
// the plan period (due plan_due), a progress period for each due date the
// notice lists (or, with only a cycle, each month's or quarter's end),
// and the annual report. A period due before the notice was issued is
// left out (nothing can be reported for it); the first period starts no
// earlier than the issue date, so a monthly notice issued mid-month
// starts with the rest of that month. A notice with no schedule gets none.
func SchedulePeriods(s notice.Schedule, year int, issued notice.Date) []Period {
	if year == 0 {
		year = firstYear(issued, s.PlanDue, s.AnnualDue)
	}
	if year == 0 && len(s.ProgressDue) > 0 {
		year = s.ProgressDue[0].Y
	}
	if year == 0 {
		return nil
	}
	begin := notice.NewDate(year, time.January, 1)
	if !issued.IsZero() && begin.Before(issued) {
		begin = issued
	}
	var out []Period
	add := func(kind PeriodKind, label string, start, due notice.Date) {
		if !issued.IsZero() && due.Before(issued) {
			return
		}
		if start.Before(begin) {
			start = begin
		}
		if due.Before(start) {
			start = due
		}
		out = append(out, Period{Kind: kind, Label: label, Start: start, Due: due})
	}
	if !s.PlanDue.IsZero() {
		add(PeriodPlan, "落实方案", begin, s.PlanDue)
	}
	dues := s.ProgressDue
	if len(dues) == 0 {
		dues = cycleDues(s.Cycle, year, !s.AnnualDue.IsZero())
	}
	for _, due := range dues {
		label, start := coveredSpan(s.Cycle, due)
		add(PeriodProgress, label, start, due)
	}
	if !s.AnnualDue.IsZero() {
		add(PeriodAnnual, "年度", begin, s.AnnualDue)
	}
	return out
}

func firstYear(ds ...notice.Date) int {
	for _, d := range ds {
		if !d.IsZero() {
			return d.Y
		}
	}
	return 0
}

// cycleDues are the due dates of a cycle that lists none: each month's or
// quarter's last day. The last one is left to the annual report when
// there is one, as notices do ("12月底前报送全年完成情况").
func cycleDues(c notice.Cycle, year int, annual bool) []notice.Date {
	step := 0
	switch c {
	case notice.CycleMonthly:
		step = 1
	case notice.CycleQuarterly:
		step = 3
	default:
		return nil
	}
	var out []notice.Date
	for m := step; m <= 12; m += step {
		if annual && m == 12 {
			break
		}
		out = append(out, notice.NewDate(year, time.Month(m), notice.DaysIn(year, time.Month(m))))
	}
	return out
}

// coveredSpan names the month or quarter a progress report due on due
// covers, and when that span starts. A report due in the first ten days
// of a month ("每月5日前报送上月进展") covers the month before.
func coveredSpan(c notice.Cycle, due notice.Date) (string, notice.Date) {
	y, m := due.Y, due.M
	if due.D <= 10 {
		m--
		if m == 0 {
			y, m = y-1, 12
		}
	}
	if c == notice.CycleMonthly {
		return fmt.Sprintf("%d月", m), notice.NewDate(y, m, 1)
	}
	q := (int(m) + 2) / 3
	return "第" + quarterNames[q-1] + "季度", notice.NewDate(y, time.Month(3*q-2), 1)
}

var quarterNames = [...]string{"一", "二", "三", "四"}

// Opens is the day a period opens for reports: openDays before it is due.
func (p Period) Opens(openDays int) notice.Date {
	return AddDays(p.Due, -openDays)
}

// PeriodOpen reports whether reports may be filed for p today. A period
// opens openDays before it is due and stays open after, for late reports.
func PeriodOpen(p Period, openDays int, today notice.Date) bool {
	return !today.Before(p.Opens(openDays))
}

// Late reports whether a report for p filed on the given day is late.
func Late(p Period, filed notice.Date) bool { return p.Due.Before(filed) }

// AppliesTo reports whether a task due by deadline owes a report for p:
// the plan always; a progress or annual report only for a span that
// starts by the task's deadline (a task due in June owes nothing for the
// third quarter). A zero deadline runs to the year's end.
func (p Period) AppliesTo(deadline notice.Date) bool {
	return p.Kind == PeriodPlan || deadline.IsZero() || !deadline.Before(p.Start)
}

// What names what a period asks for: 落实方案, 第三季度进展, 年度进展.
func (p Period) What() string {
	if p.Kind == PeriodPlan {
		return p.Label
	}
	return p.Label + "进展"
}

// AddDays is d moved by n days.
func AddDays(d notice.Date, n int) notice.Date {
	t := d.Time(time.UTC).AddDate(0, 0, n)
	return notice.Date{Y: t.Year(), M: t.Month(), D: t.Day()}
}

// DaysBetween is the number of days from a to b (negative when b is
// earlier).
func DaysBetween(a, b notice.Date) int {
	return int(b.Time(time.UTC).Sub(a.Time(time.UTC)).Hours() / 24)
}

// Today is the calendar date of t in loc: the deployment's "today".
func Today(t time.Time, loc *time.Location) notice.Date {
	t = t.In(loc)
	return notice.Date{Y: t.Year(), M: t.Month(), D: t.Day()}
}

// MonthDay writes d as a person reads it in a reason: 9月30日, with the
// year when it is not the year of today.
func MonthDay(d, today notice.Date) string {
	if d.Y != today.Y {
		return fmt.Sprintf("%d年%d月%d日", d.Y, int(d.M), d.D)
	}
	return fmt.Sprintf("%d月%d日", int(d.M), d.D)
}
