package notice

import "strconv"

// ProposedTitle is a title for a notice whose header has none, in the
// genre's words: issuer, year and kind
// (河南省人民政府关于明确2023年重点工作责任单位的通知). The office edits it.
func (n *Notice) ProposedTitle() string {
	t := "重点工作责任单位的通知"
	if n.Year != 0 {
		t = strconv.Itoa(n.Year) + "年" + t
	}
	if n.Issuer != "" {
		return n.Issuer + "关于明确" + t
	}
	return t
}
