package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeGracefulShutdown: SIGTERM while a login is still arriving lets
// it finish and be answered, then the process exits 0. The request is
// logged as one JSON line without the password.
func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	const pw = "graceful shutdown 1"
	p := startDuban(t, t.TempDir(), testEnv("DUBAN_ADMIN_PASSWORD="+pw), "serve", "--addr", "127.0.0.1:0", "--log-format", "json")
	addr := strings.TrimPrefix(p.URL, "http://")

	resp, err := http.Get(p.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(b)) != "ok" {
		t.Fatalf("GET /healthz without logging in: %d %q, want 200 ok", resp.StatusCode, b)
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	form := url.Values{"login": {"admin"}, "password": {pw}}.Encode()
	half := len(form) / 2
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		addr, len(form), form[:half])
	time.Sleep(300 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(time.Second)
	select {
	case <-p.exited:
		t.Fatalf("duban exited with a request in flight:\n%s", p.out)
	default:
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("still accepting connections after SIGTERM")
	}
	io.WriteString(conn, form[half:])
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight at SIGTERM was not answered: %v\n%s", err, p.out)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("login in flight at SIGTERM: status %d, want 303", resp.StatusCode)
	}
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("duban still running 30 s after SIGTERM:\n%s", p.out)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0:\n%s", code, p.out)
	}

	out := p.out.String()
	if strings.Contains(out, pw) {
		t.Errorf("the log holds the password:\n%s", out)
	}
	var logged bool
	for _, line := range strings.Split(out, "\n") {
		var rec struct {
			Msg, Method, Path, Level string
			Status                   int
		}
		if !strings.HasPrefix(line, "{") {
			continue
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %v\n%s", err, line)
		}
		if rec.Msg == "request" && rec.Method == "POST" && rec.Path == "/login" && rec.Status == http.StatusSeeOther {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no JSON log line for POST /login 303:\n%s", out)
	}
}

// TestServeBadLogFlags: an unknown log format or level is refused before
// anything starts, from the flag or the environment.
func TestServeBadLogFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"--log-level", "loud"}, "loud"},
		{nil, []string{"--log-format", "xml"}, "xml"},
		{[]string{"DUBAN_LOG_LEVEL=chatty"}, nil, "chatty"},
	} {
		dir := t.TempDir()
		code, out := runDuban(t, dir, testEnv(c.env...), append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...)...)
		if code != 2 {
			t.Errorf("%v %v: exit %d, want 2\n%s", c.env, c.args, code, out)
		}
		oneErrorLine(t, out, c.want)
	}
}
