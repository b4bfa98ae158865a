package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"duban/internal/notice"
	"duban/internal/store"
)

// `duban remind --dry-run` shows what the next run sends, to whom, and
// when; it sends nothing. Without --dry-run it runs once.
func TestRemindDryRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "duban.db")
	clock := filepath.Join(t.TempDir(), "now")
	os.WriteFile(clock, []byte("2026-11-17T21:30:00+08:00"), 0o644) // a Tuesday evening
	t.Setenv("DUBAN_CLOCK_FILE", clock)
	t.Setenv("DUBAN_TZ", "Asia/Shanghai")
	st := openStore(t, db)
	ctx := context.Background()
	n := &notice.Notice{Issuer: "某市人民政府办公室", Year: 2026, Title: "重点工作分工",
		Schedule: notice.Schedule{Cycle: notice.CycleQuarterly, ProgressDue: []notice.Date{notice.NewDate(2026, 11, 20)}},
		Tasks:    []notice.Task{{No: "1", Path: []string{"一、发展"}, Text: "建成城市快速路20公里。", Lead: []string{"市住房城乡建设局"}}}}
	if _, err := st.ImportNotice(ctx, n, "r.txt", store.CLI); err != nil {
		t.Fatal(err)
	}
	u, _ := st.UnitByName(ctx, "市住房城乡建设局")
	if _, err := st.AddContact(ctx, &store.Contact{UnitID: u.ID, Channel: store.ChannelEmail, Address: "zjj@example.gov.cn"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, errs := runCmd(t, "", "remind", "--db", db, "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"2026-11-17 的提醒：1 个单位，1 项", "2026-11-18 08:00", "市住房城乡建设局", "电子邮件 zjj@example.gov.cn", "[到期提醒] 第 1 项 第四季度进展"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := runCmd(t, "", "remind", "--db", db, "--date", "2026-11-20"); code != 1 || !strings.Contains(errs, "--date 只能与 --dry-run 一起使用") {
		t.Errorf("--date without --dry-run: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "", "remind", "--db", db, "--dry-run", "--date", "11月20日"); code != 1 || !strings.Contains(errs, "日期") {
		t.Errorf("bad date: %d %s", code, errs)
	}
	// Run once: the inbox row is written, the e-mail waits for 08:00.
	if code, _, errs := runCmd(t, "", "remind", "--db", db); code != 0 {
		t.Fatalf("run once: %d %s", code, errs)
	}
	st = openStore(t, db)
	defer st.Close()
	st.SetClock(func() time.Time { return time.Date(2026, 11, 17, 21, 31, 0, 0, time.UTC) })
	if us, _ := st.Urgings(ctx, u.ID, 0, 10); len(us) != 1 || us[0].Step != "remind" {
		t.Errorf("urgings after a run: %+v", us)
	}
	if ds, _ := st.Deliveries(ctx, store.DeliveryFilter{}); len(ds) != 1 || ds[0].State != "queued" {
		t.Errorf("deliveries after a run in the quiet hours: %+v", ds)
	}
}
