package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// bigNotice is a ledger at the scale the issue names: 5,000 tasks under 20
// headings, 100 units, 10 leaders.
func bigNotice(tasks int) *notice.Notice {
	n := &notice.Notice{Issuer: "某省人民政府办公厅", DocNumber: "某政办〔2026〕88号", Year: 2026, Title: "大规模分工方案"}
	for i := 1; i <= tasks; i++ {
		n.Tasks = append(n.Tasks, notice.Task{No: fmt.Sprint(i), Path: []string{fmt.Sprintf("第%d部分", (i-1)/(tasks/20)+1)},
			Text:    fmt.Sprintf("第%d项重点任务：推进某项工作，完成投资%d亿元以上。", i, i%97+1),
			Lead:    []string{fmt.Sprintf("省第%d厅", i%100)},
			Support: []string{fmt.Sprintf("省第%d厅", (i+1)%100), fmt.Sprintf("省第%d厅", (i+7)%100)},
			Leaders: []string{fmt.Sprintf("第%d副省长", i%10)}, Deadline: notice.NewDate(2026, time.Month(i%12+1), 28)})
	}
	return n
}

// BenchmarkLedgerPages measures the ledger's pages on 5,000 tasks:
// go test -run '^$' -bench LedgerPages -benchtime 50x ./internal/web/
func BenchmarkLedgerPages(b *testing.B) {
	st := testdb.New(b)
	ctx := context.Background()
	start := time.Now()
	id, err := st.ImportNotice(ctx, bigNotice(5000), "big.txt", store.CLI)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("import of 5,000 tasks: %v", time.Since(start))
	hash, _ := auth.HashPassword(testPassword)
	uid, _ := st.CreateUser(ctx, store.NewUser{Login: "office", Name: "督查室", Role: store.RoleOffice, PasswordHash: hash})
	unit, _ := st.UnitByName(ctx, "省第7厅")
	unitUser, _ := st.CreateUser(ctx, store.NewUser{Login: "u7", Name: "第7厅", Role: store.RoleUnit, UnitID: unit.ID, PasswordHash: hash})
	srv, _ := New(Config{}, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := srv.Handler()
	cookie := func(user int64) *http.Cookie {
		tok := auth.NewToken("")
		st.CreateSession(ctx, auth.TokenHash(tok), user, time.Now().Add(time.Hour))
		return &http.Cookie{Name: sessionCookie, Value: tok}
	}
	officeCookie, unitCookie := cookie(uid), cookie(unitUser)
	for _, c := range []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"ledger", fmt.Sprintf("/notices/%d", id), officeCookie},
		{"ledger_page_20", fmt.Sprintf("/notices/%d?page=20", id), officeCookie},
		{"filter_unit", fmt.Sprintf("/notices/%d?unit=%d", id, unit.ID), officeCookie},
		{"search", fmt.Sprintf("/notices/%d?q=%%E7%%AC%%AC4999", id), officeCookie},
		{"my_tasks", fmt.Sprintf("/units/%d", unit.ID), unitCookie},
		{"export_xlsx", fmt.Sprintf("/notices/%d/ledger.xlsx", id), officeCookie},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", c.path, nil)
				req.AddCookie(c.ck)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, rec.Code)
				}
			}
		})
	}
}
