package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"duban/internal/ledger"
)

// yearSite is the test site on 2026-07-02: the second quarter (due 6月30日)
// is open and late, the third not yet open.
func yearSite(t *testing.T) (*site, []ledger.Period) {
	ts := newSite(t)
	now := time.Date(2026, 7, 2, 2, 0, 0, 0, time.UTC)
	ts.store.SetClock(func() time.Time { return now })
	ps, err := ts.store.Periods(context.Background(), ts.noticeID)
	if err != nil || len(ps) != 4 {
		t.Fatalf("periods %v %v", ps, err)
	}
	return ts, ps
}

func TestReportRoutesAsEveryRole(t *testing.T) {
	ts, ps := yearSite(t)
	t1, t2 := ts.tasks[0].ID, ts.tasks[1].ID
	q2 := func(task int64) string { return fmt.Sprintf("/tasks/%d/reports/%d", task, ps[1].ID) }
	ts.walk(t, []routeCase{
		//                                                          anon  admin office unit unit2 leader viewer
		{"GET", "/inbox", nil, access{see, forb, forb, ok, ok, forb, forb}},
		{"POST", "/inbox/submit", url.Values{}, access{unau, forb, forb, see, see, forb, forb}},
		{"GET", q2(t1), nil, access{see, ok, ok, ok, nf, ok, ok}},
		{"GET", q2(t2), nil, access{see, ok, ok, ok, ok, nf, ok}}, // unit A supports task 2
		{"GET", fmt.Sprintf("/tasks/%d/reports/%d", t1, ps[0].ID+999), nil, access{see, nf, nf, nf, nf, nf, nf}},
		{"POST", q2(t1), url.Values{"version": {"0"}, "progress": {"草稿"}, "action": {"save"}}, access{unau, forb, forb, see, nf, forb, forb}},
		{"POST", q2(t2) + "/part", url.Values{"version": {"0"}, "part": {"配合"}}, access{unau, forb, forb, see, forb, forb, forb}},
		{"POST", q2(t1) + "/attachments", url.Values{}, access{unau, forb, forb, bad, nf, forb, forb}},
		{"GET", "/attachments/99999", nil, access{see, nf, nf, nf, nf, nf, nf}},
		{"POST", "/attachments/99999/delete", nil, access{unau, forb, forb, nf, nf, forb, forb}},
		{"GET", "/review", nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", "/reports/99999/review", url.Values{"action": {"accept"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/review/accept", url.Values{}, access{unau, see, see, forb, forb, forb, forb}},
		{"GET", fmt.Sprintf("/tasks/%d/plan", t1), nil, access{see, ok, ok, ok, nf, ok, ok}},
		{"GET", fmt.Sprintf("/tasks/%d/plan", t2), nil, access{see, ok, ok, ok, ok, nf, ok}},
		{"POST", fmt.Sprintf("/tasks/%d/plan", t1), url.Values{"version": {"0"}, "measures": {"措施"}, "action": {"save"}}, access{unau, forb, forb, see, nf, forb, forb}},
		{"POST", fmt.Sprintf("/tasks/%d/plan", t2), url.Values{"version": {"0"}, "measures": {"措施"}, "action": {"save"}}, access{unau, forb, forb, forb, see, forb, forb}},
		{"POST", "/plans/99999/review", url.Values{"action": {"accept"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"GET", fmt.Sprintf("/notices/%d/overview", ts.noticeID), nil, access{see, ok, ok, forb, forb, ok, ok}},
		{"GET", fmt.Sprintf("/notices/%d/periods", ts.noticeID), nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/notices/%d/periods", ts.noticeID), url.Values{"label": {"上半年"}, "start": {"2026-01-01"}, "due": {"2026-07-05"}}, access{unau, see, see, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/notices/%d/reporting", ts.noticeID), url.Values{"open_days": {"10"}, "tolerance": {"10"}}, access{unau, see, see, forb, forb, forb, forb}},
		{"POST", "/periods/99999/edit", url.Values{"label": {"x"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/periods/99999/delete", nil, access{unau, nf, nf, forb, forb, forb, forb}},
	})
}

// The overview counts the current period's reports and lights, lists the
// late unit first, and each count opens the tasks behind it.
func TestOverviewCountsAndLinks(t *testing.T) {
	ts, ps := yearSite(t)
	t1, t2 := ts.tasks[0].ID, ts.tasks[1].ID
	unitB, office := ts.client("unit2"), ts.client("office")
	if code, _, _ := ts.post(unitB, fmt.Sprintf("/tasks/%d/reports/%d", t2, ps[1].ID), url.Values{"version": {"0"}, "progress": {"开展促消费活动"}, "percent": {"50"}, "action": {"submit"}}); code != see {
		t.Fatalf("submit: %d", code)
	}
	_, body := ts.get(office, fmt.Sprintf("/notices/%d/overview", ts.noticeID))
	for _, want := range []string{`id="current-period">第二季度进展`, `report=owed"><b>2</b>`, `report=missing"><b>1</b>`, `report=late"><b>1</b>`} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if a, b := strings.Index(body, "省发展改革委"), strings.Index(body, "省商务厅"); a < 0 || b < 0 || a > b {
		t.Errorf("the unit with a missing report is not listed first")
	}
	rows := func(q string) string {
		_, b := ts.get(office, fmt.Sprintf("/notices/%d?%s", ts.noticeID, q))
		var ids []string
		for _, id := range []int64{t1, t2} {
			if strings.Contains(b, fmt.Sprintf(`data-task-id="%d"`, id)) {
				ids = append(ids, fmt.Sprint(id))
			}
		}
		return strings.Join(ids, ",")
	}
	if got := rows(fmt.Sprintf("period=%d&report=missing", ps[1].ID)); got != fmt.Sprint(t1) {
		t.Errorf("missing links to tasks %q, want %d", got, t1)
	}
	if got := rows(fmt.Sprintf("period=%d&report=late", ps[1].ID)); got != fmt.Sprint(t2) {
		t.Errorf("late links to tasks %q, want %d", got, t2)
	}
	if code, _ := ts.get(office, fmt.Sprintf("/notices/%d?report=late", ts.noticeID)); code != bad {
		t.Errorf("a report filter without a period: %d", code)
	}
	code, body := ts.api("GET", fmt.Sprintf("/api/v1/notices/%d/overview", ts.noticeID), ts.token("office"), "")
	if code != ok || !strings.Contains(body, `"missing": 1`) || !strings.Contains(body, `"late": 1`) {
		t.Errorf("overview API: %d %s", code, body)
	}
}

// A unit files a plan with two milestones; the office returns it, then
// accepts it; a milestone missed turns the task yellow with its reason.
func TestPlanFlowByPage(t *testing.T) {
	ts, ps := yearSite(t)
	t1 := ts.tasks[0].ID
	unitA, office := ts.client("unit"), ts.client("office")
	path := fmt.Sprintf("/tasks/%d/plan", t1)
	form := url.Values{"version": {"0"}, "measures": {"分解投资任务到项目"}, "leader": {"王主任"}, "contact": {"李科长"}, "phone": {"0371-1234567"},
		"m_due": {"2026-06-30", "2026-09-30", ""}, "m_result": {"新开工项目100个", "完成投资3000亿元", ""}, "m_percent": {"40", "70", ""}, "action": {"submit"}}
	if code, body, _ := ts.post(unitA, path, form); code != see {
		t.Fatalf("submit plan: %d %.500s", code, body)
	}
	_, body := ts.get(office, "/review")
	if !strings.Contains(body, "分解投资任务到项目") {
		t.Fatalf("the plan is not in the review list")
	}
	pl, err := ts.store.Plan(context.Background(), t1, ts.unitA.ID)
	if err != nil || len(pl.Milestones) != 2 || pl.State != ledger.Submitted {
		t.Fatalf("stored plan %+v %v", pl, err)
	}
	ts.post(office, fmt.Sprintf("/plans/%d/review", pl.ID), url.Values{"version": {fmt.Sprint(pl.Version)}, "action": {"return"}, "comment": {"节点要具体到月"}})
	_, body = ts.get(unitA, path)
	if !strings.Contains(body, "节点要具体到月") || !strings.Contains(body, `id="plan-form"`) {
		t.Fatalf("the unit does not see the return and its form")
	}
	form.Set("version", regexpVersion(t, body))
	if code, _, _ := ts.post(unitA, path, form); code != see {
		t.Fatalf("resubmit plan: %d", code)
	}
	pl, _ = ts.store.Plan(context.Background(), t1, ts.unitA.ID)
	ts.post(office, fmt.Sprintf("/plans/%d/review", pl.ID), url.Values{"version": {fmt.Sprint(pl.Version)}, "action": {"accept"}})
	// Q1 filed; Q2 reported at 30%, below the 40% the 6月30日 milestone promised
	ts.post(unitA, fmt.Sprintf("/tasks/%d/reports/%d", t1, ps[0].ID), url.Values{"version": {"0"}, "progress": {"储备项目"}, "percent": {"10"}, "action": {"submit"}})
	code, _, _ := ts.post(unitA, fmt.Sprintf("/tasks/%d/reports/%d", t1, ps[1].ID), url.Values{"version": {"0"}, "progress": {"开工82个"}, "percent": {"30"}, "action": {"submit"}})
	if code != see {
		t.Fatalf("report: %d", code)
	}
	_, body = ts.get(office, fmt.Sprintf("/tasks/%d/reports/%d", t1, ps[1].ID))
	if !strings.Contains(body, `id="plan"`) || !strings.Contains(body, "新开工项目100个") || !strings.Contains(body, `id="previous"`) {
		t.Errorf("the report does not show the plan and the previous report beside it")
	}
	_, body = ts.get(office, fmt.Sprintf("/tasks/%d", t1))
	for _, want := range []string{"欠进度", "时间节点6月30日应完成40%（新开工项目100个），报告进度30%", "采纳 省发展改革委的落实方案", "报送 省发展改革委的第二季度进展报告"} {
		if !strings.Contains(body, want) {
			t.Errorf("task page lacks %q", want)
		}
	}
}

// upload posts a file to a report's attachments.
func (ts *site) upload(c *http.Client, path, name string, data []byte) (int, string) {
	ts.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	resp, err := c.Post(ts.srv.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// The unit files a report with an attachment, the support unit adds its
// part, the office returns it, the unit sees why and resubmits, the office
// accepts; no other unit reads any of it.
func TestReportFlowByPage(t *testing.T) {
	ts, ps := yearSite(t)
	t1, t2 := ts.tasks[0].ID, ts.tasks[1].ID
	unitA, unitB, office := ts.client("unit"), ts.client("unit2"), ts.client("office")
	path := fmt.Sprintf("/tasks/%d/reports/%d", t2, ps[1].ID) // unit B leads task 2, unit A supports

	_, body := ts.get(unitB, "/inbox")
	if !strings.Contains(body, fmt.Sprintf(`data-task-id="%d"`, t2)) || !strings.Contains(body, "已逾期") {
		t.Fatalf("unit B's inbox lacks its overdue second quarter:\n%.2000s", body)
	}
	code, _, _ := ts.post(unitB, path, url.Values{"version": {"0"}, "progress": {"完成促消费活动12场"}, "percent": {"40"}, "action": {"save"}})
	if code != see {
		t.Fatalf("save: %d", code)
	}
	if code, _ := ts.upload(unitB, path+"/attachments", "进展.pdf", []byte("%PDF-1.4\n%fake but a PDF by its header\n")); code != see {
		t.Fatalf("upload a PDF: %d", code)
	}
	if code, _ := ts.upload(unitB, path+"/attachments", "脚本.pdf", []byte("<html><script>alert(1)</script>")); code != bad {
		t.Errorf("an HTML file named .pdf: %d, want 400", code)
	}
	code, _, _ = ts.post(unitA, path+"/part", url.Values{"version": {"0"}, "part": {"发改委配合完成项目储备"}})
	if code != see {
		t.Fatalf("support part: %d", code)
	}
	_, body = ts.get(unitB, path)
	if !strings.Contains(body, "发改委配合完成项目储备") || !strings.Contains(body, "进展.pdf") {
		t.Fatalf("the lead unit does not see the support part and the file:\n%.3000s", body)
	}
	v := regexpVersion(t, body)
	code, body, _ = ts.post(unitB, path, url.Values{"version": {v}, "progress": {"完成促消费活动12场"}, "percent": {"40"}, "action": {"submit"}})
	if code != see {
		t.Fatalf("submit: %d %.500s", code, body)
	}
	// the inbox filters by light; a bogus light is refused
	if code, _ := ts.get(unitB, "/inbox?light=red"); code != bad {
		t.Errorf("inbox with a bogus light: %d", code)
	}
	if _, body := ts.get(unitB, "/inbox?light=closed"); strings.Contains(body, fmt.Sprintf(`data-task-id="%d"`, t2)) {
		t.Errorf("the inbox filtered to closed tasks lists an open one")
	}
	// the file: the units of the task and the readers, nobody else
	att, _ := ts.store.Attachments(context.Background(), regexpReportID(t, ts, t2, ps[1].ID))
	if len(att) != 1 {
		t.Fatalf("attachments %v", att)
	}
	for who, want := range map[string]int{"unit": ok, "unit2": ok, "office": ok, "viewer": ok, "leader": nf} {
		if code, _ := ts.get(ts.client(who), fmt.Sprintf("/attachments/%d", att[0].ID)); code != want {
			t.Errorf("%s downloads the attachment: %d, want %d", who, code, want)
		}
	}
	// other units reach none of it
	if code, _ := ts.get(ts.client("unit2"), fmt.Sprintf("/tasks/%d/reports/%d", t1, ps[1].ID)); code != nf {
		t.Errorf("unit B reads unit A's report: %d", code)
	}
	_, body = ts.get(office, "/review")
	if !strings.Contains(body, "完成促消费活动12场") || !strings.Contains(body, "逾期") {
		t.Fatalf("review queue:\n%.2000s", body)
	}
	rs, err := ts.store.ReviewQueue(context.Background(), reviewQuery{}.filter(ts.users["office"].Scope()))
	if err != nil || len(rs) != 1 {
		t.Fatalf("queue %v %v", rs, err)
	}
	rep := rs[0].Report
	code, _, _ = ts.post(office, fmt.Sprintf("/reports/%d/review", rep.ID), url.Values{"version": {fmt.Sprint(rep.Version)}, "action": {"return"}, "comment": {"请补充<b>资金</b>情况"}})
	if code != see {
		t.Fatalf("return: %d", code)
	}
	_, body = ts.get(unitB, path)
	if !strings.Contains(body, `id="returned"`) || !strings.Contains(body, "请补充&lt;b&gt;资金&lt;/b&gt;情况") {
		t.Fatalf("the unit does not see why it was returned (escaped):\n%.3000s", body)
	}
	_, body = ts.get(office, fmt.Sprintf("/tasks/%d", t2))
	// the first quarter was never filed: that keeps the task red
	if !strings.Contains(body, "3月31日应报第一季度进展，未报送") {
		t.Errorf("task page light does not name the missing first quarter:\n%.3000s", body)
	}
	v = regexpVersion(t, body2(ts, unitB, path))
	code, _, _ = ts.post(unitB, path, url.Values{"version": {v}, "progress": {"完成促消费活动12场，资金到位3亿元"}, "percent": {"50"}, "action": {"submit"}})
	if code != see {
		t.Fatalf("resubmit: %d", code)
	}
	rs, _ = ts.store.ReviewQueue(context.Background(), reviewQuery{}.filter(ts.users["office"].Scope()))
	code, _, _ = ts.post(office, "/review/accept", url.Values{"report": {fmt.Sprint(rs[0].Report.ID)}})
	if code != see {
		t.Fatalf("accept: %d", code)
	}
	_, body = ts.get(unitB, path)
	if !strings.Contains(body, "已采纳") || strings.Contains(body, `id="report-form"`) {
		t.Errorf("accepted report is still editable or not shown accepted")
	}
	h, _ := ts.store.History(context.Background(), "report", rep.ID)
	if len(h) < 4 {
		t.Errorf("report history has %d entries", len(h))
	}
}

func body2(ts *site, c *http.Client, path string) string {
	_, b := ts.get(c, path)
	return b
}

func regexpVersion(t *testing.T, body string) string {
	t.Helper()
	const mark = `name="version" value="`
	i := strings.Index(body, mark)
	if i < 0 {
		t.Fatalf("no version on the page:\n%.2000s", body)
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}

func regexpReportID(t *testing.T, ts *site, task, period int64) int64 {
	t.Helper()
	owners, _, err := ts.store.TaskOwners(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ts.store.Report(context.Background(), task, period, owners[0])
	if err != nil || r.ID == 0 {
		t.Fatalf("report %v %v", r, err)
	}
	return r.ID
}
