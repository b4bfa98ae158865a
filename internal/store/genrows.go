package store

import (
	"fmt"
	"iter"
	"time"

	"duban/internal/notice"
	"duban/internal/units"
)

// genTables are the tables Gen writes, in the order it writes them.
var genTables = []string{"units", "unit_members", "users", "notices", "periods", "tasks", "task_leaders", "assignments",
	"plans", "milestones", "reports", "report_parts"}

type genUser struct {
	id                int64
	login, name, hash string
	role              Role
	unit              int64
	leader            string
}

// accounts are the accounts to benchmark with: an administrator, the
// office, a leader account for each leader of the first government, and
// unit accounts for its first five departments and one of the units
// below it (a county government or a township, which report for a group).
func (p *genPlan) accounts(hash string) []genUser {
	id := p.base.users
	var out []genUser
	add := func(u genUser) {
		id++
		u.id, u.hash = id, hash
		out = append(out, u)
	}
	add(genUser{login: "admin", name: "系统管理员", role: RoleAdmin})
	add(genUser{login: "office", name: "督查室", role: RoleOffice})
	p.office = id
	g := p.govs[0]
	for i, l := range g.leaders {
		add(genUser{login: fmt.Sprintf("leader%d", i+1), name: l, role: RoleLeader, leader: l})
	}
	names := map[int64]string{}
	for _, u := range p.units {
		names[u.id] = u.name
	}
	ids := append(append([]int64(nil), g.depts[:min(5, len(g.depts))]...), g.subs[0])
	for i, u := range ids {
		add(genUser{login: fmt.Sprintf("unit%d", i+1), name: names[u], role: RoleUnit, unit: u})
	}
	return out
}

// genTableRows is one table's columns and rows.
type genTableRows struct {
	name string
	cols []string
	rows iter.Seq[[]any]
}

// nullInt is NULL for 0.
func nullInt(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func dateText(d notice.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// tables are the rows of every table, drawn as they are written.
func (p *genPlan) tables(users []genUser) []genTableRows {
	y := p.spec.Year
	created := time.Date(y, time.January, 1, 9, 0, 0, 0, p.loc).Unix()
	seq := func(cols int, each func(yield func() bool, row []any)) iter.Seq[[]any] {
		return func(yield func([]any) bool) {
			row := make([]any, cols)
			each(func() bool { return yield(row) }, row)
		}
	}
	return []genTableRows{
		{"units", []string{"id", "name", "name_key", "is_group", "jurisdiction", "government", "auto_members", "created_at"},
			seq(8, func(yield func() bool, row []any) {
				for _, u := range p.units {
					// groups' members are set here, as the office would
					row[0], row[1], row[2], row[3] = u.id, u.name, unitKey(u.jur, u.name), b2i(u.group)
					row[4], row[5], row[6], row[7] = u.jur, u.gov, b2i(!u.group), created
					if !yield() {
						return
					}
				}
			})},
		{"unit_members", []string{"group_id", "member_id"}, seq(2, func(yield func() bool, row []any) {
			for _, m := range p.members {
				row[0], row[1] = m[0], m[1]
				if !yield() {
					return
				}
			}
		})},
		{"users", []string{"id", "login", "name", "role", "unit_id", "leader", "password_hash", "created_at"},
			seq(8, func(yield func() bool, row []any) {
				for _, u := range users {
					row[0], row[1], row[2], row[3] = u.id, u.login, u.name, string(u.role)
					row[4], row[5], row[6], row[7] = nullInt(u.unit), u.leader, u.hash, created
					if !yield() {
						return
					}
				}
			})},
		{"notices", []string{"id", "issuer", "doc_number", "year", "issued_on", "title", "schedule", "warnings", "source_name",
			"doc_key", "content_hash", "created_at", "jurisdiction"}, seq(13, func(yield func() bool, row []any) {
			for i, n := range p.notices {
				g := p.govs[n.gov]
				office := "办公室"
				if g.d.Level == 1 {
					office = "办公厅"
				}
				issuer := g.d.Name + "人民政府" + office
				k := i - n.gov*p.spec.NoticesPer
				doc := fmt.Sprintf("%s政办〔%d〕%d号", string([]rune(g.d.Name)[:1]), y, 3+7*k)
				title := issuer + "关于印发" + fmt.Sprintf(genTitles[k%len(genTitles)], y) + "的通知"
				row[0], row[1], row[2], row[3], row[4] = n.id, issuer, doc, int64(y), n.issued.String()
				row[5], row[6], row[7], row[8] = title, jsonString(n.schedule), "[]", "duban gen"
				// as an import's fingerprint, with the government's code: 鼓楼区
				// and 新华区 are each the name of several governments
				row[9] = units.Key(issuer) + "|" + units.Key(doc) + "|" + g.d.Code
				row[10] = fmt.Sprintf("gen-%d-%d-%d", p.spec.Seed, y, n.id)
				row[11] = time.Date(n.issued.Y, n.issued.M, n.issued.D, 10, 0, 0, 0, p.loc).Unix()
				row[12] = g.d.Code
				if !yield() {
					return
				}
			}
		})},
		{"periods", []string{"id", "notice_id", "kind", "label", "starts_on", "due_on", "updated_at"}, seq(7, func(yield func() bool, row []any) {
			for _, n := range p.notices {
				for _, pd := range n.periods {
					row[0], row[1], row[2], row[3] = pd.ID, pd.NoticeID, string(pd.Kind), pd.Label
					row[4], row[5], row[6] = pd.Start.String(), pd.Due.String(), created
					if !yield() {
						return
					}
				}
			}
		})},
		{"tasks", []string{"id", "notice_id", "seq", "section", "number", "path", "heading", "text", "leaders", "deadline",
			"deadline_text", "targets", "line", "closed_on", "updated_at"}, seq(15, func(yield func() bool, row []any) {
			p.eachTask(func(ti int, n *genNotice, i int, t genTask, tr *genTaskRow) bool {
				row[0], row[1], row[2], row[3], row[4] = p.base.tasks+int64(ti)+1, n.id, int64(i+1), "", tr.number
				row[5], row[6], row[7], row[8], row[9] = tr.path, tr.heading, tr.text, tr.leaders, dateText(t.deadline)
				row[10], row[11], row[12], row[13], row[14] = tr.deadlineText, tr.targets, int64(i+1), dateText(t.closed), created
				return yield()
			})
		})},
		{"task_leaders", []string{"task_id", "name"}, seq(2, func(yield func() bool, row []any) {
			p.eachTask(func(ti int, _ *genNotice, _ int, _ genTask, tr *genTaskRow) bool {
				for _, l := range tr.leaderNames {
					row[0], row[1] = p.base.tasks+int64(ti)+1, l
					if !yield() {
						return false
					}
				}
				return true
			})
		})},
		{"assignments", []string{"task_id", "unit_id", "role", "pos"}, seq(4, func(yield func() bool, row []any) {
			p.eachTask(func(ti int, _ *genNotice, _ int, _ genTask, tr *genTaskRow) bool {
				for _, a := range tr.assign {
					row[0], row[1], row[2], row[3] = p.base.tasks+int64(ti)+1, a.unit, string(a.role), int64(a.pos)
					if !yield() {
						return false
					}
				}
				return true
			})
		})},
		{"plans", []string{"id", "task_id", "unit_id", "state", "measures", "leader", "contact", "phone", "comment",
			"submitted_at", "reviewed_at", "reviewed_by", "version", "updated_at"}, seq(14, func(yield func() bool, row []any) {
			for pl := range p.plans() {
				row[0], row[1], row[2], row[3], row[4] = pl.id, pl.task, pl.unit, string(pl.state), pl.measures
				row[5], row[6], row[7], row[8] = pl.leader, pl.contact, pl.phone, pl.comment
				row[9], row[10], row[11] = pl.submitted, pl.reviewed, p.reviewer(pl.reviewed)
				row[12], row[13] = int64(pl.version), pl.updated
				if !yield() {
					return
				}
			}
		})},
		{"milestones", []string{"plan_id", "pos", "due_on", "result", "percent"}, seq(5, func(yield func() bool, row []any) {
			for pl := range p.plans() {
				for i, m := range pl.miles {
					row[0], row[1], row[2], row[3], row[4] = pl.id, int64(i), m.Due.String(), m.Result, nil
					if m.Percent != nil {
						row[4] = int64(*m.Percent)
					}
					if !yield() {
						return
					}
				}
			}
		})},
		{"reports", []string{"id", "task_id", "period_id", "unit_id", "state", "progress", "percent", "actuals", "problems",
			"next_steps", "close_request", "comment", "submitted_at", "late", "reviewed_at", "reviewed_by", "version",
			"created_at", "updated_at"}, seq(19, func(yield func() bool, row []any) {
			for r := range p.reports() {
				row[0], row[1], row[2], row[3], row[4] = r.id, r.task, r.period, r.unit, string(r.state)
				row[5], row[6], row[7], row[8] = r.progress, nil, r.actuals, r.problems
				if r.percent != nil {
					row[6] = int64(*r.percent)
				}
				row[9], row[10], row[11], row[12] = r.next, b2i(r.closeRequest), r.notes, r.submitted
				row[13], row[14], row[15], row[16] = b2i(r.late), r.reviewed, p.reviewer(r.reviewed), int64(r.version)
				row[17], row[18] = r.created, r.updated
				if !yield() {
					return
				}
			}
		})},
		{"report_parts", []string{"report_id", "unit_id", "text", "version", "updated_at"}, seq(5, func(yield func() bool, row []any) {
			for r := range p.reports() {
				for i, u := range r.parts {
					row[0], row[1], row[2], row[3], row[4] = r.id, u, genParts[(int(r.id)+i)%len(genParts)], int64(1), r.partAt
					if !yield() {
						return
					}
				}
			}
		})},
	}
}

// reviewer is the office account for a plan or report reviewed at t.
func (p *genPlan) reviewer(t int64) any {
	if t == 0 {
		return nil
	}
	return p.office
}

// eachTask draws every task again with its rows, in order, until fn says stop.
func (p *genPlan) eachTask(fn func(ti int, n *genNotice, i int, t genTask, row *genTaskRow) bool) {
	var row genTaskRow
	ti := 0
	for ni := range p.notices {
		n := &p.notices[ni]
		for i := range n.n {
			t := p.task(ni, i, &row)
			if !fn(ti, n, i, t, &row) {
				return
			}
			ti++
		}
	}
}
