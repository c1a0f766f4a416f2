package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// The impact map is entered as a form: a row per input and a group of
// fields per outcome, with rates in percent as people write them. Rows
// left empty are ignored; "More rows" adds empty ones without script. The
// JSON text and file stay as the alternative for maps made elsewhere.

// sroiInputRow and sroiOutcomeRow are one input and one outcome as typed.
type sroiInputRow struct {
	N                               int
	Stakeholder, Description, Value string
}

type sroiOutcomeRow struct {
	N                                                               int
	Stakeholder, Outcome, Indicator, Quantity                       string
	Proxy, ProxyDescription, ProxySource                            string
	Deadweight, Displacement, Attribution, DropOff, Duration, Start string
}

// sroiForm is the impact map form's content.
type sroiForm struct {
	Currency, Discount string
	Inputs             []sroiInputRow
	Outcomes           []sroiOutcomeRow
	Indicators         []stepOption // the programme's indicators, to link an outcome to
	Errors             []string
}

// blank rows offered after the filled ones, and added by "More rows".
const sroiBlankRows = 2

// sroiFormData is the form as the programme page shows it: what was sent
// when it comes back with problems, otherwise the latest analysis's map to
// start from, with empty rows to add to it.
func (s *impactHandlers) sroiFormData(ctx context.Context, orgID string, prog *impact.Programme, extra map[string]any) sroiForm {
	var f sroiForm
	if sent, ok := extra["SROIFormSent"].(sroiForm); ok {
		f = sent
	} else {
		f = sroiForm{Currency: "USD", Discount: "3.5"}
		if list, err := s.impact.Analyses(ctx, orgID, prog.ID); err == nil && len(list) > 0 {
			f = sroiFormOf(list[0].Map)
		}
		f = f.withBlankRows(sroiBlankRows)
	}
	for _, ind := range prog.Model.Indicators {
		f.Indicators = append(f.Indicators, stepOption{ID: ind.Code, Label: ind.Name})
	}
	return f
}

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', -1, 64) }

func plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// sroiFormOf is a stored map as the form shows it.
func sroiFormOf(m impact.Map) sroiForm {
	f := sroiForm{Currency: m.Currency, Discount: pct(m.DiscountRate)}
	for _, in := range m.Inputs {
		f.Inputs = append(f.Inputs, sroiInputRow{Stakeholder: in.Stakeholder, Description: in.Description, Value: plain(in.Value)})
	}
	for _, o := range m.Outcomes {
		start := o.Start
		if start == "" {
			start = impact.StartDuring
		}
		f.Outcomes = append(f.Outcomes, sroiOutcomeRow{Stakeholder: o.Stakeholder, Outcome: o.Outcome, Indicator: o.Indicator,
			Quantity: plain(o.Quantity), Proxy: plain(o.Proxy.Value), ProxyDescription: o.Proxy.Description, ProxySource: o.Proxy.Source,
			Deadweight: pct(o.Deadweight), Displacement: pct(o.Displacement), Attribution: pct(o.Attribution), DropOff: pct(o.DropOff),
			Duration: strconv.Itoa(o.DurationYears), Start: start})
	}
	return f
}

// withBlankRows adds n empty rows of each kind and numbers every row.
func (f sroiForm) withBlankRows(n int) sroiForm {
	for range n {
		f.Inputs = append(f.Inputs, sroiInputRow{})
		f.Outcomes = append(f.Outcomes, sroiOutcomeRow{Start: impact.StartDuring})
	}
	for i := range f.Inputs {
		f.Inputs[i].N = i + 1
	}
	for i := range f.Outcomes {
		f.Outcomes[i].N = i + 1
	}
	return f
}

// sroiFormSent reads the form as sent: every row, empty ones included.
func sroiFormSent(v url.Values) sroiForm {
	f := sroiForm{Currency: strings.TrimSpace(v.Get("currency")), Discount: strings.TrimSpace(v.Get("discount"))}
	count := func(name string) int {
		n, _ := strconv.Atoi(v.Get(name))
		return min(max(n, 0), 500)
	}
	for i := range count("inputs") {
		g := func(k string) string { return strings.TrimSpace(v.Get(fmt.Sprintf("in-%d-%s", i, k))) }
		f.Inputs = append(f.Inputs, sroiInputRow{Stakeholder: g("stakeholder"), Description: g("description"), Value: g("value")})
	}
	for i := range count("outcomes") {
		g := func(k string) string { return strings.TrimSpace(v.Get(fmt.Sprintf("out-%d-%s", i, k))) }
		f.Outcomes = append(f.Outcomes, sroiOutcomeRow{Stakeholder: g("stakeholder"), Outcome: g("outcome"), Indicator: g("indicator"),
			Quantity: g("quantity"), Proxy: g("proxy"), ProxyDescription: g("proxy_description"), ProxySource: g("proxy_source"),
			Deadweight: g("deadweight"), Displacement: g("displacement"), Attribution: g("attribution"), DropOff: g("drop_off"),
			Duration: g("duration"), Start: g("start")})
	}
	return f
}

func (r sroiInputRow) empty() bool {
	return r.Stakeholder == "" && r.Description == "" && r.Value == ""
}

func (r sroiOutcomeRow) empty() bool {
	return r.Stakeholder == "" && r.Outcome == "" && r.Quantity == "" && r.Proxy == "" && r.ProxyDescription == "" &&
		r.ProxySource == "" && r.Deadweight == "" && r.Displacement == "" && r.Attribution == "" && r.DropOff == "" && r.Duration == ""
}

// toMap checks the form field by field and builds the impact map from the
// rows not left empty. Each problem names the row as the form numbers it
// and the field by its label, in the page's language: "Outcome 1, proxy
// value: enter a number".
func (f sroiForm) toMap(l *locale) (*impact.Map, []string) {
	var bad formProblems
	m := &impact.Map{Currency: strings.ToUpper(f.Currency)}
	if m.Currency == "" {
		bad.say(l, l.tr("Currency"), l.tr("enter a three-letter code such as USD, EUR or GBP"))
	}
	if f.Discount == "" {
		bad.say(l, l.tr("Discount rate"), l.tr("enter a rate in percent, such as %v", l.figureText(3.5)))
	} else {
		m.DiscountRate = formPercent(l, &bad, f.Discount, l.tr("Discount rate")) / 100
	}
	field := func(row, label string) string { return l.tr("%v, %v", row, label) }
	for i, in := range f.Inputs {
		if in.empty() {
			continue
		}
		row := l.tr("Input %v", i+1)
		if in.Stakeholder == "" {
			bad.say(l, field(row, l.tr("who contributed")), l.tr("enter who gave the input, such as “Funder”"))
		}
		m.Inputs = append(m.Inputs, impact.Input{Stakeholder: in.Stakeholder, Description: in.Description,
			Value: requiredNumber(l, &bad, in.Value, field(row, l.tr("value")))})
	}
	for i, o := range f.Outcomes {
		if o.empty() {
			continue
		}
		row := l.tr("Outcome %v", i+1)
		if o.Stakeholder == "" {
			bad.say(l, field(row, l.tr("who experiences it")), l.tr("enter the group of people, such as “Survivors”"))
		}
		if o.Outcome == "" {
			bad.say(l, field(row, l.tr("what changed")), l.tr("say what changed for them"))
		}
		out := impact.Outcome{Stakeholder: o.Stakeholder, Outcome: o.Outcome, Indicator: o.Indicator, Start: o.Start,
			Quantity: requiredNumber(l, &bad, o.Quantity, field(row, l.tr("how many"))),
			Proxy:    impact.Proxy{Value: requiredNumber(l, &bad, o.Proxy, field(row, l.tr("proxy value"))), Description: o.ProxyDescription, Source: o.ProxySource}}
		for _, r := range []struct {
			field, label string
			to           *float64
		}{{o.Deadweight, translatable("deadweight"), &out.Deadweight}, {o.Displacement, translatable("displacement"), &out.Displacement},
			{o.Attribution, translatable("attribution to others"), &out.Attribution}, {o.DropOff, translatable("drop-off"), &out.DropOff}} {
			if r.field == "" {
				continue // none: 0%
			}
			*r.to = formPercent(l, &bad, r.field, field(row, l.tr(r.label))) / 100
		}
		if n, err := strconv.Atoi(o.Duration); err != nil || n < 1 || n > impact.MaxDurationYears {
			bad.say(l, field(row, l.tr("lasts")), l.tr("enter a whole number of years from 1 to %v", impact.MaxDurationYears))
		} else {
			out.DurationYears = n
		}
		m.Outcomes = append(m.Outcomes, out)
	}
	if len(m.Inputs) == 0 {
		bad.say(l, l.tr("Inputs"), l.tr("fill in at least one input: what was put in and its value"))
	}
	if len(m.Outcomes) == 0 {
		bad.say(l, l.tr("Outcomes"), l.tr("fill in at least one outcome"))
	}
	if len(bad) > 0 {
		return nil, bad
	}
	// The impact map's own rules are the last word; their field paths
	// are put in the form's words.
	text, err := json.Marshal(m)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if _, err := impact.ParseMap(text); err != nil {
		return nil, humanMapProblems(l, f, kernel.ErrorMessage(err))
	}
	return m, nil
}

// formPercent reads a percentage from 0 to 100 as the page's language
// writes it ("3,5" in French); a trailing % is allowed. field is the
// field's label, translated.
func formPercent(l *locale, bad *formProblems, s, field string) float64 {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	v, ok := l.parseFigure(s)
	if !ok {
		bad.say(l, field, l.tr("enter a percentage from 0 to 100, such as 25"))
		return 0
	}
	if v < 0 || v > 100 {
		bad.say(l, field, l.tr("%v%% is not between 0 and 100", l.figureText(v)))
		return 0
	}
	return v
}

// sroiMapSentences are the impact map's own problems the form can meet
// after its checks (see toMap): recognised and shown in the page's
// language (locale.sentence); others read as the domain wrote them.
var sroiMapSentences = []string{
	translatable("want a three-letter ISO 4217 code in capitals such as GBP, got %v"),
	translatable("negative (%v): input values are 0 or more"),
	translatable("total value is %v: the ratio needs inputs worth at least %v"),
}

var mapPath = regexp.MustCompile(`^(inputs|outcomes)\[(\d+)\]\.([a-z_.]+)$`)

// mapFieldLabel is each field of the impact map as the form labels it.
var mapFieldLabel = map[string]string{
	"stakeholder": translatable("who"), "description": translatable("description"), "value": translatable("value"), "outcome": translatable("what changed"),
	"quantity": translatable("how many"), "proxy.value": translatable("proxy value"), "deadweight": translatable("deadweight"), "displacement": translatable("displacement"),
	"attribution": translatable("attribution to others"), "drop_off": translatable("drop-off"), "duration_years": translatable("lasts"), "start": translatable("starts"),
	"currency": translatable("Currency"), "discount_rate": translatable("Discount rate"), "inputs": translatable("Inputs"), "outcomes": translatable("Outcomes"),
}

// humanMapProblems puts the impact map's problems, which name JSON paths
// of the rows kept, in the form's words and row numbers.
func humanMapProblems(l *locale, f sroiForm, msg string) []string {
	var inRows, outRows []int // form row number of each map row
	for i, in := range f.Inputs {
		if !in.empty() {
			inRows = append(inRows, i+1)
		}
	}
	for i, o := range f.Outcomes {
		if !o.empty() {
			outRows = append(outRows, i+1)
		}
	}
	var out []string
	for _, p := range strings.Split(msg, "; ") {
		path, rest, ok := strings.Cut(p, ": ")
		if !ok {
			out = append(out, l.sentence(p))
			continue
		}
		rest = l.sentence(rest)
		if sm := mapPath.FindStringSubmatch(path); sm != nil {
			i, _ := strconv.Atoi(sm[2])
			rows, kind := inRows, translatable("Input %v")
			if sm[1] == "outcomes" {
				rows, kind = outRows, translatable("Outcome %v")
			}
			n := i + 1
			if i < len(rows) {
				n = rows[i]
			}
			field := strings.ReplaceAll(sm[3], "_", " ")
			if label, ok := mapFieldLabel[sm[3]]; ok {
				field = l.tr(label)
			}
			out = append(out, l.tr("%v: %v", l.tr("%v, %v", l.tr(kind, n), field), rest))
			continue
		}
		if label, ok := mapFieldLabel[path]; ok {
			path = l.tr(label)
		}
		out = append(out, l.tr("%v: %v", path, rest))
	}
	return out
}

// impactSROIFormSubmit analyses the impact map typed into the form, or
// with "more" shows the form again with more empty rows.
func (s *impactHandlers) impactSROIFormSubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	id := r.PathValue("id")
	f := sroiFormSent(r.PostForm)
	if r.PostForm.Get("more") != "" {
		s.renderProgramme(w, r, http.StatusOK, map[string]any{"SROIFormSent": f.withBlankRows(sroiBlankRows), "SROIFormOpen": true})
		return
	}
	m, problems := f.toMap(s.localeOf(r))
	if problems != nil {
		f = f.withBlankRows(0)
		f.Errors = problems
		s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIFormSent": f, "SROIFormOpen": true})
		return
	}
	a, err := s.impact.AnalyseSROI(r.Context(), p.User.OrgID, id, m)
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			f = f.withBlankRows(0)
			f.Errors = humanMapProblems(s.localeOf(r), f, kernel.ErrorMessage(err))
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIFormSent": f, "SROIFormOpen": true})
			return
		}
		s.fail(w, r, err)
		return
	}
	loc := s.localeOf(r)
	s.done(w, r, "/impact/programmes/"+id+"/sroi/"+a.ID, loc.tr("Social return on investment analysed and saved: %v from %v and %v.",
		a.Result.RatioDisplay, loc.countOf(len(m.Inputs), "input", "inputs"), loc.countOf(len(m.Outcomes), "outcome", "outcomes")))
}
