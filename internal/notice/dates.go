package notice

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/units"
)

// A date as notices write it: 2023年3月25日, 3月25日, 3 月底, 6月月底前,
// 12月末, 年底. Matched on folded text with spaces removed.
var reDateWords = regexp.MustCompile(`(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日|(月?底|月?末|上旬|中旬|下旬))|(\d{4})年(底|末|内)|(年底|年末)`)

// dateRef is one date found in text, with its byte offsets in the text.
type dateRef struct {
	date       Date
	start, end int
	yearGiven  bool
}

// findDates returns every date in s (folded, spaces removed), taking year
// for those that give none. A date's year carries to the dates after it.
func findDates(s string, year int) []dateRef {
	var out []dateRef
	for _, m := range reDateWords.FindAllStringSubmatchIndex(s, -1) {
		get := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		y := year
		given := false
		if v := get(1); v != "" {
			y, given = atoi(v), true
		} else if v := get(5); v != "" {
			y, given = atoi(v), true
		}
		if y != 0 && given {
			year = y
		}
		var d Date
		switch {
		case get(2) != "":
			mo := time.Month(atoi(get(2)))
			if mo < 1 || mo > 12 || y == 0 {
				continue
			}
			switch w := get(4); {
			case get(3) != "":
				day := atoi(get(3))
				if day < 1 || day > 31 {
					continue
				}
				d = NewDate(y, mo, day)
			case strings.Contains(w, "上旬"):
				d = NewDate(y, mo, 10)
			case strings.Contains(w, "中旬"):
				d = NewDate(y, mo, 20)
			default: // 底, 末, 下旬
				d = NewDate(y, mo, DaysIn(y, mo))
			}
		case get(6) != "" || get(7) != "":
			if y == 0 {
				continue
			}
			d = NewDate(y, 12, 31)
		}
		if !d.IsZero() {
			out = append(out, dateRef{date: d, start: m[0], end: m[1], yearGiven: given})
		}
	}
	return out
}

// readDeadline reads a deadline phrase: a date when it names one
// ("2023年6月底前完成", "2023年12月月底前"), else the words as printed.
func readDeadline(s string) (Date, string) {
	s = strings.TrimSpace(s)
	f := compact(s)
	ds := findDates(f, 0)
	if len(ds) > 0 && ds[len(ds)-1].yearGiven {
		return ds[len(ds)-1].date, ""
	}
	if d, ok := parseISODate(f); ok {
		return d, ""
	}
	return Date{}, s
}

// readDeadlineIn reads a deadline cell of a notice of the given work
// year: a date that names no year (6月底前, 年底前) is in that year.
func readDeadlineIn(s string, year int) (Date, string) {
	if d, ok := monthCell(compact(s)); ok {
		return d, ""
	}
	d, text := readDeadline(s)
	if d.IsZero() && year != 0 {
		if ds := findDates(compact(s), year); len(ds) > 0 && looksLikeDate(s) {
			return ds[len(ds)-1].date, ""
		}
	}
	return d, text
}

// reMonthCell is a deadline cell naming a month of a year: 2024年6月,
// 2024年6月前, 2024.6.
var reMonthCell = regexp.MustCompile(`^(\d{4})(?:年|[.\-/])(\d{1,2})(?:月份?)?(?:前|以前|之前)?(?:完成)?$`)

// monthCell reads a deadline cell naming a month (folded, no spaces) as
// the month's last day.
func monthCell(f string) (Date, bool) {
	m := reMonthCell.FindStringSubmatch(f)
	if m == nil {
		return Date{}, false
	}
	y, mo := atoi(m[1]), atoi(m[2])
	if mo < 1 || mo > 12 {
		return Date{}, false
	}
	return NewDate(y, time.Month(mo), DaysIn(y, time.Month(mo))), true
}

var reISO = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)

func parseISODate(f string) (Date, bool) {
	m := reISO.FindStringSubmatch(f)
	if m == nil {
		return Date{}, false
	}
	mo, d := atoi(m[2]), atoi(m[3])
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return Date{}, false
	}
	return NewDate(atoi(m[1]), time.Month(mo), d), true
}

// compact folds s and removes all white space, the form dates and header
// fields are matched in.
func compact(s string) string {
	return strings.Join(strings.Fields(units.FoldString(s)), "")
}

// looksLikeDate reports whether a table cell is a date or deadline rather
// than a unit (cells may be shifted).
func looksLikeDate(s string) bool {
	f := compact(s)
	if f == "" {
		return false
	}
	if _, ok := parseISODate(f); ok {
		return true
	}
	if _, ok := monthCell(f); ok {
		return true
	}
	ds := findDates(f, 2000)
	if len(ds) == 0 {
		for _, w := range []string{"年底", "年内", "全年", "长期", "持续", "常态", "每月", "每季度", "逐年"} {
			if strings.Contains(f, w) && utf8.RuneCountInString(f) <= 12 {
				return true
			}
		}
		return false
	}
	// the date is most of the cell: 2023年12月月底前
	return len(f)-(ds[0].end-ds[0].start) <= len("月底前完成")
}

// readChineseDate reads a whole-line date, in Arabic or Chinese numerals
// (二〇二三年二月十日).
func readChineseDate(s string) (Date, bool) {
	f := compact(s)
	m := reDate.FindStringSubmatch(f)
	if m == nil {
		return Date{}, false
	}
	y := atoi(m[1])
	if y == 0 {
		var b strings.Builder
		for _, r := range m[1] {
			b.WriteByte(byte('0' + cnDigit(r)))
		}
		y = atoi(b.String())
	}
	mo, d := atoi(m[2]), atoi(m[3])
	if mo == 0 {
		mo = cnValue(m[2])
	}
	if d == 0 {
		d = cnValue(m[3])
	}
	if y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return Date{}, false
	}
	return NewDate(y, time.Month(mo), d), true
}

func cnDigit(r rune) int {
	switch r {
	case '〇', '零', '○', 'Ｏ', 'O':
		return 0
	}
	return cnValue(string(r))
}
