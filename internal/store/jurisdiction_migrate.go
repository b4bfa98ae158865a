package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"duban/internal/division"
)

// ActionSplit is a unit split by government in migration 0003.
const ActionSplit = "split"

// migrationActor signs the audit entries a migration writes.
var migrationActor = Actor{Name: "数据库迁移 0003 (migration)"}

// splitByJurisdiction is the data step of migration 0003. Before it, units
// were keyed by name alone, so 市财政局 of 三门峡市 and of 许昌市 were one
// unit. It gives each notice the government of its issuer, files each unit
// under the government of the notices that name it (郑州市政府 in a
// province's notice under 郑州市), and splits a unit named by notices of
// several governments: the part with the most tasks keeps the unit's id,
// its aliases and its accounts; every other part becomes a new unit with
// copies of the aliases and no account. Government units that now stand
// for the same division (郑州市政府, 郑州市人民政府) are merged, accounts
// following. Every split and merge is written to the audit log and
// returned as a report.
func splitByJurisdiction(ctx context.Context, s *Store, x q) error {
	report, err := splitUnits(ctx, x, s.now())
	if err != nil {
		return err
	}
	if s.report == nil {
		s.report = map[int][]string{}
	}
	s.report[3] = report // a retried transaction replaces it
	return nil
}

func splitUnits(ctx context.Context, x q, now time.Time) ([]string, error) {
	tb := division.Builtin()
	var report []string
	type noticeRow struct {
		id     int64
		issuer string
	}
	var ns []noticeRow
	err := eachRow(ctx, x, "SELECT id, issuer FROM notices ORDER BY id", nil, func(sc func(...any) error) error {
		var n noticeRow
		err := sc(&n.id, &n.issuer)
		ns = append(ns, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	govs := map[string]bool{}
	for _, n := range ns {
		d, ok := tb.Issuer(n.issuer)
		if !ok {
			report = append(report, fmt.Sprintf("通知 %d（%s）的发文政府无法确定，请在通知页选择 (notice %d: jurisdiction unknown)", n.id, n.issuer, n.id))
			continue
		}
		govs[d.Code] = true
		if _, err := x.exec(ctx, "UPDATE notices SET jurisdiction = ? WHERE id = ?", d.Code, n.id); err != nil {
			return nil, err
		}
	}
	sole := ""
	if len(govs) == 1 {
		for j := range govs {
			sole = j
		}
	}

	type count struct {
		j string
		n int
	}
	counts := map[int64][]count{}
	err = eachRow(ctx, x, `SELECT a.unit_id, n.jurisdiction, COUNT(DISTINCT a.task_id) FROM assignments a
		JOIN tasks t ON t.id = a.task_id JOIN notices n ON n.id = t.notice_id GROUP BY a.unit_id, n.jurisdiction`, nil,
		func(sc func(...any) error) error {
			var id int64
			var c count
			err := sc(&id, &c.j, &c.n)
			counts[id] = append(counts[id], c)
			return err
		})
	if err != nil {
		return nil, err
	}
	type unitRow struct {
		id          int64
		name        string
		group, auto int
	}
	var us []unitRow
	err = eachRow(ctx, x, "SELECT id, name, is_group, auto_members FROM units ORDER BY id", nil, func(sc func(...any) error) error {
		var u unitRow
		err := sc(&u.id, &u.name, &u.group, &u.auto)
		us = append(us, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		// The parts of u: where its name belongs in each government whose
		// notices name it.
		type part struct {
			home, gov string
			jurs      []any
			tasks     int
		}
		var parts []*part
		add := func(j string, n int) {
			home, gov := place(tb, u.name, j)
			for _, p := range parts {
				if p.home == home && p.gov == gov {
					p.jurs, p.tasks = append(p.jurs, j), p.tasks+n
					return
				}
			}
			parts = append(parts, &part{home: home, gov: gov, jurs: []any{j}, tasks: n})
		}
		for _, c := range counts[u.id] {
			add(c.j, c.n)
		}
		if len(parts) == 0 {
			add(sole, 0)
		}
		slices.SortStableFunc(parts, func(a, b *part) int {
			if a.tasks != b.tasks {
				return b.tasks - a.tasks
			}
			return strings.Compare(a.home, b.home)
		})
		var aliases []string
		err := eachRow(ctx, x, "SELECT alias FROM unit_aliases WHERE unit_id = ?", []any{u.id}, func(sc func(...any) error) error {
			var a string
			err := sc(&a)
			aliases = append(aliases, a)
			return err
		})
		if err != nil {
			return nil, err
		}
		keep := parts[0]
		if _, err := x.exec(ctx, "UPDATE units SET jurisdiction = ?, government = ?, name_key = ? WHERE id = ?",
			keep.home, keep.gov, unitKey(keep.home, u.name), u.id); err != nil {
			return nil, fmt.Errorf("file unit %d under %s: %w", u.id, keep.home, err)
		}
		if _, err := x.exec(ctx, "UPDATE unit_aliases SET alias_key = CAST(? AS TEXT) || alias_key WHERE unit_id = ?", keep.home, u.id); err != nil {
			return nil, err
		}
		if len(parts) == 1 {
			continue
		}
		logins, err := unitLogins(ctx, x, u.id)
		if err != nil {
			return nil, err
		}
		moved := []string{}
		for _, p := range parts[1:] {
			id, err := x.insert(ctx, `INSERT INTO units (name, name_key, is_group, jurisdiction, government, auto_members, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, u.name, unitKey(p.home, u.name), u.group, p.home, p.gov, u.auto, unix(now))
			if err != nil {
				return nil, fmt.Errorf("split unit %d for %s: %w", u.id, p.home, err)
			}
			if _, err := x.exec(ctx, `UPDATE assignments SET unit_id = ? WHERE unit_id = ? AND task_id IN (SELECT t.id FROM tasks t
				JOIN notices n ON n.id = t.notice_id WHERE n.jurisdiction IN (`+placeholders(len(p.jurs))+`))`,
				append([]any{id, u.id}, p.jurs...)...); err != nil {
				return nil, err
			}
			for _, a := range aliases {
				if _, err := x.exec(ctx, "INSERT INTO unit_aliases (alias_key, alias, unit_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
					unitKey(p.home, a), a, id); err != nil {
					return nil, err
				}
			}
			if u.auto == 0 {
				// Members the office chose: each part keeps them to review.
				if _, err := x.exec(ctx, `INSERT INTO unit_members (group_id, member_id) SELECT ?, member_id FROM unit_members
					WHERE group_id = ? ON CONFLICT DO NOTHING`, id, u.id); err != nil {
					return nil, err
				}
			}
			moved = append(moved, fmt.Sprintf("%s 的 %d 项任务移到新单位 %d（无账号）", nameOr(tb, p.home), p.tasks, id))
			if err := writeAudit(ctx, x, now, migrationActor, EntityUnit, id, ActionSplit,
				map[string]any{"id": u.id, "name": u.name},
				map[string]any{"id": id, "name": u.name, "jurisdiction": p.home, "tasks": p.tasks}); err != nil {
				return nil, err
			}
		}
		line := fmt.Sprintf("单位 %d「%s」按政府拆分：%s 的 %d 项任务留在原单位，账号 %s 随之；%s (unit %d split by government)",
			u.id, u.name, nameOr(tb, keep.home), keep.tasks, loginList(logins), strings.Join(moved, "；"), u.id)
		report = append(report, line)
		if err := writeAudit(ctx, x, now, migrationActor, EntityUnit, u.id, ActionSplit,
			map[string]any{"id": u.id, "name": u.name},
			map[string]any{"id": u.id, "jurisdiction": keep.home, "tasks": keep.tasks, "accounts": logins, "report": line}); err != nil {
			return nil, err
		}
	}

	// Government units now standing for one division become one.
	byGov := map[string][]int64{}
	var order []string
	err = eachRow(ctx, x, `SELECT u.government, u.id FROM units u WHERE u.government <> ''
		ORDER BY u.government, (SELECT COUNT(*) FROM assignments a WHERE a.unit_id = u.id) DESC, u.id`, nil,
		func(sc func(...any) error) error {
			var g string
			var id int64
			if err := sc(&g, &id); err != nil {
				return err
			}
			if byGov[g] == nil {
				order = append(order, g)
			}
			byGov[g] = append(byGov[g], id)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for _, g := range order {
		ids := byGov[g]
		for _, drop := range ids[1:] {
			logins, err := unitLogins(ctx, x, drop)
			if err != nil {
				return nil, err
			}
			keepName, dropName, err := mergeUnits(ctx, x, ids[0], drop)
			if err != nil {
				return nil, err
			}
			line := fmt.Sprintf("单位 %d「%s」与单位 %d「%s」同为 %s 政府，合并到后者，账号 %s 随之 (unit %d merged into %d)",
				drop, dropName, ids[0], keepName, nameOr(tb, g), loginList(logins), drop, ids[0])
			report = append(report, line)
			if err := writeAudit(ctx, x, now, migrationActor, EntityUnit, ids[0], ActionMerge,
				map[string]any{"id": drop, "name": dropName, "accounts": logins},
				map[string]any{"id": ids[0], "name": keepName, "report": line}); err != nil {
				return nil, err
			}
		}
	}
	for j := range govs {
		if err := refreshGroups(ctx, x, tb, j, now); err != nil {
			return nil, err
		}
	}
	return report, nil
}

func unitLogins(ctx context.Context, x q, unit int64) ([]string, error) {
	logins := []string{}
	err := eachRow(ctx, x, "SELECT login FROM users WHERE unit_id = ? ORDER BY login", []any{unit}, func(sc func(...any) error) error {
		var l string
		err := sc(&l)
		logins = append(logins, l)
		return err
	})
	return logins, err
}

func loginList(ls []string) string {
	if len(ls) == 0 {
		return "（无）"
	}
	return strings.Join(ls, "、")
}

func nameOr(tb *division.Table, code string) string {
	if n := tb.Name(code); n != "" {
		return n
	}
	return "发文政府未定"
}
