package store

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/notice"
)

// Dashboard is where a notice's year stands, for the tasks a scope sees:
// the period's figures (the overview's and the circular's, by the same
// code), lights by chapter, each period's lights on its due date, the
// quantified targets against their goals and pace, and the due dates to
// come.
type Dashboard struct {
	Notice   *NoticeInfo
	Period   *ledger.Period // the period the figures are of; nil when none is open
	Periods  []ledger.Period
	Facts    *circular.Facts // tally, units ranked, lagging tasks
	Headings []HeadingLights
	Trend    []PeriodLights
	Targets  []TargetProgress
	Calendar []DueDay
}

// HeadingLights are a chapter's tasks by light.
type HeadingLights struct {
	Heading string
	circular.Tally
}

// PeriodLights are the tasks' lights on a past period's due date.
type PeriodLights struct {
	Period ledger.Period
	circular.Tally
}

// TargetProgress is one quantified target: its goal, the latest actual a
// report gave for it and how far along that is, against 序时进度.
type TargetProgress struct {
	TaskID    int64
	Task      string // the task's number as pages name it
	Indicator string
	Goal      float64
	Unit      string
	Actual    string   // as reported
	Percent   *float64 // the actual as a share of the goal, when both are numbers
	Pace      int
}

// DueDay is a day to come on which something is due.
type DueDay struct {
	Date      notice.Date
	Periods   []ledger.Period // reporting deadlines
	Deadlines int             // tasks whose completion deadline it is
}

// Count is how many things fall due that day.
func (d DueDay) Count() int { return len(d.Periods) + d.Deadlines }

// CalendarDays is how far ahead the calendar looks.
const CalendarDays = 92

// NoticeDashboard computes a notice's dashboard for a period (0: the
// current one) over the tasks sc sees.
func (s *Store) NoticeDashboard(ctx context.Context, noticeID, periodID int64, sc ledger.Scope) (*Dashboard, error) {
	f, ts, o, err := s.facts(ctx, noticeID, periodID, sc)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Period: o.Period, Facts: f}
	if d.Notice, err = s.Notice(ctx, noticeID, sc); err != nil {
		return nil, err
	}
	if d.Periods, err = s.Periods(ctx, noticeID); err != nil {
		return nil, err
	}
	byHeading := map[string]*HeadingLights{}
	for _, t := range ts {
		h := "" // the ledger's heading filter: the first level of the path
		if len(t.Path) > 0 {
			h = t.Path[0]
		}
		hl := byHeading[h]
		if hl == nil {
			hl = &HeadingLights{Heading: h}
			byHeading[h] = hl
			d.Headings = append(d.Headings, HeadingLights{Heading: h})
		}
		hl.Count(t.Light.State)
	}
	for i := range d.Headings {
		d.Headings[i] = *byHeading[d.Headings[i].Heading]
	}
	if d.Trend, err = s.trend(ctx, noticeID, ts, d.Periods); err != nil {
		return nil, err
	}
	if d.Targets, err = s.targets(ctx, ts); err != nil {
		return nil, err
	}
	d.Calendar = calendar(ts, d.Periods, s.today())
	return d, nil
}

// trend is each past progress period's lights on its due date, for ts.
// A task's light on a past day does not change with what is filed later,
// so it is computed once (period_lights) and read after.
func (s *Store) trend(ctx context.Context, noticeID int64, ts []*ledger.Task, ps []ledger.Period) ([]PeriodLights, error) {
	today := s.today()
	var out []PeriodLights
	for _, p := range ps {
		if p.Kind == ledger.PeriodPlan || !p.Due.Before(today) {
			continue
		}
		have := map[int64]ledger.LightState{}
		err := eachRow(ctx, s.r(), "SELECT task_id, light FROM period_lights WHERE period_id = ?", []any{p.ID}, func(sc func(...any) error) error {
			var id int64
			var l string
			err := sc(&id, &l)
			have[id] = ledger.LightState(l)
			return err
		})
		if err != nil {
			return nil, err
		}
		var missing []int64
		for _, t := range ts {
			if _, ok := have[t.ID]; !ok {
				missing = append(missing, t.ID)
			}
		}
		if len(missing) > 0 {
			if err := s.computePeriodLights(ctx, noticeID, p, missing, have); err != nil {
				return nil, err
			}
		}
		pl := PeriodLights{Period: p}
		for _, t := range ts {
			pl.Count(have[t.ID])
		}
		out = append(out, pl)
	}
	return out, nil
}

func (s *Store) computePeriodLights(ctx context.Context, noticeID int64, p ledger.Period, taskIDs []int64, into map[int64]ledger.LightState) error {
	return s.tx(ctx, func(x q) error {
		var year, tolerance int
		var issuedS string
		if err := x.row(ctx, "SELECT year, issued_on, pace_tolerance FROM notices WHERE id = ?", noticeID).Scan(&year, &issuedS, &tolerance); err != nil {
			return err
		}
		issued, _ := notice.ParseDate(issuedS)
		periods, err := periodsOf(ctx, x, noticeID)
		if err != nil {
			return err
		}
		// The end of the due date, in the deployment's zone.
		asOf := unix(ledger.AddDays(p.Due, 1).Time(s.loc)) - 1
		slices.Sort(taskIDs)
		for chunk := range slices.Chunk(taskIDs, 500) {
			ids, ins, err := lightInputs(ctx, x, chunk, p.Due, year, issued, tolerance, periods, asOf)
			if err != nil {
				return err
			}
			rows := &rowBatch{head: "INSERT INTO period_lights (period_id, task_id, light) VALUES ", row: "(?, ?, ?)", tail: " ON CONFLICT DO NOTHING"}
			for i, id := range ids {
				l := ledger.ComputeLight(ins[i]).State
				into[id] = l
				rows.add(p.ID, id, string(l))
			}
			if _, err := rows.exec(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
}

// targets are the quantified targets of ts with the latest actual any
// owner reported for each.
func (s *Store) targets(ctx context.Context, ts []*ledger.Task) ([]TargetProgress, error) {
	var with []*ledger.Task
	for _, t := range ts {
		if len(t.Targets) > 0 {
			with = append(with, t)
		}
	}
	latest := map[int64][]ledger.Actual{}
	for chunk := range slices.Chunk(with, 500) {
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t.ID
		}
		err := eachRow(ctx, s.r(), `SELECT r.task_id, r.actuals FROM reports r JOIN periods p ON p.id = r.period_id
			WHERE r.task_id IN (`+placeholders(len(args))+`) AND r.state IN ('submitted', 'accepted') AND r.actuals <> '[]'
			ORDER BY r.task_id, p.due_on, r.submitted_at`, args, func(sc func(...any) error) error {
			var id int64
			var raw string
			if err := sc(&id, &raw); err != nil {
				return err
			}
			var as []ledger.Actual
			if err := json.Unmarshal([]byte(raw), &as); err == nil && len(as) > 0 {
				latest[id] = as // the last row is the latest
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var out []TargetProgress
	for _, t := range with {
		for i, g := range t.Targets {
			tp := TargetProgress{TaskID: t.ID, Task: t.Name(), Indicator: cmp.Or(g.Indicator, g.Text), Goal: g.Value, Unit: g.Unit, Pace: t.Light.Pace}
			for _, a := range latest[t.ID] {
				if a.Target == i {
					tp.Actual = a.Value
				}
			}
			if v, ok := leadingNumber(tp.Actual); ok && g.Value > 0 && g.Op != "<=" && g.Op != "<" {
				pct := v * 100 / g.Value
				tp.Percent = &pct
			}
			out = append(out, tp)
		}
	}
	return out, nil
}

// leadingNumber reads the number an actual starts with: "120个" → 120,
// "7.5%" → 7.5.
func leadingNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != '-' })
	if end < 0 {
		end = len(s)
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	return v, err == nil
}

// calendar is what falls due in the next CalendarDays days: reporting
// deadlines of periods that concern ts, and tasks' own deadlines.
func calendar(ts []*ledger.Task, ps []ledger.Period, today notice.Date) []DueDay {
	until := ledger.AddDays(today, CalendarDays)
	byDay := map[notice.Date]*DueDay{}
	day := func(d notice.Date) *DueDay {
		if byDay[d] == nil {
			byDay[d] = &DueDay{Date: d}
		}
		return byDay[d]
	}
	within := func(d notice.Date) bool { return !d.IsZero() && !d.Before(today) && !until.Before(d) }
	for _, p := range ps {
		if within(p.Due) && len(ts) > 0 {
			dd := day(p.Due)
			dd.Periods = append(dd.Periods, p)
		}
	}
	for _, t := range ts {
		if t.ClosedOn.IsZero() && within(t.Deadline) {
			day(t.Deadline).Deadlines++
		}
	}
	out := make([]DueDay, 0, len(byDay))
	for _, d := range byDay {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b DueDay) int {
		if a.Date.Before(b.Date) {
			return -1
		}
		if b.Date.Before(a.Date) {
			return 1
		}
		return 0
	})
	return out
}
