package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
)

// TestScopedAccountsSeeOnlyTheirScope: a unit or leader account sees the
// parser's warnings about its own tasks only, the notices where it holds a
// task, and the units of its tasks; nothing on a page or in the API names
// another's task, unit or notice.
func TestScopedAccountsSeeOnlyTheirScope(t *testing.T) {
	ts := newSite(t)
	ctx := context.Background()
	warned, err := ts.store.ImportNotice(ctx, &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕11号", Year: 2026,
		Title: "提示较多的通知", Tasks: []notice.Task{
			{No: "1", Text: "建设数据中心。", Lead: []string{"省发展改革委"}, Leaders: []string{"张副省长"}},
			{No: "2", Text: "外贸专项二号。", Lead: []string{"省商务厅"}},
		}, Warnings: []notice.Warning{
			{Tasks: []int{0}, Kind: notice.WarnClause, Message: "任务 1 的责任单位写法少见"},
			{Tasks: []int{1}, Kind: notice.WarnClause, Message: "任务 2 提到外贸专项二号"},
			{Line: 99, Kind: notice.WarnSkipped, Message: "第 99 行未能识别：省商务厅牵头外贸专项三号"},
			{Tasks: []int{0, 1}, Kind: notice.WarnNumberGap, Message: "任务编号不连续：外贸专项二号"},
		}}, "warned.txt", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.ImportNotice(ctx, &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕12号", Year: 2026,
		Title: "与张副省长无关的通知", Tasks: []notice.Task{{No: "1", Text: "修缮水利设施。", Lead: []string{"省发展改革委"}, Leaders: []string{"王副省长"}}}},
		"other.txt", store.CLI); err != nil {
		t.Fatal(err)
	}

	// Warnings in the API: each unit its own task's, the office all.
	for who, want := range map[string][]string{
		"unit":   {"任务 1 的责任单位写法少见"},
		"unit2":  {"任务 2 提到外贸专项二号"},
		"leader": {"任务 1 的责任单位写法少见"},
		"office": {"任务 1 的责任单位写法少见", "任务 2 提到外贸专项二号", "第 99 行未能识别", "任务编号不连续"},
	} {
		code, body := ts.api("GET", fmt.Sprintf("/api/v1/notices/%d", warned), ts.token(who), "")
		d := decode[apiNoticeDetail](t, body)
		var got []string
		for _, w := range d.Warnings {
			got = append(got, w.Message)
		}
		if code != ok || len(got) != len(want) {
			t.Errorf("%s: %d, warnings %q, want %q", who, code, got, want)
			continue
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("%s: warning %d is %q, want %q", who, i, got[i], want[i])
			}
		}
	}

	// The leader on a unit's page: only the notices where that unit holds
	// one of the leader's tasks.
	a := fmt.Sprintf("/units/%d", ts.unitA.ID)
	if _, body := ts.get(ts.client("leader"), a); strings.Contains(body, "与张副省长无关的通知") || !strings.Contains(body, "提示较多的通知") {
		t.Errorf("the leader's view of unit A lists the wrong notices")
	}
	if _, body := ts.get(ts.client("office"), a); !strings.Contains(body, "与张副省长无关的通知") {
		t.Errorf("the office's view of unit A lacks a notice of its")
	}

	// The directory, as the leader sees it: the units of its tasks, counted within them.
	for _, path := range []string{"/units", "/units?q=省"} {
		_, body := ts.get(ts.client("leader"), path)
		if strings.Contains(body, "省商务厅") || !strings.Contains(body, "省发展改革委") || !strings.Contains(body, "省财政厅") {
			t.Errorf("the leader's %s lists units outside its tasks, or misses its own", path)
		}
	}
	code, body := ts.api("GET", "/api/v1/units", ts.token("leader"), "")
	us := decode[struct {
		Units []apiUnitJSON `json:"units"`
	}](t, body)
	byName := map[string]apiUnitJSON{}
	for _, u := range us.Units {
		byName[u.Name] = u
	}
	if _, seen := byName["省商务厅"]; code != ok || seen || byName["省发展改革委"].Lead != 2 || byName["省发展改革委"].Support != 0 {
		t.Errorf("the leader's API directory: %d %+v", code, us.Units)
	}
}
