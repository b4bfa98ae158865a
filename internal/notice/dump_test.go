package notice

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDump writes the parse of every seed to $DUBAN_DUMP, for scoring with
// the reference scorer by hand.
func TestDump(t *testing.T) {
	dir := os.Getenv("DUBAN_DUMP")
	if dir == "" {
		t.Skip("DUBAN_DUMP not set")
	}
	files, _ := filepath.Glob("../../testdata/seeds/*.txt")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		n, err := Parse(string(b))
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
		out, _ := json.MarshalIndent(n, "", " ")
		os.WriteFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".txt")+".json"), out, 0o644)
	}
}
