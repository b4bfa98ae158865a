package web

import (
	"context"
	"duban/internal/ledger"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/internal/store"
)

// TestAnnexRowsAreTasksEverywhere: seed 002's attached table of 85 key
// projects lands as tasks under its section, and every view of a task
// applies to them — the ledger, the task page, a unit's “my tasks”, a
// leader's page, the API, editing with its audit, and the export.
func TestAnnexRowsAreTasksEverywhere(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	id := ts.importSeed("002")
	all, err := ts.store.Tasks(ctx, store.TaskFilter{NoticeID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 112+85 {
		t.Fatalf("seed 002 imported as %d tasks; want 112 + 85", len(all))
	}
	row := all[len(all)-1] // the table's last row
	section := row.Section
	if !strings.HasPrefix(section, "附件") || row.No != "85" || len(row.Leaders) == 0 || row.Deadline.IsZero() {
		t.Fatalf("last task %+v; want the table's row 85 with leaders and deadline", row)
	}
	var lead ledger.Assignment
	for _, a := range row.Assignments {
		if a.Role == ledger.Lead {
			lead = a
			break
		}
	}
	esc := template.HTMLEscapeString
	oc := ts.client("office")
	taskLink := fmt.Sprintf(`href="/tasks/%d"`, row.ID)

	// The ledger: a heading of its own, in the sidebar with its count.
	_, page := ts.get(oc, fmt.Sprintf("/notices/%d", id))
	if !strings.Contains(page, esc(section)) || !strings.Contains(page, taskLink) {
		t.Errorf("the ledger shows no section %q or no row 85", section)
	}
	_, page = ts.get(oc, fmt.Sprintf("/notices/%d?heading=%s", id, url.QueryEscape(section)))
	if n := strings.Count(page, `<tr class="task`); n != 85 {
		t.Errorf("the section filter shows %d rows; want 85", n)
	}
	// The task page names it by section and number, apart from the body's 85.
	_, page = ts.get(oc, fmt.Sprintf("/tasks/%d", row.ID))
	if !strings.Contains(page, esc(section)+" 第 85 项任务") {
		t.Errorf("task page does not name the task by its section:\n%.600s", page)
	}

	// The account of the unit that leads it sees it among its own tasks.
	ts.users["annexunit"] = ts.addUser(store.NewUser{Login: "annexunit", Name: lead.Unit, Role: store.RoleUnit, UnitID: lead.UnitID})
	uc := ts.client("annexunit")
	if code, page := ts.get(uc, fmt.Sprintf("/units/%d", lead.UnitID)); code != ok || !strings.Contains(page, taskLink) || !strings.Contains(page, esc(section)) {
		t.Errorf("%s's my tasks (%d) lack row 85 of %q", lead.Unit, code, section)
	}
	if code, _ := ts.get(uc, fmt.Sprintf("/tasks/%d", row.ID)); code != ok {
		t.Errorf("%s cannot open its row: %d", lead.Unit, code)
	}
	tok := ts.token("annexunit")
	code, body := ts.api("GET", fmt.Sprintf("/api/v1/tasks?notice=%d&unit=%d&role=lead&limit=1000", id, lead.UnitID), tok, "")
	var list apiTaskList
	if err := json.Unmarshal([]byte(body), &list); code != ok || err != nil {
		t.Fatalf("API tasks: %d %v", code, err)
	}
	found := false
	for _, x := range list.Tasks {
		if x.ID == row.ID {
			found = x.Section == section && x.No == "85" && len(x.Leaders) > 0 && !x.Deadline.IsZero()
		}
	}
	if !found {
		t.Errorf("the unit's API answer has no row 85 under %q:\n%.500s", section, body)
	}
	// Its export holds the row too.
	if _, csv := ts.get(uc, fmt.Sprintf("/notices/%d/ledger.csv", id)); !strings.Contains(csv, section) || !strings.Contains(csv, row.Text) {
		t.Errorf("%s's CSV export lacks row 85", lead.Unit)
	}

	// Its leader's page lists it.
	if _, page := ts.get(oc, "/leaders/"+url.PathEscape(row.Leaders[0])); !strings.Contains(page, taskLink) {
		t.Errorf("leader %s's page lacks row 85", row.Leaders[0])
	}

	// The office edits it through the API; the change is in its history.
	code, body = ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", row.ID), ts.token("office"),
		fmt.Sprintf(`{"version": %d, "deadline": "2023-09-30"}`, row.Version))
	var patched apiTaskJSON
	if err := json.Unmarshal([]byte(body), &patched); code != ok || err != nil || patched.Deadline.String() != "2023-09-30" || patched.Section != section {
		t.Errorf("PATCH row 85: %d %.300s", code, body)
	}
	if _, page := ts.get(oc, fmt.Sprintf("/tasks/%d", row.ID)); !strings.Contains(page, "2023-09-30") || !strings.Contains(page, "督查室王科长") {
		t.Error("the task page does not show the edit and who made it")
	}

	// The office's export has all 197, the table's rows under their section.
	_, csv := ts.get(oc, fmt.Sprintf("/notices/%d/ledger.csv", id))
	if n := strings.Count(csv, ","+section+","); n != 85 {
		t.Errorf("CSV export has %d rows under %q; want 85", n, section)
	}
	code, body = ts.api("GET", fmt.Sprintf("/api/v1/notices/%d", id), ts.token("office"), "")
	var detail apiNoticeDetail
	if err := json.Unmarshal([]byte(body), &detail); code != ok || err != nil || detail.AnnexCount != 85 || detail.TaskCount != 197 {
		t.Errorf("API notice: %d, %d tasks, %d from tables; want 197 and 85", code, detail.TaskCount, detail.AnnexCount)
	}
}

// tablesOnlyText is a notice whose items are only in an attached table.
func tablesOnlyText(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "import", "tables_only.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTablesOnlyImports: a notice whose items are all in a table imports
// through the review page and through the API; a text with none is still
// refused with the clear message.
func TestTablesOnlyImports(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	resp := upload(t, ts, oc, "tables.txt", []byte(tablesOnlyText(t)))
	resp.Body.Close()
	draft := resp.Header.Get("Location")
	if resp.StatusCode != see || !strings.HasPrefix(draft, "/import/") {
		t.Fatalf("upload: %s → %q", resp.Status, draft)
	}
	code, page := ts.get(oc, draft)
	if code != ok || strings.Count(page, `<tr class="task`) != 2 {
		t.Fatalf("review: %d with %d rows; want the table's 2", code, strings.Count(page, `<tr class="task`))
	}
	code, body, loc := ts.post(oc, draft, url.Values{"action": {"confirm"}})
	if code != see || !strings.HasPrefix(loc, "/notices/") {
		t.Fatalf("confirm: %d %q\n%.500s", code, loc, body)
	}
	if _, page := ts.get(oc, loc); !strings.Contains(page, "建成产业园一期工程") || !strings.Contains(page, "新增城镇就业1000人以上") {
		t.Error("the ledger lacks the table's rows")
	}

	tok := ts.token("office")
	text := strings.ReplaceAll(tablesOnlyText(t), "某县", "另一县") // not a duplicate of the first
	text = strings.ReplaceAll(text, "产业园", "物流园")
	resp2, body := ts.apiRaw("POST", "/api/v1/notices", tok, "text/plain; charset=utf-8", strings.NewReader(text))
	var created struct {
		Notice apiNoticeJSON `json:"notice"`
	}
	if err := json.Unmarshal([]byte(body), &created); resp2.StatusCode != 201 || err != nil || created.Notice.TaskCount != 2 {
		t.Errorf("API import: %d, %d tasks; want 201 and 2\n%.300s", resp2.StatusCode, created.Notice.TaskCount, body)
	}
	resp2, body = ts.apiRaw("POST", "/api/v1/notices", tok, "text/plain; charset=utf-8", strings.NewReader("各位同事：\n明天开会。\n"))
	if resp2.StatusCode != bad || !strings.Contains(body, "未识别出任何任务") {
		t.Errorf("a text with nothing: %d %.200s", resp2.StatusCode, body)
	}
}
