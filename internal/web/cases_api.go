package web

import (
	"net/http"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// The cases API gives case handlers a case's metadata: its stage, due date
// and triage. What a reporter wrote (narrative, contact, identity,
// attachments, messages, remedy texts) is sealed under keys that only a
// handler's unlocked key opens, which an API token never carries, so it
// stays out of the API; the case page shows it to a signed-in handler.

// caseJSON is a case's metadata.
type caseJSON struct {
	ID         string   `json:"id"`
	Stage      string   `json:"stage"`
	StageLabel string   `json:"stage_label"`
	StageSince string   `json:"stage_since"`
	Reason     string   `json:"reason"`
	Received   string   `json:"received"`
	Categories []string `json:"categories"`
	Severity   string   `json:"severity"`
	Channel    string   `json:"channel"`
	Country    string   `json:"country"`
	SupplierID string   `json:"supplier_id"`
	// Due is the last day the next step is on time ("" when the stage has
	// no deadline); Overdue and Escalation say how late it is.
	Due        string `json:"due"`
	DaysLeft   int    `json:"days_left"`
	Overdue    bool   `json:"overdue"`
	Escalation int    `json:"escalation"`
	// Purged: the report's content is gone under the retention rule;
	// only this metadata remains, for counts.
	Purged bool `json:"purged"`
}

type caseListJSON struct {
	Cases []caseJSON `json:"cases"`
	pageLinksJSON
}

type caseEnvelopeJSON struct {
	Case caseJSON `json:"case"`
}

func caseOf(it grievance.QueueItem) caseJSON {
	r, d := it.Report, it.Deadline
	c := caseJSON{ID: r.ID, Stage: string(r.Case.Stage), StageLabel: grievance.StageLabel(r.Case.Stage, "en"), StageSince: r.Case.Since.String(),
		Reason: string(r.Case.Reason), Received: r.Triage.Received.String(), Categories: []string{}, Severity: string(r.Triage.Severity),
		Channel: string(r.Triage.Channel), Country: r.Triage.Country, SupplierID: r.Triage.SupplierID,
		DaysLeft: d.DaysLeft, Overdue: d.Overdue, Escalation: d.Escalation, Purged: r.Purged}
	for _, cat := range r.Triage.Categories {
		c.Categories = append(c.Categories, string(cat))
	}
	if d.HasDue {
		c.Due = d.Due.String()
	}
	return c
}

// apiCases lists case metadata, newest first: ?stage=open|all|<stage>
// &category=&country=&supplier=&limit=&cursor=.
func (s *caseHandlers) apiCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lp, problems := readListPage(r, defaultListLimit)
	f := grievance.ReportFilter{Category: grievance.Category(q.Get("category")), SupplierID: q.Get("supplier")}
	switch stage := q.Get("stage"); {
	case stage == "" || stage == "open":
		f.Stages = []grievance.Stage{grievance.StageReceived, grievance.StageAcknowledged, grievance.StageInvestigating, grievance.StageRemediation}
	case stage == "all":
	case grievance.Stage(stage).Valid():
		f.Stages = []grievance.Stage{grievance.Stage(stage)}
	default:
		problems = append(problems, paramProblem{"stage", "stage " + stage + " is not open, all or a stage of the case workflow"})
	}
	if v := q.Get("country"); v != "" {
		if c, err := country.Lookup(v); err == nil {
			f.Country = c.Alpha2
		} else {
			problems = append(problems, paramProblem{"country", "country " + v + " is not a country name or ISO 3166 code"})
		}
	}
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	items, err := s.grievance.Cases(r.Context(), principalOf(r).User.OrgID, f, lp.store())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, more := cutPage(items, lp)
	out := make([]caseJSON, len(items))
	var last []string
	for i, it := range items {
		out[i], last = caseOf(it), grievance.CaseKey(it.Report)
	}
	writeJSON(w, http.StatusOK, caseListJSON{Cases: out, pageLinksJSON: nextPageLinks(w, r, lp, more, last)})
}

func (s *caseHandlers) apiCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !kernel.ValidID(id) {
		s.fail(w, r, kernel.Errorf(kernel.NotFound, "no such case"))
		return
	}
	it, err := s.grievance.Case(r.Context(), principalOf(r).User.OrgID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseEnvelopeJSON{Case: caseOf(it)})
}

func casesAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "GET /api/v1/cases", tag: "Cases", summary: "List grievance cases",
			description: "Case metadata, newest first: stage, due date of the next step, triage (categories, severity, channel, country, supplier). " +
				"What the reporter wrote is sealed and never in the API: a signed-in case handler reads it on the case page with their unlocked key.",
			params: []apiParam{
				{name: "stage", description: "open (the default: received, acknowledged, investigating, remediation), all, or one stage."},
				{name: "category", description: "Only cases of this category (its code, such as forced_labour)."},
				{name: "country", description: "Only cases from this country (ISO 3166 code or English name)."},
				{name: "supplier", description: "Only cases linked to this supplier (its id)."},
			},
			result: caseListJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "GET /api/v1/cases/{id}", tag: "Cases", summary: "One case's metadata",
			description: "The case's stage, due date and triage; nothing sealed.",
			params:      []apiParam{{name: "id", in: "path", description: "The case's id."}},
			result:      caseEnvelopeJSON{}, errors: []int{http.StatusNotFound}},
	}
}
