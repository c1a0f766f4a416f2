package web

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
)

func TestNumbersForPeople(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{fmtNum(53.65853658536586), "53.66"},
		{fmtNum(150.38636363636363), "150.39"},
		{fmtNum(7.627118644067797), "7.63"},
		{fmtNum(1234567.5), "1,234,567.50"},
		{fmtNum(12), "12"},
		{fmtNum(-0.001), "0"},
		{fmtCount(3361), "3,361"},
		{fmtCount(-1200), "-1,200"},
		{fmtPercent(0.53658), "53.7%"},
		{fmtPercent(1), "100%"},
		{grievance.Money{Minor: 3600000, Currency: "USD"}.String(), "USD 36,000.00"},
		{grievance.Money{Minor: 36000, Currency: "JPY"}.String(), "JPY 36,000"},
		{grievance.Money{Minor: 1500, Currency: "KWD"}.String(), "KWD 1.500"},
		{grievance.Money{Minor: 5, Currency: "EUR"}.String(), "EUR 0.05"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	en, es, fr := testLocale(t, "en"), testLocale(t, "es"), testLocale(t, "fr")
	for _, tc := range []struct {
		in, code string
		want     int64
		bad      bool
	}{
		{"120,50", "USD", 12050, false}, // a European decimal comma on an English page
		{"1,5", "USD", 150, false},
		{"1,2345", "USD", 0, true},
		{"1,23,456", "USD", 0, true},
		{"1 234.50", "USD", 123450, false},
		{"36000", "USD", 3600000, false},
		{"36,000.50", "USD", 3600050, false},
		{"120.5", "EUR", 12050, false},
		{"36000", "JPY", 36000, false},
		{"1.5", "JPY", 0, true},
		{"1.234", "KWD", 1234, false},
		{"", "USD", 0, false},
		{"12.345", "USD", 0, true},
		{"-5", "USD", 0, true},
		{"ten", "USD", 0, true},
	} {
		got, err := parseMoney(en, tc.in, tc.code)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v", tc.in, tc.code, got, err)
		}
	}
	// On a Spanish or French page the comma is the decimal mark and the
	// point, space or no-break space groups thousands; a lone point before
	// two digits is still read as decimals.
	for _, tc := range []struct {
		l        *locale
		in, code string
		want     int64
		bad      bool
	}{
		{es, "36.000,50", "USD", 3600050, false},
		{es, "120,5", "EUR", 12050, false},
		{es, "120.50", "EUR", 12050, false},
		{es, "1.234", "USD", 123400, false},
		{es, "1.234", "KWD", 1234000, false},
		{es, "1,234", "KWD", 1234, false},
		{es, "1,5", "JPY", 0, true},
		{es, "12,345", "USD", 0, true},
		{fr, "36\u202f000,50", "USD", 3600050, false},
		{fr, "36 000,50", "USD", 3600050, false},
		{fr, "36000", "USD", 3600000, false},
		{fr, "3.60.00", "USD", 0, true},
	} {
		got, err := parseMoney(tc.l, tc.in, tc.code)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("%s: parseMoney(%q, %s) = %d, %v", tc.l.Code, tc.in, tc.code, got, err)
		}
	}
	if _, err := parseMoney(es, "diez", "USD"); err == nil || es.errorText(err) != "Importe: escríbalo así: 120,50." {
		t.Errorf("a Spanish amount error: %v", es.errorText(err))
	}
}

// Amounts read with the page's separators and the currency's decimals.
func TestMoneyPerLocale(t *testing.T) {
	m := grievance.Money{Minor: 3600050, Currency: "USD"}
	for code, want := range map[string]string{"en": "USD 36,000.50", "es": "USD 36.000,50", "pt": "USD 36.000,50", "fr": "USD 36\u202f000,50"} {
		got := testLocale(t, code).money(m)
		if code == "fr" {
			got = strings.ReplaceAll(got, "\u00a0", "\u202f")
		}
		if got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	if got := testLocale(t, "en").money(m); got != m.String() {
		t.Errorf("English %q differs from the domain's %q", got, m.String())
	}
	if got := testLocale(t, "es").money(grievance.Money{Minor: 36000, Currency: "JPY"}); got != "JPY 36.000" {
		t.Errorf("yen: %q", got)
	}
}

// A figure typed into the impact forms is never read a thousand times too
// small or too large: the other language's mark groups thousands when it
// groups digits in threes, and is a decimal mark only where it cannot be
// grouping.
func TestParseFigure(t *testing.T) {
	en, es, fr, pt := testLocale(t, "en"), testLocale(t, "es"), testLocale(t, "fr"), testLocale(t, "pt")
	for _, tc := range []struct {
		l    *locale
		in   string
		want float64
		bad  bool
	}{
		{es, "1.200", 1200, false}, // grouping, as Spanish writes thousands
		{pt, "1.200", 1200, false},
		{fr, "1.200", 1200, false},
		{es, "12.345.678", 12345678, false},
		{es, "1.200,5", 1200.5, false},
		{es, "1200,5", 1200.5, false},
		{es, "1,5", 1.5, false},
		{es, "1.5", 1.5, false},     // a decimal point, since nobody groups one digit
		{es, "0.125", 0.125, false}, // a group cannot start with a zero
		{es, "-1.200", -1200, false},
		{es, "-1.5", -1.5, false},
		{fr, "1 200,5", 1200.5, false},
		{fr, "1\u202f200,5", 1200.5, false},
		{en, "1,200", 1200, false},
		{en, "1,200.5", 1200.5, false},
		{en, "1.5", 1.5, false},
		{en, "2,75", 2.75, false}, // a European decimal comma on an English page
		{en, "1,2345", 1.2345, false},
		{en, "0", 0, false},
		{es, "1.5,2", 0, true},
		{es, "1.20.0", 0, true},
		{en, "1,5.2", 0, true},
		{en, "1,20,000", 0, true},
		{en, "", 0, true},
		{en, "abc", 0, true},
		{es, "1,", 0, true},
		{en, "NaN", 0, true},
		{en, "1e999", 0, true},
	} {
		got, ok := tc.l.parseFigure(tc.in)
		if ok == tc.bad || (ok && got != tc.want) {
			t.Errorf("%s %q: %v, %v; want %v, ok %v", tc.l.Code, tc.in, got, ok, tc.want, !tc.bad)
		}
		if ok {
			// What the grid shows again reads back as the same figure.
			if back, ok := tc.l.parseFigure(tc.l.figureText(got)); !ok || back != got {
				t.Errorf("%s %q: shown as %q, read back as %v, %v", tc.l.Code, tc.in, tc.l.figureText(got), back, ok)
			}
		}
	}
}
