package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"duban/internal/store"
)

// TestLoginNextStaysOnSite: after logging in, only a path on this site is
// followed; anything a browser could read as another host goes home.
func TestLoginNextStaysOnSite(t *testing.T) {
	ts := newSite(t)
	for _, c := range []struct{ next, want string }{
		{"/tasks/1?x=1", "/tasks/1?x=1"},
		{"/units/2", "/units/2"},
		{"//evil.example/", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"", "/"},
	} {
		code, _, loc := ts.post(ts.client(""), "/login", url.Values{"login": {"office"}, "password": {testPassword}, "next": {c.next}})
		if code != see || loc != c.want {
			t.Errorf("next=%q: %d to %q, want %q", c.next, code, loc, c.want)
		}
	}
}

// TestLimitsOnEveryWayIn: the preview's corrections and the API's PATCH
// are held to the ledger's limits; nothing oversized is saved.
func TestLimitsOnEveryWayIn(t *testing.T) {
	ts := newSite(t)
	oc := ts.client("office")
	resp := upload(t, ts, oc, "002.txt", seedFile(t, "002"))
	resp.Body.Close()
	draft := resp.Header.Get("Location")
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"3 MB title", url.Values{"title": {strings.Repeat("标", 1<<20)}}, "通知标题不能超过"},
		{"100,000-character unit", url.Values{"lead-0": {strings.Repeat("单", 100_000)}}, "过长"},
		{"60 leaders", url.Values{"leaders-0": {strings.Join(names(60, "领导%d"), "、")}}, "位责任领导"},
	} {
		c.form.Set("action", "save")
		code, body, _ := ts.post(oc, draft, c.form)
		if code != bad || !strings.Contains(body, c.want) || !strings.Contains(body, "修改未保存") {
			t.Errorf("preview %s: %d, want 400 with %q\n%.300s", c.name, code, c.want, body)
		}
	}
	if _, page := ts.get(oc, draft); len(page) > 1<<20 || strings.Contains(page, strings.Repeat("单", 200)) {
		t.Errorf("a refused correction was saved (page of %d bytes)", len(page))
	}

	tok := ts.token("office")
	many := func(n int, item string) string { return strings.TrimSuffix(strings.Repeat(item+",", n), ",") }
	for _, c := range []struct{ name, json, want string }{
		{"40,000 leaders", `"leaders": [` + many(40_000, `"某"`) + `]`, "最多列 50 位责任领导"},
		{"12,000 targets", `"targets": [` + many(12_000, `{"indicator":"x","op":">=","value":1}`) + `]`, "最多列 100 项量化指标"},
		{"long deadline words", `"deadline_text": "` + strings.Repeat("年", 300) + `"`, "时限说明不能超过 200 字"},
	} {
		code, body := ts.api("PATCH", fmt.Sprintf("/api/v1/tasks/%d", ts.tasks[0].ID), tok,
			fmt.Sprintf(`{"version": %d, %s}`, ts.tasks[0].Version, c.json))
		if code != bad || !strings.Contains(body, c.want) {
			t.Errorf("PATCH %s: %d, want 400 with %q\n%.200s", c.name, code, c.want, body)
		}
	}
	if now, _ := ts.store.Task(context.Background(), ts.tasks[0].ID, store.Scope{}); now.Version != 1 {
		t.Errorf("a refused PATCH changed the task to version %d", now.Version)
	}
}

// names is n distinct names from a format with one %d.
func names(n int, format string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}
