package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"duban/internal/auth"
)

// TestTokenShownOnceAfterRedirect: creating a token answers with a
// redirect (a reload does not create another), the next page shows the
// token once, and it is in no URL and nowhere in the database in clear.
func TestTokenShownOnceAfterRedirect(t *testing.T) {
	ts := newSite(t)
	c := ts.client("unit")
	code, _, where := ts.post(c, "/account/tokens", url.Values{"name": {"对接"}})
	if code != see || where != "/account" {
		t.Fatalf("create token: %d to %q, want 303 to /account", code, where)
	}
	_, body := ts.get(c, where)
	m := regexp.MustCompile(`<code id="new-token">(dbn_[^<]+)</code>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the new token is not shown:\n%s", body)
	}
	if code, _ := ts.api("GET", "/api/v1/tasks", m[1], ""); code != ok {
		t.Errorf("the shown token does not work: %d", code)
	}
	if _, body := ts.get(c, "/account"); strings.Contains(body, m[1]) || strings.Contains(body, "new-token") {
		t.Errorf("the token is shown again on reload")
	}
	tokens, err := ts.store.APITokens(context.Background(), ts.users["unit"].ID)
	if err != nil || len(tokens) != 1 {
		t.Errorf("%d tokens after one creation and reloads, want 1 (%v)", len(tokens), err)
	}

	// While it waits, the database holds it sealed, never in clear.
	ts.post(c, "/account/tokens", url.Values{"name": {"第二个"}})
	u, _ := url.Parse(ts.srv.URL)
	var hash string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			hash = auth.TokenHash(ck.Value)
		}
	}
	sealed, err := ts.store.TakeSessionFlash(context.Background(), hash)
	if err != nil || sealed == "" || strings.Contains(sealed, "dbn_") {
		t.Errorf("the waiting token is stored as %q (%v), want it sealed", sealed, err)
	}
	// Another browser of the same account does not receive it.
	if _, body := ts.get(ts.client("unit"), "/account"); strings.Contains(body, "new-token") {
		t.Errorf("another session was shown the token")
	}
}

// TestLeaderAccountNeedsATask: a leader account is for a name some task
// has; another name is refused with the reason and the form kept.
func TestLeaderAccountNeedsATask(t *testing.T) {
	ts := newSite(t)
	code, body, _ := ts.post(ts.client("admin"), "/users", url.Values{"login": {"wang"}, "name": {"王副省长"}, "role": {"leader"},
		"leader": {"王副省长"}, "password": {testPassword}})
	if code != bad || !strings.Contains(body, "没有任务") || !strings.Contains(body, `value="wang"`) {
		t.Errorf("leader with no task: %d, want 400 with the reason and the form kept\n%.300s", code, body)
	}
	if _, err := ts.store.UserByLogin(context.Background(), "wang"); err == nil {
		t.Errorf("the account was created")
	}
}
