package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"duban/internal/units"
)

// Unit is an entry of the unit directory, shared by every notice.
type Unit struct {
	ID      int64
	Name    string
	IsGroup bool
	Aliases []string
	Members []UnitRef // for a group: the units that see its tasks
	Groups  []UnitRef // the groups this unit belongs to
	Lead    int       // tasks it leads
	Support int       // tasks it supports
	Resp    int       // tasks it is responsible for
}

// UnitRef names a unit.
type UnitRef struct {
	ID   int64
	Name string
}

// unitCache resolves names to directory entries within one transaction,
// creating the entries a notice names for the first time.
type unitCache struct {
	x   q
	d   dialect
	now time.Time
	ids map[string]int64
}

func newUnitCache(x q, d dialect, now time.Time) *unitCache {
	return &unitCache{x: x, d: d, now: now, ids: map[string]int64{}}
}

func (c *unitCache) id(ctx context.Context, name string) (int64, error) {
	name = strings.TrimSpace(name)
	key := units.Key(name)
	if key == "" {
		return 0, errors.New("单位名称为空 (empty unit name)")
	}
	if id, ok := c.ids[key]; ok {
		return id, nil
	}
	id, err := lookupUnit(ctx, c.x, key)
	if errors.Is(err, ErrNotFound) {
		group := 0
		if units.IsGroup(name) {
			group = 1
		}
		if _, err = c.x.exec(ctx, "INSERT INTO units (name, name_key, is_group, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING",
			name, key, group, unix(c.now)); err != nil {
			return 0, fmt.Errorf("add unit %s: %w", name, err)
		}
		id, err = lookupUnit(ctx, c.x, key)
	}
	if err != nil {
		return 0, err
	}
	c.ids[key] = id
	return id, nil
}

// lookupUnit finds a unit by the key of its name or of one of its aliases.
func lookupUnit(ctx context.Context, x q, key string) (int64, error) {
	var id int64
	err := x.row(ctx, `SELECT id FROM units WHERE name_key = ?
		UNION ALL SELECT unit_id FROM unit_aliases WHERE alias_key = ? LIMIT 1`, key, key).Scan(&id)
	return id, noRows(err, "unit", key)
}

// UnitByName finds a unit by its name or an alias.
func (s *Store) UnitByName(ctx context.Context, name string) (*Unit, error) {
	id, err := lookupUnit(ctx, s.r(), units.Key(name))
	if err != nil {
		return nil, err
	}
	return s.Unit(ctx, id)
}

// Unit returns one unit with its aliases, members, groups and counts.
func (s *Store) Unit(ctx context.Context, id int64) (*Unit, error) {
	us, err := s.units(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, notFound("unit", id)
	}
	return us[0], nil
}

// Units lists the directory: groups first, then by name.
func (s *Store) Units(ctx context.Context) ([]*Unit, error) { return s.units(ctx, 0) }

func (s *Store) units(ctx context.Context, only int64) ([]*Unit, error) {
	x := s.r()
	cond, args := "", []any{}
	if only != 0 {
		cond, args = " WHERE id = ?", []any{only}
	}
	rows, err := x.query(ctx, "SELECT id, name, is_group FROM units"+cond+" ORDER BY is_group DESC, name", args...)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	var out []*Unit
	byID := map[int64]*Unit{}
	for rows.Next() {
		u := &Unit{}
		var g int
		if err := rows.Scan(&u.ID, &u.Name, &g); err != nil {
			rows.Close()
			return nil, err
		}
		u.IsGroup = g != 0
		out = append(out, u)
		byID[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// Aliases, members and counts for the listed units, a query each.
	ucond := ""
	if only != 0 {
		ucond = " WHERE unit_id = ?"
	}
	err = eachRow(ctx, x, "SELECT unit_id, alias FROM unit_aliases"+ucond+" ORDER BY alias", args, func(sc func(...any) error) error {
		var id int64
		var a string
		if err := sc(&id, &a); err != nil {
			return err
		}
		byID[id].Aliases = append(byID[id].Aliases, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	mcond, margs := "", []any{}
	if only != 0 {
		mcond, margs = " WHERE m.group_id = ? OR m.member_id = ?", []any{only, only}
	}
	err = eachRow(ctx, x, `SELECT m.group_id, g.name, m.member_id, u.name FROM unit_members m
		JOIN units g ON g.id = m.group_id JOIN units u ON u.id = m.member_id`+mcond+" ORDER BY u.name", margs, func(sc func(...any) error) error {
		var g, m UnitRef
		if err := sc(&g.ID, &g.Name, &m.ID, &m.Name); err != nil {
			return err
		}
		if u := byID[g.ID]; u != nil {
			u.Members = append(u.Members, m)
		}
		if u := byID[m.ID]; u != nil {
			u.Groups = append(u.Groups, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, x, "SELECT unit_id, role, COUNT(*) FROM assignments"+ucond+" GROUP BY unit_id, role", args, func(sc func(...any) error) error {
		var id int64
		var role string
		var n int
		if err := sc(&id, &role, &n); err != nil {
			return err
		}
		switch role {
		case Lead:
			byID[id].Lead = n
		case Support:
			byID[id].Support = n
		default:
			byID[id].Resp = n
		}
		return nil
	})
	return out, err
}

func eachRow(ctx context.Context, x q, query string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := x.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MergeUnits makes drop an alias of keep: its assignments, memberships and
// accounts move to keep, and notices naming it later land on keep.
func (s *Store) MergeUnits(ctx context.Context, keep, drop int64, by Actor) error {
	if keep == drop {
		return errors.New("不能把单位合并到它自己 (cannot merge a unit into itself)")
	}
	return s.tx(ctx, func(x q) error {
		var keepName, dropName, dropKey string
		if err := x.row(ctx, "SELECT name FROM units WHERE id = ?", keep).Scan(&keepName); err != nil {
			return noRows(err, "unit", keep)
		}
		if err := x.row(ctx, "SELECT name, name_key FROM units WHERE id = ?", drop).Scan(&dropName, &dropKey); err != nil {
			return noRows(err, "unit", drop)
		}
		steps := []struct {
			sql  string
			args []any
		}{
			// Assignments the kept unit already holds in the same role stay once.
			{`INSERT INTO assignments (task_id, unit_id, role, pos) SELECT task_id, ?, role, pos FROM assignments
				WHERE unit_id = ? ON CONFLICT DO NOTHING`, []any{keep, drop}},
			{"DELETE FROM assignments WHERE unit_id = ?", []any{drop}},
			{`INSERT INTO unit_members (group_id, member_id) SELECT ?, member_id FROM unit_members
				WHERE group_id = ? AND member_id <> ? ON CONFLICT DO NOTHING`, []any{keep, drop, keep}},
			{`INSERT INTO unit_members (group_id, member_id) SELECT group_id, ? FROM unit_members
				WHERE member_id = ? AND group_id <> ? ON CONFLICT DO NOTHING`, []any{keep, drop, keep}},
			{"UPDATE unit_aliases SET unit_id = ? WHERE unit_id = ?", []any{keep, drop}},
			{"UPDATE users SET unit_id = ? WHERE unit_id = ?", []any{keep, drop}},
			{"DELETE FROM units WHERE id = ?", []any{drop}},
			{"INSERT INTO unit_aliases (alias_key, alias, unit_id) VALUES (?, ?, ?)", []any{dropKey, dropName, keep}},
		}
		for _, st := range steps {
			if _, err := x.exec(ctx, st.sql, st.args...); err != nil {
				return fmt.Errorf("merge unit %d into %d: %w", drop, keep, err)
			}
		}
		return writeAudit(ctx, x, s.now(), by, EntityUnit, keep, ActionMerge,
			map[string]any{"id": drop, "name": dropName}, map[string]any{"id": keep, "name": keepName})
	})
}

// SetMembers replaces the member units of group.
func (s *Store) SetMembers(ctx context.Context, group int64, members []int64, by Actor) error {
	return s.tx(ctx, func(x q) error {
		var before []int64
		err := eachRow(ctx, x, "SELECT member_id FROM unit_members WHERE group_id = ? ORDER BY member_id", []any{group},
			func(sc func(...any) error) error {
				var id int64
				err := sc(&id)
				before = append(before, id)
				return err
			})
		if err != nil {
			return err
		}
		var n int
		if err := x.row(ctx, "SELECT COUNT(*) FROM units WHERE id = ?", group).Scan(&n); err != nil || n == 0 {
			return noRows(errors.Join(err, errNoRowsIf(n == 0)), "unit", group)
		}
		if _, err := x.exec(ctx, "UPDATE units SET is_group = 1 WHERE id = ?", group); err != nil {
			return err
		}
		if _, err := x.exec(ctx, "DELETE FROM unit_members WHERE group_id = ?", group); err != nil {
			return err
		}
		for _, m := range members {
			if m == group {
				continue
			}
			if _, err := x.exec(ctx, "INSERT INTO unit_members (group_id, member_id) VALUES (?, ?) ON CONFLICT DO NOTHING", group, m); err != nil {
				return fmt.Errorf("add member %d to %d: %w", m, group, err)
			}
		}
		return writeAudit(ctx, x, s.now(), by, EntityUnit, group, ActionGroup, nonNil(before), nonNil(members))
	})
}
