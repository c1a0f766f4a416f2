package eudr

import (
	"regexp"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Activity is what the operator does with the lot (the EU Information
// System's activity type).
type Activity string

const (
	Import   Activity = "import"
	Export   Activity = "export"
	Domestic Activity = "domestic" // made available on the EU market
	Trade    Activity = "trade"    // a trader making available what others placed
)

// ParseActivity reads an activity.
func ParseActivity(raw string) (Activity, error) {
	switch a := Activity(strings.ToLower(strings.TrimSpace(raw))); a {
	case Import, Export, Domestic, Trade:
		return a, nil
	case "":
		return Import, nil
	}
	return "", kernel.InvalidField("activity", "%q is not import, export, domestic or trade", raw)
}

// StatementRef names an earlier due diligence statement (or simplified
// declaration) in the EU Information System: its reference number and
// verification number. An operator whose product is made partly from
// products already covered names them in its own statement; a downstream
// operator or trader, whose products are all covered, makes no statement
// and keeps these numbers instead (see Lot.Downstream).
type StatementRef struct {
	Reference    string `json:"reference"`
	Verification string `json:"verification,omitempty"`
}

// Lot is a quantity of one commodity that goes into one statement: a
// shipment, or the product placed over a period.
type Lot struct {
	ID          string    `json:"id"`
	Ref         string    `json:"ref"` // the operator's own reference (internal reference number)
	Commodity   string    `json:"commodity"`
	HSCodes     []string  `json:"hs_codes"`
	Description string    `json:"description"`
	NetMassKg   float64   `json:"net_mass_kg"`
	Activity    Activity  `json:"activity"`
	PeriodFrom  time.Time `json:"period_from,omitzero"`
	PeriodTo    time.Time `json:"period_to,omitzero"`
	// PlotIDs are the plots the lot's commodity was produced on.
	PlotIDs []string `json:"plot_ids"`
	// Upstream are earlier statements covering the product or part of it.
	Upstream  []StatementRef `json:"upstream,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

var hsCode = regexp.MustCompile(`^[0-9]{4}([0-9]{2}){0,3}$`)

// NormaliseHS writes an HS or CN code as digits only ("1801 00 00" and
// "1801.00" become "18010000" and "180100").
func NormaliseHS(raw string) string {
	var b strings.Builder
	for _, r := range raw {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r != ' ' && r != '.' {
			return raw
		}
	}
	return b.String()
}

// Validate checks the lot's own rules.
func (l Lot) Validate() error {
	if strings.TrimSpace(l.Ref) == "" {
		return kernel.InvalidField("ref", "give the lot a reference (shipment or contract number)")
	}
	if _, err := ParseCommodity(l.Commodity); err != nil || l.Commodity == "" {
		return kernel.InvalidField("commodity", "use cattle, cocoa, coffee, oil_palm, rubber, soya or wood")
	}
	for _, h := range l.HSCodes {
		if !hsCode.MatchString(h) {
			return kernel.InvalidField("hs_codes", "%q is not an HS heading (4 digits) or subheading (6, 8 or 10 digits)", h)
		}
	}
	if l.NetMassKg < 0 {
		return kernel.InvalidField("net_mass_kg", "the net mass cannot be negative")
	}
	if _, err := ParseActivity(string(l.Activity)); err != nil {
		return err
	}
	if !l.PeriodFrom.IsZero() && !l.PeriodTo.IsZero() && l.PeriodTo.Before(l.PeriodFrom) {
		return kernel.InvalidField("period", "the period ends before it starts")
	}
	return nil
}

// DownstreamRule says what Regulation (EU) 2025/2650 asks of downstream
// operators and traders instead of a statement.
const DownstreamRule = "under Regulation (EU) 2025/2650 a downstream operator or a trader makes no due diligence statement of its own; the operator that first placed the products on the market or exported them did, and a downstream operator or trader keeps the reference numbers of those statements (or declaration identifiers), with its suppliers and customers, for five years"

// Downstream reports whether the lot is a downstream operator's or a
// trader's: products made from, or made available as, products all covered
// by earlier statements (no plots of its own), or traded. Regulation (EU)
// 2025/2650 replaced the duty of downstream operators and traders to
// submit statements referring to earlier ones (Art. 4(8) and (9) as first
// adopted) by keeping the earlier statements' reference numbers; only the
// operator that first places the products on the market or exports them
// makes a statement.
func (l Lot) Downstream() bool {
	return l.Activity == Trade || (len(l.PlotIDs) == 0 && len(l.Upstream) > 0)
}
