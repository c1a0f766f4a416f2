package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/survey"
)

// SurveyDeps is what the survey pages need beside the service.
type SurveyDeps struct {
	Service *survey.Service
	// PublicURL is the scheme and host printed in the links and QR codes
	// posted at sites ("https://upstream.example.org"); empty uses the
	// address the page was requested at.
	PublicURL string
}

// surveyHandlers are worker-voice surveys: the staff pages that design
// them and read their results, and the respondent's page.
type surveyHandlers struct {
	*base
	surveys   *survey.Service
	parties   partyNamer
	orgs      orgDirectory
	publicURL string
	// grievance and keys, when the grievance mechanism is on, let a
	// respondent send a free-text answer on as a report, by choice.
	grievance *grievance.Service
	keys      OrgKeySource
}

// partyNamer is what survey pages read of the supply map: a party's name,
// and parties by the start of their name, to choose sites.
type partyNamer interface {
	GetParty(ctx context.Context, orgID, id string) (supplychain.Party, error)
	ListParties(ctx context.Context, orgID string, f supplychain.PartyFilter, page kernel.Page) ([]supplychain.Party, int, error)
}

// siteName names a party for a page; a party that is gone shows as such,
// never as its id.
func (s *surveyHandlers) siteName(ctx context.Context, orgID, id string) string {
	p, err := s.parties.GetParty(ctx, orgID, id)
	if err != nil || p.Name == "" {
		return "a site no longer in the supply map"
	}
	if p.Country != "" {
		return p.Name + " (" + p.Country + ")"
	}
	return p.Name
}

type surveyRow struct {
	ID, Title, Status, Dates string
	Sites, Rounds, Questions int
}

func surveyStatus(l *locale, sv survey.Survey, today grievance.Day) string {
	if r := sv.Schedule.Round(today); r > 0 {
		return l.tr("open (round %v of %v)", r, sv.Schedule.Rounds)
	}
	if sv.Schedule.Ended(today) {
		return l.tr("ended")
	}
	if today.Before(sv.Schedule.Opens) {
		return l.tr("scheduled")
	}
	return l.tr("between rounds")
}

// day shows a survey's day as l writes dates.
func (l *locale) day(d grievance.Day) string {
	if d.IsZero() {
		return ""
	}
	return l.date(d.Time())
}

type libraryOption struct {
	Key       string
	Text      authoredText
	Indicator string
	Checked   bool
}

type siteOption struct {
	ID, Name string
}

func (s *surveyHandlers) surveysPage(w http.ResponseWriter, r *http.Request) {
	s.renderSurveys(w, r, http.StatusOK, "", nil)
}

func (s *surveyHandlers) renderSurveys(w http.ResponseWriter, r *http.Request, status int, errMsg string, form url.Values) {
	ctx := r.Context()
	p := principalOf(r)
	svs, err := s.surveys.Surveys(ctx, p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.surveys.Today()
	loc := s.localeOf(r)
	rows := make([]surveyRow, 0, len(svs))
	for _, sv := range svs {
		_, last := sv.Schedule.RoundDays(sv.Schedule.Rounds)
		rows = append(rows, surveyRow{ID: sv.ID, Title: sv.Title, Status: surveyStatus(loc, sv, today),
			Dates: loc.tr("%v to %v", loc.day(sv.Schedule.Opens), loc.day(last)),
			Sites: len(sv.Sites), Rounds: sv.Schedule.Rounds, Questions: len(sv.Questions)})
	}
	if form == nil {
		form = url.Values{}
	}
	chosenQ := form["question"]
	var lib []libraryOption
	for _, q := range survey.Library() {
		label := ""
		if q.Indicator != "" {
			label = grievance.Label(q.Indicator, loc.Code)
		}
		lib = append(lib, libraryOption{Key: q.Key, Text: authoredIn(loc, q.Text), Indicator: label,
			Checked: len(chosenQ) == 0 || slices.Contains(chosenQ, q.Key)})
	}
	chosenL := form["language"]
	if len(chosenL) == 0 {
		chosenL = []string{"en"}
	}
	var langs []langLink
	for _, l := range survey.Languages() {
		langs = append(langs, langLink{Code: l, Name: languageNames[l], Current: slices.Contains(chosenL, l)})
	}
	// Sites are chosen from a search of the supply map: a GET form that
	// works without script, whose matches come back as checkboxes.
	query := strings.TrimSpace(r.URL.Query().Get("q"))
	if query == "" {
		query = strings.TrimSpace(form.Get("q"))
	}
	var matches []siteOption
	if query != "" {
		parties, _, err := s.parties.ListParties(ctx, p.User.OrgID, supplychain.PartyFilter{NamePrefix: query}, kernel.Page{Limit: 25})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, pt := range parties {
			name := pt.Name
			if pt.Country != "" {
				name += " (" + pt.Country + ")"
			}
			matches = append(matches, siteOption{ID: pt.ID, Name: name})
		}
	}
	today = s.surveys.Today()
	s.render(w, r, status, "surveys.html", map[string]any{
		"Surveys": rows, "Library": lib, "Languages": langs, "Query": query, "Matches": matches,
		"Chosen": form["site"], "Error": errMsg, "Notice": r.URL.Query().Get("done"),
		"Form": map[string]string{
			"title": form.Get("title"), "opens": orDefault(form.Get("opens"), today.String()),
			"closes": orDefault(form.Get("closes"), today.AddDays(13).String()),
			"rounds": orDefault(form.Get("rounds"), "2"), "every": orDefault(form.Get("every"), "90"),
		},
	})
}

func orDefault(v, d string) string {
	if strings.TrimSpace(v) == "" {
		return d
	}
	return v
}

// surveyCreate makes a survey from the form: a title, the languages, the
// library questions chosen, the sites (or a supplier whose facilities are
// asked) and the schedule.
func (s *surveyHandlers) surveyCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSimpleBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the form could not be read; please try again"))
		return
	}
	f := r.PostForm
	sv, err := surveyFromForm(f)
	if err == nil {
		sv, err = s.surveys.Create(r.Context(), principalOf(r).User.OrgID, sv)
	}
	if err != nil {
		if !kernel.IsCode(err, kernel.Invalid) {
			s.fail(w, r, err)
			return
		}
		s.renderSurveys(w, r, http.StatusBadRequest, kernel.ErrorMessage(err), f)
		return
	}
	http.Redirect(w, r, "/surveys/"+sv.ID+"?done=created", http.StatusSeeOther)
}

// surveyInput is a survey's design as the form or the API sends it.
type surveyInput struct {
	Title     string   `json:"title"`
	Languages []string `json:"languages"`
	// Questions are keys of the question library; the organisation's own
	// questions are added afterwards.
	Questions []string `json:"questions"`
	// Sites are the supply map's parties whose workers are asked, by id;
	// Supplier, instead or as well, asks the facilities of a supplier.
	Sites    []string `json:"sites,omitempty"`
	Supplier string   `json:"supplier,omitempty"`
	// Opens and Closes are the first round's days (YYYY-MM-DD).
	Opens     string `json:"opens"`
	Closes    string `json:"closes"`
	Rounds    int    `json:"rounds"`
	EveryDays int    `json:"every_days,omitempty"`
}

func surveyFromForm(f url.Values) (survey.Survey, error) {
	in := surveyInput{Title: f.Get("title"), Languages: f["language"], Questions: f["question"], Sites: f["site"],
		Supplier: f.Get("supplier"), Opens: f.Get("opens"), Closes: f.Get("closes")}
	var err error
	if in.Rounds, err = strconv.Atoi(strings.TrimSpace(f.Get("rounds"))); err != nil {
		return survey.Survey{}, kernel.InvalidField("rounds", "enter the number of rounds")
	}
	if e := strings.TrimSpace(f.Get("every")); e != "" && in.Rounds > 1 {
		if in.EveryDays, err = strconv.Atoi(e); err != nil {
			return survey.Survey{}, kernel.InvalidField("every", "enter the number of days between rounds")
		}
	}
	return surveyFromInput(in)
}

// surveyFromInput is the survey a design describes, checked as far as the
// design alone allows; the service checks the rest.
func surveyFromInput(in surveyInput) (survey.Survey, error) {
	sv := survey.Survey{Title: strings.TrimSpace(in.Title), Languages: in.Languages}
	for _, k := range in.Questions {
		q, ok := survey.LibraryQuestion(k)
		if !ok {
			return sv, kernel.InvalidField("questions", "unknown library question")
		}
		sv.Questions = append(sv.Questions, q)
	}
	// A follow-up whose question was left out loses its condition's
	// anchor: leave it out too, and say so by validation if nothing remains.
	kept := sv.Questions[:0]
	for _, q := range sv.Questions {
		if q.ShowIf != nil && !slices.ContainsFunc(sv.Questions, func(o survey.Question) bool { return o.Key == q.ShowIf.Question }) {
			continue
		}
		kept = append(kept, q)
	}
	sv.Questions = kept
	for _, id := range in.Sites {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(sv.Target.SiteIDs, id) {
			sv.Target.SiteIDs = append(sv.Target.SiteIDs, id)
		}
	}
	sv.Target.SupplierID = strings.TrimSpace(in.Supplier)
	var err error
	if sv.Schedule.Opens, err = grievance.ParseDay(in.Opens); err != nil {
		return sv, kernel.InvalidField("opens", "enter the day the survey opens as YYYY-MM-DD")
	}
	if sv.Schedule.Closes, err = grievance.ParseDay(in.Closes); err != nil {
		return sv, kernel.InvalidField("closes", "enter the day the survey closes as YYYY-MM-DD")
	}
	sv.Schedule.Rounds = in.Rounds
	if in.Rounds > 1 {
		sv.Schedule.EveryDays = in.EveryDays
	}
	return sv, nil
}

type siteResultView struct {
	Name, Link, Code, QR string
	Respondents          int
	Hidden               bool
	ResponseRate         string
	Questions            []questionResultView
}

type questionResultView struct {
	N          int
	Text       authoredText
	Answered   int
	Hidden     bool
	Cells      []cellView
	Concerning string
	Median     string
}

type cellView struct {
	Label, Count, Share string
}

// cellText shows one answer's count and share, or why it is hidden; an
// empty Share means hidden.
func cellText(l *locale, c survey.Cell) cellView {
	if c.Suppressed && c.Complementary {
		return cellView{Count: l.tr("hidden, so that a small count beside it cannot be worked out")}
	}
	if c.Suppressed {
		return cellView{Count: l.tr("fewer than 5")}
	}
	return cellView{Count: l.count(c.N), Share: l.tr("%v (%v–%v)", l.wholePercent(c.Share), l.wholePercent(c.Low), l.wholePercent(c.High))}
}

func (s *surveyHandlers) publicLink(r *http.Request, orgSlug, code string) string {
	base := strings.TrimRight(s.publicURL, "/")
	if base == "" {
		scheme := "https"
		if r.TLS == nil && (strings.HasPrefix(r.Host, "127.0.0.1") || strings.HasPrefix(r.Host, "localhost")) {
			scheme = "http"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/survey/" + url.PathEscape(orgSlug) + "/" + code
}

func (s *surveyHandlers) surveyDetail(w http.ResponseWriter, r *http.Request) {
	s.renderDetail(w, r, http.StatusOK, "")
}

// renderDetail draws a survey's page; errMsg, when set, says what was
// wrong with the question form just sent.
func (s *surveyHandlers) renderDetail(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	ctx := r.Context()
	p := principalOf(r)
	orgID := p.User.OrgID
	sv, err := s.surveys.Survey(ctx, orgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	round := s.surveys.LatestRound(sv)
	if q := r.URL.Query().Get("round"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > sv.Schedule.Rounds {
			s.fail(w, r, kernel.InvalidField("round", "choose a round from 1 to %d", sv.Schedule.Rounds))
			return
		}
		round = n
	}
	slug := p.Org.Slug
	loc := s.localeOf(r)
	var sites []siteResultView
	// Evidence and changes are sentences that quote a question: built here,
	// so that the question keeps its own language's mark inside them.
	var evidence, changes []template.HTML
	names := map[string]string{}
	for _, st := range sv.Sites {
		names[st.ID] = s.siteName(ctx, orgID, st.ID)
	}
	if round >= 1 {
		_, res, err := s.surveys.Results(ctx, orgID, sv.ID, round)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		codes := map[string]string{}
		for _, st := range sv.Sites {
			codes[st.ID] = st.Code
		}
		for _, sr := range res {
			v := siteResultView{Name: names[sr.SiteID], Code: codes[sr.SiteID], Respondents: sr.Respondents, Hidden: sr.Hidden}
			v.Link = s.publicLink(r, slug, v.Code)
			v.QR = "/surveys/" + sv.ID + "/sites/" + url.PathEscape(sr.SiteID) + "/qr.svg"
			if sr.ResponseRate != nil {
				v.ResponseRate = loc.wholePercent(*sr.ResponseRate)
			}
			for i, qr := range sr.Questions {
				q := sv.Questions[i]
				qv := questionResultView{N: i + 1, Text: authoredIn(loc, q.Text), Answered: qr.Answered, Hidden: qr.Hidden}
				for _, c := range qr.Cells {
					cv := cellText(loc, c)
					cv.Label = q.ValueLabel(c.Value, loc.Code)
					qv.Cells = append(qv.Cells, cv)
				}
				if qr.Concerning != nil {
					c := cellText(loc, *qr.Concerning)
					qv.Concerning = c.Count
					if c.Share != "" {
						qv.Concerning += " · " + c.Share
					}
				}
				if qr.Median != nil {
					qv.Median = fmtNum(*qr.Median)
				}
				v.Questions = append(v.Questions, qv)
			}
			sites = append(sites, v)
			for _, e := range survey.SiteEvidence(sv, sr) {
				if e.Strength == survey.StrengthNone {
					continue
				}
				q, _ := sv.Question(e.Question)
				detail := loc.tr("%v of %v respondents, %v (95%% interval %v–%v)", e.Concerning, e.Respondents, loc.wholePercent(e.Share), loc.wholePercent(e.Low), loc.wholePercent(e.High))
				if e.Strength == survey.StrengthWeak {
					detail = loc.tr("fewer than 5 of %v respondents", e.Respondents)
				}
				line := escText(loc.tr("%v — %v: %v (%v) on “%v”", names[e.SiteID], grievance.Label(e.Indicator, loc.Code), loc.label(string(e.Strength)), detail, questionMark))
				evidence = append(evidence, fillMark(line, questionMark, authoredIn(loc, q.Text).HTML()))
			}
		}
		if cs, err := s.surveys.Changes(ctx, orgID, sv.ID); err == nil && round == s.surveys.LatestRound(sv) {
			for _, c := range cs {
				q, _ := sv.Question(c.Question)
				line := escText(loc.tr("%v: “%v” — %v, from %v to %v of respondents giving the concerning answer.",
					names[c.SiteID], questionMark, loc.label(string(c.Direction)), loc.wholePercent(c.FromShare), loc.wholePercent(c.ToShare)))
				changes = append(changes, fillMark(line, questionMark, authoredIn(loc, q.Text).HTML()))
			}
		}
	}
	var rounds []int
	for i := 1; i <= sv.Schedule.Rounds; i++ {
		rounds = append(rounds, i)
	}
	var roundDays []string
	for i := 1; i <= sv.Schedule.Rounds; i++ {
		o, c := sv.Schedule.RoundDays(i)
		roundDays = append(roundDays, loc.tr("Round %v: %v to %v", i, loc.day(o), loc.day(c)))
	}
	langNames := make([]string, 0, len(sv.Languages))
	for _, l := range sv.Languages {
		langNames = append(langNames, languageNames[l])
	}
	notice := ""
	switch r.URL.Query().Get("done") {
	case "created":
		notice = "Survey created. Post each site's link or QR code where its workers will see it."
	case "question":
		notice = "Question added. It is asked from the next answer on."
	}
	var langs []langLink
	for _, l := range sv.Languages {
		langs = append(langs, langLink{Code: l, Name: languageNames[l]})
	}
	var indicators []conditionOption
	for _, c := range grievance.Categories() {
		if c.ILOIndicator() || c == grievance.ChildLabour {
			indicators = append(indicators, conditionOption{Value: string(c), Label: grievance.Label(c, loc.Code)})
		}
	}
	s.render(w, r, status, "survey.html", map[string]any{
		"Survey": sv, "Status": surveyStatus(loc, sv, s.surveys.Today()), "Round": round, "Rounds": rounds, "RoundDays": roundDays,
		"Languages": strings.Join(langNames, ", "), "Sites": sites, "Evidence": evidence, "Changes": changes,
		"Notice": notice, "CanReadTexts": p.Can(account.PermCasesHandle),
		"Questions": questionList(loc, sv), "Error": errMsg, "SurveyLangs": langs, "Conditions": conditionOptions(loc, sv), "Indicators": indicators,
	})
}

// surveyQR draws the QR code of a site's public link as SVG, on the
// server, so the page needs no script and the image prints sharply.
func (s *surveyHandlers) surveyQR(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalOf(r)
	sv, err := s.surveys.Survey(ctx, p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(sv.Sites, func(st survey.Site) bool { return st.ID == r.PathValue("site") })
	if i < 0 {
		s.fail(w, r, kernel.Errorf(kernel.NotFound, "this site is not asked by the survey"))
		return
	}
	svg, err := qrSVG(s.publicLink(r, p.Org.Slug, sv.Sites[i].Code))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(svg)
}

// qrSVG draws a QR code (error correction level M, which survives a worn
// poster) as an SVG of one path.
func qrSVG(content string) ([]byte, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "QR code")
	}
	bm := q.Bitmap() // includes the quiet zone
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String()), nil
}

// surveyTexts shows a survey's free-text answers to a case handler whose
// key is unlocked in the session. Free text may name people or places, so
// it is never shown to anyone else, and never exported.
func (s *surveyHandlers) surveyTexts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalOf(r)
	sv, err := s.surveys.Survey(ctx, p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := handlerOf(p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	texts, err := s.surveys.Texts(ctx, p.User.OrgID, sv.ID, h.UserID, h.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type textView struct {
		Site     string
		Question authoredText
		Day      string
		Body     string
	}
	loc := s.localeOf(r)
	names := map[string]string{}
	views := make([]textView, 0, len(texts))
	for _, t := range texts {
		if _, ok := names[t.SiteID]; !ok {
			names[t.SiteID] = s.siteName(ctx, p.User.OrgID, t.SiteID)
		}
		q, _ := sv.Question(t.Question)
		views = append(views, textView{Site: names[t.SiteID], Question: authoredIn(loc, q.Text), Day: loc.day(t.Day), Body: t.Body})
	}
	s.render(w, r, http.StatusOK, "survey_texts.html", map[string]any{"Survey": sv, "Texts": views})
}

// conditionOption is one answer to an earlier question that a new
// question can depend on.
type conditionOption struct{ Value, Label string }

func conditionOptions(l *locale, sv survey.Survey) []conditionOption {
	var out []conditionOption
	for i, q := range sv.Questions {
		if q.Kind == survey.Text || q.Kind == survey.Number {
			continue
		}
		for _, v := range q.Values() {
			out = append(out, conditionOption{Value: q.Key + "=" + v,
				Label: l.tr("question %v is answered “%v”", i+1, q.ValueLabel(v, l.Code))})
		}
	}
	return out
}

// surveyAddQuestion adds a question of the organisation's own, with its
// wording in every language of the survey, from a form that works without
// script.
func (s *surveyHandlers) surveyAddQuestion(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSimpleBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the form could not be read; please try again"))
		return
	}
	ctx := r.Context()
	p := principalOf(r)
	sv, err := s.surveys.Survey(ctx, p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := questionFromForm(sv, r.PostForm)
	if err == nil {
		_, err = s.surveys.AddQuestion(ctx, p.User.OrgID, sv.ID, q)
	}
	if err != nil {
		if !kernel.IsCode(err, kernel.Invalid) {
			s.fail(w, r, err)
			return
		}
		s.renderDetail(w, r, http.StatusBadRequest, kernel.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/surveys/"+sv.ID+"?done=question", http.StatusSeeOther)
}

func questionFromForm(sv survey.Survey, f url.Values) (survey.Question, error) {
	q := survey.Question{Kind: survey.Kind(f.Get("kind")), Text: map[string]string{},
		Indicator: grievance.Category(strings.TrimSpace(f.Get("indicator")))}
	if !q.Kind.Valid() {
		return q, kernel.InvalidField("kind", "choose the kind of answer")
	}
	var options [][]string
	for _, l := range sv.Languages {
		q.Text[l] = strings.TrimSpace(f.Get("text_" + l))
		if q.Kind != survey.Choice {
			continue
		}
		var lines []string
		for _, line := range strings.Split(f.Get("options_"+l), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, line)
			}
		}
		if len(options) > 0 && len(lines) != len(options[0]) {
			return q, kernel.InvalidField("options ("+languageNames[l]+")", "give as many options as in %s, in the same order", languageNames[sv.Languages[0]])
		}
		options = append(options, lines)
	}
	if q.Kind == survey.Choice && len(options) > 0 {
		for i := range options[0] {
			o := survey.Option{Text: map[string]string{}}
			for li, l := range sv.Languages {
				o.Text[l] = options[li][i]
			}
			q.Options = append(q.Options, o)
		}
	}
	atoi := func(field, v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, kernel.InvalidField(field, "enter a whole number")
		}
		return n, nil
	}
	var err error
	concern := strings.TrimSpace(f.Get("concern"))
	switch q.Kind {
	case survey.YesNo:
		if concern == survey.Yes || concern == survey.No {
			q.Concern.Values = []string{concern}
		}
	case survey.Choice:
		if concern != "" {
			n, err := atoi("concerning option", concern)
			if err != nil || n < 1 || n > len(q.Options) {
				return q, kernel.InvalidField("concerning option", "enter the number of one of the options")
			}
			q.Concern.Values = []string{fmt.Sprintf("o%d", n)}
		}
	case survey.Number:
		if q.Min, err = atoi("smallest number", f.Get("min")); err != nil {
			return q, err
		}
		if q.Max, err = atoi("largest number", f.Get("max")); err != nil {
			return q, err
		}
		if concern != "" {
			n, err := atoi("concerning from", concern)
			if err != nil {
				return q, err
			}
			q.Concern.AtLeast = &n
		}
	case survey.Scale:
		if concern != "" {
			n, err := atoi("concerning up to", concern)
			if err != nil || n < 1 || n > 5 {
				return q, kernel.InvalidField("concerning up to", "enter a number from 1 to 5")
			}
			q.Concern.AtMost = &n
		}
	}
	if c := strings.TrimSpace(f.Get("show_if")); c != "" {
		key, val, ok := strings.Cut(c, "=")
		if !ok {
			return q, kernel.InvalidField("show only if", "choose an answer to an earlier question")
		}
		q.ShowIf = &survey.Condition{Question: key, Values: []string{val}}
	}
	return q, nil
}

// questionList is each question as the designer reads it: the wording in
// the reader's language when the survey has it (else in a language it
// has, marked), with what it informs and when it is asked.
func questionList(l *locale, sv survey.Survey) []template.HTML {
	out := make([]template.HTML, 0, len(sv.Questions))
	for _, q := range sv.Questions {
		line := authoredIn(l, q.Text).HTML()
		if q.Indicator != "" {
			line += escText(" (" + grievance.Label(q.Indicator, l.Code) + ")")
		}
		if c := q.ShowIf; c != nil {
			for j, p := range sv.Questions {
				if p.Key == c.Question && len(c.Values) > 0 {
					line += escText(l.tr(", asked only if question %v is answered “%v”", j+1, p.ValueLabel(c.Values[0], l.Code)))
				}
			}
		}
		out = append(out, line)
	}
	return out
}
