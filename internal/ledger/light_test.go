package ledger

import (
	"strings"
	"testing"

	"duban/internal/notice"
)

func d(s string) notice.Date {
	v, err := notice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func pct(n int) *int { return &n }

func TestSchedulePeriods(t *testing.T) {
	quarterly := notice.Schedule{
		PlanDue:     d("2024-03-10"),
		Cycle:       notice.CycleQuarterly,
		ProgressDue: []notice.Date{d("2024-03-31"), d("2024-06-30"), d("2024-09-30")},
		AnnualDue:   d("2024-12-31"),
	}
	cases := []struct {
		name   string
		s      notice.Schedule
		year   int
		issued notice.Date
		want   []string // kind label start due
	}{
		{"quarterly with a plan, leap year", quarterly, 2024, d("2024-02-29"), []string{
			"plan 落实方案 2024-02-29 2024-03-10",
			"progress 第一季度 2024-02-29 2024-03-31",
			"progress 第二季度 2024-04-01 2024-06-30",
			"progress 第三季度 2024-07-01 2024-09-30",
			"annual 年度 2024-02-29 2024-12-31",
		}},
		{"monthly issued mid-month, cycle only", notice.Schedule{Cycle: notice.CycleMonthly, AnnualDue: d("2023-12-25")}, 2023, d("2023-09-15"), []string{
			"progress 9月 2023-09-15 2023-09-30",
			"progress 10月 2023-10-01 2023-10-31",
			"progress 11月 2023-11-01 2023-11-30",
			"annual 年度 2023-09-15 2023-12-25",
		}},
		{"reports due early in a month cover the month before", notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{d("2023-04-05"), d("2023-07-05")}}, 2023, d("2023-01-20"), []string{
			"progress 第一季度 2023-01-20 2023-04-05",
			"progress 第二季度 2023-04-01 2023-07-05",
		}},
		{"dates before the issue are left out", notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{d("2023-03-25"), d("2023-06-25")}}, 2023, d("2023-05-01"), []string{
			"progress 第二季度 2023-05-01 2023-06-25",
		}},
		{"no schedule, no periods", notice.Schedule{}, 2023, d("2023-02-01"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, p := range SchedulePeriods(c.s, c.year, c.issued) {
				got = append(got, strings.Join([]string{string(p.Kind), p.Label, p.Start.String(), p.Due.String()}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestPeriodOpenAndLate(t *testing.T) {
	p := Period{Kind: PeriodProgress, Label: "第一季度", Start: d("2024-01-01"), Due: d("2024-03-31")}
	for _, c := range []struct {
		today      string
		open, late bool
	}{
		{"2024-03-20", false, false},
		{"2024-03-21", true, false},
		{"2024-03-31", true, false},
		{"2024-04-01", true, true}, // stays open, and a report now is late
	} {
		if got := PeriodOpen(p, 10, d(c.today)); got != c.open {
			t.Errorf("%s: open %v, want %v", c.today, got, c.open)
		}
		if got := Late(p, d(c.today)); got != c.late {
			t.Errorf("%s: late %v, want %v", c.today, got, c.late)
		}
	}
}

func TestPace(t *testing.T) {
	for _, c := range []struct {
		start, end, today string
		want              int
	}{
		{"2024-01-01", "2024-12-31", "2024-12-31", 100},
		{"2024-01-01", "2024-12-31", "2023-12-01", 0},
		{"2024-01-01", "2024-12-31", "2024-07-01", 49},  // leap year: 182 of 365 days
		{"2023-01-01", "2023-12-31", "2023-07-02", 50},  // 182 of 364
		{"2024-03-01", "2024-03-01", "2024-03-01", 100}, // a one-day task
		{"2024-01-01", "2024-06-30", "2024-09-30", 100},
	} {
		if got := Pace(d(c.start), d(c.end), d(c.today)); got != c.want {
			t.Errorf("Pace(%s, %s, %s) = %d, want %d", c.start, c.end, c.today, got, c.want)
		}
	}
}

func TestComputeLight(t *testing.T) {
	periods := []Period{
		{ID: 1, Kind: PeriodPlan, Label: "落实方案", Start: d("2024-02-29"), Due: d("2024-03-10")},
		{ID: 2, Kind: PeriodProgress, Label: "第一季度", Start: d("2024-02-29"), Due: d("2024-03-31")},
		{ID: 3, Kind: PeriodProgress, Label: "第二季度", Start: d("2024-04-01"), Due: d("2024-06-30")},
		{ID: 4, Kind: PeriodProgress, Label: "第三季度", Start: d("2024-07-01"), Due: d("2024-09-30")},
		{ID: 5, Kind: PeriodAnnual, Label: "年度", Start: d("2024-02-29"), Due: d("2024-12-31")},
	}
	accepted := &Plan{State: Accepted}
	rep := func(period int64, st State, percent int) Report {
		return Report{PeriodID: period, State: st, Percent: pct(percent)}
	}
	start, end := d("2024-02-29"), d("2024-12-31")
	cases := []struct {
		name      string
		today     string
		end       notice.Date
		closed    notice.Date
		periods   []Period
		owners    []OwnerRecord
		want      LightState
		reason    string
		tolerance int
	}{
		{name: "before the first period", today: "2024-02-20", periods: periods,
			want: LightNotStarted, reason: "首个报送期自2月29日开始"},
		{name: "no periods set", today: "2024-05-01",
			want: LightNotStarted, reason: "尚未设置报送期"},
		{name: "closed task", today: "2024-10-10", closed: d("2024-09-28"), periods: periods,
			want: LightClosed, reason: "已于9月28日办结"},
		{name: "plan not filed after its due date", today: "2024-03-12", periods: periods,
			want: LightOverdue, reason: "3月10日应报落实方案，未报送，已逾期2天"},
		{name: "third quarter not reported", today: "2024-10-03", periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 20), rep(3, Accepted, 50), rep(4, Draft, 70)}}},
			want:   LightOverdue, reason: "9月30日应报第三季度进展，未报送，已逾期3天"},
		{name: "behind pace", today: "2024-09-30", periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 20), rep(3, Accepted, 50)}}},
			want:   LightLagging, reason: "序时进度69%，报告进度50%，落后19个百分点"},
		{name: "on pace", today: "2024-07-01", periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 20), rep(3, Submitted, 40)}}},
			want:   LightOnPace, reason: "序时进度40%，报告进度40%"},
		{name: "ahead of pace", today: "2024-07-01", periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 20), rep(3, Submitted, 60)}}},
			want:   LightAhead, reason: "序时进度40%，报告进度60%，超前20个百分点"},
		{name: "returned report", today: "2024-07-02", periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 20), {PeriodID: 3, State: Returned, Percent: pct(45), Comment: "请补充资金到位情况"}}}},
			want:   LightLagging, reason: "第二季度进展被退回：请补充资金到位情况"},
		{name: "missed milestone", today: "2024-05-02", periods: periods,
			owners: []OwnerRecord{{
				Plan:    &Plan{State: Accepted, Milestones: []Milestone{{Due: d("2024-04-30"), Result: "完成招标", Percent: pct(40)}}},
				Reports: []Report{rep(2, Accepted, 25)}}},
			want: LightLagging, reason: "时间节点4月30日应完成40%（完成招标），报告进度25%"},
		{name: "a returned plan's milestones do not count", today: "2024-05-02", periods: periods,
			owners: []OwnerRecord{{
				Plan:    &Plan{State: Returned, Comment: "节点不具体", Milestones: []Milestone{{Due: d("2024-04-30"), Percent: pct(90)}}},
				Reports: []Report{rep(2, Accepted, 25)}}},
			want: LightLagging, reason: "落实方案被退回：节点不具体"},
		{name: "deadline before the period: nothing owed after it, but overdue unclosed", today: "2024-10-03", end: d("2024-06-30"), periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 40), rep(3, Accepted, 100)}}},
			want:   LightOverdue, reason: "完成时限6月30日已过，尚未办结，已逾期95天"},
		{name: "deadline before the period, not yet passed, nothing owed for later quarters", today: "2024-06-15", end: d("2024-06-30"), periods: periods,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 60)}}},
			want:   LightLagging, reason: "序时进度87%，报告进度60%，落后27个百分点"},
		{name: "several owners: the worst, named", today: "2024-07-02", periods: periods,
			owners: []OwnerRecord{
				{Unit: "郑州市", Plan: accepted, Reports: []Report{rep(2, Accepted, 20), rep(3, Accepted, 45)}},
				{Unit: "开封市", Plan: accepted, Reports: []Report{rep(2, Accepted, 20)}},
			},
			want: LightOverdue, reason: "开封市：6月30日应报第二季度进展，未报送，已逾期2天"},
		{name: "tolerance set by the office", today: "2024-07-01", periods: periods, tolerance: 30,
			owners: []OwnerRecord{{Plan: accepted, Reports: []Report{rep(2, Accepted, 20), rep(3, Submitted, 15)}}},
			want:   LightOnPace, reason: "序时进度40%，报告进度15%"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := end
			if !c.end.IsZero() {
				e = c.end
			}
			tol := c.tolerance
			if tol == 0 {
				tol = DefaultTolerance
			}
			l := ComputeLight(LightInput{Today: d(c.today), Start: start, End: e, ClosedOn: c.closed,
				Periods: c.periods, Owners: c.owners, Tolerance: tol})
			if l.State != c.want || l.Reason != c.reason {
				t.Errorf("got %s %q, want %s %q", l.State, l.Reason, c.want, c.reason)
			}
		})
	}
}
