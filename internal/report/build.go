package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// The printed supplier-risk report keeps its long tables to these sizes, so
// the time and memory to print it stay the same whatever the size of the
// supply map: the register lists the parties with the highest exposure and
// the factor breakdown explains the first of them. The CSV and XLSX annexes
// hold every party and every figure.
const (
	PrintRegisterRows  = 500
	PrintFactorParties = 100
)

// Build validates d and lays out a report of kind k in full, for the HTML
// page and the data annexes.
func Build(k Kind, d Data) (*Document, error) { return build(k, d, false) }

// BuildPrint lays out a report of kind k for printing: as Build, with the
// long tables of the supplier-risk report cut to PrintRegisterRows and
// PrintFactorParties, each saying so and where the rest is.
func BuildPrint(k Kind, d Data) (*Document, error) { return build(k, d, true) }

func build(k Kind, d Data, print bool) (*Document, error) {
	if err := d.Validate(k); err != nil {
		return nil, err
	}
	doc := &Document{Kind: k, Org: d.Org, OrgLang: scriptLang(d.Org.Name), GeneratedAt: d.GeneratedAt.UTC()}
	if !d.Period.From.IsZero() || !d.Period.To.IsZero() {
		doc.Period = date(d.Period.From) + " to " + date(d.Period.To)
	}
	b := newBuilder(doc)
	switch k {
	case SupplierRisk:
		doc.Title = "Supplier risk report"
		b.riskSummary(d)
		if print {
			b.register(d, PrintRegisterRows)
			b.factors(d, PrintFactorParties)
		} else {
			b.register(d, 0)
			b.factors(d, 0)
		}
	case BrandScorecard:
		doc.Title = "Scorecard"
		b.scorecard(d)
	case DueDiligence:
		doc.Title = "Due-diligence report"
		b.dueDiligence(d)
	}
	if !print {
		doc.sheets = workSheets(k, d)
	}
	return doc, nil
}

func (b *builder) add(s Section) { b.doc.Sections = append(b.doc.Sections, s) }

// sortedParties orders parties by exposure, highest first, then by id so
// the order is stable.
func sortedParties(ps []Party) []Party {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b Party) int {
		return cmp.Or(cmp.Compare(b.Exposure, a.Exposure), strings.Compare(a.ID, b.ID))
	})
	return out
}

func (b *builder) riskSource(d Data) *Source {
	m := d.RiskMethod
	name := cmp.Or(m.Name, "Upstream risk method")
	detail := "scores and levels from the risk register"
	if m.Origin != "" {
		detail += "; weights from " + m.Origin
	}
	return b.source(name, version(m.Version), detail)
}

func (b *builder) riskSummary(d Data) {
	b.section = "summary"
	src := b.riskSource(d)
	counts := map[risk.Level]int{}
	hits := 0
	for _, p := range d.Parties {
		counts[p.Level]++
		if p.WatchlistHits > 0 {
			hits++
		}
	}
	t := Table{Caption: "Parties by risk level", Head: []string{"Level", "Parties"}}
	for _, l := range []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low, risk.Unknown} {
		t.Rows = append(t.Rows, []Cell{text(string(l)), b.count("", "all parties", "parties at level "+string(l), counts[l], src)})
	}
	t.Rows = append(t.Rows, []Cell{text("all"), b.count("", "all parties", "parties", len(d.Parties), src)})
	t.Rows = append(t.Rows, []Cell{text("with confirmed watchlist matches"), b.count("", "all parties", "parties with confirmed watchlist matches", hits, src)})
	b.add(Section{ID: "summary", Title: "Summary", Tables: []Table{t},
		Paras: []string{"Scores are on a 0 to 100 scale. Inherent risk comes from reference data on each party's country and commodities, signals from screening, grievances and audits, and exposure adds the risk passed up from a party's own suppliers."}})
}

// register lists parties by exposure; limit > 0 keeps only the first ones.
func (b *builder) register(d Data, limit int) {
	b.section = "register"
	src := b.riskSource(d)
	t := Table{Caption: "Risk register, highest exposure first",
		Head:  []string{"#", "Party", "Reference", "Country", "Commodities", "Tier", "Inherent", "Signals", "Exposure", "Level", "Confidence", "Confirmed matches"},
		Empty: "No parties were provided."}
	ps := sortedParties(d.Parties)
	var paras []string
	if limit > 0 && len(ps) > limit {
		t.Caption = fmt.Sprintf("The %s parties with the highest exposure (of %s)", thousands(limit), thousands(len(ps)))
		paras = append(paras, fmt.Sprintf("This printed report lists the %s parties with the highest exposure. The CSV and XLSX downloads of this report list all %s parties with every figure.", thousands(limit), thousands(len(ps))))
		ps = ps[:limit]
	}
	for i, p := range ps {
		tier := text("unknown")
		if p.Tier > 0 {
			tier = b.number(p.ID, p.Name, "tier", float64(p.Tier), "tier", b.source("Upstream supply map", "", "tiers inferred from supply links"))
		}
		t.Rows = append(t.Rows, []Cell{
			text(fmt.Sprint(i + 1)), user(p.Name), user(p.Ref), text(p.Country), user(commodityList(p)), tier,
			b.score(p.ID, p.Name, "inherent risk", p.Inherent, src),
			b.score(p.ID, p.Name, "signals", p.Signals, src),
			b.score(p.ID, p.Name, "exposure", p.Exposure, src),
			text(levelText(p)),
			text(fmt.Sprintf("%.0f%%", 100*p.Confidence)),
			b.count(p.ID, p.Name, "confirmed watchlist matches", p.WatchlistHits, src),
		})
	}
	b.add(Section{ID: "register", Title: "Risk register", Paras: paras, Tables: []Table{t}})
}

// commodityList names a party's commodities, marking the inferred ones
// ("garments (inferred from sector Apparel)").
func commodityList(p Party) string {
	names := make([]string, len(p.Commodities))
	for i, c := range p.Commodities {
		names[i] = c
		if slices.Contains(p.InferredCommodities, c) {
			from := p.InferredFrom
			if from == "" {
				from = "the list"
			}
			names[i] += " (inferred from " + from + ")"
		}
	}
	return strings.Join(names, ", ")
}

// levelText is a party's level, with what is missing when there is a gap.
func levelText(p Party) string {
	if len(p.Missing) == 0 {
		return string(p.Level)
	}
	return string(p.Level) + " (missing: " + strings.Join(p.Missing, ", ") + ")"
}

// grievanceFactor reports whether a factor comes from grievance signals;
// their value text is withheld, since a count or note next to one supplier
// can point at the people who reported.
func grievanceFactor(f risk.Factor) bool { return f.Indicator == string(risk.Grievance) }

// factors explains each party's score; limit > 0 explains only the first
// parties by exposure.
func (b *builder) factors(d Data, limit int) {
	b.section = "factors"
	t := Table{Caption: "Why each party scores as it does: factors and their contributions",
		Head:  []string{"Party", "Kind", "Indicator", "Value", "Source", "Edition", "Contribution"},
		Empty: "No factors were provided."}
	ps := sortedParties(d.Parties)
	var paras []string
	if limit > 0 && len(ps) > limit {
		t.Caption = fmt.Sprintf("Factors of the %s parties with the highest exposure (of %s)", thousands(limit), thousands(len(ps)))
		paras = append(paras, fmt.Sprintf("The factors of the other %s parties are in the CSV and XLSX downloads of this report.", thousands(len(ps)-limit)))
		ps = ps[:limit]
	}
	for _, p := range ps {
		for _, f := range p.Factors {
			value, source, edition := f.Value, f.Source, f.Edition
			if grievanceFactor(f) {
				value, source, edition = "grievance signal (details withheld)", "grievance mechanism (aggregate)", ""
			}
			src := b.source(source, edition, "")
			t.Rows = append(t.Rows, []Cell{user(p.Name), text(f.Kind), text(f.Name()), user(value), user(source), text(edition),
				b.score(p.ID, p.Name, "contribution: "+f.Name(), f.Contribution, src)})
		}
	}
	b.add(Section{ID: "factors", Title: "Factor breakdown", Paras: paras, Tables: []Table{t}})
}

func (b *builder) scorecardSource(sc scorecard.Scorecard) *Source {
	detail := "theme weights, evidence ages and grade scales"
	if sc.Origin != "" {
		detail += " from " + sc.Origin
	}
	return b.source("Upstream scorecard method", version(sc.Method), detail)
}

// itemSource is where one scorecard item's points come from: the
// questionnaire answer and its documents, or the evidence Upstream holds.
func (b *builder) itemSource(sc scorecard.Scorecard, r scorecard.ItemResult) *Source {
	if r.Source == scorecard.FromAnswer {
		if r.Status == scorecard.StatusMissing {
			return b.source("Questionnaire", "as of "+date(sc.AsOf), "no answer to “"+r.Text+"”")
		}
		var docs []string
		for _, d := range r.Documents {
			docs = append(docs, fmt.Sprintf("%s (%s, %s)", d.Name, cmp.Or(d.Reference, "no reference"), date(d.Date)))
		}
		detail := "answer to “" + r.Text + "”"
		if len(docs) > 0 {
			detail += "; documents: " + strings.Join(docs, "; ")
		}
		return b.source("Questionnaire answer", "evidence dated "+date(r.EvidenceDate), detail)
	}
	return b.source("Upstream records: "+r.Theme.Label(), "as of "+date(sc.AsOf), "held evidence: "+r.Text)
}

func version(v string) string {
	if v == "" {
		return ""
	}
	return "version " + v
}

func effort(n int) string {
	switch n {
	case 1:
		return "low"
	case 2:
		return "medium"
	}
	return "high"
}

func (b *builder) scorecard(d Data) {
	sc := *d.Scorecard
	subj := sc.Subject.Name
	src := b.scorecardSource(sc)

	b.section = "grade"
	g := &GradeBlock{Grade: string(sc.Grade), Score: b.score(sc.Subject.ID, subj, "overall score", sc.Score, src).Fig,
		Scale: strings.ReplaceAll(string(sc.Scale), "_", "-"), ScaleReason: sc.ScaleReason.String()}
	bounds := Table{Caption: "Grade boundaries on the " + strings.ReplaceAll(string(sc.Scale), "_", "-") + " scale", Head: []string{"Grade", "Lowest score"}}
	for _, gr := range scorecard.Grades()[:4] {
		bounds.Rows = append(bounds.Rows, []Cell{text(string(gr)), b.score("", "method", "lowest score for "+string(gr), sc.Bounds.Min(gr), src)})
	}
	if sc.NextGrade != "" {
		g.NextGrade = string(sc.NextGrade)
		g.PointsToNext = b.score(sc.Subject.ID, subj, "points to grade "+string(sc.NextGrade), sc.PointsToNext, src).Fig
	}
	b.add(Section{ID: "grade", Title: "Grade", Grade: g, Tables: []Table{bounds},
		Paras: []string{fmt.Sprintf("Scorecard of %s as of %s.", subj, date(sc.AsOf))}})

	b.section = "themes"
	themes := Table{Caption: "Theme scores", Head: []string{"Theme", "Weight", "Theme score", "Points in the overall score"}}
	for _, ts := range sc.Themes {
		themes.Rows = append(themes.Rows, []Cell{text(ts.Theme.Label()),
			b.share(sc.Subject.ID, subj, "weight: "+ts.Theme.Label(), ts.Weight, src),
			b.score(sc.Subject.ID, subj, "theme score: "+ts.Theme.Label(), ts.Score, src),
			b.score(sc.Subject.ID, subj, "contribution: "+ts.Theme.Label(), ts.Contribution, src)})
	}
	b.add(Section{ID: "themes", Title: "Themes", Tables: []Table{themes}})

	b.section = "explanation"
	items := map[string]scorecard.ItemResult{}
	for _, ts := range sc.Themes {
		for _, r := range ts.Items {
			items[r.ID] = r
		}
	}
	raised := Table{Caption: "Evidence that raised the score", Head: []string{"Evidence", "Theme", "Status", "Detail", "Points added"}, Empty: "No evidence earned points."}
	for _, r := range sc.Raised {
		raised.Rows = append(raised.Rows, []Cell{text(r.Text), text(r.Theme.Label()), text(string(r.Status)), user(r.Detail.String()),
			b.score(sc.Subject.ID, subj, "points added: "+r.Text, r.Points, b.itemSource(sc, items[r.ItemID]))})
	}
	lowered := Table{Caption: "Evidence that lowered the score", Head: []string{"Evidence", "Theme", "Status", "Detail", "Points lost"}, Empty: "Nothing lost points."}
	for _, r := range sc.Lowered {
		lowered.Rows = append(lowered.Rows, []Cell{text(r.Text), text(r.Theme.Label()), text(string(r.Status)), user(r.Detail.String()),
			b.score(sc.Subject.ID, subj, "points lost: "+r.Text, -r.Points, b.itemSource(sc, items[r.ItemID]))})
	}
	missing := Table{Caption: "Missing evidence (scores zero)", Head: []string{"Evidence", "Theme", "Points it could add"}, Empty: "No evidence is missing."}
	for _, r := range sc.Missing {
		missing.Rows = append(missing.Rows, []Cell{text(r.Text), text(r.Theme.Label()),
			b.score(sc.Subject.ID, subj, "missing: "+r.Text, -r.Points, src)})
	}
	b.add(Section{ID: "explanation", Title: "Why this grade", Tables: []Table{raised, lowered, missing},
		Paras: []string{"Missing evidence counts as missing: it scores zero and is listed. Evidence older than the method's freshness limit counts less, and expired evidence counts nothing."}})

	b.section = "next"
	next := Table{Caption: "What would move the grade up, cheapest first", Head: []string{"Action", "Theme", "Effort", "Points gained", "Grade after this step"}, Empty: "Nothing: every item has full credit."}
	for i, s := range sc.Next {
		if i == 10 {
			break
		}
		next.Rows = append(next.Rows, []Cell{text(s.Action.String()), text(s.Theme.Label()), text(effort(s.Effort)),
			b.score(sc.Subject.ID, subj, "gain: "+s.Action.String(), s.Gain, src), text(string(s.Grade))})
	}
	b.add(Section{ID: "next", Title: "Next steps", Tables: []Table{next}})

	b.section = "evidence"
	docs := Table{Caption: "Documents behind the answers", Head: []string{"Question", "Document", "Reference", "Dated"}, Empty: "No documents were provided."}
	for _, ts := range sc.Themes {
		for _, r := range ts.Items {
			for _, d := range r.Documents {
				docs.Rows = append(docs.Rows, []Cell{text(r.Text), user(d.Name), user(d.Reference), text(date(d.Date))})
			}
		}
	}
	b.add(Section{ID: "evidence", Title: "Evidence", Tables: []Table{docs}})
	b.trend(d)
}

func (b *builder) trend(d Data) {
	b.section = "trend"
	series := slices.Clone(d.History)
	if d.Scorecard != nil {
		series = append(series, *d.Scorecard)
	}
	slices.SortStableFunc(series, func(a, b scorecard.Scorecard) int { return a.AsOf.Compare(b.AsOf) })
	t := Table{Caption: "Scores over time", Head: []string{"Date", "Score", "Grade", "Scale", "Change"}, Empty: "No scorecards yet."}
	for i, sc := range series {
		src := b.scorecardSource(sc)
		change := text("")
		if i > 0 {
			if c, err := scorecard.Compare(series[i-1], sc); err == nil {
				change = b.score(sc.Subject.ID, sc.Subject.Name, "change since "+date(c.From), c.Delta, src)
			}
		}
		t.Rows = append(t.Rows, []Cell{text(date(sc.AsOf)), b.score(sc.Subject.ID, sc.Subject.Name, "score on "+date(sc.AsOf), sc.Score, src),
			text(string(sc.Grade)), text(strings.ReplaceAll(string(sc.Scale), "_", "-")), change})
	}
	b.add(Section{ID: "trend", Title: "Trend", Tables: []Table{t}})
}

// themeTable lists a theme's scorecard items with their status and points.
func (b *builder) themeTable(d Data, th scorecard.Theme) Table {
	t := Table{Caption: th.Label(), Head: []string{"Evidence", "Status", "Detail", "Points earned", "Of"}}
	if d.Scorecard == nil {
		t.Empty = "No scorecard evidence was provided for this theme."
		return t
	}
	sc := *d.Scorecard
	for _, ts := range sc.Themes {
		if ts.Theme != th {
			continue
		}
		for _, r := range ts.Items {
			src := b.itemSource(sc, r)
			t.Rows = append(t.Rows, []Cell{text(r.Text), text(string(r.Status)), user(r.Detail.String()),
				b.score(sc.Subject.ID, sc.Subject.Name, "points earned: "+r.Text, r.Contribution, src),
				b.score(sc.Subject.ID, sc.Subject.Name, "points possible: "+r.Text, r.Max, b.scorecardSource(sc))})
		}
		t.Rows = append(t.Rows, []Cell{text("Theme score (0 to 100)"), text(""), text(""),
			b.score(sc.Subject.ID, sc.Subject.Name, "theme score: "+th.Label(), ts.Score, b.scorecardSource(sc)), text("")})
	}
	return t
}

func (b *builder) dueDiligence(d Data) {
	steps := Steps()
	var req *Requirement
	if d.Regulation != "" {
		r := regulations[d.Regulation]
		req = &r
		b.doc.Regulation = req
		steps = r.Steps()
	}
	b.section = "scope"
	scope := Section{ID: "scope", Title: "Scope"}
	st := Table{Caption: "Sections", Head: []string{"OECD step", "In this report", "Provision"}}
	for _, s := range Steps() {
		in, ref := "yes", ""
		if req != nil {
			ref = req.Reference(s)
			if ref == "" {
				in = "not required"
			}
		}
		st.Rows = append(st.Rows, []Cell{text(s.Title()), text(in), text(ref)})
	}
	if req != nil {
		scope.Paras = append(scope.Paras, fmt.Sprintf("This report is filtered to the sections the %s (%s) asks for.", req.Name, req.Instrument))
	} else {
		scope.Paras = append(scope.Paras, "This report follows all six steps of the OECD Due Diligence Guidance for Responsible Business Conduct.")
	}
	scope.Tables = []Table{st}
	b.add(scope)

	for _, s := range steps {
		b.section = string(s)
		sec := Section{ID: string(s), Title: s.Title()}
		if req != nil {
			sec.Reference = req.Reference(s)
		}
		switch s {
		case StepEmbed:
			sec.Tables = append(sec.Tables, b.themeTable(d, scorecard.Policies))
		case StepIdentify:
			sec.Tables = append(sec.Tables, b.levelTable(d), b.topRisks(d, 10), b.themeTable(d, scorecard.Traceability))
			sec.Tables = append(sec.Tables, b.screeningTable(d))
			if d.EUDR != nil {
				sec.Tables = append(sec.Tables, eudrPlotTable(d.EUDR), eudrGapTable(d.EUDR), eudrLotTable(d.EUDR))
			}
		case StepPrevent:
			sec.Tables = append(sec.Tables, b.themeTable(d, scorecard.Purchasing), b.themeTable(d, scorecard.Monitoring), b.themeTable(d, scorecard.Environment))
		case StepTrack:
			sec.Tables = append(sec.Tables, b.handlingTable(d), b.impactTable(d))
			if s := b.sroiTable(d); s != nil {
				sec.Tables = append(sec.Tables, *s)
			}
		case StepCommunicate:
			sec.Paras = append(sec.Paras, fmt.Sprintf("This report was generated by Upstream on %s from the organisation's records; every figure names its source in the notes.", date(d.GeneratedAt)))
			sec.Tables = append(sec.Tables, b.gradeSummary(d))
		case StepRemedy:
			sec.Tables = append(sec.Tables, b.themeTable(d, scorecard.WorkerVoice), b.themeTable(d, scorecard.Remedy), b.categoryTable(d), b.remedyTable(d))
		}
		b.add(sec)
	}
	if slices.Contains(steps, StepTrack) {
		b.trend(d)
	}
}

func (b *builder) levelTable(d Data) Table {
	src := b.riskSource(d)
	t := Table{Caption: "Parties by risk level", Head: []string{"Level", "Parties"}}
	counts := map[risk.Level]int{}
	for _, p := range d.Parties {
		counts[p.Level]++
	}
	for _, l := range []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low, risk.Unknown} {
		t.Rows = append(t.Rows, []Cell{text(string(l)), b.count("", "all parties", "parties at level "+string(l), counts[l], src)})
	}
	return t
}

func (b *builder) topRisks(d Data, n int) Table {
	src := b.riskSource(d)
	t := Table{Caption: fmt.Sprintf("Highest exposure (up to %d parties)", n), Head: []string{"Party", "Country", "Exposure", "Level", "Main factor"}, Empty: "No parties were provided."}
	for i, p := range sortedParties(d.Parties) {
		if i == n {
			break
		}
		main := ""
		if len(p.Factors) > 0 {
			f := slices.MaxFunc(p.Factors, func(a, b risk.Factor) int { return cmp.Compare(a.Contribution, b.Contribution) })
			main = f.Name()
		}
		t.Rows = append(t.Rows, []Cell{user(p.Name), text(p.Country), b.score(p.ID, p.Name, "exposure", p.Exposure, src), text(string(p.Level)), text(main)})
	}
	return t
}

func (b *builder) screeningTable(d Data) Table {
	t := Table{Caption: "Watchlist screening", Head: []string{"Measure", "Value"}}
	s := d.Screening
	if s == nil {
		t.Empty = "No screening results were provided."
		return t
	}
	var lists []string
	for _, l := range s.Lists {
		lists = append(lists, strings.TrimSpace(l.Name+" "+l.Edition))
	}
	src := b.source("Upstream screening review queue", "as of "+date(s.AsOf), "lists: "+cmp.Or(strings.Join(lists, "; "), "not stated"))
	for _, m := range []struct {
		name string
		n    int
	}{{"parties in scope", s.Parties}, {"parties screened", s.Screened}, {"possible matches waiting for review", s.Pending}, {"confirmed matches", s.Confirmed}, {"dismissed matches", s.Dismissed}} {
		t.Rows = append(t.Rows, []Cell{text(m.name), b.count("", "screening", m.name, m.n, src)})
	}
	return t
}

func (b *builder) grievanceSource(g *Grievance) *Source {
	return b.source("Upstream grievance mechanism (aggregates)", date(g.Period.From)+" to "+date(g.Period.To),
		fmt.Sprintf("counts from 1 to %d are withheld", grievance.MinReportableCount-1))
}

// suppressCells decides which counts to withhold: every count from 1 to
// MinReportableCount-1, and, when that leaves exactly one withheld cell
// beside a shown total, the smallest other non-zero count too, so the
// hidden one cannot be worked out by subtraction.
func suppressCells(ns []int) []bool {
	hide := make([]bool, len(ns))
	k := 0
	for i, n := range ns {
		if n > 0 && n < grievance.MinReportableCount {
			hide[i] = true
			k++
		}
	}
	if k == 1 {
		j := -1
		for i, n := range ns {
			if !hide[i] && n > 0 && (j < 0 || n < ns[j]) {
				j = i
			}
		}
		if j >= 0 {
			hide[j] = true
		}
	}
	return hide
}

const withheld = "fewer than 5"

func (b *builder) grievanceCount(subject, measure string, n int, hide bool, src *Source) Cell {
	if hide {
		return b.hidden("", subject, measure, withheld, src)
	}
	return b.count("", subject, measure, n, src)
}

func (b *builder) handlingTable(d Data) Table {
	t := Table{Caption: "Grievance handling", Head: []string{"Measure", "Value"}}
	g := d.Grievance
	if g == nil {
		t.Empty = "No grievance mechanism data was provided."
		return t
	}
	src := b.grievanceSource(g)
	small := g.Total < grievance.MinReportableCount
	t.Rows = append(t.Rows, []Cell{text("grievances received"), b.grievanceCount("grievances", "received", g.Total, small && g.Total > 0, src)})
	if small {
		t.Rows = append(t.Rows, []Cell{text("median days to acknowledge"), b.hidden("", "grievances", "median days to acknowledge", "withheld (fewer than 5 cases)", src)})
	} else {
		t.Rows = append(t.Rows, []Cell{text("median days to acknowledge"), b.number("", "grievances", "median days to acknowledge", g.MedianDaysToAcknowledge, "days", src)})
	}
	ns := make([]int, len(g.ByStage))
	for i, c := range g.ByStage {
		ns[i] = c.N
	}
	hide := suppressCells(ns)
	for i, c := range g.ByStage {
		t.Rows = append(t.Rows, []Cell{text("at stage: " + string(c.Stage)), b.grievanceCount("grievances", "at stage "+string(c.Stage), c.N, hide[i], src)})
	}
	return t
}

func (b *builder) categoryTable(d Data) Table {
	t := Table{Caption: "Grievances by category", Head: []string{"Category", "Grievances"}}
	g := d.Grievance
	if g == nil {
		t.Empty = "No grievance mechanism data was provided."
		return t
	}
	src := b.grievanceSource(g)
	cats := slices.Clone(g.ByCategory)
	slices.SortStableFunc(cats, func(a, b CategoryCount) int { return strings.Compare(string(a.Category), string(b.Category)) })
	ns := make([]int, len(cats))
	for i, c := range cats {
		ns[i] = c.N
	}
	hide := suppressCells(ns)
	for i, c := range cats {
		t.Rows = append(t.Rows, []Cell{text(grievance.Label(c.Category, "en")), b.grievanceCount("grievances", "category "+string(c.Category), c.N, hide[i], src)})
	}
	if len(t.Rows) == 0 {
		t.Empty = "No grievances were received in the period."
	}
	return t
}

func (b *builder) remedyTable(d Data) Table {
	t := Table{Caption: "Remedy", Head: []string{"Measure", "Value"}}
	g := d.Grievance
	if g == nil {
		t.Empty = "No grievance mechanism data was provided."
		return t
	}
	src := b.grievanceSource(g)
	for _, m := range []struct {
		name string
		n    int
	}{{"remedies proposed", g.RemediesProposed}, {"remedies accepted by those affected", g.RemediesAccepted}, {"remedies implemented and verified", g.RemediesImplemented}} {
		t.Rows = append(t.Rows, []Cell{text(m.name), b.grievanceCount("remedies", m.name, m.n, m.n > 0 && m.n < grievance.MinReportableCount, src)})
	}
	return t
}

func (b *builder) impactTable(d Data) Table {
	t := Table{Caption: "Outcome indicators", Head: []string{"Indicator", "Unit", "Baseline", "Target", "Latest", "Dated", "Progress to target"}}
	im := d.Impact
	if im == nil || len(im.Indicators) == 0 {
		t.Empty = "No impact indicators were provided."
		return t
	}
	if im.Programme != "" {
		t.Caption += ": " + im.Programme
	}
	for _, ind := range im.Indicators {
		src := b.source(cmp.Or(ind.Source, "Upstream impact observations"), "latest "+date(ind.LatestDate), strings.TrimSpace(strings.Join([]string{ind.Code, ind.IRIS, ind.SDG}, " ")))
		t.Rows = append(t.Rows, []Cell{user(ind.Name), user(ind.Unit),
			b.number(ind.Code, ind.Name, "baseline", ind.Baseline, ind.Unit, src),
			b.number(ind.Code, ind.Name, "target", ind.Target, ind.Unit, src),
			b.number(ind.Code, ind.Name, "latest", ind.Latest, ind.Unit, src),
			text(date(ind.LatestDate)),
			b.share(ind.Code, ind.Name, "progress to target", ind.Progress, src)})
	}
	return t
}

func (b *builder) sroiTable(d Data) *Table {
	if d.Impact == nil || d.Impact.SROI == nil {
		return nil
	}
	s := d.Impact.SROI
	src := b.source(cmp.Or(s.Source, "Upstream SROI"), "", "social return on investment, discounted present value")
	t := Table{Caption: "Social return on investment", Head: []string{"Measure", "Value"}, Rows: [][]Cell{
		{text("inputs (" + s.Currency + ")"), b.number("", "SROI", "inputs", s.Inputs, s.Currency, src)},
		{text("present value of outcomes (" + s.Currency + ")"), b.number("", "SROI", "present value", s.PresentValue, s.Currency, src)},
		{text("ratio (value per unit invested)"), b.number("", "SROI", "ratio", s.Ratio, "ratio", src)},
	}}
	return &t
}

func (b *builder) gradeSummary(d Data) Table {
	t := Table{Caption: "Scorecard", Head: []string{"Subject", "Date", "Grade", "Score", "Scale"}}
	if d.Scorecard == nil {
		t.Empty = "No scorecard was provided."
		return t
	}
	sc := *d.Scorecard
	t.Rows = append(t.Rows, []Cell{user(sc.Subject.Name), text(date(sc.AsOf)), text(string(sc.Grade)),
		b.score(sc.Subject.ID, sc.Subject.Name, "overall score", sc.Score, b.scorecardSource(sc)), text(strings.ReplaceAll(string(sc.Scale), "_", "-"))})
	return t
}

// eudrStatuses are the plot statuses in the order the report lists them.
var eudrStatuses = []struct{ key, label string }{
	{"no-loss-found", "No forest loss found after 31 December 2020"},
	{"no-analysis", "No forest-loss analysis (gap)"},
	{"incomplete", "Analysis does not cover the period"},
	{"loss-found", "Forest loss found after the cut-off"},
	{"geolocation-error", "Geolocation fails a check"},
}

func eudrPlotTable(e *Deforestation) Table {
	t := Table{Caption: fmt.Sprintf("EU Deforestation Regulation: plots of land (%d) by evidence", e.Plots), Head: []string{"Evidence", "Plots"}, Empty: "No plots of land are recorded."}
	if e.Plots == 0 {
		return t
	}
	for _, s := range eudrStatuses {
		t.Rows = append(t.Rows, []Cell{text(s.label), text(strconv.Itoa(e.ByStatus[s.key]))})
	}
	return t
}

// eudrGapTable lists plot by plot what is still missing before the plots
// can go into a statement: a plot without an analysis is a gap, never a
// pass.
func eudrGapTable(e *Deforestation) Table {
	t := Table{Caption: fmt.Sprintf("EU Deforestation Regulation: plots with gaps (%d)", len(e.Gaps)+e.GapsMore), Head: []string{"Plot", "Producer", "Country", "What is missing"},
		Empty: "Every plot has a forest-loss analysis covering the period, legality documents, production dates and a geolocation that passes the checks."}
	for _, g := range e.Gaps {
		t.Rows = append(t.Rows, []Cell{user(g.Plot), user(g.Producer), text(countryLabel(g.Country)), user(strings.Join(g.Missing, "; "))})
	}
	if e.GapsMore > 0 {
		t.Rows = append(t.Rows, []Cell{text(fmt.Sprintf("and %d more plots with gaps", e.GapsMore)), text(""), text(""), text("listed on the EUDR page")})
	}
	return t
}

func eudrLotTable(e *Deforestation) Table {
	t := Table{Caption: "EU Deforestation Regulation: lots and statements", Head: []string{"Lot", "Commodity", "Plots", "Open checklist items", "Statements made"}, Empty: "No lots are recorded."}
	for _, l := range e.Lots {
		t.Rows = append(t.Rows, []Cell{user(l.Ref), text(l.Commodity), text(strconv.Itoa(l.Plots)), text(strconv.Itoa(l.Open)), text(strconv.Itoa(l.Statements))})
	}
	return t
}

// thousands writes a count with commas between groups of three digits
// (3,361), as the report's English text does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
