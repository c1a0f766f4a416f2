package web

import (
	"net/http"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// supplierListJSON is one page of the register.
type supplierListJSON struct {
	Total     int            `json:"total"`
	Page      int            `json:"page"`
	PerPage   int            `json:"per_page"`
	Suppliers []supplierJSON `json:"suppliers"`
	pageLinksJSON
}

// registerParams are the register's filters, named as on the page.
var registerParams = []apiParam{
	{name: "country", description: "ISO 3166 code or English name of the country of the party."},
	{name: "commodity", description: "A commodity the party supplies (canonical id or common name, such as cocoa)."},
	{name: "tier", description: "The tier: 1 for direct suppliers.", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 99}},
	{name: "level", description: "The risk level of the exposure.", schema: map[string]any{"type": "string", "enum": []string{"unknown", "low", "medium", "high", "critical"}}},
}

func supplyAPIDocs() []apiDoc {
	list := append(append([]apiParam{}, registerParams...),
		apiParam{name: "q", description: "Search: suppliers in which every word given starts a word of the name, the address or an identifier (OS ID, LEI, GLN), case and accents aside."},
		apiParam{name: "sort", description: "Order, as the register page's column headings: exposure (highest first, the default), name, country (by its name), commodities (by the name of the first), tier, inherent, signals or level; after a minus sign (-name), the same order reversed; parties without a country, commodity, tier or level stay last either way.",
			schema: map[string]any{"type": "string", "enum": []string{"exposure", "name", "country", "tier", "inherent", "signals", "level"}}},
		apiParam{name: "page", description: "Page number, from 1, for clients that page by number; with cursor it is ignored. Prefer cursor, which neither repeats nor skips a party when the register changes between pages.",
			schema: map[string]any{"type": "integer", "minimum": 1}},
		apiParam{name: "per_page", description: "The older name of limit.", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": maxListLimit}},
	)
	graph := append(append([]apiParam{}, registerParams...),
		apiParam{name: "format", description: "json (the default), csv (an edge list) or graphml.", schema: map[string]any{"type": "string", "enum": []string{"json", "csv", "graphml"}}},
		apiParam{name: "from", description: "Only the parties within depth links of this party (its id)."},
		apiParam{name: "depth", description: "How many links from the party given in from, 1 to 6.", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 6}},
	)
	return []apiDoc{
		{pattern: "GET /api/v1/suppliers", tag: "Suppliers", summary: "List the supplier register",
			description: "The organisation's parties with their stored risk on the 0-100 scale, filtered and sorted as on the register page. " +
				"A party imported since the last recompute has scored false and zero scores.",
			params: list, result: supplierListJSON{}, errors: []int{http.StatusBadRequest}, list: true,
			example: `{"total": 1, "page": 1, "per_page": 50, "suppliers": [{"id": "0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f", "ref": "S-1",
				"name": "Golden Harvest Cocoa", "kind": "supplier", "country": "CI", "commodities": ["cocoa"], "unknown_commodities": [],
				"tier": 1, "inherent": 62.5, "signals": 0, "own": 62.5, "exposure": 62.5, "level": "high", "scored": true,
				"inferred_commodities": [], "inferred_from": "", "confidence": 1, "missing": []}]}`},
		{pattern: "GET /api/v1/suppliers/{id}", tag: "Suppliers", summary: "One supplier with factors and links",
			description: "Every stored field of one party, the factors that explain its risk (source, edition, contribution), and its suppliers and buyers (up to 500 each).",
			params:      []apiParam{{name: "id", in: "path", description: "The party's id."}},
			result:      supplierDetailJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "GET /api/v1/graph", tag: "Suppliers", summary: "Export the supply graph",
			description: "The stored supply graph as one JSON object with parties and links, a CSV edge list or GraphML, narrowed by the register's filters " +
				"or to the neighbourhood of one party. At most 5,000 parties: a larger graph answers 400 and asks to narrow it.",
			params: graph, result: supplychain.Export{}, files: []string{"text/csv", "application/graphml+xml"},
			errors: []int{http.StatusBadRequest, http.StatusNotFound}},
		{pattern: "POST /api/v1/suppliers/import", tag: "Suppliers", summary: "Import supplier files",
			description: "Stores supplier files (Upstream supplier CSV, Open Supply Hub lists, GS1 EPCIS 2.0 in JSON or XML; the format is read from the content) " +
				"and recomputes the organisation's risk. Importing the same file twice changes nothing. Bad rows store nothing and answer 422 with every row error " +
				"(file, line, column, field, reason), unless skip_bad_rows is true. " +
				"With Prefer: respond-async the import runs as a job: the answer is 202 with the job, whose result is this operation's answer.",
			body: apiUpload{files: []string{"files"}, required: []string{"files"},
				fields: map[string]string{"skip_bad_rows": "true to store the good rows and skip the bad ones (counted in skipped)"}},
			result: importJSON{}, errors: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}, async: true},
		{pattern: "POST /api/v1/suppliers/audits", tag: "Suppliers", summary: "Import audits and certifications",
			description: "Stores social audits and certifications from CSV files (one row per audit or certificate: supplier, scheme, date, result or grade, expiry, findings_* columns) " +
				"as evidence on the parties they cover, and recomputes the organisation's risk. Bad rows store nothing and answer 422 with every row error, " +
				"unless skip_bad_rows is true. " +
				"With Prefer: respond-async the import runs as a job: the answer is 202 with the job, whose result is this operation's answer.",
			body: apiUpload{files: []string{"files"}, required: []string{"files"},
				fields: map[string]string{"skip_bad_rows": "true to store the good rows and skip the bad ones (counted in skipped)"}},
			result: importJSON{}, errors: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}, async: true},
		{pattern: "GET /api/v1/suppliers/audits", tag: "Suppliers", summary: "List stored audits and certifications",
			description: "Every audit and certification stored for the organisation's parties, the latest first, with the party's name and the file and line it was imported from.",
			result:      siteAuditsJSON{}, list: true, errors: []int{http.StatusBadRequest},
			example: `{"audits": [{"party_id": "0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f", "party_name": "Dhaka Knit Mill", "party_ref": "M-1", "scheme": "SA8000",
				"date": "2026-06-01", "outcome": "passed", "result": "certified", "expiry": "2029-05-31", "findings": {"wages": 1}, "file": "audits.csv", "line": 2}]}`},
		{pattern: "DELETE /api/v1/suppliers/{id}/audits/{scheme}/{date}", tag: "Suppliers", summary: "Delete a stored audit or certification",
			description: "Deletes the audit of the party under the scheme on the date, records the deletion in the audit log, recomputes the organisation's risk without it, " +
				"and answers with what was deleted.",
			params: []apiParam{{name: "id", in: "path", description: "The party's id."},
				{name: "scheme", in: "path", description: "The scheme as stored (SA8000, amfori BSCI, ...)."},
				{name: "date", in: "path", description: "The audit's date, YYYY-MM-DD."}},
			result: siteAuditJSON{}, errors: []int{http.StatusBadRequest, http.StatusNotFound}},
	}
}
