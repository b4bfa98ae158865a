package notify

import (
	"errors"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	want := []time.Duration{0, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour, time.Hour, time.Hour}
	for attempt, w := range want {
		if got := Backoff(attempt); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, w)
		}
	}
	if Backoff(-1) != 0 || Backoff(1000) != time.Hour {
		t.Error("out-of-range attempts")
	}
}

func TestBackoffJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for seed := range uint64(50) {
		for attempt := 1; attempt <= MaxAttempts; attempt++ {
			b, j := Backoff(attempt), BackoffJitter(attempt, seed)
			if j < b-b/10 || j > b+b/10 {
				t.Errorf("BackoffJitter(%d, %d) = %v, outside ±10%% of %v", attempt, seed, j, b)
			}
			if j != BackoffJitter(attempt, seed) {
				t.Errorf("BackoffJitter(%d, %d) not deterministic", attempt, seed)
			}
		}
		seen[BackoffJitter(3, seed)] = true
	}
	if len(seen) < 40 {
		t.Errorf("50 seeds gave only %d waits", len(seen))
	}
	if BackoffJitter(0, 7) != 0 {
		t.Error("no wait before the first attempt")
	}
}

func TestRetry(t *testing.T) {
	retryable := &SendError{Channel: "wecom", Retryable: true, Code: 45009}
	permanent := &SendError{Channel: "wecom", Code: 93000}
	for attempt := 1; attempt < MaxAttempts; attempt++ {
		if wait, ok := Retry(retryable, attempt); !ok || wait != Backoff(attempt) {
			t.Errorf("attempt %d: %v %v", attempt, wait, ok)
		}
	}
	if _, ok := Retry(retryable, MaxAttempts); ok {
		t.Error("retried past MaxAttempts")
	}
	if _, ok := Retry(permanent, 1); ok {
		t.Error("retried a permanent error")
	}
	if _, ok := Retry(errors.New("other"), 1); ok {
		t.Error("retried an unknown error")
	}
	if _, ok := Retry(nil, 1); ok {
		t.Error("retried success")
	}
}
