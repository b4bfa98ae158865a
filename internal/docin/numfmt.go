package docin

import (
	"strconv"
	"strings"
)

// formatNumber renders a list counter in a Word number format (w:numFmt).
// Formats it does not know, and numbers outside a format's range, fall back
// to decimal, as Word does.
func formatNumber(n int, format, pattern string) string {
	dec := strconv.Itoa(n)
	switch format {
	case "none":
		return ""
	case "decimalZero":
		if n >= 0 && n < 10 {
			return "0" + dec
		}
	case "upperLetter", "lowerLetter":
		if n > 0 && n <= 780 {
			c := byte('A')
			if format == "lowerLetter" {
				c = 'a'
			}
			return strings.Repeat(string(rune(c+byte((n-1)%26))), (n-1)/26+1)
		}
	case "upperRoman", "lowerRoman":
		if n > 0 && n < 4000 {
			r := roman(n)
			if format == "lowerRoman" {
				r = strings.ToLower(r)
			}
			return r
		}
	case "chineseCounting", "chineseCountingThousand", "japaneseCounting",
		"taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting":
		if n >= 0 && n < 1e8 {
			return chineseNumber(n, simplifiedDigits, simplifiedUnits, true)
		}
	case "chineseLegalSimplified":
		if n >= 0 && n < 1e8 {
			return chineseNumber(n, legalDigits, legalUnits, false)
		}
	case "ideographLegalTraditional":
		if n >= 0 && n < 1e8 {
			return chineseNumber(n, legalTradDigits, legalTradUnits, false)
		}
	case "ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital":
		if n >= 0 {
			var b strings.Builder
			for _, d := range dec {
				b.WriteRune(simplifiedDigits[d-'0'])
			}
			return b.String()
		}
	case "ideographTraditional":
		if n >= 1 && n <= 10 {
			return string([]rune("甲乙丙丁戊己庚辛壬癸")[n-1])
		}
	case "ideographZodiac":
		if n >= 1 && n <= 12 {
			return string([]rune("子丑寅卯辰巳午未申酉戌亥")[n-1])
		}
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle":
		switch {
		case n >= 1 && n <= 20:
			return string(rune(0x2460 + n - 1)) // ①..⑳
		case n >= 21 && n <= 35:
			return string(rune(0x3251 + n - 21)) // ㉑..㉟
		case n >= 36 && n <= 50:
			return string(rune(0x32B1 + n - 36)) // ㊱..㊿
		}
	case "decimalEnclosedFullstop":
		if n >= 1 && n <= 20 {
			return string(rune(0x2488 + n - 1)) // ⒈
		}
	case "decimalEnclosedParen":
		if n >= 1 && n <= 20 {
			return string(rune(0x2474 + n - 1)) // ⑴
		}
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, d := range dec {
			if d >= '0' && d <= '9' {
				d += 0xFF10 - '0'
			}
			b.WriteRune(d)
		}
		return b.String()
	case "custom":
		// Only zero-padded decimal ("001, 002, 003, ...") is understood.
		first, _, _ := strings.Cut(pattern, ",")
		first = strings.TrimSpace(first)
		if w := len(first); w > 1 && w < 10 && strings.Trim(first, "0123456789") == "" && len(dec) < w {
			return strings.Repeat("0", w-len(dec)) + dec
		}
	}
	return dec
}

func roman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

var (
	simplifiedDigits = []rune("〇一二三四五六七八九")
	simplifiedUnits  = []rune("十百千万")
	legalDigits      = []rune("零壹贰叁肆伍陆柒捌玖")
	legalUnits       = []rune("拾佰仟万")
	legalTradDigits  = []rune("零壹貳參肆伍陸柒捌玖")
	legalTradUnits   = []rune("拾佰仟萬")
)

// chineseNumber writes 0 ≤ n < 10^8 in Chinese numerals: 十一, 一百零一,
// 一千零一十, 二万零五. short drops the 一 of 一十 at the start (十二).
func chineseNumber(n int, digits, units []rune, short bool) string {
	if n == 0 {
		return string(digits[0])
	}
	zero := '零'
	if n >= 10000 {
		hi, lo := n/10000, n%10000
		s := chineseNumber(hi, digits, units, short) + string(units[3])
		if lo == 0 {
			return s
		}
		if lo < 1000 {
			s += string(zero)
		}
		return s + chineseBelow10000(lo, digits, units, false)
	}
	return chineseBelow10000(n, digits, units, short)
}

func chineseBelow10000(n int, digits, units []rune, short bool) string {
	var b strings.Builder
	started, gap := false, false
	for pos, div := 3, 1000; pos >= 0; pos, div = pos-1, div/10 {
		d := n / div % 10
		if d == 0 {
			if started {
				gap = true
			}
			continue
		}
		if gap {
			b.WriteRune('零')
			gap = false
		}
		if !(short && !started && d == 1 && pos == 1) {
			b.WriteRune(digits[d])
		}
		if pos > 0 {
			b.WriteRune(units[pos-1])
		}
		started = true
	}
	return b.String()
}
