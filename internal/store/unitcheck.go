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

// UnknownUnits returns the names the directory holds neither as a unit nor
// as an alias, each with the nearest known names, in the order given.
func (s *Store) UnknownUnits(ctx context.Context, names []string) ([]UnknownUnit, error) {
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
		_, err := lookupUnit(ctx, x, key)
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
	var known []string
	err := eachRow(ctx, x, "SELECT name FROM units UNION ALL SELECT alias FROM unit_aliases ORDER BY 1", nil, func(scan func(...any) error) error {
		var n string
		err := scan(&n)
		known = append(known, n)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list unit names: %w", err)
	}
	for i := range out {
		out[i].Nearest = nonNil(units.Nearest(out[i].Name, known, nearestOffered))
	}
	return out, nil
}

// Units is every unit name of f, in all roles.
func (f TaskFields) Units() []string {
	return slices.Concat(f.Lead, f.Support, f.Responsible)
}

// NoticeShort names the task's notice where many rows repeat it: by its
// doc number, else its title.
func (t *Task) NoticeShort() string {
	if t.NoticeDoc != "" {
		return t.NoticeDoc
	}
	return t.NoticeTitle
}
