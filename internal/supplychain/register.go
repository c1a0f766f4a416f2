package supplychain

import (
	"slices"
	"strconv"
	"strings"
)

// GraphParty is what risk scoring needs of a stored party.
type GraphParty struct {
	ID          string
	Country     string
	Commodities []string
	// Inferred are those of Commodities that were inferred, not declared.
	Inferred []string
}

// Factor is one reason in a stored score, as the risk engine explains it.
type Factor struct {
	Kind         string  `json:"kind"`
	Source       string  `json:"source"`
	Edition      string  `json:"edition"`
	Indicator    string  `json:"indicator"`
	Value        string  `json:"value"`
	Points       float64 `json:"points"`
	Contribution float64 `json:"contribution"`
}

// PartyRisk is the computed risk of one party: its tier (0 when it is not
// connected to the reporting organisation), its scores on the 0-100 scale,
// the level of its exposure and the factors that explain it.
type PartyRisk struct {
	ID                               string
	Tier                             int
	Inherent, Signals, Own, Exposure float64
	Level                            string
	Factors                          []Factor
	// Confidence, 0..1, is the share of the own score resting on declared
	// data and evidence about the party; Missing names what the score
	// lacks ("country", "commodity", "data on 2 of 5 direct suppliers").
	Confidence float64
	Missing    []string
	// Country and Commodities place the party under the register's
	// filters; a store reads them from the stored party when both are
	// empty.
	Country     string
	Commodities []string
}

// RegisterFilter narrows the risk register. Zero fields do not filter.
type RegisterFilter struct {
	Country   string // ISO alpha-2
	Commodity string // canonical commodity id
	Tier      int    // 0: any tier
	Level     string // low, medium, high, critical, unknown
	// NamePrefix keeps parties whose NormalKey(name) starts with
	// NormalKey(NamePrefix). With it the register also lists parties not
	// scored yet (their risk is zero and their level empty), so that a
	// party is found by name as soon as it is imported.
	NamePrefix string
	// Search keeps parties in which every word of Search (SearchWords)
	// starts a word of the name, the address or an identifier (OS ID,
	// LEI, GLN), case and accents aside. Like NamePrefix it also lists
	// parties not scored yet.
	Search string
	// Names narrows nothing: it is the language whose names the orders by
	// country and by commodity follow, the page's (nil: English). Page
	// with RegisterKey under the same Names.
	Names *NameOrder
}

// RegisterSort orders the register.
type RegisterSort string

const (
	SortExposure    RegisterSort = "exposure"    // highest exposure first (the default)
	SortName        RegisterSort = "name"        // by name
	SortCountry     RegisterSort = "country"     // by country name, then name; no country last, reversed too
	SortCommodities RegisterSort = "commodities" // by the name of the first commodity, then name; none last, reversed too
	SortTier        RegisterSort = "tier"        // nearest tier first, unknown tiers last, reversed too
	SortInherent    RegisterSort = "inherent"    // highest inherent risk first
	SortSignals     RegisterSort = "signals"     // highest signal score first
	SortLevel       RegisterSort = "level"       // critical first, then high, medium, low; unknown last, reversed too
)

// RegisterSorts lists every order of the register; each can also be
// reversed (see Reverse).
var RegisterSorts = []RegisterSort{SortExposure, SortName, SortCountry, SortCommodities, SortTier, SortInherent, SortSignals, SortLevel}

// reversed marks an order read from its end.
const reversed = "-"

// Reverse is the order s read from its end: "-name" is by name from Z to
// A, "-exposure" lowest exposure first; reversing twice gives s back.
// Parties without a country, commodity, tier or level stay last when
// their order is reversed (see Placed).
func (s RegisterSort) Reverse() RegisterSort {
	if base, rev := s.Base(); rev {
		return base
	}
	return reversed + s.orDefault()
}

// Base is the order s reverses, or s itself, and whether s is reversed.
func (s RegisterSort) Base() (RegisterSort, bool) {
	if b, ok := strings.CutPrefix(string(s), reversed); ok {
		return RegisterSort(b), true
	}
	return s.orDefault(), false
}

func (s RegisterSort) orDefault() RegisterSort {
	if s == "" {
		return SortExposure
	}
	return s
}

// Valid reports whether s is an order of the register or one reversed.
func (s RegisterSort) Valid() bool {
	base, _ := s.Base()
	return slices.Contains(RegisterSorts, base)
}

// RegisterEntry is one row of the risk register: a party and its stored
// risk.
type RegisterEntry struct {
	Party Party
	Risk  PartyRisk
}

// ImportWriter receives the parties and links of one import inside a
// store's write transaction; importers write to it as to any sink. A party
// is written before any link that names it.
type ImportWriter interface {
	Party(Party) error
	Link(Link) error
	// Known reports whether a party with this id is stored in the
	// organisation or already written in this import.
	Known(id string) (bool, error)
	// Flush writes everything buffered so far.
	Flush() error
}

// RegisterKey is e's sort key in the order sortBy, with country and
// commodity names in the language of names, as kernel.Page.After takes
// it: the values the order compares, the party's id last.
func RegisterKey(e RegisterEntry, sortBy RegisterSort, names *NameOrder) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	id := e.Party.ID
	base, rev := sortBy.Base() // a reversed order compares the same values, but for the missing ones
	switch base {
	case SortName:
		return []string{e.Party.Name, id}
	case SortCountry:
		return []string{strconv.Itoa(Placed(names.Country(e.Party.Country), names.Country(""), rev)), e.Party.Name, id}
	case SortCommodities:
		first := ""
		if len(e.Party.Commodities) > 0 {
			first = e.Party.Commodities[0]
		}
		return []string{strconv.Itoa(Placed(names.Commodity(first), names.Commodity(""), rev)), e.Party.Name, id}
	case SortTier:
		tier := e.Risk.Tier
		if tier <= 0 {
			tier = Placed(UnknownTier, UnknownTier, rev)
		}
		return []string{strconv.Itoa(tier), f(e.Risk.Exposure), id}
	case SortInherent:
		return []string{f(e.Risk.Inherent), id}
	case SortSignals:
		return []string{f(e.Risk.Signals), id}
	case SortLevel:
		r, ok := levelRank[e.Risk.Level]
		if !ok {
			r = Placed(UnknownLevel, UnknownLevel, rev)
		}
		return []string{strconv.Itoa(r), f(e.Risk.Exposure), id}
	}
	return []string{f(e.Risk.Exposure), id}
}

// The places of the register's orders by level and tier: critical first,
// then high, medium and low; an unknown level or tier (a party not
// connected to the organisation) after every known one.
var levelRank = map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3}

const (
	UnknownLevel = 4
	UnknownTier  = 1000000
)

// Placed is where a party comes in an order by country, commodity, tier
// or level, given its place and the place the order gives a party without
// that value (missing, after every other): read forward it is place;
// reversed, a missing value is put before every other (-1), so that a
// party without a country, commodity, tier or level still comes last.
// People reversing an order look for the other end of what is known, not
// for the parties nothing is known of.
func Placed(place, missing int, reversed bool) int {
	if reversed && place == missing {
		return -1
	}
	return place
}
