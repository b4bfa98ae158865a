package store

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"duban/internal/division"
	"duban/internal/ledger"
	"duban/internal/notice"
)

// genPlan is a data set laid out in memory before any row is written:
// its governments, units, notices and periods with their ids, and a
// compact record of each task's owners, which the tables' rows are then
// drawn from. Everything random comes from seeded generators, so one
// spec always gives the same data.
type genPlan struct {
	spec  GenSpec
	loc   *time.Location
	base  genIDs // the largest id of each table before the run
	share float64
	units []genUnit
	// members are unit_members' rows, group then member.
	members [][2]int64
	govs    []genGov
	notices []genNotice
	tasks   []genTask
	// slots are the (task, owner, period) a report may be filed for, in
	// periods already due (old) and in the latest one open (cur); need
	// how many of each get one.
	slotsOld, slotsCur, needOld, needCur int
	office                               int64 // the office account, which reviews
}

type genIDs struct{ units, users, notices, periods, tasks, plans, reports int64 }

type genUnit struct {
	id              int64
	name, jur, gov  string
	group           bool
	parentOf, owner bool
}

type genGov struct {
	d        division.Division
	prefix   string // 市, 县, 区, 省 …: how its departments' names begin
	self     int64
	depts    []int64
	subGroup int64
	subs     []int64 // subGroup's members: the governments below, or townships
	leaders  []string
}

type genNotice struct {
	id       int64
	gov      int
	issued   notice.Date
	schedule notice.Schedule
	periods  []ledger.Period // with ids, by due date
	plan     int             // index of the plan period, -1 if none
	opened   []int           // report periods open by Today, by due date
	first, n int             // its tasks: tasks[first:first+n]
}

type genTask struct {
	notice   int32
	targets  uint8
	old      uint8 // report periods due for it, not counting the latest
	cur      bool  // the latest open period applies to it
	deadline notice.Date
	closed   notice.Date
	target   float64
	owners   []int64
	contribs []int64
}

// rng is the generator for one item: the same seed and key give the same
// draws whatever else the run does.
func (p *genPlan) rng(stream, key uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(p.spec.Seed)^stream*0x9e3779b97f4a7c15, key))
}

// Streams of draws, one per kind of item.
const (
	streamGov uint64 = iota + 1
	streamNotice
	streamTask
	streamPlan
	streamReport
)

// genGovernments lists the governments of a data set: Home's province,
// its cities and their counties, then the others in code order. Zones are
// left out; a notice names their 管委会 only now and then.
func genGovernments(home string, n int) []division.Division {
	tb := division.Builtin()
	var out []division.Division
	add := func(p division.Division) {
		out = append(out, p)
		for _, c := range tb.Children(p.Code) {
			if c.Zone {
				continue
			}
			out = append(out, c)
			for _, k := range tb.Children(c.Code) {
				if !k.Zone {
					out = append(out, k)
				}
			}
		}
	}
	if h, ok := tb.Get(home); ok && h.Level == division.Province {
		add(h)
	}
	for _, p := range tb.Provinces() {
		if p.Code != home {
			add(p)
		}
	}
	return out[:min(n, len(out))]
}

// levelPrefix is how a government's departments and leaders are called:
// 省财政厅 and 王副省长, 市财政局 and 李副市长, 县财政局 …
func levelPrefix(name string) (prefix, leader string) {
	for _, s := range []struct{ suffix, prefix, leader string }{
		{"自治区", "自治区", "副主席"}, {"省", "省", "副省长"}, {"地区", "地区", "副专员"}, {"市", "市", "副市长"},
		{"区", "区", "副区长"}, {"县", "县", "副县长"}, {"旗", "旗", "副旗长"}, {"州", "州", "副州长"}, {"盟", "盟", "副盟长"},
	} {
		if strings.HasSuffix(name, s.suffix) {
			return s.prefix, s.leader
		}
	}
	return "市", "副市长"
}

// layout makes the governments, their units and groups, the notices and
// their periods, giving each its id.
func (p *genPlan) layout() {
	tb := division.Builtin()
	govUnit := map[string]int64{} // a government's own unit, by its code
	nextUnit := p.base.units
	addUnit := func(u genUnit) int64 {
		nextUnit++
		u.id = nextUnit
		p.units = append(p.units, u)
		return u.id
	}
	self := func(d division.Division) int64 {
		if id, ok := govUnit[d.Code]; ok {
			return id
		}
		id := addUnit(genUnit{name: d.Name + "人民政府", jur: d.Code, gov: d.Code})
		govUnit[d.Code] = id
		return id
	}
	nextNotice, nextPeriod := p.base.notices, p.base.periods
	y := p.spec.Year
	for gi, d := range genGovernments(p.spec.Home, p.spec.Governments) {
		r := p.rng(streamGov, uint64(gi))
		g := genGov{d: d}
		var title string
		g.prefix, title = levelPrefix(d.Name)
		g.self = self(d)
		nd := 22
		switch d.Level {
		case division.Province:
			nd = len(genDepts)
		case division.City:
			nd = 28
		}
		for _, name := range genDepts[:nd] {
			if d.Level == division.Province && genProvince[name] != "" {
				name = genProvince[name]
			}
			g.depts = append(g.depts, addUnit(genUnit{name: g.prefix + name, jur: d.Code}))
		}
		deptGroup := addUnit(genUnit{name: g.prefix + "政府各部门", jur: d.Code, group: true})
		for _, id := range g.depts {
			p.members = append(p.members, [2]int64{deptGroup, id})
		}
		// The governments below (各省辖市政府, 各县（市、区）政府) or, for a
		// county and a city without counties, its townships.
		var below []division.Division
		for _, c := range tb.Children(d.Code) {
			if !c.Zone {
				below = append(below, c)
			}
		}
		switch {
		case len(below) > 0 && d.Level == division.Province && below[0].Level == division.City:
			g.subGroup = addUnit(genUnit{name: "各省辖市政府", jur: d.Code, group: true})
		case len(below) > 0:
			g.subGroup = addUnit(genUnit{name: "各县（市、区）政府", jur: d.Code, group: true})
		default:
			g.subGroup = addUnit(genUnit{name: "各乡镇（街道）", jur: d.Code, group: true})
		}
		if len(below) > 0 {
			for _, c := range below {
				g.subs = append(g.subs, self(c))
			}
		} else {
			k := 8 + r.IntN(9)
			for _, i := range r.Perm(len(genTownships))[:k] {
				g.subs = append(g.subs, addUnit(genUnit{name: genTownships[i], jur: d.Code}))
			}
		}
		for _, id := range g.subs {
			p.members = append(p.members, [2]int64{g.subGroup, id})
		}
		nl := 6
		if d.Level == division.County {
			nl = 5
		}
		for i, s := range r.Perm(len(genSurnames))[:nl] {
			t := title
			if i == 0 {
				t = "常务" + title
			}
			g.leaders = append(g.leaders, genSurnames[s]+t)
		}
		p.govs = append(p.govs, g)
		for k := range p.spec.NoticesPer {
			rn := p.rng(streamNotice, uint64(gi*p.spec.NoticesPer+k))
			nextNotice++
			n := genNotice{id: nextNotice, gov: gi, plan: -1}
			n.issued = ledger.AddDays(notice.NewDate(y, time.January, 15), rn.IntN(40))
			n.schedule = notice.Schedule{
				PlanDue:     ledger.AddDays(n.issued, 20),
				Cycle:       notice.CycleQuarterly,
				ProgressDue: []notice.Date{notice.NewDate(y, time.April, 5), notice.NewDate(y, time.July, 5), notice.NewDate(y, time.October, 5)},
				AnnualDue:   notice.NewDate(y, time.December, 20),
			}
			for i, pd := range ledger.SchedulePeriods(n.schedule, y, n.issued) {
				nextPeriod++
				pd.ID, pd.NoticeID, pd.Version = nextPeriod, n.id, 1
				n.periods = append(n.periods, pd)
				if pd.Kind == ledger.PeriodPlan {
					n.plan = i
				} else if !p.spec.Today.Before(pd.Opens(genOpenDays)) {
					n.opened = append(n.opened, i)
				}
			}
			p.notices = append(p.notices, n)
		}
	}
	// The tasks, shared out among the notices.
	per, rest := p.spec.Tasks/len(p.notices), p.spec.Tasks%len(p.notices)
	first := 0
	for i := range p.notices {
		n := per
		if i < rest {
			n++
		}
		p.notices[i].first, p.notices[i].n = first, n
		first += n
	}
}

// genTaskRow is what a task's rows hold besides genTask.
type genTaskRow struct {
	number, heading, text, deadlineText string
	path, leaders, targets              string
	leaderNames                         []string
	// assignments in role order, each with its position in its role
	assign []struct {
		unit int64
		role ledger.Role
		pos  int
	}
}

// task draws task i (of all) of notice n, the i-th of it; with row it
// also writes its text and JSON (the draws are the same either way).
func (p *genPlan) task(ni, i int, row *genTaskRow) genTask {
	n := &p.notices[ni]
	g := &p.govs[n.gov]
	ti := n.first + i
	r := p.rng(streamTask, uint64(ti))
	t := genTask{notice: int32(ni)}
	y := p.spec.Year

	// its text, with a quantified target about a third of the time
	var text string
	var targets []notice.Target
	if r.Float64() < 0.35 {
		q := genQuantified[r.IntN(len(genQuantified))]
		v := q.lo + r.Float64()*(q.hi-q.lo)
		if q.hi > 20 {
			v = math.Round(v)
		} else {
			v = math.Round(v*10) / 10
		}
		if row != nil {
			fig := strconv.FormatFloat(v, 'f', -1, 64)
			text = fmt.Sprintf(q.text, fig)
			targets = []notice.Target{{Indicator: q.indicator, Op: q.op, Value: v, Unit: q.unit, Text: q.indicator + fig + q.unit}}
		}
		t.targets, t.target = 1, v
	} else {
		text = genPlain[r.IntN(len(genPlain))]
	}
	leaders := []string{g.leaders[r.IntN(len(g.leaders))]}
	if r.Float64() < 0.1 {
		if l := g.leaders[r.IntN(len(g.leaders))]; l != leaders[0] {
			leaders = append(leaders, l)
		}
	}

	// the deadline: the year's end, a quarter's or month's end, or none
	var deadlineText string
	switch x := r.Float64(); {
	case x < 0.55:
		t.deadline = notice.NewDate(y, time.December, 31)
	case x < 0.82:
		m := []time.Month{time.March, time.June, time.June, time.September, time.October, time.November}[r.IntN(6)]
		t.deadline = notice.NewDate(y, m, notice.DaysIn(y, m))
		if t.deadline.Before(ledger.AddDays(n.issued, 30)) {
			t.deadline = notice.NewDate(y, time.June, 30)
		}
	default:
		deadlineText = genDeadlineTexts[r.IntN(len(genDeadlineTexts))]
	}
	if !t.deadline.IsZero() && t.deadline.Before(p.spec.Today) && r.Float64() < 0.85 {
		t.closed = ledger.AddDays(t.deadline, r.IntN(10))
		if p.spec.Today.Before(t.closed) {
			t.closed = p.spec.Today
		}
	}

	// its units: the governments or townships below as a group (each
	// member then reports for itself), a department or two as the lead
	// with others supporting, or now and then only responsible units
	var lead, support, resp []int64
	dept := func() int64 { return g.depts[r.IntN(len(g.depts))] }
	switch x := r.Float64(); {
	case x < p.share:
		lead = []int64{g.subGroup}
		if r.Float64() < 0.6 {
			support = []int64{dept()}
		}
		t.owners = g.subs
	case x < p.share+0.03:
		resp = distinct(dept, 1+r.IntN(2), nil)
		t.owners = resp
	default:
		k := 1
		if r.Float64() < 0.15 {
			k = 2
		}
		lead = distinct(dept, k, nil)
		support = distinct(dept, r.IntN(4), lead)
		t.owners = lead[:1]
	}
	t.contribs = append(append([]int64(nil), lead[min(1, len(lead)):]...), support...)

	// the periods it owes a report for
	for j, pi := range n.opened {
		if n.periods[pi].AppliesTo(t.deadline) {
			if j == len(n.opened)-1 {
				t.cur = true
			} else {
				t.old++
			}
		}
	}

	if row == nil {
		return t
	}
	hs := 6 + int(n.id%4)
	h := i * hs / max(n.n, 1)
	row.number = strconv.Itoa(i + 1)
	row.heading = genNumerals[h] + "、" + genHeadings[h]
	row.text = text
	row.deadlineText = deadlineText
	row.path = jsonString([]string{row.heading})
	row.leaders = jsonString(leaders)
	row.leaderNames = leaders
	row.targets = jsonString(nonNil(targets))
	row.assign = row.assign[:0]
	for _, ru := range []struct {
		role ledger.Role
		ids  []int64
	}{{ledger.Lead, lead}, {ledger.Support, support}, {ledger.Responsible, resp}} {
		for pos, id := range ru.ids {
			row.assign = append(row.assign, struct {
				unit int64
				role ledger.Role
				pos  int
			}{id, ru.role, pos})
		}
	}
	return t
}

// distinct draws k ids with pick, none twice and none in not.
func distinct(pick func() int64, k int, not []int64) []int64 {
	var out []int64
	for tries := 0; len(out) < k && tries < 4*k+4; tries++ {
		id := pick()
		dup := false
		for _, x := range append(out, not...) {
			dup = dup || x == id
		}
		if !dup {
			out = append(out, id)
		}
	}
	return out
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// plan draws every task with the group share s and counts the report slots.
func (p *genPlan) planTasks(s float64) {
	p.share = s
	p.tasks = p.tasks[:0]
	p.slotsOld, p.slotsCur = 0, 0
	for ni := range p.notices {
		for i := range p.notices[ni].n {
			t := p.task(ni, i, nil)
			p.tasks = append(p.tasks, t)
			p.slotsOld += len(t.owners) * int(t.old)
			if t.cur {
				p.slotsCur += len(t.owners)
			}
		}
	}
}

// genOpenDays is how many days before its due date a period opens: the
// notices' default (migration 0007).
const genOpenDays = 10

// curFill is how full the latest open period is next to those already
// due, which are all but complete (genFill): its reports are still
// coming in.
const (
	genFill = 0.99
	curFill = 0.88
)

// calibrate picks the share of tasks a group leads (each of its members
// then owes reports) so that the slots hold the reports asked for with
// about one in a hundred missing in the periods already past and one in
// eight in the latest, and how many slots of each kind are filled.
func (p *genPlan) calibrate() {
	weighted := func() float64 { return float64(p.slotsOld) + curFill*float64(p.slotsCur) }
	p.planTasks(0)
	s0 := weighted()
	p.planTasks(1)
	s1 := weighted()
	share := 0.0
	if want := float64(p.spec.Reports) / genFill; s1 > s0 && want > s0 {
		share = min(0.9, (want-s0)/(s1-s0))
	}
	p.planTasks(share)
	phi := float64(p.spec.Reports) / max(weighted(), 1)
	p.needOld = min(p.slotsOld, int(math.Round(phi*float64(p.slotsOld))))
	p.needCur = min(p.slotsCur, max(0, p.spec.Reports-p.needOld))
}

// date is 9:00 on d plus up to h hours and a few minutes, in the
// deployment's zone, as Unix seconds.
func (p *genPlan) at(d notice.Date, r *rand.Rand, h int) int64 {
	return time.Date(d.Y, d.M, d.D, 9+r.IntN(h+1), r.IntN(60), 0, 0, p.loc).Unix()
}

// genPlanRow is one plan with its milestones.
type genPlanRow struct {
	id, task, unit                  int64
	state                           ledger.State
	leader, contact, phone, comment string
	measures                        string
	submitted, reviewed, updated    int64
	version                         int
	miles                           []ledger.Milestone
}

var genGiven = []string{"明", "伟", "芳", "强", "磊", "军", "洋", "勇", "艳", "杰", "静", "涛"}

// plans yields each owner's plan of each task, in task order. Most are
// accepted; some wait for review, some were returned, a few are drafts
// and one in twenty was never written.
func (p *genPlan) plans() iter.Seq[*genPlanRow] {
	return func(yield func(*genPlanRow) bool) {
		id := p.base.plans
		var row genPlanRow
		today := p.spec.Today
		for ti := range p.tasks {
			t := &p.tasks[ti]
			n := &p.notices[t.notice]
			if n.plan < 0 {
				continue
			}
			pd := n.periods[n.plan]
			if today.Before(pd.Opens(genOpenDays)) {
				continue
			}
			r := p.rng(streamPlan, uint64(ti))
			for _, u := range t.owners {
				if r.Float64() < 0.05 {
					continue
				}
				id++
				row = genPlanRow{id: id, task: p.base.tasks + int64(ti) + 1, unit: u, version: 1, miles: row.miles[:0]}
				switch x := r.Float64(); {
				case x < 0.80:
					row.state = ledger.Accepted
				case x < 0.88:
					row.state = ledger.Submitted
				case x < 0.93:
					row.state = ledger.Returned
				default:
					row.state = ledger.Draft
				}
				row.measures = genMeasures[r.IntN(len(genMeasures))]
				row.leader = genSurnames[r.IntN(len(genSurnames))] + genGiven[r.IntN(len(genGiven))]
				row.contact = genSurnames[r.IntN(len(genSurnames))] + genGiven[r.IntN(len(genGiven))]
				row.phone = fmt.Sprintf("1%d%09d", 3+r.IntN(6), r.IntN(1e9))
				filed := ledger.AddDays(pd.Due, -r.IntN(12))
				if r.Float64() < 0.1 {
					filed = ledger.AddDays(pd.Due, 1+r.IntN(10))
				}
				filed = minDate(filed, today)
				created := ledger.AddDays(filed, -3)
				row.updated = p.at(created, r, 8)
				row.submitted, row.reviewed, row.comment = 0, 0, ""
				if row.state != ledger.Draft {
					row.version = 2
					row.submitted = p.at(filed, r, 8)
					row.updated = row.submitted
				}
				if row.state == ledger.Accepted || row.state == ledger.Returned {
					rv := minDate(ledger.AddDays(filed, 2+r.IntN(7)), today)
					row.reviewed = max(p.at(rv, r, 8), row.submitted)
					row.updated = row.reviewed
				}
				if row.state == ledger.Returned {
					row.comment = genComments[r.IntN(len(genComments))]
				}
				// three or four 时间节点 spread to the deadline
				start, end := ledger.Span(p.spec.Year, n.issued, t.deadline)
				k := 3 + r.IntN(2)
				days := ledger.DaysBetween(start, end)
				for j := 1; j <= k; j++ {
					due := ledger.AddDays(start, days*j/k)
					due = notice.NewDate(due.Y, due.M, notice.DaysIn(due.Y, due.M))
					if end.Before(due) {
						due = end
					}
					m := ledger.Milestone{Due: due, Result: genMilestones[max(0, len(genMilestones)-1-(k-j))]}
					if r.Float64() < 0.8 {
						pc := 100 * j / k
						m.Percent = &pc
					}
					row.miles = append(row.miles, m)
				}
				if !yield(&row) {
					return
				}
			}
		}
	}
}

func minDate(a, b notice.Date) notice.Date {
	if b.Before(a) {
		return b
	}
	return a
}

// genReportRow is one report with its support units' parts.
type genReportRow struct {
	id, task, period, unit          int64
	state                           ledger.State
	progress, problems, next, notes string
	actuals                         string
	percent                         *int
	closeRequest, late              bool
	submitted, reviewed             int64
	created, updated                int64
	version                         int
	parts                           []int64 // the units that wrote a part
	partAt                          int64
}

// reports yields the reports, in task, owner and period order: for every
// slot, chosen so that the counts asked for are met exactly; nearly all
// accepted in the periods already past, many awaiting review in the
// latest (40% accepted, 42% submitted, 10% returned, 8% drafts); some
// late; each owner's percent rising through the year at its own speed.
func (p *genPlan) reports() iter.Seq[*genReportRow] {
	return func(yield func(*genReportRow) bool) {
		id := p.base.reports
		needOld, needCur := p.needOld, p.needCur
		leftOld, leftCur := p.slotsOld, p.slotsCur
		var row genReportRow
		var pct int
		today := p.spec.Today
		for ti := range p.tasks {
			t := &p.tasks[ti]
			n := &p.notices[t.notice]
			if len(n.opened) == 0 {
				continue
			}
			r := p.rng(streamReport, uint64(ti))
			start, end := ledger.Span(p.spec.Year, n.issued, t.deadline)
			// the last period the task owes, where a closed task asked to close
			last := -1
			for j, pi := range n.opened {
				if n.periods[pi].AppliesTo(t.deadline) {
					last = j
				}
			}
			for _, u := range t.owners {
				speed := 0.75 + 0.45*r.Float64()
				lateRate := 0.05
				if r.Float64() < 0.2 {
					lateRate = 0.35
				}
				lastPct := 0
				for j, pi := range n.opened {
					pd := n.periods[pi]
					if !pd.AppliesTo(t.deadline) {
						continue
					}
					cur := j == len(n.opened)-1
					x := r.Float64()
					var take bool
					if cur {
						take = x*float64(leftCur) < float64(needCur)
						leftCur--
						if take {
							needCur--
						}
					} else {
						take = x*float64(leftOld) < float64(needOld)
						leftOld--
						if take {
							needOld--
						}
					}
					if !take {
						continue
					}
					id++
					row = genReportRow{id: id, task: p.base.tasks + int64(ti) + 1, period: pd.ID, unit: u, version: 2, parts: row.parts[:0]}
					sx := r.Float64()
					switch {
					case cur && sx < 0.40, !cur && sx < 0.95:
						row.state = ledger.Accepted
					case cur && sx < 0.82, !cur && sx < 0.975:
						row.state = ledger.Submitted
					case cur && sx < 0.92, !cur && sx < 0.99:
						row.state = ledger.Returned
					default:
						row.state = ledger.Draft
						row.version = 1
					}
					pace := ledger.Pace(start, end, minDate(pd.Due, end))
					pct = int(float64(pace)*speed) + r.IntN(17) - 8
					pct = max(lastPct, min(100, max(0, pct)))
					if !t.closed.IsZero() && j == last {
						row.state, pct, row.closeRequest = ledger.Accepted, 100, true
					}
					if r.Float64() < 0.03 && !row.closeRequest {
						row.progress = "各项工作按计划推进中。"
					} else {
						lastPct = pct
						v := pct
						row.percent = &v
						row.progress = fmt.Sprintf(genProgress[r.IntN(len(genProgress))], pct)
					}
					row.problems = genProblems[r.IntN(len(genProblems))]
					row.next = genNextSteps[r.IntN(len(genNextSteps))]
					row.actuals = "[]"
					if t.targets > 0 && row.percent != nil {
						row.actuals = `[{"target":0,"value":"` + strconv.FormatFloat(math.Round(t.target*float64(pct))/100, 'f', -1, 64) + `"}]`
					}
					// filed a few days before the due date, or late
					filed := ledger.AddDays(pd.Due, -r.IntN(9))
					if r.Float64() < lateRate {
						filed = ledger.AddDays(pd.Due, 1+r.IntN(14))
					}
					filed = minDate(filed, today)
					created := ledger.AddDays(filed, -1-r.IntN(3))
					row.created = p.at(created, r, 8)
					row.updated = row.created
					if row.state != ledger.Draft {
						row.submitted = max(p.at(filed, r, 8), row.created)
						row.late = ledger.Late(pd, filed)
						row.updated = row.submitted
					}
					if row.state == ledger.Accepted || row.state == ledger.Returned {
						rv := minDate(ledger.AddDays(filed, 1+r.IntN(6)), today)
						row.reviewed = max(p.at(rv, r, 8), row.submitted)
						row.updated = row.reviewed
					}
					if row.state == ledger.Returned {
						row.notes = genComments[r.IntN(len(genComments))]
					}
					for _, c := range t.contribs {
						if r.Float64() < 0.6 && row.state != ledger.Draft {
							row.parts = append(row.parts, c)
						}
					}
					row.partAt = row.created
					if !yield(&row) {
						return
					}
				}
			}
		}
	}
}
