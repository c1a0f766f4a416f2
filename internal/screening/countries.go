package screening

import (
	_ "embed"
	"strings"
)

//go:embed data/countries.tsv
var countriesTSV string

// countryIndex maps a folded country name or code to its ISO 3166 alpha-2
// code. Built once from the embedded table; never modified afterwards.
var countryIndex = buildCountryIndex()

// countryVariants are names used by the lists (OFAC, CBP) and by supplier
// files that the ISO table does not spell.
var countryVariants = map[string]string{
	"burma": "MM", "north korea": "KP", "south korea": "KR", "korea north": "KP", "korea south": "KR",
	"korea": "KR", "vietnam": "VN", "viet nam": "VN", "laos": "LA", "syria": "SY", "iran": "IR",
	"russia": "RU", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
	"united kingdom": "GB", "great britain": "GB", "england": "GB", "uk": "GB",
	"united states": "US", "usa": "US", "united states of america": "US", "us": "US",
	"ivory coast": "CI", "cote d ivoire": "CI", "cote divoire": "CI", "macau": "MO", "macao": "MO",
	"hong kong": "HK", "taiwan": "TW", "palestinian": "PS", "palestine": "PS", "west bank": "PS", "gaza": "PS",
	"region crimea": "UA", "crimea": "UA", "kosovo": "XK", "congo democratic republic of the": "CD",
	"democratic republic of the congo": "CD", "drc": "CD", "congo": "CG", "czech republic": "CZ",
	"turkey": "TR", "turkiye": "TR", "the netherlands": "NL", "holland": "NL", "uae": "AE",
	"united arab emirates": "AE", "brunei": "BN", "cape verde": "CV", "swaziland": "SZ", "macedonia": "MK",
	"north macedonia": "MK", "micronesia": "FM", "st kitts and nevis": "KN", "saint kitts and nevis": "KN",
	"vatican": "VA", "prc": "CN", "peoples republic of china": "CN", "mainland china": "CN",
}

func foldCountry(s string) string {
	return strings.Join(splitWords(foldScript(s)), " ")
}

func buildCountryIndex() map[string]string {
	m := make(map[string]string, 1200)
	for _, line := range strings.Split(countriesTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			continue
		}
		a2 := f[0]
		m[strings.ToLower(a2)] = a2
		m[strings.ToLower(f[1])] = a2
		for _, n := range f[2:] {
			k := foldCountry(strings.ReplaceAll(n, "(the)", ""))
			if _, taken := m[k]; !taken {
				m[k] = a2
			}
		}
	}
	for k, v := range countryVariants {
		m[k] = v
	}
	return m
}

// CountryCode returns the ISO 3166 alpha-2 code of a country given as a
// code (alpha-2 or alpha-3) or an English name in its common variants, and
// false when it is not recognised.
func CountryCode(s string) (string, bool) {
	k := foldCountry(s)
	if k == "" {
		return "", false
	}
	c, ok := countryIndex[k]
	return c, ok
}

// countryOrRaw returns the ISO code when recognised, else the trimmed input.
func countryOrRaw(s string) string {
	s = strings.TrimSpace(s)
	if c, ok := CountryCode(s); ok {
		return c
	}
	return s
}
