package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate and key for 127.0.0.1 into dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "duban test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// secureLogin logs in and reports whether the session cookie is Secure
// and HSTS was sent.
func secureLogin(t *testing.T, c *http.Client, base string, header http.Header) (secure, hsts bool) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"login": {"admin"}, "password": {"tls-admin-pass"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", resp.Status)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "duban_session" {
			secure = ck.Secure
		}
	}
	return secure, resp.Header.Get("Strict-Transport-Security") != ""
}

// TestServeTLSSettings: --tls-cert/--tls-key serve HTTPS; behind a TLS
// proxy, --secure-cookies (or DUBAN_SECURE_COOKIES) and --trusted-proxies
// make cookies Secure and send HSTS; without them, neither.
func TestServeTLSSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	env := testEnv("DUBAN_ADMIN_PASSWORD=tls-admin-pass")
	insecure := &http.Client{Timeout: time.Minute, CheckRedirect: noRedirect.CheckRedirect,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // our own self-signed test certificate
	https := http.Header{"X-Forwarded-Proto": {"https"}}
	for _, c := range []struct {
		name   string
		env    []string
		args   []string
		client *http.Client
		header http.Header
		scheme string
		secure bool
	}{
		{"plain", nil, nil, noRedirect, https, "http://", false},
		{"TLS", nil, []string{"--tls-cert", cert, "--tls-key", key}, insecure, nil, "https://", true},
		{"secure cookies flag", nil, []string{"--secure-cookies"}, noRedirect, nil, "http://", true},
		{"secure cookies env", []string{"DUBAN_SECURE_COOKIES=1"}, nil, noRedirect, nil, "http://", true},
		{"trusted proxy", []string{"DUBAN_TRUSTED_PROXIES=127.0.0.1"}, nil, noRedirect, https, "http://", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"serve", "--db", filepath.Join(dir, "duban.db"), "--addr", "127.0.0.1:0"}, c.args...)
			p := startDuban(t, dir, append(env, c.env...), args...)
			defer p.stop()
			if !strings.HasPrefix(p.URL, c.scheme) {
				t.Fatalf("listening on %s, want %s", p.URL, c.scheme)
			}
			secure, hsts := secureLogin(t, c.client, p.URL, c.header)
			if secure != c.secure || hsts != c.secure {
				t.Errorf("cookie Secure %v, HSTS %v; want %v", secure, hsts, c.secure)
			}
		})
	}
}
