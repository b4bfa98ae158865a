package store

import (
	"context"
	"encoding/json"
	"fmt"

	"duban/internal/notice"
)

// annexToTasks is the Go step of migration 0002: the rows of attached
// tables that notices kept as JSON become tasks after the notice's own,
// through the same notice.LedgerTasks and unit directory as an import, so
// that a notice imported before looks as if imported now. It runs on the
// schema of version 2, so what it calls must write only what that schema
// has (the unit cache of before 0003 does); TestMigrateAnnexToTasks, which
// migrates a version-1 database to the latest, fails when it no longer can.
func annexToTasks(ctx context.Context, s *Store, x q) error {
	type pending struct {
		id    int64
		annex string
	}
	var ns []pending
	err := eachRow(ctx, x, "SELECT id, annex FROM notices WHERE annex <> '[]' ORDER BY id", nil, func(sc func(...any) error) error {
		var p pending
		err := sc(&p.id, &p.annex)
		ns = append(ns, p)
		return err
	})
	if err != nil {
		return err
	}
	now := s.now()
	dir := newUnitCacheBefore0003(x, now)
	for _, p := range ns {
		n := &notice.Notice{}
		if err := json.Unmarshal([]byte(p.annex), &n.Annex); err != nil {
			return fmt.Errorf("notice %d annex: %w", p.id, err)
		}
		var last int
		if err := x.row(ctx, "SELECT COALESCE(MAX(seq), 0) FROM tasks WHERE notice_id = ?", p.id).Scan(&last); err != nil {
			return err
		}
		ts := n.LedgerTasks()
		if err := insertTasks(ctx, x, dir, p.id, last+1, ts, now); err != nil {
			return fmt.Errorf("notice %d: %w", p.id, err)
		}
		if err := writeAudit(ctx, x, now, Migration, EntityNotice, p.id, ActionAnnexTasks, nil,
			map[string]any{"annex_tasks": len(ts)}); err != nil {
			return err
		}
	}
	return nil
}
