package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// MaxMilestones bounds a plan's 时间节点.
const MaxMilestones = 24

// PlanProblem says in Chinese what is wrong with a plan's fields, or "".
// submitting asks for everything a plan must state.
func PlanProblem(p *ledger.Plan, submitting bool) string {
	for _, f := range []struct {
		name, v string
		max     int
	}{{"主要措施", p.Measures, MaxReportText}, {"责任领导", p.Leader, 60}, {"联系人", p.Contact, 60}, {"联系电话", p.Phone, 40}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return fmt.Sprintf("“%s”不能超过 %d 个字符。", f.name, f.max)
		}
		if submitting && strings.TrimSpace(f.v) == "" {
			return fmt.Sprintf("请填写“%s”后再报送。", f.name)
		}
	}
	if len(p.Milestones) > MaxMilestones {
		return fmt.Sprintf("时间节点最多 %d 个。", MaxMilestones)
	}
	if submitting && len(p.Milestones) == 0 {
		return "请至少填写一个时间节点后再报送。"
	}
	prev := -1
	for i, m := range p.Milestones {
		switch {
		case m.Due.IsZero():
			return fmt.Sprintf("第 %d 个时间节点缺少日期。", i+1)
		case strings.TrimSpace(m.Result) == "":
			return fmt.Sprintf("第 %d 个时间节点缺少预期成果。", i+1)
		case utf8.RuneCountInString(m.Result) > 500:
			return fmt.Sprintf("第 %d 个时间节点的预期成果不能超过 500 个字符。", i+1)
		case m.Percent != nil && (*m.Percent < 0 || *m.Percent > 100):
			return fmt.Sprintf("第 %d 个时间节点的完成进度须在 0 到 100 之间。", i+1)
		case m.Percent != nil && *m.Percent < prev:
			return fmt.Sprintf("第 %d 个时间节点的完成进度不能低于前一个节点。", i+1)
		}
		if m.Percent != nil {
			prev = *m.Percent
		}
	}
	return ""
}

const planCols = `p.id, p.task_id, p.unit_id, p.state, p.measures, p.leader, p.contact, p.phone, p.comment, p.submitted_at, p.reviewed_at, p.version`

func scanPlan(sc interface{ Scan(...any) error }, extra ...any) (*ledger.Plan, error) {
	var p ledger.Plan
	var st string
	var submitted, reviewed int64
	if err := sc.Scan(append([]any{&p.ID, &p.TaskID, &p.UnitID, &st, &p.Measures, &p.Leader, &p.Contact, &p.Phone, &p.Comment,
		&submitted, &reviewed, &p.Version}, extra...)...); err != nil {
		return nil, err
	}
	p.State = ledger.State(st)
	if submitted != 0 {
		p.SubmittedAt = fromUnix(submitted)
	}
	if reviewed != 0 {
		p.ReviewedAt = fromUnix(reviewed)
	}
	return &p, nil
}

func loadMilestones(ctx context.Context, x q, p *ledger.Plan) error {
	return eachRow(ctx, x, "SELECT due_on, result, percent FROM milestones WHERE plan_id = ? ORDER BY pos", []any{p.ID},
		func(sc func(...any) error) error {
			var m ledger.Milestone
			var due string
			err := sc(&due, &m.Result, &m.Percent)
			m.Due, _ = notice.ParseDate(due)
			p.Milestones = append(p.Milestones, m)
			return err
		})
}

func planByKey(ctx context.Context, x q, taskID, unitID int64) (*ledger.Plan, error) {
	p, err := scanPlan(x.row(ctx, "SELECT "+planCols+" FROM plans p WHERE p.task_id = ? AND p.unit_id = ?", taskID, unitID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p, loadMilestones(ctx, x, p)
}

func planByID(ctx context.Context, x q, id int64) (*ledger.Plan, error) {
	p, err := scanPlan(x.row(ctx, "SELECT "+planCols+" FROM plans p WHERE p.id = ?", id))
	if err != nil {
		return nil, noRows(err, "落实方案", id)
	}
	return p, loadMilestones(ctx, x, p)
}

// Plan is an owner unit's implementation plan for a task; a new draft
// (ID 0) when none has been saved.
func (s *Store) Plan(ctx context.Context, taskID, unitID int64) (*ledger.Plan, error) {
	p, err := planByKey(ctx, s.r(), taskID, unitID)
	if p == nil && err == nil {
		p = &ledger.Plan{TaskID: taskID, UnitID: unitID, State: ledger.Draft}
	}
	return p, err
}

func planAudit(p *ledger.Plan) map[string]any {
	ms := make([]map[string]any, 0, len(p.Milestones))
	for _, m := range p.Milestones {
		ms = append(ms, map[string]any{"due": m.Due.String(), "result": m.Result, "percent": m.Percent})
	}
	return map[string]any{"task": p.TaskID, "unit": p.UnitID, "state": p.State, "measures": p.Measures, "leader": p.Leader,
		"contact": p.Contact, "phone": p.Phone, "milestones": ms, "comment": p.Comment}
}

// SavePlan saves the owner's plan as a draft (a returned plan stays
// returned until submitted again); version 0 for a plan not yet saved.
func (s *Store) SavePlan(ctx context.Context, in *ledger.Plan, version int, by Actor) (*ledger.Plan, error) {
	if msg := PlanProblem(in, false); msg != "" {
		return nil, &InputError{Msg: msg}
	}
	var out *ledger.Plan
	err := s.tx(ctx, func(x q) error {
		if role, err := unitReportRole(ctx, x, in.TaskID, in.UnitID); err != nil {
			return err
		} else if role != ReportOwner {
			return notFound("落实方案", in.TaskID)
		}
		cur, err := planByKey(ctx, x, in.TaskID, in.UnitID)
		if err != nil {
			return err
		}
		now := s.now()
		var id int64
		switch {
		case cur == nil && version != 0:
			return &InputError{Msg: "这份落实方案已不存在，请刷新后再填。", Stale: true}
		case cur == nil:
			id, err = x.insert(ctx, `INSERT INTO plans (task_id, unit_id, state, measures, leader, contact, phone, updated_at)
				VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)`, in.TaskID, in.UnitID, in.Measures, in.Leader, in.Contact, in.Phone, unix(now))
			if s.d.isUnique(err) {
				return &InputError{Msg: "这份落实方案刚被同单位的他人创建，请刷新后再改。", Stale: true}
			}
			if err != nil {
				return err
			}
		case cur.State == ledger.Submitted || cur.State == ledger.Accepted:
			return &InputError{Msg: "落实方案已报送，不能再修改；如需调整，请联系督查室退回。", Stale: true}
		case cur.Version != version:
			return &InputError{Msg: fmt.Sprintf("这份落实方案已被他人修改（现为第 %d 版），请刷新后再改。", cur.Version), Stale: true}
		default:
			id = cur.ID
			res, err := x.exec(ctx, `UPDATE plans SET measures = ?, leader = ?, contact = ?, phone = ?, version = version + 1, updated_at = ?
				WHERE id = ? AND version = ?`, in.Measures, in.Leader, in.Contact, in.Phone, unix(now), id, version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return &InputError{Msg: "这份落实方案已被他人修改，请刷新后再改。", Stale: true}
			}
			if _, err := x.exec(ctx, "DELETE FROM milestones WHERE plan_id = ?", id); err != nil {
				return err
			}
		}
		for i, m := range in.Milestones {
			if _, err := x.exec(ctx, "INSERT INTO milestones (plan_id, pos, due_on, result, percent) VALUES (?, ?, ?, ?, ?)",
				id, i, m.Due.String(), strings.TrimSpace(m.Result), m.Percent); err != nil {
				return err
			}
		}
		if err := invalidateLights(ctx, x, in.TaskID); err != nil {
			return err
		}
		out, err = planByID(ctx, x, id)
		if err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityPlan, id, ActionUpdate, nil, planAudit(out))
	})
	return out, err
}

// SubmitPlan submits the unit's draft or returned plan for review.
func (s *Store) SubmitPlan(ctx context.Context, id int64, version int, unitID int64, by Actor) (*ledger.Plan, error) {
	var out *ledger.Plan
	err := s.tx(ctx, func(x q) error {
		p, err := planByID(ctx, x, id)
		if err != nil {
			return err
		}
		switch {
		case p.UnitID != unitID:
			return notFound("落实方案", id)
		case p.State == ledger.Submitted || p.State == ledger.Accepted:
			return &InputError{Msg: "落实方案已经报送。", Stale: true}
		case version != 0 && p.Version != version:
			return &InputError{Msg: "这份落实方案已被他人修改，请刷新后再报送。", Stale: true}
		}
		if msg := PlanProblem(p, true); msg != "" {
			return &InputError{Msg: msg}
		}
		now := s.now()
		res, err := x.exec(ctx, `UPDATE plans SET state = 'submitted', comment = '', submitted_at = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND state IN ('draft', 'returned')`, unix(now), unix(now), id, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &InputError{Msg: "这份落实方案已被他人修改，请刷新后再报送。", Stale: true}
		}
		p.State, p.Comment, p.SubmittedAt, p.Version = ledger.Submitted, "", now, p.Version+1
		out = p
		if err := invalidateLights(ctx, x, p.TaskID); err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityPlan, id, ActionSubmit, nil, planAudit(p))
	})
	return out, err
}

// ReviewPlan accepts a submitted plan (its milestones then drive the
// light) or returns it with a comment; the first of two reviewers wins.
func (s *Store) ReviewPlan(ctx context.Context, id int64, version int, accept bool, comment string, by Actor) (*ledger.Plan, error) {
	comment = strings.TrimSpace(comment)
	if !accept && comment == "" {
		return nil, &InputError{Msg: "退回时请写明原因，报送单位将看到这段意见。"}
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return nil, &InputError{Msg: fmt.Sprintf("意见不能超过 %d 个字符。", MaxComment)}
	}
	var out *ledger.Plan
	err := s.tx(ctx, func(x q) error {
		p, err := planByID(ctx, x, id)
		if err != nil {
			return err
		}
		if p.State != ledger.Submitted || (version != 0 && p.Version != version) {
			return &InputError{Msg: fmt.Sprintf("这份落实方案已被他人处理（现为：%s），请刷新查看。", p.State.Label()), Stale: true}
		}
		state, action := ledger.Accepted, ActionAccept
		if !accept {
			state, action = ledger.Returned, ActionReturn
		}
		now := s.now()
		res, err := x.exec(ctx, `UPDATE plans SET state = ?, comment = ?, reviewed_at = ?, reviewed_by = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND state = 'submitted'`, string(state), comment, unix(now), nullID(by.UserID), unix(now), id, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &InputError{Msg: "这份落实方案已被他人处理，请刷新查看。", Stale: true}
		}
		p.State, p.Comment, p.Version = state, comment, p.Version+1
		out = p
		if err := invalidateLights(ctx, x, p.TaskID); err != nil {
			return err
		}
		return writeAudit(ctx, x, now, by, EntityPlan, id, action, nil, planAudit(p))
	})
	return out, err
}

// PlanItem is a plan in the office's list.
type PlanItem struct {
	Plan *ledger.Plan
	Task *ledger.Task
	Unit string
}

// PlansInState lists plans in one state (submitted: awaiting review),
// oldest submission first.
func (s *Store) PlansInState(ctx context.Context, state ledger.State, noticeID int64) ([]PlanItem, error) {
	w := where{}
	w.add("p.state = ?", string(state))
	if noticeID != 0 {
		w.add("t.notice_id = ?", noticeID)
	}
	var out []PlanItem
	err := eachRow(ctx, s.r(), "SELECT "+planCols+", u.name FROM plans p JOIN tasks t ON t.id = p.task_id JOIN units u ON u.id = p.unit_id WHERE "+
		w.sql()+" ORDER BY p.submitted_at, p.id LIMIT 100", w.args, func(sc func(...any) error) error {
		var it PlanItem
		p, err := scanPlan(scanFunc(sc), &it.Unit)
		it.Plan = p
		out = append(out, it)
		return err
	})
	if err != nil {
		return nil, err
	}
	rows := map[int64][]int{}
	for i := range out {
		rows[out[i].Plan.TaskID] = append(rows[out[i].Plan.TaskID], i)
	}
	return out, s.attachTasks(ctx, rows, func(i int, t *ledger.Task) { out[i].Task = t })
}

// TaskTimeline is the history of a task's plans and reports, newest first:
// every save of a plan, submission, return and acceptance, with the full
// text as it stood.
func (s *Store) TaskTimeline(ctx context.Context, taskID int64) ([]AuditEntry, error) {
	var out []AuditEntry
	err := eachRow(ctx, s.r(), `SELECT id, created_at, COALESCE(user_id, 0), user_name, entity, entity_id, action, before_json, after_json FROM audit
		WHERE (entity = ? AND entity_id IN (SELECT id FROM plans WHERE task_id = ?))
		   OR (entity = ? AND entity_id IN (SELECT id FROM reports WHERE task_id = ?))
		   OR (entity = ? AND entity_id = ? AND action = ?)
		ORDER BY id DESC`, []any{EntityPlan, taskID, EntityReport, taskID, EntityTask, taskID, ActionClose},
		func(sc func(...any) error) error {
			var e AuditEntry
			var at int64
			var b, a string
			err := sc(&e.ID, &at, &e.UserID, &e.UserName, &e.Entity, &e.EntityID, &e.Action, &b, &a)
			e.At, e.Before, e.After = fromUnix(at), []byte(b), []byte(a)
			out = append(out, e)
			return err
		})
	return out, err
}
