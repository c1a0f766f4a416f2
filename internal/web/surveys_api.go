package web

import (
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
)

// The surveys API gives staff the design of worker-voice surveys with the
// permissions of the survey pages: reading needs cases.aggregate, designing
// suppliers.write. What respondents answered is not in it: the pages show
// counts suppressed below 5 respondents, and free text only to a case
// handler whose key is unlocked in the session.

// surveySummaryJSON is one survey of the list.
type surveySummaryJSON struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Status    string   `json:"status"`
	Languages []string `json:"languages"`
	Opens     string   `json:"opens"`
	Closes    string   `json:"closes"`
	Rounds    int      `json:"rounds"`
	Sites     int      `json:"sites"`
	Questions int      `json:"questions"`
}

type surveyListJSON struct {
	Surveys []surveySummaryJSON `json:"surveys"`
	pageLinksJSON
}

// surveySiteJSON is a site the survey asks, with the code and link posted
// there for its workers.
type surveySiteJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
	Link string `json:"link"`
}

// surveyRoundJSON is one round's days.
type surveyRoundJSON struct {
	Round  int    `json:"round"`
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
}

// surveyDesignJSON is a survey's whole design.
type surveyDesignJSON struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Status    string            `json:"status"`
	Languages []string          `json:"languages"`
	Questions []survey.Question `json:"questions"`
	Target    survey.Target     `json:"target"`
	Schedule  survey.Schedule   `json:"schedule"`
	Rounds    []surveyRoundJSON `json:"rounds"`
	Sites     []surveySiteJSON  `json:"sites"`
}

type surveyEnvelopeJSON struct {
	Survey surveyDesignJSON `json:"survey"`
}

// surveyQuestionInput is a question of the organisation's own.
type surveyQuestionInput struct {
	// Kind is yes_no, choice, number, scale or text.
	Kind string `json:"kind"`
	// Text is the question's wording in every language of the survey.
	Text map[string]string `json:"text"`
	// Options of a choice, each with its wording in every language.
	Options []map[string]string `json:"options,omitempty"`
	Min     int                 `json:"min,omitempty"`
	Max     int                 `json:"max,omitempty"`
	// Indicator is the ILO indicator of forced labour (or child_labour)
	// the answers are evidence of; empty for none.
	Indicator string `json:"indicator,omitempty"`
	// Concern says which answers indicate it.
	Concern survey.Concern `json:"concern,omitzero"`
	// ShowIf asks the question only after an earlier one was answered
	// with one of the values.
	ShowIf *survey.Condition `json:"show_if,omitempty"`
}

func (s *surveyHandlers) summaryOf(sv survey.Survey, today grievance.Day) surveySummaryJSON {
	_, last := sv.Schedule.RoundDays(sv.Schedule.Rounds)
	return surveySummaryJSON{ID: sv.ID, Title: sv.Title, Status: surveyStatus(s.locales.get(defaultLocale), sv, today), Languages: nonNil(sv.Languages),
		Opens: sv.Schedule.Opens.String(), Closes: last.String(), Rounds: sv.Schedule.Rounds, Sites: len(sv.Sites), Questions: len(sv.Questions)}
}

func (s *surveyHandlers) designOf(r *http.Request, sv survey.Survey) surveyDesignJSON {
	p := principalOf(r)
	d := surveyDesignJSON{ID: sv.ID, Title: sv.Title, Status: surveyStatus(s.locales.get(defaultLocale), sv, s.surveys.Today()), Languages: nonNil(sv.Languages),
		Questions: nonNil(sv.Questions), Target: sv.Target, Schedule: sv.Schedule, Rounds: []surveyRoundJSON{}, Sites: []surveySiteJSON{}}
	for i := 1; i <= sv.Schedule.Rounds; i++ {
		o, c := sv.Schedule.RoundDays(i)
		d.Rounds = append(d.Rounds, surveyRoundJSON{Round: i, Opens: o.String(), Closes: c.String()})
	}
	for _, st := range sv.Sites {
		d.Sites = append(d.Sites, surveySiteJSON{ID: st.ID, Name: s.siteName(r.Context(), p.User.OrgID, st.ID), Code: st.Code,
			Link: s.publicLink(r, p.Org.Slug, st.Code)})
	}
	return d
}

// apiSurveys lists the organisation's surveys, newest first.
func (s *surveyHandlers) apiSurveys(w http.ResponseWriter, r *http.Request) {
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	svs, err := s.surveys.Surveys(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Ids are time-ordered, so newest first is by id, descending.
	page, links := pageInMemory(w, r, svs, lp, true, func(sv survey.Survey) []string { return []string{sv.ID} })
	today := s.surveys.Today()
	out := make([]surveySummaryJSON, len(page))
	for i, sv := range page {
		out[i] = s.summaryOf(sv, today)
	}
	writeJSON(w, http.StatusOK, surveyListJSON{Surveys: out, pageLinksJSON: links})
}

func (s *surveyHandlers) apiSurvey(w http.ResponseWriter, r *http.Request) {
	sv, err := s.surveys.Survey(r.Context(), principalOf(r).User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, surveyEnvelopeJSON{Survey: s.designOf(r, sv)})
}

// apiSurveyCreate makes a survey from a design, as the surveys page does.
func (s *surveyHandlers) apiSurveyCreate(w http.ResponseWriter, r *http.Request) {
	var in surveyInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	sv, err := surveyFromInput(in)
	if err == nil {
		sv, err = s.surveys.Create(r.Context(), principalOf(r).User.OrgID, sv)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/surveys/"+sv.ID)
	writeJSON(w, http.StatusCreated, surveyEnvelopeJSON{Survey: s.designOf(r, sv)})
}

// apiSurveyAddQuestion adds a question of the organisation's own, as the
// survey's page does; it is asked from the next answer on.
func (s *surveyHandlers) apiSurveyAddQuestion(w http.ResponseWriter, r *http.Request) {
	var in surveyQuestionInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	q := survey.Question{Kind: survey.Kind(in.Kind), Text: map[string]string{}, Min: in.Min, Max: in.Max,
		Indicator: grievance.Category(strings.TrimSpace(in.Indicator)), Concern: in.Concern, ShowIf: in.ShowIf}
	if !q.Kind.Valid() {
		s.fail(w, r, kernel.InvalidField("kind", "kind %q is not yes_no, choice, number, scale or text", in.Kind))
		return
	}
	for l, t := range in.Text {
		q.Text[l] = strings.TrimSpace(t)
	}
	for _, o := range in.Options {
		opt := survey.Option{Text: map[string]string{}}
		for l, t := range o {
			opt.Text[l] = strings.TrimSpace(t)
		}
		q.Options = append(q.Options, opt)
	}
	sv, err := s.surveys.AddQuestion(r.Context(), principalOf(r).User.OrgID, r.PathValue("id"), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, surveyEnvelopeJSON{Survey: s.designOf(r, sv)})
}

func surveysAPIDocs() []apiDoc {
	id := []apiParam{{name: "id", in: "path", description: "The survey's id."}}
	return []apiDoc{
		{pattern: "GET /api/v1/surveys", tag: "Surveys", summary: "List surveys",
			description: "The organisation's surveys, newest first: title, status (scheduled, open, between rounds, ended), days, and how many sites and questions.",
			result:      surveyListJSON{}, list: true, errors: []int{http.StatusBadRequest}},
		{pattern: "GET /api/v1/surveys/{id}", tag: "Surveys", summary: "One survey's design",
			description: "The questions with their wording in every language, options, conditions and the indicator each informs; the sites asked, " +
				"each with the code and link posted there; and the schedule with each round's days. No answers: results are on the survey's page, " +
				"with counts under 5 respondents suppressed, and free text only for a case handler whose key is unlocked.",
			params: id, result: surveyEnvelopeJSON{}, errors: []int{http.StatusNotFound}},
		{pattern: "POST /api/v1/surveys", tag: "Surveys", summary: "Design a survey",
			description: "As the surveys page: a title, the languages (" + strings.Join(survey.Languages(), ", ") + "; every question is worded in each), " +
				"questions from the library by key (" + strings.Join(libraryKeys(), ", ") + "), the sites (supply-map parties by id) or a supplier " +
				"whose facilities are asked, and the schedule: the first round's days (YYYY-MM-DD), the number of rounds and the days between them. " +
				"Each site gets a code to post. A design that does not hold is refused naming the field.",
			body: surveyInput{}, status: http.StatusCreated, result: surveyEnvelopeJSON{},
			errors:      []int{http.StatusBadRequest, http.StatusNotFound},
			bodyExample: `{"title": "Spinning mills, spring", "languages": ["en", "fr"], "questions": ["own_documents", "paid_in_full", "free_to_go_out"], "sites": ["0193a5c2-7d1e-7c3a-9b2f-1a2b3c4d5e6f"], "opens": "2027-03-01", "closes": "2027-03-14", "rounds": 2, "every_days": 90}`},
		{pattern: "POST /api/v1/surveys/{id}/questions", tag: "Surveys", summary: "Add a question of your own",
			description: "As the survey's page: kind (yes_no, choice, number, scale or text), the wording in every language of the survey, a choice's " +
				"options (each worded in every language), a number's range, the indicator the answers are evidence of with the answers of concern, " +
				"and optionally a condition on an earlier question. It is asked from the next answer on.",
			params: id, body: surveyQuestionInput{}, status: http.StatusCreated, result: surveyEnvelopeJSON{},
			errors:      []int{http.StatusBadRequest, http.StatusNotFound},
			bodyExample: `{"kind": "yes_no", "text": {"en": "Can you leave the dormitory after work?"}, "indicator": "restriction_of_movement", "concern": {"values": ["no"]}}`},
	}
}

// libraryKeys are the keys of the question library, in its order.
func libraryKeys() []string {
	var out []string
	for _, q := range survey.Library() {
		out = append(out, q.Key)
	}
	return out
}
