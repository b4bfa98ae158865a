package notify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"duban/internal/notice"
)

func d(s string) notice.Date {
	v, err := notice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestWorkdayDefault2026(t *testing.T) {
	cal := DefaultCalendar()
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-01-01", false}, // 元旦, Thursday
		{"2026-01-04", true},  // 调休 Sunday
		{"2026-02-14", true},  // 调休 Saturday
		{"2026-02-23", false}, // 春节, Monday
		{"2026-02-24", true},
		{"2026-02-28", true}, // 调休 Saturday
		{"2026-04-06", false},
		{"2026-05-09", true},
		{"2026-06-19", false},
		{"2026-09-20", true}, // 调休 Sunday
		{"2026-09-25", false},
		{"2026-10-07", false},
		{"2026-10-08", true},
		{"2026-10-10", true},  // 调休 Saturday
		{"2026-10-11", false}, // plain Sunday
		{"2026-10-12", true},  // plain Monday
	} {
		if got := cal.Workday(d(tc.date)); got != tc.want {
			t.Errorf("Workday(%s) = %v, want %v", tc.date, got, tc.want)
		}
	}
	if name, ok := cal.Holiday(d("2026-10-03")); !ok || name != "国庆节" {
		t.Errorf("Holiday(2026-10-03) = %q, %v", name, ok)
	}
}

// The notice names the weekday of each date it lists; a typo in the
// table would break one of these.
func TestChina2026Weekdays(t *testing.T) {
	for date, wd := range map[string]time.Weekday{
		"2026-01-01": time.Thursday, "2026-01-03": time.Saturday, "2026-01-04": time.Sunday,
		"2026-02-15": time.Sunday, "2026-02-23": time.Monday, "2026-02-14": time.Saturday, "2026-02-28": time.Saturday,
		"2026-04-04": time.Saturday, "2026-04-06": time.Monday,
		"2026-05-01": time.Friday, "2026-05-05": time.Tuesday, "2026-05-09": time.Saturday,
		"2026-06-19": time.Friday, "2026-06-21": time.Sunday,
		"2026-09-25": time.Friday, "2026-09-27": time.Sunday,
		"2026-10-01": time.Thursday, "2026-10-07": time.Wednesday, "2026-09-20": time.Sunday, "2026-10-10": time.Saturday,
	} {
		if got := d(date).Time(time.UTC).Weekday(); got != wd {
			t.Errorf("%s is %v, the notice says %v", date, got, wd)
		}
	}
	// Days off per holiday as the notice counts them: 3, 9, 3, 5, 3, 3, 7.
	off := 0
	for _, e := range DefaultCalendar().Entries() {
		if e.Off {
			off += int(e.To.Time(time.UTC).Sub(e.From.Time(time.UTC)).Hours()/24) + 1
		}
	}
	if off != 33 {
		t.Errorf("days off = %d, want 33", off)
	}
}

func TestNilCalendar(t *testing.T) {
	var cal *Calendar
	if !cal.Workday(d("2026-10-01")) || cal.Workday(d("2026-10-03")) {
		t.Error("nil calendar should be Monday to Friday")
	}
	if got := cal.NextWorkday(d("2026-10-03")); got != d("2026-10-05") {
		t.Errorf("NextWorkday = %s", got)
	}
}

func TestWorkdayArithmetic(t *testing.T) {
	cal := DefaultCalendar()
	for _, tc := range []struct {
		name string
		got  notice.Date
		want string
	}{
		{"next on a workday", cal.NextWorkday(d("2026-09-30")), "2026-09-30"},
		{"next over 国庆", cal.NextWorkday(d("2026-10-01")), "2026-10-08"},
		{"prev over 国庆", cal.PrevWorkday(d("2026-10-07")), "2026-09-30"},
		{"prev on 调休 Sunday", cal.PrevWorkday(d("2026-09-20")), "2026-09-20"},
		{"+1 from 09-30", cal.AddWorkdays(d("2026-09-30"), 1), "2026-10-08"},
		{"+3 from 10-07 reaches 调休 Saturday", cal.AddWorkdays(d("2026-10-07"), 3), "2026-10-10"},
		{"-1 from 10-08", cal.AddWorkdays(d("2026-10-08"), -1), "2026-09-30"},
		{"+0", cal.AddWorkdays(d("2026-10-03"), 0), "2026-10-03"},
		{"+5 over a weekend", cal.AddWorkdays(d("2026-03-06"), 5), "2026-03-13"},
	} {
		if tc.got != d(tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if n := cal.WorkdaysBetween(d("2026-09-30"), d("2026-10-10")); n != 3 {
		t.Errorf("WorkdaysBetween(09-30, 10-10) = %d, want 3 (10-08, 10-09, 10-10)", n)
	}
	if n := cal.WorkdaysBetween(d("2026-10-10"), d("2026-10-01")); n != 0 {
		t.Errorf("WorkdaysBetween backwards = %d", n)
	}
}

func TestParseCalendar(t *testing.T) {
	text := "# 本市安排\n" +
		"2026-10-01..2026-10-07 休 国庆节 # 七天\n" +
		"\n" +
		"２０２６－１０－１０\u3000班\u3000国庆节调休\r\n" +
		"2026-06-19 ~ 2026-06-21 放假 端午节\n" +
		"2026-12-31 休\n" +
		"＃ 全角注释\n"
	cal, err := ParseCalendar(text)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Workday(d("2026-10-05")) || !cal.Workday(d("2026-10-10")) || cal.Workday(d("2026-06-20")) || cal.Workday(d("2026-12-31")) {
		t.Error("parsed days wrong")
	}
	want := "2026-06-19..2026-06-21 休 端午节\n" +
		"2026-10-01..2026-10-07 休 国庆节\n" +
		"2026-10-10 班 国庆节调休\n" +
		"2026-12-31 休\n"
	if got := cal.Format(); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	again, err := ParseCalendar(cal.Format())
	if err != nil || again.Format() != want {
		t.Errorf("round trip: %v\n%s", err, again.Format())
	}
	def := DefaultCalendar()
	if again, err := ParseCalendar(def.Format()); err != nil || again.Format() != def.Format() {
		t.Errorf("default round trip: %v", err)
	}
}

func TestParseCalendarNamesKeptAsWritten(t *testing.T) {
	cal, err := ParseCalendar("2026-10-01 休 【國慶】 节日")
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := cal.Holiday(d("2026-10-01")); name != "【國慶】 节日" {
		t.Errorf("name = %q", name)
	}
}

func TestParseCalendarErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"2026-10-01 休\n2026-13-01 休", []string{"第2行：", "“2026-13-01”不是日期"}},
		{"2026-10-01", []string{"第1行：", "缺少“休”或“班”"}},
		{"2026-10-01 上学", []string{"第1行：", "“上学”应为“休”或“班”"}},
		{"2026-10-07..2026-10-01 休", []string{"第1行：", "早于开始日期"}},
		{"2026-10-01..2062-10-01 休", []string{"第1行：", "超过366天"}},
		{"2026-10-01..2026-10-07 休\n# x\n2026-10-03 班", []string{"第3行：", "与第1行矛盾"}},
		{"国庆 休", []string{"第1行：", "不是日期"}},
	} {
		_, err := ParseCalendar(tc.text)
		if err == nil {
			t.Errorf("%q: no error", tc.text)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %q lacks %q", tc.text, err, w)
			}
		}
		var le *LineError
		if !errors.As(err, &le) {
			t.Errorf("%q: not a *LineError", tc.text)
		}
	}
	// Every bad line is reported, not just the first.
	_, err := ParseCalendar("x 休\n2026-10-01 休\ny 班")
	if err == nil || !strings.Contains(err.Error(), "第1行") || !strings.Contains(err.Error(), "第3行") {
		t.Errorf("all errors: %v", err)
	}
}

func TestFormatNamesFromCode(t *testing.T) {
	cal := NewCalendar(Entry{From: d("2026-12-24"), To: d("2026-12-25"), Off: true, Name: "年终#盘点\n第二行"})
	if got := cal.Format(); got != "2026-12-24..2026-12-25 休 年终盘点 第二行\n" {
		t.Errorf("Format = %q", got)
	}
	if _, err := ParseCalendar(cal.Format()); err != nil {
		t.Error(err)
	}
}
