package supplychain

import (
	"crypto/sha1"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// CheckLEI validates an ISO 17442 Legal Entity Identifier: 18 upper-case
// alphanumerics followed by two check digits, such that the whole code, read
// with letters as 10..35, is 1 modulo 97 (ISO 7064 MOD 97-10).
func CheckLEI(lei string) error {
	if len(lei) != 20 {
		return kernel.InvalidField("lei", "%q has %d characters; an LEI has 20", lei, len(lei))
	}
	rem := 0
	for i := 0; i < len(lei); i++ {
		c := lei[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z' && i < 18:
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		default:
			return kernel.InvalidField("lei", "%q has %q at position %d; an LEI is 18 letters or digits and 2 check digits", lei, c, i+1)
		}
	}
	if rem != 1 {
		return kernel.InvalidField("lei", "%q fails the ISO 17442 check digits", lei)
	}
	return nil
}

// GS1CheckDigit returns the GS1 modulo-10 check digit for the digits in
// body (a GLN without its last digit, for instance).
func GS1CheckDigit(body string) byte {
	sum := 0
	weight := 3
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * weight
		weight = 4 - weight // alternates 3, 1, 3, ...
	}
	return byte('0' + (10-sum%10)%10)
}

// CheckGLN validates a GS1 Global Location Number: 13 digits whose last is
// the GS1 check digit of the first 12.
func CheckGLN(gln string) error {
	if len(gln) != 13 {
		return kernel.InvalidField("gln", "%q has %d characters; a GLN has 13 digits", gln, len(gln))
	}
	for i := 0; i < len(gln); i++ {
		if gln[i] < '0' || gln[i] > '9' {
			return kernel.InvalidField("gln", "%q is not all digits", gln)
		}
	}
	if GS1CheckDigit(gln[:12]) != gln[12] {
		return kernel.InvalidField("gln", "%q fails the GS1 check digit (expected %c)", gln, GS1CheckDigit(gln[:12]))
	}
	return nil
}

// idSpace is the UUID name space of Upstream's content-derived identifiers.
// Changing it would change every derived id, so it is fixed for good.
var idSpace = uuid.MustParse("6f1d7c2e-58a4-4b0e-9a51-3c2f8e0d4b17")

// StableID derives an identifier (a name-based UUID, version 5) from kind and
// parts, so that importing the same data again yields the same ids. Kind keeps
// ids from different sources apart ("ref", "facility", "gln", ...).
func StableID(kind string, parts ...string) string {
	var b strings.Builder
	b.WriteString(kind)
	for _, p := range parts {
		b.WriteByte(0)
		b.WriteString(p)
	}
	return uuid.NewSHA1(idSpace, []byte(b.String())).String()
}

// RefID is the id of a party known by the reporting organisation's own
// reference (the id column of the supplier CSV). Surrounding spaces do not
// count; case does, because organisations' references are case-sensitive.
func RefID(ref string) string { return IDString(RefKey(ref)) }

// RefKey is RefID(ref) as its 16 bytes, computed without allocating
// (StableID's hash over a buffer on the stack): readers that look up
// millions of references key their maps by it, which hold no pointers.
func RefKey(ref string) [16]byte {
	ref = strings.TrimSpace(ref)
	var buf [128]byte
	var b []byte
	if n := len(idSpace) + len("ref\x00") + len(ref); n <= len(buf) {
		b = buf[:0]
	} else {
		b = make([]byte, 0, n)
	}
	b = append(b, idSpace[:]...)
	b = append(b, "ref\x00"...)
	b = append(b, ref...)
	sum := sha1.Sum(b)
	var k [16]byte
	copy(k[:], sum[:])
	// A version 5 UUID, as uuid.NewSHA1 makes it.
	k[6] = k[6]&0x0f | 0x50
	k[8] = k[8]&0x3f | 0x80
	return k
}

// IDString writes a key from RefKey as the id it is.
func IDString(k [16]byte) string { return uuid.UUID(k).String() }

// FacilityID is the id of a row that carries no identifier of its own (Open
// Supply Hub lists): a hash of its normalised name, country and address, so
// that case, accents, punctuation and spacing do not make a new facility.
func FacilityID(name, country, address string) string {
	return StableID("facility", NormalKey(name), strings.ToUpper(strings.TrimSpace(country)), NormalKey(address))
}

// NormalKey folds s for comparison: compatibility decomposition, accents
// removed, lower case, and every run of characters that are not letters or
// digits turned into one space.
func NormalKey(s string) string {
	if isSimpleASCII(s) {
		return asciiKey(s)
	}
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

func isSimpleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiKey(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, c)
		default:
			space = true
		}
	}
	return string(b)
}
