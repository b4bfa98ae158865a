package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/circular"
	"duban/internal/store"
)

// circularSite is the year site with a draft and an issued circular of
// the second quarter.
func circularSite(t *testing.T) (ts *site, draft, issued *circular.Circular) {
	ts, ps := yearSite(t)
	ctx := context.Background()
	var err error
	if issued, err = ts.store.DraftCircular(ctx, ts.noticeID, ps[1].ID, store.CLI); err != nil {
		t.Fatal(err)
	}
	if issued, err = ts.store.IssueCircular(ctx, issued.ID, issued.Version, store.CLI); err != nil {
		t.Fatal(err)
	}
	if draft, err = ts.store.DraftCircular(ctx, ts.noticeID, ps[1].ID, store.CLI); err != nil {
		t.Fatal(err)
	}
	return ts, draft, issued
}

func TestCircularRoutesAsEveryRole(t *testing.T) {
	ts, d, i := circularSite(t)
	c := func(c *circular.Circular, rest string) string { return fmt.Sprintf("/circulars/%d%s", c.ID, rest) }
	ps, _ := ts.store.Periods(context.Background(), ts.noticeID)
	ts.walk(t, []routeCase{
		//                                                          anon  admin office unit unit2 leader viewer
		{"GET", "/circulars", nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", fmt.Sprintf("/circulars?notice=%d", ts.noticeID), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", c(d, ""), nil, access{see, ok, ok, nf, nf, nf, nf}},
		{"GET", c(d, "/docx"), nil, access{see, ok, ok, nf, nf, nf, nf}},
		{"GET", c(d, "/xlsx"), nil, access{see, ok, ok, nf, nf, nf, nf}},
		{"GET", c(d, "/print"), nil, access{see, ok, ok, nf, nf, nf, nf}},
		{"GET", c(i, ""), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", c(i, "/docx"), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", c(i, "/xlsx"), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", c(i, "/print"), nil, access{see, ok, ok, ok, ok, ok, ok}},
		{"GET", "/circulars/99999", nil, access{see, nf, nf, nf, nf, nf, nf}},
		{"GET", "/circulars/settings", nil, access{see, ok, ok, forb, forb, forb, forb}},
		{"POST", "/circulars/settings", url.Values{"prefix": {"督通"}, "top": {"37"}, "left": {"28"}, "text_width": {"156"}, "text_height": {"225"},
			"issuer_font": {"小标宋"}, "title_font": {"小标宋"}, "body_font": {"仿宋_GB2312，FangSong"}, "heading1_font": {"黑体"}, "heading2_font": {"楷体"}, "pagenum_font": {"宋体"}},
			access{unau, see, see, forb, forb, forb, forb}},
		{"POST", fmt.Sprintf("/notices/%d/circulars", ts.noticeID), url.Values{"period": {fmt.Sprint(ps[1].ID)}}, access{unau, see, see, forb, forb, forb, forb}},
		{"POST", "/circulars/99999/edit", url.Values{"title": {"x"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/circulars/99999/redraft", nil, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/circulars/99999/issue", nil, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/circulars/99999/withdraw", url.Values{"reason": {"x"}}, access{unau, nf, nf, forb, forb, forb, forb}},
		{"POST", "/circulars/99999/delete", nil, access{unau, nf, nf, forb, forb, forb, forb}},
	})
}

// The office drafts a circular from the overview's figures, edits it (its
// text may hold markup, which stays text), issues it under the proposed
// number; the units it names read it; it is withdrawn, never changed.
func TestCircularFlowByPage(t *testing.T) {
	ts, ps := yearSite(t)
	office, unitA, unitB := ts.client("office"), ts.client("unit"), ts.client("unit2")
	t2 := ts.tasks[1].ID
	// Unit B reports late (the clock is past 第二季度's due date).
	if code, _, _ := ts.post(unitB, fmt.Sprintf("/tasks/%d/reports/%d", t2, ps[1].ID), url.Values{"version": {"0"}, "progress": {"开展促消费活动"},
		"percent": {"50"}, "problems": {"资金拨付慢"}, "action": {"submit"}}); code != see {
		t.Fatalf("submit: %d", code)
	}
	code, _, loc := ts.post(office, fmt.Sprintf("/notices/%d/circulars", ts.noticeID), url.Values{"period": {fmt.Sprint(ps[1].ID)}})
	if code != see || !strings.HasPrefix(loc, "/circulars/") {
		t.Fatalf("draft: %d %q", code, loc)
	}
	_, page := ts.get(office, loc)
	for _, want := range []string{"关于", "第二季度", "落实情况的通报", "一、总体进展", "四、通报批评", "省商务厅未在截止日期前报送", "省发展改革委仍未报送",
		`name="doc_number" value="督通〔2026〕1号"`, "【表1 各单位报送及任务进展情况】"} {
		if !strings.Contains(page, want) {
			t.Errorf("draft page lacks %q", want)
		}
	}
	// The circular's figures are the overview's.
	_, ov := ts.api("GET", fmt.Sprintf("/api/v1/notices/%d/overview?period=%d", ts.noticeID, ps[1].ID), ts.token("office"), "")
	var o struct {
		Reports map[string]int `json:"reports"`
		Lights  map[string]int `json:"lights"`
	}
	json.Unmarshal([]byte(ov), &o)
	id := strings.TrimPrefix(loc, "/circulars/")
	_, cj := ts.api("GET", "/api/v1/circulars/"+id, ts.token("office"), "")
	var cv struct {
		Version int            `json:"version"`
		Facts   circular.Facts `json:"figures"`
	}
	if err := json.Unmarshal([]byte(cj), &cv); err != nil {
		t.Fatal(err, cj)
	}
	f := cv.Facts
	if f.Due != o.Reports["owed"] || f.Missing != o.Reports["missing"] || f.Late != o.Reports["late"] ||
		f.Lagging != o.Lights["lagging"] || f.Overdue != o.Lights["overdue"] || f.OnPace != o.Lights["on_pace"] {
		t.Errorf("circular figures %+v differ from the overview %v %v", f.Tally, o.Reports, o.Lights)
	}
	// A unit never sees the draft.
	if code, _ := ts.get(unitA, loc); code != nf {
		t.Errorf("unit reads a draft: %d", code)
	}
	if _, list := ts.get(unitA, "/circulars"); strings.Contains(list, loc) {
		t.Error("unit's list shows a draft")
	}
	body := regexpField(t, page, "body")
	body = strings.Replace(body, "五、下一步工作要求", "五、下一步工作要求 <script>alert(1)</script> & 落实", 1)
	form := url.Values{"version": {fmt.Sprint(cv.Version)}, "title": {"关于第二季度落实情况的通报"}, "doc_number": {"督通〔2026〕1号"},
		"main_to": {"省直各单位："}, "signer": {"省政府督查室"}, "issuer": {"省人民政府督查室"}, "date": {"2026-07-03"}, "body": {body}, "then": {"issue"}}
	if code, _, to := ts.post(office, loc+"/edit", form); code != see || to != loc {
		t.Fatalf("save and issue: %d %q", code, to)
	}
	_, page = ts.get(office, loc)
	if !strings.Contains(page, "已印发") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 落实") || strings.Contains(page, "<script>alert(1)") {
		t.Errorf("issued page: %.2000s", page)
	}
	if strings.Contains(page, `name="body"`) {
		t.Error("an issued circular is still editable")
	}
	// Frozen: a stale form changes nothing.
	form.Set("title", "改过的标题")
	form.Del("then")
	if _, _, _ = ts.post(office, loc+"/edit", form); true {
		if _, p := ts.get(office, loc); strings.Contains(p, "改过的标题") {
			t.Error("an issued circular changed")
		}
	}
	// Both units are named; each reads it and finds it in its list.
	for _, c := range []*http.Client{unitA, unitB} {
		if code, p := ts.get(c, loc); code != ok || !strings.Contains(p, "督通〔2026〕1号") {
			t.Errorf("a named unit reads %d", code)
		}
		if _, list := ts.get(c, "/circulars"); !strings.Contains(list, loc) {
			t.Error("a named unit's list lacks the circular")
		}
	}
	// Downloads.
	resp, err := unitA.Get(ts.srv.URL + loc + "/docx")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != docxType || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Errorf("docx headers %v", resp.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	var xml string
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			xml = string(b)
		}
	}
	if !strings.Contains(xml, "督通〔2026〕1号") || !strings.Contains(xml, "&lt;script&gt;") || !strings.Contains(xml, "省商务厅") {
		t.Errorf("document.xml lacks the number, the escaped edit or a unit")
	}
	if code, p := ts.get(unitA, loc+"/print"); code != ok || !strings.Contains(p, "@page { size: A4") || !strings.Contains(p, "关于第二季度落实情况的通报") {
		t.Errorf("print page %d", code)
	}
	// The next draft proposes the next number; the withdrawn one's stays taken.
	if code, _, _ := ts.post(office, loc+"/withdraw", url.Values{"reason": {""}}); code != see {
		t.Fatalf("withdraw without reason: %d", code)
	}
	if _, p := ts.get(office, loc); strings.Contains(p, "已撤回") {
		t.Error("withdrawn without a reason")
	}
	ts.post(office, loc+"/withdraw", url.Values{"reason": {"数据更正"}})
	if _, p := ts.get(unitB, loc); !strings.Contains(p, "已撤回") || !strings.Contains(p, "数据更正") {
		t.Error("the unit does not see the withdrawal and its reason")
	}
	_, _, loc2 := ts.post(office, fmt.Sprintf("/notices/%d/circulars", ts.noticeID), url.Values{"period": {fmt.Sprint(ps[1].ID)}})
	if _, p := ts.get(office, loc2); !strings.Contains(p, `value="督通〔2026〕2号"`) {
		t.Error("the next draft does not propose the next number")
	}
}

// regexpField is a form textarea's text, unescaped.
func regexpField(t *testing.T, page, name string) string {
	t.Helper()
	i := strings.Index(page, `name="`+name+`"`)
	if i < 0 {
		t.Fatalf("no field %s", name)
	}
	rest := page[i:]
	a := strings.Index(rest, ">")
	b := strings.Index(rest, "</textarea>")
	return html.UnescapeString(rest[a+1 : b])
}
