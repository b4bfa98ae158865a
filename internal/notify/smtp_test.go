package notify

import (
	"context"
	"errors"
	"mime"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/internal/notify/notifytest"
)

func mailMessage() Message {
	dg := sampleDigest()
	m := dg.Message(DingTalkLimit)
	m.To = []string{"张三 <zhangsan@fgw.example.gov.cn>", "lisi@fgw.example.gov.cn"}
	return m
}

func smtpTo(srv *notifytest.SMTPServer, mode string) *SMTP {
	cfg := SMTPConfig{Host: srv.Host, Port: srv.Port, From: "市政府督查室 <duban@example.gov.cn>", TLS: mode, Timeout: 10 * time.Second}
	if srv.RootCAs != nil {
		cfg.TLSConfig = srv.TLSConfig()
	}
	return &SMTP{Config: cfg, Now: fixedClock}
}

func TestSMTPPlain(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	msg := mailMessage()
	if err := smtpTo(srv, TLSNone).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	m := mails[0]
	if m.ParseErr != nil {
		t.Fatalf("parse: %v\n%s", m.ParseErr, m.Raw)
	}
	if m.EnvelopeFrom != "duban@example.gov.cn" || strings.Join(m.EnvelopeTo, ",") != "zhangsan@fgw.example.gov.cn,lisi@fgw.example.gov.cn" {
		t.Errorf("envelope %s → %v", m.EnvelopeFrom, m.EnvelopeTo)
	}
	if m.From != "duban@example.gov.cn" || m.FromName != "市政府督查室" || strings.Join(m.To, ",") != "zhangsan@fgw.example.gov.cn,lisi@fgw.example.gov.cn" {
		t.Errorf("headers: from %s %q, to %v", m.From, m.FromName, m.To)
	}
	if m.Subject != msg.Title {
		t.Errorf("subject %q, want %q", m.Subject, msg.Title)
	}
	if raw := m.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?b?") {
		t.Errorf("subject not B-encoded: %q", raw)
	}
	if m.Text != msg.Text || m.HTML != msg.HTML {
		t.Errorf("body differs:\ntext %q\nhtml %q", m.Text, m.HTML)
	}
	if !m.Date.Equal(fixedNow) {
		t.Errorf("date %v", m.Date)
	}
	if !regexp.MustCompile(`^<[0-9a-f]{32}@example\.gov\.cn>$`).MatchString(m.MessageID) {
		t.Errorf("Message-ID %q", m.MessageID)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative; boundary=") {
		t.Errorf("Content-Type %q", ct)
	}
	if m.TLS || m.AuthUser != "" {
		t.Errorf("tls %v auth %q", m.TLS, m.AuthUser)
	}
	// Every line of the message fits SMTP's limit (the server's DATA
	// reader has turned CRLF into LF).
	for _, l := range strings.Split(string(m.Raw), "\n") {
		if len(l) > 998 {
			t.Errorf("line of %d bytes", len(l))
		}
	}
}

func TestSMTPStartTLSAuth(t *testing.T) {
	srv := notifytest.NewSMTPServer(t, notifytest.WithSTARTTLS(), notifytest.WithAuth("duban", "p@ss 密码"))
	s := smtpTo(srv, TLSStartTLS)
	s.Config.Username, s.Config.Password = "duban", "p@ss 密码"
	if err := s.Send(context.Background(), mailMessage()); err != nil {
		t.Fatal(err)
	}
	m := srv.Mails()[0]
	if !m.TLS || m.AuthUser != "duban" || m.ParseErr != nil {
		t.Errorf("tls %v auth %q parse %v", m.TLS, m.AuthUser, m.ParseErr)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	srv := notifytest.NewSMTPServer(t, notifytest.WithImplicitTLS(), notifytest.WithAuth("duban", "secret"))
	s := smtpTo(srv, TLSImplicit)
	s.Config.Username, s.Config.Password = "duban", "secret"
	if err := s.Send(context.Background(), mailMessage()); err != nil {
		t.Fatal(err)
	}
	if m := srv.Mails()[0]; !m.TLS || m.AuthUser != "duban" {
		t.Errorf("tls %v auth %q", m.TLS, m.AuthUser)
	}
}

func TestSMTPTextOnlyAndHeaderInjection(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	msg := Message{Title: "urge\r\nBcc: evil@example.com", Text: "第一行\n.\n第三行", To: []string{"a@example.com"}}
	if err := smtpTo(srv, TLSNone).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	m := srv.Mails()[0]
	if m.Header.Get("Bcc") != "" || m.Subject != "urge Bcc: evil@example.com" {
		t.Errorf("subject %q, bcc %q", m.Subject, m.Header.Get("Bcc"))
	}
	if m.Text != msg.Text || m.HTML != "" || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("text %q html %q", m.Text, m.HTML)
	}
}

func TestSMTPFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []notifytest.SMTPOption
		mode   string
		user   string
		pass   string
		tlsCfg bool // trust the server's certificate
		status int
		retry  bool
		want   string
	}{
		{name: "no STARTTLS offered", mode: TLSStartTLS, want: "不支持STARTTLS"},
		{name: "untrusted certificate", opts: []notifytest.SMTPOption{notifytest.WithSTARTTLS()}, mode: TLSStartTLS, want: "证书"},
		{name: "wrong password", opts: []notifytest.SMTPOption{notifytest.WithAuth("duban", "right")}, mode: TLSNone,
			user: "duban", pass: "wrong-password-1", status: 535},
		{name: "auth required", opts: []notifytest.SMTPOption{notifytest.WithAuth("duban", "right")}, mode: TLSNone, status: 530},
		{name: "recipient refused", opts: []notifytest.SMTPOption{notifytest.WithRejectRcpt("lisi@fgw.example.gov.cn", 550)}, mode: TLSNone,
			status: 550, want: "lisi@fgw.example.gov.cn"},
		{name: "mailbox busy", opts: []notifytest.SMTPOption{notifytest.WithRejectRcpt("lisi@fgw.example.gov.cn", 450)}, mode: TLSNone,
			status: 450, retry: true},
		{name: "data deferred", opts: []notifytest.SMTPOption{notifytest.WithDataReply(451, 1)}, mode: TLSNone, status: 451, retry: true},
		{name: "data refused", opts: []notifytest.SMTPOption{notifytest.WithDataReply(554, 1)}, mode: TLSNone, status: 554},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := notifytest.NewSMTPServer(t, tc.opts...)
			s := smtpTo(srv, tc.mode)
			if !tc.tlsCfg {
				s.Config.TLSConfig = nil
			}
			s.Config.Username, s.Config.Password = tc.user, tc.pass
			err := s.Send(context.Background(), mailMessage())
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v", err)
			}
			if se.Status != tc.status || Retryable(err) != tc.retry || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v (status %d, retryable %v)", err, se.Status, Retryable(err))
			}
			if tc.pass != "" && strings.Contains(err.Error(), tc.pass) {
				t.Errorf("error shows the password: %v", err)
			}
			if n := len(srv.Mails()); n != 0 {
				t.Errorf("%d mails accepted", n)
			}
		})
	}
}

func TestSMTPUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &SMTP{Config: SMTPConfig{Host: "127.0.0.1", Port: port, From: "duban@example.gov.cn", TLS: TLSNone}}
	if err := s.Send(context.Background(), mailMessage()); err == nil || !Retryable(err) {
		t.Errorf("err = %v, retryable %v", err, Retryable(err))
	}
	// A cancelled context stops the send and may be retried.
	srv := notifytest.NewSMTPServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := smtpTo(srv, TLSNone).Send(ctx, mailMessage()); err == nil || !Retryable(err) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestSMTPBadAddresses(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	s := smtpTo(srv, TLSNone)
	for _, to := range [][]string{nil, {"not an address"}} {
		msg := mailMessage()
		msg.To = to
		if err := s.Send(context.Background(), msg); err == nil || Retryable(err) {
			t.Errorf("to %v: %v", to, err)
		}
	}
	s.Config.From = "nobody"
	if err := s.Send(context.Background(), mailMessage()); err == nil || Retryable(err) {
		t.Errorf("bad from: %v", err)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	ok := SMTPConfig{Host: "smtp.example.gov.cn", Port: 465, From: "督查室 <duban@example.gov.cn>", TLS: TLSImplicit}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	err := SMTPConfig{Port: 70000, From: "x", TLS: "ssl"}.Validate()
	for _, w := range []string{"未填写邮件服务器地址", "端口 70000 无效", "发件人“x”", "加密方式“ssl”"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Validate: %v lacks %q", err, w)
		}
	}
}

func TestBuildMailLongSubject(t *testing.T) {
	subject := strings.Repeat("关于报送重点任务第三季度进展情况的提醒", 5)
	raw := BuildMail(&mail.Address{Address: "a@example.com"}, []*mail.Address{{Name: "张三", Address: "b@example.com"}},
		subject, "正文", "", fixedNow, "<x@example.com>")
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || got != subject {
		t.Errorf("subject %q, %v", got, err)
	}
	for _, l := range strings.Split(string(raw), "\r\n") {
		if len(l) > 998 {
			t.Errorf("line of %d bytes", len(l))
		}
	}
}
