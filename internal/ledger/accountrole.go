package ledger

// AccountRoleLabel is an account role's Chinese name (admin, office,
// unit, leader, viewer as stored).
func AccountRoleLabel(role string) string {
	switch role {
	case "admin":
		return "系统管理员"
	case "office":
		return "督查室"
	case "unit":
		return "责任单位"
	case "leader":
		return "责任领导"
	case "viewer":
		return "查看"
	}
	return role
}
