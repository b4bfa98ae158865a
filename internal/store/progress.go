package store

import (
	"context"
	"strings"

	"duban/internal/circular"
	"duban/internal/ledger"
)

// LedgerProgress is, for ts (tasks of one notice, as the ledger exports
// them), each progress period's percent, light and progress as its owner
// reported, and the current period's units ranked.
func (s *Store) LedgerProgress(ctx context.Context, noticeID int64, ts []*ledger.Task, sc ledger.Scope) (periods []ledger.Period, cells map[int64][]ledger.ProgressCell, units []circular.Unit, unitsOf string, err error) {
	ps, err := s.Periods(ctx, noticeID)
	if err != nil {
		return nil, nil, nil, "", err
	}
	for _, p := range ps {
		if p.Kind != ledger.PeriodPlan {
			periods = append(periods, p)
		}
	}
	f, _, o, err := s.facts(ctx, noticeID, 0, sc)
	if err != nil {
		return nil, nil, nil, "", err
	}
	units = f.Units
	if o.Period != nil {
		unitsOf = o.Period.What()
	}
	// Past periods' lights as they stood on their due dates (computed once).
	if _, err := s.trend(ctx, noticeID, ts, periods); err != nil {
		return nil, nil, nil, "", err
	}
	index := map[int64]int{}
	for i, p := range periods {
		index[p.ID] = i
	}
	cells = make(map[int64][]ledger.ProgressCell, len(ts))
	for _, t := range ts {
		cells[t.ID] = make([]ledger.ProgressCell, len(periods))
	}
	err = eachRow(ctx, s.r(), `SELECT l.task_id, l.period_id, l.light FROM period_lights l JOIN periods p ON p.id = l.period_id WHERE p.notice_id = ?`,
		[]any{noticeID}, func(sc func(...any) error) error {
			var task, period int64
			var light string
			if err := sc(&task, &period, &light); err != nil {
				return err
			}
			if c, ok := cells[task]; ok {
				c[index[period]].Light = ledger.LightState(light)
			}
			return nil
		})
	if err != nil {
		return nil, nil, nil, "", err
	}
	if o.Period != nil {
		i := index[o.Period.ID]
		for _, t := range ts {
			if cells[t.ID][i].Light == "" {
				cells[t.ID][i].Light = t.Light.State
			}
		}
	}
	owners, err := noticeOwners(ctx, s.r(), noticeID)
	if err != nil {
		return nil, nil, nil, "", err
	}
	// The first owner's report stands for the task; another owner's only
	// where the first has filed none (rows come in unit order).
	type key struct{ task, period int64 }
	byOwner := map[key]bool{}
	err = eachRow(ctx, s.r(), `SELECT r.task_id, r.period_id, r.unit_id, r.percent, r.progress FROM reports r JOIN tasks t ON t.id = r.task_id
		WHERE t.notice_id = ? AND r.state IN ('submitted', 'accepted') ORDER BY r.task_id, r.period_id, r.unit_id`, []any{noticeID},
		func(sc func(...any) error) error {
			var task, period, unit int64
			var pct *int
			var progress string
			if err := sc(&task, &period, &unit, &pct, &progress); err != nil {
				return err
			}
			c, ok := cells[task]
			i, known := index[period]
			k := key{task, period}
			first := len(owners[task]) > 0 && owners[task][0] == unit
			if !ok || !known || byOwner[k] || (c[i].Summary != "" && !first) {
				return nil
			}
			byOwner[k] = first
			c[i].Percent, c[i].Summary = pct, shorten(progress, 120)
			return nil
		})
	return periods, cells, units, unitsOf, err
}

// shorten keeps a text's first n characters, on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
