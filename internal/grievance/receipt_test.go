package grievance_test

import (
	"bytes"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func seeded(seed byte) *mrand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return mrand.NewChaCha8(s)
}

func TestNewReceipt(t *testing.T) {
	r := seeded(1)
	counts := [10]int{}
	seen := map[string]bool{}
	for range 2000 {
		rc, err := grievance.NewReceipt(r)
		if err != nil {
			t.Fatal(err)
		}
		d := rc.Display()
		if len(d) != 24 || strings.Count(d, "-") != 4 {
			t.Fatalf("display %q", d)
		}
		if seen[d] {
			t.Fatalf("repeated receipt %s", d)
		}
		seen[d] = true
		for _, c := range strings.ReplaceAll(d, "-", "") {
			counts[c-'0']++
		}
		back, err := grievance.ParseReceipt(d)
		if err != nil || back != rc {
			t.Fatalf("round trip of %s: %v", d, err)
		}
		if rc.Locator() != strings.ReplaceAll(d, "-", "")[:grievance.LocatorDigits] {
			t.Fatalf("locator %s of %s", rc.Locator(), d)
		}
	}
	// 40,000 digits: each digit should appear about 4,000 times.
	for d, n := range counts {
		if n < 3600 || n > 4400 {
			t.Errorf("digit %d appeared %d times", d, n)
		}
	}
	if _, err := grievance.NewReceipt(bytes.NewReader(nil)); !kernel.IsCode(err, kernel.Internal) {
		t.Fatalf("empty randomness: %v", err)
	}
}

func TestReceiptDoesNotLeakWhenPrinted(t *testing.T) {
	rc, _ := grievance.ParseReceipt("1234-5678-9012-3456-7890")
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "receipt", rc)
	for _, s := range []string{fmt.Sprint(rc), fmt.Sprintf("%v %+v %#v %s", rc, rc, rc, rc), logs.String()} {
		if strings.Contains(s, "5678") || strings.Contains(s, "7890") {
			t.Fatalf("secret digits printed: %s", s)
		}
		if !strings.Contains(s, "1234") {
			t.Fatalf("locator missing: %s", s)
		}
	}
}

func TestParseReceipt(t *testing.T) {
	const want = "1234-5678-9012-3456-7890"
	ok := []struct{ name, in string }{
		{"as shown", want},
		{"no separators", "12345678901234567890"},
		{"spaces", " 1234 5678 9012 3456 7890 "},
		{"mixed separators", "1234.5678_9012 - 3456–7890"},
		{"no-break spaces", "1234\u00a05678\u202f9012\u00a03456\u00a07890"},
		{"Arabic-Indic", "١٢٣٤-٥٦٧٨-٩٠١٢-٣٤٥٦-٧٨٩٠"},
		{"Persian", "۱۲۳۴ ۵۶۷۸ ۹۰۱۲ ۳۴۵۶ ۷۸۹۰"},
		{"Arabic with direction marks", "\u200f١٢٣٤\u200f-\u200f٥٦٧٨-٩٠١٢-٣٤٥٦-٧٨٩٠\u200e"},
		{"Devanagari", "१२३४-५६७८-९०१२-३४५६-७८९०"},
		{"Bengali", "১২৩৪-৫৬৭৮-৯০১২-৩৪৫৬-৭৮৯০"},
		{"Thai", "๑๒๓๔-๕๖๗๘-๙๐๑๒-๓๔๕๖-๗๘๙๐"},
		{"Myanmar", "၁၂၃၄-၅၆၇၈-၉၀၁၂-၃၄၅၆-၇၈၉၀"},
		{"full-width", "１２３４－５６７８－９０１２－３４５６－７８９０"},
		{"mathematical bold", "𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎"},
		{"mixed scripts", "1234-٥٦٧٨-९०१२-３４５６-7890"},
		{"line break", "1234-5678-9012\n3456-7890"},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			rc, err := grievance.ParseReceipt(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if rc.Display() != want {
				t.Fatalf("got %s", rc.Display())
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"19 digits", "1234-5678-9012-3456-789"},
		{"21 digits", "1234-5678-9012-3456-78901"},
		{"letter", "1234-5678-9012-3456-789O"},
		{"plus sign", "+1234-5678-9012-3456-7890"},
		{"invalid UTF-8", "1234-5678-9012-3456-789\xff0"},
		{"very long", strings.Repeat(" ", 300) + want},
		{"many digits", strings.Repeat("1", 100)},
		{"superscript digits", "¹²³⁴567890123456789"},
		{"markup", "<b>1234</b>-5678-9012-3456-7890"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := grievance.ParseReceipt(c.in)
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("got %v", err)
			}
			if strings.Contains(err.Error(), "5678") {
				t.Fatalf("error repeats the input: %v", err)
			}
		})
	}
}

// FuzzParseReceipt: receipts come from web forms and SMS bodies.
func FuzzParseReceipt(f *testing.F) {
	for _, s := range []string{"1234-5678-9012-3456-7890", "١٢٣٤-٥٦٧٨-٩٠١٢-٣٤٥٦-٧٨٩٠", "", "\xff", "𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎", strings.Repeat("9", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rc, err := grievance.ParseReceipt(s)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("uncategorised error %v", err)
			}
			return
		}
		d := rc.Display()
		back, err := grievance.ParseReceipt(d)
		if err != nil || back != rc {
			t.Fatalf("%q parsed to %s which does not round trip", s, d)
		}
		if strings.Contains(rc.String(), d[5:9]) && d[5:9] != d[:4] && d[5:9] != "****" {
			t.Fatalf("String shows secret digits")
		}
	})
}

func TestExtractReceipt(t *testing.T) {
	const want = "1234-5678-9012-3456-7890"
	cases := []struct {
		name, body string
		ok         bool
		rest       string
	}{
		{"alone", want, true, ""},
		{"then text", want + " they moved us to another site", true, "they moved us to another site"},
		{"after text", "my receipt: " + want, true, "my receipt:"},
		{"in the middle", "receipt " + want + " please reply", true, "receipt please reply"},
		{"no separators", "12345678901234567890 hello", true, "hello"},
		{"number after it", want + " 12 workers left", true, "12 workers left"},
		{"number before it", "12 " + want, true, "12"},
		{"Arabic-Indic", "١٢٣٤ ٥٦٧٨ ٩٠١٢ ٣٤٥٦ ٧٨٩٠ مرحبا", true, "مرحبا"},
		{"phone number only", "call +60 12-345 6789 now", false, ""},
		{"too few digits", "1234-5678-9012-3456-789 hi", false, ""},
		{"groups overshoot", "123456789012345678901 hi", false, ""},
		{"split by a line break", "1234-5678-9012\n3456-7890", false, ""},
		{"empty", "", false, ""},
		{"receipt after a phone number", "+60 12-345 6789, " + want, true, "+60 12-345 6789,"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc, rest, ok := grievance.ExtractReceipt(c.body)
			if ok != c.ok {
				t.Fatalf("ok %v", ok)
			}
			if !ok {
				if rest != c.body {
					t.Fatalf("body changed without a receipt: %q", rest)
				}
				return
			}
			if rc.Display() != want {
				t.Fatalf("receipt %s", rc.Display())
			}
			if rest != c.rest {
				t.Fatalf("rest %q, want %q", rest, c.rest)
			}
		})
	}
}

// FuzzExtractReceipt: SMS and messaging bodies are outside input.
func FuzzExtractReceipt(f *testing.F) {
	for _, s := range []string{"1234-5678-9012-3456-7890 hi", "hi ١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠", "", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0", "\xff1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rc, rest, ok := grievance.ExtractReceipt(s)
		if !ok {
			return
		}
		if len(rest) >= len(s) && len(s) <= 4096 {
			t.Fatalf("receipt found but nothing removed from %q", s)
		}
		if _, err := grievance.ParseReceipt(rc.Display()); err != nil {
			t.Fatalf("extracted receipt does not parse: %v", err)
		}
	})
}

// A handler finds a report by the locator the reporter reads out, in any
// script and spacing, or by the whole receipt, whose secret part is dropped
// from the error too.
func TestParseLocator(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"123456", "123456"},
		{"1234-56", "123456"},
		{" 1234 56 ", "123456"},
		{"١٢٣٤-٥٦", "123456"},
		{"1234-5678-9012-3456-7890", "123456"},
		{"１２３４５６", "123456"},
	} {
		got, err := grievance.ParseLocator(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseLocator(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "12345", "12a456", "1234-5x", strings.Repeat("1", 300)} {
		_, err := grievance.ParseLocator(in)
		if !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("ParseLocator(%q) = %v; want Invalid", in, err)
			continue
		}
		if strings.Contains(err.Error(), in) && in != "" {
			t.Errorf("ParseLocator(%q) repeats what was typed: %v", in, err)
		}
	}
}
