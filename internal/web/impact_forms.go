package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// The logic model is edited one step, link or indicator at a time through
// plain forms. Each form carries the version of the model it was drawn
// from, so an edit made on a page someone else has since changed is
// refused instead of undoing their change.

// kindLabel names a step of the results chain for people.
var kindLabel = map[impact.NodeKind]string{
	impact.KindInput: translatable("input"), impact.KindActivity: translatable("activity"), impact.KindOutput: translatable("output"),
	impact.KindOutcome: translatable("outcome"), impact.KindImpact: translatable("impact"),
}

// modelVersion is the version a form was drawn from: the time the model
// was last saved, to the nanosecond.
func modelVersion(p *impact.Programme) string {
	return strconv.FormatInt(p.UpdatedAt.UnixNano(), 10)
}

// formProblems is what a form found wrong, each naming its field in words.
type formProblems []string

// say notes a problem with a field in the page's language: field and
// problem come translated (l.tr), and are joined as the language joins a
// label to what follows it ("Titre : saisissez un titre").
func (f *formProblems) say(l *locale, field, problem string) {
	*f = append(*f, l.tr("%v: %v", field, problem))
}

// editModel loads the programme, checks the form's version, lets change
// alter a copy of the model, and saves it. A problem the form or the model
// finds comes back on the programme page beside the form it came from
// (formKey), with what was typed kept; otherwise the page is reloaded with
// what was done.
// change gets the page's language: what it did and what it found wrong
// are shown in it.
func (s *impactHandlers) editModel(w http.ResponseWriter, r *http.Request, formKey, anchor string, change func(l *locale, m *impact.LogicModel) (string, formProblems)) {
	p := principalOf(r)
	l := s.localeOf(r)
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the form could not be read"))
		return
	}
	prog, err := s.impact.Programme(ctx, p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := func(status int, problems []string) {
		key := formKey + "/" + r.PostForm.Get("original") + r.PathValue("step")
		s.renderProgramme(w, r, status, map[string]any{"Posted": r.PostForm, "PostedKey": key, "PostedErrors": problems})
	}
	if v := r.PostForm.Get("version"); v != modelVersion(prog) {
		back(http.StatusConflict, []string{l.tr("The logic model was changed by someone else after this page was opened, so nothing was saved. The page now shows their change; make yours again.")})
		return
	}
	m := copyModel(prog.Model)
	did, problems := change(l, &m)
	if len(problems) > 0 {
		back(http.StatusBadRequest, problems)
		return
	}
	if _, err := s.impact.ReplaceModel(ctx, p.User.OrgID, prog.ID, m); err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			back(http.StatusBadRequest, humanModelProblems(l, m, prog.Model, err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/impact/programmes/"+prog.ID+"#"+anchor, did)
}

// copyModel copies m deeply enough that changing the copy's slices leaves
// m alone.
func copyModel(m impact.LogicModel) impact.LogicModel {
	out := impact.LogicModel{Programme: m.Programme}
	out.Nodes = append([]impact.Node(nil), m.Nodes...)
	out.Indicators = append([]impact.Indicator(nil), m.Indicators...)
	for _, l := range m.Links {
		l.Assumptions = append([]impact.Assumption(nil), l.Assumptions...)
		l.Evidence = append([]impact.Evidence(nil), l.Evidence...)
		out.Links = append(out.Links, l)
	}
	return out
}

// newNodeID gives a new step an id no step of m has; people never see it.
func newNodeID(m *impact.LogicModel, kind impact.NodeKind) string {
	for n := len(m.Nodes) + 1; ; n++ {
		id := fmt.Sprintf("%s-%d", kind, n)
		if _, taken := m.Node(id); !taken {
			return id
		}
	}
}

// nodeTitleIn is how a step is named in messages in language l: its kind
// in the language's words and its title as the programme wrote it, in
// the language's quotation marks.
func nodeTitleIn(l *locale, n impact.Node) string {
	return l.tr("%v “%v”", l.tr(kindLabel[n.Kind]), n.Title)
}

// impactStepAdd adds a step. An outcome or impact must be reached from an
// activity, so it is added together with the link from the step it
// follows.
func (s *impactHandlers) impactStepAdd(w http.ResponseWriter, r *http.Request) {
	s.editModel(w, r, "Step", "edit-model", func(l *locale, m *impact.LogicModel) (string, formProblems) {
		var bad formProblems
		kind := impact.NodeKind(r.PostForm.Get("kind"))
		title := strings.TrimSpace(r.PostForm.Get("title"))
		after := r.PostForm.Get("after")
		if _, ok := kindLabel[kind]; !ok {
			bad.say(l, l.tr("Kind of step"), l.tr("choose input, activity, output, outcome or impact"))
		}
		if title == "" {
			bad.say(l, l.tr("Title"), l.tr("enter a title, such as “Workers trained in their rights”"))
		}
		var prev impact.Node
		if after != "" {
			var ok bool
			if prev, ok = m.Node(after); !ok {
				bad.say(l, l.tr("Comes after"), l.tr("that step is no longer in the model; choose another"))
			}
		} else if kind == impact.KindOutcome || kind == impact.KindImpact {
			bad.say(l, l.tr("Comes after"), l.tr("choose the step that leads to this %v: an outcome or impact must follow from the programme's activities", l.tr(kindLabel[kind])))
		}
		if len(bad) > 0 {
			return "", bad
		}
		n := impact.Node{ID: newNodeID(m, kind), Kind: kind, Title: title, Description: strings.TrimSpace(r.PostForm.Get("description"))}
		m.Nodes = append(m.Nodes, n)
		if prev.ID != "" {
			m.Links = append(m.Links, impact.Link{From: prev.ID, To: n.ID})
			return l.tr("Added the %v, following the %v.", nodeTitleIn(l, n), nodeTitleIn(l, prev)), nil
		}
		return l.tr("Added the %v.", nodeTitleIn(l, n)), nil
	})
}

// impactStepEdit renames a step or, with action=delete, removes it with
// its links and the indicators that measure it.
func (s *impactHandlers) impactStepEdit(w http.ResponseWriter, r *http.Request) {
	s.editModel(w, r, "Step", "edit-model", func(l *locale, m *impact.LogicModel) (string, formProblems) {
		var bad formProblems
		id := r.PathValue("step")
		at := -1
		for i, n := range m.Nodes {
			if n.ID == id {
				at = i
			}
		}
		if at < 0 {
			bad.say(l, l.tr("Step"), l.tr("it is no longer in the model"))
			return "", bad
		}
		n := m.Nodes[at]
		if r.PostForm.Get("action") == "delete" {
			m.Nodes = append(m.Nodes[:at], m.Nodes[at+1:]...)
			var links []impact.Link
			for _, link := range m.Links {
				if link.From != id && link.To != id {
					links = append(links, link)
				}
			}
			removedLinks := len(m.Links) - len(links)
			m.Links = links
			var inds []impact.Indicator
			var gone []string
			for _, ind := range m.Indicators {
				if ind.Node == id {
					gone = append(gone, "“"+ind.Name+"”")
					continue
				}
				inds = append(inds, ind)
			}
			m.Indicators = inds
			step, measured := nodeTitleIn(l, n), strings.Join(gone, ", ")
			switch {
			case removedLinks > 0 && len(gone) > 0:
				return l.tr("Removed the %v and its %v, and the indicators that measured it: %v.", step, l.countOf(removedLinks, "link", "links"), measured), nil
			case removedLinks > 0:
				return l.tr("Removed the %v and its %v.", step, l.countOf(removedLinks, "link", "links")), nil
			case len(gone) > 0:
				return l.tr("Removed the %v, and the indicators that measured it: %v.", step, measured), nil
			}
			return l.tr("Removed the %v.", step), nil
		}
		title := strings.TrimSpace(r.PostForm.Get("title"))
		if title == "" {
			bad.say(l, l.tr("Title"), l.tr("enter a title; to take the step out, use Remove step"))
			return "", bad
		}
		m.Nodes[at].Title, m.Nodes[at].Description = title, strings.TrimSpace(r.PostForm.Get("description"))
		return l.tr("Saved the %v.", nodeTitleIn(l, m.Nodes[at])), nil
	})
}

// impactLinkEdit adds a link between two steps, with an assumption and a
// piece of evidence if given, or with action=delete removes one.
func (s *impactHandlers) impactLinkEdit(w http.ResponseWriter, r *http.Request) {
	s.editModel(w, r, "Link", "edit-links", func(l *locale, m *impact.LogicModel) (string, formProblems) {
		var bad formProblems
		from, okf := m.Node(r.PostForm.Get("from"))
		to, okt := m.Node(r.PostForm.Get("to"))
		if !okf {
			bad.say(l, l.tr("From"), l.tr("choose the step the link starts from"))
		}
		if !okt {
			bad.say(l, l.tr("Leads to"), l.tr("choose the step it leads to"))
		}
		if len(bad) > 0 {
			return "", bad
		}
		at := -1
		for i, link := range m.Links {
			if link.From == from.ID && link.To == to.ID {
				at = i
			}
		}
		if r.PostForm.Get("action") == "delete" {
			if at < 0 {
				bad.say(l, l.tr("Link"), l.tr("the %v no longer leads to the %v", nodeTitleIn(l, from), nodeTitleIn(l, to)))
				return "", bad
			}
			m.Links = append(m.Links[:at], m.Links[at+1:]...)
			return l.tr("Removed the link from the %v to the %v.", nodeTitleIn(l, from), nodeTitleIn(l, to)), nil
		}
		assumption := strings.TrimSpace(r.PostForm.Get("assumption"))
		risk := r.PostForm.Get("risk")
		evidence := strings.TrimSpace(r.PostForm.Get("evidence"))
		source := strings.TrimSpace(r.PostForm.Get("source"))
		strength := impact.EvidenceStrength(r.PostForm.Get("strength"))
		if assumption == "" && risk != "" {
			bad.say(l, l.tr("Assumption"), l.tr("write the assumption whose risk you chose"))
		}
		if evidence == "" && source != "" {
			bad.say(l, l.tr("Evidence"), l.tr("summarise the evidence the source gives"))
		}
		if len(bad) > 0 {
			return "", bad
		}
		existed := at >= 0
		if !existed {
			m.Links = append(m.Links, impact.Link{From: from.ID, To: to.ID})
			at = len(m.Links) - 1
		}
		if assumption != "" {
			m.Links[at].Assumptions = append(m.Links[at].Assumptions, impact.Assumption{Text: assumption, Risk: risk})
		}
		if evidence != "" {
			m.Links[at].Evidence = append(m.Links[at].Evidence, impact.Evidence{Summary: evidence, Source: source, Strength: strength})
		}
		var added string
		switch {
		case assumption != "" && evidence != "":
			added = l.tr("an assumption and evidence")
		case assumption != "":
			added = l.tr("an assumption")
		case evidence != "":
			added = l.tr("evidence")
		}
		fromStep, toStep := nodeTitleIn(l, from), nodeTitleIn(l, to)
		switch {
		case existed && added != "":
			return l.tr("The %v already leads to the %v; added %v.", fromStep, toStep, added), nil
		case existed:
			return l.tr("The %v already leads to the %v.", fromStep, toStep), nil
		case added != "":
			return l.tr("Linked the %v to the %v; added %v.", fromStep, toStep, added), nil
		}
		return l.tr("Linked the %v to the %v.", fromStep, toStep), nil
	})
}

// indicatorCode makes a code for observation files from an indicator's
// name when the person gives none: lower case words joined by hyphens.
func indicatorCode(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

// impactIndicatorEdit adds or changes an indicator (original names the
// one changed) or, with action=delete, removes it.
func (s *impactHandlers) impactIndicatorEdit(w http.ResponseWriter, r *http.Request) {
	s.editModel(w, r, "Indicator", "edit-indicators", func(l *locale, m *impact.LogicModel) (string, formProblems) {
		var bad formProblems
		f := r.PostForm
		original := f.Get("original")
		at := -1
		for i, ind := range m.Indicators {
			if original != "" && ind.Code == original {
				at = i
			}
		}
		if (original != "" || f.Get("action") == "delete") && at < 0 {
			bad.say(l, l.tr("Indicator"), l.tr("it is no longer in the model"))
			return "", bad
		}
		if f.Get("action") == "delete" {
			gone := m.Indicators[at]
			m.Indicators = append(m.Indicators[:at], m.Indicators[at+1:]...)
			return l.tr("Removed the indicator “%v”.", gone.Name), nil
		}
		ind := impact.Indicator{
			Name: strings.TrimSpace(f.Get("name")), Code: strings.TrimSpace(f.Get("code")), Unit: strings.TrimSpace(f.Get("unit")),
			Node: f.Get("node"), Direction: impact.Direction(f.Get("direction")), Aggregation: impact.Aggregation(f.Get("aggregation")),
			Cumulative: f.Get("cumulative") != "", IRIS: strings.TrimSpace(f.Get("iris")), SDG: strings.TrimSpace(f.Get("sdg")),
		}
		if ind.Name == "" {
			bad.say(l, l.tr("Name"), l.tr("enter what the indicator counts, such as “Workers who know their rights”"))
		}
		if ind.Code == "" {
			ind.Code = indicatorCode(ind.Name)
		}
		for i, other := range m.Indicators {
			if i != at && other.Code == ind.Code && ind.Code != "" {
				bad.say(l, l.tr("Code"), l.tr("“%v” is the code of the indicator “%v”; choose another", ind.Code, other.Name))
			}
		}
		if ind.Unit == "" {
			bad.say(l, l.tr("Unit"), l.tr("enter what one unit is: people, hectares, %%…"))
		}
		if n, ok := m.Node(ind.Node); !ok {
			bad.say(l, l.tr("Measures"), l.tr("choose the output, outcome or impact it measures"))
		} else if n.Kind != impact.KindOutput && n.Kind != impact.KindOutcome && n.Kind != impact.KindImpact {
			bad.say(l, l.tr("Measures"), l.tr("the %v is not an output, outcome or impact", nodeTitleIn(l, n)))
		}
		ind.Baseline.Value = requiredNumber(l, &bad, f.Get("baseline"), l.tr("Baseline"))
		ind.Baseline.Date = requiredDate(l, &bad, f.Get("baseline_date"), l.tr("Baseline date"))
		ind.Target.Value = requiredNumber(l, &bad, f.Get("target"), l.tr("Target"))
		ind.Target.Date = requiredDate(l, &bad, f.Get("target_date"), l.tr("Target date"))
		if len(bad) > 0 {
			return "", bad
		}
		if at < 0 {
			m.Indicators = append(m.Indicators, ind)
			return l.tr("Added the indicator “%v”; observation files name it %v.", ind.Name, ind.Code), nil
		}
		m.Indicators[at] = ind
		return l.tr("Saved the indicator “%v”.", ind.Name), nil
	})
}

// requiredNumber reads a number typed by a person, as the page's language
// writes it: spaces and thousands marks are allowed ("12,500" in English,
// "12 500" or "3,5" in French). field is the field's label, translated.
func requiredNumber(l *locale, bad *formProblems, s, field string) float64 {
	if strings.TrimSpace(s) == "" {
		bad.say(l, field, l.tr("enter a number"))
		return 0
	}
	v, ok := l.parseFigure(strings.TrimSpace(s))
	if !ok || v > 1e15 || v < -1e15 {
		bad.say(l, field, l.tr("enter a number, like 1200 or %v", l.figureText(3.5)))
		return 0
	}
	return v
}

// requiredDate reads a date field (YYYY-MM-DD, as a date input sends it).
// field is the field's label, translated.
func requiredDate(l *locale, bad *formProblems, s, field string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		bad.say(l, field, l.tr("enter a date"))
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		bad.say(l, field, l.tr("enter a date like 2026-01-31"))
		return time.Time{}
	}
	return d
}

// subjectInProblem finds a step or indicator named by its id in a model
// problem: kind "id" or indicator "code".
var subjectInProblem = regexp.MustCompile(`\b(node|input|activity|output|outcome|impact|indicator) "([^"]*)"`)

// problemAbout is a model problem that opens with what it is about: a
// link between two steps, or a step or indicator.
var problemAbout = regexp.MustCompile(`^(?:link (\w+) "([^"]*)" → (\w+) "([^"]*)"|(node|input|activity|output|outcome|impact|indicator) "([^"]*)"): (.+)$`)

// cycleProblem is the model's problem with steps that lead back to
// themselves, naming them by id.
var cycleProblem = regexp.MustCompile(`^cycle: (.+); an outcome cannot lead back to itself$`)

// skippedSteps is the model's problem with a link that skips steps,
// naming the kinds skipped.
var skippedSteps = regexp.MustCompile(`^skips a step; add the ((?:input|activity|output|outcome|impact)(?: and (?:input|activity|output|outcome|impact))*) in between$`)

// modelSentences are the logic model's own problems a form can meet, as
// humanModelProblems writes them before showing them in the page's
// language (locale.sentence).
var modelSentences = []string{
	translatable("not reached from any activity; link it from an output or an earlier outcome"),
	translatable("skips a step; add the %v in between"),
	translatable("goes backwards; links run input → activity → output → outcome → impact (or outcome → outcome)"),
	translatable("direction is higher but target %v is not above baseline %v"),
	translatable("direction is lower but target %v is not below baseline %v"),
	translatable("target date %v is not after baseline date %v"),
	translatable("the new logic model does not fit the observations already stored: %v"),
	translatable("observation %v: %v is not in the logic model"),
}

// modelFieldWords puts the model's field paths in words.
var modelFieldWords = strings.NewReplacer("target.date", "target date", "baseline.date", "baseline date",
	"baseline.value", "baseline", "target.value", "target")

// humanModelProblems turns the model's problems into sentences in the
// page's language that name steps and indicators by their titles, never
// their ids. Names missing from m, the model refused, are looked up in
// was, the model it would have replaced.
func humanModelProblems(l *locale, m, was impact.LogicModel, err error) []string {
	problems := modelProblems(err)
	if len(problems) == 0 {
		problems = []string{kernel.ErrorMessage(err)}
	}
	// name is how a problem names a step or indicator: "the output “Legal
	// advice sessions”"; false when neither model has it.
	name := func(kind, id string) (string, bool) {
		for _, mm := range []impact.LogicModel{m, was} {
			if kind == "indicator" {
				if ind, ok := mm.Indicator(id); ok {
					return l.tr("the indicator “%v”", ind.Name), true
				}
			} else if n, ok := mm.Node(id); ok {
				return l.tr("the %v “%v”", l.tr(kindLabel[n.Kind]), n.Title), true
			}
		}
		return "", false
	}
	// named names every step and indicator s mentions by id.
	named := func(s string) string {
		return subjectInProblem.ReplaceAllStringFunc(s, func(found string) string {
			sm := subjectInProblem.FindStringSubmatch(found)
			if n, ok := name(sm[1], sm[2]); ok {
				return n
			}
			return found
		})
	}
	// said shows what a problem says of its subject in the language.
	said := func(s string) string {
		if sm := skippedSteps.FindStringSubmatch(s); sm != nil {
			kinds := strings.Split(sm[1], " and ")
			for i, k := range kinds {
				kinds[i] = l.tr(kindLabel[impact.NodeKind(k)])
			}
			return l.tr("skips a step; add the %v in between", strings.Join(kinds, l.tr(" and ")))
		}
		return l.sentence(s)
	}
	out := make([]string, 0, len(problems))
	for _, p := range problems {
		p = modelFieldWords.Replace(p)
		text := ""
		if sm := problemAbout.FindStringSubmatch(p); sm != nil {
			rest := said(named(sm[7]))
			if sm[1] != "" {
				from, okf := name(sm[1], sm[2])
				to, okt := name(sm[3], sm[4])
				if okf && okt {
					text = l.tr("%v: %v", l.tr("the link from %v to %v", from, to), rest)
				}
			} else if about, ok := name(sm[5], sm[6]); ok {
				text = l.tr("%v: %v", about, rest)
			}
		}
		if sm := cycleProblem.FindStringSubmatch(p); sm != nil && text == "" {
			var steps []string
			for _, id := range strings.Split(sm[1], " → ") {
				id = strings.Trim(id, `"`)
				for _, mm := range []impact.LogicModel{m, was} {
					if n, ok := mm.Node(id); ok {
						steps = append(steps, nodeTitleIn(l, n))
						break
					}
				}
			}
			text = l.tr("these steps lead back to the first: %v; an outcome cannot lead back to itself", strings.Join(steps, " → "))
		}
		if text == "" {
			text = l.sentence(named(p))
		}
		out = append(out, upperFirst(text))
	}
	return out
}

// stepOption is a step offered in a form's select.
type stepOption struct {
	ID, Label string
}

// stepOptions lists the model's steps of the given kinds (all when none)
// for a select, named by kind and title.
func stepOptions(l *locale, m impact.LogicModel, kinds ...impact.NodeKind) []stepOption {
	var out []stepOption
	for _, k := range kindOrder {
		if len(kinds) > 0 && !hasKind(kinds, k) {
			continue
		}
		for _, n := range m.Nodes {
			if n.Kind == k {
				out = append(out, stepOption{ID: n.ID, Label: l.tr("%v: %v", upperFirst(l.tr(kindLabel[k])), n.Title)})
			}
		}
	}
	return out
}

func hasKind(ks []impact.NodeKind, k impact.NodeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// indicatorForm is one indicator as its edit form shows it.
type indicatorForm struct {
	Original, Name, Code, Unit, Node, Direction, Aggregation string
	Baseline, BaselineDate, Target, TargetDate, IRIS, SDG    string
	Cumulative                                               bool
	Errors                                                   []string
}

// indicatorFormOf is a stored indicator in its edit form; figures are
// written with the locale's decimal mark, as requiredNumber reads them.
func indicatorFormOf(l *locale, ind impact.Indicator) indicatorForm {
	num := l.figureText
	return indicatorForm{Original: ind.Code, Name: ind.Name, Code: ind.Code, Unit: ind.Unit, Node: ind.Node,
		Direction: string(ind.Direction), Aggregation: string(ind.Aggregation), Cumulative: ind.Cumulative,
		Baseline: num(ind.Baseline.Value), BaselineDate: ind.Baseline.Date.Format(time.DateOnly),
		Target: num(ind.Target.Value), TargetDate: ind.Target.Date.Format(time.DateOnly), IRIS: ind.IRIS, SDG: ind.SDG}
}

// indicatorFormPosted is an indicator form as it was sent, to show again
// with its problems.
func indicatorFormPosted(f url.Values, problems []string) indicatorForm {
	return indicatorForm{Original: f.Get("original"), Name: f.Get("name"), Code: f.Get("code"), Unit: f.Get("unit"), Node: f.Get("node"),
		Direction: f.Get("direction"), Aggregation: f.Get("aggregation"), Cumulative: f.Get("cumulative") != "",
		Baseline: f.Get("baseline"), BaselineDate: f.Get("baseline_date"), Target: f.Get("target"), TargetDate: f.Get("target_date"),
		IRIS: f.Get("iris"), SDG: f.Get("sdg"), Errors: problems}
}

// stepForm is one step's form: a new step's, or an existing one's.
type stepForm struct {
	ID, Kind, Label, Title, Description, After string
	Errors                                     []string
}

// linkForm is the form that links two steps.
type linkForm struct {
	From, To, Assumption, Risk, Evidence, Source, Strength string
	Errors                                                 []string
}

// modelEditData is what the programme page's edit forms need. A form
// sent with problems (posted, under key) is shown again as it was typed,
// with its problems beside it.
func modelEditData(l *locale, prog *impact.Programme, posted url.Values, key string, problems []string) map[string]any {
	m := prog.Model
	var steps []stepForm
	for _, k := range kindOrder {
		for _, n := range m.Nodes {
			if n.Kind != k {
				continue
			}
			sf := stepForm{ID: n.ID, Kind: string(n.Kind), Label: upperFirst(l.tr(kindLabel[n.Kind])), Title: n.Title, Description: n.Description}
			if key == "Step/"+n.ID {
				sf.Title, sf.Description, sf.Errors = posted.Get("title"), posted.Get("description"), problems
			}
			steps = append(steps, sf)
		}
	}
	newStep := stepForm{Kind: string(impact.KindActivity)}
	stepShown := false
	for _, sf := range steps {
		stepShown = stepShown || key == "Step/"+sf.ID
	}
	switch {
	case key == "Step/":
		newStep = stepForm{Kind: posted.Get("kind"), Title: posted.Get("title"), Description: posted.Get("description"), After: posted.Get("after"), Errors: problems}
	case strings.HasPrefix(key, "Step/") && !stepShown:
		newStep.Errors = problems // the step is gone: say so beside the form that adds one
	}
	var link linkForm
	if key == "Link/" {
		link = linkForm{From: posted.Get("from"), To: posted.Get("to"), Assumption: posted.Get("assumption"), Risk: posted.Get("risk"),
			Evidence: posted.Get("evidence"), Source: posted.Get("source"), Strength: posted.Get("strength"), Errors: problems}
	}
	var inds []indicatorForm
	shown := false
	for _, ind := range m.Indicators {
		if key == "Indicator/"+ind.Code {
			inds = append(inds, indicatorFormPosted(posted, problems))
			shown = true
			continue
		}
		inds = append(inds, indicatorFormOf(l, ind))
	}
	newInd := indicatorForm{Direction: string(impact.HigherIsBetter), Aggregation: string(impact.Sum)}
	switch {
	case key == "Indicator/":
		newInd = indicatorFormPosted(posted, problems)
	case strings.HasPrefix(key, "Indicator/") && !shown:
		// The indicator the form was for is gone: its problems show
		// beside the form that adds one.
		newInd.Errors = problems
	}
	type linkRow struct{ From, To, FromLabel, ToLabel string }
	var links []linkRow
	for _, link := range m.Links {
		f, _ := m.Node(link.From)
		t, _ := m.Node(link.To)
		links = append(links, linkRow{link.From, link.To, upperFirst(nodeTitleIn(l, f)), nodeTitleIn(l, t)})
	}
	opts := func(o ...stepOption) []stepOption {
		for i := range o {
			o[i].Label = l.tr(o[i].Label)
		}
		return o
	}
	return map[string]any{
		"Version":        modelVersion(prog),
		"StepKinds":      opts(stepOption{"input", translatable("Input: money, staff, partners' time")}, stepOption{"activity", translatable("Activity: what the programme does")}, stepOption{"output", translatable("Output: what an activity delivers, counted")}, stepOption{"outcome", translatable("Outcome: what changes for people or nature")}, stepOption{"impact", translatable("Impact: the long-run change")}),
		"EditSteps":      steps,
		"NewStep":        newStep,
		"AllSteps":       stepOptions(l, m),
		"MeasuredSteps":  stepOptions(l, m, impact.KindOutput, impact.KindOutcome, impact.KindImpact),
		"EditLinks":      links,
		"NewLink":        link,
		"EditIndicators": inds,
		"NewIndicator":   newInd,
		"Directions":     opts(stepOption{string(impact.HigherIsBetter), translatable("Higher is better")}, stepOption{string(impact.LowerIsBetter), translatable("Lower is better")}),
		"Aggregations": opts(stepOption{string(impact.Sum), translatable("Add up (counts: people trained)")}, stepOption{string(impact.Average), translatable("Average, weighted by the people behind each figure")},
			stepOption{string(impact.Ratio), translatable("Ratio of totals (shares: people in work of people followed up)")}, stepOption{string(impact.Latest), translatable("Latest period stands (stocks: hectares restored)")}),
		"Risks":     opts(stepOption{"", translatable("Not rated")}, stepOption{"low", translatable("Low")}, stepOption{"medium", translatable("Medium")}, stepOption{"high", translatable("High")}),
		"Strengths": opts(stepOption{"", translatable("Not rated")}, stepOption{string(impact.EvidenceWeak), translatable("Weak (anecdote, opinion)")}, stepOption{string(impact.EvidenceModerate), translatable("Moderate (monitoring, before and after)")}, stepOption{string(impact.EvidenceStrong), translatable("Strong (comparison groups, reviews)")}),
	}
}
