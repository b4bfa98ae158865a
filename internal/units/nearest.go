package units

import (
	"slices"
	"unicode/utf8"
)

// Limits of Nearest: a name longer than maxNearRunes is compared on its
// first runes only, and at most maxNearScan names are looked at, so that a
// national directory costs a bounded amount of work per typed name.
const (
	maxNearRunes = 32
	maxNearScan  = 50000
)

// Nearest returns up to k names of known closest to name by edit distance
// on their keys (full-width, traditional and spaces folded), nearest first
// and, at equal distance, in the order known gives them (a caller lists the
// names it prefers first). Names further than a third of the typed name's
// length (at least 1, at most 4 edits) are not offered: they would be a
// different unit, not a typo.
func Nearest(name string, known []string, k int) []string {
	return NearestBy(name, len(known), func(i int) (string, string) { return known[i], known[i] }, k)
}

// NearestBy is Nearest over n entries, entry i compared by its name and
// offered as show (a name with its government, 许昌市 · 市财政局); entries
// shown alike are offered once.
func NearestBy(name string, n int, at func(i int) (compare, show string), k int) []string {
	a := []rune(Key(name))
	if len(a) == 0 || k <= 0 {
		return nil
	}
	a = a[:min(len(a), maxNearRunes)]
	limit := min(max(1, len(a)/3), 4)
	type hit struct {
		show string
		d, i int
		pre  int
	}
	var hits []hit
	seen := map[string]bool{}
	for i := range min(n, maxNearScan) {
		cmpName, show := at(i)
		key := Key(cmpName)
		// most names differ too much in length to be a typo: skip them
		// before any other work
		if l := min(utf8.RuneCountInString(key), maxNearRunes); l == 0 || abs(len(a)-l) > limit {
			continue
		}
		showKey := key
		if show != cmpName {
			showKey = Key(show)
		}
		if seen[showKey] {
			continue
		}
		seen[showKey] = true // one unit printed two ways is offered once
		b := []rune(key)
		b = b[:min(len(b), maxNearRunes)]
		if d := distance(a, b, limit); d <= limit && d > 0 {
			hits = append(hits, hit{show, d, i, commonPrefix(a, b)})
		}
	}
	slices.SortStableFunc(hits, func(x, y hit) int {
		if x.d != y.d {
			return x.d - y.d
		}
		// a shared start (省商务…) is likelier the unit meant
		return y.pre - x.pre
	})
	var out []string
	for _, h := range hits[:min(len(hits), k)] {
		out = append(out, h.show)
	}
	return out
}

// distance is the Levenshtein distance of a and b, or limit+1 once it is
// sure to exceed limit.
func distance(a, b []rune, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func commonPrefix(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
