package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"duban/internal/ledger"
	"duban/internal/store"

	"github.com/chromedp/chromedp"
)

// inked is the share of a screenshot's pixels that are not background.
func inked(t *testing.T, shot []byte) float64 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

var _ = image.Point{}

// The demo's dashboard in a browser: each chart is drawn (its canvas is
// not blank), and a click on a bar of the chapters' chart opens the tasks
// of that chapter and light — as many as the bar counts.
func TestEndToEndDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: starts the server and a browser")
	}
	ctx := browser(t)
	db, nid := demoDB(t)
	// A leader and a notice with tasks under them, to see their dashboard.
	st := openStore(t, db)
	ns, _ := st.Notices(context.Background(), ledger.Scope{})
	us, _ := st.Users(context.Background())
	leader, lnid := "", int64(0)
	for _, n := range ns {
		ls, _ := st.NoticeLeaders(context.Background(), n.ID, ledger.Scope{})
		for _, u := range us {
			for _, l := range ls {
				if u.Role == store.RoleLeader && u.Leader == l.Name && leader == "" {
					leader, lnid = u.Login, n.ID
				}
			}
		}
	}
	st.Close()
	if leader == "" {
		t.Fatal("no leader account with tasks in the demo")
	}
	srv := startDuban(t, t.TempDir(), testEnv("DUBAN_NO_REMINDERS=1"), "serve", "--db", db, "--addr", "127.0.0.1:0")
	p := &page{t: t, ctx: ctx, base: srv.URL}
	p.logIn("office", "demo")
	p.do("open the dashboard", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(fmt.Sprintf("%s/notices/%d/dashboard", p.base, nid)),
		chromedp.WaitVisible(chromedp.CSS(`#dash-headings .chart`)))
	p.poll("charts drawn", `document.querySelectorAll(".chart.drawn").length === 5`)
	dir := os.Getenv("DUBAN_DASHBOARD_PNG")
	for _, id := range []string{"headings", "units", "trend", "targets", "calendar"} {
		shot, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS("#dash-"+id+" .chart")))
		if err != nil {
			p.fail("screenshot "+id, err)
		}
		share := inked(t, shot)
		t.Logf("%s chart: %.1f%% of its pixels drawn", id, share*100)
		if share < 0.01 {
			t.Errorf("the %s chart is blank", id)
		}
		if dir != "" {
			os.WriteFile(filepath.Join(dir, "dashboard-"+id+".png"), shot, 0o644)
		}
	}
	// Click the middle of the first non-empty bar segment of the chapters' chart.
	target := eval[map[string]any](p, "find a bar", `(() => {
		const el = document.querySelector("#dash-headings .chart");
		const c = echarts.getInstanceByDom(el), o = c.getOption(), r = el.getBoundingClientRect();
		const cats = o.yAxis[0].data;
		for (let i = cats.length - 1; i >= 0; i--) {
			let start = 0;
			for (let s = 0; s < o.series.length; s++) {
				const d = o.series[s].data[i];
				if (d.value > 0) {
					const [x, y] = c.convertToPixel({gridIndex: 0}, [start + d.value / 2, i]);
					return {x: r.left + x, y: r.top + y, url: d.url, n: d.value};
				}
				start += d.value;
			}
		}
		return {};
	})()`)
	want, _ := target["url"].(string)
	if want == "" {
		t.Fatal("no bar to click")
	}
	p.do("click the bar", chromedp.MouseClickXY(target["x"].(float64), target["y"].(float64)))
	p.waitPath("the chapter's tasks", regexp.MustCompile(fmt.Sprintf(`^/notices/%d$`, nid)))
	loc, _ := chromedp.Run(p.ctx, chromedp.Location())
	got, _ := url.Parse(loc)
	wantURL, _ := url.Parse(want)
	if got.Query().Get("heading") != wantURL.Query().Get("heading") || got.Query().Get("light") != wantURL.Query().Get("light") {
		t.Fatalf("the click opened %s, want %s", loc, want)
	}
	rows := eval[float64](p, "count rows", `document.querySelectorAll("[data-task-id]").length`)
	if int(rows) != int(target["n"].(float64)) {
		t.Errorf("the list has %v tasks, the bar %v", rows, target["n"])
	}
	if text := eval[string](p, "text", `document.body.innerText`); !strings.Contains(text, wantURL.Query().Get("heading")) {
		t.Errorf("the list does not name the chapter %q", wantURL.Query().Get("heading"))
	}
	// A leader's dashboard is drawn too, over the tasks under them only.
	all := eval[float64](p, "office's tasks", fmt.Sprintf(`(() => { const x = new XMLHttpRequest(); x.open("GET", "/notices/%d/dashboard.json", false); x.send(); return JSON.parse(x.responseText).tally.tasks })()`, lnid))
	p.do("log out", chromedp.Navigate(p.base+"/account"), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	p.waitPath("logged out", regexp.MustCompile(`^/login$`))
	p.logIn(leader, "demo")
	p.do("the leader's dashboard", chromedp.Navigate(fmt.Sprintf("%s/notices/%d/dashboard", p.base, lnid)), chromedp.WaitVisible(chromedp.CSS(`#dash-headings .chart`)))
	p.poll("the leader's charts drawn", `document.querySelectorAll(".chart.drawn").length === 5`)
	mine := eval[float64](p, "leader's tasks", fmt.Sprintf(`(() => { const x = new XMLHttpRequest(); x.open("GET", "/notices/%d/dashboard.json", false); x.send(); return JSON.parse(x.responseText).tally.tasks })()`, lnid))
	if mine <= 0 || mine >= all {
		t.Errorf("the leader's dashboard counts %v tasks of the notice's %v", mine, all)
	}
	shot, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS("#dash-headings .chart")))
	if err != nil {
		p.fail("screenshot", err)
	}
	if inked(t, shot) < 0.01 {
		t.Error("the leader's chapters chart is blank")
	}
}
