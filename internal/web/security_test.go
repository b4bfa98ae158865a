package web

import (
	"net/url"
	"testing"
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
