package units

// Fold maps one rune to the form the grammar matches on: full-width ASCII
// to half-width, the 〔〕［］【】[] brackets to (), and the traditional forms of
// the characters clause keywords and unit names are made of to simplified
// ones. It maps one rune to one rune, so positions in a folded string are
// positions in the original: the parser matches on folded text and cuts
// the original, which keeps every name as printed.
func Fold(r rune) rune {
	switch {
	case r >= '！' && r <= '～':
		r -= 0xFEE0
	case r == '\u3000':
		return ' '
	}
	switch r {
	case '〔', '［', '【', '﹝', '[':
		return '('
	case '〕', '］', '】', '﹞', ']':
		return ')'
	case '﹐', '､':
		return ','
	case '︰':
		return ':'
	}
	if s, ok := tradToSimp[r]; ok {
		return s
	}
	return r
}

// FoldString folds every rune of s.
func FoldString(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = Fold(r)
	}
	return string(rs)
}

// tradToSimp holds the traditional characters that occur in clause labels,
// role words, unit suffixes and date words. It is deliberately small: only
// matching needs it, never output.
var tradToSimp = func() map[rune]rune {
	pairs := "牽牵頭头單单責责負负領领導导職职協协辦办務务時时間间級级縣县區区廳厅發发門门關关會会實实現现與与報报號号進进規规劃划標标準准節节點点達达產产業业經经濟济應应數数個个億亿萬万兩两體体為为於于後后當当對对總总並并從从開开來来動动計计設设項项處处廣广東东貴贵雲云灣湾臺台衛卫農农環环資资財财稅税銀银監监價价歲岁園园場场營营團团聯联屬属轄辖鎮镇鄉乡構构機机檢检驗验檔档館馆員员組组織织環环鐵铁運运輸输郵邮電电氣气險险醫医藥药約约書书長长內内網网絡络態态層层條条歷历災灾紀纪權权黨党執执備备轉转屆届隊队邊边獲获擊击華华將将頁页區区質质歸归滙汇匯汇龍龙陽阳陰阴慶庆遼辽寧宁隴陇蘭兰義义臨临濱滨劉刘陳陈張张楊杨趙赵黃黄錢钱孫孙馬马韓韩鄭郑馮冯魯鲁舉举點点協协調调統统籌筹務务"
	rs := []rune(pairs)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()
