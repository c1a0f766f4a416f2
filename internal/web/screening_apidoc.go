package web

import "net/http"

// screenBatchJSON answers a batch of queries, in their order.
type screenBatchJSON struct {
	Results []resultJSON `json:"results"`
}

type reviewListJSON struct {
	Status string       `json:"status"`
	Page   int          `json:"page"`
	Items  []reviewJSON `json:"items"`
	pageLinksJSON
}

// reviewDecisionInput is the body of a review decision.
type reviewDecisionInput struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// screeningRunJSON counts what screening the whole register found.
type screeningRunJSON struct {
	Parties int `json:"parties"`
	Hits    int `json:"hits"`
	New     int `json:"new"`
	Changed int `json:"changed"`
	Missing int `json:"missing"`
	Skipped int `json:"skipped"`
}

func screeningAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "POST /api/v1/screen", tag: "Screening", summary: "Screen a name, or a batch of names",
			description: "Screens one name (name, and optionally country, identifiers and your id) or a batch (queries, at most 1,000) against the watchlists in use. " +
				"Names in any script are compared after transliteration; each hit explains itself. threshold (0..1) lowers or raises the bar; limit (1-100, default 10) caps hits per name.",
			body: screenRequest{}, result: apiOneOf{resultJSON{}, screenBatchJSON{}}, errors: []int{http.StatusBadRequest},
			bodyExample: `{"name": "Shenzhen Golden Harvest Co., Ltd.", "country": "CN"}`},
		{pattern: "GET /api/v1/screening/reviews", tag: "Screening", summary: "List the review queue",
			params: []apiParam{
				{name: "status", description: "pending (the default), confirmed, dismissed, changed (the list entry changed since review) or all.",
					schema: map[string]any{"type": "string", "enum": []string{"pending", "confirmed", "dismissed", "changed", "all"}}},
				{name: "party", description: "Only the possible matches of this party (its id)."},
				{name: "list", description: "Only the possible matches on this watchlist (its name)."},
				{name: "sort", description: "Order: most recently changed first (the default), score (highest first) or supplier (grouped by supplier name).",
					schema: map[string]any{"type": "string", "enum": []string{"", "score", "supplier"}}},
				{name: "page", description: "Page number, from 1, for clients that page by number; ignored with cursor.", schema: map[string]any{"type": "integer", "minimum": 1}},
			},
			result: reviewListJSON{}, errors: []int{http.StatusBadRequest}, list: true},
		{pattern: "GET /api/v1/screening/lists", tag: "Screening", summary: "The watchlists in use",
			description: "Each watchlist screening uses now, by name: its source, the edition's checksum and publication date, how many entities it holds, " +
				"and whether the edition is out of date. Hits and review items name the list and checksum they were found on.",
			result: screeningListsJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "POST /api/v1/screening/lists", tag: "Screening", summary: "Replace a watchlist with a newer edition",
			description: "Uploads a newer edition of a built-in watchlist as the agency publishes it: dataset watchlist-uflpa (the UFLPA Entity List as " +
				"CSV or the saved DHS page) or watchlist-cbp-wro (the CBP Withhold Release Orders and Findings as CSV), at most 64 MB. The file is " +
				"checked first: one that does not load, or holds no entries, changes nothing (422, naming the file and what is wrong). Otherwise the " +
				"edition is stored, used again after a restart, and screened against at once; screen the register again (POST /api/v1/screening/run) " +
				"to check every supplier against it. With Prefer: respond-async a large file is read as a job. Only on servers whose lists are not " +
				"fixed at start (503 otherwise).",
			body: apiUpload{files: []string{"file"}, fields: map[string]string{"dataset": "watchlist-uflpa or watchlist-cbp-wro: the list to replace."},
				required: []string{"dataset", "file"}},
			result: screeningListEnvelopeJSON{}, async: true,
			errors: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
			example: `{"list": {"name": "uflpa", "source": "DHS UFLPA Entity List (replaced from uflpa_2026-11.csv)", "entities": 2,
				"sha256": "4f1c0b9e3a7d2c5e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e", "published": "2026-11-20T00:00:00Z", "stale": false}}`},
		{pattern: "GET /api/v1/screening/reviews/{id}", tag: "Screening", summary: "One possible match",
			result: reviewJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "POST /api/v1/screening/reviews/{id}/decision", resource: "/api/v1/screening/reviews/{id}", tag: "Screening", summary: "Confirm or dismiss a possible match",
			description: "status is confirmed or dismissed; a reason is required. Confirmed matches become risk signals. The decision is audited.",
			body:        reviewDecisionInput{}, result: reviewJSON{}, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict},
			bodyExample: `{"status": "dismissed", "reason": "different company: other country and registration number"}`},
		{pattern: "POST /api/v1/screening/run", tag: "Screening", summary: "Screen the whole register",
			description: "Screens every party of the register against the watchlists in use and queues new possible matches for review.",
			result:      screeningRunJSON{}},
	}
}
