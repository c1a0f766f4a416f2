package screening

import "testing"

func TestCountryCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"CN", "CN", true},
		{"chn", "CN", true},
		{"Korea, North", "KP", true},
		{"Bahamas, The", "BS", true},
		{"Region: Crimea", "UA", true},
		{"West Bank", "PS", true},
		{"Palestinian", "PS", true},
		{"undetermined", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			for range 2 { // the second call is answered from the memo
				got, ok := CountryCode(tc.in)
				if got != tc.want || ok != tc.ok {
					t.Fatalf("CountryCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
				}
			}
		})
	}
}
