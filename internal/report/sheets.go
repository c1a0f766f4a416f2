package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// The spreadsheet download of a report opens on sheets people work with:
// one row per supplier (the register) or per scorecard item, with the
// columns of the register page, numbers as numbers, then the figures and
// sources annex. The HTML and PDF show the same data as tables; these
// sheets carry all of it, however long, for sorting and filtering.

// registerHead is the register sheet's header row.
var registerHead = []string{"Supplier", "Reference", "Country", "Commodities", "Tier", "Risk level", "Exposure",
	"Inherent risk", "Signals", "Confidence", "Top factors", "Confirmed watchlist matches", "What the score lacks"}

// topFactors is how many factors the register sheet names per supplier.
const topFactors = 3

// registerSheet lists every party, highest exposure first, with its
// scores as numbers (confidence as a percentage), its tier as a number
// (empty when unknown) and its largest factors in words.
func registerSheet(d Data) sheet {
	rows := [][]cell{cellsOf(registerHead)}
	for _, p := range sortedParties(d.Parties) {
		tier := str("")
		if p.Tier > 0 {
			tier = num(float64(p.Tier))
		}
		rows = append(rows, []cell{
			str(p.Name), str(p.Ref), str(countryLabel(p.Country)), str(commodityNames(p)), tier, str(string(p.Level)),
			num(p.Exposure), num(p.Inherent), num(p.Signals), percent(p.Confidence), str(factorSummary(p)),
			num(float64(p.WatchlistHits)), str(strings.Join(p.Missing, "; ")),
		})
	}
	return sheet{name: "Register", rows: rows}
}

// factorSummary names a party's largest factors by contribution (those
// adding points), each with
// its source and points: "child labour in cocoa (US DOL ILAB List of Goods
// 2024): 40.0". A grievance factor is named without its details, as in
// the factor breakdown.
func factorSummary(p Party) string {
	var fs []risk.Factor
	for _, f := range p.Factors {
		if f.Contribution > 0 { // a factor adding nothing is not a top one
			fs = append(fs, f)
		}
	}
	slices.SortStableFunc(fs, func(a, b risk.Factor) int { return cmp.Compare(b.Contribution, a.Contribution) })
	var parts []string
	for _, f := range fs[:min(len(fs), topFactors)] {
		source := strings.TrimSpace(f.Source + " " + f.Edition)
		indicator := f.Name()
		if grievanceFactor(f) {
			indicator, source = "grievance signal (details withheld)", "grievance mechanism (aggregate)"
		}
		parts = append(parts, fmt.Sprintf("%s (%s): %.1f", indicator, source, f.Contribution))
	}
	return strings.Join(parts, "; ")
}

// commodityNames names a party's commodities as the register page does,
// marking the inferred ones.
func commodityNames(p Party) string {
	names := make([]string, len(p.Commodities))
	for i, id := range p.Commodities {
		names[i] = id
		if c, ok := commodity.ByID(id); ok {
			names[i] = c.Name
		}
		if slices.Contains(p.InferredCommodities, id) {
			names[i] += " (inferred from " + cmp.Or(p.InferredFrom, "the list") + ")"
		}
	}
	return strings.Join(names, ", ")
}

// scorecardHead is the scorecard sheet's header row.
var scorecardHead = []string{"Theme", "Evidence", "Status", "Detail", "Points earned", "Points possible", "Evidence dated", "Documents"}

// scorecardSheet lists every item of the scorecard, theme by theme, with
// the points it earned and could earn as numbers and the documents behind
// its answer.
func scorecardSheet(sc scorecard.Scorecard) sheet {
	rows := [][]cell{cellsOf(scorecardHead)}
	for _, ts := range sc.Themes {
		for _, r := range ts.Items {
			var docs []string
			for _, d := range r.Documents {
				doc := d.Name
				if d.Reference != "" {
					doc += " (" + d.Reference + ")"
				}
				if !d.Date.IsZero() {
					doc += ", " + date(d.Date)
				}
				docs = append(docs, doc)
			}
			dated := ""
			if !r.EvidenceDate.IsZero() {
				dated = date(r.EvidenceDate)
			}
			rows = append(rows, []cell{str(ts.Theme.Label()), str(r.Text), str(string(r.Status)), str(r.Detail.String()),
				num(r.Contribution), num(r.Max), str(dated), str(strings.Join(docs, "; "))})
		}
	}
	return sheet{name: "Scorecard items", rows: rows}
}

// workSheets are the sheets of a report's workbook that come before the
// figures and sources annex.
func workSheets(k Kind, d Data) []sheet {
	var out []sheet
	if k == SupplierRisk || k == DueDiligence && len(d.Parties) > 0 {
		out = append(out, registerSheet(d))
	}
	if (k == BrandScorecard || k == DueDiligence) && d.Scorecard != nil {
		out = append(out, scorecardSheet(*d.Scorecard))
	}
	return out
}
