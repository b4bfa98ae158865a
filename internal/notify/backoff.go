package notify

import "time"

// MaxAttempts is how many times a reminder is tried before it is given
// up and shown to the office as failed: about two hours in all.
const MaxAttempts = 6

// backoffSteps are the waits after each failed attempt; later attempts
// wait the last one. Robots rate-limit per minute, so the first waits
// ride out a limit; the later ones an outage.
var backoffSteps = []time.Duration{
	30 * time.Second,
	2 * time.Minute,
	10 * time.Minute,
	30 * time.Minute,
	time.Hour,
}

// Backoff is the wait after the attempt-th failed attempt (from 1); 0
// before the first.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		return 0
	}
	if attempt > len(backoffSteps) {
		return backoffSteps[len(backoffSteps)-1]
	}
	return backoffSteps[attempt-1]
}

// BackoffJitter is Backoff spread by up to ±10% by seed (a job's id), so
// jobs that failed together do not all retry in the same second; the
// same seed always gives the same wait.
func BackoffJitter(attempt int, seed uint64) time.Duration {
	d := Backoff(attempt)
	if d == 0 {
		return 0
	}
	// splitmix64 of seed and attempt: any seed spreads evenly.
	x := seed + uint64(attempt)*0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	spread := int64(d / 10)
	return d + time.Duration(int64(x%uint64(2*spread+1))-spread)
}

// Retry says whether a send that failed with err on the attempt-th try
// (from 1) is tried again, and after how long.
func Retry(err error, attempt int) (time.Duration, bool) {
	if !Retryable(err) || attempt >= MaxAttempts {
		return 0, false
	}
	return Backoff(attempt), true
}
