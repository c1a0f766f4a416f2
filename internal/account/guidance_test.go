package account_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
)

// TestPickGuidance: the reporter's language beats their country; their
// country beats anywhere; another language is better than nothing.
func TestPickGuidance(t *testing.T) {
	all := []account.EmergencyGuidance{
		{Country: "", Lang: "es", Text: "any-es"},
		{Country: "IN", Lang: "en", Text: "in-en"},
		{Country: "", Lang: "en", Text: "any-en"},
		{Country: "BD", Lang: "ar", Text: "bd-ar"},
		{Country: "", Lang: "ar", Text: "any-ar"},
	}
	for _, tc := range []struct{ country, lang, want string }{
		{"IN", "en", "in-en"},
		{"in", "en", "in-en"},
		{"IN", "es", "any-es"},
		{"BD", "ar", "bd-ar"},
		{"BD", "fr", "bd-ar"},
		{"", "fr", "any-ar"},
		{"", "en", "any-en"},
		{"MX", "es", "any-es"},
	} {
		g, ok := account.PickGuidance(all, tc.country, tc.lang)
		if !ok || g.Text != tc.want {
			t.Errorf("PickGuidance(%q, %q) = %q, want %q", tc.country, tc.lang, g.Text, tc.want)
		}
	}
	if _, ok := account.PickGuidance(nil, "IN", "en"); ok {
		t.Error("guidance found where none was written")
	}
	for _, bad := range []account.EmergencyGuidance{
		{Country: "India", Lang: "en", Text: "x"}, {Country: "in", Lang: "en", Text: "x"}, {Lang: "", Text: "x"},
		{Lang: "en", Text: "   "}, {Lang: "en", Text: string(make([]byte, account.MaxGuidanceBytes+1))},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
