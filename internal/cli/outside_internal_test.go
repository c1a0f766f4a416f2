package cli

import "testing"

func TestQuoteOutsideAndTerminalSafe(t *testing.T) {
	tests := []struct {
		in, quoted, safe string
	}{
		{"suppliers.csv", "suppliers.csv", "suppliers.csv"},
		{"Coopérative Soubré", "Coopérative Soubré", "Coopérative Soubré"},
		{"red\x1b[31m.csv", `"red\x1b[31m.csv"`, `red\x1b[31m.csv`},
		{"bell\a", `"bell\a"`, `bell\a`},
		{"abc\u202edef", `"abc\u202edef"`, `abc\u202edef`},
		{"bad\xffbyte", `"bad\xffbyte"`, `bad\xffbyte`},
		{"new\nline", `"new\nline"`, `new\nline`},
	}
	for _, tt := range tests {
		if got := quoteOutside(tt.in); got != tt.quoted {
			t.Errorf("quoteOutside(%q) = %s, want %s", tt.in, got, tt.quoted)
		}
		if got := terminalSafe(tt.in); got != tt.safe {
			t.Errorf("terminalSafe(%q) = %s, want %s", tt.in, got, tt.safe)
		}
	}
}
