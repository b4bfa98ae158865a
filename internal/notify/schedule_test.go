package notify

import (
	"slices"
	"strings"
	"testing"
	"time"

	"duban/internal/ledger"
)

// dueSteps lists "date key" for every day from..through that Due sends on.
func dueSteps(r Rules, it Item, from, through string) []string {
	cal := DefaultCalendar()
	var out []string
	for day := d(from); !d(through).Before(day); day = ledger.AddDays(day, 1) {
		if s, ok := Due(r, cal, it, day); ok {
			out = append(out, day.String()+" "+s.Key)
		}
	}
	return out
}

func TestDue(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		name     string
		due      string
		from, to string
		want     []string
	}{
		{
			// Sunday: 0 and 7 days before fall on weekends, so Friday.
			name: "due on a Sunday", due: "2026-03-15", from: "2026-03-01", to: "2026-03-20",
			want: []string{
				"2026-03-06 remind-7", "2026-03-12 remind-3", "2026-03-13 remind-0",
				"2026-03-16 urge-2026-03-16", "2026-03-17 urge-2026-03-17", "2026-03-18 escalate",
				"2026-03-19 urge-2026-03-19", "2026-03-20 urge-2026-03-20",
			},
		},
		{
			// 10-05 is 国庆: the day-of reminder and the 3-day one both go
			// on 09-30, the last workday before; the nearer one is sent.
			// Escalation on the third workday late is the 调休 Saturday.
			name: "due on a holiday", due: "2026-10-05", from: "2026-09-20", to: "2026-10-12",
			want: []string{
				"2026-09-28 remind-7", "2026-09-30 remind-0",
				"2026-10-08 urge-2026-10-08", "2026-10-09 urge-2026-10-09", "2026-10-10 escalate",
				"2026-10-12 urge-2026-10-12",
			},
		},
		{
			// A working Saturday is a due day like any other.
			name: "due on a working Saturday", due: "2026-10-10", from: "2026-09-25", to: "2026-10-16",
			want: []string{
				"2026-09-30 remind-3", "2026-10-10 remind-0",
				"2026-10-12 urge-2026-10-12", "2026-10-13 urge-2026-10-13", "2026-10-14 escalate",
				"2026-10-15 urge-2026-10-15", "2026-10-16 urge-2026-10-16",
			},
		},
		{
			// 09-20 (Sunday) is a 调休 working day: the 7-day reminder
			// goes on it, not on the Friday before. The due day is in 中秋
			// (09-25..27), so the day-of reminder moves onto the 3-day one.
			name: "reminder on a 调休 Sunday", due: "2026-09-27", from: "2026-09-15", to: "2026-09-27",
			want: []string{"2026-09-20 remind-7", "2026-09-24 remind-0"},
		},
		{
			// Escalation counts workdays: Thursday due, Fri=1, Mon=2, Tue=3.
			name: "escalation over a weekend", due: "2026-03-12", from: "2026-03-13", to: "2026-03-17",
			want: []string{"2026-03-13 urge-2026-03-13", "2026-03-16 urge-2026-03-16", "2026-03-17 escalate"},
		},
		{
			// 清明 04-04..04-06: Fri=1, Tue=2, Wed=3.
			name: "escalation over 清明", due: "2026-04-02", from: "2026-04-03", to: "2026-04-08",
			want: []string{"2026-04-03 urge-2026-04-03", "2026-04-07 urge-2026-04-07", "2026-04-08 escalate"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := Item{Kind: KindReport, TaskID: 1, UnitID: 2, PeriodID: 3, Due: d(tc.due)}
			got := dueSteps(r, it, tc.from, tc.to)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestDueStepFields(t *testing.T) {
	cal := DefaultCalendar()
	it := Item{Kind: KindPlan, TaskID: 7, UnitID: 8, PeriodID: 9, Due: d("2026-03-12")}
	s, ok := Due(DefaultRules(), cal, it, d("2026-03-17"))
	if !ok || s.Kind != StepEscalate || !s.Escalate || s.Days != 3 ||
		s.Audience != AudienceUnit|AudienceLeader|AudienceOffice {
		t.Errorf("escalation = %+v, %v", s, ok)
	}
	s, ok = Due(DefaultRules(), cal, it, d("2026-03-16"))
	if !ok || s.Kind != StepUrge || s.Escalate || s.Days != 2 || s.Audience != AudienceUnit {
		t.Errorf("urge = %+v, %v", s, ok)
	}
	if got := JobKey(it, s, "dingtalk"); got != "plan:7:8:9:urge-2026-03-16:dingtalk" {
		t.Errorf("JobKey = %q", got)
	}
	s, ok = Due(DefaultRules(), cal, it, d("2026-03-09"))
	if !ok || s.Kind != StepRemind || s.Days != 3 || s.Audience != AudienceUnit {
		t.Errorf("remind = %+v, %v", s, ok)
	}
}

func TestDueNothing(t *testing.T) {
	cal := DefaultCalendar()
	r := DefaultRules()
	done := Item{Kind: KindReport, Due: d("2026-03-12"), Done: true}
	if s, ok := Due(r, cal, done, d("2026-03-13")); ok {
		t.Errorf("done item: %+v", s)
	}
	if s, ok := Due(r, cal, Item{Kind: KindReport}, d("2026-03-13")); ok {
		t.Errorf("no due date: %+v", s)
	}
	late := Item{Kind: KindReport, Due: d("2026-03-12")}
	if s, ok := Due(r, cal, late, d("2026-03-14")); ok {
		t.Errorf("Saturday: %+v", s)
	}
}

func TestDueRuleVariants(t *testing.T) {
	it := Item{Kind: KindResubmit, Due: d("2026-03-12")}
	once := DefaultRules()
	once.UrgeEveryWorkday = false
	got := dueSteps(once, it, "2026-03-13", "2026-03-20")
	want := []string{"2026-03-13 urge-2026-03-13", "2026-03-17 escalate"}
	if !slices.Equal(got, want) {
		t.Errorf("urge once: %v", got)
	}
	never := DefaultRules()
	never.EscalateAfter = 0
	never.RemindBefore = []int{1, 1, -2}
	got = dueSteps(never, it, "2026-03-10", "2026-03-17")
	want = []string{"2026-03-11 remind-1", "2026-03-13 urge-2026-03-13", "2026-03-16 urge-2026-03-16", "2026-03-17 urge-2026-03-17"}
	if !slices.Equal(got, want) {
		t.Errorf("no escalation: %v", got)
	}
}

func TestStepsBetween(t *testing.T) {
	it := Item{Kind: KindReport, Due: d("2026-10-05")}
	var keys []string
	for _, s := range StepsBetween(DefaultRules(), DefaultCalendar(), it, d("2026-10-07"), d("2026-10-12")) {
		keys = append(keys, s.Key)
	}
	want := []string{"urge-2026-10-08", "urge-2026-10-09", "escalate", "urge-2026-10-12"}
	if !slices.Equal(keys, want) {
		t.Errorf("StepsBetween = %v", keys)
	}
}

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func TestQuiet(t *testing.T) {
	r := DefaultRules()
	noon := Rules{QuietFrom: 12 * 60, QuietTo: 13 * 60}
	for _, tc := range []struct {
		r    Rules
		t    string
		want bool
	}{
		{r, "2026-03-11 19:59:59", false},
		{r, "2026-03-11 20:00:00", true},
		{r, "2026-03-11 23:59:00", true},
		{r, "2026-03-12 00:00:00", true},
		{r, "2026-03-12 07:59:59", true},
		{r, "2026-03-12 08:00:00", false},
		{noon, "2026-03-12 11:59:00", false},
		{noon, "2026-03-12 12:00:00", true},
		{noon, "2026-03-12 13:00:00", false},
		{Rules{QuietFrom: 600, QuietTo: 600}, "2026-03-12 10:00:00", false},
	} {
		if got := Quiet(tc.r, at(tc.t)); got != tc.want {
			t.Errorf("Quiet(%d–%d, %s) = %v", tc.r.QuietFrom, tc.r.QuietTo, tc.t, got)
		}
	}
}

func TestNextSendTime(t *testing.T) {
	cal := DefaultCalendar()
	r := DefaultRules()
	noon := Rules{QuietFrom: 12 * 60, QuietTo: 13 * 60}
	for _, tc := range []struct {
		r        Rules
		from     string
		want     string
		whatever string
	}{
		{r, "2026-03-11 19:59:00", "2026-03-11 19:59:00", "before quiet"},
		{r, "2026-03-11 20:00:00", "2026-03-12 08:00:00", "quiet starts"},
		{r, "2026-03-12 07:59:00", "2026-03-12 08:00:00", "quiet ends"},
		{r, "2026-03-12 08:00:00", "2026-03-12 08:00:00", "at the end of quiet"},
		{r, "2026-03-12 00:30:00", "2026-03-12 08:00:00", "after midnight"},
		{r, "2026-03-13 21:00:00", "2026-03-16 08:00:00", "Friday night to Monday"},
		{r, "2026-03-14 10:00:00", "2026-03-16 08:00:00", "Saturday"},
		{r, "2026-09-30 20:30:00", "2026-10-08 08:00:00", "into 国庆"},
		{r, "2026-10-10 09:00:00", "2026-10-10 09:00:00", "调休 Saturday"},
		{r, "2026-10-09 22:00:00", "2026-10-10 08:00:00", "to a 调休 Saturday"},
		{r, "2026-10-11 10:00:00", "2026-10-12 08:00:00", "plain Sunday"},
		{noon, "2026-03-12 12:30:00", "2026-03-12 13:00:00", "noon quiet"},
		{noon, "2026-03-14 12:30:00", "2026-03-16 00:00:00", "noon quiet on Saturday"},
	} {
		got := NextSendTime(tc.r, cal, at(tc.from))
		if !got.Equal(at(tc.want)) || got.Location() != cst {
			t.Errorf("%s: NextSendTime(%s) = %s, want %s", tc.whatever, tc.from, got, tc.want)
		}
	}
}

func TestRulesValidate(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := Rules{RemindBefore: []int{-1}, EscalateAfter: 99, QuietFrom: 24 * 60}
	err := bad.Validate()
	for _, w := range []string{"提前提醒天数 -1", "逾期升级工作日数 99", "免打扰时段"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Validate: %v lacks %q", err, w)
		}
	}
}
