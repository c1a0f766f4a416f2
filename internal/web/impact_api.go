package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Upload limits: observation files and impact maps are small documents.
const (
	maxCSVUpload = 16 << 20
	maxMapUpload = 2 << 20
)

// modelProblems splits a logic-model validation message into its
// problems, each of which names the nodes or links at fault.
func modelProblems(err error) []string {
	msg, ok := strings.CutPrefix(kernel.ErrorMessage(err), "logic model: ")
	if !ok || !kernel.IsCode(err, kernel.Invalid) {
		return nil
	}
	var out []string
	for _, part := range strings.Split(msg, "; ") {
		// A problem may itself contain "; " (the cycle message does):
		// parts that do not open with a subject continue the previous one.
		if len(out) > 0 && !problemStart.MatchString(part) {
			out[len(out)-1] += "; " + part
			continue
		}
		out = append(out, part)
	}
	return out
}

// problemStart is how a problem of the model opens: with what it is
// about. A subject is a kind and a quoted id, so that the advice after a
// problem ("...; link it from an output") stays with it.
var problemStart = regexp.MustCompile(`^(programme|nodes\[|node "|links\[|link \w+ "|cycle|indicators\[|indicator "|input "|activity "|output "|outcome "|impact ")`)

// failImpact answers an API error; a logic model's problems and an
// observation file's row errors are listed so a client can show each.
func (s *impactHandlers) failImpact(w http.ResponseWriter, r *http.Request, err error) {
	var ie *impact.ImportError
	var items []problemItem
	extra := map[string]any{}
	switch {
	case errors.As(err, &ie):
		for _, row := range ie.Rows {
			items = append(items, problemItem{Field: row.Field, Reason: row.Problem, File: row.File, Line: row.Line, Column: row.Column})
		}
		extra["more"] = ie.More
	case modelProblems(err) != nil:
		for _, p := range modelProblems(err) {
			items = append(items, problemItem{Field: "model", Reason: p})
		}
	default:
		s.fail(w, r, err)
		return
	}
	writeProblem(w, r, http.StatusBadRequest, kernel.Errorf(kernel.Invalid, "%s", kernel.ErrorMessage(err)), items, extra)
}

func (s *impactHandlers) apiProgrammes(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	list, err := s.programmes.Programmes(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, links := pageInMemory(w, r, list, lp, false, func(pr impact.Programme) []string { return []string{pr.Model.Programme, pr.ID} })
	writeJSON(w, http.StatusOK, programmesJSON{Programmes: nonNil(list), pageLinksJSON: links})
}

func (s *impactHandlers) apiProgramme(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	prog, err := s.impact.Programme(r.Context(), p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, programmeEnvelopeJSON{Programme: prog})
}

// decodeModel reads a logic model strictly; an absent model is refused.
func decodeModel(raw json.RawMessage) (*impact.LogicModel, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, kernel.Errorf(kernel.Invalid, "model: missing; give the logic model with its programme name, nodes, links and indicators")
	}
	m, err := impact.DecodeLogicModel(bytes.NewReader(raw))
	if err != nil && !errors.Is(err, impact.ErrInvalidModel) {
		return nil, kernel.Errorf(kernel.Invalid, "model: %s", kernel.ErrorMessage(err))
	}
	return m, err
}

func (s *impactHandlers) apiProgrammeCreate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	var in struct {
		Model      json.RawMessage    `json:"model"`
		Dimensions []impact.Dimension `json:"dimensions"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := decodeModel(in.Model)
	if err != nil {
		s.failImpact(w, r, err)
		return
	}
	prog, err := s.impact.CreateProgramme(r.Context(), p.User.OrgID, *m, in.Dimensions)
	if err != nil {
		s.failImpact(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, programmeEnvelopeJSON{Programme: prog})
}

func (s *impactHandlers) apiModelPut(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	m, err := impact.DecodeLogicModel(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		s.failImpact(w, r, err)
		return
	}
	prog, err := s.impact.ReplaceModel(r.Context(), p.User.OrgID, r.PathValue("id"), *m)
	if err != nil {
		s.failImpact(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, programmeEnvelopeJSON{Programme: prog})
}

func (s *impactHandlers) apiObservationsAdd(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	var in observationsInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(in.Observations) == 0 {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "observations: none given"))
		return
	}
	prog, err := s.impact.Programme(r.Context(), p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Check each observation on its own first, so that the message can
	// say which one is wrong; the service then checks them together.
	for i, o := range in.Observations {
		if o.Period.Code == "" {
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "observations[%d].period: missing", i))
			return
		}
		ind, ok := prog.Model.Indicator(o.Indicator)
		if !ok {
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "observations[%d].indicator: %q is not in programme %q", i, o.Indicator, prog.Model.Programme))
			return
		}
		if err := impact.CheckObservation(ind, prog.Dimensions, o); err != nil {
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "observations[%d]: %s", i, kernel.ErrorMessage(err)))
			return
		}
	}
	if err := s.impact.RecordObservations(r.Context(), p.User.OrgID, r.PathValue("id"), in.Observations); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, storedJSON{Stored: len(in.Observations)})
}

// uploadedFile returns the multipart file field and its base name.
func uploadedFile(w http.ResponseWriter, r *http.Request, field string, limit int64) ([]byte, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(limit); err != nil {
		return nil, "", kernel.Errorf(kernel.Invalid, "%s: send the file as multipart/form-data under the field %q (at most %d MiB)", field, field, limit>>20)
	}
	f, hdr, err := r.FormFile(field)
	if err != nil {
		return nil, "", kernel.Errorf(kernel.Invalid, "%s: no file uploaded", field)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, "", kernel.Errorf(kernel.Invalid, "%s: reading the upload: %v", field, err)
	}
	name := filepath.Base(strings.ReplaceAll(hdr.Filename, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload.csv"
	}
	return buf.Bytes(), name, nil
}

func (s *impactHandlers) apiObservationsCSV(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	data, name, err := uploadedFile(w, r, "file", maxCSVUpload)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.impact.ImportObservations(r.Context(), p.User.OrgID, r.PathValue("id"), bytes.NewReader(data), name)
	if err != nil {
		s.failImpact(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, storedFileJSON{Stored: n, File: name})
}

// filterOf reads ?within=PERIOD.
func filterOf(r *http.Request) (impact.Filter, error) {
	var f impact.Filter
	if w := r.URL.Query().Get("within"); w != "" {
		p, err := impact.ParsePeriod(w)
		if err != nil {
			return f, kernel.Errorf(kernel.Invalid, "within: %s", kernel.ErrorMessage(err))
		}
		f.Within = &p
	}
	return f, nil
}

func (s *impactHandlers) apiProgress(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	f, err := filterOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.impact.Report(r.Context(), p.User.OrgID, r.PathValue("id"), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, progressJSON{Report: rep})
}

func (s *impactHandlers) apiBreakdownProtected(w http.ResponseWriter, r *http.Request) {
	s.apiBreakdown(w, r, false)
}
func (s *impactHandlers) apiBreakdownFull(w http.ResponseWriter, r *http.Request) {
	s.apiBreakdown(w, r, true)
}

// apiBreakdown rolls one indicator up per category of ?by=DIMENSION. The
// route decides caseAccess: only the case-access route shows small groups.
func (s *impactHandlers) apiBreakdown(w http.ResponseWriter, r *http.Request, caseAccess bool) {
	p := principalOf(r)
	f, err := filterOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "by: missing; name the disaggregation to break down by, like ?by=sex"))
		return
	}
	prog, err := s.impact.Programme(r.Context(), p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ind, ok := prog.Model.Indicator(r.PathValue("code"))
	if !ok {
		s.fail(w, r, kernel.Errorf(kernel.NotFound, "indicator %q is not in programme %q", r.PathValue("code"), prog.Model.Programme))
		return
	}
	obs, err := s.impact.Observations(r.Context(), p.User.OrgID, prog.ID, ind.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := impact.Breakdown(ind, prog.Dimensions, obs, by, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shown, err := impact.ProtectGroups(ind, groups, caseAccess)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, breakdownJSON{Indicator: ind.Code, By: by, SuppressedBelow: impact.MinGroupSize,
		CaseAccess: caseAccess, Groups: nonNil(shown)})
}

func (s *impactHandlers) apiSROIAnalyse(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	m, err := impact.DecodeMap(http.MaxBytesReader(w, r.Body, maxMapUpload))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.impact.AnalyseSROI(r.Context(), p.User.OrgID, r.PathValue("id"), m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, analysisEnvelopeJSON{Analysis: a})
}

func (s *impactHandlers) apiSROIList(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	id := r.PathValue("id")
	if _, err := s.impact.Programme(r.Context(), p.User.OrgID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.impact.Analyses(r.Context(), p.User.OrgID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, links := pageInMemory(w, r, list, lp, true, func(a impact.Analysis) []string { return []string{sortableTime(a.CreatedAt), a.ID} })
	writeJSON(w, http.StatusOK, analysesJSON{Analyses: nonNil(list), pageLinksJSON: links})
}

// Survivor-level routes: case access only (the route table says so).

func (s *impactHandlers) apiSurvivorNew(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusCreated, subjectJSON{Subject: impact.NewPseudonym()})
}

func consentView(c impact.Consent, clock kernel.Clock) consentJSON {
	now := clock.Now()
	allowed := map[string]bool{}
	for _, p := range impact.Purposes() {
		allowed[string(p)] = c.Allows(p, now)
	}
	if c.Events == nil {
		c.Events = []impact.ConsentEvent{}
	}
	return consentJSON{Consent: c, AllowedNow: allowed}
}

func (s *impactHandlers) apiConsent(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	subj, err := impact.ParsePseudonym(r.PathValue("subject"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.survivors.Consent(r.Context(), p.User.OrgID, subj)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, consentView(c, s.clock))
}

func (s *impactHandlers) apiConsentRecord(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	subj, err := impact.ParsePseudonym(r.PathValue("subject"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in consentInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Granted == nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "granted: missing; true records consent, false its withdrawal"))
		return
	}
	c, err := s.survivors.RecordConsent(r.Context(), p.User.OrgID, subj, in.Purpose, *in.Granted, p.User.ID, in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, consentView(c, s.clock))
}

func (s *impactHandlers) apiSurvivorOutcomes(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	recs, err := s.survivors.Outcomes(r.Context(), p.User.OrgID, r.PathValue("id"), r.URL.Query().Get("indicator"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Records have no id of their own; they are kept in the order they
	// were recorded, so a record's place in that order is its key.
	type numbered struct {
		n   int
		rec impact.SurvivorOutcome
	}
	all := make([]numbered, len(recs))
	for i, rec := range recs {
		all[i] = numbered{i, rec}
	}
	page, links := pageInMemory(w, r, all, lp, false, func(x numbered) []string { return []string{fmt.Sprintf("%012d", x.n)} })
	out := make([]impact.SurvivorOutcome, len(page))
	for i, x := range page {
		out[i] = x.rec
	}
	writeJSON(w, http.StatusOK, survivorOutcomesJSON{Records: out, pageLinksJSON: links})
}

func (s *impactHandlers) apiSurvivorOutcomesAdd(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	var in survivorOutcomesInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.survivors.AddOutcomes(r.Context(), p.User.OrgID, r.PathValue("id"), in.Records); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, storedJSON{Stored: len(in.Records)})
}

// apiSurvivorObservations turns one indicator's survivor records for one
// period into observations, counting only people whose consent to outcome
// measurement stands now, and records them. Only aggregates leave: the
// answer says how many records were used and how many were left out.
func (s *impactHandlers) apiSurvivorObservations(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	var in survivorObserveInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	period, err := impact.ParsePeriod(in.Period)
	if err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "period: %s", kernel.ErrorMessage(err)))
		return
	}
	done, err := s.survivors.Observe(r.Context(), p.User.OrgID, r.PathValue("id"), in.Indicator, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, survivorObservedJSON{Observations: done.Observations, RecordsUsed: done.RecordsUsed, RecordsExcluded: done.RecordsExcluded})
}
