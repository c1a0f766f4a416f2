package supplychain

import (
	"math"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Kind says what sort of party it is.
type Kind string

const (
	KindCompany     Kind = "company"
	KindFacility    Kind = "facility"
	KindFarm        Kind = "farm"
	KindCooperative Kind = "cooperative"
	KindTrader      Kind = "trader"
)

// Kinds lists every valid kind, in a stable order.
var kinds = [...]Kind{KindCompany, KindFacility, KindFarm, KindCooperative, KindTrader}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, v := range kinds {
		if k == v {
			return true
		}
	}
	return false
}

// ParseKind reads a kind case-insensitively, accepting a few common words
// ("factory", "mill", "plantation", "coop") so that organisations' own
// vocabularies load without edits.
func ParseKind(raw string) (Kind, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	switch s {
	case "company", "supplier", "manufacturer", "brand", "importer", "exporter", "processor":
		return KindCompany, nil
	case "facility", "factory", "mill", "plant", "site", "warehouse":
		return KindFacility, nil
	case "farm", "plantation", "estate", "smallholder":
		return KindFarm, nil
	case "cooperative", "co-operative", "coop", "co-op":
		return KindCooperative, nil
	case "trader", "broker", "intermediary", "agent", "middleman":
		return KindTrader, nil
	}
	return "", kernel.InvalidField("kind", "%q is not a party kind; use company, facility, farm, cooperative or trader", raw)
}

// Party is one actor in a supply chain. ID is Upstream's identifier (stable
// and content-derived for imported rows, see RefID and FacilityID); Ref is
// the reporting organisation's own reference for it, when it has one.
type Party struct {
	ID      string
	Ref     string
	Name    string
	Kind    Kind
	Country string // ISO 3166 alpha-2; empty when the source does not say
	Region  string
	Address string
	Lat     *float64
	Lng     *float64
	OSID    string // Open Supply Hub facility ID
	LEI     string // ISO 17442 Legal Entity Identifier
	GLN     string // GS1 Global Location Number (13 digits)
	Workers int    // 0 when unknown
	// Commodities are canonical commodity ids; UnknownCommodities keeps the
	// names that could not be normalised, so nothing the user wrote is lost.
	Commodities        []string
	UnknownCommodities []string
	// InferredCommodities are those of Commodities the file did not
	// declare but that were inferred from a sector, a product type or the
	// name; InferredFrom says from what, for people ("sector Apparel").
	// The risk engine weighs inferred goods less than declared ones.
	InferredCommodities []string
	InferredFrom        string
	// Attributes keeps columns and fields Upstream does not model.
	Attributes map[string]string
}

// Reporting is the Buyer of a link whose supplier sells directly to the
// reporting organisation (a tier 1 supplier).
const Reporting = ""

// Link says that Supplier supplies Buyer (party ids). A Buyer equal to
// Reporting means the reporting organisation itself. Commodity is a canonical
// commodity id or empty when unknown; Share, when set, is Supplier's share of
// Buyer's volume of that commodity, in 0..1.
type Link struct {
	Buyer     string
	Supplier  string
	Commodity string
	Share     *float64
}

// LinkKey identifies a link: one buyer, one supplier, one commodity.
type LinkKey struct{ Buyer, Supplier, Commodity string }

// Key returns the identity of l; storing a link with the same key replaces it.
func (l Link) Key() LinkKey { return LinkKey{l.Buyer, l.Supplier, l.Commodity} }

// FieldError says which field of a party or link is wrong and why.
type FieldError = kernel.FieldError

// MaxNameLen bounds names and other free-text fields, so one bad row cannot
// fill a store.
const MaxNameLen = 1000

// Validate checks p against the model's rules and returns a *FieldError
// naming the first field that breaks one.
func (p Party) Validate() error {
	if strings.TrimSpace(p.ID) == "" {
		return kernel.InvalidField("id", "is empty")
	}
	if strings.TrimSpace(p.Name) == "" {
		return kernel.InvalidField("name", "is empty")
	}
	if len(p.Name) > MaxNameLen {
		return kernel.InvalidField("name", "is longer than %d bytes", MaxNameLen)
	}
	if len(p.Address) > 4*MaxNameLen {
		return kernel.InvalidField("address", "is longer than %d bytes", 4*MaxNameLen)
	}
	if !p.Kind.Valid() {
		return kernel.InvalidField("kind", "%q is not a party kind; use company, facility, farm, cooperative or trader", p.Kind)
	}
	if p.Country != "" && !isAlpha2(p.Country) {
		return kernel.InvalidField("country", "%q is not an ISO 3166 alpha-2 code", p.Country)
	}
	if (p.Lat == nil) != (p.Lng == nil) {
		if p.Lat == nil {
			return kernel.InvalidField("lat", "is missing while lng is set")
		}
		return kernel.InvalidField("lng", "is missing while lat is set")
	}
	if p.Lat != nil {
		if err := checkCoordinate("lat", *p.Lat, 90); err != nil {
			return err
		}
		if err := checkCoordinate("lng", *p.Lng, 180); err != nil {
			return err
		}
	}
	if p.LEI != "" {
		if err := CheckLEI(p.LEI); err != nil {
			return err
		}
	}
	if p.GLN != "" {
		if err := CheckGLN(p.GLN); err != nil {
			return err
		}
	}
	if p.Workers < 0 {
		return kernel.InvalidField("workers", "%d is negative", p.Workers)
	}
	for _, id := range p.InferredCommodities {
		if !slices.Contains(p.Commodities, id) {
			return kernel.InvalidField("commodities", "inferred commodity %q is not among the party's commodities", id)
		}
	}
	if len(p.InferredFrom) > MaxNameLen {
		return kernel.InvalidField("commodities", "what the commodities were inferred from is longer than %d bytes", MaxNameLen)
	}
	return nil
}

// DeclaredCommodities returns the party's commodities that its file
// declared, leaving out the inferred ones.
func (p Party) DeclaredCommodities() []string {
	if len(p.InferredCommodities) == 0 {
		return p.Commodities
	}
	out := make([]string, 0, len(p.Commodities))
	for _, id := range p.Commodities {
		if !slices.Contains(p.InferredCommodities, id) {
			out = append(out, id)
		}
	}
	return out
}

func checkCoordinate(field string, v, limit float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return kernel.InvalidField(field, "is not a number")
	}
	if v < -limit || v > limit {
		return kernel.InvalidField(field, "%v is outside -%v..%v", v, limit, limit)
	}
	return nil
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// CheckShare reports whether s is a valid volume share (0..1).
func CheckShare(s float64) error {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return kernel.InvalidField("share", "is not a number")
	}
	if s < 0 {
		return kernel.InvalidField("share", "%v is below 0", s)
	}
	if s > 1 {
		return kernel.InvalidField("share", "%v is above 1 (100%%)", s)
	}
	return nil
}

// Validate checks l: a supplier is named, a party does not supply itself,
// and the share is within 0..1.
func (l Link) Validate() error {
	if strings.TrimSpace(l.Supplier) == "" {
		return kernel.InvalidField("supplier", "is empty")
	}
	if l.Buyer == l.Supplier {
		return kernel.InvalidField("buyer_id", "party %q cannot supply itself", l.Supplier)
	}
	if l.Share != nil {
		return CheckShare(*l.Share)
	}
	return nil
}
