package web

import (
	"net/http"
	"time"
)

// scorecardJSON is a scorecard as the API shows it: the grade and score
// as computed, and the evidence rows as the page lists them.
type scorecardJSON struct {
	Subject      scorecardSubjectJSON `json:"subject"`
	AsOf         time.Time            `json:"as_of"`
	Grade        string               `json:"grade"`
	Score        float64              `json:"score"`
	Scale        string               `json:"scale"`
	ScaleReason  string               `json:"scale_reason"`
	NextGrade    string               `json:"next_grade"`
	PointsToNext float64              `json:"points_to_next"`
	Method       string               `json:"method"`
	Themes       []themeRow           `json:"themes"`
	Raised       []reasonRow          `json:"raised"`
	Lowered      []reasonRow          `json:"lowered"`
	Missing      []reasonRow          `json:"missing"`
	NextSteps    []stepRow            `json:"next_steps"`
	History      []historyRow         `json:"history"`
	Questions    []questionRow        `json:"questions"`
}

type scorecardSubjectJSON struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func reportsAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "GET /api/v1/reports/{kind}", tag: "Reports", summary: "Make a report",
			description: "A supplier-risk, scorecard or due-diligence report as HTML, PDF, CSV or XLSX, made while you wait.",
			params: []apiParam{
				{name: "kind", in: "path", schema: map[string]any{"type": "string", "enum": []string{"supplier-risk", "scorecard", "due-diligence"}}},
				{name: "format", description: "html (the default), pdf, csv or xlsx.", schema: map[string]any{"type": "string", "enum": []string{"html", "pdf", "csv", "xlsx"}}},
				{name: "regulation", description: "Only the due-diligence steps one regulation asks for."},
				{name: "subject", description: "The supplier a scorecard report is about (its id); empty for the organisation."},
			},
			result: apiFile{types: []string{"text/html", "application/pdf", "text/csv",
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, description: "The report, as a download"},
			errors: []int{http.StatusBadRequest, http.StatusNotFound}},
		{pattern: "GET /api/v1/scorecards/organisation", tag: "Reports", summary: "The organisation's scorecard",
			description: "The brand grade A to F with the evidence behind it: what raised and lowered the score, what is missing, and what would raise it next.",
			result:      scorecardJSON{}},
		{pattern: "GET /api/v1/scorecards/suppliers/{id}", tag: "Reports", summary: "A supplier's scorecard",
			params: []apiParam{{name: "id", in: "path", description: "The supplier's id."}},
			result: scorecardJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "POST /api/v1/scorecards/answers", tag: "Reports", summary: "Answer a scorecard question",
			description: "Records one answer of the questionnaire (for a supplier when supplier_id is set) with its documents, and returns the new scorecard. " +
				"Dates are written YYYY-MM-DD; answered_on defaults to today.",
			body: apiAnswer{}, status: http.StatusCreated, result: scorecardJSON{}, errors: []int{http.StatusBadRequest, http.StatusNotFound},
			bodyExample: `{"question_id": "policy.forced-labour", "response": "yes", "documents": [{"name": "Supplier code of conduct", "reference": "COC-2026", "date": "2026-03-01"}]}`},
	}
}

func jobsAPIDocs() []apiDoc {
	id := []apiParam{{name: "id", in: "path", description: "The job's id."}}
	return []apiDoc{
		{pattern: "POST /api/v1/reports/{kind}", tag: "Reports", summary: "Start making a report",
			description: "Starts a supplier-risk, scorecard or due-diligence report as a job and answers at once with it (202, Location: the job). " +
				"Poll the job until its state is succeeded, then download its result. A bad kind, format, regulation or subject is refused now (400), not as a failed job.",
			params: []apiParam{{name: "kind", in: "path", schema: map[string]any{"type": "string", "enum": []string{"supplier-risk", "scorecard", "due-diligence"}}}},
			body:   reportJobInput{}, bodyExample: `{"format": "csv"}`,
			status: http.StatusAccepted, result: jobEnvelopeJSON{}, errors: []int{http.StatusBadRequest, http.StatusNotFound}},
		{pattern: "GET /api/v1/jobs", tag: "Jobs", summary: "List your jobs",
			description: "The jobs you started, newest first, without their results.",
			result:      jobListJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "GET /api/v1/jobs/{id}", tag: "Jobs", summary: "A job's state and progress",
			description: "state is queued, running, succeeded or failed; progress goes from 0 to 1 and stage says what the job is doing. " +
				"While it runs the answer carries Retry-After (seconds) as a polling interval. A succeeded job names its result; a failed one carries the problem " +
				"the operation answered (with its row errors for an import). Only the user who started a job sees it.",
			params: id, result: jobEnvelopeJSON{}, errors: []int{http.StatusNotFound},
			example: `{"job": {"id": "0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f", "kind": "report", "state": "succeeded", "progress": 1, "stage": "done",
				"request": {"kind": "supplier-risk", "format": "csv", "regulation": "", "subject": ""}, "result": "/api/v1/jobs/0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f/result",
				"result_type": "text/csv; charset=utf-8", "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:02Z", "finished_at": "2026-11-25T09:00:02Z"}}`},
		{pattern: "GET /api/v1/jobs/{id}/result", tag: "Jobs", summary: "Download a job's result",
			description: "The result of a succeeded job as the operation answered it: a report file, or an import's summary (JSON). 409 while the job runs or when it failed.",
			params:      id, result: apiFile{types: []string{"application/json", "text/html", "application/pdf", "text/csv",
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, description: "The result"},
			errors: []int{http.StatusNotFound, http.StatusConflict}},
	}
}

func openAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "GET /api/v1/openapi.json", tag: "API", summary: "This document",
			description: "The OpenAPI 3.1 description of the API, drawn from the route table that serves it. Readable without signing in.",
			result:      apiFile{types: []string{"application/json"}, description: "The OpenAPI document"}},
	}
}
