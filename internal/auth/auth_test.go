package auth

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashRoundTrip(t *testing.T) {
	for _, pw := range []string{
		"correct horse battery staple",
		"督办系统密码2024",
		"",
		" leading and trailing ",
		strings.Repeat("x", MaxPasswordLen),
	} {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatalf("HashPassword(%q): %v", pw, err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("HashPassword(%q) = %q, unexpected prefix", pw, h)
		}
		if !CheckPassword(h, pw) {
			t.Errorf("CheckPassword(hash of %q, same) = false", pw)
		}
		if CheckPassword(h, pw+"x") {
			t.Errorf("CheckPassword(hash of %q, %q) = true", pw, pw+"x")
		}
	}
}

func TestHashFormat(t *testing.T) {
	h, err := HashPassword("secret-password")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$")
	if len(parts) != 6 {
		t.Fatalf("hash %q has %d parts, want 6", h, len(parts))
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != 16 {
		t.Errorf("salt %q: len %d, err %v; want 16 bytes", parts[4], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) != 32 {
		t.Errorf("key %q: len %d, err %v; want 32 bytes", parts[5], len(key), err)
	}
}

func TestWrongPassword(t *testing.T) {
	h, err := HashPassword("password-one")
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"password-two", "Password-one", "password-one ", "", "password-on"} {
		if CheckPassword(h, pw) {
			t.Errorf("CheckPassword(h, %q) = true, want false", pw)
		}
	}
}

func TestHashesDiffer(t *testing.T) {
	a, err := HashPassword("same password")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword("same password")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of the same password are equal: %q", a)
	}
}

// A hash made with other parameters (as after a future change of the
// defaults) must still verify, because CheckPassword reads them from the hash.
func TestOtherParameters(t *testing.T) {
	salt := []byte("0123456789abcdef")
	for _, tc := range []struct {
		m, t   uint32
		p      uint8
		keyLen uint32
	}{
		{8192, 1, 1, 32},
		{65536, 3, 4, 32},
		{4096, 2, 2, 64},
		{19456, 2, 1, 16},
	} {
		key := argon2.IDKey([]byte("old password"), salt, tc.t, tc.m, tc.p, tc.keyLen)
		h := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", tc.m, tc.t, tc.p,
			base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
		if !CheckPassword(h, "old password") {
			t.Errorf("CheckPassword(%q, right) = false", h)
		}
		if CheckPassword(h, "new password") {
			t.Errorf("CheckPassword(%q, wrong) = true", h)
		}
	}
}

func TestMalformedHashes(t *testing.T) {
	good, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	with := func(params, s, k string) string {
		return "$argon2id$v=19$" + params + "$" + s + "$" + k
	}
	cases := map[string]string{
		"empty":             "",
		"dollar":            "$",
		"truncated half":    good[:len(good)/2],
		"truncated one":     good[:len(good)-1],
		"no key":            strings.Join(parts[:5], "$"),
		"extra field":       good + "$x",
		"no leading dollar": good[1:],
		"argon2i":           strings.Replace(good, "argon2id", "argon2i", 1),
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"version 16":        strings.Replace(good, "v=19", "v=16", 1),
		"no version":        strings.Replace(good, "v=19", "", 1),
		"params order":      with("t=2,m=19456,p=1", salt, key),
		"params missing":    with("m=19456,t=2", salt, key),
		"params extra":      with("m=19456,t=2,p=1,k=1", salt, key),
		"m zero":            with("m=0,t=2,p=1", salt, key),
		"t zero":            with("m=19456,t=0,p=1", salt, key),
		"p zero":            with("m=19456,t=2,p=0", salt, key),
		"p too big":         with("m=19456,t=2,p=256", salt, key),
		"m below 8p":        with("m=15,t=2,p=2", salt, key),
		"m huge":            with("m=4294967295,t=2,p=1", salt, key),
		"t huge":            with("m=19456,t=4294967295,p=1", salt, key),
		"m overflow":        with("m=99999999999999999999,t=2,p=1", salt, key),
		"m negative":        with("m=-1,t=2,p=1", salt, key),
		"m plus":            with("m=+19456,t=2,p=1", salt, key),
		"m leading zero":    with("m=019456,t=2,p=1", salt, key),
		"m empty":           with("m=,t=2,p=1", salt, key),
		"m hex":             with("m=0x4c00,t=2,p=1", salt, key),
		"salt empty":        with("m=19456,t=2,p=1", "", key),
		"salt bad b64":      with("m=19456,t=2,p=1", "!!!!", key),
		"salt padded":       with("m=19456,t=2,p=1", salt+"==", key),
		"key empty":         with("m=19456,t=2,p=1", salt, ""),
		"key bad b64":       with("m=19456,t=2,p=1", salt, "***"),
		"key short":         with("m=19456,t=2,p=1", salt, key[:8]),
		"key url b64":       with("m=19456,t=2,p=1", salt, strings.NewReplacer("+", "-", "/", "_").Replace(key)+"-_"),
		"key too long":      with("m=19456,t=2,p=1", salt, base64.RawStdEncoding.EncodeToString(make([]byte, 1024))),
		"spaces":            " " + good,
		"newline":           good + "\n",
		"plain text":        "pw",
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("CheckPassword(%q) panicked: %v", h, r)
				}
			}()
			if CheckPassword(h, "pw") {
				t.Errorf("CheckPassword(%q, \"pw\") = true, want false", h)
			}
		})
	}
}

func TestCheckPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want string // "" means acceptable
	}{
		{"", "密码至少需要 8 个字符"},
		{"1234567", "密码至少需要 8 个字符"},
		{"12345678", ""},
		{"督办系统密码", "密码至少需要 8 个字符"}, // 6 runes, 18 bytes
		{"督办系统登录密码", ""},           // 8 runes
		{strings.Repeat("a", 128), ""},
		{strings.Repeat("a", 129), "密码不能超过 128 个字符"},
		{strings.Repeat("密", 128), ""},
		{strings.Repeat("密", 129), "密码不能超过 128 个字符"},
		{"abcdefg\xff", "密码包含无效字符"},
	} {
		err := CheckPolicy(tc.pw)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("CheckPolicy(%q) = %q, want %q", tc.pw, got, tc.want)
		}
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := NewToken("dbn_")
		rest, ok := strings.CutPrefix(tok, "dbn_")
		if !ok {
			t.Fatalf("token %q lacks prefix dbn_", tok)
		}
		b, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || len(b) != 32 {
			t.Fatalf("token %q: %d bytes, err %v; want 32 bytes base64url", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatalf("duplicate token %q", tok)
		}
		seen[tok] = true
	}
	if tok := NewToken(""); len(tok) != 43 {
		t.Errorf("NewToken(\"\") has length %d, want 43", len(tok))
	}
}

func TestTokenHash(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	} {
		if got := TokenHash(tc.in); got != tc.want {
			t.Errorf("TokenHash(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	tok := NewToken("dbn_")
	h := TokenHash(tok)
	if len(h) != 64 {
		t.Errorf("TokenHash length %d, want 64", len(h))
	}
	if _, err := hex.DecodeString(h); err != nil || h != strings.ToLower(h) {
		t.Errorf("TokenHash %q is not lowercase hex", h)
	}
	if TokenHash(tok) != h {
		t.Error("TokenHash is not stable")
	}
	if TokenHash(tok+"x") == h {
		t.Error("TokenHash of different tokens collide")
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 1000 {
		pw := RandomPassword()
		if len(pw) != 16 {
			t.Fatalf("RandomPassword() = %q, length %d, want 16", pw, len(pw))
		}
		if strings.ContainsAny(pw, "0O1lI") {
			t.Fatalf("RandomPassword() = %q contains an ambiguous character", pw)
		}
		for _, c := range pw {
			if !strings.ContainsRune(passwordAlphabet, c) {
				t.Fatalf("RandomPassword() = %q contains %q outside the alphabet", pw, c)
			}
			counts[c]++
		}
		if err := CheckPolicy(pw); err != nil {
			t.Fatalf("RandomPassword() = %q fails the policy: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("duplicate password %q", pw)
		}
		seen[pw] = true
	}
	// 16000 draws over the alphabet: every character should show up.
	if len(counts) != len(passwordAlphabet) {
		t.Errorf("only %d of %d alphabet characters drawn", len(counts), len(passwordAlphabet))
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !CheckPassword(h, "correct horse battery staple") {
			b.Fatal("mismatch")
		}
	}
}
