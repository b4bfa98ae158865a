package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
)

// TestEndToEndYear drives the year of one task in Chromium against the real
// binary: the lead unit files a plan with two milestones and a report with
// a target's actual value and an attachment, the support unit adds its
// part, the office returns the report with a comment, the unit sees why,
// fixes it and resubmits, the office accepts; the light, its reason and the
// overview follow each step.
func TestEndToEndYear(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: starts the server and a browser")
	}
	ctx := browser(t)
	db := filepath.Join(t.TempDir(), "duban.db")
	const password = "e2e-Year-password"

	// A notice of this year whose quarter is due in five days (open now).
	st := openStore(t, db)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	st.SetLocation(loc)
	today := st.Today()
	deadline := ledger.AddDays(today, 60)
	n := &notice.Notice{Issuer: "河南省人民政府办公厅", DocNumber: "豫政办〔2026〕88号", Year: today.Y, IssuedOn: notice.NewDate(today.Y, time.January, 1),
		Title: "重点工作责任分工", Schedule: notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{ledger.AddDays(today, 5)}},
		Tasks: []notice.Task{{No: "1", Path: []string{"一、稳增长"}, Text: "新开工重大项目200个以上。", Lead: []string{"省发展改革委"},
			Support: []string{"省财政厅"}, Deadline: deadline, Targets: []notice.Target{{Text: "新开工重大项目200个以上"}}}}}
	nid, err := st.ImportNotice(context.Background(), n, "year.txt", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(password)
	lead, _ := st.UnitByName(context.Background(), "省发展改革委")
	supp, _ := st.UnitByName(context.Background(), "省财政厅")
	for _, u := range []store.NewUser{
		{Login: "office", Name: "督查室", Role: store.RoleOffice, PasswordHash: hash},
		{Login: "fgw", Name: "发改委填报员", Role: store.RoleUnit, UnitID: lead.ID, PasswordHash: hash},
		{Login: "czt", Name: "财政厅填报员", Role: store.RoleUnit, UnitID: supp.ID, PasswordHash: hash},
	} {
		if _, err := st.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	ts, _ := st.Tasks(context.Background(), store.TaskFilter{NoticeID: nid})
	task := ts[0].ID
	st.Close()
	pace := ledger.Pace(notice.NewDate(today.Y, time.January, 1), deadline, today)

	srv := startDuban(t, t.TempDir(), testEnv("DUBAN_ADMIN_PASSWORD="+password, "DUBAN_TZ=Asia/Shanghai"), "serve", "--db", db, "--addr", "127.0.0.1:0")
	p := &page{t: t, ctx: ctx, base: srv.URL}
	defer func() {
		if t.Failed() {
			t.Logf("server output:\n%s", srv.out)
		}
	}()
	text := func(step string) string { return eval[string](p, step, `document.body.innerText`) }
	logOut := func() {
		p.do("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
		p.waitPath("logged out", regexp.MustCompile(`^/login$`))
	}
	taskPath := fmt.Sprintf("/tasks/%d", task)
	logIn := func(login string) { // a unit's account lands on its unit page
		p.do("open the login page", chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
		p.do("log in as "+login,
			chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		)
		p.waitPath("after logging in", regexp.MustCompile(`^/(units/\d+)?$`))
	}

	// The lead unit files its plan with two milestones: one already past.
	logIn("fgw")
	p.do("open the plan", chromedp.Navigate(p.base+taskPath+"/plan"), chromedp.WaitVisible(chromedp.CSS(`form#plan-form`)))
	past, ahead := ledger.AddDays(today, -30), ledger.AddDays(today, 30)
	p.do("fill the plan",
		chromedp.SetValue(chromedp.CSS(`textarea[name=measures]`), "建立重大项目台账，逐月调度。"),
		chromedp.SetValue(chromedp.CSS(`input[name=leader]`), "王副主任"),
		chromedp.SetValue(chromedp.CSS(`input[name=contact]`), "李科长"),
		chromedp.SetValue(chromedp.CSS(`input[name=phone]`), "0371-65500000"),
	)
	eval[bool](p, "fill the milestones", fmt.Sprintf(`(() => {
		const d = document.querySelectorAll("input[name=m_due]"), r = document.querySelectorAll("input[name=m_result]"), c = document.querySelectorAll("input[name=m_percent]");
		d[0].value = %q; r[0].value = "开工100个"; c[0].value = "20";
		d[1].value = %q; r[1].value = "开工200个"; c[1].value = "90";
		return true })()`, past.String(), ahead.String()))
	p.do("submit the plan", chromedp.Click(chromedp.CSS(`button#submit-plan`)))
	p.poll("plan submitted", `!!document.querySelector("#plan-state")?.textContent.includes("已报送")`)

	// Its inbox lists the quarter; the report with the target's actual value and a file.
	p.do("inbox", chromedp.Navigate(p.base+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`table#inbox`)))
	href := eval[string](p, "report link", `[...document.querySelectorAll("#inbox a")].map(a => a.getAttribute("href")).find(h => h.includes("/reports/")) || ""`)
	if href == "" {
		p.fail("inbox", fmt.Errorf("no report link in the inbox"))
	}
	p.do("open the report", chromedp.Navigate(p.base+href), chromedp.WaitVisible(chromedp.CSS(`form#report-form`)))
	p.do("fill the report",
		chromedp.SetValue(chromedp.CSS(`textarea[name=progress]`), "已开工重大项目120个。"),
		chromedp.SetValue(chromedp.CSS(`input[name=percent]`), "50"),
		chromedp.SetValue(chromedp.CSS(`input[name=actual_0]`), "120个"),
		chromedp.Click(chromedp.CSS(`button#save-draft`)),
	)
	p.poll("draft saved", `!!document.body?.innerText.includes("草稿已保存")`)
	file := filepath.Join(t.TempDir(), "项目清单.pdf")
	os.WriteFile(file, []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"), 0o644)
	p.do("attach a file",
		chromedp.SetUploadFiles(chromedp.CSS(`form#attach-form input[name=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`button#upload`)),
	)
	p.poll("file attached", `!!document.querySelector("#attachments")?.innerText.includes("项目清单.pdf")`)
	logOut()

	// The support unit writes its part inside the same report.
	logIn("czt")
	p.do("support inbox", chromedp.Navigate(p.base+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`table#inbox`)))
	shref := eval[string](p, "part link", `document.querySelector("#inbox a").getAttribute("href")`)
	p.do("open the report as support", chromedp.Navigate(p.base+shref), chromedp.WaitVisible(chromedp.CSS(`form#part-form`)))
	p.do("write the part",
		chromedp.SetValue(chromedp.CSS(`textarea[name=part]`), "已下达专项资金5亿元。"),
		chromedp.Click(chromedp.CSS(`button#save-part`)),
	)
	p.poll("part saved", `!!document.querySelector("#parts")?.innerText.includes("已下达专项资金5亿元")`)
	logOut()

	// The lead unit sees the part and submits.
	logIn("fgw")
	p.do("reopen the report", chromedp.Navigate(p.base+href), chromedp.WaitVisible(chromedp.CSS(`form#report-form`)))
	if !strings.Contains(text("report"), "已下达专项资金5亿元") {
		t.Error("the lead unit does not see the support unit's part")
	}
	p.do("submit", chromedp.Click(chromedp.CSS(`button#submit-report`)))
	p.poll("submitted", `!!document.querySelector("#report-state")?.textContent.includes("已报送")`)
	p.do("task page", chromedp.Navigate(p.base+taskPath), chromedp.WaitVisible(chromedp.CSS(`#light`)))
	if want := fmt.Sprintf("序时进度%d%%，报告进度50%%", pace); !strings.Contains(text("light"), want) {
		t.Errorf("the light's reason after the report does not say %q:\n%s", want, eval[string](p, "light", `document.querySelector("#light").innerText`))
	}
	logOut()

	// The office accepts the plan and returns the report with a comment.
	logIn("office")
	p.do("review queue", chromedp.Navigate(p.base+"/review"), chromedp.WaitVisible(chromedp.CSS(`table#review-queue`)))
	p.do("open the plan", chromedp.Click(chromedp.CSS(`#plan-queue a`)), chromedp.WaitVisible(chromedp.CSS(`#review`)))
	p.do("accept the plan", chromedp.Click(chromedp.CSS(`button#accept-plan`)))
	p.poll("plan accepted", `!!document.querySelector("#plan-state")?.textContent.includes("已采纳")`)
	p.do("review queue again", chromedp.Navigate(p.base+"/review"), chromedp.WaitVisible(chromedp.CSS(`table#review-queue`)))
	p.do("open the report", chromedp.Click(chromedp.CSS(`#review-queue a`)), chromedp.WaitVisible(chromedp.CSS(`#review`)))
	p.do("return it",
		chromedp.SetValue(chromedp.CSS(`#review textarea[name=comment]`), "请说明未开工项目的原因。"),
		chromedp.Click(chromedp.CSS(`button#return`)),
	)
	p.poll("returned", `!!document.querySelector("#report-state")?.textContent.includes("已退回")`)
	p.do("overview", chromedp.Navigate(p.base+fmt.Sprintf("/notices/%d/overview", nid)), chromedp.WaitVisible(chromedp.CSS(`#report-counts`)))
	if c := squash(text("overview")); !strings.Contains(c, "1已退回") || !strings.Contains(c, "欠进度1") {
		t.Errorf("overview after the return: %s", c)
	}
	logOut()

	// The unit sees why, fixes it and resubmits.
	logIn("fgw")
	p.do("the returned report", chromedp.Navigate(p.base+href), chromedp.WaitVisible(chromedp.CSS(`#returned`)))
	if !strings.Contains(text("returned"), "请说明未开工项目的原因") {
		t.Error("the unit does not see the office's comment")
	}
	p.do("fix and resubmit",
		chromedp.SetValue(chromedp.CSS(`textarea[name=progress]`), "已开工重大项目180个，其余20个因用地审批待开工。"),
		chromedp.SetValue(chromedp.CSS(`input[name=percent]`), fmt.Sprint(min(100, pace+5))),
		chromedp.Click(chromedp.CSS(`button#submit-report`)),
	)
	p.poll("resubmitted", `!!document.querySelector("#report-state")?.textContent.includes("已报送")`)
	logOut()

	// The office accepts; the task is on pace and the overview follows.
	logIn("office")
	p.do("review queue last", chromedp.Navigate(p.base+"/review"), chromedp.WaitVisible(chromedp.CSS(`table#review-queue`)))
	p.do("accept from the queue", chromedp.Click(chromedp.CSS(`#review-queue input[name=report]`)), chromedp.Click(chromedp.CSS(`button#accept-selected`)))
	p.poll("accepted", `!!document.body?.innerText.includes("已采纳 1 份报告")`)
	p.do("task page last", chromedp.Navigate(p.base+taskPath), chromedp.WaitVisible(chromedp.CSS(`#timeline`)))
	body := text("task page")
	if !strings.Contains(body, "达进度") {
		t.Errorf("the light after acceptance is not 达进度: %s", eval[string](p, "light", `document.querySelector("#light").innerText`))
	}
	for _, want := range []string{"采纳 省发展改革委的落实方案", "退回 省发展改革委的", "请说明未开工项目的原因", "已开工重大项目180个"} {
		if !strings.Contains(body, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	p.do("overview last", chromedp.Navigate(p.base+fmt.Sprintf("/notices/%d/overview", nid)), chromedp.WaitVisible(chromedp.CSS(`#report-counts`)))
	if c := squash(text("overview")); !strings.Contains(c, "1已采纳") || !strings.Contains(c, "达进度1") {
		t.Errorf("overview after acceptance: %s", c)
	}
}
