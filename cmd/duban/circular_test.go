package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/internal/circular"
	"duban/internal/ledger"
	"duban/internal/office/pdfcheck"
	"duban/internal/store"

	"github.com/xuri/excelize/v2"
)

// demoDB is a database as `duban serve --demo` leaves it, and the notice
// its year is in motion on (the newest).
func demoDB(t *testing.T) (db string, notice int64) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "duban.db")
	st := openStore(t, db)
	defer st.Close()
	ctx := context.Background()
	if err := loadDemo(ctx, st, serveConfig{}, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	ns, err := st.Notices(ctx, ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	n := ns[0]
	for _, x := range ns {
		if x.Year > n.Year || (x.Year == n.Year && n.IssuedOn.Before(x.IssuedOn)) {
			n = x
		}
	}
	return db, n.ID
}

// A circular of the demo data: its figures are the overview's for the same
// period; as a .docx it opens in LibreOffice as an A4 page laid out by
// GB/T 9704-2012, with the title, the number, a unit and the table header.
func TestCircularOfDemoData(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo and renders a document")
	}
	db, nid := demoDB(t)
	ctx := context.Background()
	st := openStore(t, db)
	o, err := st.NoticeOverview(ctx, nid, 0, ledger.Scope{})
	if err != nil || o.Period == nil {
		t.Fatalf("overview %v %v", o, err)
	}
	c, err := st.PrepareCircular(ctx, nid, o.Period.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	f := c.Facts
	lights := 0
	for _, n := range o.Lights {
		lights += n
	}
	if f.Tasks != lights || f.Closed != o.Lights[ledger.LightClosed] || f.Lagging != o.Lights[ledger.LightLagging] || f.Overdue != o.Lights[ledger.LightOverdue] ||
		f.OnPace != o.Lights[ledger.LightOnPace] || f.Ahead != o.Lights[ledger.LightAhead] ||
		f.Due != o.States[store.ReportOwed] || f.Late != o.States[store.ReportLate] || f.Missing != o.States[store.ReportMissing] ||
		f.Returned != o.States[store.ReportReturned] || f.Accepted != o.States[store.ReportAccepted] ||
		f.OnTime != o.States[store.ReportSubmitted]+o.States[store.ReportAccepted]-o.States[store.ReportLate] || len(f.Units) != len(o.Units) {
		t.Errorf("circular figures %+v differ from the overview's %v %v", f.Tally, o.States, o.Lights)
	}
	byUnit := map[int64]store.UnitRecord{}
	for _, u := range o.Units {
		byUnit[u.UnitID] = u
	}
	for _, u := range f.Units {
		r := byUnit[u.UnitID]
		if u.Due != r.Due || u.OnTime != r.OnTime || u.Late != r.Late || u.Missing != r.Missing || u.Returned != r.Returned || u.Name != r.Name {
			t.Errorf("unit %s: circular %+v, overview %+v", u.Name, u.Tally, r)
		}
	}
	if f.Due == 0 || f.Tasks == 0 {
		t.Fatalf("the demo's period owes nothing: %+v", f.Tally)
	}

	out := filepath.Join(t.TempDir(), "通报.docx")
	code, _, errs := runCmd(t, "", "circular", "--db", db, "--notice", fmt.Sprint(nid), "--period", o.Period.Label, "-o", out)
	if code != 0 {
		t.Fatalf("duban circular: exit %d: %s", code, errs)
	}
	if want := fmt.Sprintf("应报 %d 份、按时 %d、逾期报送 %d、未报 %d", f.Due, f.OnTime, f.Late, f.Missing); !strings.Contains(errs, want) {
		t.Errorf("the command says %q, want %q", errs, want)
	}
	pdfcheck.Require(t)
	pdf, err := pdfcheck.ToPDF(ctx, out, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	unit := f.Units[0].Name
	p1, p2 := pdfcheck.CheckCircular(t, pdf, circular.DefaultLayout(), c.Doc.Title, c.Doc.DocNumber, unit, "按时率", "欠进度", "逾期任务")
	t.Logf("page 1: left %.2f right %.2f issuer top %.2f rule gap %.2f mm; page 2 top %.2f mm", p1.Left, p1.Right, p1.IssuerTop, p1.RuleGap, p2.Top)
	if dir := os.Getenv("DUBAN_CIRCULAR_PNG"); dir != "" {
		// For a person to look at: the first page as rendered.
		if _, png, err := pdfcheck.RenderPNG(pdf, 1, 100, dir); err == nil {
			t.Logf("first page: %s", png)
		}
	}
}

func TestCircularCommand(t *testing.T) {
	db := exportDB(t)
	// seed 002 has no periods of its own schedule? Use whichever it has.
	st := openStore(t, db)
	ctx := context.Background()
	ns, _ := st.Notices(ctx, ledger.Scope{})
	nid := ns[0].ID
	ps, _ := st.Periods(ctx, nid)
	if len(ps) == 0 {
		if _, err := st.AddPeriod(ctx, ledger.Period{NoticeID: nid, Kind: ledger.PeriodProgress, Label: "第一季度",
			Start: ledger.AddDays(st.Today(), -80), Due: ledger.AddDays(st.Today(), -3)}, store.CLI); err != nil {
			t.Fatal(err)
		}
		ps, _ = st.Periods(ctx, nid)
	}
	st.Close()
	p := ps[0]
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--notice", "x"}, "通知编号"},
		{[]string{"--notice", "999"}, "没有编号为 999 的通知"},
		{[]string{"--notice", fmt.Sprint(nid), "--period", "第九季度"}, "没有报送期 \"第九季度\"；可选：" + fmt.Sprint(p.ID) + " " + p.Label},
		{[]string{"--notice", fmt.Sprint(nid), "-o", "a.pdf"}, "应为 .docx"},
		{[]string{"--notice", fmt.Sprint(nid), "--db", filepath.Join(dir, "none.db")}, "请用 --db 指明数据库"},
	} {
		args := append([]string{"circular", "--db", db}, c.args...)
		code, _, errs := runCmd(t, "", args...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, errs, c.want)
		}
	}
	xlsx := filepath.Join(dir, "tables.xlsx")
	if code, _, errs := runCmd(t, "", "circular", "--db", db, "--notice", fmt.Sprint(nid), "--period", fmt.Sprint(p.ID), "-o", xlsx, "--save"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	} else if !strings.Contains(errs, "草稿已存入数据库：/circulars/") {
		t.Errorf("--save does not say where the draft is: %s", errs)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	if sheets := f.GetSheetList(); len(sheets) == 0 || !strings.HasPrefix(sheets[0], "表1") {
		t.Errorf("sheets %q", sheets)
	}
	f.Close()
	st = openStore(t, db)
	defer st.Close()
	if cs, _ := st.Circulars(ctx, store.CircularFilter{NoticeID: nid}); len(cs) != 1 || cs[0].State != circular.StateDraft {
		t.Errorf("--save stored %d circulars", len(cs))
	}
}
