package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log the server writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// listening serves ts's database through ListenAndServe, as `duban serve`
// does (with its timeouts), logging at debug level into the returned
// buffer. It returns the address.
func (ts *site) listening(t *testing.T) (string, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	srv, err := New(Config{}, ts.store, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-addrc:
		return a, logs
	case err := <-done:
		t.Fatal(err)
	}
	return "", nil
}

// TestTrickledBodyAnswered408: a client sending its body a byte every two
// seconds is cut off and told 408 within seconds, not held for minutes
// and then answered 500, on a form, an upload and the JSON API; nothing is
// logged as an error.
func TestTrickledBodyAnswered408(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	addr, logs := ts.listening(t)
	tok := ts.token("office")
	cases := []struct{ name, head string }{
		{"login form", "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"},
		{"notice upload", "POST /api/v1/notices?name=a.txt HTTP/1.1\r\nAuthorization: Bearer " + tok + "\r\nContent-Type: text/plain\r\n"},
		{"task patch", fmt.Sprintf("PATCH /api/v1/tasks/%d HTTP/1.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n", ts.tasks[0].ID, tok)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			// The body starts well formed, so that only its pace is wrong.
			fmt.Fprintf(conn, "%sHost: %s\r\nContent-Length: 200\r\n\r\n{\"text\": \"", c.head, addr)
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Second):
						if _, err := conn.Write([]byte("x")); err != nil {
							return
						}
					}
				}
			}()
			conn.SetReadDeadline(time.Now().Add(45 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer within 45 s of a trickled body: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Errorf("status %d after %s, want 408\n%.300s", resp.StatusCode, time.Since(start).Round(time.Second), body)
			}
			if !strings.Contains(string(body), "超时") {
				t.Errorf("answer does not say the request timed out:\n%.300s", body)
			}
		})
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("a slow client was logged as an error:\n%s", logs)
		}
	})
}

// TestClientGoneLoggedAtDebug: a client that sends a whole login and hangs
// up before the answer costs the server nothing worth an ERROR line.
func TestClientGoneLoggedAtDebug(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	addr, logs := ts.listening(t)
	form := url.Values{"login": {"office"}, "password": {testPassword}}.Encode()
	for range 5 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
			addr, len(form), form)
		conn.Close()
	}
	deadline := time.Now().Add(30 * time.Second)
	for strings.Count(logs.String(), "msg=request") < 5 && !strings.Contains(logs.String(), "level=ERROR") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	out := logs.String()
	if strings.Contains(out, "level=ERROR") {
		t.Fatalf("a client that hung up was logged as an error:\n%s", out)
	}
	if n := strings.Count(out, "msg=request"); n < 5 {
		t.Fatalf("%d of 5 requests logged:\n%s", n, out)
	}
	if strings.Contains(out, testPassword) {
		t.Errorf("the log holds a password:\n%s", out)
	}
}

// TestHealthz: anyone may ask; 200 "ok" while the database answers, 503
// once it does not.
func TestHealthz(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	anon := ts.client("")
	if code, body := ts.get(anon, "/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /healthz: %d %q, want 200 ok", code, body)
	}
	ts.store.Close()
	if code, _ := ts.get(anon, "/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz with the database closed: %d, want 503", code)
	}
}

// TestShutdownGraceEnds: a request still running when the grace period
// ends is cut off, and the server returns without an error, so that
// `duban serve` exits 0 instead of hanging on a stuck client.
func TestShutdownGraceEnds(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	srv, err := New(Config{ShutdownGrace: time.Second, BodyWindow: time.Minute}, ts.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	addr := <-addrc
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A body that never finishes keeps the request in flight.
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlogin=", addr)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ListenAndServe after the grace period: %v, want nil", err)
		}
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Errorf("returned after %s, before the grace period of 1 s was over", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still serving 10 s after being told to stop, with a grace period of 1 s")
	}
}

// TestSteadyUploadNotCutOff: the body deadline moves while data keeps
// coming, so a large upload slower than one window in total still lands.
func TestSteadyUploadNotCutOff(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	srv, err := New(Config{BodyWindow: time.Second}, ts.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	addr := <-addrc
	body := append(seedFile(t, "004"), bytes.Repeat([]byte("\n"), 20*bodyStep)...)
	pr, pw := io.Pipe()
	go func(rest []byte) {
		// 2.5 windows in all, a step every eighth of a window.
		for len(rest) > 0 {
			n := min(bodyStep, len(rest))
			pw.Write(rest[:n])
			rest = rest[n:]
			time.Sleep(125 * time.Millisecond)
		}
		pw.Close()
	}(body)
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/notices?dry_run=1&name=seed.txt", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Authorization", "Bearer "+ts.token("office"))
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("upload taking %s, over a 1 s body window, arriving steadily: %d %.300s", time.Since(start).Round(time.Millisecond), resp.StatusCode, b)
	}
}

// TestRequestLog: one line a request with method, path, status, duration
// and the account; never the query, the token or the cookie.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	addr, logs := ts.listening(t)
	tok := ts.token("office")
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/notices?q=query-secret", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "cookie-secret"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := "msg=request method=GET path=/api/v1/notices status=200 duration="
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), want) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out := logs.String()
	if !strings.Contains(out, want) || !strings.Contains(out, fmt.Sprintf(" user=%d", ts.users["office"].ID)) {
		t.Errorf("no request line %q… user=%d:\n%s", want, ts.users["office"].ID, out)
	}
	for _, secret := range []string{"query-secret", tok, "cookie-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
}
