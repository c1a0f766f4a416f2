package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// ConversationHasher replaces a messaging sender's address (a phone number)
// by a keyed hash, so SMS and messaging conversations can be threaded
// without storing who sent them. The key is a server secret from
// configuration, never stored in the database: phone numbers are few enough
// that an unkeyed or database-held hash could be reversed by trying them
// all.
type ConversationHasher struct{ key []byte }

// MinConversationSecret is the minimum length of the server secret in bytes.
const MinConversationSecret = 32

// NewConversationHasher derives the hashing key from a server secret of at
// least MinConversationSecret bytes.
func NewConversationHasher(secret []byte) (*ConversationHasher, error) {
	if len(secret) < MinConversationSecret {
		return nil, kernel.Errorf(kernel.Invalid, "the conversation secret must be at least %d bytes", MinConversationSecret)
	}
	k, err := hkdf.Key(sha256.New, secret, nil, "upstream/conversation/v1", KeySize)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "deriving conversation key")
	}
	return &ConversationHasher{key: k}, nil
}

// Hash returns the thread key for a sender of an organisation on a channel.
// Addresses are normalised first (phone numbers to "+" and digits), so the
// same number written two ways threads together. The result differs per
// organisation, so two organisations' records cannot be joined on it.
func (h *ConversationHasher) Hash(orgID, channel, address string) (string, error) {
	norm := normaliseAddress(address)
	if norm == "" {
		return "", kernel.Errorf(kernel.Invalid, "the sender address is empty")
	}
	if len(norm) > 256 {
		return "", kernel.Errorf(kernel.Invalid, "the sender address is too long")
	}
	m := hmac.New(sha256.New, h.key)
	for _, part := range []string{orgID, channel, norm} {
		// Length prefixes keep ("ab", "c") and ("a", "bc") apart.
		m.Write([]byte{byte(len(part) >> 8), byte(len(part))})
		m.Write([]byte(part))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// normaliseAddress keeps a phone number's digits with a leading "+" (and
// drops a "whatsapp:" style prefix); other addresses are lower-cased.
func normaliseAddress(a string) string {
	if i := lastColon(a); i >= 0 {
		a = a[i+1:]
	}
	digits := make([]byte, 0, len(a))
	phone := true
	for i := 0; i < len(a); i++ {
		c := a[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			phone = false
		}
	}
	if phone {
		if len(digits) == 0 {
			return ""
		}
		return "+" + string(digits)
	}
	out := []byte(a)
	for i, c := range out {
		if c >= 'A' && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return string(out)
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}
