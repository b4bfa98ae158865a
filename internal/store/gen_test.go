package store_test

import (
	"errors"
	"testing"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// TestGenRepeatable: one spec gives the same data set on every engine,
// the report count asked for exactly, and a second run is refused.
func TestGenRepeatable(t *testing.T) {
	spec := store.GenSpec{Governments: 4, NoticesPer: 2, Tasks: 400, Reports: 3000, Today: notice.NewDate(2026, 8, 1), Seed: 7, Password: "pw-123456"}
	var first []ledger.Period
	var firstRows map[string]int64
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		res, err := s.Gen(ctx, spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows("reports") != 3000 || res.Rows("tasks") != 400 || res.Rows("notices") != 8 {
			t.Errorf("wrote %d reports, %d tasks, %d notices; want 3000, 400, 8", res.Rows("reports"), res.Rows("tasks"), res.Rows("notices"))
		}
		rows := map[string]int64{}
		for _, tb := range res.Tables {
			rows[tb.Name] = tb.Rows
		}
		ps, err := s.Periods(ctx, 5)
		if err != nil || len(ps) != 5 {
			t.Fatalf("periods of notice 5: %v, %v", ps, err)
		}
		if first == nil {
			first, firstRows = ps, rows
		} else {
			for k, v := range firstRows {
				if rows[k] != v {
					t.Errorf("%s: %d rows here, %d on the first engine", k, rows[k], v)
				}
			}
			for i := range ps {
				if ps[i].Label != first[i].Label || ps[i].Due != first[i].Due {
					t.Errorf("period %d: %v here, %v on the first engine", i, ps[i], first[i])
				}
			}
		}
		// the latest open period on 1 August is the second quarter's
		o, err := s.NoticeOverview(ctx, 5, 0, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if o.Period == nil {
			t.Fatal("no current period")
		}
		if _, err := s.Gen(ctx, spec, nil); !errors.Is(err, store.ErrNotEmpty) {
			t.Errorf("second run: %v; want ErrNotEmpty", err)
		}
	})
}
