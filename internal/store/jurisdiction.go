package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"duban/internal/division"
	"duban/internal/units"
)

// LabelSep joins a government and a unit name where the name alone would be
// ambiguous: 三门峡市 · 市财政局. A name typed in that form is looked up in
// that government.
const LabelSep = " · "

// unitKey is the directory key of name in the government j: the same name
// is one unit per government.
func unitKey(j, name string) string { return j + "|" + units.Key(name) }

// Divisions is the national division table with the office's zones.
func (s *Store) Divisions(ctx context.Context) (*division.Table, error) {
	return divisions(ctx, s.r())
}

func divisions(ctx context.Context, x q) (*division.Table, error) {
	zs, err := zones(ctx, x)
	if err != nil {
		return nil, err
	}
	return division.Builtin().With(zs), nil
}

func zones(ctx context.Context, x q) ([]division.Division, error) {
	var out []division.Division
	err := eachRow(ctx, x, "SELECT code, name, parent FROM zones ORDER BY code", nil, func(sc func(...any) error) error {
		var z division.Division
		err := sc(&z.Code, &z.Name, &z.Parent)
		out = append(out, z)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list zones: %w", err)
	}
	return out, nil
}

// Zones lists the functional zones the office has added, by code.
func (s *Store) Zones(ctx context.Context) ([]division.Division, error) {
	zs, err := zones(ctx, s.r())
	if err != nil {
		return nil, err
	}
	tb := division.Builtin().With(zs)
	for i := range zs {
		zs[i], _ = tb.Get(zs[i].Code)
	}
	return zs, nil
}

// AddZone adds a functional zone (济源示范区, 航空港区) under the division
// parent, so that its 管委会 named in notices is that zone's unit and
// 各县(市、区)政府(管委会) reaches it. Its code is the parent's, a dash and a
// number.
func (s *Store) AddZone(ctx context.Context, name, parent string, by Actor) (division.Division, error) {
	name = strings.TrimSpace(name)
	var z division.Division
	err := s.tx(ctx, func(x q) error {
		tb, err := divisions(ctx, x)
		if err != nil {
			return err
		}
		p, ok := tb.Get(parent)
		if !ok {
			return fmt.Errorf("没有行政区划代码 %q (no division %q): %w", parent, parent, ErrNotFound)
		}
		if name == "" || strings.ContainsAny(name, "|\n") {
			return errors.New("请填写功能区名称 (zone name is empty or malformed)")
		}
		for _, c := range tb.Children(p.Code) {
			if units.Key(c.Name) == units.Key(name) {
				return fmt.Errorf("%s 已有 %s (%w)", p.Name, c.Name, ErrConflict)
			}
		}
		var n int
		if err := x.row(ctx, "SELECT COUNT(*) FROM zones WHERE parent = ?", p.Code).Scan(&n); err != nil {
			return err
		}
		z = division.Division{Code: fmt.Sprintf("%s-%d", p.Code, n+1), Name: name, Parent: p.Code}
		if _, err := x.exec(ctx, "INSERT INTO zones (code, name, parent, created_at) VALUES (?, ?, ?, ?)",
			z.Code, z.Name, z.Parent, unix(s.now())); err != nil {
			return fmt.Errorf("add zone %s: %w", name, err)
		}
		tb = tb.With([]division.Division{z})
		z, _ = tb.Get(z.Code)
		// Units already filed under the parent by this zone's 管委会 name
		// become the zone's own.
		type unitRow struct {
			id   int64
			name string
		}
		var rehome []unitRow
		err = eachRow(ctx, x, "SELECT id, name FROM units WHERE jurisdiction = ? AND government = ''", []any{p.Code},
			func(sc func(...any) error) error {
				var u unitRow
				if err := sc(&u.id, &u.name); err != nil {
					return err
				}
				if d, ok := tb.Government(u.name, p.Code); ok && d.Code == z.Code {
					rehome = append(rehome, u)
				}
				return nil
			})
		if err != nil {
			return err
		}
		for _, u := range rehome {
			if _, err := x.exec(ctx, "UPDATE units SET jurisdiction = ?, government = ?, name_key = ? WHERE id = ?",
				z.Code, z.Code, unitKey(z.Code, u.name), u.id); err != nil {
				return fmt.Errorf("file unit %d under zone %s: %w", u.id, z.Code, err)
			}
		}
		if err := refreshGroups(ctx, x, tb, p.Code, s.now()); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, "zone", 0, ActionCreate, nil, map[string]any{"code": z.Code, "name": z.Name, "parent": z.Parent})
	})
	return z, err
}

// place is where the unit name, printed in a notice of the government j,
// belongs: the government it names (郑州市政府 in a province's notice is
// 郑州市's own unit), or else j. gov is the division a government unit
// stands for.
func place(tb *division.Table, name, j string) (home, gov string) {
	if d, ok := tb.Government(name, j); ok {
		return d.Code, d.Code
	}
	return j, ""
}

// splitLabel reads "三门峡市 · 市财政局" as the government and the name; a
// plain name is in j.
func splitLabel(tb *division.Table, label, j string) (string, string) {
	g, name, ok := strings.Cut(label, strings.TrimSpace(LabelSep))
	if !ok {
		return label, j
	}
	if d, ok := tb.Find(strings.TrimSpace(g), j); ok {
		return strings.TrimSpace(name), d.Code
	}
	return label, j
}

// unitLabel is name with its government's name before it.
func unitLabel(tb *division.Table, j, name string) string {
	if g := tb.Name(j); g != "" {
		return g + LabelSep + name
	}
	return name
}

// UnitsIn lists the units of the government j (code; "" for units whose
// government is not known), by name: the directory a name typed for a
// notice of j is checked against.
func (s *Store) UnitsIn(ctx context.Context, j string) ([]*Unit, error) {
	all, err := s.Units(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Unit
	for _, u := range all {
		if u.Jurisdiction == j {
			out = append(out, u)
		}
	}
	return out, nil
}

// UnitByNameIn finds the unit a notice of the government j means by name
// (or by a label such as 三门峡市 · 市财政局), without creating it.
func (s *Store) UnitByNameIn(ctx context.Context, j, name string) (*Unit, error) {
	x := s.r()
	tb, err := divisions(ctx, x)
	if err != nil {
		return nil, err
	}
	name, j = splitLabel(tb, strings.TrimSpace(name), j)
	home, gov := place(tb, name, j)
	id, err := findUnit(ctx, x, home, gov, name)
	if err != nil {
		return nil, err
	}
	return s.Unit(ctx, id)
}

// findUnit is the unit for name in home: the government unit of gov when
// there is one, else by name or alias.
func findUnit(ctx context.Context, x q, home, gov, name string) (int64, error) {
	if gov != "" {
		var id int64
		err := x.row(ctx, "SELECT id FROM units WHERE government = ? ORDER BY id LIMIT 1", gov).Scan(&id)
		if err == nil {
			return id, nil
		}
		if err := noRows(err, "unit", name); !errors.Is(err, ErrNotFound) {
			return 0, err
		}
	}
	return lookupUnit(ctx, x, unitKey(home, name))
}

// refreshGroups gives the groups of the government j whose members the
// office has not set by hand their default members: for 各省辖市政府 the
// governments of j's cities (created when the directory lacks them), for
// 市政府各部门 j's departments known to the directory.
func refreshGroups(ctx context.Context, x q, tb *division.Table, j string, now time.Time) error {
	if j == "" {
		return nil
	}
	type group struct {
		id   int64
		kind division.GroupKind
	}
	var gs []group
	err := eachRow(ctx, x, "SELECT id, name FROM units WHERE jurisdiction = ? AND is_group = 1 AND auto_members = 1", []any{j},
		func(sc func(...any) error) error {
			var g group
			var name string
			if err := sc(&g.id, &name); err != nil {
				return err
			}
			if g.kind = division.GroupOf(name); g.kind != division.NoDefault {
				gs = append(gs, g)
			}
			return nil
		})
	if err != nil || len(gs) == 0 {
		return err
	}
	var depts []int64
	err = eachRow(ctx, x, "SELECT id, name FROM units WHERE jurisdiction = ? AND is_group = 0 AND government = ''", []any{j},
		func(sc func(...any) error) error {
			var id int64
			var name string
			if err := sc(&id, &name); err != nil {
				return err
			}
			if division.IsDepartment(name) {
				depts = append(depts, id)
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, g := range gs {
		members := depts
		if g.kind != division.Departments {
			members = nil
			for _, d := range tb.Members(g.kind, j) {
				id, err := governmentUnit(ctx, x, d, now)
				if err != nil {
					return err
				}
				members = append(members, id)
			}
		}
		if _, err := x.exec(ctx, "DELETE FROM unit_members WHERE group_id = ?", g.id); err != nil {
			return err
		}
		for _, m := range members {
			if _, err := x.exec(ctx, "INSERT INTO unit_members (group_id, member_id) VALUES (?, ?) ON CONFLICT DO NOTHING", g.id, m); err != nil {
				return fmt.Errorf("add member %d to %d: %w", m, g.id, err)
			}
		}
	}
	return nil
}

// governmentUnit is the unit of d's government (or zone's 管委会), created
// as 郑州市人民政府 when no notice has named it yet.
func governmentUnit(ctx context.Context, x q, d division.Division, now time.Time) (int64, error) {
	name := d.Name + "人民政府"
	if d.Zone {
		name = d.Name + "管委会"
	}
	id, err := findUnit(ctx, x, d.Code, d.Code, name)
	if !errors.Is(err, ErrNotFound) {
		return id, err
	}
	return insertUnit(ctx, x, name, d.Code, d.Code, now)
}

func insertUnit(ctx context.Context, x q, name, home, gov string, now time.Time) (int64, error) {
	group := 0
	if units.IsGroup(name) {
		group = 1
	}
	id, err := x.insert(ctx, "INSERT INTO units (name, name_key, is_group, jurisdiction, government, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		name, unitKey(home, name), group, home, gov, unix(now))
	if err != nil {
		return 0, fmt.Errorf("add unit %s: %w", name, err)
	}
	return id, nil
}
