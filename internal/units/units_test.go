package units

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	g := NewGrammar()
	for _, p := range []string{"郑州", "洛阳", "三门峡"} {
		g.AddPlace(p)
	}
	g.AddAbbrev("豫")
	tests := []struct {
		name, in, prefix string
		want             []string
	}{
		{"prefix inherited", "省商务厅、财政厅", "", []string{"省商务厅", "省财政厅"}},
		{"place prefix inherited", "河南银监局、证监局、保监局", "", []string{"河南银监局", "河南证监局", "河南保监局"}},
		{"nearest prefixed unit", "河南证监局、省财政厅、地方金融监管局", "", []string{"河南证监局", "省财政厅", "省地方金融监管局"}},
		{"complete names kept", "人行郑州中心支行、郑州海关、中国铁路郑州局集团有限公司", "", []string{"人行郑州中心支行", "郑州海关", "中国铁路郑州局集团有限公司"}},
		{"city suffix", "郑州、洛阳市政府", "", []string{"郑州市政府", "洛阳市政府"}},
		{"committee suffix", "济源示范区、航空港区管委会", "", []string{"济源示范区管委会", "航空港区管委会"}},
		{"government suffix over named places", "长葛市、魏都区、建安区政府", "", []string{"长葛市政府", "魏都区政府", "建安区政府"}},
		{"各 distributed", "各省辖市、省直管试点县（市）政府", "", []string{"各省辖市政府", "各省直管试点县（市）政府"}},
		{"相关 distributed", "相关省辖市、省直管试点县（市）政府", "", []string{"相关省辖市政府", "相关省直管试点县（市）政府"}},
		{"level carried over a suffix group", "市城乡一体化示范区、经济技术开发区、东城区管委会", "", []string{"市城乡一体化示范区管委会", "市经济技术开发区管委会", "市东城区管委会"}},
		{"group in parentheses not split", "各县(市、区)政府(管委会)", "", []string{"各县(市、区)政府(管委会)"}},
		{"和 inside names", "省工业和信息化厅、文化和旅游厅、粮食和储备局", "", []string{"省工业和信息化厅", "省文化和旅游厅", "省粮食和储备局"}},
		{"和 joining units", "省工业和信息化厅、商务厅、发展改革委和各省辖市、省直管试点县（市）政府", "", []string{"省工业和信息化厅", "省商务厅", "省发展改革委", "各省辖市政府", "各省直管试点县（市）政府"}},
		{"及 joining units", "省发展改革委及三门峡市政府", "", []string{"省发展改革委", "三门峡市政府"}},
		{"等相关部门 before 及", "中国铁路郑州局集团有限公司、省铁建投集团等相关部门及相关省辖市政府", "", []string{"中国铁路郑州局集团有限公司", "省铁建投集团", "相关省辖市政府"}},
		{"等 dropped", "市发展和改革委员会、市水利局等,各县(市、区)政府(管委会)", "", []string{"市发展和改革委员会", "市水利局", "各县(市、区)政府(管委会)"}},
		{"duty words dropped", "省住房城乡建设厅、地方金融监管局按职责分工负责", "", []string{"省住房城乡建设厅", "省地方金融监管局"}},
		{"由…负责落实", "由省科技厅、卫生厅、教育厅负责落实。", "", []string{"省科技厅", "省卫生厅", "省教育厅"}},
		{"government office prefix", "省政府办公厅、法制办、省人力资源社会保障厅、监察厅", "", []string{"省政府办公厅", "省政府法制办", "省人力资源社会保障厅", "省监察厅"}},
		{"government prefix to a department", "省政府国资委、财政厅", "", []string{"省政府国资委", "省财政厅"}},
		{"bracketed alias stays", "省台办、民委（省政府宗教局）", "", []string{"省台办", "省民委（省政府宗教局）"}},
		{"市场 is no prefix", "省商务厅、市场监管局", "", []string{"省商务厅", "省市场监管局"}},
		{"enterprise inherits", "省邮政公司、机场集团", "", []string{"省邮政公司", "省机场集团"}},
		{"regional and abbreviated names complete", "河南证监局、中原银行、豫信电科集团、中豫航空集团", "", []string{"河南证监局", "中原银行", "豫信电科集团", "中豫航空集团"}},
		{"youth league complete", "市总工会、团市委、市妇联、残联", "", []string{"市总工会", "团市委", "市妇联", "市残联"}},
		{"prefix from earlier list", "财政厅、民政厅", "省", []string{"省财政厅", "省民政厅"}},
		{"group names kept", "市政府各相关部门,各县(市、区)政府(管委会)", "", []string{"市政府各相关部门", "各县(市、区)政府(管委会)"}},
		{"safety committee members", "市安委会成员单位,各县〔市、区〕政府", "", []string{"市安委会成员单位", "各县〔市、区〕政府"}},
		{"parenthesised name", "市财政局(市国有资产监督管理委员会)", "", []string{"市财政局(市国有资产监督管理委员会)"}},
		{"spaces from pdf removed", "省交通 运输厅、生态环 境厅", "", []string{"省交通运输厅", "省生态环境厅"}},
		{"等部门 mid list", "省交通运输厅等部门，郑州、洛阳市政府", "", []string{"省交通运输厅", "郑州市政府", "洛阳市政府"}},
		{"repeat dropped", "省财政厅、财政厅", "", []string{"省财政厅"}},
		{"empty", "", "", nil},
		{"only filler", "等相关部门", "", nil},
		{"traditional characters", "省商務廳、財政廳", "", []string{"省商務廳", "省財政廳"}},
		{"full-width brackets group", "各县〔市、区〕政府", "", []string{"各县〔市、区〕政府"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, _ := g.Split(tc.in, tc.prefix)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitGuesses(t *testing.T) {
	g := NewGrammar()
	_, _, guesses := g.Split("省公安厅、电力公司", "")
	if len(guesses) != 1 || guesses[0].Read != "省电力公司" {
		t.Fatalf("want a guess for 电力公司, got %+v", guesses)
	}
}

func TestSplitCell(t *testing.T) {
	g := NewGrammar()
	got := g.SplitCell("市发展改革委 市商务局  各县(市、区)政府")
	want := []string{"市发展改革委", "市商务局", "各县(市、区)政府"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestLooksLikeUnit(t *testing.T) {
	for s, want := range map[string]bool{
		"市发展改革委": true, "各县〔市、区〕政府": true, "人行郑州中心支行": true, "各县(市、区)": true,
		"试行": false, "中医类": false, "": false, "市": false,
	} {
		if got := LooksLikeUnit(s); got != want {
			t.Errorf("LooksLikeUnit(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFoldKeepsLength(t *testing.T) {
	s := "（牽頭單位：省發展改革委）〔2023〕，Ａ１"
	if len([]rune(FoldString(s))) != len([]rune(s)) {
		t.Fatal("fold changed the rune count")
	}
	if got := FoldString("（牽頭單位："); got != "(牵头单位:" {
		t.Fatalf("fold = %q", got)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"省商务厅、财政厅", "各省辖市、省直管试点县（市）政府", "郑州、洛阳市政府", "((、、和及", "市财政局(市国有资产", "等等等", "）（"} {
		f.Add(s)
	}
	g := NewGrammar()
	g.AddPlace("郑州")
	g.AddAbbrev("豫")
	f.Fuzz(func(t *testing.T, s string) {
		out, _, _ := g.Split(s, "省")
		for _, u := range out {
			if u == "" {
				t.Fatalf("empty unit from %q", s)
			}
		}
		g.SplitCell(s)
		LooksLikeUnit(s)
	})
}

// TestSplitHostile feeds lists that once made the grammar quadratic; a
// return to that shows as this test running into the test timeout.
func TestSplitHostile(t *testing.T) {
	g := NewGrammar()
	for _, s := range []string{
		strings.Repeat("等", 50000),
		"省财政厅" + strings.Repeat("等负责", 20000),
		strings.Repeat("省财政厅和", 20000),
		strings.Repeat("郑州、", 20000) + "洛阳市政府",
		strings.Repeat("(", 30000),
	} {
		g.Split(s, "省")
	}
}

func TestDirectoryKey(t *testing.T) {
	for _, c := range [][2]string{
		{"各县（市、区）政府", "各县(市、区)政府"},
		{"市發展改革委", "市发展改革委"},
		{" 省教育厅 ", "省教育厅"},
	} {
		if Key(c[0]) != Key(c[1]) {
			t.Errorf("Key(%q)=%q, Key(%q)=%q; want equal", c[0], Key(c[0]), c[1], Key(c[1]))
		}
	}
	if Key("市发展改革委") == Key("市发展和改革委员会") {
		t.Error("different spellings must stay apart until the office merges them")
	}
	for name, want := range map[string]bool{"各省辖市政府": true, "有关部门": true, "省教育厅": false, "各地": true} {
		if IsGroup(name) != want {
			t.Errorf("IsGroup(%q) = %v", name, !want)
		}
	}
}
