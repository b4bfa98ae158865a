package units

import (
	"reflect"
	"testing"
)

// Lists of units of banners, autonomous prefectures and leagues take
// their level prefix as those of provinces, cities and counties do.
func TestLevelPrefixesOfOtherLevels(t *testing.T) {
	for _, tc := range []struct {
		list string
		want []string
	}{
		{"旗农牧局、林业和草原局", []string{"旗农牧局", "旗林业和草原局"}},
		{"州发展改革委、财政局", []string{"州发展改革委", "州财政局"}},
		{"盟行署办公室、盟财政局、生态环境局", []string{"盟行署办公室", "盟财政局", "盟生态环境局"}},
		{"自治区发展改革委、财政厅", []string{"自治区发展改革委", "自治区财政厅"}},
		{"县发展改革局、财政局", []string{"县发展改革局", "县财政局"}},
		// bodies named after their place never take a level prefix, even
		// when the notice never names that place otherwise
		{"市商务局、青川海关、国家统计局青川调查队、青川银保监分局", []string{"市商务局", "青川海关", "国家统计局青川调查队", "青川银保监分局"}},
		{"市商务局、口岸办", []string{"市商务局", "市口岸办"}},
	} {
		got, _, _ := NewGrammar().Split(tc.list, "")
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Split(%q) = %q; want %q", tc.list, got, tc.want)
		}
	}
}
