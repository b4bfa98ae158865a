package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"duban/internal/ledger"
	"duban/internal/store"
)

// fillYear adds to the task page who owes what for each period and the
// timeline of plans and reports.
func (s *Server) fillYear(r *http.Request, p *taskPage) error {
	ctx := r.Context()
	t := p.Task
	ps, err := s.store.Periods(ctx, t.NoticeID)
	if err != nil {
		return err
	}
	for _, pr := range ps {
		if pr.Kind != ledger.PeriodPlan && pr.AppliesTo(t.Deadline) {
			p.Periods = append(p.Periods, pr)
		}
	}
	owners, _, err := s.store.TaskOwners(ctx, t.ID)
	if err != nil {
		return err
	}
	reports, err := s.store.TaskReports(ctx, t.ID)
	if err != nil {
		return err
	}
	// The office urges what is owed in a period open for reports.
	openDays, today := -1, s.store.Today()
	if userFrom(r).CanEdit() {
		rs, err := s.store.NoticeReporting(ctx, t.NoticeID)
		if err != nil {
			return err
		}
		openDays = rs.OpenDays
	}
	for _, o := range owners {
		un, err := s.store.Unit(ctx, o)
		if err != nil {
			return err
		}
		row := ownerRow{UnitID: o, Unit: un.Name}
		plan, err := s.store.Plan(ctx, t.ID, o)
		if err != nil {
			return err
		}
		if plan.ID != 0 {
			row.Plan = plan.State
		}
		for _, pr := range p.Periods {
			var st ledger.State
			var late bool
			for _, rep := range reports {
				if rep.UnitID == o && rep.PeriodID == pr.ID {
					st, late = rep.State, rep.Late
				}
			}
			row.Reports, row.Late = append(row.Reports, st), append(row.Late, late)
			owed := st != ledger.Submitted && st != ledger.Accepted && t.ClosedOn.IsZero()
			row.Urge = append(row.Urge, openDays >= 0 && owed && ledger.PeriodOpen(pr, openDays, today))
		}
		p.Owners = append(p.Owners, row)
	}
	if p.Urgings, err = s.store.Urgings(ctx, 0, t.ID, 50); err != nil {
		return err
	}
	tl, err := s.store.TaskTimeline(ctx, t.ID)
	if err != nil {
		return err
	}
	names := map[float64]string{}
	for _, e := range tl {
		var after map[string]any
		json.Unmarshal(e.After, &after)
		unit := ""
		if id, ok := after["unit"].(float64); ok {
			if names[id] == "" {
				if un, err := s.store.Unit(ctx, int64(id)); err == nil {
					names[id] = un.Name
				}
			}
			unit = names[id]
		}
		p.Timeline = append(p.Timeline, timelineEntry{At: e.At, User: e.UserName, What: timelineWhat(e, after, unit), Fields: timelineFields(e, after)})
	}
	return nil
}

var actionWords = map[string]string{
	store.ActionUpdate: "保存", store.ActionSubmit: "报送", store.ActionReturn: "退回", store.ActionAccept: "采纳",
	store.ActionAttach: "上传附件到", store.ActionDelete: "删除附件自", store.ActionClose: "办结任务",
}

func timelineWhat(e store.AuditEntry, after map[string]any, unit string) string {
	if e.Action == store.ActionClose {
		return "督查室采纳办结申请，任务已办结"
	}
	what := "落实方案"
	if e.Entity == store.EntityReport {
		period, _ := after["period"].(string)
		what = strings.TrimSpace(period + "进展报告")
	}
	if unit != "" {
		what = unit + "的" + what
	}
	return actionWords[e.Action] + " " + what
}

func timelineFields(e store.AuditEntry, a map[string]any) []fieldChange {
	str := func(k string) string {
		switch v := a[k].(type) {
		case string:
			return v
		case float64:
			return fmt.Sprint(v)
		}
		return ""
	}
	var out []fieldChange
	add := func(label, v string) {
		if strings.TrimSpace(v) != "" {
			out = append(out, fieldChange{Label: label, After: v})
		}
	}
	switch {
	case e.Action == store.ActionAttach:
		add("附件", str("name"))
	case e.Entity == store.EntityPlan:
		add("主要措施", str("measures"))
		add("责任领导", str("leader"))
		add("联系人", strings.TrimSpace(str("contact")+" "+str("phone")))
		if ms, ok := a["milestones"].([]any); ok {
			var lines []string
			for _, m := range ms {
				mm, _ := m.(map[string]any)
				line := fmt.Sprintf("%v：%v", mm["due"], mm["result"])
				if pct, ok := mm["percent"].(float64); ok {
					line += fmt.Sprintf("（完成 %v%%）", pct)
				}
				lines = append(lines, line)
			}
			add("时间节点", strings.Join(lines, "；"))
		}
		add("退回意见", str("comment"))
	case e.Entity == store.EntityReport:
		add("进展情况", str("progress"))
		if pct := str("percent"); pct != "" {
			add("完成进度", pct+"%")
		}
		add("存在问题", str("problems"))
		add("下一步措施", str("next_steps"))
		if a["close_request"] == true {
			add("申请办结", "是")
		}
		if a["late"] == true && e.Action == store.ActionSubmit {
			add("逾期", "是")
		}
		add("意见", str("comment"))
	}
	return out
}
