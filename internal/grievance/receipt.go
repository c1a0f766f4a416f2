package grievance

import (
	"io"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Receipt sizes: a 6-digit locator that narrows the search and 14 secret
// digits (about 46.5 bits, each guess an argon2id run) that prove the
// holder is the reporter and decide which report opens.
//
// Locators are not unique: several live reports of one organisation may
// share one, and the secret decides between them. Intake therefore never
// runs out of receipts, whatever volume of junk is submitted; it draws a
// few locators and takes the least used, so that a follow-up checks about
// one verifier per million live reports.
const (
	LocatorDigits = 6
	SecretDigits  = 14
	ReceiptDigits = LocatorDigits + SecretDigits
)

// maxReceiptInput bounds how much text Parse will look at; a receipt with
// generous spacing is well under this.
const maxReceiptInput = 256

// Receipt is what a reporter keeps to come back to a report. There is no
// reset: losing it loses the reporter's access (handlers keep theirs).
//
// Its String, GoString and LogValue methods hide the secret digits, so a
// receipt that reaches a log or an error message by mistake leaks nothing
// but the locator. Display returns the full text for the reporter.
type Receipt struct {
	d [ReceiptDigits]byte // digit values 0..9
}

// NewReceipt draws a receipt with every digit uniform from r (crypto/rand in
// production).
func NewReceipt(r io.Reader) (Receipt, error) {
	var rc Receipt
	var buf [32]byte
	n := 0
	for n < ReceiptDigits {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return Receipt{}, kernel.Wrap(kernel.Internal, err, "reading random bytes")
		}
		for _, b := range buf {
			// Rejecting 250..255 keeps each digit exactly uniform.
			if b >= 250 || n == ReceiptDigits {
				continue
			}
			rc.d[n] = b % 10
			n++
		}
	}
	return rc, nil
}

// Locator returns the locator digits as ASCII text.
func (r Receipt) Locator() string { return digitsText(r.d[:LocatorDigits]) }

// IsZero reports whether r is the zero Receipt (never issued or parsed).
func (r Receipt) IsZero() bool { return r == Receipt{} }

// Display returns the receipt in groups of four, "1234-5678-9012-3456-7890",
// for showing to the reporter once.
func (r Receipt) Display() string {
	out := make([]byte, 0, ReceiptDigits+ReceiptDigits/4-1)
	for i, d := range r.d {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, '0'+d)
	}
	return string(out)
}

// String shows only the locator, in the grouping of Display.
func (r Receipt) String() string {
	out := make([]byte, 0, ReceiptDigits+ReceiptDigits/4-1)
	for i, d := range r.d {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		if i < LocatorDigits {
			out = append(out, '0'+d)
		} else {
			out = append(out, '*')
		}
	}
	return string(out)
}

// GoString shows only the locator.
func (r Receipt) GoString() string { return "grievance.Receipt(" + r.String() + ")" }

// LogValue keeps the secret digits out of structured logs.
func (r Receipt) LogValue() slog.Value { return slog.StringValue(r.String()) }

// kdfInput is what is stretched: the secret digits. The locator is left out
// so intake can move a new report to a less used locator without
// stretching again; the per-report salt already ties the secret to one
// report.
func (r Receipt) kdfInput() []byte { return []byte(digitsText(r.d[LocatorDigits:])) }

// withLocator returns r with the locator digits drawn afresh from rand.
func (r Receipt) withLocator(rand io.Reader) (Receipt, error) {
	fresh, err := NewReceipt(rand)
	if err != nil {
		return Receipt{}, err
	}
	copy(r.d[:LocatorDigits], fresh.d[:LocatorDigits])
	return r, nil
}

// onLocator returns r with the given locator digits (ASCII, LocatorDigits
// long; anything else leaves r unchanged).
func (r Receipt) onLocator(locator string) Receipt {
	if len(locator) != LocatorDigits {
		return r
	}
	for i := range LocatorDigits {
		c := locator[i]
		if c < '0' || c > '9' {
			return r
		}
		r.d[i] = c - '0'
	}
	return r
}

func digitsText(d []byte) string {
	b := make([]byte, len(d))
	for i, v := range d {
		b[i] = '0' + v
	}
	return string(b)
}

// ParseReceipt reads a receipt typed by a reporter. It accepts decimal
// digits of any script (ASCII, Arabic-Indic, Persian, Devanagari, full-width
// and the rest of Unicode's Nd category) and ignores spaces, dashes, dots,
// underscores and the invisible direction marks that right-to-left keyboards
// insert. Errors never repeat the input, which may be a real receipt.
func ParseReceipt(s string) (Receipt, error) {
	if len(s) > maxReceiptInput {
		return Receipt{}, kernel.Errorf(kernel.Invalid, "the receipt is too long: it has %d digits", ReceiptDigits)
	}
	var rc Receipt
	n := 0
	for _, c := range s {
		if d, ok := digitValue(c); ok {
			if n < ReceiptDigits {
				rc.d[n] = d
			}
			n++
			continue
		}
		if ignorable(c) {
			continue
		}
		if c == unicode.ReplacementChar {
			return Receipt{}, kernel.Errorf(kernel.Invalid, "the receipt contains unreadable characters; type only its %d digits", ReceiptDigits)
		}
		return Receipt{}, kernel.Errorf(kernel.Invalid, "the receipt may contain only digits, spaces and dashes")
	}
	if n != ReceiptDigits {
		return Receipt{}, kernel.Errorf(kernel.Invalid, "the receipt has %d digits; %d were typed", ReceiptDigits, n)
	}
	return rc, nil
}

// digitValue returns the value of a Unicode decimal digit. Unicode encodes
// every decimal digit set as ten consecutive code points from zero to nine,
// and each range of the Nd table is a whole number of such sets.
func digitValue(c rune) (byte, bool) {
	if c >= '0' && c <= '9' {
		return byte(c - '0'), true
	}
	if c < 0x80 || !unicode.Is(unicode.Nd, c) {
		return 0, false
	}
	for _, r := range unicode.Nd.R16 {
		if c >= rune(r.Lo) && c <= rune(r.Hi) {
			return byte((c - rune(r.Lo)) % 10), true
		}
	}
	for _, r := range unicode.Nd.R32 {
		if c >= rune(r.Lo) && c <= rune(r.Hi) {
			return byte((c - rune(r.Lo)) % 10), true
		}
	}
	return 0, false
}

func ignorable(c rune) bool {
	switch c {
	case '.', '_', '\u00B7', '\u30FB', // dots people type between groups
		'\u200B', '\u200C', '\u200D', '\uFEFF', // zero-width characters
		'\u200E', '\u200F', '\u061C', // direction marks
		'\u202A', '\u202B', '\u202C', '\u202D', '\u202E',
		'\u2066', '\u2067', '\u2068', '\u2069':
		return true
	}
	return unicode.IsSpace(c) || unicode.Is(unicode.Pd, c) || c == '\u2212' // minus sign
}

// maxMessageScan bounds how much of a message ExtractReceipt reads.
const maxMessageScan = 4096

// ExtractReceipt finds a receipt in a message body (an SMS that continues a
// report: "1234-5678-9012-3456-7890 they moved us to another site"). It
// looks for a run of digit groups, separated by spaces, dashes or dots, in
// which consecutive groups hold exactly twenty digits, and returns the receipt and the
// body with the receipt removed. It takes the first such run and reports
// false when there is none; a phone number or an amount in the text does not
// match, since neither has twenty digits at a group boundary.
func ExtractReceipt(body string) (Receipt, string, bool) {
	if len(body) > maxMessageScan {
		body = body[:maxMessageScan]
	}
	type group struct {
		start, end int // byte offsets in body
		digits     []byte
	}
	var run []group
	// flush looks in the current run for consecutive groups, starting at
	// any group, that hold exactly twenty digits.
	flush := func() (Receipt, int, int, bool) {
		for from := range run {
			n := 0
			var rc Receipt
			for i := from; i < len(run); i++ {
				g := run[i]
				if n+len(g.digits) > ReceiptDigits {
					break
				}
				copy(rc.d[n:], g.digits)
				n += len(g.digits)
				if n == ReceiptDigits {
					return rc, run[from].start, g.end, true
				}
			}
		}
		return Receipt{}, 0, 0, false
	}
	var cur *group
	for i, c := range body {
		if d, ok := digitValue(c); ok {
			if cur == nil {
				run = append(run, group{start: i})
				cur = &run[len(run)-1]
			}
			cur.digits = append(cur.digits, d)
			cur.end = i + utf8.RuneLen(c)
			continue
		}
		cur = nil
		if ignorable(c) && c != '\n' && c != '\r' {
			continue
		}
		if rc, s, e, ok := flush(); ok {
			return rc, joinAround(body, s, e), true
		}
		run = run[:0]
	}
	if rc, s, e, ok := flush(); ok {
		return rc, joinAround(body, s, e), true
	}
	return Receipt{}, body, false
}

func joinAround(body string, start, end int) string {
	return strings.TrimSpace(strings.TrimSpace(body[:start]) + " " + strings.TrimSpace(body[end:]))
}

// ParseLocator reads the locator a case handler types to find a report: the
// receipt's first LocatorDigits digits, in any script, with any spacing or
// dashes. A whole receipt read out by a reporter is accepted too, and only
// its locator kept: the secret digits go no further.
func ParseLocator(s string) (string, error) {
	if len(s) > maxReceiptInput {
		return "", kernel.Errorf(kernel.Invalid, "receipt: type its first %d digits", LocatorDigits)
	}
	var d [LocatorDigits]byte
	n := 0
	for _, c := range s {
		if v, ok := digitValue(c); ok {
			if n < LocatorDigits {
				d[n] = v
			}
			n++
			continue
		}
		if ignorable(c) {
			continue
		}
		return "", kernel.Errorf(kernel.Invalid, "receipt: type only digits, the first %d of the receipt", LocatorDigits)
	}
	if n < LocatorDigits {
		return "", kernel.Errorf(kernel.Invalid, "receipt: type its first %d digits; %d were typed", LocatorDigits, n)
	}
	return digitsText(d[:]), nil
}
