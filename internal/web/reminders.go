package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"duban/internal/store"
)

// Reminders (提醒与催办): where each unit is reached (its contacts), the
// office's rules, calendar and mail server, the deliveries sent, and the
// office urging by hand.

// contactRoles may open a unit's contacts: the office any unit's, a unit
// account its own only.
var contactRoles = []store.Role{store.RoleAdmin, store.RoleOffice, store.RoleUnit}

func (s *Server) reminderRoutes() []route {
	return []route{
		{pattern: "GET /reminders", roles: staff, h: s.deliveriesShow},
		{pattern: "POST /deliveries/{id}/resend", roles: staff, h: s.deliveryResend},
		{pattern: "GET /reminders/settings", roles: staff, h: s.remindSettingsShow},
		{pattern: "POST /reminders/settings", roles: staff, h: s.remindSettingsSave},
		{pattern: "POST /reminders/contacts", roles: staff, h: s.officeContactAdd},
		{pattern: "GET /reminders/smtp", roles: admins, h: s.smtpShow},
		{pattern: "POST /reminders/smtp", roles: admins, h: s.smtpSave},
		{pattern: "POST /reminders/smtp/test", roles: admins, h: s.smtpTest},
		{pattern: "GET /units/{id}/contacts", roles: contactRoles, h: s.contactsShow},
		{pattern: "POST /units/{id}/contacts", roles: contactRoles, h: s.contactAdd},
		{pattern: "POST /contacts/{id}/delete", roles: contactRoles, h: s.contactDelete},
		{pattern: "POST /contacts/{id}/test", roles: contactRoles, h: s.contactTest},
		{pattern: "POST /periods/{id}/urge", roles: staff, h: s.periodUrge},
	}
}

func (s *Server) reminderAPIRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/reminders", roles: staff, h: s.apiDeliveries},
		{pattern: "POST /api/v1/periods/{id}/urge", roles: staff, h: s.apiUrge},
		{pattern: "GET /api/v1/units/{id}/contacts", roles: contactRoles, h: s.apiContacts},
		{pattern: "GET /api/v1/urgings", roles: contactRoles, h: s.apiUrgings},
	}
}

var errNoReminders = badRequest("提醒服务未启动，无法发送测试消息；请确认系统以 serve 方式运行并启用了提醒。")

// officeName is who the office's own contacts are tested as.
const officeName = "督查室"

// ---------- contacts ----------

// contactsUnit is the unit of /units/{id}/contacts if the caller may
// manage its contacts: another unit's is not found, as if it were not there.
func (s *Server) contactsUnit(r *http.Request) (*store.Unit, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if u := userFrom(r); u.Role == store.RoleUnit && u.UnitID != id {
		return nil, errNotFound
	}
	return s.store.Unit(r.Context(), id)
}

// contactFor is /contacts/{id} if the caller may manage it: the office
// any, a unit account its own unit's only.
func (s *Server) contactFor(r *http.Request) (*store.Contact, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Contact(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if u := userFrom(r); !u.CanEdit() && (c.UnitID == 0 || c.UnitID != u.UnitID) {
		return nil, errNotFound
	}
	return c, nil
}

// contactsHref is the page a contact is managed on.
func contactsHref(unitID int64) string {
	if unitID == 0 {
		return "/reminders/settings"
	}
	return fmt.Sprintf("/units/%d/contacts", unitID)
}

// contactList is a list of contacts with its add form, on a unit's page
// and on the office's settings page.
type contactList struct {
	Contacts []*store.Contact
	AddTo    string // the add form's action
	Channels []string
}

type contactsPage struct {
	Base
	Unit        *store.Unit
	List        contactList
	LastAt      time.Time
	LastChannel string
	Running     bool // test messages can be sent
}

func (s *Server) contactsShow(w http.ResponseWriter, r *http.Request) error {
	unit, err := s.contactsUnit(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &contactsPage{Base: s.base(w, r, "提醒接收设置 · "+unit.Name), Unit: unit, Running: s.cfg.Reminders != nil,
		List: contactList{AddTo: contactsHref(unit.ID), Channels: store.Channels}}
	if p.List.Contacts, err = s.store.Contacts(ctx, unit.ID); err != nil {
		return err
	}
	if p.LastAt, p.LastChannel, err = s.store.LastReached(ctx, unit.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "contacts", p)
}

func contactOf(r *http.Request, unitID int64) *store.Contact {
	return &store.Contact{UnitID: unitID, Channel: r.PostFormValue("channel"), Address: r.PostFormValue("address"),
		Secret: r.PostFormValue("secret"), Label: r.PostFormValue("label"), Leader: r.PostFormValue("leader") != ""}
}

func (s *Server) contactAdd(w http.ResponseWriter, r *http.Request) error {
	unit, err := s.contactsUnit(r)
	if err != nil {
		return err
	}
	_, err = s.store.AddContact(r.Context(), contactOf(r, unit.ID), userFrom(r).Actor())
	return s.formBack(w, r, contactsHref(unit.ID), err, "联系方式已添加。可点“发送测试消息”确认能否收到。")
}

func (s *Server) officeContactAdd(w http.ResponseWriter, r *http.Request) error {
	_, err := s.store.AddContact(r.Context(), contactOf(r, 0), userFrom(r).Actor())
	return s.formBack(w, r, contactsHref(0), err, "联系方式已添加。可点“发送测试消息”确认能否收到。")
}

func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request) error {
	c, err := s.contactFor(r)
	if err != nil {
		return err
	}
	err = s.store.DeleteContact(r.Context(), c.ID, userFrom(r).Actor())
	return s.formBack(w, r, contactsHref(c.UnitID), err, "联系方式已删除。")
}

func (s *Server) contactTest(w http.ResponseWriter, r *http.Request) error {
	c, err := s.contactFor(r)
	if err != nil {
		return err
	}
	back := contactsHref(c.UnitID)
	if s.cfg.Reminders == nil {
		return s.formBack(w, r, back, errNoReminders, "")
	}
	name := officeName
	if c.UnitID != 0 {
		u, err := s.store.Unit(r.Context(), c.UnitID)
		if err != nil {
			return err
		}
		name = u.Name
	}
	if err := s.cfg.Reminders.Test(r.Context(), c, name); err != nil {
		return s.formBack(w, r, back, badRequest("测试消息发送失败："+err.Error()), "")
	}
	return s.redirect(w, r, back, "测试消息已发送到 "+c.Shown()+"，请确认是否收到。")
}

// ---------- the office's rules, calendar and contacts ----------

// remindForm is the rules form as typed, kept whole when it is refused.
type remindForm struct {
	RemindBefore, EscalateAfter, QuietFrom, QuietTo string
	UrgeEveryWorkday, Off                           bool
	BaseURL, RobotHosts, Calendar                   string
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

func remindFormOf(rs store.RemindSettings) remindForm {
	days := make([]string, len(rs.Rules.RemindBefore))
	for i, d := range rs.Rules.RemindBefore {
		days[i] = strconv.Itoa(d)
	}
	return remindForm{RemindBefore: strings.Join(days, ","), EscalateAfter: strconv.Itoa(rs.Rules.EscalateAfter),
		QuietFrom: hhmm(rs.Rules.QuietFrom), QuietTo: hhmm(rs.Rules.QuietTo), UrgeEveryWorkday: rs.Rules.UrgeEveryWorkday, Off: rs.Off,
		BaseURL: rs.BaseURL, RobotHosts: strings.Join(rs.RobotHosts, "\n"), Calendar: rs.Calendar}
}

func readRemindForm(r *http.Request) remindForm {
	v := func(k string) string { return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(k), "\r\n", "\n")) }
	return remindForm{RemindBefore: v("remind_before"), EscalateAfter: v("escalate_after"), QuietFrom: v("quiet_from"), QuietTo: v("quiet_to"),
		UrgeEveryWorkday: r.PostFormValue("urge_every_workday") != "", Off: r.PostFormValue("off") != "",
		BaseURL: v("base_url"), RobotHosts: v("robot_hosts"), Calendar: strings.ReplaceAll(r.PostFormValue("calendar"), "\r\n", "\n")}
}

// parseHHMM reads 20:00 (or 20：00) as minutes of the day.
func parseHHMM(v string) (int, bool) {
	h, m, ok := strings.Cut(strings.ReplaceAll(v, "：", ":"), ":")
	hh, err1 := strconv.Atoi(strings.TrimSpace(h))
	mm, err2 := strconv.Atoi(strings.TrimSpace(m))
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// settings turns the form into settings, or says what is wrong with it.
func (f remindForm) settings(cur store.RemindSettings) (store.RemindSettings, []string) {
	rs := cur
	var problems []string
	rs.Rules.RemindBefore = nil
	for _, d := range strings.FieldsFunc(f.RemindBefore, func(r rune) bool { return strings.ContainsRune(",，、; ；", r) }) {
		n, err := strconv.Atoi(d)
		if err != nil {
			problems = append(problems, "提前提醒天数应为用逗号分隔的整数，如 7,3,0。")
			break
		}
		if !slices.Contains(rs.Rules.RemindBefore, n) {
			rs.Rules.RemindBefore = append(rs.Rules.RemindBefore, n)
		}
	}
	if f.EscalateAfter == "" {
		rs.Rules.EscalateAfter = 0
	} else if n, err := strconv.Atoi(f.EscalateAfter); err == nil {
		rs.Rules.EscalateAfter = n
	} else {
		problems = append(problems, "逾期升级的工作日数应为整数，0 表示不升级。")
	}
	from, ok1 := parseHHMM(f.QuietFrom)
	to, ok2 := parseHHMM(f.QuietTo)
	if !ok1 || !ok2 {
		problems = append(problems, "免打扰时段应写作 20:00 和 08:00 这样的时刻。")
	}
	rs.Rules.QuietFrom, rs.Rules.QuietTo = from, to
	rs.Rules.UrgeEveryWorkday, rs.Off, rs.BaseURL, rs.Calendar = f.UrgeEveryWorkday, f.Off, strings.TrimRight(f.BaseURL, "/"), f.Calendar
	rs.RobotHosts = nil
	for _, h := range strings.Fields(f.RobotHosts) {
		h = strings.ToLower(h)
		if strings.ContainsAny(h, "/?#@") {
			problems = append(problems, fmt.Sprintf("机器人主机“%s”应只写主机名，如 oapi.dingtalk.com。", h))
			continue
		}
		if !slices.Contains(rs.RobotHosts, h) {
			rs.RobotHosts = append(rs.RobotHosts, h)
		}
	}
	return rs, problems
}

type remindSettingsPage struct {
	Base
	F       remindForm
	Errors  []string
	List    contactList
	Running bool
}

func (s *Server) remindSettingsPage(w http.ResponseWriter, r *http.Request, code int, f remindForm, problems []string) error {
	p := &remindSettingsPage{Base: s.base(w, r, "提醒设置"), F: f, Errors: problems, Running: s.cfg.Reminders != nil,
		List: contactList{AddTo: "/reminders/contacts", Channels: store.Channels}}
	var err error
	if p.List.Contacts, err = s.store.Contacts(r.Context(), 0); err != nil {
		return err
	}
	return s.render(w, r, code, "remind_settings", p)
}

func (s *Server) remindSettingsShow(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.store.RemindSettings(r.Context())
	if err != nil {
		return err
	}
	return s.remindSettingsPage(w, r, http.StatusOK, remindFormOf(rs), nil)
}

func (s *Server) remindSettingsSave(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.store.RemindSettings(r.Context())
	if err != nil {
		return err
	}
	f := readRemindForm(r)
	rs, problems := f.settings(cur)
	if len(problems) == 0 {
		err = s.store.SetRemindSettings(r.Context(), rs, userFrom(r).Actor())
		var in *store.InputError
		if errors.As(err, &in) {
			// The calendar's errors come one per line, joined: list them so.
			problems = strings.Split(strings.TrimSuffix(in.Msg, "。"), "；")
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return s.remindSettingsPage(w, r, http.StatusBadRequest, f, problems)
	}
	return s.redirect(w, r, "/reminders/settings", "提醒设置已保存。")
}

// ---------- the mail server ----------

type smtpPage struct {
	Base
	S           store.SMTPSettings // without its password
	HasPassword bool
	Override    string // the deployment's server, when its flags or environment set one
	Running     bool
	TLSModes    []tlsMode
}

type tlsMode struct{ Value, Label string }

// tlsModes are the mail server's encryption choices, as the page names them.
var tlsModes = []tlsMode{
	{"starttls", "STARTTLS（一般为 587 端口）"}, {"tls", "SSL/TLS（一般为 465 端口）"}, {"none", "不加密（仅限内网邮件服务器）"},
}

func (s *Server) smtpShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.store.SMTPSettings(ctx)
	if err != nil {
		return err
	}
	p := &smtpPage{Base: s.base(w, r, "邮件服务器"), HasPassword: c.Password != "", Running: s.cfg.Reminders != nil, TLSModes: tlsModes}
	if s.cfg.Reminders != nil {
		inForce, err := s.cfg.Reminders.SMTP(ctx)
		if err != nil {
			return err
		}
		if inForce.Host != "" && inForce != c {
			p.Override = fmt.Sprintf("%s:%d", inForce.Host, inForce.Port)
		}
	}
	c.Password = "" // never sent back, not even in a hidden field
	p.S = c
	return s.render(w, r, http.StatusOK, "smtp", p)
}

func (s *Server) smtpSave(w http.ResponseWriter, r *http.Request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	c := store.SMTPSettings{Host: v("host"), Username: v("username"), Password: r.PostFormValue("password"), From: v("from"), TLS: v("tls")}
	if p := v("port"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return s.formBack(w, r, "/reminders/smtp", badRequest("端口应为数字，如 465 或 587。"), "")
		}
		c.Port = n
	}
	err := s.store.SetSMTPSettings(r.Context(), c, userFrom(r).Actor())
	done := "邮件服务器设置已保存。"
	if c.Host == "" {
		done = "已清除邮件服务器，电子邮件提醒将不再发送。"
	}
	return s.formBack(w, r, "/reminders/smtp", err, done)
}

func (s *Server) smtpTest(w http.ResponseWriter, r *http.Request) error {
	c := &store.Contact{Channel: store.ChannelEmail, Address: r.PostFormValue("to")}
	if msg := store.ContactProblem(c, nil); msg != "" {
		return s.formBack(w, r, "/reminders/smtp", badRequest(msg), "")
	}
	if s.cfg.Reminders == nil {
		return s.formBack(w, r, "/reminders/smtp", errNoReminders, "")
	}
	if err := s.cfg.Reminders.Test(r.Context(), c, officeName); err != nil {
		return s.formBack(w, r, "/reminders/smtp", badRequest("测试邮件发送失败："+err.Error()), "")
	}
	return s.redirect(w, r, "/reminders/smtp", "测试邮件已发送到 "+c.Address+"，请确认是否收到。")
}

// ---------- deliveries ----------

// deliveryStates are a delivery's states, in the order the filter lists them.
var deliveryStates = []string{"queued", "sending", "sent", "failed"}

func deliveryStateLabel(st string) string {
	switch st {
	case "queued":
		return "排队中"
	case "sending":
		return "发送中"
	case "sent":
		return "已发送"
	case "failed":
		return "发送失败"
	}
	return st
}

// deliveryFilter reads ?unit=&channel=&state=.
func deliveryFilter(q url.Values) (store.DeliveryFilter, error) {
	var f store.DeliveryFilter
	if v := q.Get("unit"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return f, badRequest("筛选条件中的单位无效。")
		}
		f.UnitID = id
	}
	f.Channel, f.State = q.Get("channel"), q.Get("state")
	if f.Channel != "" && !slices.Contains(store.Channels, f.Channel) {
		return f, badRequest("筛选条件中的联系方式无效。")
	}
	if f.State != "" && !slices.Contains(deliveryStates, f.State) {
		return f, badRequest("筛选条件中的发送状态无效。")
	}
	return f, nil
}

type deliveriesPage struct {
	Base
	F        store.DeliveryFilter
	Units    []*store.Unit
	Channels []string
	States   []string
	Items    []*store.Delivery
}

func (s *Server) deliveriesShow(w http.ResponseWriter, r *http.Request) error {
	f, err := deliveryFilter(r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &deliveriesPage{Base: s.base(w, r, "提醒发送记录"), F: f, Channels: store.Channels, States: deliveryStates}
	if p.Units, err = s.store.Units(ctx); err != nil {
		return err
	}
	if p.Items, err = s.store.Deliveries(ctx, f); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "deliveries", p)
}

func (s *Server) deliveryResend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.store.Resend(r.Context(), id, userFrom(r).Actor())
	return s.formBack(w, r, sameSiteBack(r, "/reminders"), err, "已重新排队，稍后发送。")
}

// ---------- urging by hand ----------

// sameSiteBack is the path of the page a form was posted from, when it is
// this site's, else fallback: never another site.
func sameSiteBack(r *http.Request, fallback string) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || (ref.Host != "" && ref.Host != r.Host) || (ref.Scheme != "" && ref.Scheme != "http" && ref.Scheme != "https") ||
		!strings.HasPrefix(ref.Path, "/") || strings.HasPrefix(ref.Path, "//") || strings.Contains(ref.Path, `\`) {
		return fallback
	}
	return (&url.URL{Path: ref.Path, RawQuery: ref.RawQuery}).String()
}

// formInt reads an optional non-negative id (0 when absent).
func formInt(r *http.Request, field, what string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, badRequest(what + "编号无效。")
	}
	return id, nil
}

// urgeText is what an urging says unless the office writes its own.
func urgeText(what string) string { return "请尽快报送" + what + "情况。" }

func (s *Server) periodUrge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.store.Period(ctx, id)
	if err != nil {
		return err
	}
	back := sameSiteBack(r, fmt.Sprintf("/notices/%d/overview?period=%d", p.NoticeID, p.ID))
	unit, err := formInt(r, "unit", "单位")
	if err != nil {
		return s.formBack(w, r, back, err, "")
	}
	task, err := formInt(r, "task", "任务")
	if err != nil {
		return s.formBack(w, r, back, err, "")
	}
	rs, err := s.store.RemindSettings(ctx)
	if err != nil {
		return err
	}
	n, err := s.store.Urge(ctx, id, unit, task, r.PostFormValue("text"), rs, userFrom(r).Actor())
	return s.formBack(w, r, back, err, fmt.Sprintf("已催办 %d 个单位。", n))
}

// ---------- API ----------

type apiDeliveryJSON struct {
	ID           int64  `json:"id"`
	UnitID       int64  `json:"unit_id"`
	Unit         string `json:"unit"`
	Channel      string `json:"channel"` // email, dingtalk, wecom
	ChannelLabel string `json:"channel_label"`
	ShownTo      string `json:"shown_to"` // a webhook without its token
	Escalation   bool   `json:"escalation"`
	State        string `json:"state"` // queued, sending, sent, failed
	StateLabel   string `json:"state_label"`
	Attempts     int    `json:"attempts"`
	NextAt       string `json:"next_at,omitempty"`
	LastError    string `json:"last_error"`
	CreatedAt    string `json:"created_at"`
	SentAt       string `json:"sent_at,omitempty"`
}

func (s *Server) apiDeliveries(w http.ResponseWriter, r *http.Request) error {
	f, err := deliveryFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit <= 0 || f.Limit > apiMaxLimit {
			return badRequest(fmt.Sprintf("limit 应为 1 到 %d 之间的整数。", apiMaxLimit))
		}
	}
	ds, err := s.store.Deliveries(r.Context(), f)
	if err != nil {
		return err
	}
	loc := s.cfg.Location
	out := make([]apiDeliveryJSON, 0, len(ds))
	for _, d := range ds {
		j := apiDeliveryJSON{ID: d.ID, UnitID: d.UnitID, Unit: d.UnitName, Channel: d.Channel, ChannelLabel: store.ChannelLabel(d.Channel),
			ShownTo: d.ShownTo, Escalation: d.Escalation, State: d.State, StateLabel: deliveryStateLabel(d.State), Attempts: d.Attempts,
			LastError: d.LastError, CreatedAt: rfc3339(d.CreatedAt, loc)}
		if d.State == "queued" || d.State == "sending" {
			j.NextAt = rfc3339(d.NextAt, loc)
		}
		if !d.SentAt.IsZero() {
			j.SentAt = rfc3339(d.SentAt, loc)
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": out})
	return nil
}

func (s *Server) apiUrge(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errAPIPeriodNotFound)
	if err != nil {
		return err
	}
	var b struct {
		Unit int64  `json:"unit"`
		Task int64  `json:"task"`
		Text string `json:"text"`
	}
	if err := decodeJSONBody(w, r, &b); err != nil {
		return err
	}
	if b.Unit < 0 || b.Task < 0 {
		return badRequest("unit 和 task 应为编号，0 表示全部。")
	}
	ctx := r.Context()
	if _, err := s.store.Period(ctx, id); errors.Is(err, store.ErrNotFound) {
		return errAPIPeriodNotFound
	} else if err != nil {
		return err
	}
	rs, err := s.store.RemindSettings(ctx)
	if err != nil {
		return err
	}
	n, err := s.store.Urge(ctx, id, b.Unit, b.Task, b.Text, rs, userFrom(r).Actor())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"units": n})
	return nil
}

var errAPIPeriodNotFound = &httpError{code: http.StatusNotFound, msg: "报送期不存在。"}

type apiContactJSON struct {
	ID           int64  `json:"id"`
	UnitID       int64  `json:"unit_id"`
	Channel      string `json:"channel"`
	ChannelLabel string `json:"channel_label"`
	Address      string `json:"address"` // as shown: a webhook without its token
	Signed       bool   `json:"signed"`  // a DingTalk robot with a signing secret
	Label        string `json:"label"`
	CreatedAt    string `json:"created_at"`
	LastSentAt   string `json:"last_sent_at,omitempty"`
	LastError    string `json:"last_error"`
}

func (s *Server) apiContacts(w http.ResponseWriter, r *http.Request) error {
	unit, err := s.contactsUnit(r)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, errNotFound) {
		return &httpError{code: http.StatusNotFound, msg: "单位不存在，或您无权查看。"}
	}
	if err != nil {
		return err
	}
	cs, err := s.store.Contacts(r.Context(), unit.ID)
	if err != nil {
		return err
	}
	loc := s.cfg.Location
	out := make([]apiContactJSON, 0, len(cs))
	for _, c := range cs {
		j := apiContactJSON{ID: c.ID, UnitID: c.UnitID, Channel: c.Channel, ChannelLabel: store.ChannelLabel(c.Channel), Address: c.Shown(),
			Signed: c.Secret != "", Label: c.Label, CreatedAt: rfc3339(c.CreatedAt, loc), LastError: c.LastError}
		if !c.LastSentAt.IsZero() {
			j.LastSentAt = rfc3339(c.LastSentAt, loc)
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"contacts": out})
	return nil
}

type apiUrgingJSON struct {
	ID        int64  `json:"id"`
	UnitID    int64  `json:"unit_id"`
	Unit      string `json:"unit"`
	TaskID    int64  `json:"task_id"`
	PeriodID  int64  `json:"period_id"`
	Step      string `json:"step"` // remind, urge, escalate, manual
	StepLabel string `json:"step_label"`
	Item      string `json:"item"` // plan, report, resubmit
	Text      string `json:"text"`
	By        string `json:"by"`
	CreatedAt string `json:"created_at"`
}

// apiUrgings lists a unit's latest reminders and urgings: a unit account
// its own, the office any unit's (?unit=) or every unit's.
func (s *Server) apiUrgings(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	var unitID, taskID int64
	q := r.URL.Query()
	for _, f := range []struct {
		key string
		dst *int64
	}{{"unit", &unitID}, {"task", &taskID}} {
		if v := q.Get(f.key); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return badRequest(f.key + " 应为编号。")
			}
			*f.dst = id
		}
	}
	if u.Role == store.RoleUnit {
		if unitID != 0 && unitID != u.UnitID {
			return &httpError{code: http.StatusNotFound, msg: "单位不存在，或您无权查看。"}
		}
		unitID = u.UnitID
	}
	limit := apiDefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > apiMaxLimit {
			return badRequest(fmt.Sprintf("limit 应为 1 到 %d 之间的整数。", apiMaxLimit))
		}
		limit = n
	}
	gs, err := s.store.Urgings(r.Context(), unitID, taskID, limit)
	if err != nil {
		return err
	}
	out := make([]apiUrgingJSON, 0, len(gs))
	for _, g := range gs {
		out = append(out, apiUrgingJSON{ID: g.ID, UnitID: g.UnitID, Unit: g.UnitName, TaskID: g.TaskID, PeriodID: g.PeriodID, Step: g.Step,
			StepLabel: g.StepLabel(), Item: g.Item, Text: g.Text, By: g.By, CreatedAt: rfc3339(g.CreatedAt, s.cfg.Location)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"urgings": out})
	return nil
}
