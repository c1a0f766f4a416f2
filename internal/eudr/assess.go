package eudr

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Level is how much risk one criterion points to.
type Level string

const (
	Low     Level = "low"
	Medium  Level = "medium"
	High    Level = "high"
	Unknown Level = "unknown" // not known yet: a gap, treated as a concern
)

// Concern reports whether the level must be mitigated before the risk can
// be concluded negligible.
func (l Level) Concern() bool { return l == High || l == Unknown }

// Answer is an analyst's answer to a criterion Upstream cannot compute.
type Answer string

const (
	Yes       Answer = "yes"
	No        Answer = "no"
	NotKnown  Answer = ""
	answerUnk Answer = "unknown"
)

// ParseAnswer reads yes, no or unknown (empty).
func ParseAnswer(raw string) (Answer, error) {
	switch a := Answer(strings.ToLower(strings.TrimSpace(raw))); a {
	case Yes, No, NotKnown:
		return a, nil
	case answerUnk:
		return NotKnown, nil
	}
	return "", kernel.Errorf(kernel.Invalid, "%q: answer yes, no or unknown", raw)
}

// Answers are the analyst's answers on the criteria of Art. 10(2) that need
// knowledge of the place: each yes, no or not known, with a note saying
// on what the answer rests.
type Answers struct {
	Forests           Answer            `json:"forests"`            // (b) forests in the country or area of production
	IndigenousPeoples Answer            `json:"indigenous_peoples"` // (c) indigenous peoples present
	Consulted         Answer            `json:"consulted"`          // (d) consulted and cooperated with in good faith
	Claims            Answer            `json:"claims"`             // (e) duly reasoned claims on the land
	CountryConcerns   Answer            `json:"country_concerns"`   // (h) corruption, document fraud, conflict, sanctions
	Mixing            Answer            `json:"mixing"`             // (j) risk of mixing with products of unknown origin
	Certified         Answer            `json:"certified"`          // (m) certification or verified schemes (complementary)
	Notes             map[string]string `json:"notes,omitempty"`
}

// Criterion is one criterion of Art. 10(2) as assessed for a lot.
type Criterion struct {
	Key     string `json:"key"`     // the letter of Art. 10(2)
	Title   string `json:"title"`   // what it asks
	Level   Level  `json:"level"`   // what the facts point to
	Finding string `json:"finding"` // the facts, in words
	// Computed is true when Upstream derived the level from its records,
	// false when it rests on the analyst's answer.
	Computed bool `json:"computed"`
}

// AssessInput is what the assessment reads: the lot, its plots with their
// evidence and check findings, the country benchmark, the count of
// Upstream's own grievances on land rights and environmental harm about
// the lot's producers and suppliers, and the analyst's answers.
type AssessInput struct {
	Lot      Lot
	Plots    []Plot
	Evidence map[string][]Evidence // by plot id
	Findings map[string][]Finding  // geolocation findings by plot id
	// Benchmark gives a country's risk under Art. 29: "low", "standard",
	// "high", or "" when the country is not benchmarked.
	Benchmark func(country string) string
	// Grievances counts land-rights and environmental-harm grievances
	// received about the lot's producers and suppliers (Art. 10(2)(l)).
	Grievances int
	Answers    Answers
	Today      time.Time
}

// Countries returns the lot's countries of production, sorted.
func (in AssessInput) Countries() []string {
	var out []string
	for _, p := range in.Plots {
		if p.Country != "" && !slices.Contains(out, p.Country) {
			out = append(out, p.Country)
		}
	}
	slices.Sort(out)
	return out
}

// SimplifiedApplies reports whether simplified due diligence applies (Art.
// 13(1)): every country of production is low risk. It stops applying when
// the operator has information that the product risks not complying (Art.
// 13(2)): forest loss found on a plot, or grievances on land rights or the
// environment about the chain.
func SimplifiedApplies(in AssessInput) (bool, string) {
	cs := in.Countries()
	if len(cs) == 0 {
		return false, kernel.Say("no country of production is known").String()
	}
	for _, c := range cs {
		if in.Benchmark == nil || in.Benchmark(c) != "low" {
			return false, kernel.Say("%v is not a low-risk country", countryName(c)).String()
		}
	}
	if in.Grievances > 0 {
		return false, kernel.Say("%v grievance(s) on land rights or environmental harm concern the chain (Art. 13(2))", in.Grievances).String()
	}
	for _, p := range in.Plots {
		if Summarise(p, in.Evidence[p.ID], in.Today).Deforestation == LossFound {
			return false, kernel.Say("forest loss was found on %v (Art. 13(2))", p.Label()).String()
		}
	}
	return true, kernel.Say("every country of production is low risk (Art. 13(1))").String()
}

// Assess evaluates the criteria of Art. 10(2) for a lot: the ones Upstream
// can compute from its records and the ones the analyst answered.
func Assess(in AssessInput) []Criterion {
	var out []Criterion
	// Findings are built as kernel.Text and kept as their English
	// sentence: pages in other languages recognise the sentence.
	add := func(key string, l Level, computed bool, finding kernel.Text) {
		out = append(out, Criterion{Key: key, Title: criterionTitles[key], Level: l, Finding: finding.String(), Computed: computed})
	}

	// (a) country benchmark.
	cs := in.Countries()
	level, parts := Low, []string{}
	for _, c := range cs {
		b := ""
		if in.Benchmark != nil {
			b = in.Benchmark(c)
		}
		switch b {
		case "high":
			level = High
		case "standard":
			if level != High {
				level = Medium
			}
		case "low":
		default:
			b = kernel.Say("not benchmarked").String()
			if level == Low {
				level = Unknown
			}
		}
		parts = append(parts, kernel.Say("%v: %v", countryName(c), b).String())
	}
	if len(cs) == 0 {
		level, parts = Unknown, []string{kernel.Say("no country of production known").String()}
	}
	add("a", level, true, kernel.Plain(strings.Join(parts, "; ")))

	// An answered criterion's finding is what was asked, the answer and
	// the note it rests on (the analyst's words, kept as written).
	answer := func(key string, a Answer, yes, no Level, finding func(answer kernel.Text) kernel.Text) {
		l := Unknown
		switch a {
		case Yes:
			l = yes
		case No:
			l = no
		}
		note := in.Answers.Notes[key]
		add(key, l, false, finding(answerWords(a, note)))
	}
	answer("b", in.Answers.Forests, Medium, Low, func(v kernel.Text) kernel.Text { return kernel.Say("Forests present: %v", v) })
	answer("c", in.Answers.IndigenousPeoples, Medium, Low, func(v kernel.Text) kernel.Text { return kernel.Say("Indigenous peoples present: %v", v) })
	if in.Answers.IndigenousPeoples == Yes || in.Answers.IndigenousPeoples == NotKnown {
		answer("d", in.Answers.Consulted, Low, High, func(v kernel.Text) kernel.Text { return kernel.Say("Consulted in good faith: %v", v) })
	} else {
		add("d", Low, false, kernel.Say("No indigenous peoples present"))
	}
	answer("e", in.Answers.Claims, High, Low, func(v kernel.Text) kernel.Text { return kernel.Say("Claims on the land: %v", v) })

	// (f) prevalence of deforestation, from the evidence per plot.
	var loss, gaps []string
	for _, p := range in.Plots {
		s := Summarise(p, in.Evidence[p.ID], in.Today)
		switch s.Deforestation {
		case LossFound:
			loss = append(loss, kernel.Say("%v (%v ha)", p.Label(), fmtHa(s.LossHa)).String())
		case NoAnalysis, AnalysisIncomplete:
			gaps = append(gaps, p.Label())
		}
	}
	switch {
	case len(loss) > 0:
		add("f", High, true, kernel.Say("Forest loss after 31 December 2020 on %v", strings.Join(loss, ", ")))
	case len(gaps) > 0:
		add("f", Unknown, true, kernel.Say("No complete forest-loss analysis for %v of %v plot(s): %v", len(gaps), len(in.Plots), strings.Join(limit(gaps, 5), ", ")))
	case len(in.Plots) == 0:
		add("f", Unknown, true, kernel.Say("No plots linked to the lot"))
	default:
		add("f", Low, true, kernel.Say("Analyses cover every plot from the cut-off date and found no forest loss"))
	}

	// (g) source and reliability of the information.
	var badGeo, noLegal []string
	for _, p := range in.Plots {
		for _, f := range in.Findings[p.ID] {
			if f.Severity == Error {
				badGeo = append(badGeo, p.Label())
				break
			}
		}
		if len(Summarise(p, in.Evidence[p.ID], in.Today).MissingLegality) > 0 {
			noLegal = append(noLegal, p.Label())
		}
	}
	switch {
	case len(badGeo) > 0:
		add("g", High, true, kernel.Say("Geolocation fails the checks for %v", strings.Join(limit(badGeo, 5), ", ")))
	case len(noLegal) > 0:
		add("g", Unknown, true, kernel.Say("No land title or permit on file for %v plot(s): %v", len(noLegal), strings.Join(limit(noLegal, 5), ", ")))
	default:
		add("g", Low, true, kernel.Say("Every plot's geolocation passes the checks and has legality documents on file"))
	}

	answer("h", in.Answers.CountryConcerns, High, Low, func(v kernel.Text) kernel.Text { return kernel.Say("Concerns: %v", v) })

	// (i) complexity of the supply chain.
	suppliers, noProducer := map[string]bool{}, 0
	for _, p := range in.Plots {
		if p.SupplierRef != "" {
			suppliers[p.SupplierRef] = true
		}
		if p.ProducerRef == "" && p.ProducerName == "" {
			noProducer++
		}
	}
	switch {
	case noProducer > 0:
		add("i", High, true, kernel.Say("%v plot(s) are not linked to a producer", noProducer))
	case len(suppliers) > 3:
		add("i", Medium, true, kernel.Say("%v producers through %v suppliers", countProducers(in.Plots), len(suppliers)))
	default:
		add("i", Low, true, kernel.Say("%v producers through %v supplier(s), every plot linked to its producer", countProducers(in.Plots), len(suppliers)))
	}

	answer("j", in.Answers.Mixing, High, Low, func(v kernel.Text) kernel.Text {
		return kernel.Say("Mixing with products of unknown origin possible: %v", v)
	})

	// (l) substantiated concerns, Upstream's own grievances among them.
	if in.Grievances > 0 {
		add("l", High, true, kernel.Say("%v grievance(s) on land rights or environmental harm about the lot's producers or suppliers", in.Grievances))
	} else {
		add("l", Low, true, kernel.Say("No grievance on land rights or environmental harm about the lot's producers or suppliers"))
	}
	// (m) is complementary information: its absence is no concern.
	add("m", Low, false, kernel.Say("Certified or verified: %v", answerWords(in.Answers.Certified, in.Answers.Notes["m"])))
	return out
}

func countProducers(plots []Plot) int {
	seen := map[string]bool{}
	for _, p := range plots {
		seen[p.producerKey()] = true
	}
	return len(seen)
}

func limit(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], kernel.Say("and %v more", len(s)-n).String())
}

// Conclusion is the outcome of a risk assessment (Art. 10(1)).
type Conclusion string

const (
	Negligible    Conclusion = "negligible"
	NotNegligible Conclusion = "not-negligible"
)

// Mitigation is one risk mitigation measure (Art. 11): what was done, for
// which criterion, by whom and when.
type Mitigation struct {
	Criterion string    `json:"criterion"` // the letter of Art. 10(2) it addresses
	Measure   string    `json:"measure"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Assessment is a recorded risk assessment of a lot: the criteria as they
// stood, the mitigation, and the decision with who made it, when and why.
type Assessment struct {
	ID         string       `json:"id"`
	LotID      string       `json:"lot_id"`
	Simplified bool         `json:"simplified"`
	Criteria   []Criterion  `json:"criteria"`
	Answers    Answers      `json:"answers"`
	Mitigation []Mitigation `json:"mitigation"`
	Conclusion Conclusion   `json:"conclusion"`
	Reason     string       `json:"reason"`
	DecidedBy  string       `json:"decided_by"`
	DecidedAt  time.Time    `json:"decided_at"`
}

// Decide records the conclusion of an assessment. A conclusion of
// negligible risk is refused while a criterion points to a high or unknown
// risk that no mitigation measure addresses (Art. 10(1), 11(1)); every
// decision needs the name of who took it and a reason.
func Decide(a Assessment, c Conclusion, by, reason string, at time.Time) (Assessment, error) {
	if strings.TrimSpace(by) == "" {
		return a, kernel.InvalidField("decided_by", "say who decides")
	}
	if strings.TrimSpace(reason) == "" {
		return a, kernel.InvalidField("reason", "say why: the decision must be explainable to a competent authority (Art. 10(4))")
	}
	switch c {
	case Negligible:
		if open := Unmitigated(a); len(open) > 0 {
			return a, kernel.Errorf(kernel.Invalid, "the risk cannot be concluded negligible while these criteria point to a high or unknown risk with no mitigation recorded: %s", strings.Join(open, "; "))
		}
	case NotNegligible:
	default:
		return a, kernel.InvalidField("conclusion", "%q: want negligible or not-negligible", c)
	}
	a.Conclusion, a.DecidedBy, a.Reason, a.DecidedAt = c, strings.TrimSpace(by), strings.TrimSpace(reason), at.UTC()
	return a, nil
}

// Unmitigated lists the criteria of concern that no mitigation addresses.
func Unmitigated(a Assessment) []string {
	var open []string
	for _, c := range a.Criteria {
		if !c.Level.Concern() {
			continue
		}
		mitigated := false
		for _, m := range a.Mitigation {
			if m.Criterion == c.Key {
				mitigated = true
			}
		}
		if !mitigated {
			open = append(open, fmt.Sprintf("(%s) %s: %s", c.Key, c.Title, c.Level))
		}
	}
	return open
}

// AddMitigation records a measure against one criterion.
func AddMitigation(a Assessment, m Mitigation) (Assessment, error) {
	found := false
	for _, c := range a.Criteria {
		found = found || c.Key == m.Criterion
	}
	if !found {
		return a, kernel.InvalidField("criterion", "%q is not a criterion of this assessment (Art. 10(2) letters a to m)", m.Criterion)
	}
	if strings.TrimSpace(m.Measure) == "" || strings.TrimSpace(m.By) == "" {
		return a, kernel.InvalidField("measure", "say what was done and who did it")
	}
	a.Mitigation = append(a.Mitigation, m)
	// A new measure reopens the decision: the earlier conclusion did not
	// know of it.
	a.Conclusion, a.DecidedBy, a.Reason, a.DecidedAt = "", "", "", time.Time{}
	return a, nil
}

// criterionTitles say what each criterion of Art. 10(2) asks, by letter.
var criterionTitles = map[string]string{
	"a": "Risk assigned to the country of production (Art. 29)",
	"b": "Presence of forests in the country or area of production",
	"c": "Presence of indigenous peoples",
	"d": "Consultation and cooperation in good faith with indigenous peoples",
	"e": "Duly reasoned claims by indigenous peoples on the land",
	"f": "Prevalence of deforestation or forest degradation",
	"g": "Source, reliability and validity of the information",
	"h": "Concerns about the country: corruption, document falsification, law enforcement, human rights, armed conflict, sanctions",
	"i": "Complexity of the supply chain and difficulty of linking products to plots",
	"j": "Risk of circumvention or of mixing with products of unknown origin",
	"l": "Substantiated concerns, including grievances on land rights and environmental harm",
	"m": "Complementary information: certification or third-party verification",
}

// CriterionTitles lists what the criteria ask, for the pages' catalogs.
func CriterionTitles() []string {
	var out []string
	for _, t := range criterionTitles {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// answerWords is an analyst's answer in words, with the note it rests on
// (the analyst's own words, kept as written).
func answerWords(a Answer, note string) kernel.Text {
	switch {
	case a == Yes && note != "":
		return kernel.Say("yes: %v", note)
	case a == Yes:
		return kernel.Say("yes")
	case a == No && note != "":
		return kernel.Say("no: %v", note)
	case a == No:
		return kernel.Say("no")
	case note != "":
		return kernel.Say("not answered: %v", note)
	}
	return kernel.Say("not answered")
}
