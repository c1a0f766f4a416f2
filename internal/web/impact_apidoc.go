package web

import (
	"net/http"
	"reflect"

	"github.com/upstream-platform/upstream/internal/impact"
)

// The API views of impact measurement.
type (
	programmesJSON struct {
		Programmes []impact.Programme `json:"programmes"`
		pageLinksJSON
	}
	programmeEnvelopeJSON struct {
		Programme *impact.Programme `json:"programme"`
	}
	programmeInput struct {
		Model      impact.LogicModel  `json:"model"`
		Dimensions []impact.Dimension `json:"dimensions,omitempty"`
	}
	observationsInput struct {
		Observations []impact.Observation `json:"observations"`
	}
	storedJSON struct {
		Stored int `json:"stored"`
	}
	storedFileJSON struct {
		Stored int    `json:"stored"`
		File   string `json:"file"`
	}
	progressJSON struct {
		Report *impact.ProgressReport `json:"report"`
	}
	breakdownJSON struct {
		Indicator       string              `json:"indicator"`
		By              string              `json:"by"`
		SuppressedBelow int                 `json:"suppressed_below"`
		CaseAccess      bool                `json:"case_access"`
		Groups          []impact.ShownGroup `json:"groups"`
	}
	analysisEnvelopeJSON struct {
		Analysis *impact.Analysis `json:"analysis"`
	}
	analysesJSON struct {
		Analyses []impact.Analysis `json:"analyses"`
		pageLinksJSON
	}
	subjectJSON struct {
		Subject impact.Pseudonym `json:"subject"`
	}
	consentJSON struct {
		Consent    impact.Consent  `json:"consent"`
		AllowedNow map[string]bool `json:"allowed_now"`
	}
	consentInput struct {
		Purpose impact.Purpose `json:"purpose"`
		Granted *bool          `json:"granted"`
		Note    string         `json:"note,omitempty"`
	}
	survivorOutcomesJSON struct {
		Records []impact.SurvivorOutcome `json:"records"`
		pageLinksJSON
	}
	survivorOutcomesInput struct {
		Records []impact.SurvivorOutcome `json:"records"`
	}
	survivorObserveInput struct {
		Indicator string `json:"indicator"`
		Period    string `json:"period"`
	}
	survivorObservedJSON struct {
		Observations    int `json:"observations"`
		RecordsUsed     int `json:"records_used"`
		RecordsExcluded int `json:"records_excluded"`
	}
)

func impactAPIDocs() []apiDoc {
	id := apiParam{name: "id", in: "path", description: "The programme's id."}
	within := apiParam{name: "within", description: "Only observations within this period (2026, 2026-Q1, 2026-03)."}
	bad := []int{http.StatusBadRequest, http.StatusNotFound}
	return []apiDoc{
		{pattern: "GET /api/v1/programmes", tag: "Impact", summary: "List programmes", description: "By programme name.",
			result: programmesJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "POST /api/v1/programmes", tag: "Impact", summary: "Create a programme from its logic model",
			description: "The logic model (inputs, activities, outputs, outcomes, impact, with assumptions and indicators) and the disaggregations observations may carry. " +
				"A model that fails a check answers 400 with every problem listed.",
			body: programmeInput{}, status: http.StatusCreated, result: programmeEnvelopeJSON{}, errors: []int{http.StatusBadRequest}},
		{pattern: "GET /api/v1/programmes/{id}", tag: "Impact", summary: "One programme", params: []apiParam{id},
			result: programmeEnvelopeJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "PUT /api/v1/programmes/{id}/model", resource: "/api/v1/programmes/{id}", tag: "Impact", summary: "Replace a programme's logic model", params: []apiParam{id},
			body: impact.LogicModel{}, result: programmeEnvelopeJSON{}, errors: bad},
		{pattern: "POST /api/v1/programmes/{id}/observations", tag: "Impact", summary: "Record observations", params: []apiParam{id},
			description: "Observations of the programme's indicators per period, with their disaggregation.",
			body:        observationsInput{}, status: http.StatusCreated, result: storedJSON{}, errors: bad},
		{pattern: "POST /api/v1/programmes/{id}/observations/csv", tag: "Impact", summary: "Record observations from a CSV file", params: []apiParam{id},
			description: "The CSV file in the field file; a bad row answers 400 naming it, and nothing is stored.",
			body:        apiUpload{files: []string{"file"}, required: []string{"file"}}, status: http.StatusCreated, result: storedFileJSON{},
			errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge}},
		{pattern: "GET /api/v1/programmes/{id}/progress", tag: "Impact", summary: "Progress to target of every indicator", params: []apiParam{id, within},
			result: progressJSON{}, errors: bad},
		{pattern: "GET /api/v1/programmes/{id}/indicators/{code}/breakdown", tag: "Impact", summary: "One indicator broken down",
			description: "Groups smaller than suppressed_below are suppressed (their counts are null) for callers without case access.",
			params: []apiParam{id, {name: "code", in: "path", description: "The indicator's code."},
				{name: "by", description: "The disaggregation, such as sex.", required: true}, within},
			result: breakdownJSON{}, errors: bad},
		{pattern: "GET /api/v1/programmes/{id}/indicators/{code}/breakdown/full", tag: "Impact", summary: "One indicator broken down, unsuppressed",
			description: "As the breakdown, with small groups shown: for case handlers only.",
			params:      []apiParam{id, {name: "code", in: "path", description: "The indicator's code."}, {name: "by", description: "The disaggregation, such as sex.", required: true}, within},
			result:      breakdownJSON{}, errors: bad},
		{pattern: "POST /api/v1/programmes/{id}/sroi", tag: "Impact", summary: "Run an SROI analysis", params: []apiParam{id},
			description: "An impact map (inputs, outcomes with financial proxies, deadweight, displacement, attribution, drop-off) as in docs/impact-method.md; " +
				"the analysis is stored with its sensitivity.",
			body: impact.Map{}, status: http.StatusCreated, result: analysisEnvelopeJSON{}, errors: bad},
		{pattern: "GET /api/v1/programmes/{id}/sroi", tag: "Impact", summary: "List a programme's SROI analyses", params: []apiParam{id},
			description: "Newest first.", result: analysesJSON{}, errors: []int{http.StatusBadRequest, http.StatusNotFound}, list: true},

		{pattern: "POST /api/v1/survivors", tag: "Survivor outcomes", summary: "A new survivor pseudonym",
			description: "A random pseudonym to record one survivor's consent and outcomes under; no name is ever stored.",
			status:      http.StatusCreated, result: subjectJSON{}},
		{pattern: "GET /api/v1/survivors/{subject}/consent", tag: "Survivor outcomes", summary: "A survivor's consent",
			params: []apiParam{{name: "subject", in: "path", description: "The survivor's pseudonym."}},
			result: consentJSON{}, errors: bad},
		{pattern: "POST /api/v1/survivors/{subject}/consent", tag: "Survivor outcomes", summary: "Record or withdraw consent",
			description: "Consent is per purpose; granted false records its withdrawal.",
			params:      []apiParam{{name: "subject", in: "path", description: "The survivor's pseudonym."}},
			body:        consentInput{}, status: http.StatusCreated, result: consentJSON{}, errors: bad},
		{pattern: "GET /api/v1/programmes/{id}/survivor-outcomes", tag: "Survivor outcomes", summary: "A programme's survivor-level records",
			params:      []apiParam{id, {name: "indicator", description: "Only records of this indicator."}},
			description: "In the order they were recorded.", result: survivorOutcomesJSON{}, errors: bad, list: true},
		{pattern: "POST /api/v1/programmes/{id}/survivor-outcomes", tag: "Survivor outcomes", summary: "Add survivor-level records", params: []apiParam{id},
			body: survivorOutcomesInput{}, status: http.StatusCreated, result: storedJSON{}, errors: bad},
		{pattern: "POST /api/v1/programmes/{id}/survivor-outcomes/observations", tag: "Survivor outcomes", summary: "Turn survivor records into observations",
			description: "Counts one indicator's records for one period, only of people whose consent to outcome measurement stands now; only the aggregate is stored.",
			params:      []apiParam{id}, body: survivorObserveInput{}, status: http.StatusCreated, result: survivorObservedJSON{}, errors: bad},
	}
}

// impactSchemas are the impact types that write their own JSON.
func impactSchemas(ss *schemaSet) {
	ss.overrides[reflect.TypeFor[impact.Measure]()] = map[string]any{"type": "object", "additionalProperties": false,
		"required":   []string{"value", "date"},
		"properties": map[string]any{"value": map[string]any{"type": "number", "format": "double"}, "date": map[string]any{"type": "string", "format": "date"}}}
	ss.overrides[reflect.TypeFor[impact.Shown]()] = map[string]any{"type": "object", "additionalProperties": false,
		"description": "A count, or null when the group is too small to show.",
		"required":    []string{"count", "suppressed"},
		"properties":  map[string]any{"count": map[string]any{"type": []string{"integer", "null"}}, "suppressed": map[string]any{"type": "boolean"}}}
}
