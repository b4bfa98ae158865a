// Package auth holds the password and token primitives of duban: hashing and
// checking passwords, the password policy, and random tokens for sessions and
// API access. It is pure functions with no database, so it can be tested and
// reused without any setup.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes. They follow the OWASP minimum
// recommendation (19 MiB, 2 passes, 1 lane): strong enough against offline
// guessing while keeping a login well under 100 ms on a modest server.
// Each hash records its own parameters, so raising these later leaves
// existing hashes valid.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	saltLen      = 16
	keyLen       = 32
)

// Limits on what CheckPassword will accept from a stored hash, so a corrupted
// or hostile row cannot make a login allocate gigabytes or spin for minutes.
const (
	maxMemory  = 1 << 20 // KiB, 1 GiB
	maxTime    = 16
	maxThreads = 64
	maxKeyLen  = 128
)

// Password length bounds, counted in characters (runes) so that Chinese
// passwords are measured the way a user counts them. The upper bound stops
// absurd inputs from being hashed.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

var b64 = base64.RawStdEncoding

// HashPassword hashes pw with argon2id and a fresh random salt, returning the
// PHC string form ($argon2id$v=19$m=…,t=…,p=…$salt$key) so the algorithm and
// its parameters travel with the hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the PHC-encoded argon2id hash.
// The parameters are read from the hash itself, so hashes made with older
// settings keep verifying. Any malformed or out-of-range hash yields false;
// the key comparison is constant-time so timing does not leak how much of
// the key matched.
func CheckPassword(encoded, pw string) bool {
	h, ok := parseHash(encoded)
	if !ok {
		return false
	}
	key := argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1
}

type argonHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parseHash splits "$argon2id$v=19$m=M,t=T,p=P$salt$key" and checks every
// part, rejecting anything argon2.IDKey could panic on or choke over.
func parseHash(s string) (argonHash, bool) {
	var h argonHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, false
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, false
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return h, false
	}
	m, ok1 := param(params[0], "m=", 32)
	t, ok2 := param(params[1], "t=", 32)
	p, ok3 := param(params[2], "p=", 8)
	if !ok1 || !ok2 || !ok3 {
		return h, false
	}
	if t < 1 || t > maxTime || p < 1 || p > maxThreads || m < 8*p || m > maxMemory {
		return h, false
	}
	salt, ok := decode(parts[4])
	if !ok || len(salt) < 8 {
		return h, false
	}
	key, ok := decode(parts[5])
	if !ok || len(key) < 16 || len(key) > maxKeyLen {
		return h, false
	}
	h.memory, h.time, h.threads = uint32(m), uint32(t), uint8(p)
	h.salt, h.key = salt, key
	return h, true
}

// decode reads unpadded standard base64, accepting only the canonical
// encoding: the decoder alone would skip embedded newlines.
func decode(s string) ([]byte, bool) {
	b, err := b64.Strict().DecodeString(s)
	return b, err == nil && b64.EncodeToString(b) == s
}

// param parses one "k=N" field as an unsigned decimal of the given bit size.
func param(field, prefix string, bits int) (uint64, bool) {
	v, ok := strings.CutPrefix(field, prefix)
	if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, bits)
	return n, err == nil
}

// Policy errors, in Chinese because they are shown to users as they are.
var (
	ErrPasswordTooShort = fmt.Errorf("密码至少需要 %d 个字符", MinPasswordLen)
	ErrPasswordTooLong  = fmt.Errorf("密码不能超过 %d 个字符", MaxPasswordLen)
	ErrPasswordInvalid  = errors.New("密码包含无效字符")
)

// CheckPolicy returns nil if pw is acceptable as a new password, or an error
// whose message can be shown to the user. Length is the only rule: composition
// rules push users to predictable patterns and add little.
func CheckPolicy(pw string) error {
	if !utf8.ValidString(pw) {
		return ErrPasswordInvalid
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	}
	return nil
}

// NewToken returns prefix followed by 32 random bytes in unpadded base64url.
// 256 bits make tokens unguessable; the prefix (e.g. "dbn_") makes them
// recognisable in logs and to secret scanners.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	// crypto/rand.Read never returns an error on supported platforms
	// (Go 1.24+ crashes the program instead), so the result is not checked.
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash returns the hex SHA-256 of tok. The database stores this instead
// of the token, so a leaked table does not hand out working sessions; a plain
// fast hash suffices because tokens are high-entropy random values.
func TokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// passwordAlphabet leaves out characters that are easily confused when a
// password is read aloud or copied from paper: 0/O/o, 1/l/I.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// RandomPassword returns a 16-character password from an unambiguous
// alphabet, for initial or reset passwords handed to a user by an admin.
func RandomPassword() string {
	return randomFrom(passwordAlphabet, 16)
}

// randomFrom draws n characters uniformly from alphabet using rejection
// sampling, so no character is more likely than another.
func randomFrom(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		rand.Read(buf)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}
