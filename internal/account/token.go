package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Secrets handed to people (session cookies, API tokens, recovery codes) are
// high-entropy random strings, so a plain SHA-256 is enough to store them:
// nobody can brute-force 160+ random bits, and lookups stay indexable.

// APITokenPrefix marks Upstream API tokens so secret scanners can find them.
const APITokenPrefix = "upk_"

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return strings.ToLower(b32.EncodeToString(b)), nil
}

// HashSecret returns the stored form of a session token, API token or
// recovery code.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// NewSessionToken returns a new random session token.
func NewSessionToken() (string, error) { return randomString(32) }

// NewAPIToken returns a new API token in its shown form.
func NewAPIToken() (string, error) {
	s, err := randomString(32)
	if err != nil {
		return "", err
	}
	return APITokenPrefix + s, nil
}

// RecoveryCodeCount is how many one-time recovery codes enrolment issues.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns fresh recovery codes in the form "xxxxx-xxxxx".
func NewRecoveryCodes() ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		s, err := randomString(7)
		if err != nil {
			return nil, err
		}
		codes[i] = s[:5] + "-" + s[5:10]
	}
	return codes, nil
}

// normaliseRecoveryCode accepts codes typed with or without the dash or in
// capitals.
func normaliseRecoveryCode(s string) string {
	s = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	if len(s) != 10 {
		return ""
	}
	return s[:5] + "-" + s[5:]
}
