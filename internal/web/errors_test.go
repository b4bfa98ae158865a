package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
)

// TestFilterOnNothingIs404: a filter naming a unit or notice that does not
// exist (or that the account does not see) is a 404 with a reason, on the
// pages, the exports and the API alike.
func TestFilterOnNothingIs404(t *testing.T) {
	ts := newSite(t)
	other, err := ts.store.ImportNotice(context.Background(), &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕10号",
		Year: 2026, Title: "教育工作分工", Tasks: []notice.Task{{No: "1", Text: "建设学校。", Lead: []string{"省教育厅"}}}}, "other.txt", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	n := ts.noticeID
	for _, c := range []struct {
		who, path, want string
	}{
		{"office", fmt.Sprintf("/notices/%d?unit=99999", n), "单位不存在"},
		{"office", fmt.Sprintf("/notices/%d/ledger.csv?unit=99999", n), "单位不存在"},
		{"office", fmt.Sprintf("/notices/%d/ledger.xlsx?unit=99999", n), "单位不存在"},
		{"unit", fmt.Sprintf("/units/%d?notice=99999", ts.unitA.ID), "通知不存在"},
		{"unit", fmt.Sprintf("/units/%d?notice=%d", ts.unitA.ID, other), "通知不存在"},
	} {
		code, body := ts.get(ts.client(c.who), c.path)
		if code != nf || !strings.Contains(body, c.want) {
			t.Errorf("%s GET %s: %d, want 404 with %q", c.who, c.path, code, c.want)
		}
	}
	for _, c := range []struct {
		who, query, want string
	}{
		{"office", "?unit=99999", "单位不存在"},
		{"office", "?notice=99999", "通知不存在"},
		{"unit", fmt.Sprintf("?notice=%d", other), "通知不存在"}, // a notice out of scope is not there
	} {
		code, body := ts.api("GET", "/api/v1/tasks"+c.query, ts.token(c.who), "")
		if code != nf || !strings.Contains(decode[apiError](t, body).Error, c.want) {
			t.Errorf("%s API tasks%s: %d %s, want 404 with %q", c.who, c.query, code, body, c.want)
		}
	}
	// Units that exist still filter as before.
	if code, body := ts.get(ts.client("office"), fmt.Sprintf("/notices/%d?unit=%d", n, ts.unitB.ID)); code != ok || !strings.Contains(body, "促进消费") {
		t.Errorf("a real unit's filter: %d", code)
	}
}

// TestErrorsSpeakToTheirReader: the API's refusals speak of the API, keep
// < and & as written, and a refused page keeps the account's navigation.
func TestErrorsSpeakToTheirReader(t *testing.T) {
	ts := newSite(t)
	code, body := ts.api("GET", "/api/v1/units", ts.token("unit"), "")
	if msg := decode[apiError](t, body).Error; code != forb || strings.Contains(msg, "页面") || !strings.Contains(msg, "接口") {
		t.Errorf("API 403: %d %q, want a message about the API, not a page", code, msg)
	}
	code, body = ts.api("GET", "/api/v1/tasks?role="+url.QueryEscape("<b>&"), ts.token("office"), "")
	if code != bad || !strings.Contains(body, `\"<b>&\"`) || strings.Contains(body, `\u00`) {
		t.Errorf("API 400: %d %s, want < and & as written", code, body)
	}
	code, body = ts.get(ts.client("unit"), "/import")
	if code != forb || !strings.Contains(body, `action="/logout"`) || !strings.Contains(body, "我的任务") {
		t.Errorf("403 page: %d, want the unit's navigation and log-out\n%s", code, body)
	}
}
