package web

import (
	"context"
	"duban/internal/ledger"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
)

// oneLine is a notice whose tasks all sit on one line, two of them
// without units: line numbers cannot tell its warnings apart.
const oneLine = `河南省人民政府关于明确2023年重点工作责任单位的通知 一、发展 1.发展物流，完善多式联运体系，建设一批物流园区。(省商务厅负责)2.发展枢纽经济，推动物流园区与产业园区联动发展，提升枢纽能级。3.发展口岸，扩大开放。(省发展改革委负责)4.提升营商环境，深化放管服改革。5.推进数字政府建设。(省大数据局负责)`

const conflict = http.StatusConflict

// TestReviewRoutesAsEveryRole walks the routes this work adds or changes.
func TestReviewRoutesAsEveryRole(t *testing.T) {
	ts := newSite(t)
	n, t1 := ts.noticeID, ts.tasks[0]
	if _, err := ts.store.ImportNotice(context.Background(), parsedText(t, oneLine), "one.txt", store.CLI); err != nil {
		t.Fatal(err)
	}
	// a draft of the office's: another account's is not found
	other := strings.Replace(oneLine, "发展物流", "发展智慧物流", 1)
	code, _, draft := ts.post(ts.client("office"), "/import", url.Values{"text": {other}})
	if code != see {
		t.Fatalf("upload a draft: %d", code)
	}
	f := formOf(t1)
	typo := url.Values{"text": {f.Text}, "lead": {"省商务听"}, "version": {fmt.Sprint(f.Version)}, "text_orig": {f.TextOrig}, "targets_orig": {f.TargetsOrig}, "targets": {f.Targets}}
	ts.walk(t, []routeCase{
		//                                                                 anon  admin office unit unit2 leader viewer
		{"GET", fmt.Sprintf("/notices/%d/edit", n), nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/notices/%d/edit", n), url.Values{"title": {""}, "version": {"1"}}, access{unau, bad, bad, forb, forb, forb, forb}},
		{"GET", "/notices/99999/edit", nil, access{see, nf, nf, forb, forb, forb, forb}},
		{"POST", "/import", url.Values{"text": {oneLine}}, access{unau, conflict, conflict, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/tasks/%d/edit", t1.ID), typo, access{unau, bad, bad, forb, forb, forb, forb}},
		{"GET", draft, nil, access{see, nf, ok, forb, forb, forb, forb}},
		{"POST", draft, url.Values{"action": {"confirm"}, "lead-1": {"省商务听"}}, access{unau, nf, bad, forb, forb, forb, forb}},
		{"GET", "/", nil, access{see, ok, ok, see, see, ok, ok}},
		{"GET", fmt.Sprintf("/units/%d", ts.unitA.ID), nil, access{see, ok, ok, ok, nf, ok, ok}},
	})
	// the API's PATCH with a misspelt unit, as every token
	want := access{unau, bad, bad, forb, forb, forb, forb}
	for i, who := range roleOrder {
		tok := ""
		if who != "" {
			tok = ts.token(who)
		}
		code, body := ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", t1.ID), tok, `{"version": 1, "lead": ["省商务听"]}`)
		if code != want[i] {
			t.Errorf("PATCH as %q: %d, want %d %s", who, code, want[i], body)
		}
	}
}

func parsedText(t *testing.T, text string) *notice.Notice {
	t.Helper()
	n, err := notice.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Each warning of a one-line notice is shown on its own task, and listed
// at the top with a link to that task's row.
func TestReviewWarningsOnTheirTasks(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	code, _, draft := ts.post(oc, "/import", url.Values{"text": {oneLine}})
	if code != see {
		t.Fatalf("upload: %d", code)
	}
	_, page := ts.get(oc, draft)
	for _, tc := range []struct{ i, no string }{{"1", "2"}, {"3", "4"}} {
		row := regexp.MustCompile(`(?s)<tr class="task warned" id="task-` + tc.i + `">.*?</tr>`).FindString(page)
		if !strings.Contains(row, "第"+tc.no+"项任务没有写明责任单位") {
			t.Errorf("task %s: its warning is not on its row:\n%s", tc.no, row)
		}
		if !strings.Contains(page, `<a href="#task-`+tc.i+`">第 `+tc.no+` 项</a>：第`+tc.no+`项任务没有写明责任单位`) {
			t.Errorf("task %s: no link from the list of warnings", tc.no)
		}
	}
	if n := strings.Count(page, `<tr class="task warned"`); n != 2 {
		t.Errorf("%d rows warned, want 2", n)
	}
	if !strings.Contains(page, `class="review-bar"`) || !strings.Contains(page, `value="河南省人民政府关于明确2023年重点工作责任单位的通知"`) &&
		!strings.Contains(page, `value="关于明确2023年重点工作责任单位的通知"`) {
		t.Error("no sticky bar or no title")
	}
	// dropping task 2 takes its warning along; task 4's stays on task 4
	code, body, _ := ts.post(oc, draft, url.Values{"action": {"save"}, "drop-1": {"1"}})
	if code != see {
		t.Fatalf("save: %d %.300s", code, body)
	}
	_, page = ts.get(oc, draft)
	row := regexp.MustCompile(`(?s)<tr class="task warned" id="task-2">.*?</tr>`).FindString(page)
	if strings.Count(page, `<tr class="task warned"`) != 1 || !strings.Contains(row, "第4项任务没有写明责任单位") {
		t.Errorf("after dropping task 2:\n%s", row)
	}
}

// A notice without a title in its header is proposed one from its issuer,
// year and kind, editable in the review.
func TestReviewProposesTitle(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	text := "河南省人民政府文件\n豫政〔2023〕77号\n一、发展\n1.发展物流，建设一批物流园区。(省商务厅负责)\n2.推进数字政府建设。(省大数据局负责)\n河南省人民政府\n2023年3月1日\n"
	code, _, draft := ts.post(oc, "/import", url.Values{"text": {text}})
	if code != see {
		t.Fatalf("upload: %d", code)
	}
	_, page := ts.get(oc, draft)
	if !strings.Contains(page, `name="title" value="河南省人民政府关于明确2023年重点工作责任单位的通知"`) {
		t.Errorf("no proposed title:\n%.2000s", page)
	}
}

func TestNoticeHeaderEdit(t *testing.T) {
	ts := newSite(t)
	oc, ac := ts.client("office"), ts.client("admin")
	path := fmt.Sprintf("/notices/%d/edit", ts.noticeID)
	code, page := ts.get(oc, path)
	if code != ok || !strings.Contains(page, `name="version" value="1"`) {
		t.Fatalf("edit page: %d", code)
	}
	form := url.Values{"title": {"关于明确2026年重点工作责任单位的通知"}, "issuer": {"某省人民政府办公厅"}, "doc_number": {"某政办〔2026〕10号"},
		"year": {"2026"}, "issued_on": {"2026-02-01"}, "version": {"1"}}
	if code, body, loc := ts.post(oc, path, form); code != see || loc != fmt.Sprintf("/notices/%d", ts.noticeID) {
		t.Fatalf("save: %d %q %.300s", code, loc, body)
	}
	_, page = ts.get(oc, fmt.Sprintf("/notices/%d", ts.noticeID))
	if !strings.Contains(page, "<h1>关于明确2026年重点工作责任单位的通知</h1>") || !strings.Contains(page, "某政办〔2026〕10号") {
		t.Error("the ledger does not show the edited header")
	}
	_, home := ts.get(oc, "/")
	if !strings.Contains(home, `关于明确2026年重点工作责任单位的通知</a> <span class="docno">某政办〔2026〕10号</span>`) {
		t.Error("the notice list does not show the doc number beside the title")
	}
	// a second editor who opened version 1 is refused and keeps what they typed
	form.Set("title", "管理员的标题")
	code, body, _ := ts.post(ac, path, form)
	if code != conflict || !strings.Contains(body, "督查室王科长") || !strings.Contains(body, `value="管理员的标题"`) {
		t.Errorf("stale save: %d %.500s", code, body)
	}
	h, _ := ts.store.History(context.Background(), store.EntityNotice, ts.noticeID)
	if len(h) != 2 || !strings.Contains(string(h[1].Before), "2026年重点工作分工方案") || !strings.Contains(string(h[1].After), "某政办〔2026〕10号") {
		t.Errorf("audit: %+v", h)
	}
	// a blank title is refused
	form.Set("title", " ")
	form.Set("version", "2")
	if code, body, _ := ts.post(oc, path, form); code != bad || !strings.Contains(body, "标题不能为空") {
		t.Errorf("blank title: %d", code)
	}
}

// A unit typed on the edit page that the directory lacks is asked about,
// with the nearest known names as buttons; choosing one saves it.
func TestTaskEditAsksAboutUnknownUnit(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	t1 := ts.tasks[0]
	code, body := edit(t, ts, oc, t1, map[string]string{"lead": "省商务听"})
	if code != bad || !strings.Contains(body, `name="use" value="省商务听→省商务厅"`) || !strings.Contains(body, `name="create_unit" value="省商务听"`) {
		t.Fatalf("typo: %d\n%.3000s", code, body)
	}
	if cur, _ := ts.store.Task(context.Background(), t1.ID, ledger.Scope{}); cur.Version != 1 {
		t.Fatal("the typo was saved")
	}
	code, body = edit(t, ts, oc, t1, map[string]string{"lead": "省商务听", "use": "省商务听→省商务厅"})
	cur, _ := ts.store.Task(context.Background(), t1.ID, ledger.Scope{})
	if code != see || strings.Join(cur.Units(ledger.Lead), "、") != "省商务厅" {
		t.Fatalf("choosing the suggestion: %d %v %.300s", code, cur.Units(ledger.Lead), body)
	}
	code, _ = edit(t, ts, oc, t1, map[string]string{"lead": "省口岸办", "create_unit": "省口岸办"})
	if u, err := ts.store.UnitByName(context.Background(), "省口岸办"); code != see || err != nil {
		t.Errorf("confirmed new unit: %d %v %v", code, u, err)
	}
}

// A unit typed in the import review that the directory lacks stops the
// confirmation until the office picks a suggestion or confirms it as new.
func TestReviewAsksAboutTypedUnit(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	code, _, draft := ts.post(oc, "/import", url.Values{"text": {oneLine}})
	if code != see {
		t.Fatalf("upload: %d", code)
	}
	code, body, _ := ts.post(oc, draft, url.Values{"action": {"confirm"}, "lead-1": {"省商务听"}})
	if code != bad || !strings.Contains(body, `name="use" value="省商务听→省商务厅"`) {
		t.Fatalf("confirm with a misspelt unit: %d\n%.500s", code, body)
	}
	// saved, not lost, and still asked about after a plain save
	ts.post(oc, draft, url.Values{"action": {"save"}})
	if code, _, _ := ts.post(oc, draft, url.Values{"action": {"confirm"}}); code != bad {
		t.Fatalf("confirm after a save: %d, want the question again", code)
	}
	if code, _, _ := ts.post(oc, draft, url.Values{"use": {"省商务听→省商务厅"}}); code != see {
		t.Fatalf("choose the suggestion: %d", code)
	}
	code, body, loc := ts.post(oc, draft, url.Values{"action": {"confirm"}})
	if code != see || !strings.HasPrefix(loc, "/notices/") {
		t.Fatalf("confirm after choosing: %d %.300s", code, body)
	}
	ts2, _ := ts.store.Tasks(context.Background(), store.TaskFilter{Query: "发展枢纽经济"})
	// (shown with its government where another government has a 省商务厅)
	if len(ts2) != 1 || len(ts2[0].Units(ledger.Lead)) != 1 || !strings.HasSuffix(ts2[0].Units(ledger.Lead)[0], "省商务厅") {
		t.Errorf("imported task 2: %d tasks, lead %q", len(ts2), ts2[0].Units(ledger.Lead))
	}
	if _, err := ts.store.UnitByName(context.Background(), "省商务听"); err == nil {
		t.Error("the misspelt unit reached the directory")
	}
}

// The notice's header by the API: the same checks, audit and stale refusal
// as the page, for admin and office only.
func TestAPINoticePatch(t *testing.T) {
	ts := newSite(t)
	path := fmt.Sprintf("/api/v1/notices/%d", ts.noticeID)
	want := access{unau, bad, bad, forb, forb, forb, forb}
	for i, who := range roleOrder {
		tok := ""
		if who != "" {
			tok = ts.token(who)
		}
		if code, body := ts.api("PATCH", path, tok, `{"version": 1, "title": "  "}`); code != want[i] {
			t.Errorf("PATCH as %q: %d, want %d %s", who, code, want[i], body)
		}
	}
	office := ts.token("office")
	code, body := ts.api("PATCH", path, office, `{"version": 1, "title": "关于明确2026年重点工作责任单位的通知", "doc_number": "某政办〔2026〕10号"}`)
	if code != ok || !strings.Contains(body, `"version": 2`) || !strings.Contains(body, `"doc_number": "某政办〔2026〕10号"`) || !strings.Contains(body, `"issuer": "某省人民政府办公厅"`) {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	if code, body := ts.api("PATCH", path, ts.token("admin"), `{"version": 1, "title": "覆盖"}`); code != conflict || !strings.Contains(body, `"current"`) || !strings.Contains(body, "督查室王科长") {
		t.Errorf("stale PATCH: %d %s", code, body)
	}
	if code, body := ts.api("PATCH", path, office, `{"version": 2, "text": "x"}`); code != bad || !strings.Contains(body, "title、issuer") {
		t.Errorf("unknown field: %d %s", code, body)
	}
	if code, _ := ts.api("PATCH", "/api/v1/notices/99999", office, `{"version": 1}`); code != nf {
		t.Errorf("missing notice: %d", code)
	}
	h, _ := ts.store.History(context.Background(), store.EntityNotice, ts.noticeID)
	if len(h) != 2 || h[1].UserName != "督查室王科长" {
		t.Errorf("audit: %+v", h)
	}
}
