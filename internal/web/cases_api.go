package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
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
	// Assignee is the user id of the case handler responsible for the
	// case; empty when no one is.
	Assignee string `json:"assignee"`
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
		DaysLeft: d.DaysLeft, Overdue: d.Overdue, Escalation: d.Escalation, Assignee: r.Case.Assignee, Purged: r.Purged}
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

// caseStageInput is the body of a stage change.
type caseStageInput struct {
	To     string `json:"to"`
	Reason string `json:"reason,omitempty"`
	// Note is an internal case note saying why: sealed content, so it
	// needs the caller's unlocked key (a signed-in session).
	Note string `json:"note,omitempty"`
	// ConfirmOpenRemedies closes a case whose remedies are still open;
	// the note must then say why.
	ConfirmOpenRemedies bool `json:"confirm_open_remedies,omitempty"`
}

// errNoteNeedsKey refuses a note sent without an unlocked key.
var errNoteNeedsKey = kernel.Errorf(kernel.Forbidden, "a note, and closing a case with open remedies (which needs one), is sealed "+
	"under the case's key, which an API token never carries: send the stage change without a note, or add the note on the case page")

// apiCaseStage moves a case to another stage. A stage is clear metadata,
// so a handler of the case may move it with an API token, which carries
// no key; a note is sealed content, so it is accepted only from a caller
// whose unlocked key opens the case (a signed-in session), exactly as on
// the case page. Either way the workflow's rules apply and the change is
// audited.
func (s *caseHandlers) apiCaseStage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !kernel.ValidID(id) {
		s.fail(w, r, kernel.Errorf(kernel.NotFound, "no such case"))
		return
	}
	var in caseStageInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	to, reason := grievance.Stage(in.To), grievance.Reason(in.Reason)
	if !to.Valid() {
		failParams(w, r, []paramProblem{{"to", "to " + strconv.Quote(in.To) + " is not a stage of the case workflow"}})
		return
	}
	p := principalOf(r)
	ctx := r.Context()
	var err error
	if strings.TrimSpace(in.Note) == "" && !in.ConfirmOpenRemedies {
		_, err = s.grievance.MoveAsHandler(ctx, p.User.OrgID, id, p.User.ID, to, reason)
	} else {
		err = s.moveWithKey(ctx, p, id, to, reason, strings.TrimSpace(in.Note), in.ConfirmOpenRemedies)
	}
	if err != nil {
		switch {
		case errors.Is(err, errNoteNeedsKey):
			writeProblem(w, r, http.StatusForbidden, err, []problemItem{{Field: "note", Reason: kernel.ErrorMessage(err)}})
		case kernel.IsCode(err, kernel.Invalid):
			// The workflow's refusals say what is wrong with the move.
			field := "to"
			var fe *kernel.FieldError
			switch msg := kernel.ErrorMessage(err); {
			case errors.As(err, &fe):
				field = fe.Field
			case strings.Contains(msg, "reason"):
				field = "reason"
			case strings.Contains(msg, "note"):
				field = "note"
			}
			writeProblem(w, r, http.StatusBadRequest, err, []problemItem{{Field: field, Reason: kernel.ErrorMessage(err)}})
		default:
			s.fail(w, r, err)
		}
		return
	}
	it, err := s.grievance.Case(ctx, p.User.OrgID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseEnvelopeJSON{Case: caseOf(it)})
}

// moveWithKey is the case page's move, for a caller whose session holds
// the unlocked key: the key opens the case, which proves the caller is
// its handler, and seals the note.
func (s *caseHandlers) moveWithKey(ctx context.Context, p account.Principal, id string, to grievance.Stage, reason grievance.Reason,
	note string, confirmOpen bool) error {
	h, err := handlerOf(p)
	if err != nil {
		return errNoteNeedsKey
	}
	hs, err := s.grievance.OpenAsHandler(ctx, p.User.OrgID, id, h)
	if err != nil {
		return err
	}
	defer hs.Close()
	if confirmOpen {
		return hs.MoveConfirmed(ctx, to, reason, note)
	}
	return hs.Move(ctx, to, reason, note)
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
			description: "The case's stage, due date, triage and assignee; nothing sealed.",
			params:      []apiParam{{name: "id", in: "path", description: "The case's id."}},
			result:      caseEnvelopeJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "POST /api/v1/cases/{id}/stage", resource: "/api/v1/cases/{id}", tag: "Cases", summary: "Move a case to another stage",
			description: "to is the stage (acknowledged, investigating, remediation, closed, ...); closing takes a reason (resolved, unfounded, " +
				"duplicate, withdrawn, unreachable, ...). The workflow's rules are the case page's: a move it does not allow is refused (400, " +
				"naming to or reason), and closing while remedies are open is refused (409) unless confirm_open_remedies is set with a note saying why. " +
				"Only a handler of the case (one who holds its key) may move it; the change is audited.\n\n" +
				"A stage is metadata in clear, so an API token, which never carries a case handler's key, may move it. A note is an internal " +
				"case note, sealed under the case's key: it is accepted only from a signed-in session whose unlocked key opens the case, and from " +
				"a token it is refused (403, naming note), as is closing with open remedies. See docs/api.md, Cases.",
			params: []apiParam{{name: "id", in: "path", description: "The case's id."}},
			body:   caseStageInput{}, result: caseEnvelopeJSON{},
			errors:      []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
			bodyExample: `{"to": "investigating"}`},
	}
}
