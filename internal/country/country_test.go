package country_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestLookupKnown(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"CI", "CI"}, {"civ", "CI"}, {"384", "CI"}, {"Ivory Coast", "CI"},
		{"Côte d'Ivoire", "CI"}, {"Cote d'Ivoire", "CI"}, {"Côte d’Ivoire", "CI"},
		{"COTE D IVOIRE", "CI"}, {"Burma", "MM"}, {"Myanmar", "MM"},
		{"Turkey", "TR"}, {"Türkiye", "TR"}, {"Turkiye", "TR"},
		{"South Korea", "KR"}, {"Korea, Republic of", "KR"}, {"Republic of Korea", "KR"},
		{"North Korea", "KP"}, {"Korea, Democratic People's Republic of", "KP"},
		{"Viet Nam", "VN"}, {"Vietnam", "VN"}, {"Russia", "RU"}, {"Russian Federation", "RU"},
		{"Iran", "IR"}, {"Iran (Islamic Republic of)", "IR"}, {"Laos", "LA"},
		{"Lao People's Democratic Republic", "LA"}, {"UK", "GB"}, {"United Kingdom", "GB"},
		{"USA", "US"}, {"United States of America", "US"}, {"U.S.A.", "US"},
		{"Congo, DR", "CD"}, {"Congo, Democratic Republic of the", "CD"}, {"DRC", "CD"},
		{"Democratic Republic of the Congo", "CD"}, {"Congo", "CG"}, {"Republic of the Congo", "CG"},
		{"NA", "NA"}, {"Namibia", "NA"}, {"na", "NA"}, {"516", "NA"},
		{"004", "AF"}, {"4", "AF"}, {"  china ", "CN"}, {"CN", "CN"}, {"CHN", "CN"},
		{"Bolivia (Plurinational State of)", "BO"}, {"Plurinational State of Bolivia", "BO"},
		{"Tanzania, United Republic of", "TZ"}, {"Kosovo", "XK"}, {"XK", "XK"},
		{"Hong Kong", "HK"}, {"Taiwan", "TW"}, {"Trinidad & Tobago", "TT"},
		{"Saint Kitts and Nevis", "KN"}, {"St. Kitts & Nevis", "KN"}, {"São Tomé and Príncipe", "ST"},
		{"Bosnia and Herzegovina", "BA"}, {"Czech Republic", "CZ"}, {"Eswatini", "SZ"},
		{"Åland Islands", "AX"}, {"Curaçao", "CW"}, {"Réunion", "RE"}, {"UAE", "AE"},
		{"the Netherlands", "NL"}, {"Gambia, The", "GM"}, {"Bahamas, The", "BS"},
		{"Micronesia, Federated States of", "FM"}, {"Moldova", "MD"}, {"Syria", "SY"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := country.Lookup(tt.in)
			if err != nil {
				t.Fatalf("Lookup(%q): %v", tt.in, err)
			}
			if c.Alpha2 != tt.want {
				t.Fatalf("Lookup(%q) = %s (%s), want %s", tt.in, c.Alpha2, c.Name, tt.want)
			}
		})
	}
}

func TestLookupUnknown(t *testing.T) {
	tests := []struct {
		in      string
		wantMsg string
	}{
		{"Frnace", `unknown country "Frnace"; did you mean France (FR)?`},
		{"Germny", `did you mean Germany (DE)?`},
		{"Ivroy Coast", `did you mean Côte d'Ivoire (CI)?`},
		{"XX", `unknown country code "XX"`},
		{"QQQ", `unknown country code "QQQ"`},
		{"999", `unknown ISO 3166 numeric country code "999"`},
		{"", `country is empty`},
		{"   ", `country is empty`},
		{"Atlantis Federation of Nowhere", `unknown country "Atlantis Federation of Nowhere"; use an ISO 3166`},
		{"\xff\xfe", `not valid UTF-8`},
		{strings.Repeat("a", 500), `too long`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := country.Lookup(tt.in)
			if err == nil {
				t.Fatalf("Lookup(%q) succeeded, want an error", tt.in)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("error code = %s, want invalid", kernel.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestAllAndByAlpha2(t *testing.T) {
	all := country.All()
	if len(all) != 250 {
		t.Errorf("All() has %d countries, want 250 (249 ISO plus Kosovo)", len(all))
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.Alpha2] {
			t.Errorf("duplicate alpha-2 %s", c.Alpha2)
		}
		seen[c.Alpha2] = true
		got, ok := country.ByAlpha2(strings.ToLower(c.Alpha2))
		if !ok || got != c {
			t.Errorf("ByAlpha2(%s) = %v, %v", c.Alpha2, got, ok)
		}
		// Every country must resolve from each of its own codes and its name.
		for _, in := range []string{c.Alpha2, c.Alpha3, c.Name} {
			got, err := country.Lookup(in)
			if err != nil || got.Alpha2 != c.Alpha2 {
				t.Errorf("Lookup(%q) = %s, %v; want %s", in, got.Alpha2, err, c.Alpha2)
			}
		}
		if c.Numeric != "" {
			if got, err := country.Lookup(c.Numeric); err != nil || got.Alpha2 != c.Alpha2 {
				t.Errorf("Lookup(%q) = %s, %v; want %s", c.Numeric, got.Alpha2, err, c.Alpha2)
			}
		}
	}
	all[0].Name = "changed"
	if country.All()[0].Name == "changed" {
		t.Error("All() returned the shared table, not a copy")
	}
	if _, ok := country.ByAlpha2("ZZ"); ok {
		t.Error("ByAlpha2(ZZ) found a country")
	}
	if c, _ := country.ByAlpha2("FR"); c.Name != "France" || c.Alpha3 != "FRA" || c.Numeric != "250" || c.Region != "Europe" {
		t.Errorf("FR = %+v", c)
	}
}

func TestLookupReferenceSpellings(t *testing.T) {
	for in, want := range map[string]string{
		"Turkey (Türkiye)": "TR", "Kyrgyz Republic": "KG", "West Bank and the Gaza Strip": "PS",
		"Saint Helena, Ascension, and Tristan da Cunha": "SH", "Antigua & Barbuda": "AG", "Brunei Darussalam": "BN",
	} {
		if c, err := country.Lookup(in); err != nil || c.Alpha2 != want {
			t.Errorf("Lookup(%q) = %s, %v; want %s", in, c.Alpha2, err, want)
		}
	}
	for _, in := range []string{"12345", "0000", "1.5"} {
		_, err := country.Lookup(in)
		if err == nil || strings.Contains(err.Error(), "did you mean") {
			t.Errorf("Lookup(%q) = %v; want an error without a suggestion", in, err)
		}
	}
}
