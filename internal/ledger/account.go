package ledger

import "unicode/utf8"

// MaxAccountName bounds an account's display name.
const MaxAccountName = 60

// AccountProblem says in Chinese what is wrong with a new account's login
// and name, or "" — the same rule on the accounts page and `duban user`.
func AccountProblem(login, name string) string {
	switch {
	case !validLogin(login):
		return "用户名须为 2–32 个字符，只能使用英文字母、数字、点（.）、下划线（_）和连字符（-）。"
	case name == "":
		return "请填写姓名。"
	case utf8.RuneCountInString(name) > MaxAccountName:
		return "姓名不能超过 60 个字符。"
	}
	return ""
}

// validLogin: 2 to 32 of a-z, A-Z, 0-9, '.', '_' and '-'.
func validLogin(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
