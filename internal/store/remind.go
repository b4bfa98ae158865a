package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"

	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/notify"
)

// Channels a contact reaches a unit by, besides its inbox.
const (
	ChannelEmail    = "email"
	ChannelDingTalk = "dingtalk"
	ChannelWeCom    = "wecom"
	ChannelInbox    = "inbox"
)

// Channels lists the contacts' channels.
var Channels = []string{ChannelEmail, ChannelDingTalk, ChannelWeCom}

// ChannelLabel is a channel's Chinese name.
func ChannelLabel(c string) string {
	switch c {
	case ChannelEmail:
		return "电子邮件"
	case ChannelDingTalk:
		return "钉钉机器人"
	case ChannelWeCom:
		return "企业微信机器人"
	case ChannelInbox:
		return "系统待办"
	}
	return c
}

// RemindSettings are the office's reminder rules, its working calendar
// (the text it edits) and the address links in messages point to.
type RemindSettings struct {
	Rules    notify.Rules `json:"rules"`
	Calendar string       `json:"calendar"`
	BaseURL  string       `json:"base_url"`
	Off      bool         `json:"off"` // the scheduler sends nothing
	// RobotHosts are the hosts a robot webhook may point to: duban posts
	// to no other, so a contact cannot turn it against the inside of the
	// network. 浙政钉 and private deployments add theirs.
	RobotHosts []string `json:"robot_hosts"`
}

// DefaultRobotHosts are DingTalk's and WeCom's public robot hosts.
var DefaultRobotHosts = []string{"oapi.dingtalk.com", "qyapi.weixin.qq.com"}

// RemindSettings reads the office's settings, the defaults where none are
// set: the default rules and the State Council's calendar.
func (s *Store) RemindSettings(ctx context.Context) (RemindSettings, error) {
	rs := RemindSettings{Rules: notify.DefaultRules(), Calendar: notify.China2026, RobotHosts: DefaultRobotHosts}
	err := s.setting(ctx, "remind", &rs)
	return rs, err
}

// Calendar is rs's calendar, parsed.
func (rs RemindSettings) Cal() (*notify.Calendar, error) { return notify.ParseCalendar(rs.Calendar) }

// SetRemindSettings stores the office's settings after checking them.
func (s *Store) SetRemindSettings(ctx context.Context, rs RemindSettings, by Actor) error {
	if err := rs.Rules.Validate(); err != nil {
		return &InputError{Msg: strings.ReplaceAll(err.Error(), "\n", "；") + "。"}
	}
	if _, err := rs.Cal(); err != nil {
		return &InputError{Msg: "工作日历有误：" + strings.ReplaceAll(err.Error(), "\n", "；")}
	}
	if rs.BaseURL != "" {
		u, err := url.Parse(rs.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &InputError{Msg: "系统地址应为 http:// 或 https:// 开头的网址，如 https://duban.example.gov.cn。"}
		}
	}
	return s.putSetting(ctx, "remind", rs, by)
}

// SMTPSettings are the office's mail server, as the admin page keeps them.
type SMTPSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Username string `json:"username"`
	Password string `json:"password"` // never shown again
	From     string `json:"from"`
	TLS      string `json:"tls"` // starttls, tls, none
}

// Config is s as notify sends with it.
func (c SMTPSettings) Config() notify.SMTPConfig {
	return notify.SMTPConfig{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, From: c.From, TLS: c.TLS, Timeout: 30 * time.Second}
}

// SMTPSettings reads the stored SMTP settings (the admin page's).
func (s *Store) SMTPSettings(ctx context.Context) (SMTPSettings, error) {
	var c SMTPSettings
	err := s.setting(ctx, "smtp", &c)
	return c, err
}

// SetSMTPSettings stores SMTP settings; an empty password keeps the
// stored one. An empty host turns e-mail off.
func (s *Store) SetSMTPSettings(ctx context.Context, c SMTPSettings, by Actor) error {
	if c.Host != "" {
		if err := c.Config().Validate(); err != nil {
			return &InputError{Msg: strings.ReplaceAll(err.Error(), "\n", "；") + "。"}
		}
	}
	if c.Password == "" {
		old, err := s.SMTPSettings(ctx)
		if err != nil {
			return err
		}
		c.Password = old.Password
	}
	return s.putSetting(ctx, "smtp", c, by)
}

func (s *Store) setting(ctx context.Context, name string, v any) error {
	var raw string
	err := s.r().row(ctx, "SELECT value FROM settings WHERE name = ?", name).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(raw), v)
}

func (s *Store) putSetting(ctx context.Context, name string, v any, by Actor) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(x q) error {
		if _, err := x.exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, string(b)); err != nil {
			return err
		}
		// The audit names the change, never the values: they hold passwords.
		return writeAudit(ctx, x, s.now(), by, EntitySetting, 0, ActionUpdate, nil, map[string]string{"setting": name})
	})
}

// Contact is where a unit (or, with UnitID 0, the office) is reached.
type Contact struct {
	ID         int64
	UnitID     int64 // 0: the office's own, for escalations
	Channel    string
	Address    string // an e-mail address or a webhook URL; never shown in full for a webhook
	Secret     string // DingTalk's signing secret
	Label      string
	Leader     bool // the unit's responsible leader: escalations only
	CreatedAt  time.Time
	LastSentAt time.Time
	LastError  string
}

// Shown is the contact's address as pages, the API and logs show it: an
// e-mail address whole, a webhook without its token.
func (c *Contact) Shown() string {
	if c.Channel == ChannelEmail {
		return c.Address
	}
	return notify.Mask(c.Address)
}

const contactCols = "id, COALESCE(unit_id, 0), channel, address, secret, label, leader, created_at, last_sent_at, last_error"

func scanContact(sc interface{ Scan(...any) error }) (*Contact, error) {
	var c Contact
	var created, sent int64
	var leader int
	if err := sc.Scan(&c.ID, &c.UnitID, &c.Channel, &c.Address, &c.Secret, &c.Label, &leader, &created, &sent, &c.LastError); err != nil {
		return nil, err
	}
	c.Leader = leader != 0
	c.CreatedAt = fromUnix(created)
	if sent != 0 {
		c.LastSentAt = fromUnix(sent)
	}
	return &c, nil
}

// Contacts are a unit's contacts (unitID 0: the office's).
func (s *Store) Contacts(ctx context.Context, unitID int64) ([]*Contact, error) {
	cond, args := "unit_id = ?", []any{unitID}
	if unitID == 0 {
		cond, args = "unit_id IS NULL", nil
	}
	var out []*Contact
	err := eachRow(ctx, s.r(), "SELECT "+contactCols+" FROM contacts WHERE "+cond+" ORDER BY id", args, func(sc func(...any) error) error {
		c, err := scanContact(scanFunc(sc))
		out = append(out, c)
		return err
	})
	return out, err
}

// Contact is one contact.
func (s *Store) Contact(ctx context.Context, id int64) (*Contact, error) {
	c, err := scanContact(s.r().row(ctx, "SELECT "+contactCols+" FROM contacts WHERE id = ?", id))
	return c, noRows(err, "联系方式", id)
}

// MaxContacts bounds one unit's contacts.
const MaxContacts = 20

// ContactProblem says in Chinese what is wrong with a new contact, or "";
// a robot's host must be one of hosts.
func ContactProblem(c *Contact, hosts []string) string {
	c.Address, c.Secret, c.Label = strings.TrimSpace(c.Address), strings.TrimSpace(c.Secret), strings.TrimSpace(c.Label)
	switch {
	case utf8.RuneCountInString(c.Label) > 60:
		return "备注不能超过 60 个字符。"
	case len(c.Address) > 1000 || len(c.Secret) > 200:
		return "地址或密钥过长。"
	}
	switch c.Channel {
	case ChannelEmail:
		a, err := mail.ParseAddress(c.Address)
		if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
			return fmt.Sprintf("“%s”不是有效的电子邮件地址。", c.Address)
		}
		c.Address, c.Secret = a.Address, ""
	case ChannelDingTalk, ChannelWeCom:
		u, err := url.Parse(c.Address)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "机器人地址应为 https:// 开头的 Webhook 网址（在群设置的机器人详情中复制）。"
		}
		if !slices.Contains(hosts, u.Host) && !slices.Contains(hosts, u.Hostname()) {
			return fmt.Sprintf("机器人地址的主机 %s 不在允许的范围内（%s）；如使用政务钉钉等私有部署，请管理员在提醒设置中添加。", u.Hostname(), strings.Join(hosts, "、"))
		}
		if c.Channel == ChannelWeCom {
			c.Secret = ""
		}
	default:
		return "请选择联系方式：电子邮件、钉钉机器人或企业微信机器人。"
	}
	return ""
}

// AddContact adds a contact to a unit (unitID 0: the office).
func (s *Store) AddContact(ctx context.Context, c *Contact, by Actor) (int64, error) {
	rs, err := s.RemindSettings(ctx)
	if err != nil {
		return 0, err
	}
	if msg := ContactProblem(c, rs.RobotHosts); msg != "" {
		return 0, &InputError{Msg: msg}
	}
	var id int64
	err = s.tx(ctx, func(x q) error {
		var n int
		cond, args := "unit_id = ?", []any{c.UnitID}
		if c.UnitID == 0 {
			cond, args = "unit_id IS NULL", nil
		}
		if err := x.row(ctx, "SELECT COUNT(*) FROM contacts WHERE "+cond, args...).Scan(&n); err != nil {
			return err
		}
		if n >= MaxContacts {
			return &InputError{Msg: fmt.Sprintf("每个单位最多 %d 个联系方式。", MaxContacts)}
		}
		var err error
		id, err = x.insert(ctx, "INSERT INTO contacts (unit_id, channel, address, secret, label, leader, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			nullID(c.UnitID), c.Channel, c.Address, c.Secret, c.Label, boolInt(c.Leader && c.UnitID != 0), unix(s.now()))
		if err != nil {
			return err
		}
		c.ID = id
		return writeAudit(ctx, x, s.now(), by, EntityContact, id, ActionCreate, nil, contactAudit(c))
	})
	return id, err
}

// contactAudit never holds a webhook's token or a secret.
func contactAudit(c *Contact) map[string]any {
	return map[string]any{"unit": c.UnitID, "channel": c.Channel, "address": c.Shown(), "label": c.Label, "signed": c.Secret != "", "leader": c.Leader}
}

// DeleteContact removes a contact; its past deliveries stay listed.
func (s *Store) DeleteContact(ctx context.Context, id int64, by Actor) error {
	return s.tx(ctx, func(x q) error {
		c, err := scanContact(x.row(ctx, "SELECT "+contactCols+" FROM contacts WHERE id = ?", id))
		if err != nil {
			return noRows(err, "联系方式", id)
		}
		if _, err := x.exec(ctx, "DELETE FROM contacts WHERE id = ?", id); err != nil {
			return err
		}
		return writeAudit(ctx, x, s.now(), by, EntityContact, id, ActionDelete, contactAudit(c), nil)
	})
}

// LastReached is when the unit was last reached on any channel, and how.
func (s *Store) LastReached(ctx context.Context, unitID int64) (time.Time, string, error) {
	var at int64
	var ch string
	err := s.r().row(ctx, `SELECT sent_at, channel FROM deliveries WHERE unit_id = ? AND state = 'sent' AND escalation = 0
		ORDER BY sent_at DESC LIMIT 1`, unitID).Scan(&at, &ch)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", nil
	}
	if err != nil {
		return time.Time{}, "", err
	}
	return fromUnix(at), ch, nil
}

// ---------- what is owed ----------

// Owed is one thing a unit owes today, with what a message says of it.
type Owed struct {
	Item   notify.Item
	Step   notify.Step
	Notice int64
	Line   notify.Line
}

// ownersCTE is every task's owner units, set-based (ledger.Owners's rule:
// the first lead, else each responsible unit; a group's members each).
const ownersCTE = `WITH fl AS (SELECT task_id, MIN(pos) AS pos FROM assignments WHERE role = 'lead' GROUP BY task_id),
own AS (
  SELECT a.task_id, a.unit_id FROM assignments a JOIN fl ON fl.task_id = a.task_id AND a.role = 'lead' AND a.pos = fl.pos
  UNION
  SELECT a.task_id, a.unit_id FROM assignments a WHERE a.role = 'responsible' AND NOT EXISTS (SELECT 1 FROM fl WHERE fl.task_id = a.task_id)
),
owner AS (
  SELECT o.task_id, o.unit_id FROM own o JOIN units u ON u.id = o.unit_id WHERE u.is_group = 0
  UNION
  SELECT o.task_id, m.member_id FROM own o JOIN units u ON u.id = o.unit_id JOIN unit_members m ON m.group_id = o.unit_id WHERE u.is_group <> 0
)
`

// eachOwed streams what every owner unit owes for periods due between
// from and to (plans, reports, returned ones to file again), of one
// period when periodID is set, of one unit when unitID is set.
func (s *Store) eachOwed(ctx context.Context, from, to notice.Date, periodID, unitID int64, fn func(Owed) error) error {
	w := where{}
	w.add("p.due_on >= ? AND p.due_on <= ?", from.String(), to.String())
	if periodID != 0 {
		w.add("p.id = ?", periodID)
	}
	if unitID != 0 {
		w.add("ow.unit_id = ?", unitID)
	}
	query := ownersCTE + `SELECT p.id, p.kind, p.label, p.due_on, t.notice_id, t.id, t.number, t.section, t.text, ow.unit_id,
		COALESCE(r.state, pl.state, ''), COALESCE(r.comment, pl.comment, '')
		FROM periods p
		JOIN tasks t ON t.notice_id = p.notice_id AND t.closed_on = ''
		JOIN owner ow ON ow.task_id = t.id
		LEFT JOIN reports r ON p.kind <> 'plan' AND r.task_id = t.id AND r.period_id = p.id AND r.unit_id = ow.unit_id
		LEFT JOIN plans pl ON p.kind = 'plan' AND pl.task_id = t.id AND pl.unit_id = ow.unit_id
		WHERE (p.kind = 'plan' OR t.deadline = '' OR t.deadline >= p.starts_on) AND ` + w.sql() + `
		ORDER BY ow.unit_id, p.due_on, t.seq`
	return eachRow(ctx, s.r(), query, w.args, func(sc func(...any) error) error {
		var o Owed
		var kind, label, due, no, section, text, state, comment string
		if err := sc(&o.Item.PeriodID, &kind, &label, &due, &o.Notice, &o.Item.TaskID, &no, &section, &text, &o.Item.UnitID, &state, &comment); err != nil {
			return err
		}
		o.Item.Due, _ = notice.ParseDate(due)
		switch ledger.State(state) {
		case ledger.Submitted, ledger.Accepted:
			return nil
		case ledger.Returned:
			o.Item.Kind = notify.KindResubmit
			o.Line.Reason = comment
		default:
			o.Item.Kind = notify.KindReport
			if ledger.PeriodKind(kind) == ledger.PeriodPlan {
				o.Item.Kind = notify.KindPlan
			}
		}
		p := ledger.Period{Kind: ledger.PeriodKind(kind), Label: label}
		nt := notice.Task{Section: section, No: no}
		if r := []rune(strings.Join(strings.Fields(text), " ")); len(r) > 40 {
			text = string(r[:40]) + "…"
		}
		o.Line = notify.Line{Kind: o.Item.Kind, TaskNumber: nt.Name(), TaskTitle: text, PeriodLabel: p.What(), Due: o.Item.Due,
			Reason: o.Line.Reason, URL: fmt.Sprintf("/tasks/%d", o.Item.TaskID)}
		return fn(o)
	})
}

// ---------- a day's run ----------

// UnitDigest is what one unit is sent in a run.
type UnitDigest struct {
	UnitID   int64
	UnitName string
	Owed     []Owed
}

// RemindRun is what a run sends on one day: each unit's digest.
type RemindRun struct {
	Day   notice.Date
	Units []*UnitDigest
	Items int
}

// add puts o in its unit's digest (what is owed comes ordered by unit)
// with the days it is late.
func (run *RemindRun) add(o Owed) {
	o.Line.DaysLate = 0
	if o.Item.Due.Before(run.Day) {
		o.Line.DaysLate = ledger.DaysBetween(o.Item.Due, run.Day)
	}
	if n := len(run.Units); n == 0 || run.Units[n-1].UnitID != o.Item.UnitID {
		run.Units = append(run.Units, &UnitDigest{UnitID: o.Item.UnitID})
	}
	u := run.Units[len(run.Units)-1]
	u.Owed = append(u.Owed, o)
	run.Items++
}

// PlanRun works out what the reminder rules send today: every item owed
// whose step (reminder, urge or escalation) falls today, grouped by unit.
func (s *Store) PlanRun(ctx context.Context, rs RemindSettings, today notice.Date) (*RemindRun, error) {
	cal, err := rs.Cal()
	if err != nil {
		return nil, err
	}
	ahead := 0
	for _, n := range rs.Rules.RemindBefore {
		ahead = max(ahead, n)
	}
	// A reminder moved off a run of holidays comes up to two weeks early;
	// an item is urged for three months at the most.
	from, to := ledger.AddDays(today, -92), ledger.AddDays(today, ahead+14)
	run := &RemindRun{Day: today}
	err = s.eachOwed(ctx, from, to, 0, 0, func(o Owed) error {
		step, ok := notify.Due(rs.Rules, cal, o.Item, today)
		if !ok {
			return nil
		}
		o.Step = step
		run.add(o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return run, s.nameUnits(ctx, run.Units)
}

func (s *Store) nameUnits(ctx context.Context, ds []*UnitDigest) error {
	names := map[int64]string{}
	err := eachRow(ctx, s.r(), "SELECT id, name FROM units", nil, func(sc func(...any) error) error {
		var id int64
		var n string
		err := sc(&id, &n)
		names[id] = n
		return err
	})
	for _, d := range ds {
		d.UnitName = names[d.UnitID]
	}
	return err
}

// stepText is what a unit's inbox says of one reminder.
func stepText(o Owed, today notice.Date) string {
	what := o.Line.PeriodLabel
	if o.Item.Kind == notify.KindPlan {
		what = "落实方案"
	}
	switch o.Step.Kind {
	case notify.StepRemind:
		if o.Step.Days == 0 {
			return fmt.Sprintf("今天是%s的报送截止日，请按时报送。", what)
		}
		return fmt.Sprintf("%s将于%s截止报送，请按时报送。", what, ledger.MonthDay(o.Item.Due, today))
	case notify.StepEscalate:
		return fmt.Sprintf("%s已逾期%d个工作日未报，已报告责任领导和督查室，请立即报送。", what, o.Step.Days)
	}
	if o.Item.Kind == notify.KindResubmit {
		return fmt.Sprintf("退回的%s尚未重新报送（截止%s），请修改后报送。", what, ledger.MonthDay(o.Item.Due, today))
	}
	return fmt.Sprintf("%s已于%s截止，尚未报送，请尽快报送。", what, ledger.MonthDay(o.Item.Due, today))
}

// Enqueue writes a run's inbox rows and its deliveries — one digest per
// unit and contact, and for escalations one to each of the office's
// contacts — in one transaction, many rows a statement. Every row has a
// key, so enqueueing the same run again, here or in another process, adds
// nothing. Robots and e-mail wait for sendAt (past the quiet hours); it
// returns the deliveries added.
func (s *Store) Enqueue(ctx context.Context, run *RemindRun, baseURL string, sendAt time.Time, manual *ManualUrge) (int, error) {
	contacts := map[int64][]*Contact{}
	err := eachRow(ctx, s.r(), "SELECT "+contactCols+" FROM contacts", nil, func(sc func(...any) error) error {
		c, err := scanContact(scanFunc(sc))
		if err == nil {
			contacts[c.UnitID] = append(contacts[c.UnitID], c)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	now := s.now()
	runKey := "run:" + run.Day.String()
	if manual != nil {
		runKey = manual.Key
	}
	urgings := &rowBatch{head: "INSERT INTO urgings (key, unit_id, task_id, period_id, step, item, text, by_name, created_at) VALUES ",
		row: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", tail: " ON CONFLICT (key) DO NOTHING"}
	deliveries := &rowBatch{head: "INSERT INTO deliveries (key, unit_id, contact_id, channel, shown_to, escalation, payload, state, next_at, created_at) VALUES ",
		row: "(?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)", tail: " ON CONFLICT (key) DO NOTHING"}
	deliver := func(key string, unitID int64, c *Contact, escalation bool, d notify.Digest) error {
		payload, err := json.Marshal(d)
		if err != nil {
			return err
		}
		deliveries.add(key, unitID, c.ID, c.Channel, c.Shown(), boolInt(escalation), string(payload), unix(sendAt), unix(now))
		return nil
	}
	for _, u := range run.Units {
		d := notify.Digest{UnitName: u.UnitName, BaseURL: baseURL, Today: run.Day}
		var esc notify.Digest
		for _, o := range u.Owed {
			key, step, text, by := notify.JobKey(o.Item, o.Step, ChannelInbox), string(o.Step.Kind), stepText(o, run.Day), ""
			if manual != nil {
				key, step, text, by = manual.Key+":"+o.Item.Key(), "manual", manual.Text, manual.By
			}
			urgings.add(key, u.UnitID, o.Item.TaskID, o.Item.PeriodID, step, o.Item.Kind, text, by, unix(now))
			d.Lines = append(d.Lines, o.Line)
			if o.Step.Escalate {
				esc.Lines = append(esc.Lines, o.Line)
			}
		}
		for _, c := range contacts[u.UnitID] {
			if c.Leader {
				continue // the leader hears of escalations only
			}
			if err := deliver(fmt.Sprintf("%s:%d:%d", runKey, u.UnitID, c.ID), u.UnitID, c, false, d); err != nil {
				return 0, err
			}
		}
		if len(esc.Lines) > 0 {
			esc.UnitName, esc.BaseURL, esc.Today, esc.Escalate = u.UnitName, baseURL, run.Day, true
			// To the unit's responsible leader and to the office.
			var to []*Contact
			for _, c := range contacts[u.UnitID] {
				if c.Leader {
					to = append(to, c)
				}
			}
			for _, c := range append(to, contacts[0]...) {
				if err := deliver(fmt.Sprintf("%s:esc:%d:%d", runKey, u.UnitID, c.ID), u.UnitID, c, true, esc); err != nil {
					return 0, err
				}
			}
		}
	}
	added := 0
	err = s.tx(ctx, func(x q) error {
		if manual == nil {
			// A digest of an earlier day still waiting (held by the quiet
			// hours, or retrying) is replaced by today's, which lists
			// everything the unit owes now: one message, not two.
			if _, err := x.exec(ctx, `UPDATE deliveries SET state = 'superseded' WHERE escalation = 0 AND state = 'queued'
				AND key LIKE 'run:%' AND key NOT LIKE ?`, runKey+":%"); err != nil {
				return err
			}
		}
		if _, err := urgings.exec(ctx, x); err != nil {
			return err
		}
		var err error
		added, err = deliveries.exec(ctx, x)
		return err
	})
	return added, err
}

// rowBatch gathers rows for multi-row INSERTs, a few hundred a statement.
type rowBatch struct {
	head, row, tail string
	args            [][]any
}

func (b *rowBatch) add(args ...any) { b.args = append(b.args, args) }

// exec inserts the rows; it returns how many were added.
func (b *rowBatch) exec(ctx context.Context, x q) (int, error) {
	const per = 400
	added := 0
	for lo := 0; lo < len(b.args); lo += per {
		hi := min(lo+per, len(b.args))
		rows := make([]string, 0, hi-lo)
		var args []any
		for _, a := range b.args[lo:hi] {
			rows = append(rows, b.row)
			args = append(args, a...)
		}
		res, err := x.exec(ctx, b.head+strings.Join(rows, ", ")+b.tail, args...)
		if err != nil {
			return added, err
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}

// ClaimRun takes the day's run for owner for a lease: true when this
// process is to compute it (no one has, or the one that started it let
// its lease lapse).
func (s *Store) ClaimRun(ctx context.Context, day notice.Date, owner string, lease time.Duration) (bool, error) {
	now := s.now()
	claimed := false
	err := s.tx(ctx, func(x q) error {
		res, err := x.exec(ctx, `INSERT INTO remind_runs (day, state, lease_until, locked_by, started_at) VALUES (?, 'running', ?, ?, ?)
			ON CONFLICT (day) DO NOTHING`, day.String(), unix(now.Add(lease)), owner, unix(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed = true
			return nil
		}
		res, err = x.exec(ctx, `UPDATE remind_runs SET lease_until = ?, locked_by = ?, started_at = ? WHERE day = ? AND state = 'running' AND lease_until < ?`,
			unix(now.Add(lease)), owner, unix(now), day.String(), unix(now))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	return claimed, err
}

// FinishRun marks the day's run done.
func (s *Store) FinishRun(ctx context.Context, day notice.Date, owner string, items, deliveries int) error {
	_, err := s.r().exec(ctx, `UPDATE remind_runs SET state = 'done', items = ?, deliveries = ?, finished_at = ? WHERE day = ? AND locked_by = ?`,
		items, deliveries, unix(s.now()), day.String(), owner)
	return err
}

// ---------- delivering ----------

// Delivery is one digest to one contact.
type Delivery struct {
	ID         int64
	Key        string
	UnitID     int64
	UnitName   string
	ContactID  int64
	Channel    string
	ShownTo    string
	Escalation bool
	Digest     notify.Digest
	State      string
	Attempts   int
	NextAt     time.Time
	LastError  string
	CreatedAt  time.Time
	SentAt     time.Time
	LockedBy   string
}

const deliveryCols = `d.id, d.key, d.unit_id, u.name, COALESCE(d.contact_id, 0), d.channel, d.shown_to, d.escalation, d.payload, d.state, d.attempts,
	d.next_at, d.last_error, d.created_at, d.sent_at, d.locked_by`

func scanDelivery(sc interface{ Scan(...any) error }) (*Delivery, error) {
	var d Delivery
	var esc int
	var payload string
	var next, created, sent int64
	if err := sc.Scan(&d.ID, &d.Key, &d.UnitID, &d.UnitName, &d.ContactID, &d.Channel, &d.ShownTo, &esc, &payload, &d.State, &d.Attempts,
		&next, &d.LastError, &created, &sent, &d.LockedBy); err != nil {
		return nil, err
	}
	d.Escalation = esc != 0
	d.NextAt, d.CreatedAt = fromUnix(next), fromUnix(created)
	if sent != 0 {
		d.SentAt = fromUnix(sent)
	}
	return &d, json.Unmarshal([]byte(payload), &d.Digest)
}

// Claim takes up to n deliveries due now for owner for a lease: queued
// ones whose time has come, and those a process took and did not finish
// within its lease. Each is taken by one process only.
func (s *Store) Claim(ctx context.Context, owner string, n int, lease time.Duration) ([]*Delivery, error) {
	now := s.now()
	var ids []int64
	err := s.tx(ctx, func(x q) error {
		ids = ids[:0]
		err := eachRow(ctx, x, `SELECT id FROM deliveries WHERE (state = 'queued' AND next_at <= ?) OR (state = 'sending' AND lease_until < ?)
			ORDER BY next_at, id LIMIT ?`+s.d.skipLocked(), []any{unix(now), unix(now), n}, func(sc func(...any) error) error {
			var id int64
			err := sc(&id)
			ids = append(ids, id)
			return err
		})
		if err != nil || len(ids) == 0 {
			return err
		}
		args := []any{unix(now.Add(lease)), owner}
		for _, id := range ids {
			args = append(args, id)
		}
		_, err = x.exec(ctx, `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, lease_until = ?, locked_by = ?
			WHERE id IN (`+placeholders(len(ids))+`)`, args...)
		return err
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var out []*Delivery
	err = eachRow(ctx, s.r(), "SELECT "+deliveryCols+" FROM deliveries d JOIN units u ON u.id = d.unit_id WHERE d.id IN ("+placeholders(len(ids))+") ORDER BY d.id",
		args, func(sc func(...any) error) error {
			d, err := scanDelivery(scanFunc(sc))
			out = append(out, d)
			return err
		})
	return out, err
}

// Delivered marks a claimed delivery sent, if owner still holds it.
func (s *Store) Delivered(ctx context.Context, d *Delivery, owner string) error {
	now := s.now()
	return s.tx(ctx, func(x q) error {
		if _, err := x.exec(ctx, `UPDATE deliveries SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ? AND locked_by = ? AND state = 'sending'`,
			unix(now), d.ID, owner); err != nil {
			return err
		}
		_, err := x.exec(ctx, "UPDATE contacts SET last_sent_at = ?, last_error = '' WHERE id = ?", unix(now), d.ContactID)
		return err
	})
}

// Failed records a failed attempt: queued again after retry, or failed
// for good when retry is 0.
func (s *Store) Failed(ctx context.Context, d *Delivery, owner string, msg string, retry time.Duration) error {
	now := s.now()
	return s.tx(ctx, func(x q) error {
		state, next := "failed", now
		if retry > 0 {
			state, next = "queued", now.Add(retry)
		}
		if _, err := x.exec(ctx, `UPDATE deliveries SET state = ?, next_at = ?, last_error = ? WHERE id = ? AND locked_by = ? AND state = 'sending'`,
			state, unix(next), msg, d.ID, owner); err != nil {
			return err
		}
		_, err := x.exec(ctx, "UPDATE contacts SET last_error = ? WHERE id = ?", msg, d.ContactID)
		return err
	})
}

// DeliveryFilter picks deliveries for the office's list.
type DeliveryFilter struct {
	UnitID  int64
	Channel string
	State   string
	Limit   int
}

// Deliveries lists deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error) {
	w := where{}
	if f.UnitID != 0 {
		w.add("d.unit_id = ?", f.UnitID)
	}
	if f.Channel != "" {
		w.add("d.channel = ?", f.Channel)
	}
	if f.State != "" {
		w.add("d.state = ?", f.State)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var out []*Delivery
	err := eachRow(ctx, s.r(), "SELECT "+deliveryCols+" FROM deliveries d JOIN units u ON u.id = d.unit_id WHERE "+w.sql()+" ORDER BY d.id DESC LIMIT ?",
		append(w.args, f.Limit), func(sc func(...any) error) error {
			d, err := scanDelivery(scanFunc(sc))
			out = append(out, d)
			return err
		})
	return out, err
}

// Resend queues a failed delivery again, at once.
func (s *Store) Resend(ctx context.Context, id int64, by Actor) error {
	return s.tx(ctx, func(x q) error {
		res, err := x.exec(ctx, "UPDATE deliveries SET state = 'queued', attempts = 0, next_at = ?, last_error = '' WHERE id = ? AND state = 'failed'", unix(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			if err := x.row(ctx, "SELECT state FROM deliveries WHERE id = ?", id).Scan(&st); err != nil {
				return noRows(err, "发送记录", id)
			}
			return &InputError{Msg: "只有发送失败的记录可以重发。", Stale: true}
		}
		return writeAudit(ctx, x, s.now(), by, EntityDelivery, id, ActionResend, nil, nil)
	})
}

// ---------- urging by hand ----------

// ManualUrge is the office urging by hand: its text and who.
type ManualUrge struct {
	Key  string // unique per action
	Text string
	By   string
}

// MaxUrgeText bounds a hand-written urging.
const MaxUrgeText = 500

// Urge urges by hand what units owe for a period: one unit's items (of
// one task when taskID is set), or with unitID 0 every unit late for it.
// Each gets the text in its inbox (and the task timelines) and a digest
// on its channels, past the quiet hours. It returns the units urged.
func (s *Store) Urge(ctx context.Context, periodID, unitID, taskID int64, text string, rs RemindSettings, by Actor) (int, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxUrgeText {
		return 0, &InputError{Msg: fmt.Sprintf("催办内容不能超过 %d 个字符。", MaxUrgeText)}
	}
	p, err := s.Period(ctx, periodID)
	if err != nil {
		return 0, err
	}
	today := s.today()
	if unitID == 0 && !p.Due.Before(today) {
		return 0, &InputError{Msg: fmt.Sprintf("“%s”%s截止，还没有逾期单位。", p.What(), ledger.MonthDay(p.Due, today))}
	}
	run := &RemindRun{Day: today}
	err = s.eachOwed(ctx, p.Due, p.Due, periodID, unitID, func(o Owed) error {
		if taskID != 0 && o.Item.TaskID != taskID {
			return nil
		}
		o.Step = notify.Step{Kind: "manual"}
		run.add(o)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(run.Units) == 0 {
		return 0, &InputError{Msg: "没有需要催办的事项：都已报送。"}
	}
	if err := s.nameUnits(ctx, run.Units); err != nil {
		return 0, err
	}
	if text == "" {
		text = "请尽快报送" + p.What() + "。"
	}
	now := s.now()
	cal, err := rs.Cal()
	if err != nil {
		return 0, err
	}
	m := &ManualUrge{Key: fmt.Sprintf("manual:%d:%d:%s", now.UnixNano(), periodID, rand.Text()[:12]), Text: text, By: by.Name}
	for _, u := range run.Units {
		for i := range u.Owed {
			u.Owed[i].Line.Reason = text
		}
	}
	if _, err := s.Enqueue(ctx, run, rs.BaseURL, notify.NextSendTime(rs.Rules, cal, now.In(s.loc)), m); err != nil {
		return 0, err
	}
	return len(run.Units), s.tx(ctx, func(x q) error {
		return writeAudit(ctx, x, now, by, EntityPeriod, periodID, ActionUrge, nil, map[string]any{"unit": unitID, "task": taskID, "units": len(run.Units), "text": text})
	})
}

// Urging is one reminder or urging in a unit's inbox or a task's timeline.
type Urging struct {
	ID        int64
	UnitID    int64
	UnitName  string
	TaskID    int64
	PeriodID  int64
	Step      string // remind, urge, escalate, manual
	Item      string
	Text      string
	By        string
	CreatedAt time.Time
	TaskName  string // the task's number as pages name it (第 3 项)
}

// StepLabel is the urging's kind in Chinese.
func (u Urging) StepLabel() string {
	switch u.Step {
	case "remind":
		return "到期提醒"
	case "urge":
		return "逾期催报"
	case "escalate":
		return "逾期升级"
	case "manual":
		return "督查室催办"
	}
	return u.Step
}

// Urgings are the latest reminders of a unit (taskID 0) or of a task
// (unitID 0), newest first.
func (s *Store) Urgings(ctx context.Context, unitID, taskID int64, limit int) ([]Urging, error) {
	w := where{}
	if unitID != 0 {
		w.add("g.unit_id = ?", unitID)
	}
	if taskID != 0 {
		w.add("g.task_id = ?", taskID)
	}
	var out []Urging
	err := eachRow(ctx, s.r(), `SELECT g.id, g.unit_id, u.name, g.task_id, g.period_id, g.step, g.item, g.text, g.by_name, g.created_at, t.section, t.number
		FROM urgings g JOIN units u ON u.id = g.unit_id JOIN tasks t ON t.id = g.task_id WHERE `+w.sql()+` ORDER BY g.created_at DESC, g.id DESC LIMIT ?`,
		append(w.args, limit), func(sc func(...any) error) error {
			var g Urging
			var at int64
			var nt notice.Task
			err := sc(&g.ID, &g.UnitID, &g.UnitName, &g.TaskID, &g.PeriodID, &g.Step, &g.Item, &g.Text, &g.By, &at, &nt.Section, &nt.No)
			g.CreatedAt, g.TaskName = fromUnix(at), nt.Name()
			out = append(out, g)
			return err
		})
	return out, err
}

// RunDone reports whether the day's run has been made.
func (s *Store) RunDone(ctx context.Context, day notice.Date) (bool, error) {
	var n int
	err := s.r().row(ctx, "SELECT COUNT(*) FROM remind_runs WHERE day = ? AND state = 'done'", day.String()).Scan(&n)
	return n > 0, err
}
