package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/number"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// scorecardPageView is a scorecard laid out for the page, numbers already
// formatted.
type scorecardPageView struct {
	Title       string
	Supplier    bool
	PartyID     string
	PartyLine   string
	Grade       string
	Score       string
	Scale       string
	Reason      string
	NextGrade   string
	ToNext      string
	StepsToNext int
	AsOf        string
	Method      string
	Themes      []themeRow
	Raised      []reasonRow
	Lowered     []reasonRow
	Missing     []reasonRow
	Next        []stepRow
	History     []historyRow
	Questions   []questionRow
	Action      string
	Today       string
	Suppliers   []supplierRow
	Answered    string
	Error       string
	FormFields  url.Values
}

type themeRow struct {
	Label        string `json:"theme"`
	Weight       string `json:"weight"`
	Score        string `json:"score"`
	Contribution string `json:"contribution"`
}

type reasonRow struct {
	Theme  string `json:"theme"`
	Text   string `json:"text"`
	Points string `json:"points"`
	Detail string `json:"detail"`
	Status string `json:"status"`
}

type stepRow struct {
	Theme  string `json:"theme"`
	Action string `json:"action"`
	Gain   string `json:"gain"`
	Grade  string `json:"grade_after"`
	// Together is the grade after this step and those listed above it,
	// and Moves whether this is the step where the grade first moves.
	Together string `json:"-"`
	Moves    bool   `json:"-"`
}

type historyRow struct {
	Date   string `json:"date"`
	Grade  string `json:"grade"`
	Score  string `json:"score"`
	Change string `json:"change,omitempty"`
}

type docRow struct {
	Name      string `json:"name"`
	Reference string `json:"reference"`
	Date      string `json:"date"`
	// FileName, FileSize and FileURL list the document's file when one
	// was uploaded with the answer.
	FileName string `json:"-"`
	FileSize string `json:"-"`
	FileURL  string `json:"-"`
}

// fileSize writes a file's size for people in units read alike in every
// language the pages speak: 1 KB, 48 KB, 2.4 MB.
func fileSize(n int) string {
	if n < 1000*1000 {
		return fmt.Sprintf("%d KB", max(1, (n+500)/1000))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

type questionRow struct {
	ID         string   `json:"id"`
	Anchor     string   `json:"-"`
	Theme      string   `json:"theme"`
	Text       string   `json:"text"`
	Answer     string   `json:"answer,omitempty"`
	AnsweredOn string   `json:"answered_on,omitempty"`
	Documents  []docRow `json:"documents,omitempty"`
}

type supplierRow struct{ ID, Name, Ref, Country, Level, Exposure string }

func points(v float64) string { return fmt.Sprintf("%.1f", v) }

func signed(v float64) string { return fmt.Sprintf("%+.1f", v) }

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// anchor turns a question id into a fragment usable as an element id.
func anchor(id string) string { return "q-" + strings.ReplaceAll(id, ".", "-") }

// scorecardPage lays a scorecard out for the page in the reader's
// language, or, with no locale, for the JSON API: English, dates as
// YYYY-MM-DD and points with one decimal, as the API describes them.
func (s *reportHandlers) scorecardPage(v reportdata.View, loc *locale) scorecardPageView {
	sc := v.Current
	tr := func(msg string) string { return msg }
	say := func(t kernel.Text) string { return t.String() }
	pts, sgn, day := points, signed, dateOf
	if loc != nil {
		tr = func(msg string) string { return loc.tr(escapeVerbs(msg)) }
		say = loc.text
		pts = loc.points
		sgn = func(v float64) string {
			if v > 0 {
				return "+" + loc.points(v)
			}
			return loc.points(v)
		}
		day = func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return loc.date(t)
		}
	}
	out := scorecardPageView{Title: "Scorecard: " + v.Subject.Name, Grade: string(sc.Grade), Score: pts(sc.Score),
		Scale: strings.ReplaceAll(string(sc.Scale), "_", " "), Reason: say(sc.ScaleReason), NextGrade: string(sc.NextGrade),
		ToNext: pts(sc.PointsToNext), StepsToNext: sc.StepsToNext, AsOf: day(sc.AsOf), Method: "weights version " + sc.Method + " (" + sc.Origin + ")",
		Today: dateOf(s.clock.Now()), Action: "/scorecards/answers"}
	if loc != nil {
		out.Title = loc.tr("Scorecard: %v", v.Subject.Name)
		out.Scale = loc.label(string(sc.Scale))
		out.Method = loc.tr("weights version %v (%v)", sc.Method, sc.Origin)
	}
	if p := v.Party; p != nil {
		out.Supplier, out.PartyID = true, p.ID
		out.Action = "/scorecards/suppliers/" + url.PathEscape(p.ID) + "/answers"
		line := []string{}
		if p.Ref != "" {
			line = append(line, p.Ref)
		}
		if p.Country != "" {
			if loc != nil {
				line = append(line, loc.country(p.Country))
			} else {
				line = append(line, p.Country)
			}
		}
		switch {
		case p.Tier > 0 && loc != nil:
			line = append(line, loc.tr("tier %v", p.Tier))
		case p.Tier > 0:
			line = append(line, fmt.Sprintf("tier %d", p.Tier))
		}
		switch {
		case p.Level != "" && loc != nil:
			line = append(line, loc.tr("risk %v (exposure %v of 100)", loc.label(string(p.Level)), loc.points(p.Exposure)))
		case p.Level != "":
			line = append(line, fmt.Sprintf("risk %s (exposure %.1f of 100)", p.Level, p.Exposure))
		}
		out.PartyLine = strings.Join(line, " · ")
	}
	for _, t := range sc.Themes {
		weight := fmt.Sprintf("%.0f%%", 100*t.Weight)
		if loc != nil {
			weight = loc.p.Sprint(number.Percent(t.Weight, number.MaxFractionDigits(0)))
		}
		out.Themes = append(out.Themes, themeRow{Label: tr(t.Theme.Label()), Weight: weight,
			Score: pts(t.Score), Contribution: pts(t.Contribution)})
	}
	reasons := func(rs []scorecard.Reason) []reasonRow {
		var out []reasonRow
		for _, r := range rs {
			out = append(out, reasonRow{Theme: tr(r.Theme.Label()), Text: tr(r.Text), Points: sgn(r.Points), Detail: say(r.Detail), Status: string(r.Status)})
		}
		return out
	}
	out.Raised, out.Lowered, out.Missing = reasons(sc.Raised), reasons(sc.Lowered), reasons(sc.Missing)
	for _, st := range sc.Next {
		out.Next = append(out.Next, stepRow{Theme: tr(st.Theme.Label()), Action: say(st.Action), Gain: sgn(st.Gain), Grade: string(st.Grade),
			Together: string(st.TogetherGrade), Moves: len(out.Next)+1 == sc.StepsToNext})
	}
	for i, h := range v.History {
		row := historyRow{Date: day(h.AsOf), Grade: string(h.Grade), Score: pts(h.Score)}
		if i > 0 {
			row.Change = sgn(v.Trend[i-1].Delta)
		}
		out.History = append(out.History, row)
	}
	for _, q := range v.Questions {
		row := questionRow{ID: q.ID, Anchor: anchor(q.ID), Theme: tr(q.Theme.Label()), Text: tr(q.Text)}
		if a := q.Answer; a != nil {
			row.Answer, row.AnsweredOn = string(a.Response), day(a.AnsweredOn)
			for _, d := range a.Documents {
				doc := docRow{Name: d.Name, Reference: d.Reference, Date: day(d.Date)}
				if f := d.File; f != nil {
					doc.FileName, doc.FileSize = f.Name, fileSize(f.Size)
					doc.FileURL = "/scorecards/files/" + url.PathEscape(f.ID)
					if out.Supplier {
						doc.FileURL = "/scorecards/suppliers/" + url.PathEscape(out.PartyID) + "/files/" + url.PathEscape(f.ID)
					}
				}
				row.Documents = append(row.Documents, doc)
			}
		}
		out.Questions = append(out.Questions, row)
	}
	return out
}

const scorecardSuppliers = 25

func (s *reportHandlers) renderScorecard(w http.ResponseWriter, r *http.Request, status int, partyID string, problem error) {
	org := reportingOrg(r)
	v, err := s.reporting.Scorecard(r.Context(), org, partyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	page := s.scorecardPage(v, loc)
	if partyID == "" {
		page.Title = loc.tr("Scorecard: %v", org.Name)
		ps, err := s.reporting.Suppliers(r.Context(), org, scorecardSuppliers)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, p := range ps {
			page.Suppliers = append(page.Suppliers, supplierRow{ID: p.ID, Name: p.Name, Ref: p.Ref, Country: loc.country(p.Country),
				Level: loc.label(string(p.Level)), Exposure: loc.points(p.Exposure)})
		}
	}
	if q := r.URL.Query().Get("answered"); q != "" {
		if it, ok := scorecard.Lookup(q); ok {
			page.Answered = loc.tr(escapeVerbs(it.Text))
		}
	}
	if problem != nil {
		page.Error = loc.errorText(problem)
		page.FormFields = r.PostForm
	}
	s.render(w, r, status, "scorecard.html", map[string]any{"Card": page})
}

func (s *reportHandlers) orgScorecardPage(w http.ResponseWriter, r *http.Request) {
	s.renderScorecard(w, r, http.StatusOK, "", nil)
}

func (s *reportHandlers) supplierScorecardPage(w http.ResponseWriter, r *http.Request) {
	s.renderScorecard(w, r, http.StatusOK, r.PathValue("id"), nil)
}

// maxAnswerForm bounds the answer form: one evidence file and the fields.
const maxAnswerForm = scorecard.MaxFileBytes + 1<<20

// answerFromForm reads one questionnaire answer from the page's form, with
// the evidence file when one is chosen. The form is read in memory (within
// maxAnswerForm), so the file never touches the disk before it is cleared
// of hidden details.
func answerFromForm(w http.ResponseWriter, r *http.Request, today time.Time) (scorecard.Answer, []scorecard.Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAnswerForm)
	if err := r.ParseMultipartForm(maxAnswerForm); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return scorecard.Answer{}, nil, failure(kernel.Invalid, "the file is larger than %v MB; attach a smaller copy", scorecard.MaxFileBytes>>20)
		}
		return scorecard.Answer{}, nil, failure(kernel.Invalid, "the form could not be read")
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	f := r.PostForm
	a := scorecard.Answer{QuestionID: f.Get("question_id"), Response: scorecard.Response(f.Get("response"))}
	if a.Response == "" {
		return a, nil, failure(kernel.Invalid, "choose yes, partly or no")
	}
	var err error
	if a.AnsweredOn, err = parseDay(f.Get("answered_on"), today, translatable("answer date")); err != nil {
		return a, nil, err
	}
	upload, err := evidenceUpload(r)
	if err != nil {
		return a, nil, err
	}
	name, ref, date := strings.TrimSpace(f.Get("doc_name")), strings.TrimSpace(f.Get("doc_reference")), strings.TrimSpace(f.Get("doc_date"))
	if name == "" && upload != nil {
		name = cleanFileName(upload.Name) // the file names the document when nothing else does
	}
	if name == "" && (ref != "" || date != "") {
		return a, nil, failure(kernel.Invalid, "give the document a name, or leave all the document fields empty")
	}
	var uploads []scorecard.Upload
	if name != "" {
		d := scorecard.Document{Name: name, Reference: ref}
		if d.Date, err = parseDay(date, a.AnsweredOn, translatable("document date")); err != nil {
			return a, nil, err
		}
		a.Documents = append(a.Documents, d)
		if upload != nil {
			uploads = append(uploads, *upload)
		}
	}
	return a, uploads, nil
}

// evidenceUpload reads the answer form's file, if one was chosen; its type
// is decided from its content, never from its name or the browser's claim.
func evidenceUpload(r *http.Request) (*scorecard.Upload, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["doc_file"]) == 0 {
		return nil, nil
	}
	fh := r.MultipartForm.File["doc_file"][0]
	if fh.Filename == "" {
		return nil, nil
	}
	fl, err := fh.Open()
	if err != nil {
		return nil, failure(kernel.Invalid, "the file could not be read")
	}
	defer fl.Close()
	content, err := io.ReadAll(io.LimitReader(fl, scorecard.MaxFileBytes+1))
	if err != nil {
		return nil, failure(kernel.Invalid, "the file could not be read")
	}
	if len(content) == 0 {
		return nil, nil // a file input left empty
	}
	mt := http.DetectContentType(content)
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	return &scorecard.Upload{Name: fh.Filename, MediaType: mt, Content: content}, nil
}

// parseDay reads a YYYY-MM-DD date; empty means def.
func parseDay(s string, def time.Time, what string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		y, m, d := def.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, failure(kernel.Invalid, "%v %q: write it as YYYY-MM-DD", kernel.Plain(what), s)
	}
	return t, nil
}

func (s *reportHandlers) submitAnswer(w http.ResponseWriter, r *http.Request, partyID string) {
	a, files, err := answerFromForm(w, r, s.clock.Now())
	if err == nil {
		_, err = s.reporting.AnswerWithFiles(r.Context(), reportingOrg(r), partyID, a, principalOf(r).User.ID, files)
	}
	if err != nil {
		if kernel.ErrorCode(err) == kernel.Invalid {
			s.renderScorecard(w, r, http.StatusBadRequest, partyID, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	back := "/scorecards"
	if partyID != "" {
		back += "/suppliers/" + url.PathEscape(partyID)
	}
	http.Redirect(w, r, back+"?answered="+url.QueryEscape(a.QuestionID)+"#grade-summary", http.StatusSeeOther)
}

// evidenceDownload sends an evidence file of the organisation's (partyID
// "") or a supplier's answers: always a download, never rendered inside
// Upstream's origin, and written to the audit log as read by the user.
func (s *reportHandlers) evidenceDownload(w http.ResponseWriter, r *http.Request, partyID string) {
	f, err := s.reporting.EvidenceFile(r.Context(), reportingOrg(r), partyID, r.PathValue("file"), principalOf(r).User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.Write(f.Content)
}

func (s *reportHandlers) orgEvidenceFile(w http.ResponseWriter, r *http.Request) {
	s.evidenceDownload(w, r, "")
}

func (s *reportHandlers) supplierEvidenceFile(w http.ResponseWriter, r *http.Request) {
	s.evidenceDownload(w, r, r.PathValue("id"))
}

func (s *reportHandlers) orgAnswerSubmit(w http.ResponseWriter, r *http.Request) {
	s.submitAnswer(w, r, "")
}

func (s *reportHandlers) supplierAnswerSubmit(w http.ResponseWriter, r *http.Request) {
	s.submitAnswer(w, r, r.PathValue("id"))
}

// The JSON API shows a scorecard as the scorecard package computes it.

type apiDocument struct {
	Name      string `json:"name"`
	Reference string `json:"reference"`
	Date      string `json:"date"`
}

type apiAnswer struct {
	SupplierID string        `json:"supplier_id,omitempty"`
	QuestionID string        `json:"question_id"`
	Response   string        `json:"response"`
	AnsweredOn string        `json:"answered_on,omitempty"`
	Documents  []apiDocument `json:"documents,omitempty"`
}

func (s *reportHandlers) writeScorecard(w http.ResponseWriter, status int, v reportdata.View) {
	page := s.scorecardPage(v, nil)
	sc := v.Current
	out := scorecardJSON{
		Subject: scorecardSubjectJSON{Kind: string(v.Subject.Kind), ID: v.Subject.ID, Name: v.Subject.Name},
		AsOf:    sc.AsOf, Grade: string(sc.Grade), Score: sc.Score, Scale: string(sc.Scale), ScaleReason: sc.ScaleReason.String(),
		NextGrade: string(sc.NextGrade), PointsToNext: sc.PointsToNext, Method: sc.Method,
		Themes: nonNil(page.Themes), Raised: nonNil(page.Raised), Lowered: nonNil(page.Lowered), Missing: nonNil(page.Missing),
		NextSteps: nonNil(page.Next), History: nonNil(page.History), Questions: nonNil(page.Questions),
	}
	writeJSON(w, status, out)
}

func (s *reportHandlers) apiScorecard(w http.ResponseWriter, r *http.Request, partyID string) {
	v, err := s.reporting.Scorecard(r.Context(), reportingOrg(r), partyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeScorecard(w, http.StatusOK, v)
}

func (s *reportHandlers) apiOrgScorecard(w http.ResponseWriter, r *http.Request) {
	s.apiScorecard(w, r, "")
}

func (s *reportHandlers) apiSupplierScorecard(w http.ResponseWriter, r *http.Request) {
	s.apiScorecard(w, r, r.PathValue("id"))
}

// apiScorecardAnswer records one answer (for a supplier when supplier_id is
// set) and returns the new scorecard.
func (s *reportHandlers) apiScorecardAnswer(w http.ResponseWriter, r *http.Request) {
	var in apiAnswer
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.clock.Now()
	a := scorecard.Answer{QuestionID: in.QuestionID, Response: scorecard.Response(in.Response)}
	var err error
	if a.AnsweredOn, err = parseDay(in.AnsweredOn, now, "answered_on"); err != nil {
		s.fail(w, r, err)
		return
	}
	for i, d := range in.Documents {
		doc := scorecard.Document{Name: d.Name, Reference: d.Reference}
		if doc.Date, err = parseDay(d.Date, a.AnsweredOn, fmt.Sprintf("documents[%d].date", i)); err != nil {
			s.fail(w, r, err)
			return
		}
		a.Documents = append(a.Documents, doc)
	}
	v, err := s.reporting.Answer(r.Context(), reportingOrg(r), strings.TrimSpace(in.SupplierID), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeScorecard(w, http.StatusCreated, v)
}
