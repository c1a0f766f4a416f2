package screening

import (
	"strings"
	"sync"

	"github.com/upstream-platform/upstream/internal/country"
)

// listTerritories are places the sanctions lists name in their country
// column that are not ISO 3166 countries themselves; each is counted under
// the code of the country table entry that covers it.
var listTerritories = map[string]string{
	"west bank": "PS", "gaza": "PS", "gaza strip": "PS", "palestinian": "PS",
	"crimea": "UA", "northern mali": "ML",
}

// countryMemo remembers resolved country strings: list files repeat the
// same few hundred spellings thousands of times, and an unknown one would
// otherwise cost a closest-name search in the country table every time.
var countryMemo struct {
	sync.Mutex
	m map[string]string // "" for unknown
}

const countryMemoMax = 4096

// CountryCode returns the ISO 3166 alpha-2 code of a country given as a
// code (alpha-2 or alpha-3) or an English name in its common variants, and
// false when it is not recognised. It resolves through internal/country,
// the project's one country table, plus a few territories the lists name
// ("Region: Crimea", "West Bank").
func CountryCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 {
		return "", false
	}
	countryMemo.Lock()
	c, ok := countryMemo.m[s]
	countryMemo.Unlock()
	if ok {
		return c, c != ""
	}
	c = resolveCountry(s)
	countryMemo.Lock()
	if countryMemo.m == nil {
		countryMemo.m = make(map[string]string, 256)
	}
	if len(countryMemo.m) < countryMemoMax {
		countryMemo.m[s] = c
	}
	countryMemo.Unlock()
	return c, c != ""
}

func resolveCountry(s string) string {
	if c, err := country.Lookup(s); err == nil {
		return c.Alpha2
	}
	k := strings.Join(splitWords(foldScript(s)), " ")
	k = strings.TrimPrefix(k, "region ")
	if c, ok := listTerritories[k]; ok {
		return c
	}
	if c, err := country.Lookup(k); err == nil {
		return c.Alpha2
	}
	return ""
}

// countryOrRaw returns the ISO code when recognised, else the trimmed input.
func countryOrRaw(s string) string {
	s = strings.TrimSpace(s)
	if c, ok := CountryCode(s); ok {
		return c
	}
	return s
}
