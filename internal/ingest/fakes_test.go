package ingest_test

import (
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// fakeCountries stands in for the country package: the codes and names that
// appear in the test files, nothing more.
var fakeCountries = map[string]string{
	"australia": "AU", "bangladesh": "BD", "brazil": "BR", "argentina": "AR", "cambodia": "KH", "canada": "CA",
	"china": "CN", "dominican republic": "DO", "el salvador": "SV", "france": "FR", "germany": "DE",
	"guatemala": "GT", "haiti": "HT", "honduras": "HN", "india": "IN", "indonesia": "ID", "israel": "IL",
	"italy": "IT", "jordan": "JO", "malaysia": "MY", "mauritius": "MU", "mexico": "MX", "morocco": "MA",
	"myanmar": "MM", "nepal": "NP", "new zealand": "NZ", "nicaragua": "NI", "peru": "PE", "philippines": "PH",
	"portugal": "PT", "romania": "RO", "south africa": "ZA", "sri lanka": "LK", "taiwan": "TW",
	"thailand": "TH", "turkey": "TR", "united states": "US", "usa": "US", "vietnam": "VN",
	"ivory coast": "CI", "côte d'ivoire": "CI", "civ": "CI", "ghana": "GH", "gha": "GH",
}

func fakeCountry(raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if a2, ok := fakeCountries[s]; ok {
		return a2, nil
	}
	if len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' {
		return strings.ToUpper(s), nil
	}
	return "", kernel.Errorf(kernel.Invalid, "unknown country %q; did you mean %q?", raw, "Ghana")
}

var fakeCommodities = map[string]string{
	"cocoa": "cocoa", "cacao": "cocoa", "cocoa beans": "cocoa", "palm oil": "palm-oil", "coffee": "coffee",
	"cotton": "cotton", "garments": "garments", "sugar": "sugarcane",
}

func fakeCommodity(raw string) (string, bool) {
	id, ok := fakeCommodities[strings.ToLower(strings.TrimSpace(raw))]
	return id, ok
}

func fakeInfer(sector, _, _ string) ([]string, string) {
	for _, s := range strings.Split(sector, "|") {
		if strings.EqualFold(strings.TrimSpace(s), "apparel") {
			return []string{"garments", "textiles"}, "sector " + sector
		}
	}
	return nil, ""
}

func opts(name string) ingest.Options {
	return ingest.Options{Name: name, Country: fakeCountry, Commodity: fakeCommodity, Infer: fakeInfer}
}

// checkingSink checks, as an import runs, the contract every sink relies
// on: parties are valid, and a link names parties already sent.
type checkingSink struct {
	ingest.Collector
	ids map[string]bool
}

func newCheckingSink() *checkingSink { return &checkingSink{ids: map[string]bool{}} }

func (s *checkingSink) Party(p supplychain.Party) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("sink got an invalid party %+v: %w", p, err)
	}
	s.ids[p.ID] = true
	return s.Collector.Party(p)
}

func (s *checkingSink) Link(l supplychain.Link) error {
	if err := l.Validate(); err != nil {
		return fmt.Errorf("sink got an invalid link %+v: %w", l, err)
	}
	if !s.ids[l.Supplier] || (l.Buyer != supplychain.Reporting && !s.ids[l.Buyer]) {
		return fmt.Errorf("sink got link %+v before its parties", l)
	}
	return s.Collector.Link(l)
}
