// Package notify decides when reminders (催办) are due and sends them: a
// working-day calendar with 调休, the reminder schedule, digest rendering
// and the DingTalk, WeCom, e-mail and webhook senders. It holds no state
// and touches no database; the job queue that calls it does.
package notify

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/units"
)

// Calendar says which days are working days: Monday to Friday, except
// the holidays it lists, plus the weekend days it lists as working days
// (调休上班). The zero Calendar and a nil *Calendar know no holidays.
type Calendar struct {
	days map[notice.Date]calDay
}

type calDay struct {
	off  bool
	name string
}

// Entry is one line of a calendar's text: the days From through To (the
// same day for a single date) off or worked, and what for.
type Entry struct {
	From, To notice.Date
	Off      bool
	Name     string
}

// NewCalendar returns a calendar of the given entries; later entries win.
func NewCalendar(entries ...Entry) *Calendar {
	c := &Calendar{}
	for _, e := range entries {
		c.Set(e)
	}
	return c
}

// Set marks the days of e off or worked. A calendar being read by
// schedulers is not to be Set: build a new one and swap it.
func (c *Calendar) Set(e Entry) {
	if c.days == nil {
		c.days = map[notice.Date]calDay{}
	}
	to := e.To
	if to.IsZero() || to.Before(e.From) {
		to = e.From
	}
	for d := e.From; !to.Before(d); d = ledger.AddDays(d, 1) {
		c.days[d] = calDay{off: e.Off, name: e.Name}
	}
}

// Workday reports whether d is a working day.
func (c *Calendar) Workday(d notice.Date) bool {
	if c != nil {
		if day, ok := c.days[d]; ok {
			return !day.off
		}
	}
	wd := d.Time(time.UTC).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday returns the name of the holiday d falls in, if the calendar
// lists d as a day off.
func (c *Calendar) Holiday(d notice.Date) (string, bool) {
	if c == nil {
		return "", false
	}
	day, ok := c.days[d]
	if !ok || !day.off {
		return "", false
	}
	return day.name, true
}

// NextWorkday is d when d is a working day, else the first working day
// after it.
func (c *Calendar) NextWorkday(d notice.Date) notice.Date {
	for !c.Workday(d) {
		d = ledger.AddDays(d, 1)
	}
	return d
}

// PrevWorkday is d when d is a working day, else the last working day
// before it.
func (c *Calendar) PrevWorkday(d notice.Date) notice.Date {
	for !c.Workday(d) {
		d = ledger.AddDays(d, -1)
	}
	return d
}

// AddWorkdays is the n-th working day after d (before it when n is
// negative), not counting d itself; n == 0 gives d.
func (c *Calendar) AddWorkdays(d notice.Date, n int) notice.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = ledger.AddDays(d, step)
		if c.Workday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after a up to and including b
// (0 when b is not after a): how many working days late something due on
// a is on b.
func (c *Calendar) WorkdaysBetween(a, b notice.Date) int {
	n := 0
	for d := ledger.AddDays(a, 1); !b.Before(d); d = ledger.AddDays(d, 1) {
		if c.Workday(d) {
			n++
		}
	}
	return n
}

// Entries lists the calendar's days in date order, runs of consecutive
// days of the same kind and name joined into one entry.
func (c *Calendar) Entries() []Entry {
	if c == nil || len(c.days) == 0 {
		return nil
	}
	dates := make([]notice.Date, 0, len(c.days))
	for d := range c.days {
		dates = append(dates, d)
	}
	slices.SortFunc(dates, compareDate)
	var out []Entry
	for _, d := range dates {
		day := c.days[d]
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.Off == day.off && last.Name == day.name && ledger.AddDays(last.To, 1) == d {
				last.To = d
				continue
			}
		}
		out = append(out, Entry{From: d, To: d, Off: day.off, Name: day.name})
	}
	return out
}

// Format writes the calendar as ParseCalendar reads it, one entry a line
// in date order. Comments of the text it was parsed from are not kept.
func (c *Calendar) Format() string {
	var b strings.Builder
	for _, e := range c.Entries() {
		b.WriteString(e.From.String())
		if e.To != e.From {
			b.WriteString("..")
			b.WriteString(e.To.String())
		}
		if e.Off {
			b.WriteString(" 休")
		} else {
			b.WriteString(" 班")
		}
		// A name set by code may hold what the parser reads as a comment
		// or a line's end.
		if name := calName.Replace(oneLine(e.Name)); name != "" {
			b.WriteString(" ")
			b.WriteString(name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

var calName = strings.NewReplacer("#", "", "＃", "")

// LineError is a calendar text's error on one line.
type LineError struct {
	Line int // from 1
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("第%d行：%s", e.Line, e.Msg) }

// maxRange bounds one line's range, so a typo in a year
// (2026-10-01..2062-10-07) is an error, not a calendar of decades off.
const maxRange = 366

// ParseCalendar reads a calendar's text, one entry a line:
//
//	# 2026年
//	2026-10-01..2026-10-07 休 国庆节
//	2026-10-10 班 国庆节调休
//
// A line is a date or a range (.. ~ ～ 至 between two dates), 休 (also 假,
// 放假, 休息) or 班 (also 上班, 补班, 调休上班), and an optional name. Full-width
// digits and spaces are read as half-width; # or ＃ starts a comment. It
// returns every line's error, each naming its line.
func ParseCalendar(text string) (*Calendar, error) {
	c := &Calendar{}
	var errs []error
	seen := map[notice.Date]int{} // date → line that set it
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if k := strings.IndexAny(line, "#＃"); k >= 0 {
			line = line[:k]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		e, err := parseEntry(line)
		if err != nil {
			errs = append(errs, &LineError{n, err.Error()})
			continue
		}
		conflict := 0
		for d := e.From; !e.To.Before(d); d = ledger.AddDays(d, 1) {
			if prev, ok := seen[d]; ok && c.days[d].off != e.Off {
				conflict = prev
				break
			}
		}
		if conflict != 0 {
			errs = append(errs, &LineError{n, fmt.Sprintf("与第%d行矛盾：同一天既休又班", conflict)})
			continue
		}
		for d := e.From; !e.To.Before(d); d = ledger.AddDays(d, 1) {
			seen[d] = n
		}
		c.Set(e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// reEntry is a calendar line, folded: a date or range, the kind word, and
// the rest (the name).
var reEntry = regexp.MustCompile(`^\s*(\S+?)\s*(?:(?:\.\.|~|至|--)\s*(\S+?))?(?:\s+(\S+)(?:\s+(.*?))?)?\s*$`)

func parseEntry(line string) (Entry, error) {
	var e Entry
	folded := units.FoldString(strings.TrimRight(line, "\r"))
	m := reEntry.FindStringSubmatchIndex(folded)
	if m == nil {
		return e, errors.New("无法识别，应写作“2026-10-01 休 国庆节”")
	}
	get := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return folded[m[2*i]:m[2*i+1]]
	}
	var err error
	if e.From, err = parseCalDate(get(1)); err != nil {
		return e, err
	}
	e.To = e.From
	if get(2) != "" {
		if e.To, err = parseCalDate(get(2)); err != nil {
			return e, err
		}
	}
	if e.To.Before(e.From) {
		return e, fmt.Errorf("结束日期 %s 早于开始日期 %s", e.To, e.From)
	}
	if ledger.DaysBetween(e.From, e.To) >= maxRange {
		return e, fmt.Errorf("日期范围超过%d天，请检查年份", maxRange)
	}
	switch kind := get(3); kind {
	case "休", "假", "放假", "休息", "休假":
		e.Off = true
	case "班", "上班", "补班", "调休上班":
	case "":
		return e, errors.New("日期后缺少“休”或“班”")
	default:
		return e, fmt.Errorf("“%s”应为“休”或“班”", kind)
	}
	// The name as written, not folded: cut the original at the same rune.
	if m[8] >= 0 {
		at := utf8.RuneCountInString(folded[:m[8]])
		e.Name = strings.Join(strings.Fields(string([]rune(line)[at:])), " ")
	}
	return e, nil
}

func parseCalDate(s string) (notice.Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return notice.Date{}, fmt.Errorf("“%s”不是日期，应写作 2026-10-01", s)
	}
	return notice.Date{Y: t.Year(), M: t.Month(), D: t.Day()}, nil
}

func compareDate(a, b notice.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// China2026 is the 2026 arrangement of the State Council's 国务院办公厅关于
// 2026年部分节假日安排的通知 (国办发明电, 2025-11-04,
// https://www.gov.cn/zhengce/content/202511/content_7047090.htm).
const China2026 = `# 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）
2026-01-01..2026-01-03 休 元旦
2026-01-04 班 元旦调休
2026-02-14 班 春节调休
2026-02-15..2026-02-23 休 春节
2026-02-28 班 春节调休
2026-04-04..2026-04-06 休 清明节
2026-05-01..2026-05-05 休 劳动节
2026-05-09 班 劳动节调休
2026-06-19..2026-06-21 休 端午节
2026-09-20 班 国庆节调休
2026-09-25..2026-09-27 休 中秋节
2026-10-01..2026-10-07 休 国庆节
2026-10-10 班 国庆节调休
`

// DefaultCalendar is the calendar of the published arrangements (2026).
// Years it does not cover are plain Monday-to-Friday weeks until an
// office adds them.
func DefaultCalendar() *Calendar {
	c, err := ParseCalendar(China2026)
	if err != nil {
		panic(err)
	}
	return c
}
