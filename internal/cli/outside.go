package cli

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/ingest"
)

// printable reports whether s is valid UTF-8 of printable runes and
// plain spaces only.
func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// terminalSafe escapes every rune of a message line that is not
// printable (control characters, escape sequences, bidirectional
// overrides, invalid UTF-8) as a Go escape, leaving the rest as written.
// It is the last guard before a line reaches the terminal: messages quote
// the outside values they name (see quoted), and this catches any that
// come from deeper layers as they were read.
func terminalSafe(s string) string {
	if printable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r == ' ' || unicode.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

// rowLine is a row error as the terminal shows it: file:line:column:
// field: reason, the file name quoted when it needs it and no control
// character of the file let through.
func rowLine(e ingest.RowError) string {
	e.File = quoteOutside(e.File)
	return terminalSafe(e.Error())
}
