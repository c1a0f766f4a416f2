package screening

import (
	"bytes"
	_ "embed"
	"slices"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
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

// Dataset ids under which an operator replaces a built-in list with a newer
// download (`upstream refdata replace watchlist-uflpa FILE`).
const (
	DatasetUFLPA = "watchlist-uflpa"
	DatasetCBP   = "watchlist-cbp-wro"
)

// listDatasets maps each replaceable dataset to the formats its file may
// have and the list name its entities carry.
var listDatasets = map[string]struct {
	formats []Format
	list    string
}{
	DatasetUFLPA: {[]Format{FormatUFLPACSV, FormatUFLPAHTML}, "uflpa"},
	DatasetCBP:   {[]Format{FormatCBP}, "cbp-wro"},
}

// ListDatasets returns the dataset ids of the replaceable built-in lists.
func ListDatasets() []string { return []string{DatasetUFLPA, DatasetCBP} }

// IsListDataset reports whether id names a replaceable built-in list.
func IsListDataset(id string) bool {
	_, ok := listDatasets[id]
	return ok
}

// LoadReplacement reads an operator's newer copy of a built-in list. The
// file must have the layout that agency publishes (the UFLPA Entity List as
// the saved DHS page or as CSV; the CBP list as CSV) and hold at least one
// entity; anything else is an Invalid error and nothing is loaded. origin
// names the file in the list's source. A file that states no publication
// date is dated at, the time it was stored.
func LoadReplacement(dataset, origin string, data []byte, at time.Time) (*Watchlist, error) {
	spec, ok := listDatasets[dataset]
	if !ok {
		return nil, kernel.Errorf(kernel.Invalid, "%q is not a replaceable watchlist; use one of %v", dataset, ListDatasets())
	}
	f, err := DetectFormat(data[:min(len(data), sniffSize)])
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "%s", origin)
	}
	if !slices.Contains(spec.formats, f) {
		return nil, kernel.Errorf(kernel.Invalid, "%s is a %s file; %s needs one of %v", origin, f, dataset, spec.formats)
	}
	wl, err := LoadFormat(origin, f, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if len(wl.Entities) == 0 {
		return nil, kernel.Errorf(kernel.Invalid, "%s holds no entries; it would empty the %s list", origin, spec.list)
	}
	if wl.List.Published.IsZero() {
		wl.List.Published = at.UTC().Truncate(24 * time.Hour)
	}
	wl.List.Name = spec.list
	wl.List.Source += " (replaced from " + origin + ")"
	return wl, nil
}

// DefaultLists returns the built-in lists with the operator's replacements
// (by dataset id, as LoadReplacement returns them) in place of the
// embedded copies.
func DefaultLists(replacements map[string]*Watchlist) ([]*Watchlist, error) {
	builtin, err := BuiltinLists()
	if err != nil {
		return nil, err
	}
	for i, ds := range ListDatasets() {
		if r, ok := replacements[ds]; ok && r != nil {
			builtin[i] = r
		}
	}
	return builtin, nil
}
