package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/ledger"
	"duban/internal/notice"
)

// Limits of a report's text, in characters.
const (
	MaxReportText = 5000
	MaxPartText   = 3000
	MaxComment    = 1000
)

// ReportProblem says in Chinese what is wrong with a report's fields, or "".
func ReportProblem(r *ledger.Report, targets int) string {
	for _, f := range []struct {
		name, v string
	}{{"进展情况", r.Progress}, {"存在问题", r.Problems}, {"下一步措施", r.NextSteps}} {
		if utf8.RuneCountInString(f.v) > MaxReportText {
			return fmt.Sprintf("“%s”不能超过 %d 个字符。", f.name, MaxReportText)
		}
	}
	if r.Percent != nil && (*r.Percent < 0 || *r.Percent > 100) {
		return "完成进度须在 0 到 100 之间。"
	}
	for _, a := range r.Actuals {
		if a.Target < 0 || a.Target >= targets {
			return "实际完成值对应的目标不存在。"
		}
		if utf8.RuneCountInString(a.Value) > 100 {
			return "实际完成值不能超过 100 个字符。"
		}
	}
	return ""
}

// submitProblem is what a report lacks before it can be submitted.
func submitProblem(r *ledger.Report) string {
	switch {
	case strings.TrimSpace(r.Progress) == "":
		return "请填写进展情况后再报送。"
	case r.Percent == nil:
		return "请填写完成进度（百分比）后再报送。"
	}
	return ""
}

const reportCols = `r.id, r.task_id, r.period_id, r.unit_id, r.state, r.progress, r.percent, r.actuals, r.problems, r.next_steps,
	r.close_request, r.comment, r.submitted_at, r.late, r.version`

// scanFunc lets eachRow's scan stand where a row's Scan is asked.
type scanFunc func(...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// scanReport reads reportCols, then any extra columns into extra.
func scanReport(sc interface{ Scan(...any) error }, extra ...any) (*ledger.Report, error) {
	var r ledger.Report
	var st, actuals string
	var closeReq, late int
	var submitted int64
	dest := append([]any{&r.ID, &r.TaskID, &r.PeriodID, &r.UnitID, &st, &r.Progress, &r.Percent, &actuals, &r.Problems, &r.NextSteps,
		&closeReq, &r.Comment, &submitted, &late, &r.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.State, r.CloseRequest, r.Late = ledger.State(st), closeReq != 0, late != 0
	if submitted != 0 {
		r.SubmittedAt = fromUnix(submitted)
	}
	if err := json.Unmarshal([]byte(actuals), &r.Actuals); err != nil {
		return nil, fmt.Errorf("report %d actuals: %w", r.ID, err)
	}
	return &r, nil
}

func loadParts(ctx context.Context, x q, r *ledger.Report) error {
	return eachRow(ctx, x, "SELECT unit_id, text, version, updated_at FROM report_parts WHERE report_id = ? ORDER BY unit_id", []any{r.ID},
		func(sc func(...any) error) error {
			var p ledger.Part
			var at int64
			err := sc(&p.UnitID, &p.Text, &p.Version, &at)
			p.UpdatedAt = fromUnix(at)
			r.Parts = append(r.Parts, p)
			return err
		})
}

func reportByKey(ctx context.Context, x q, taskID, periodID, unitID int64) (*ledger.Report, error) {
	r, err := scanReport(x.row(ctx, "SELECT "+reportCols+" FROM reports r WHERE r.task_id = ? AND r.period_id = ? AND r.unit_id = ?", taskID, periodID, unitID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r, loadParts(ctx, x, r)
}

func reportByID(ctx context.Context, x q, id int64) (*ledger.Report, error) {
	r, err := scanReport(x.row(ctx, "SELECT "+reportCols+" FROM reports r WHERE r.id = ?", id))
	if err != nil {
		return nil, noRows(err, "报告", id)
	}
	return r, loadParts(ctx, x, r)
}

// ReportByID is one report with its parts.
func (s *Store) ReportByID(ctx context.Context, id int64) (*ledger.Report, error) {
	return reportByID(ctx, s.r(), id)
}

// Report is the owner unit's report on a task for a period. When none has
// been saved it is a new draft (ID 0) that starts from the unit's report
// of the period before, so only what changed is typed.
func (s *Store) Report(ctx context.Context, taskID, periodID, unitID int64) (*ledger.Report, error) {
	r, err := reportByKey(ctx, s.r(), taskID, periodID, unitID)
	if err != nil || r != nil {
		return r, err
	}
	r = &ledger.Report{TaskID: taskID, PeriodID: periodID, UnitID: unitID, State: ledger.Draft}
	prev, err := s.PreviousReport(ctx, taskID, periodID, unitID)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		r.Progress, r.Percent, r.Actuals, r.Problems, r.NextSteps = prev.Progress, prev.Percent, prev.Actuals, prev.Problems, prev.NextSteps
	}
	return r, nil
}

// PreviousReport is the unit's latest report on the task for a progress
// period due before this one, or nil.
func (s *Store) PreviousReport(ctx context.Context, taskID, periodID, unitID int64) (*ledger.Report, error) {
	r, err := scanReport(s.r().row(ctx, "SELECT "+reportCols+` FROM reports r JOIN periods p ON p.id = r.period_id
		WHERE r.task_id = ? AND r.unit_id = ? AND p.kind <> 'plan'
		AND p.due_on < (SELECT due_on FROM periods WHERE id = ?) ORDER BY p.due_on DESC LIMIT 1`, taskID, unitID, periodID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// ReportRole is what a unit may do with a task's report: write it (the
// owner), write its own part inside it (a contributor), or nothing.
type ReportRole int

// Report roles.
const (
	NoReportRole ReportRole = iota
	ReportOwner
	ReportContributor
)

// UnitReportRole is unit's part in the reports of a task.
func (s *Store) UnitReportRole(ctx context.Context, taskID, unitID int64) (ReportRole, error) {
	return unitReportRole(ctx, s.r(), taskID, unitID)
}

func unitReportRole(ctx context.Context, x q, taskID, unitID int64) (ReportRole, error) {
	owners, contributors, err := OwnerUnits(ctx, x, taskID)
	switch {
	case err != nil:
		return NoReportRole, err
	case slices.Contains(owners, unitID):
		return ReportOwner, nil
	case slices.Contains(contributors, unitID):
		return ReportContributor, nil
	}
	return NoReportRole, nil
}

// periodFor checks that reports may be filed for period p of the task
// today: the period is the task's notice's, open, and owed by the task.
func (s *Store) periodFor(ctx context.Context, x q, taskID, periodID int64) (ledger.Period, error) {
	p, err := scanPeriod(x.row(ctx, "SELECT "+periodCols+" FROM periods WHERE id = ?", periodID))
	if err != nil {
		return p, noRows(err, "报送期", periodID)
	}
	var noticeID int64
	var openDays int
	var deadline string
	if err := x.row(ctx, `SELECT t.notice_id, n.open_days, t.deadline FROM tasks t JOIN notices n ON n.id = t.notice_id WHERE t.id = ?`, taskID).
		Scan(&noticeID, &openDays, &deadline); err != nil {
		return p, noRows(err, "任务", taskID)
	}
	if noticeID != p.NoticeID || p.Kind == ledger.PeriodPlan {
		return p, notFound("报送期", periodID)
	}
	dl, _ := notice.ParseDate(deadline)
	if !p.AppliesTo(dl) {
		return p, &InputError{Msg: fmt.Sprintf("该任务的完成时限早于“%s”，本期无需报送。", p.Label)}
	}
	if !ledger.PeriodOpen(p, openDays, s.today()) {
		return p, &InputError{Msg: fmt.Sprintf("“%s”自%s起开放填报。", p.Label, ledger.MonthDay(p.Opens(openDays), s.today()))}
	}
	return p, nil
}

var errNotEditable = &InputError{Msg: "报告已报送，不能再修改；如需修改，请联系督查室退回。", Stale: true}

func staleReport(r *ledger.Report) error {
	return &InputError{Msg: fmt.Sprintf("这份报告已被他人修改（现为第 %d 版，状态：%s），请刷新后再改。", r.Version, r.State.Label()), Stale: true}
}

// SaveReport saves the owner unit's fields of a report as a draft (or
// keeps a returned report returned until it is submitted again). version
// is the one the writer saw, 0 for a report not yet saved.
func (s *Store) SaveReport(ctx context.Context, in *ledger.Report, version int, by Actor) (*ledger.Report, error) {
	var targetsJSON string
	if err := s.r().row(ctx, "SELECT targets FROM tasks WHERE id = ?", in.TaskID).Scan(&targetsJSON); err != nil {
		return nil, noRows(err, "任务", in.TaskID)
	}
	var targets []notice.Target
	if err := json.Unmarshal([]byte(targetsJSON), &targets); err != nil {
		return nil, err
	}
	if msg := ReportProblem(in, len(targets)); msg != "" {
		return nil, &InputError{Msg: msg}
	}
	var out *ledger.Report
	err := s.tx(ctx, func(x q) error {
		if role, err := unitReportRole(ctx, x, in.TaskID, in.UnitID); err != nil {
			return err
		} else if role != ReportOwner {
			return notFound("报告", in.TaskID)
		}
		if _, err := s.periodFor(ctx, x, in.TaskID, in.PeriodID); err != nil {
			return err
		}
		cur, err := reportByKey(ctx, x, in.TaskID, in.PeriodID, in.UnitID)
		if err != nil {
			return err
		}
		actuals, _ := json.Marshal(nonNil(in.Actuals))
		now := s.now()
		switch {
		case cur == nil && version != 0:
			return &InputError{Msg: "这份报告已不存在，请刷新后再填。", Stale: true}
		case cur == nil:
			_, err := x.insert(ctx, `INSERT INTO reports (task_id, period_id, unit_id, state, progress, percent, actuals, problems, next_steps,
				close_request, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?)`,
				in.TaskID, in.PeriodID, in.UnitID, in.Progress, in.Percent, string(actuals), in.Problems, in.NextSteps, boolInt(in.CloseRequest), unix(now), unix(now))
			if s.d.isUnique(err) {
				return &InputError{Msg: "这份报告刚被同单位的他人创建，请刷新后再改。", Stale: true}
			}
			if err != nil {
				return err
			}
		case cur.State == ledger.Submitted || cur.State == ledger.Accepted:
			return errNotEditable
		case cur.Version != version:
			return staleReport(cur)
		default:
			res, err := x.exec(ctx, `UPDATE reports SET progress = ?, percent = ?, actuals = ?, problems = ?, next_steps = ?, close_request = ?,
				version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state IN ('draft', 'returned')`,
				in.Progress, in.Percent, string(actuals), in.Problems, in.NextSteps, boolInt(in.CloseRequest), unix(now), cur.ID, version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return staleReport(cur)
			}
		}
		out, err = reportByKey(ctx, x, in.TaskID, in.PeriodID, in.UnitID)
		return err
	})
	return out, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SavePart saves a contributing unit's own section of the owner's report
// for a task and period. It is versioned apart from the owner's fields, so
// the lead unit and a support unit saving at once both keep their text.
// The owner's report is created as an empty draft when the support unit
// writes first.
func (s *Store) SavePart(ctx context.Context, taskID, periodID, ownerID, unitID int64, text string, version int, by Actor) error {
	if utf8.RuneCountInString(text) > MaxPartText {
		return &InputError{Msg: fmt.Sprintf("配合单位的情况不能超过 %d 个字符。", MaxPartText)}
	}
	return s.tx(ctx, func(x q) error {
		owners, contributors, err := OwnerUnits(ctx, x, taskID)
		if err != nil {
			return err
		}
		if !slices.Contains(contributors, unitID) || !slices.Contains(owners, ownerID) {
			return notFound("报告", taskID)
		}
		if _, err := s.periodFor(ctx, x, taskID, periodID); err != nil {
			return err
		}
		now := s.now()
		// the report row exists before the part; racing creators both
		// end up on the one row the unique key allows
		_, err = x.exec(ctx, `INSERT INTO reports (task_id, period_id, unit_id, state, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?)
			ON CONFLICT (task_id, period_id, unit_id) DO NOTHING`, taskID, periodID, ownerID, unix(now), unix(now))
		if err != nil {
			return err
		}
		r, err := reportByKey(ctx, x, taskID, periodID, ownerID)
		if err != nil {
			return err
		}
		if r.State == ledger.Submitted || r.State == ledger.Accepted {
			return &InputError{Msg: "牵头单位已报送这份报告，配合情况不能再改；如需补充，请联系牵头单位或督查室。", Stale: true}
		}
		var cur *ledger.Part
		for i := range r.Parts {
			if r.Parts[i].UnitID == unitID {
				cur = &r.Parts[i]
			}
		}
		switch {
		case cur == nil && version != 0, cur != nil && cur.Version != version:
			return &InputError{Msg: "本单位的配合情况已被他人修改，请刷新后再改。", Stale: true}
		case cur == nil:
			_, err = x.exec(ctx, `INSERT INTO report_parts (report_id, unit_id, text, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)`,
				r.ID, unitID, text, unix(now), nullID(by.UserID))
			if s.d.isUnique(err) {
				return &InputError{Msg: "本单位的配合情况刚被他人保存，请刷新后再改。", Stale: true}
			}
		default:
			var res sql.Result
			res, err = x.exec(ctx, `UPDATE report_parts SET text = ?, version = version + 1, updated_at = ?, updated_by = ?
				WHERE report_id = ? AND unit_id = ? AND version = ?`, text, unix(now), nullID(by.UserID), r.ID, unitID, version)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return &InputError{Msg: "本单位的配合情况已被他人修改，请刷新后再改。", Stale: true}
				}
			}
		}
		return err
	})
}

// reportAudit is a report as the audit log and the task's timeline keep it.
func reportAudit(r *ledger.Report, p ledger.Period) map[string]any {
	return map[string]any{"task": r.TaskID, "unit": r.UnitID, "period": p.Label, "state": r.State, "progress": r.Progress,
		"percent": r.Percent, "actuals": r.Actuals, "problems": r.Problems, "next_steps": r.NextSteps,
		"close_request": r.CloseRequest, "comment": r.Comment, "late": r.Late}
}

// SubmitReport submits a draft or returned report of unitID. A report
// submitted after its period's due date (in the deployment's zone) is late.
func (s *Store) SubmitReport(ctx context.Context, id int64, version int, unitID int64, by Actor) (*ledger.Report, error) {
	var out *ledger.Report
	err := s.tx(ctx, func(x q) error {
		var err error
		out, err = s.submit(ctx, x, id, version, unitID, by)
		return err
	})
	return out, err
}

func (s *Store) submit(ctx context.Context, x q, id int64, version int, unitID int64, by Actor) (*ledger.Report, error) {
	r, err := reportByID(ctx, x, id)
	if err != nil {
		return nil, err
	}
	if r.UnitID != unitID {
		return nil, notFound("报告", id)
	}
	switch {
	case r.State == ledger.Submitted || r.State == ledger.Accepted:
		return nil, &InputError{Msg: "这份报告已经报送。", Stale: true}
	case version != 0 && r.Version != version:
		return nil, staleReport(r)
	}
	if msg := submitProblem(r); msg != "" {
		return nil, &InputError{Msg: msg}
	}
	p, err := s.periodFor(ctx, x, r.TaskID, r.PeriodID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r.Late = ledger.Late(p, ledger.Today(now, s.loc))
	res, err := x.exec(ctx, `UPDATE reports SET state = 'submitted', submitted_at = ?, late = ?, comment = '', version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND state IN ('draft', 'returned')`, unix(now), boolInt(r.Late), unix(now), id, r.Version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, staleReport(r)
	}
	r.State, r.Comment, r.SubmittedAt, r.Version = ledger.Submitted, "", now, r.Version+1
	if err := invalidateLights(ctx, x, r.TaskID); err != nil {
		return nil, err
	}
	return r, writeAudit(ctx, x, now, by, EntityReport, id, ActionSubmit, nil, reportAudit(r, p))
}

// SubmitReports submits at once every listed draft of unitID that is ready
// (has its progress and percent), in one transaction; it returns how many
// it submitted and, for each it could not, why.
func (s *Store) SubmitReports(ctx context.Context, ids []int64, unitID int64, by Actor) (int, []string, error) {
	var n int
	var skipped []string
	err := s.tx(ctx, func(x q) error {
		n, skipped = 0, nil
		for _, id := range ids {
			_, err := s.submit(ctx, x, id, 0, unitID, by)
			var in *InputError
			switch {
			case errors.As(err, &in):
				skipped = append(skipped, fmt.Sprintf("报告 %d：%s", id, in.Msg))
			case err != nil:
				return err
			default:
				n++
			}
		}
		return nil
	})
	return n, skipped, err
}

// ReviewReport accepts a submitted report or returns it with a comment.
// Of two reviewers acting on one report, the first wins and the second is
// told what happened. Accepting a report that asks to close the task
// closes it (已办结).
func (s *Store) ReviewReport(ctx context.Context, id int64, version int, accept bool, comment string, by Actor) (*ledger.Report, error) {
	comment = strings.TrimSpace(comment)
	if !accept && comment == "" {
		return nil, &InputError{Msg: "退回时请写明原因，报送单位将看到这段意见。"}
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return nil, &InputError{Msg: fmt.Sprintf("意见不能超过 %d 个字符。", MaxComment)}
	}
	var out *ledger.Report
	err := s.tx(ctx, func(x q) error {
		var err error
		out, err = s.review(ctx, x, id, version, accept, comment, by)
		return err
	})
	return out, err
}

func (s *Store) review(ctx context.Context, x q, id int64, version int, accept bool, comment string, by Actor) (*ledger.Report, error) {
	r, err := reportByID(ctx, x, id)
	if err != nil {
		return nil, err
	}
	if r.State != ledger.Submitted || (version != 0 && r.Version != version) {
		return nil, &InputError{Msg: fmt.Sprintf("这份报告已被他人处理（现为：%s），请刷新查看。", r.State.Label()), Stale: true}
	}
	state, action := ledger.Accepted, ActionAccept
	if !accept {
		state, action = ledger.Returned, ActionReturn
	}
	now := s.now()
	res, err := x.exec(ctx, `UPDATE reports SET state = ?, comment = ?, reviewed_at = ?, reviewed_by = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND state = 'submitted'`, string(state), comment, unix(now), nullID(by.UserID), unix(now), id, r.Version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &InputError{Msg: "这份报告已被他人处理，请刷新查看。", Stale: true}
	}
	r.State, r.Comment, r.Version = state, comment, r.Version+1
	if accept && r.CloseRequest {
		if _, err := x.exec(ctx, "UPDATE tasks SET closed_on = ? WHERE id = ?", ledger.Today(now, s.loc).String(), r.TaskID); err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, x, now, by, EntityTask, r.TaskID, ActionClose, nil, map[string]any{"closed_on": ledger.Today(now, s.loc).String(), "report": id}); err != nil {
			return nil, err
		}
	}
	if err := invalidateLights(ctx, x, r.TaskID); err != nil {
		return nil, err
	}
	p, err := scanPeriod(x.row(ctx, "SELECT "+periodCols+" FROM periods WHERE id = ?", r.PeriodID))
	if err != nil {
		return nil, err
	}
	return r, writeAudit(ctx, x, now, by, EntityReport, id, action, nil, reportAudit(r, p))
}

// AcceptReports accepts every listed report still awaiting review, in one
// transaction; reports another reviewer handled first are skipped and
// counted.
func (s *Store) AcceptReports(ctx context.Context, ids []int64, by Actor) (accepted, skipped int, err error) {
	err = s.tx(ctx, func(x q) error {
		accepted, skipped = 0, 0
		for _, id := range ids {
			_, err := s.review(ctx, x, id, 0, true, "", by)
			var in *InputError
			switch {
			case errors.As(err, &in), errors.Is(err, ErrNotFound):
				skipped++
			case err != nil:
				return err
			default:
				accepted++
			}
		}
		return nil
	})
	return accepted, skipped, err
}

// InboxItem is one thing a unit owes or may add to: a task's report for
// an open period.
type InboxItem struct {
	Task      *ledger.Task
	Period    ledger.Period
	Owner     bool  // the unit writes the report; else it adds its part
	Plan      bool  // the item is the task's 落实方案, not a progress report
	OwnerID   int64 // the unit that owns the report
	ReportID  int64 // 0 when nothing is saved yet
	State     ledger.State
	Version   int
	Ready     bool // a draft with progress and percent, submittable at once
	Overdue   bool // past its due date and not submitted
	Late      bool // submitted after its due date
	Submitted time.Time
}

// Inbox is 我的待办: for each open period, every task the unit owns the
// report of or contributes to, with the report's state, latest due first
// among what is still owed.
func (s *Store) Inbox(ctx context.Context, unitID int64) ([]InboxItem, error) {
	all, err := s.Tasks(ctx, TaskFilter{UnitID: unitID})
	if err != nil {
		return nil, err
	}
	var ts []*ledger.Task
	var ids []int64
	for _, t := range all {
		if t.ClosedOn.IsZero() {
			ts = append(ts, t)
			ids = append(ids, t.ID)
		}
	}
	// The open periods of the tasks' notices.
	today := s.today()
	periods := map[int64][]ledger.Period{}
	var open []any
	for _, t := range ts {
		if _, ok := periods[t.NoticeID]; ok {
			continue
		}
		ps, err := s.Periods(ctx, t.NoticeID)
		if err != nil {
			return nil, err
		}
		r, err := s.NoticeReporting(ctx, t.NoticeID)
		if err != nil {
			return nil, err
		}
		var keep []ledger.Period
		for _, p := range ps {
			if ledger.PeriodOpen(p, r.OpenDays, today) {
				keep = append(keep, p)
				open = append(open, p.ID)
			}
		}
		periods[t.NoticeID] = keep
	}
	// Everything about these tasks in a few queries, not a few a task.
	owners, contributors, err := ownersOfTasks(ctx, s.r(), ids)
	if err != nil {
		return nil, err
	}
	// The unit's own reports, and those of the owners it contributes to:
	// a group's task has a report from every member, which is not its.
	units := []any{unitID}
	seen := map[int64]bool{unitID: true}
	for _, id := range ids {
		if slices.Contains(owners[id], unitID) {
			continue
		}
		for _, o := range owners[id] {
			if !seen[o] {
				seen[o] = true
				units = append(units, o)
			}
		}
	}
	type key struct{ task, period, unit int64 }
	reports := map[key]*ledger.Report{}
	plans := map[int64]*ledger.Plan{}
	for chunk := range slices.Chunk(ids, 500) {
		if len(open) == 0 {
			break
		}
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		in := "(" + placeholders(len(chunk)) + ")"
		err := eachRow(ctx, s.r(), "SELECT "+reportCols+" FROM reports r WHERE r.task_id IN "+in+" AND r.period_id IN ("+placeholders(len(open))+
			") AND r.unit_id IN ("+placeholders(len(units))+")", append(append(args, open...), units...), func(sc func(...any) error) error {
			r, err := scanReport(scanFunc(sc))
			if err == nil {
				reports[key{r.TaskID, r.PeriodID, r.UnitID}] = r
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		err = eachRow(ctx, s.r(), "SELECT "+planCols+" FROM plans p WHERE p.unit_id = ? AND p.task_id IN "+in, append([]any{unitID}, args...),
			func(sc func(...any) error) error {
				p, err := scanPlan(scanFunc(sc))
				if err == nil {
					plans[p.TaskID] = p
				}
				return err
			})
		if err != nil {
			return nil, err
		}
	}
	var out []InboxItem
	for _, t := range ts {
		ps := periods[t.NoticeID]
		owner := slices.Contains(owners[t.ID], unitID)
		if !owner && !slices.Contains(contributors[t.ID], unitID) {
			continue
		}
		for _, p := range ps {
			if !p.AppliesTo(t.Deadline) {
				continue
			}
			if p.Kind == ledger.PeriodPlan {
				if !owner {
					continue // a plan is the owner's alone
				}
				it := InboxItem{Task: t, Period: p, Owner: true, OwnerID: unitID, Plan: true}
				pl := plans[t.ID]
				if pl != nil {
					it.ReportID, it.State, it.Version, it.Submitted = pl.ID, pl.State, pl.Version, pl.SubmittedAt
				}
				it.Overdue = p.Due.Before(today) && (pl == nil || pl.State == ledger.Draft || pl.State == ledger.Returned)
				out = append(out, it)
				continue
			}
			// a contributor adds to each owner's report (usually one: the lead's)
			ownerIDs := []int64{unitID}
			if !owner {
				ownerIDs = owners[t.ID]
			}
			for _, oid := range ownerIDs {
				it := InboxItem{Task: t, Period: p, Owner: owner, OwnerID: oid}
				r := reports[key{t.ID, p.ID, oid}]
				if r != nil {
					it.ReportID, it.State, it.Version, it.Late, it.Submitted = r.ID, r.State, r.Version, r.Late, r.SubmittedAt
					it.Ready = (r.State == ledger.Draft || r.State == ledger.Returned) && submitProblem(r) == ""
				}
				it.Overdue = p.Due.Before(today) && (r == nil || r.State == ledger.Draft || r.State == ledger.Returned)
				out = append(out, it)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b InboxItem) int {
		if c := compareDate(a.Period.Due, b.Period.Due); c != 0 {
			return c
		}
		return int(a.Task.ID - b.Task.ID)
	})
	return out, nil
}

func compareDate(a, b notice.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// ReviewFilter selects reports for the review queue.
type ReviewFilter struct {
	NoticeID, PeriodID, UnitID int64
	Heading                    string
	Light                      ledger.LightState
	State                      ledger.State // default submitted
	Scope                      ledger.Scope
	Limit                      int
}

// ReviewItem is a report in the review queue.
type ReviewItem struct {
	Report *ledger.Report
	Task   *ledger.Task
	Period ledger.Period
	Unit   string
}

// ReviewQueue lists reports, by default those awaiting review, oldest
// submission first.
func (s *Store) ReviewQueue(ctx context.Context, f ReviewFilter) ([]ReviewItem, error) {
	if f.State == "" {
		f.State = ledger.Submitted
	}
	if f.Light != "" {
		if err := s.freshenFor(ctx, TaskFilter{NoticeID: f.NoticeID}); err != nil {
			return nil, err
		}
	}
	tf := TaskFilter{NoticeID: f.NoticeID, Heading: f.Heading, Light: f.Light, Scope: f.Scope}
	w := tf.where(true)
	w.add("r.state = ?", string(f.State))
	if f.PeriodID != 0 {
		w.add("r.period_id = ?", f.PeriodID)
	}
	if f.UnitID != 0 {
		w.add("r.unit_id = ?", f.UnitID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	var items []ReviewItem
	taskIDs := map[int64][]int{}
	err := eachRow(ctx, s.r(), "SELECT "+reportCols+", u.name FROM reports r JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id WHERE "+
		w.sql()+" ORDER BY r.submitted_at, r.id LIMIT ?", append(w.args, limit), func(sc func(...any) error) error {
		var unit string
		rr, err := scanReport(scanFunc(sc), &unit)
		if err != nil {
			return err
		}
		taskIDs[rr.TaskID] = append(taskIDs[rr.TaskID], len(items))
		items = append(items, ReviewItem{Report: rr, Unit: unit})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.attachTasks(ctx, taskIDs, func(i int, t *ledger.Task) { items[i].Task = t }); err != nil {
		return nil, err
	}
	periods := map[int64]ledger.Period{}
	for i := range items {
		id := items[i].Report.PeriodID
		p, ok := periods[id]
		if !ok {
			if p, err = s.Period(ctx, id); err != nil {
				return nil, err
			}
			periods[id] = p
		}
		items[i].Period = p
	}
	return items, nil
}

// attachTasks loads the tasks of a list in one query a few hundred, with
// their units and lights, and hands each to the list's rows (by index).
func (s *Store) attachTasks(ctx context.Context, rows map[int64][]int, set func(int, *ledger.Task)) error {
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	for chunk := range slices.Chunk(ids, 500) {
		ts, err := s.Tasks(ctx, TaskFilter{IDs: chunk})
		if err != nil {
			return err
		}
		for _, t := range ts {
			for _, i := range rows[t.ID] {
				set(i, t)
			}
		}
	}
	return nil
}

// TaskReports are every report filed on a task (drafts of other units
// excluded), by period, for its page.
func (s *Store) TaskReports(ctx context.Context, taskID int64) ([]*ledger.Report, error) {
	var out []*ledger.Report
	err := eachRow(ctx, s.r(), "SELECT "+reportCols+" FROM reports r JOIN periods p ON p.id = r.period_id WHERE r.task_id = ? ORDER BY p.due_on, r.unit_id",
		[]any{taskID}, func(sc func(...any) error) error {
			rr, err := scanReport(scanFunc(sc))
			out = append(out, rr)
			return err
		})
	return out, err
}
