package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"duban/internal/store"
	"duban/internal/units"
)

// A person who types a unit name the directory lacks is asked whether it
// is a new unit or a slip for a known one: a typo would otherwise create a
// unit no account sees. The pages offer the nearest known names as
// buttons (form field "use", "typed→known") and a box to confirm the name
// as new (form field "create_unit").

// useSep joins the typed and the chosen name in a "use" button's value.
const useSep = "→"

// unitChoices reads the office's answers from a submitted form.
type unitChoices struct {
	use    map[string]string // key of a typed name → the known name chosen
	accept map[string]bool   // keys of names confirmed as new units
}

func readUnitChoices(r *http.Request) unitChoices {
	c := unitChoices{use: map[string]string{}, accept: map[string]bool{}}
	for _, v := range r.PostForm["use"] {
		if typed, known, ok := strings.Cut(v, useSep); ok && strings.TrimSpace(known) != "" {
			c.use[units.Key(typed)] = strings.TrimSpace(known)
		}
	}
	for _, v := range r.PostForm["create_unit"] {
		c.accept[units.Key(v)] = true
	}
	return c
}

// replace puts the chosen known names in place of the typed ones in l.
func (c unitChoices) replace(l []string) []string {
	if len(c.use) == 0 {
		return l
	}
	var out []string
	for _, n := range l {
		if k, ok := c.use[units.Key(n)]; ok {
			n = k
		}
		if !slices.ContainsFunc(out, func(o string) bool { return units.Key(o) == units.Key(n) }) {
			out = append(out, n)
		}
	}
	return out
}

// addedNames are the names of after that before lacks (compared by key).
func addedNames(before, after []string) []string {
	have := map[string]bool{}
	for _, n := range before {
		have[units.Key(n)] = true
	}
	var out []string
	for _, n := range after {
		if !have[units.Key(n)] {
			out = append(out, n)
		}
	}
	return out
}

// unknownUnits are the typed names neither in the directory nor confirmed
// as new, with the nearest known names.
func (s *Server) unknownUnits(ctx context.Context, j string, typed []string, c unitChoices) ([]store.UnknownUnit, error) {
	var ask []string
	for _, n := range typed {
		if !c.accept[units.Key(n)] {
			ask = append(ask, n)
		}
	}
	if len(ask) == 0 {
		return nil, nil
	}
	return s.store.UnknownUnitsIn(ctx, j, ask)
}

// unknownMessage says in Chinese what the office is asked to confirm.
func unknownMessage(us []store.UnknownUnit) string {
	var parts []string
	for _, u := range us {
		p := fmt.Sprintf("“%s”不在单位目录中", u.Name)
		if len(u.Nearest) > 0 {
			p += "，是否是：" + strings.Join(u.Nearest, "、")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "；") + "。请选择正确的单位，或确认这是新单位。"
}
