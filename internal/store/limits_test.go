package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"duban/internal/ledger"
	"duban/internal/notice"
	"duban/internal/store"
	"duban/internal/store/testdb"
)

// TestImportHeldToLimits: `duban import` and every other import go through
// ImportNotice, which refuses a notice beyond the ledger's limits.
func TestImportHeldToLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		n := &notice.Notice{Title: strings.Repeat("标", 3<<20), Tasks: []notice.Task{{No: "1", Text: "扩大有效投资。"}}}
		_, err := s.ImportNotice(ctx, n, "big.txt", store.CLI)
		var le *ledger.LimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "通知标题不能超过") {
			t.Fatalf("3 MB title: %v", err)
		}
		if ns, _ := s.Notices(ctx, ledger.Scope{}); len(ns) != 0 {
			t.Errorf("%d notices stored", len(ns))
		}
	})
}
