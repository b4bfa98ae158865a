package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"duban/internal/units"
)

// UnknownUnit is a typed unit name the directory does not hold, with the
// known names nearest to it.
type UnknownUnit struct {
	Name    string   `json:"name"`
	Nearest []string `json:"nearest"`
}

// nearestOffered is how many known names are offered for one unknown name.
const nearestOffered = 5

// UnknownUnits returns the names no government's directory holds, neither
// as a unit nor as an alias, each with the nearest known names, in the
// order given. UnknownUnitsIn checks names as a notice of one government
// means them.
func (s *Store) UnknownUnits(ctx context.Context, names []string) ([]UnknownUnit, error) {
	return s.unknownUnits(ctx, names, func(x q, n string) error {
		pat := "%|" + likeEscape.Replace(units.Key(n))
		var id int64
		err := x.row(ctx, `SELECT id FROM units WHERE name_key LIKE ? ESCAPE '\'
			UNION ALL SELECT unit_id FROM unit_aliases WHERE alias_key LIKE ? ESCAPE '\' LIMIT 1`, pat, pat).Scan(&id)
		return noRows(err, "unit", n)
	}, "")
}

// UnknownUnitsIn returns the names that a notice of the government j
// (a division code) would file as new units — 市财政局 is unknown to 许昌市
// if only 三门峡市 has one — each with the nearest known names, those of j
// first, the others labelled with their government (三门峡市 · 市财政局).
func (s *Store) UnknownUnitsIn(ctx context.Context, j string, names []string) ([]UnknownUnit, error) {
	tb, err := divisions(ctx, s.r())
	if err != nil {
		return nil, err
	}
	return s.unknownUnits(ctx, names, func(x q, label string) error {
		name, jj := splitLabel(tb, label, j)
		home, gov := place(tb, name, jj)
		_, err := findUnit(ctx, x, home, gov, name)
		return err
	}, j)
}

func (s *Store) unknownUnits(ctx context.Context, names []string, find func(x q, name string) error, j string) ([]UnknownUnit, error) {
	x := s.r()
	var out []UnknownUnit
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		key := units.Key(n)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		err := find(x, n)
		if errors.Is(err, ErrNotFound) {
			out = append(out, UnknownUnit{Name: n})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up unit %s: %w", n, err)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	tb, err := divisions(ctx, x)
	if err != nil {
		return nil, err
	}
	// The asking government's names come first; another's are offered
	// with its name, so that choosing one finds that unit.
	type entry struct{ name, show string }
	var own, other []entry
	err = eachRow(ctx, x, `SELECT u.jurisdiction, u.name FROM units u UNION ALL
		SELECT u.jurisdiction, a.alias FROM unit_aliases a JOIN units u ON u.id = a.unit_id ORDER BY 2, 1`, nil, func(scan func(...any) error) error {
		var uj, n string
		if err := scan(&uj, &n); err != nil {
			return err
		}
		if uj == j {
			own = append(own, entry{n, n})
		} else if j == "" || uj == "" {
			other = append(other, entry{n, n})
		} else {
			other = append(other, entry{n, unitLabel(tb, uj, n)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list unit names: %w", err)
	}
	// names are compared bare: 许昌市 · 市财政局 is one edit from 市财政句
	nearest := func(name string, es []entry, k int) []string {
		return units.NearestBy(name, len(es), func(i int) (string, string) { return es[i].name, es[i].show }, k)
	}
	for i := range out {
		near := nearest(out[i].Name, own, nearestOffered)
		if len(near) < nearestOffered {
			for _, n := range nearest(out[i].Name, other, nearestOffered-len(near)) {
				if !slices.Contains(near, n) {
					near = append(near, n)
				}
			}
		}
		out[i].Nearest = nonNil(near)
	}
	return out, nil
}
