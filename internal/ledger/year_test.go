package ledger

import (
	"slices"
	"testing"
)

func TestOwners(t *testing.T) {
	ids := func(as []Assignment) []int64 {
		var out []int64
		for _, a := range as {
			out = append(out, a.UnitID)
		}
		return out
	}
	for _, c := range []struct {
		name         string
		as           []Assignment
		owners, rest []int64
	}{
		{"first lead owns", []Assignment{{UnitID: 1, Role: Lead}, {UnitID: 2, Role: Lead}, {UnitID: 3, Role: Support}}, []int64{1}, []int64{2, 3}},
		{"no lead: each responsible", []Assignment{{UnitID: 4, Role: Responsible}, {UnitID: 5, Role: Responsible}}, []int64{4, 5}, nil},
		{"lead with responsible", []Assignment{{UnitID: 6, Role: Lead}, {UnitID: 7, Role: Responsible}}, []int64{6}, []int64{7}},
		{"support only", []Assignment{{UnitID: 8, Role: Support}}, nil, []int64{8}},
	} {
		o, r := Owners(c.as)
		if !slices.Equal(ids(o), c.owners) || !slices.Equal(ids(r), c.rest) {
			t.Errorf("%s: owners %v contributors %v, want %v %v", c.name, ids(o), ids(r), c.owners, c.rest)
		}
	}
}
