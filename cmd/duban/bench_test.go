package main

import (
	"bytes"
	"os"
	"regexp"
	"testing"
)

// The rush command runs end to end on a scratch database of each engine:
// every report saved and submitted once, and the line a reader compares.
func TestBenchRush(t *testing.T) {
	dbs := []string{"bench", "rush", "--reporters", "4", "--reports", "3"}
	if pg := os.Getenv("DUBAN_TEST_PG"); pg != "" {
		dbs = append(dbs, "--db", "sqlite", "--db", pg)
	}
	var out, errb bytes.Buffer
	if code := run(dbs, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	line := regexp.MustCompile(`(?m)^(sqlite|postgres) sent=12 stored=12 duplicated=0 rps=\d+ p50=[\d.]+ms p99=[\d.]+ms raw_rps=\d+$`)
	want := 1
	if os.Getenv("DUBAN_TEST_PG") != "" {
		want = 2
	}
	if got := len(line.FindAllString(out.String(), -1)); got != want {
		t.Errorf("got %d result lines, want %d:\n%s", got, want, out.String())
	}
	if code := run([]string{"bench", "rush", "--reporters", "0"}, nil, &out, &errb); code != 2 {
		t.Errorf("zero reporters: exit %d", code)
	}
}
