package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Seal encrypts msg with a key derived from secret (a session's cookie
// value), so that what is stored beside the session's hash is readable
// only by the browser holding that cookie.
func Seal(secret, msg string) (string, error) {
	gcm, err := sealer(secret)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(msg), nil)), nil
}

// Unseal is the opposite of Seal; a message sealed with another secret,
// or altered, is an error.
func Unseal(secret, sealed string) (string, error) {
	gcm, err := sealer(secret)
	if err != nil {
		return "", err
	}
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < gcm.NonceSize() {
		return "", errors.New("auth: sealed message malformed")
	}
	msg, err := gcm.Open(nil, b[:gcm.NonceSize()], b[gcm.NonceSize():], nil)
	if err != nil {
		return "", errors.New("auth: sealed message does not open")
	}
	return string(msg), nil
}

func sealer(secret string) (cipher.AEAD, error) {
	// A different derivation from TokenHash's, so the stored hash of the
	// session is no key to what is sealed with it.
	key := sha256.Sum256([]byte("duban seal\x00" + secret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
