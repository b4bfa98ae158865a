package web

import (
	"fmt"
	"net/http"
	"testing"
)

// TestNoStoreAndNoListing: what an account sees (pages, exports, the API)
// is never kept by a browser or proxy cache, and /static/ lists nothing.
func TestNoStoreAndNoListing(t *testing.T) {
	ts := newSite(t)
	c := ts.client("office")
	tok := ts.token("office")
	for _, path := range []string{"/", fmt.Sprintf("/notices/%d", ts.noticeID), fmt.Sprintf("/notices/%d/ledger.xlsx", ts.noticeID),
		fmt.Sprintf("/notices/%d/ledger.csv", ts.noticeID), fmt.Sprintf("/tasks/%d", ts.tasks[0].ID), "/account", "/api/v1/tasks"} {
		req, _ := http.NewRequest("GET", ts.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != ok || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d, Cache-Control %q, want 200 and no-store", path, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	for path, want := range map[string]int{"/static/": nf, "/static/style.css": ok, "/static/nothing.css": nf} {
		code, body := ts.get(c, path)
		if code != want {
			t.Errorf("GET %s: %d, want %d\n%.200s", path, code, want, body)
		}
	}
}
