package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTimeZone: on a server whose own zone is UTC, duban speaks in
// Asia/Shanghai unless --tz or DUBAN_TZ names another zone, and refuses a
// zone it does not know.
func TestTimeZone(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "tz.db")
	env := testEnv("TZ=UTC", "DUBAN_TZ=", "DUBAN_ADMIN_PASSWORD=long enough")
	seed := filepath.Join(repoRoot(t), "testdata/seeds/001_c42bd75bfea9daab.txt")

	// A duplicate import names when the first was imported, in Beijing time.
	before := time.Now().In(shanghai).Format("2006-01-02 15:04")
	if code, out := runDuban(t, dir, env, "import", "--db", db, seed); code != 0 {
		t.Fatalf("import: %d\n%s", code, out)
	}
	after := time.Now().In(shanghai).Format("2006-01-02 15:04")
	code, out := runDuban(t, dir, env, "import", "--db", db, seed)
	if code != 1 || !strings.Contains(out, before) && !strings.Contains(out, after) {
		t.Errorf("duplicate import: exit %d, want the first import's Beijing time %s:\n%s", code, before, out)
	}

	footer := func(args ...string) string {
		p := startDuban(t, dir, env, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, args...)...)
		defer p.stop()
		resp, err := http.Get(p.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		_, f, _ := strings.Cut(string(b), "<footer")
		return f
	}
	if f := footer(); !strings.Contains(f, "08:00 Asia/Shanghai") {
		t.Errorf("default zone: footer %q, want Asia/Shanghai", f)
	}
	if f := footer("--tz", "Asia/Urumqi"); !strings.Contains(f, "06:00 Asia/Urumqi") {
		t.Errorf("--tz Asia/Urumqi: footer %q", f)
	}
	code, out = runDuban(t, dir, env, "serve", "--db", db, "--tz", "Mars/Olympus")
	if code != 2 {
		t.Errorf("unknown zone: exit %d, want 2", code)
	}
	oneErrorLine(t, out, "Mars/Olympus")
}
