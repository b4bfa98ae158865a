package store_test

import (
	"strings"
	"testing"
	"time"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// A circular's year: drafted from the figures (the overview's), edited,
// issued under a number no other circular has, read by the units it names,
// withdrawn with a reason, never changed.
func TestCircularLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		r := f.draft(t, f.q1, "完成项目前期工作。", 10)
		r.Problems = "用地指标<未>落实 & 资金缺口"
		r, err := s.SaveReport(ctx, r, r.Version, f.leadBy)
		if err != nil {
			t.Fatal(err)
		}
		*f.now = time.Date(2026, 4, 3, 2, 0, 0, 0, time.UTC) // three days late
		if _, err := s.SubmitReport(ctx, r.ID, r.Version, f.lead, f.leadBy); err != nil {
			t.Fatal(err)
		}
		o, err := s.NoticeOverview(ctx, f.noticeID, f.q1.ID, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.DraftCircular(ctx, f.noticeID, f.q1.ID, office)
		if err != nil {
			t.Fatal(err)
		}
		fa := c.Facts
		if fa.Due != o.States[store.ReportOwed] || fa.Late != o.States[store.ReportLate] || fa.Missing != o.States[store.ReportMissing] ||
			fa.Tally.Tasks != sumLights(o) || len(fa.Units) != len(o.Units) {
			t.Errorf("facts %+v differ from the overview %+v", fa.Tally, o.States)
		}
		if fa.Late != 1 || fa.OnTime != 0 || fa.PeriodLabel != f.q1.Label {
			t.Errorf("late report not counted late: %+v", fa.Tally)
		}
		text := circular.BodyText(c.Doc.Body)
		if !strings.Contains(text, "未在截止日期前报送") || !strings.Contains(c.Doc.DocNumber, "〔2026〕1号") {
			t.Errorf("draft %q\n%s", c.Doc.DocNumber, text)
		}
		if fa.Lagging+fa.Overdue > 0 && !strings.Contains(text, "用地指标<未>落实 & 资金缺口") {
			t.Errorf("the unit's own problem is not in the draft:\n%s", text)
		}
		// A unit never sees a draft.
		if cs, _ := s.Circulars(ctx, store.CircularFilter{UnitID: f.lead}); len(cs) != 0 {
			t.Errorf("unit sees %d drafts", len(cs))
		}
		e := store.EditOf(c)
		e.Body = strings.Replace(e.Body, "五、下一步工作要求", "五、下一步工作要求（请各单位对照落实）", 1)
		e.MainTo, e.Date = "各责任单位：", notice.NewDate(2026, 4, 3)
		if c, err = s.SaveCircular(ctx, c.ID, c.Version, e, office); err != nil {
			t.Fatal(err)
		}
		if c.Doc.Date != "2026年4月3日" || !strings.Contains(circular.BodyText(c.Doc.Body), "请各单位对照落实") {
			t.Errorf("edit not saved: %q", c.Doc.Date)
		}
		e.Body = strings.Replace(e.Body, "【表1 各单位报送及任务进展情况】", "", 1)
		if _, err := s.SaveCircular(ctx, c.ID, c.Version, e, office); err == nil || !strings.Contains(err.Error(), "不能删除") {
			t.Errorf("a table was removed: %v", err)
		}
		// Two drafts, one number: the second to issue is told the next.
		c2, err := s.DraftCircular(ctx, f.noticeID, f.q1.ID, office)
		if err != nil || c2.Doc.DocNumber != c.Doc.DocNumber {
			t.Fatalf("second draft %v %v", c2, err)
		}
		if c, err = s.IssueCircular(ctx, c.ID, c.Version, office); err != nil || c.State != circular.StateIssued {
			t.Fatalf("issue: %v %v", c, err)
		}
		if _, err := s.IssueCircular(ctx, c2.ID, c2.Version, office); !stale(err) || !strings.Contains(err.Error(), "〔2026〕2号") {
			t.Errorf("number given twice: %v", err)
		}
		if next, _ := s.NextDocNumber(ctx, "督通", 2026); next != "督通〔2026〕2号" {
			t.Errorf("next number %q", next)
		}
		// Frozen.
		if _, err := s.SaveCircular(ctx, c.ID, c.Version, e, office); !stale(err) {
			t.Errorf("an issued circular changed: %v", err)
		}
		if err := s.DeleteCircular(ctx, c.ID, office); !stale(err) {
			t.Errorf("an issued circular deleted: %v", err)
		}
		if err := s.DeletePeriod(ctx, f.q1.ID, office); err == nil {
			t.Error("a period with a circular was deleted")
		}
		cs, err := s.Circulars(ctx, store.CircularFilter{UnitID: f.lead})
		if err != nil || len(cs) != 1 || cs[0].ID != c.ID {
			t.Errorf("the named unit sees %v %v", cs, err)
		}
		if ok, _ := s.CircularNames(ctx, c.ID, f.support); ok {
			t.Error("the support unit, which owns nothing here, is named")
		}
		if _, err := s.WithdrawCircular(ctx, c.ID, " ", office); err == nil {
			t.Error("withdrawn without a reason")
		}
		if c, err = s.WithdrawCircular(ctx, c.ID, "数据有误，更正后重发", office); err != nil || c.State != circular.StateWithdrawn {
			t.Fatalf("withdraw %v %v", c, err)
		}
		// The number stays taken.
		if _, err := s.IssueCircular(ctx, c2.ID, c2.Version, office); !stale(err) {
			t.Errorf("a withdrawn circular's number given again: %v", err)
		}
		got, _ := s.Circular(ctx, c.ID)
		if got.WithdrawReason != "数据有误，更正后重发" || got.Doc.Title != c.Doc.Title {
			t.Errorf("withdrawn circular reads %+v", got)
		}
		if err := s.DeleteCircular(ctx, c2.ID, office); err != nil {
			t.Errorf("delete draft: %v", err)
		}
	})
}

func sumLights(o *store.Overview) int {
	n := 0
	for _, v := range o.Lights {
		n += v
	}
	return n
}

// A draft redrafted after a report comes in shows the new figures and
// keeps its head.
func TestCircularRedraft(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		f := newYear(t, s)
		*f.now = time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC)
		c, err := s.DraftCircular(ctx, f.noticeID, f.q1.ID, office)
		if err != nil {
			t.Fatal(err)
		}
		missing := c.Facts.Missing
		if missing == 0 {
			t.Fatal("nothing missing after the due date")
		}
		e := store.EditOf(c)
		e.MainTo = "省直各单位："
		if c, err = s.SaveCircular(ctx, c.ID, c.Version, e, office); err != nil {
			t.Fatal(err)
		}
		if stale, _ := s.CircularStale(ctx, c); stale {
			t.Error("stale before anything changed")
		}
		r := f.draft(t, f.q1, "已开工。", 30)
		if _, err := s.SubmitReport(ctx, r.ID, r.Version, f.lead, f.leadBy); err != nil {
			t.Fatal(err)
		}
		if stale, _ := s.CircularStale(ctx, c); !stale {
			t.Error("a report came in; the draft is not stale")
		}
		if c, err = s.RedraftCircular(ctx, c.ID, c.Version, office); err != nil {
			t.Fatal(err)
		}
		if c.Facts.Missing != missing-1 || c.Facts.Late != 1 || c.Doc.MainTo != "省直各单位：" {
			t.Errorf("redraft: %+v main to %q", c.Facts.Tally, c.Doc.MainTo)
		}
	})
}
