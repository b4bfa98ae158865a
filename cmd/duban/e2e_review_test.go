package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// oneLineNotice has all its tasks on one line; tasks 2 and 4 name no unit,
// so the parser warns about each, and the line number cannot tell which.
const oneLineNotice = `河南省人民政府关于明确2023年重点工作责任单位的通知 一、着力扩大有效需求 1.发展现代物流，完善多式联运体系，建设一批国家物流枢纽和省级示范物流园区。(省商务厅牵头，省发展改革委、省交通运输厅、省财政厅配合，2023年12月底前完成；责任领导：张副省长)2.发展枢纽经济，推动物流园区与产业园区联动发展，提升枢纽能级。3.扩大对外开放，支持郑州航空港经济综合实验区建设，新开国际货运航线5条以上。(郑州航空港经济综合实验区管委会牵头，省商务厅、省人力资源社会保障厅配合，2023年6月底前完成；责任领导：李副省长)4.提升营商环境，深化放管服改革。5.推进数字政府建设，政务服务事项网上可办率达到95%以上。(省行政审批政务信息管理局牵头，省大数据管理局、各省辖市政府配合，2023年9月30日前完成；责任领导：王副省长)`

// TestReviewEndToEnd drives the import review in Chromium: warnings of a
// one-line notice on their own tasks, a 148-task review whose confirm bar
// stays in view, a second upload refused with a link, a misspelt unit
// answered with suggestions, and the ledger at 1280 px and 390 px. With
// DUBAN_SCREENSHOTS=DIR it leaves the ledger's screenshots there.
func TestReviewEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: starts the server and a browser")
	}
	ctx := browser(t)
	shots := os.Getenv("DUBAN_SCREENSHOTS")
	shot := func(name string, a chromedp.Action[[]byte]) {
		t.Helper()
		if shots == "" {
			return
		}
		png, err := chromedp.Run(ctx, a)
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, name), png, 0o644)
		}
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}
	const password = "e2e-Admin-password"
	dir := t.TempDir()
	oneLine := filepath.Join(dir, "一行通知.txt")
	if err := os.WriteFile(oneLine, []byte(oneLineNotice), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := filepath.Abs(fxSeed(t, "003"))
	if err != nil {
		t.Fatal(err)
	}
	n := parseSeed(t, oneLine)
	srv := startDuban(t, t.TempDir(), testEnv("DUBAN_ADMIN_PASSWORD="+password), "serve", "--db", filepath.Join(dir, "duban.db"), "--addr", "127.0.0.1:0")
	p := &page{t: t, ctx: ctx, base: srv.URL}
	defer func() {
		if t.Failed() {
			t.Logf("server output:\n%s", srv.out)
		}
	}()
	p.do("desktop window", chromedp.EmulateViewport(1280, 900))
	p.logIn("admin", password)

	upload := func(step, file string) {
		p.do("open /import for "+step, chromedp.Navigate(p.base+"/import"), chromedp.WaitVisible(chromedp.CSS(`form#import-form`)))
		p.do(step,
			chromedp.SetUploadFiles(chromedp.CSS(`form#import-form input[name=file]`), []string{file}),
			chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)),
		)
	}

	// A 148-task notice: the summary and confirm bar stay in view at the
	// bottom of the review, and its columns fit 1280 px.
	upload("upload a 148-task notice", big)
	p.waitPath("after uploading the big notice", regexp.MustCompile(`^/import/(\d+)$`))
	p.do("big review", chromedp.WaitVisible(chromedp.CSS(`table.review`)))
	p.do("scroll to the end", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
	p.poll("the confirm button stays in view", `(() => { const r = document.querySelector("button#confirm").getBoundingClientRect(); return window.scrollY > 2000 && r.top >= 0 && r.bottom <= innerHeight })()`)
	if w := eval[[]int](p, "review width", `[document.documentElement.scrollWidth, innerWidth, Math.round(document.querySelector("table.review thead th:last-child").getBoundingClientRect().right)]`); w[0] > w[1] || w[2] > w[1] {
		t.Errorf("the review does not fit 1280 px: page %d wide, last column ends at %d, window %d", w[0], w[2], w[1])
	}
	shot("review-148-bottom.png", chromedp.CaptureScreenshot())
	p.do("discard the big notice", chromedp.Click(chromedp.CSS(`button.danger[value=discard]`)))
	p.waitPath("after discarding", regexp.MustCompile(`^/import$`))

	// The one-line notice: each warning on its own task, linked from the top.
	upload("upload the one-line notice", oneLine)
	p.waitPath("after uploading", regexp.MustCompile(`^/import/(\d+)$`))
	p.do("review", chromedp.WaitVisible(chromedp.CSS(`#warning-list`)))
	rows := eval[map[string]string](p, "warned rows", `Object.fromEntries([...document.querySelectorAll("tr.task.warned")].map(r => [r.querySelector("td.no").innerText.trim(), r.querySelector(".warnings").innerText]))`)
	want := map[string]bool{}
	for _, w := range n.Warnings {
		for _, i := range w.Tasks {
			no := n.Tasks[i].No
			want[no] = true
			if !strings.Contains(rows[no], w.Message) {
				t.Errorf("task %s's row does not show its warning %q (row says %q)", no, w.Message, rows[no])
			}
		}
	}
	if len(want) != 2 || len(rows) != 2 {
		t.Errorf("warned rows %v, want tasks %v", rows, want)
	}
	p.do("follow the link of task 4's warning", chromedp.Click(chromedp.CSS(`#warning-list a[href="#task-3"]`)))
	p.poll("task 4 is in view below the bar", `(() => { const r = document.getElementById("task-3").getBoundingClientRect(); const bar = document.getElementById("review-bar").getBoundingClientRect(); return location.hash === "#task-3" && r.top >= bar.bottom - 1 && r.top < innerHeight })()`)
	shot("review-one-line.png", chromedp.CaptureScreenshot())
	if title := eval[string](p, "title", `document.querySelector("input[name=title]").value`); title == "" {
		t.Error("the review shows a blank title")
	}
	p.do("confirm", chromedp.Click(chromedp.CSS(`button#confirm`)))
	noticeID := p.waitPath("after confirming", regexp.MustCompile(`^/notices/(\d+)$`))[1]
	if title := eval[string](p, "tab title", `document.title`); strings.HasPrefix(title, " ") || strings.HasPrefix(title, "·") {
		t.Errorf("blank tab title %q", title)
	}

	// The office gives the notice its doc number after the import.
	p.do("edit the notice's header", chromedp.Click(chromedp.CSS(`a#edit-notice`)), chromedp.WaitVisible(chromedp.CSS(`form#notice-form`)))
	p.do("type the doc number",
		chromedp.SetValue(chromedp.CSS(`form#notice-form input[name=doc_number]`), "豫政〔2023〕5号"),
		chromedp.Click(chromedp.CSS(`button#save`)),
	)
	p.waitPath("after saving the header", regexp.MustCompile(`^/notices/`+noticeID+`$`))

	// The same notice again: refused at upload, with a link to it.
	upload("upload it again", oneLine)
	p.do("refused", chromedp.WaitVisible(chromedp.CSS(`#import-error a#existing-notice`)))
	if href := eval[string](p, "link", `document.querySelector("a#existing-notice").getAttribute("href")`); href != "/notices/"+noticeID {
		t.Errorf("the refusal links to %q, want /notices/%s", href, noticeID)
	}
	if loc := eval[string](p, "where", `location.pathname`); loc != "/import" {
		t.Errorf("a repeated notice reached the review: %s", loc)
	}

	// A misspelt unit: asked to confirm, with the known name offered.
	p.do("open the ledger", chromedp.Navigate(p.base+"/notices/"+noticeID), chromedp.WaitVisible(chromedp.CSS(`table.ledger tr.task`)))
	taskID := eval[string](p, "task 1", `document.querySelector("table.ledger tr.task").dataset.taskId`)
	p.do("edit task 1", chromedp.Navigate(p.base+"/tasks/"+taskID+"/edit"), chromedp.WaitVisible(chromedp.CSS(`form#task-form textarea[name=lead]`)))
	p.do("type a misspelt lead unit",
		chromedp.SetValue(chromedp.CSS(`form#task-form textarea[name=lead]`), "省商务听"),
		chromedp.Click(chromedp.CSS(`button#save`)),
	)
	p.do("asked about it", chromedp.WaitVisible(chromedp.CSS(`#unit-check button.suggestion`)))
	if s := eval[[]string](p, "suggestions", `[...document.querySelectorAll("#unit-check button.suggestion")].map(b => b.innerText.trim())`); len(s) == 0 || s[0] != "省商务厅" {
		t.Errorf("suggestions %q, want 省商务厅 first", s)
	}
	p.do("choose the suggestion", chromedp.Click(chromedp.CSS(`#unit-check button.suggestion`)))
	p.waitPath("after saving", regexp.MustCompile(`^/tasks/`+taskID+`$`))
	if lead := eval[string](p, "task page", `document.body.innerText`); !strings.Contains(lead, "省商务厅") || strings.Contains(lead, "省商务听") {
		t.Error("the task does not name 省商务厅 after choosing it")
	}

	// The ledger and a unit's page ("my tasks" of its account) at 1280 px
	// and 390 px: every column on screen, no sideways scrolling.
	p.do("unit directory", chromedp.Navigate(p.base+"/units"), chromedp.WaitVisible(chromedp.CSS(`table`)))
	unitPath := eval[string](p, "省商务厅's page", `[...document.querySelectorAll("a[href^='/units/']")].find(a => a.textContent.trim() === "省商务厅").getAttribute("href")`)
	for _, v := range []struct {
		w, h       int64
		path, name string
	}{
		{1280, 900, "/notices/" + noticeID, "ledger-1280.png"}, {390, 844, "/notices/" + noticeID, "ledger-390.png"},
		{1280, 900, unitPath, "unit-1280.png"}, {390, 844, unitPath, "unit-390.png"},
	} {
		step := fmt.Sprintf("%s at %d px", v.path, v.w)
		p.do(step, chromedp.EmulateViewport(v.w, v.h), chromedp.Navigate(p.base+v.path),
			chromedp.WaitVisible(chromedp.CSS(`table.ledger.cards`)))
		if fit := eval[[]int](p, step, `[document.documentElement.scrollWidth, innerWidth]`); fit[0] > fit[1] {
			t.Errorf("%s scrolls sideways: page %d px wide in a %d px window", step, fit[0], fit[1])
		}
		// every task's 责任领导 and 完成时限 are on screen, whatever the layout
		for _, label := range []string{"责任领导", "完成时限"} {
			r := eval[[]int](p, step, fmt.Sprintf(`[...document.querySelectorAll('table.ledger.cards td[data-label=%q]')].map(c => c.getBoundingClientRect()).reduce((a, c) => [Math.min(a[0], Math.round(c.left)), Math.max(a[1], Math.round(c.right)), a[2] + 1], [1e9, 0, 0])`, label))
			if r[2] == 0 || r[0] < 0 || r[1] > int(v.w) {
				t.Errorf("%s: the %s cells are off screen (left %d, right %d, %d cells)", step, label, r[0], r[1], r[2])
			}
		}
		if v.path == unitPath {
			if notices := eval[[]string](p, step, `[...document.querySelectorAll("td.notice")].map(c => c.innerText.trim())`); len(notices) == 0 || notices[0] != "豫政〔2023〕5号" {
				t.Errorf("%s names the notice as %q, want its doc number", step, notices)
			}
		}
		shot(v.name, chromedp.FullScreenshot(100))
	}
}
