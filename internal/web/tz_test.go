package web

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone without the system's database, as the binary has it
)

// TestTimesInTheDeploymentZone: with the deployment in Asia/Shanghai, a
// change made at 01:15 UTC is 09:15 on the pages, in the API (RFC 3339
// with +08:00) and in a stale edit's message, whatever the process's own
// zone; the pages name the zone.
func TestTimesInTheDeploymentZone(t *testing.T) {
	t.Setenv("TZ", "UTC")
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	ts := newSite(t)
	ts.serve(Config{Location: shanghai})
	ts.store.SetLocation(shanghai) // as duban serve wires it
	ts.store.SetClock(func() time.Time { return time.Date(2026, 3, 2, 1, 15, 0, 0, time.UTC) })

	tok := ts.token("office")
	path := fmt.Sprintf("/api/v1/tasks/%d", ts.tasks[0].ID)
	if code, body := ts.api("PATCH", path, tok, `{"version": 1, "deadline_text": "年底前"}`); code != ok {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	_, body := ts.api("GET", path, tok, "")
	d := decode[apiTaskDetail](t, body)
	if d.UpdatedAt != "2026-03-02T09:15:00+08:00" || len(d.History) != 1 || d.History[0].At != d.UpdatedAt {
		t.Errorf("API times: updated_at %q, history %+v; want 2026-03-02T09:15:00+08:00", d.UpdatedAt, d.History)
	}
	_, body = ts.api("GET", fmt.Sprintf("/api/v1/notices/%d", ts.noticeID), tok, "")
	if n := decode[apiNoticeDetail](t, body); !strings.HasSuffix(n.CreatedAt, "+08:00") {
		t.Errorf("notice created_at %q, want +08:00", n.CreatedAt)
	}
	code, body := ts.api("PATCH", path, tok, `{"version": 1, "deadline_text": "六月底前"}`)
	if code != 409 || !strings.Contains(decode[apiStale](t, body).Error, "2026-03-02 09:15") {
		t.Errorf("stale PATCH: %d %s, want the first save's time 09:15", code, body)
	}
	_, page := ts.get(ts.client("office"), fmt.Sprintf("/tasks/%d", ts.tasks[0].ID))
	if !strings.Contains(page, "2026-03-02 09:15") || !strings.Contains(page, "08:00 Asia/Shanghai") {
		t.Errorf("the task page does not show 09:15 and name the zone:\n%s", page)
	}
}
