package account

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// sessionSealKey derives the key that seals a session's private key
// material from the session token. The token is random and only the cookie
// holds it, so the stored ciphertext is useless without the browser.
func sessionSealKey(token string) ([]byte, error) {
	return hkdf.Key(sha256.New, []byte(token), nil, "upstream session key v1", chacha20poly1305.KeySize)
}

func sealForSession(token string, secret []byte) ([]byte, error) {
	key, err := sessionSealKey(token)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(secret)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, secret, []byte("session")), nil
}

func openForSession(token string, sealed []byte) ([]byte, error) {
	key, err := sessionSealKey(token)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, fmt.Errorf("session key: too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte("session"))
}
