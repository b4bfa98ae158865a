package store

import (
	"context"
	"duban/internal/ledger"
	"errors"
	"fmt"
	"strings"
	"time"

	"duban/internal/division"
	"duban/internal/units"
)

// Unit is an entry of the unit directory: a unit of one government.
type Unit struct {
	ID           int64
	Name         string
	Label        string // Name, or 三门峡市 · 市财政局 where another government has a unit of that name
	Jurisdiction string // the government's GB/T 2260 code, "" if not known
	JurName      string // the government's name
	Government   string // for a government's own unit (郑州市人民政府): its division
	AutoMembers  bool   // a group whose members follow the division table, not set by hand
	IsGroup      bool
	Aliases      []string
	Members      []UnitRef // for a group: the units that see its tasks
	Groups       []UnitRef // the groups this unit belongs to
	Lead         int       // tasks it leads
	Support      int       // tasks it supports
	Resp         int       // tasks it is responsible for
}

// UnitRef names a unit.
type UnitRef struct {
	ID    int64
	Name  string
	Label string // Name, with its government where ambiguous
}

// unitCache resolves the names a notice of the government j prints to
// directory entries within one transaction, creating the entries named for
// the first time. It remembers the groups it met, whose default members
// follow.
type unitCache struct {
	x      q
	tb     *division.Table
	j      string
	now    time.Time
	ids    map[string]int64
	groups map[string]bool // governments whose groups were named
	// before0003 files names as duban did before migration 0003, by name
	// alone: the Go step of migration 0002 runs on that schema.
	before0003 bool
}

// newUnitCacheBefore0003 is the directory as schema version 2 holds it.
func newUnitCacheBefore0003(x q, now time.Time) *unitCache {
	return &unitCache{x: x, now: now, ids: map[string]int64{}, groups: map[string]bool{}, before0003: true}
}

// idBefore0003 is id on the schema before migration 0003.
func (c *unitCache) idBefore0003(ctx context.Context, name string) (int64, error) {
	key := units.Key(name)
	if id, ok := c.ids[key]; ok {
		return id, nil
	}
	id, err := lookupUnit(ctx, c.x, key)
	if errors.Is(err, ErrNotFound) {
		group := 0
		if units.IsGroup(name) {
			group = 1
		}
		id, err = c.x.insert(ctx, "INSERT INTO units (name, name_key, is_group, created_at) VALUES (?, ?, ?, ?)", name, key, group, unix(c.now))
	}
	if err != nil {
		return 0, fmt.Errorf("unit %s: %w", name, err)
	}
	c.ids[key] = id
	return id, nil
}

func newUnitCache(ctx context.Context, x q, j string, now time.Time) (*unitCache, error) {
	tb, err := divisions(ctx, x)
	if err != nil {
		return nil, err
	}
	return &unitCache{x: x, tb: tb, j: j, now: now, ids: map[string]int64{}, groups: map[string]bool{}}, nil
}

func (c *unitCache) id(ctx context.Context, label string) (int64, error) {
	if c.before0003 {
		if units.Key(label) == "" {
			return 0, errors.New("单位名称为空 (empty unit name)")
		}
		return c.idBefore0003(ctx, strings.TrimSpace(label))
	}
	name, j := splitLabel(c.tb, strings.TrimSpace(label), c.j)
	if units.Key(name) == "" {
		return 0, errors.New("单位名称为空 (empty unit name)")
	}
	home, gov := place(c.tb, name, j)
	key := unitKey(home, name)
	if id, ok := c.ids[key]; ok {
		return id, nil
	}
	id, err := findUnit(ctx, c.x, home, gov, name)
	if errors.Is(err, ErrNotFound) {
		id, err = insertUnit(ctx, c.x, name, home, gov, c.now)
	} else if err == nil && gov != "" {
		// 郑州市政府 found as the unit 郑州市人民政府: the name as printed
		// becomes an alias, so the directory knows it too.
		_, err = c.x.exec(ctx, `INSERT INTO unit_aliases (alias_key, alias, unit_id) SELECT ?, ?, ? WHERE NOT EXISTS
			(SELECT 1 FROM units WHERE name_key = ?) ON CONFLICT DO NOTHING`, key, name, id, key)
	}
	if err != nil {
		return 0, err
	}
	if units.IsGroup(name) {
		c.groups[home] = true
	}
	c.ids[key] = id
	return id, nil
}

// fillGroups gives the groups met their default members.
func (c *unitCache) fillGroups(ctx context.Context) error {
	if c.before0003 {
		return nil
	}
	for j := range c.groups {
		if err := refreshGroups(ctx, c.x, c.tb, j, c.now); err != nil {
			return fmt.Errorf("fill groups of %s: %w", j, err)
		}
	}
	return nil
}

// lookupUnit finds a unit by the key of its name or of one of its aliases.
func lookupUnit(ctx context.Context, x q, key string) (int64, error) {
	var id int64
	err := x.row(ctx, `SELECT id FROM units WHERE name_key = ?
		UNION ALL SELECT unit_id FROM unit_aliases WHERE alias_key = ? LIMIT 1`, key, key).Scan(&id)
	return id, noRows(err, "unit", key)
}

// UnitByName finds a unit by its name or an alias, in whichever government
// has it first; UnitByNameIn looks in one government.
func (s *Store) UnitByName(ctx context.Context, name string) (*Unit, error) {
	pat := "%|" + likeEscape.Replace(units.Key(name))
	var id int64
	err := s.r().row(ctx, `SELECT id FROM (SELECT id FROM units WHERE name_key LIKE ? ESCAPE '\'
		UNION ALL SELECT unit_id FROM unit_aliases WHERE alias_key LIKE ? ESCAPE '\') f ORDER BY id LIMIT 1`, pat, pat).Scan(&id)
	if err := noRows(err, "unit", name); err != nil {
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
	tb, err := divisions(ctx, x)
	if err != nil {
		return nil, err
	}
	rows, err := x.query(ctx, "SELECT id, name, is_group, jurisdiction, government, auto_members, "+ambiguous("units")+
		" FROM units"+cond+" ORDER BY is_group DESC, name, jurisdiction", args...)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	var out []*Unit
	byID := map[int64]*Unit{}
	for rows.Next() {
		u := &Unit{}
		var g, auto int
		var amb bool
		if err := rows.Scan(&u.ID, &u.Name, &g, &u.Jurisdiction, &u.Government, &auto, &amb); err != nil {
			rows.Close()
			return nil, err
		}
		u.IsGroup, u.AutoMembers = g != 0, auto != 0
		u.JurName = tb.Name(u.Jurisdiction)
		u.Label = u.Name
		if amb {
			u.Label = unitLabel(tb, u.Jurisdiction, u.Name)
		}
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
	err = eachRow(ctx, x, `SELECT m.group_id, g.name, g.jurisdiction, `+ambiguous("g")+`, m.member_id, u.name, u.jurisdiction, `+ambiguous("u")+`
		FROM unit_members m JOIN units g ON g.id = m.group_id JOIN units u ON u.id = m.member_id`+mcond+" ORDER BY u.name", margs,
		func(sc func(...any) error) error {
			var g, m UnitRef
			var gj, mj string
			var gamb, mamb bool
			if err := sc(&g.ID, &g.Name, &gj, &gamb, &m.ID, &m.Name, &mj, &mamb); err != nil {
				return err
			}
			g.Label, m.Label = g.Name, m.Name
			if gamb {
				g.Label = unitLabel(tb, gj, g.Name)
			}
			if mamb {
				m.Label = unitLabel(tb, mj, m.Name)
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
		byID[id].setCount(ledger.Role(role), n)
		return nil
	})
	return out, err
}

// ambiguous is an SQL expression, true when another unit has the name of
// the unit the table alias t names.
func ambiguous(t string) string {
	return "(SELECT COUNT(*) FROM units a2 WHERE a2.name = " + t + ".name) > 1"
}

// UnitsFor lists the directory as sc sees it: every unit when sc sees
// everything; else only the units named on tasks it sees, with only those
// tasks counted.
func (s *Store) UnitsFor(ctx context.Context, sc ledger.Scope) ([]*Unit, error) {
	us, err := s.Units(ctx)
	if err != nil || !sc.Limited() {
		return us, err
	}
	w := where{}
	w.scope(sc)
	counts := map[int64]*Unit{}
	err = eachRow(ctx, s.r(), `SELECT a.unit_id, a.role, COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id
		WHERE `+w.sql()+" GROUP BY a.unit_id, a.role", w.args, func(scan func(...any) error) error {
		var id int64
		var role string
		var n int
		if err := scan(&id, &role, &n); err != nil {
			return err
		}
		c := counts[id]
		if c == nil {
			c = &Unit{}
			counts[id] = c
		}
		c.setCount(ledger.Role(role), n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count units in scope: %w", err)
	}
	var out []*Unit
	for _, u := range us {
		if c := counts[u.ID]; c != nil {
			u.Lead, u.Support, u.Resp = c.Lead, c.Support, c.Resp
			out = append(out, u)
		}
	}
	return out, nil
}

// setCount sets the number of tasks u holds in role.
func (u *Unit) setCount(role ledger.Role, n int) {
	switch role {
	case ledger.Lead:
		u.Lead = n
	case ledger.Support:
		u.Support = n
	default:
		u.Resp = n
	}
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
		keepName, dropName, err := mergeUnits(ctx, x, keep, drop)
		if err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityUnit, keep, ActionMerge,
			map[string]any{"id": drop, "name": dropName}, map[string]any{"id": keep, "name": keepName})
	})
}

// mergeUnits moves drop's assignments, memberships, aliases and accounts to
// keep and makes drop's name an alias of keep.
func mergeUnits(ctx context.Context, x q, keep, drop int64) (keepName, dropName string, err error) {
	var dropKey string
	if err := x.row(ctx, "SELECT name FROM units WHERE id = ?", keep).Scan(&keepName); err != nil {
		return "", "", noRows(err, "unit", keep)
	}
	if err := x.row(ctx, "SELECT name, name_key FROM units WHERE id = ?", drop).Scan(&dropName, &dropKey); err != nil {
		return "", "", noRows(err, "unit", drop)
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
		// The circulars that named drop name keep: its accounts still read them.
		{"INSERT INTO circular_units (circular_id, unit_id) SELECT circular_id, ? FROM circular_units WHERE unit_id = ? ON CONFLICT DO NOTHING", []any{keep, drop}},
		{"DELETE FROM circular_units WHERE unit_id = ?", []any{drop}},
		{"DELETE FROM units WHERE id = ?", []any{drop}},
		// The dropped name keeps its government's key: that government's
		// notices naming it land on keep.
		{"INSERT INTO unit_aliases (alias_key, alias, unit_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", []any{dropKey, dropName, keep}},
	}
	for _, st := range steps {
		if _, err := x.exec(ctx, st.sql, st.args...); err != nil {
			return "", "", fmt.Errorf("merge unit %d into %d: %w", drop, keep, err)
		}
	}
	return keepName, dropName, nil
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
		// Members set by hand are kept: imports no longer refill them.
		if _, err := x.exec(ctx, "UPDATE units SET is_group = 1, auto_members = 0 WHERE id = ?", group); err != nil {
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
