package vault

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// The recovery key is an X25519 private key printed once, at set-up, for the
// organisation to keep offline (on paper, in a safe). Every report's data key
// is also wrapped to its public half, so a report stays recoverable when a
// handler forgets a password or leaves. The printed form is Crockford base32
// (no I, L, O or U to misread), grouped by four, with a version prefix and a
// 3-byte checksum that catches typing mistakes before any report is touched.

const (
	recoveryPrefix   = "UPR1"
	recoveryChecksum = 3
	recoveryRawLen   = 32 + recoveryChecksum // 35 bytes = 280 bits = 56 characters
	recoveryChars    = recoveryRawLen * 8 / 5
	crockford        = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// NewRecoveryKey makes the organisation's recovery key pair. Store the
// public key; show the string once and do not store it.
func (v *Vault) NewRecoveryKey() (*PrivateKey, string, error) {
	k, err := v.NewKeyPair()
	if err != nil {
		return nil, "", err
	}
	return k, FormatRecoveryKey(k), nil
}

func recoverySum(key []byte) []byte {
	h := sha256.Sum256(append([]byte("upstream/recovery/v1\x00"), key...))
	return h[:recoveryChecksum]
}

// FormatRecoveryKey returns the printable form of a recovery key,
// "UPR1-XXXX-XXXX-..." with fourteen groups of four after the prefix.
func FormatRecoveryKey(k *PrivateKey) string {
	raw := append(k.k.Bytes(), recoverySum(k.k.Bytes())...)
	var sb strings.Builder
	sb.WriteString(recoveryPrefix)
	var acc uint64
	bits := 0
	n := 0
	for _, b := range raw {
		acc = acc<<8 | uint64(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			if n%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(crockford[(acc>>uint(bits))&31])
			n++
		}
	}
	return sb.String()
}

// ParseRecoveryKey reads a recovery key as printed by FormatRecoveryKey. It
// tolerates lower case, spaces, dashes, and the letters O, I and L typed for
// 0, 1 and 1. A wrong character or checksum gives an Invalid error that says
// so without echoing the input.
func ParseRecoveryKey(s string) (*PrivateKey, error) {
	if len(s) > 512 {
		return nil, kernel.Errorf(kernel.Invalid, "recovery key is too long")
	}
	var clean []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		clean = append(clean, c)
	}
	if len(clean) < len(recoveryPrefix) || string(clean[:len(recoveryPrefix)]) != recoveryPrefix {
		return nil, kernel.Errorf(kernel.Invalid, "recovery key must start with %s", recoveryPrefix)
	}
	body := clean[len(recoveryPrefix):]
	if len(body) != recoveryChars {
		return nil, kernel.Errorf(kernel.Invalid, "recovery key must have %d characters after %s, got %d", recoveryChars, recoveryPrefix, len(body))
	}
	raw := make([]byte, 0, recoveryRawLen)
	var acc uint64
	bits := 0
	for i, c := range body {
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		d := strings.IndexByte(crockford, c)
		if d < 0 {
			return nil, kernel.Errorf(kernel.Invalid, "recovery key has an invalid character at position %d", i+1)
		}
		acc = acc<<5 | uint64(d)
		bits += 5
		if bits >= 8 {
			bits -= 8
			raw = append(raw, byte(acc>>uint(bits)))
		}
	}
	key, sum := raw[:32], raw[32:]
	defer clear(raw)
	if subtle.ConstantTimeCompare(sum, recoverySum(key)) != 1 {
		return nil, kernel.Errorf(kernel.Invalid, "recovery key checksum does not match: check for a typing mistake")
	}
	return privateFromBytes(key)
}
