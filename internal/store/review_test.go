package store_test

import (
	"duban/internal/ledger"
	"errors"
	"slices"
	"testing"

	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// A notice is recognised as imported before it is reviewed, by doc number
// or by its tasks.
func TestDuplicateBeforeReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := small()
		if err := s.Duplicate(ctx, n); err != nil {
			t.Fatalf("a new notice: %v", err)
		}
		id, err := s.ImportNotice(ctx, n, "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		retyped := small()
		retyped.DocNumber = ""
		for _, m := range []*notice.Notice{small(), retyped} {
			var dup *store.DuplicateError
			if err := s.Duplicate(ctx, m); !errors.As(err, &dup) || dup.Existing.ID != id {
				t.Errorf("again: %v, want the duplicate of notice %d", err, id)
			}
		}
	})
}

// A notice without a title gets one proposed from issuer, year and kind.
func TestImportProposesTitle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		n := small()
		n.Title, n.Issuer, n.Year = "", "河南省人民政府", 2023
		id, err := s.ImportNotice(ctx, n, "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Notice(ctx, id, ledger.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if want := "河南省人民政府关于明确2023年重点工作责任单位的通知"; info.Title != want || info.Name() != want {
			t.Errorf("title %q, name %q, want %q", info.Title, info.Name(), want)
		}
	})
}

func TestUpdateNoticeHeader(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.ImportNotice(ctx, small(), "small.txt", office)
		if err != nil {
			t.Fatal(err)
		}
		other := small()
		other.DocNumber = "某政办〔2026〕2号"
		other.Tasks[0].Text = "另一份通知的任务。"
		if _, err := s.ImportNotice(ctx, other, "other.txt", office); err != nil {
			t.Fatal(err)
		}
		info, _ := s.Notice(ctx, id, ledger.Scope{})
		h := info.Header()
		h.Title = "关于明确2026年重点工作责任单位的通知"
		got, err := s.UpdateNoticeHeader(ctx, id, info.Version, h, office)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != h.Title || got.Version != info.Version+1 {
			t.Errorf("saved %+v", got)
		}
		// the second of two editors who opened version 1 is refused
		if _, err := s.UpdateNoticeHeader(ctx, id, info.Version, info.Header(), office); !errors.Is(err, store.ErrStale) {
			t.Errorf("stale edit: %v", err)
		}
		// a doc number another notice of the issuer holds
		h2 := got.Header()
		h2.DocNumber = other.DocNumber
		var dup *store.DuplicateError
		if _, err := s.UpdateNoticeHeader(ctx, id, got.Version, h2, office); !errors.As(err, &dup) {
			t.Errorf("taking another notice's doc number: %v", err)
		}
		hist, err := s.History(ctx, store.EntityNotice, id)
		if err != nil || len(hist) != 2 || hist[1].Action != store.ActionUpdate {
			t.Fatalf("history %+v %v", hist, err)
		}
	})
}

func TestUnknownUnits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.ImportNotice(ctx, small(), "small.txt", office); err != nil {
			t.Fatal(err)
		}
		got, err := s.UnknownUnits(ctx, []string{"省商务厅", "省商务听", " 省商务听 ", "河南日报社"})
		if err != nil {
			t.Fatal(err)
		}
		want := []store.UnknownUnit{{Name: "省商务听", Nearest: []string{"省商务厅"}}, {Name: "河南日报社", Nearest: []string{}}}
		if !slices.EqualFunc(got, want, func(a, b store.UnknownUnit) bool { return a.Name == b.Name && slices.Equal(a.Nearest, b.Nearest) }) {
			t.Errorf("UnknownUnits = %+v, want %+v", got, want)
		}
	})
}

// A name typed for a notice of one city is checked against that city's
// units, and the nearest names of that city come first; another city's are
// offered with its name.
func TestUnknownUnitsSameJurisdictionFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		city := func(issuer, doc, text string, units ...string) *notice.Notice {
			return &notice.Notice{Issuer: issuer, DocNumber: doc, Year: 2023, Title: "分工",
				Tasks: []notice.Task{{No: "1", Text: text, Lead: units}}}
		}
		for _, c := range []struct {
			j string
			n *notice.Notice
		}{
			{"411200", city("三门峡市人民政府办公室", "三政办〔2023〕1号", "三门峡的任务。", "市财政局", "市商务局")},
			{"411000", city("许昌市人民政府办公室", "许政办〔2023〕1号", "许昌的任务。", "市财政局", "市税务局")},
		} {
			if _, err := s.ImportNoticeIn(ctx, c.n, "x", c.j, office); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.UnknownUnitsIn(ctx, "411200", []string{"市财政局", "市财政句", "市税务局"})
		if err != nil {
			t.Fatal(err)
		}
		// 市财政局 is 三门峡's own; 市税务局 is only 许昌's, new to 三门峡
		if len(got) != 2 || got[0].Name != "市财政句" || got[1].Name != "市税务局" {
			t.Fatalf("unknown to 三门峡: %+v", got)
		}
		if near := got[0].Nearest; len(near) < 2 || near[0] != "市财政局" || near[1] != "许昌市"+store.LabelSep+"市财政局" {
			t.Errorf("nearest to 市财政句 for 三门峡: %q, want its own 市财政局 first, then 许昌's labelled", near)
		}
	})
}
