package vault

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
)

// fingerprintLabel separates key fingerprints from every other hash.
const fingerprintLabel = "upstream/key-fingerprint/v1\x00"

// fingerprintEncoding is RFC 4648 base32, without 0, 1, 8 and 9, so a
// fingerprint read aloud or typed has no O/0 or I/1 confusion.
var fingerprintEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Fingerprint is what two people compare, by voice or in person, before a
// new case handler's key is trusted: 100 bits of the key's SHA-256 as five
// groups of four base32 letters and digits, "ABCD-EFGH-IJKL-MNOP-QRST".
// Someone who could swap the key in the database would have to find a key
// with the same 100 bits, which is out of reach.
func (p PublicKey) Fingerprint() string {
	if p.k == nil {
		return ""
	}
	sum := sha256.Sum256(append([]byte(fingerprintLabel), p.Bytes()...))
	s := fingerprintEncoding.EncodeToString(sum[:13])[:20]
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// SameFingerprint compares a typed fingerprint with the key's, ignoring
// case, spaces and dashes, in constant time.
func (p PublicKey) SameFingerprint(typed string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r == '-' || r == ' ' || r == '\t':
				return -1
			case r >= 'a' && r <= 'z':
				return r - 'a' + 'A'
			}
			return r
		}, s)
	}
	want := norm(p.Fingerprint())
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(norm(typed))) == 1
}
