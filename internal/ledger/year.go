package ledger

import (
	"time"

	"duban/internal/notice"
)

// Role is the part a unit plays in a task (牵头 / 配合 / 责任).
type Role string

// Assignment roles, as stored.
const (
	Lead        Role = "lead"
	Support     Role = "support"
	Responsible Role = "responsible"
)

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case Lead:
		return "牵头"
	case Support:
		return "配合"
	case Responsible:
		return "责任"
	}
	return string(r)
}

// Assignment is a unit named on a task, in one role.
type Assignment struct {
	UnitID  int64
	Unit    string
	Label   string // Unit, with its government where another has a unit of that name
	IsGroup bool
	Role    Role
}

// Owners splits a task's assignments into the units that file its plan and
// its reports and the units that contribute a part to them. The lead unit
// owns them — the first lead, since a notice lists the 牵头单位 first and
// the others then work with it; with no lead, each responsible unit is
// answerable for its own. Everyone else named contributes. Groups are
// returned as they are: the store expands them to their members.
func Owners(as []Assignment) (owners, contributors []Assignment) {
	lead := -1
	for i, a := range as {
		if a.Role == Lead {
			lead = i
			break
		}
	}
	for i, a := range as {
		switch {
		case lead >= 0 && i == lead, lead < 0 && a.Role == Responsible:
			owners = append(owners, a)
		default:
			contributors = append(contributors, a)
		}
	}
	return owners, contributors
}

// PeriodKind is what a reporting period collects.
type PeriodKind string

// Period kinds.
const (
	PeriodPlan     PeriodKind = "plan"     // 落实方案
	PeriodProgress PeriodKind = "progress" // a month's or a quarter's 进展情况
	PeriodAnnual   PeriodKind = "annual"   // the whole year's report
)

// Period is one reporting period of a notice: what it covers (Start up to
// Due) and the date its reports are due. It opens a notice's open_days
// before Due and stays open after it, for reports that are then late.
type Period struct {
	ID       int64
	NoticeID int64
	Kind     PeriodKind
	Label    string // 落实方案, 第一季度, 3月, 年度
	Start    notice.Date
	Due      notice.Date
	Version  int
}

// State is where a plan or a report stands in review.
type State string

// States of a plan or a report: draft → submitted → accepted, or
// submitted → returned (with the office's comment) → submitted again.
const (
	Draft     State = "draft"
	Submitted State = "submitted"
	Returned  State = "returned"
	Accepted  State = "accepted"
)

// Label is the state's Chinese name.
func (s State) Label() string {
	switch s {
	case Draft:
		return "草稿"
	case Submitted:
		return "已报送"
	case Returned:
		return "已退回"
	case Accepted:
		return "已采纳"
	}
	return "未填报"
}

// Milestone is one 时间节点 of a plan: by Due, Result is expected and,
// when set, Percent of the task done.
type Milestone struct {
	Due     notice.Date
	Result  string
	Percent *int
}

// Plan is a unit's implementation plan (落实方案) for one task.
type Plan struct {
	ID          int64
	TaskID      int64
	UnitID      int64
	State       State
	Measures    string // 主要措施
	Leader      string // 责任领导
	Contact     string // 联系人
	Phone       string
	Comment     string // the office's comment when it returned the plan
	Milestones  []Milestone
	SubmittedAt time.Time
	ReviewedAt  time.Time
	Version     int
}

// Actual is a report's value for one of the task's quantified targets,
// by the target's index in the task's list.
type Actual struct {
	Target int    `json:"target"`
	Value  string `json:"value"`
}

// Part is what a contributing unit writes inside the owner's report.
type Part struct {
	UnitID    int64
	Text      string
	Version   int
	UpdatedAt time.Time
}

// Report is one unit's progress report (进展情况) on one task for one
// period.
type Report struct {
	ID           int64
	TaskID       int64
	PeriodID     int64
	UnitID       int64
	State        State
	Progress     string // 进展情况
	Percent      *int
	Actuals      []Actual
	Problems     string // 存在问题
	NextSteps    string // 下一步措施
	CloseRequest bool   // 申请办结
	Comment      string // the office's comment when it returned the report
	SubmittedAt  time.Time
	Late         bool
	Version      int
	Parts        []Part
}

// LightState is a task's light.
type LightState string

// Lights, from done to not yet started.
const (
	LightClosed     LightState = "closed"      // 已完成
	LightOverdue    LightState = "overdue"     // 逾期 (red)
	LightLagging    LightState = "lagging"     // 欠进度 (yellow)
	LightOnPace     LightState = "on_pace"     // 达进度 (green)
	LightAhead      LightState = "ahead"       // 超进度 (green)
	LightNotStarted LightState = "not_started" // 未开始
)

// Label is the light's Chinese name.
func (l LightState) Label() string {
	switch l {
	case LightClosed:
		return "已完成"
	case LightOverdue:
		return "逾期"
	case LightLagging:
		return "欠进度"
	case LightOnPace:
		return "达进度"
	case LightAhead:
		return "超进度"
	case LightNotStarted:
		return "未开始"
	}
	return string(l)
}

// Light is a task's light with its reason in words.
type Light struct {
	State   LightState
	Reason  string // 9月30日应报第三季度进展，未报送，已逾期3天
	Pace    int    // 序时进度, percent of the task's time elapsed
	Percent *int   // the latest reported percent complete
}
