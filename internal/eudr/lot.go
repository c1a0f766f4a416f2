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

// StatementRef names an earlier due diligence statement in the EU
// Information System: its reference number and verification number. A
// downstream operator or trader refers to the statements that covered the
// product before (Art. 4(8) and (9), Art. 33(2)).
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
	// Upstream are earlier statements covering the product, for a
	// downstream operator or trader.
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

// annexI lists the HS headings of Annex I by commodity, as prefixes of
// the codes they cover. "ex" headings (only part of the heading is in
// scope) are listed whole; the statement then says what the goods are.
var annexI = map[string][]string{
	"cattle":   {"010221", "010229", "0201", "0202", "020610", "020622", "020629", "160250", "4101", "4104", "4107"},
	"cocoa":    {"1801", "1802", "1803", "1804", "1805", "1806"},
	"coffee":   {"0901"},
	"oil_palm": {"120710", "1511", "151321", "151329", "230660", "290545", "291570", "291590", "291615", "3401", "382311", "382312", "382319", "382370"},
	"rubber":   {"4001", "4005", "4006", "4007", "4008", "4010", "4011", "4012", "4013", "4015", "4016", "4017"},
	"soya":     {"1201", "120810", "1507", "2304"},
	"wood":     {"4401", "4402", "4403", "4404", "4405", "4406", "4407", "4408", "4409", "4410", "4411", "4412", "4413", "4414", "4415", "4416", "4417", "4418", "4419", "4420", "4421", "47", "48", "49", "9401", "9403", "9406"},
}

// InAnnexI reports whether an HS code falls under a heading Annex I lists
// for the commodity.
func InAnnexI(commodityID, code string) bool {
	for _, p := range annexI[commodityID] {
		if strings.HasPrefix(code, p) || (len(code) < len(p) && strings.HasPrefix(p, code)) {
			return true
		}
	}
	return false
}
