package screening

import (
	"bytes"
	_ "embed"
	"time"
)

//go:embed data/uflpa_entity_list_2025-01.csv
var uflpaCSV []byte

//go:embed data/cbp_wro_findings_2026-06.csv
var cbpCSV []byte

// UFLPAPublished is the "Last Updated" date of the DHS page the built-in
// UFLPA Entity List was taken from (see data/SOURCES.md).
func UFLPAPublished() time.Time { return time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC) }

// CBPPublished is the date of the CBP Withhold Release Orders and Findings
// file the built-in list was rebuilt from (see data/SOURCES.md).
func CBPPublished() time.Time { return time.Date(2026, 6, 23, 0, 0, 0, 0, time.UTC) }

// StaleAfter is the age past which a list should be replaced by a newer
// download.
const StaleAfter = 90 * 24 * time.Hour

// Stale reports whether list l is older than StaleAfter at time now. A list
// without a publication date counts as stale, since nobody can tell.
func Stale(l List, now time.Time) bool {
	if l.Published.IsZero() {
		return true
	}
	return now.Sub(l.Published) > StaleAfter
}

// BuiltinLists returns the default lists built into Upstream: the DHS UFLPA
// Entity List and the CBP Withhold Release Orders and Findings. Each call
// parses the embedded files afresh, so callers may keep or modify the result.
func BuiltinLists() ([]*Watchlist, error) {
	u, err := LoadFormat("built-in UFLPA Entity List", FormatUFLPACSV, bytes.NewReader(uflpaCSV))
	if err != nil {
		return nil, err
	}
	u.List.Published = UFLPAPublished()
	u.List.Source = "DHS UFLPA Entity List, last updated 2025-01-14 (built in)"
	c, err := LoadFormat("built-in CBP WRO/Findings list", FormatCBP, bytes.NewReader(cbpCSV))
	if err != nil {
		return nil, err
	}
	c.List.Published = CBPPublished()
	c.List.Source = "CBP Withhold Release Orders and Findings, file of 2026-06-23 (built in)"
	return []*Watchlist{u, c}, nil
}
