package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// SMTP security modes.
const (
	TLSStartTLS = "starttls" // plain connection upgraded by STARTTLS (port 587, 25)
	TLSImplicit = "tls"      // TLS from the start (port 465)
	TLSNone     = "none"     // no encryption: an internal relay only
)

// SMTPConfig is an office's mail server.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string // empty: no AUTH
	From               string // duban@example.gov.cn or 督办室 <duban@example.gov.cn>
	TLS                string // TLSStartTLS (when empty), TLSImplicit or TLSNone
	Timeout            time.Duration
	// TLSConfig, when set, replaces the system's roots (a private CA,
	// a test's self-signed certificate); its ServerName defaults to Host.
	TLSConfig *tls.Config
	HelloName string // EHLO name; empty: localhost
}

// Validate checks the settings an office edits.
func (c SMTPConfig) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Host) == "" {
		errs = append(errs, errors.New("未填写邮件服务器地址"))
	}
	if c.Port <= 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("端口 %d 无效", c.Port))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("发件人“%s”不是有效的邮件地址", c.From))
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		errs = append(errs, fmt.Errorf("加密方式“%s”应为 starttls、tls 或 none", c.TLS))
	}
	return errors.Join(errs...)
}

// SMTP sends messages as e-mail to msg.To.
type SMTP struct {
	Config SMTPConfig
	Now    func() time.Time // nil: time.Now; the Date header
}

// String is the server as pages show it.
func (s *SMTP) String() string {
	return fmt.Sprintf("邮件 %s:%d（%s）", s.Config.Host, s.Config.Port, s.mode())
}

func (s *SMTP) mode() string {
	if s.Config.TLS == "" {
		return TLSStartTLS
	}
	return s.Config.TLS
}

// Send delivers msg to every address of msg.To in one transaction: a
// recipient the server refuses fails the whole message before any is
// sent, so a retry does not send twice.
func (s *SMTP) Send(ctx context.Context, msg Message) error {
	cfg := s.Config
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return &SendError{Channel: "smtp", Msg: fmt.Sprintf("发件人“%s”无效", cfg.From)}
	}
	var to []*mail.Address
	for _, a := range msg.To {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return &SendError{Channel: "smtp", Msg: fmt.Sprintf("收件人“%s”无效", a)}
		}
		to = append(to, addr)
	}
	if len(to) == 0 {
		return &SendError{Channel: "smtp", Msg: "没有收件人"}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	id, err := messageID(from.Address)
	if err != nil {
		return &SendError{Channel: "smtp", Retryable: true, Err: err}
	}
	raw := BuildMail(from, to, msg.Title, msg.Text, msg.HTML, now(), id)
	if err := s.deliver(ctx, from.Address, to, raw); err != nil {
		return smtpError(err, cfg.Password)
	}
	return nil
}

func (s *SMTP) deliver(ctx context.Context, from string, to []*mail.Address, raw []byte) error {
	cfg := s.Config
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	tlsConf := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tlsConf = cfg.TLSConfig.Clone()
		if tlsConf.ServerName == "" {
			tlsConf.ServerName = cfg.Host
		}
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var conn net.Conn
	var err error
	if s.mode() == TLSImplicit {
		conn, err = (&tls.Dialer{Config: tlsConf}).DialContext(dctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(deadline)
	// A cancelled context ends the conversation where it is.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if cfg.HelloName != "" {
		if err := c.Hello(cfg.HelloName); err != nil {
			return err
		}
	}
	if s.mode() == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errNoStartTLS
		}
		if err := c.StartTLS(tlsConf); err != nil {
			return err
		}
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errNoAuth
		}
		// PlainAuth refuses to send a password unencrypted except to
		// localhost, which is what an office's relay should get.
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			var tp *textproto.Error
			if !errors.As(err, &tp) && !transient(err) {
				// net/smtp's own refusal, such as a password over an
				// unencrypted connection to another host.
				return fmt.Errorf("未登录（%w），请使用 starttls 或 tls", err)
			}
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("收件人 %s：%w", a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The server has the message; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

var (
	errNoStartTLS = errors.New("服务器不支持STARTTLS，未发送（可改用 tls 或 none）")
	errNoAuth     = errors.New("服务器不支持登录认证")
)

// smtpError classes err: 4xx replies, timeouts and network failures may
// pass; 5xx replies, certificate and configuration errors will not.
func smtpError(err error, password string) error {
	se := &SendError{Channel: "smtp", Err: err}
	if password != "" && strings.Contains(err.Error(), password) {
		se.Err = &scrubbed{strings.ReplaceAll(err.Error(), password, "…"), err}
	}
	var tp *textproto.Error
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &tp):
		se.Status = tp.Code
		se.Retryable = tp.Code >= 400 && tp.Code < 500
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		se.Msg = "服务器证书无效"
	case errors.Is(err, errNoStartTLS), errors.Is(err, errNoAuth):
	default:
		se.Retryable = transient(err)
	}
	return se
}

// messageID is a new Message-ID at the sender's domain.
func messageID(from string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	domain := "duban.local"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">", nil
}

// BuildMail writes an e-mail: a UTF-8 subject in B encoding, and the
// text and HTML as multipart/alternative parts in base64 (the text alone
// when there is no HTML).
func BuildMail(from *mail.Address, to []*mail.Address, subject, text, html string, date time.Time, id string) []byte {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	tos := make([]string, len(to))
	for i, a := range to {
		tos[i] = a.String()
	}
	header("To", strings.Join(tos, ", "))
	header("Subject", mime.BEncoding.Encode("utf-8", oneLine(subject)))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	if html == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		writeBase64(&b, text)
		return b.Bytes()
	}
	mw := multipart.NewWriter(&b)
	header("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		// Writes to a bytes.Buffer do not fail.
		w, _ := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"base64"},
		})
		var part bytes.Buffer
		writeBase64(&part, p.body)
		w.Write(part.Bytes())
	}
	mw.Close()
	return b.Bytes()
}

// writeBase64 writes s in base64 lines of 76 characters.
func writeBase64(b *bytes.Buffer, s string) {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
}
