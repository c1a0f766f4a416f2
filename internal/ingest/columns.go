package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
)

// ColumnDef documents one column of a CSV format the importers read: its
// name, the other header names read as it, whether a file must have it and
// what it holds. The readers take their header names from these tables and
// the import page's templates are written from them, so that a template
// always parses and names every column the reader knows.
type ColumnDef struct {
	Name     string
	Aliases  []string
	Required bool
	Help     string
	// col is what the supplier CSV reader makes of the column.
	col column
}

// SupplierColumns are the columns of the Upstream supplier CSV, in the
// order a template lists them. Any other column is kept as an attribute
// of the party.
var SupplierColumns = []ColumnDef{
	{Name: "id", Required: true, Help: "your reference for the supplier, unique in the file", col: colID},
	{Name: "name", Required: true, Help: "the supplier's name", col: colName},
	{Name: "country", Required: true, Help: "ISO code (CI, CIV) or name in English (Ivory Coast)", col: colCountry},
	{Name: "commodity", Aliases: []string{"commodities"}, Help: "what it supplies; several separated by ;", col: colCommodity},
	{Name: "buyer_id", Aliases: []string{"buyer_ids"}, Help: "the id of the row it supplies, empty for direct suppliers; several separated by ;", col: colBuyer},
	{Name: "share", Help: "its share of that buyer's volume: 0.6 or 60%", col: colShare},
	{Name: "region", Help: "region or province", col: colRegion},
	{Name: "address", Help: "street address", col: colAddress},
	{Name: "lat", Aliases: []string{"latitude"}, Help: "latitude in decimal degrees", col: colLat},
	{Name: "lng", Aliases: []string{"lon", "long", "longitude"}, Help: "longitude in decimal degrees", col: colLng},
	{Name: "workers", Aliases: []string{"number_of_workers"}, Help: "number of workers", col: colWorkers},
	{Name: "kind", Aliases: []string{"type"}, Help: "company, facility, farm, cooperative, trader, ...", col: colKind},
	{Name: "sector", Help: "sector as Open Supply Hub writes it (Apparel); goods are inferred from it when no commodity is given", col: colSector},
	{Name: "product_type", Aliases: []string{"product_types"}, Help: "product types; refine what is inferred from the sector", col: colProductType},
	{Name: "os_id", Help: "Open Supply Hub id", col: colOSID},
	{Name: "lei", Help: "Legal Entity Identifier", col: colLEI},
	{Name: "gln", Help: "GS1 Global Location Number", col: colGLN},
}

// AuditColumns are the columns of the audit and certification CSV, in the
// order a template lists them. A file needs a result or a grade column
// (or both); findings come in findings_<category> columns, of which
// AuditFindingExamples are the usual ones.
var AuditColumns = []ColumnDef{
	{Name: "supplier", Aliases: []string{"supplier_id", "supplier_ref", "id"}, Required: true, Help: "the id of the supplier or site in your supplier files"},
	{Name: "scheme", Required: true, Help: "SA8000, amfori BSCI, SMETA, Fair Trade, Rainforest Alliance, RSPO, FSC, ..."},
	{Name: "date", Aliases: []string{"audit_date"}, Required: true, Help: "the audit's date, YYYY-MM-DD"},
	{Name: "result", Help: "pass, fail, certified, suspended, withdrawn, ... (a result or a grade is needed)"},
	{Name: "grade", Help: "a grade A to E; D and E fail"},
	{Name: "expiry", Aliases: []string{"expiry_date", "valid_until", "expires"}, Help: "the certificate's expiry, YYYY-MM-DD"},
}

// AuditFindingPrefix starts the name of a findings column:
// findings_forced_labour holds the severity of the forced-labour findings.
const AuditFindingPrefix = "findings_"

// AuditFindingExamples are the finding categories a template lists; any
// other findings_<category> column is read the same way.
var AuditFindingExamples = []string{"forced_labour", "child_labour", "wages", "working_hours", "health_safety", "discrimination", "freedom_of_association"}

// columnNames maps normalised header names (see headerKey) to the supplier
// CSV's columns, with their aliases.
var columnNames = func() map[string]column {
	m := map[string]column{}
	for _, d := range SupplierColumns {
		for _, n := range append([]string{d.Name}, d.Aliases...) {
			m[n] = d.col
		}
	}
	return m
}()

// auditColumnNames maps normalised header names to the audit columns'
// names, with their aliases.
var auditColumnNames = func() map[string]string {
	m := map[string]string{}
	for _, d := range AuditColumns {
		for _, n := range append([]string{d.Name}, d.Aliases...) {
			m[n] = d.Name
		}
	}
	return m
}()

// Template returns a CSV file of format f holding only its header: every
// column the reader knows, under its own name.
func Template(f Format) ([]byte, error) {
	var head []string
	switch f {
	case FormatUpstreamCSV:
		for _, d := range SupplierColumns {
			head = append(head, d.Name)
		}
	case FormatAudits:
		for _, d := range AuditColumns {
			head = append(head, d.Name)
		}
		for _, c := range AuditFindingExamples {
			head = append(head, AuditFindingPrefix+c)
		}
	default:
		return nil, fmt.Errorf("no template for format %q", f)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(head)
	w.Flush()
	return b.Bytes(), w.Error()
}

// requiredNames lists the required columns of defs, for messages.
func requiredNames(defs []ColumnDef) string {
	var out []string
	for _, d := range defs {
		if d.Required {
			out = append(out, d.Name)
		}
	}
	return strings.Join(out, ", ")
}
