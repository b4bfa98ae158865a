// Package notifytest has in-process stand-ins for the services reminders
// go to, for tests: an SMTP server and a robot webhook that record what
// they receive. It does not import notify, so notify's own tests use it.
package notifytest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mail is one message the SMTP server accepted.
type Mail struct {
	EnvelopeFrom string
	EnvelopeTo   []string
	AuthUser     string // who logged in, if anyone
	TLS          bool   // whether the message came over TLS
	Raw          []byte

	Header    mail.Header
	From      string   // the From header's address
	FromName  string   // its display name, decoded
	To        []string // the To header's addresses
	Subject   string   // decoded
	Date      time.Time
	MessageID string
	Text      string // the text/plain part, decoded
	HTML      string // the text/html part, decoded
	ParseErr  error  // why the message could not be read, if it could not
}

// SMTPServer is an SMTP server on 127.0.0.1 that accepts every message
// (unless told otherwise) and records it.
type SMTPServer struct {
	Host string // 127.0.0.1
	Port int
	// RootCAs trusts the server's self-signed certificate, for a client's
	// TLS config; nil when the server does no TLS.
	RootCAs *x509.CertPool

	opts   smtpOptions
	ln     net.Listener
	tlsCfg *tls.Config

	mu    sync.Mutex
	mails []Mail
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

type smtpOptions struct {
	startTLS, implicit bool
	user, pass         string
	rejectRcpt         map[string]int
	dataCode           int
	dataFailures       int
}

// SMTPOption configures NewSMTPServer.
type SMTPOption func(*smtpOptions)

// WithSTARTTLS offers STARTTLS with a certificate made for the test.
func WithSTARTTLS() SMTPOption { return func(o *smtpOptions) { o.startTLS = true } }

// WithImplicitTLS speaks TLS from the connection's start (port 465 style).
func WithImplicitTLS() SMTPOption { return func(o *smtpOptions) { o.implicit = true } }

// WithAuth requires AUTH PLAIN with these credentials before MAIL.
func WithAuth(user, pass string) SMTPOption {
	return func(o *smtpOptions) { o.user, o.pass = user, pass }
}

// WithRejectRcpt answers RCPT TO for addr with code (550, 450…).
func WithRejectRcpt(addr string, code int) SMTPOption {
	return func(o *smtpOptions) {
		if o.rejectRcpt == nil {
			o.rejectRcpt = map[string]int{}
		}
		o.rejectRcpt[strings.ToLower(addr)] = code
	}
}

// WithDataReply answers the end of the first n messages' DATA with code
// (451, 554…) and does not record them.
func WithDataReply(code, n int) SMTPOption {
	return func(o *smtpOptions) { o.dataCode, o.dataFailures = code, n }
}

// NewSMTPServer starts a server that t's cleanup stops.
func NewSMTPServer(t testing.TB, opts ...SMTPOption) *SMTPServer {
	t.Helper()
	s := &SMTPServer{conns: map[net.Conn]bool{}}
	for _, o := range opts {
		o(&s.opts)
	}
	if s.opts.startTLS || s.opts.implicit {
		cert, pool, err := SelfSigned()
		if err != nil {
			t.Fatalf("notifytest: certificate: %v", err)
		}
		s.tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.RootCAs = pool
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("notifytest: listen: %v", err)
	}
	if s.opts.implicit {
		ln = tls.NewListener(ln, s.tlsCfg)
	}
	s.ln = ln
	addr := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr is host:port.
func (s *SMTPServer) Addr() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

// TLSConfig is a client config that trusts the server.
func (s *SMTPServer) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: s.Host}
}

// Mails are the messages accepted so far, in order.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Close stops the server and ends its connections.
func (s *SMTPServer) Close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *SMTPServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				c.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			s.session(c)
		}()
	}
}

// session speaks SMTP on c until QUIT or an error.
func (s *SMTPServer) session(c net.Conn) {
	c.SetDeadline(time.Now().Add(time.Minute))
	_, isTLS := c.(*tls.Conn)
	tp := textproto.NewConn(c)
	reply := func(format string, args ...any) bool {
		return tp.PrintfLine(format, args...) == nil
	}
	var (
		authed   string
		from     string
		rcpts    []string
		inMail   bool
		needAuth = s.opts.user != ""
	)
	reset := func() { from, rcpts, inMail = "", nil, false }
	if !reply("220 notifytest ESMTP") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"notifytest", "8BITMIME", "AUTH PLAIN"}
			if s.opts.startTLS && !isTLS {
				lines = append(lines, "STARTTLS")
			}
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				if !reply("250%s%s", sep, l) {
					return
				}
			}
		case "HELO":
			reply("250 notifytest")
		case "STARTTLS":
			if !s.opts.startTLS || isTLS {
				reply("502 5.5.1 not offered")
				continue
			}
			reply("220 2.0.0 ready")
			tc := tls.Server(c, s.tlsCfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, isTLS = tc, true
			tp = textproto.NewConn(tc)
			authed = ""
			reset()
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			if !strings.EqualFold(mech, "PLAIN") {
				reply("504 5.5.4 mechanism not supported")
				continue
			}
			if initial == "" {
				reply("334 ")
				if initial, err = tp.ReadLine(); err != nil {
					return
				}
			}
			dec, err := base64.StdEncoding.DecodeString(initial)
			parts := strings.Split(string(dec), "\x00")
			if err != nil || len(parts) != 3 {
				reply("501 5.5.2 bad AUTH PLAIN")
				continue
			}
			if s.opts.user != "" && (parts[1] != s.opts.user || parts[2] != s.opts.pass) {
				reply("535 5.7.8 authentication failed")
				continue
			}
			authed = parts[1]
			reply("235 2.7.0 accepted")
		case "MAIL":
			if needAuth && authed == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			reset()
			from, inMail = addrArg(arg), true
			reply("250 2.1.0 ok")
		case "RCPT":
			if !inMail {
				reply("503 5.5.1 MAIL first")
				continue
			}
			to := addrArg(arg)
			if code, ok := s.opts.rejectRcpt[strings.ToLower(to)]; ok {
				reply("%d recipient refused", code)
				continue
			}
			rcpts = append(rcpts, to)
			reply("250 2.1.5 ok")
		case "DATA":
			if len(rcpts) == 0 {
				reply("503 5.5.1 RCPT first")
				continue
			}
			reply("354 end with .")
			raw, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			fail := s.opts.dataFailures > 0
			if fail {
				s.opts.dataFailures--
			} else {
				m := parseMail(raw)
				m.EnvelopeFrom, m.EnvelopeTo, m.AuthUser, m.TLS = from, rcpts, authed, isTLS
				s.mails = append(s.mails, m)
			}
			s.mu.Unlock()
			if fail {
				reply("%d message refused", s.opts.dataCode)
			} else {
				reply("250 2.0.0 queued")
			}
			reset()
		case "RSET":
			reset()
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 unknown command")
		}
	}
}

// addrArg reads the address of FROM:<a> or TO:<a>.
func addrArg(arg string) string {
	_, a, _ := strings.Cut(arg, ":")
	a = strings.TrimSpace(a)
	if i := strings.Index(a, ">"); i >= 0 {
		a = a[:i]
	}
	return strings.TrimPrefix(a, "<")
}

var wordDecoder = &mime.WordDecoder{}

// parseMail reads what a test checks from raw: addresses, the decoded
// subject and the decoded text and HTML parts.
func parseMail(raw []byte) Mail {
	m := Mail{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.ParseErr = err
		return m
	}
	m.Header = msg.Header
	var errs []error
	if a, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		m.From, m.FromName = a.Address, a.Name
	} else {
		errs = append(errs, fmt.Errorf("From: %w", err))
	}
	if list, err := msg.Header.AddressList("To"); err == nil {
		for _, a := range list {
			m.To = append(m.To, a.Address)
		}
	} else {
		errs = append(errs, fmt.Errorf("To: %w", err))
	}
	if subj, err := wordDecoder.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = subj
	} else {
		errs = append(errs, fmt.Errorf("Subject: %w", err))
	}
	if d, err := msg.Header.Date(); err == nil {
		m.Date = d
	} else {
		errs = append(errs, fmt.Errorf("Date: %w", err))
	}
	m.MessageID = msg.Header.Get("Message-ID")
	if err := readBody(&m, textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		errs = append(errs, err)
	}
	m.ParseErr = errors.Join(errs...)
	return m
}

func readBody(m *Mail, h textproto.MIMEHeader, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readBody(m, p.Header, p); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{bufio.NewReader(body)})
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%s: %w", mt, err)
	}
	switch mt {
	case "text/html":
		m.HTML = string(b)
	default:
		m.Text = string(b)
	}
	return nil
}

// newlineStripper drops CR and LF, which base64 bodies wrap with.
type newlineStripper struct{ r *bufio.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		c, err := n.r.ReadByte()
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
		if c != '\r' && c != '\n' {
			p[i] = c
			i++
		}
	}
	return i, nil
}

// SelfSigned makes a certificate for 127.0.0.1 and localhost and a pool
// that trusts it.
func SelfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "notifytest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
