package risk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
)

// Level is the band a score falls in.
type Level string

const (
	Low      Level = "low"
	Medium   Level = "medium"
	High     Level = "high"
	Critical Level = "critical"
	// Unknown is the level of a party missing what its score needs (its
	// country, or any commodity) whose score so far is below high: what is
	// known can only understate its risk, so no band is claimed.
	Unknown Level = "unknown"
)

// SignalKind names a kind of signal; its points come from the "signals"
// section of the weights. The four below are always configured; a
// configuration may add more.
type SignalKind string

const (
	// WatchlistConfirmed is a watchlist hit a reviewer confirmed; Value is 1.
	WatchlistConfirmed SignalKind = "watchlist_confirmed"
	// WatchlistPossible is an unreviewed hit; Value is its match score, 0..1.
	WatchlistPossible SignalKind = "watchlist_possible"
	// Grievance is Value substantiated grievances (or a weighted count).
	Grievance SignalKind = "grievance"
	// AuditFinding is an audit finding; Value is its severity (1 minor,
	// 2 major, 3 critical).
	AuditFinding SignalKind = "audit_finding"
	// SurveyFinding is what a site's workers said in a worker-voice
	// survey; Value is its strength (1 moderate, 2 strong, 3 strong on an
	// indicator the ILO counts as a strong sign of forced labour, or child
	// labour).
	SurveyFinding SignalKind = "survey_finding"
	// AuditFailed is an audit or certification the site failed, or whose
	// certificate was withdrawn; Value is 1.
	AuditFailed SignalKind = "audit_failed"
	// AuditExpired is an audit or certificate past its expiry: the site's
	// assurance has lapsed; Value is 1.
	AuditExpired SignalKind = "audit_expired"
	// AuditPassed is a recent audit or certification the site passed;
	// Value is 1. It does not add points: it lowers the reference-data
	// part of the score by its points as a percentage, never below the
	// floor of the level that part is in, so evidence of good practice
	// ranks a site within its band and never hides its context.
	AuditPassed SignalKind = "audit_passed"
)

// Signal is evidence about one party that adds to its inherent risk.
type Signal struct {
	Kind    SignalKind
	Value   float64 // non-negative; its meaning depends on Kind
	Source  string  // where it came from, e.g. "OFAC SDN" or "grievance mechanism"
	Edition string  // the list date or period, when there is one
	Note    string  // a short human-readable reason, e.g. the matched name
}

// Factor is one reason in a score. Points is what the factor would score
// on its own; Contribution is its share of the combined score, so that the
// contributions of a score's factors add up to the score.
type Factor struct {
	Kind         string // "inherent", "signal" or "supply chain"
	Source       string
	Edition      string
	Indicator    string
	Value        string
	Points       float64
	Contribution float64
	// Basis says what the factor rests on; confidence is the share of a
	// score resting on declared data and evidence about the party.
	Basis Basis
}

// Basis is what a factor rests on.
type Basis string

const (
	// BasisEvidence is evidence about the party itself: a watchlist hit,
	// an enforcement action, grievances, an audit.
	BasisEvidence Basis = "evidence"
	// BasisDeclared is reference data about a good the party's file
	// declares.
	BasisDeclared Basis = "declared"
	// BasisInferred is reference data about a good inferred from a sector,
	// a product type or a name.
	BasisInferred Basis = "inferred"
	// BasisContext is reference data about the party's country.
	BasisContext Basis = "context"
)

// Input is what the engine needs to know about one party.
type Input struct {
	Country     string   // ISO 3166 alpha-2
	Commodities []string // canonical commodity ids (see package commodity), as declared
	// Inferred are commodity ids guessed from a sector, a product type or
	// a name; their listings weigh Weights.InferredWeight of a declared
	// good's. An id in both lists counts as declared.
	Inferred []string
	Signals  []Signal
}

// Score is the explained score of one party on the 0-100 scale. Inherent
// combines only the reference-data factors (capped at the weights'
// context_cap), Signals only the signal factors and Own both; Level is the
// band of Own. Factors' contributions add up to Own.
type Score struct {
	Inherent float64
	Signals  float64
	Own      float64
	Level    Level
	Factors  []Factor
	// Confidence, 0..1, is the share of Own resting on declared data and
	// evidence about the party rather than on inference and country
	// context (see Confidence in docs/risk-model.md).
	Confidence float64
	// Evidence is true when evidence about the party itself adds points:
	// only then may it be critical (the evidence ladder).
	Evidence bool
	// Missing names what the score needs and the input lacks: "country",
	// "commodity". A party missing either is scored on what is known,
	// which can only be too low.
	Missing []string
}

// Missing data the engine reports.
const (
	MissingCountry   = "country"
	MissingCommodity = "commodity"
)

// Engine scores parties against one set of reference data and weights. It
// is safe for concurrent use.
type Engine struct {
	ref *refdata.Set
	w   Weights

	// Parties from the same country with the same commodities share their
	// inherent factors; a register of a million suppliers has a few
	// thousand such profiles. The cache is dropped whenever the reference
	// data changes.
	mu      sync.RWMutex
	version uint64
	cache   map[string]profile
}

// profile is the cached inherent part of a score.
type profile struct {
	raw      []Factor // before attribution, for combining with signals
	factors  []Factor // attributed, sorted; shared by all scores without signals
	inherent float64  // combined and capped
	// scale is what capping did to the context's quantity (1 when not
	// capped): each reference-data factor's share of a combined score is
	// its quantity times scale.
	scale      float64
	confidence float64 // of the inherent score alone
	declared   float64 // share of the party's goods that are declared
	missing    []string
}

// NewEngine returns an engine over the given reference data and weights.
func NewEngine(ref *refdata.Set, w Weights) (*Engine, error) {
	if ref == nil {
		return nil, kernel.Errorf(kernel.Internal, "risk: no reference data")
	}
	if err := w.validate("weights"); err != nil {
		return nil, err
	}
	return &Engine{ref: ref, w: w, version: ref.Version(), cache: map[string]profile{}}, nil
}

// Weights returns the engine's configuration.
func (e *Engine) Weights() Weights { return e.w }

// floor returns the lowest score of the band score is in.
func (w Weights) floor(score float64) float64 {
	switch {
	case score >= w.Levels.Critical:
		return w.Levels.Critical
	case score >= w.Levels.High:
		return w.Levels.High
	case score >= w.Levels.Medium:
		return w.Levels.Medium
	}
	return 0
}

// Level returns the band of a score on the 0-100 scale: below medium is
// low, from medium up to high is medium, and so on; the boundary belongs to
// the higher band.
func (w Weights) Level(score float64) Level {
	switch {
	case score >= w.Levels.Critical:
		return Critical
	case score >= w.Levels.High:
		return High
	case score >= w.Levels.Medium:
		return Medium
	}
	return Low
}

// Level returns the band of a score under the engine's weights.
func (e *Engine) Level(score float64) Level { return e.w.Level(score) }

// Score computes the explained own score of one party. It fails only on an
// input a caller built wrongly: an unknown country code, a signal kind the
// weights do not configure, or a signal value that is negative or not a
// number. Commodity ids the commodity list does not know are ignored (they
// have no reference data). Scores of parties without signals share their
// Factors slice: treat it as read-only (appending is safe, it copies).
func (e *Engine) Score(in Input) (Score, error) {
	var c country.Country
	if in.Country != "" {
		var ok bool
		c, ok = country.ByAlpha2(in.Country)
		if !ok || len(in.Country) != 2 {
			return Score{}, kernel.Errorf(kernel.Invalid, "country %q is not an ISO 3166 alpha-2 code", in.Country)
		}
	}
	prof := e.profile(c, in.Commodities, in.Inferred)
	if len(in.Signals) == 0 {
		return Score{Inherent: prof.inherent, Own: prof.inherent, Level: e.w.Level(prof.inherent), Factors: prof.factors,
			Confidence: prof.confidence, Missing: prof.missing}, nil
	}
	factors := append([]Factor(nil), prof.raw...)
	var relief float64 // the largest reduction a passed audit gives, 0..1
	var passed *Signal
	for i, s := range in.Signals {
		sc, ok := e.w.Signals[string(s.Kind)]
		if !ok {
			return Score{}, kernel.Errorf(kernel.Invalid, "signal %d: unknown kind %q; configured kinds: %s", i+1, s.Kind, strings.Join(sortedKeys(e.w.Signals), ", "))
		}
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) || s.Value < 0 {
			return Score{}, kernel.Errorf(kernel.Invalid, "signal %d (%s): value %g is not a non-negative number", i+1, s.Kind, s.Value)
		}
		if s.Kind == AuditPassed {
			if r := sc.at(s.Value) / 100; r > relief {
				relief, passed = r, &in.Signals[i]
			}
			continue
		}
		src := s.Source
		if src == "" {
			src = defaultSignalSource(s.Kind)
		}
		factors = append(factors, Factor{
			Kind: "signal", Source: src, Edition: s.Edition, Indicator: string(s.Kind),
			Value: signalValue(s), Points: sc.at(s.Value), Basis: BasisEvidence,
		})
	}
	signals := combine(factors[len(prof.raw):])
	sc := Score{
		Inherent: prof.inherent,
		Signals:  signals,
		Own:      100 * (1 - (1-prof.inherent/100)*(1-signals/100)),
		Evidence: signals > 0,
		Missing:  prof.missing,
	}
	attribute(factors, sc.Own, len(prof.raw), prof.scale)
	sc.Confidence = confidence(factors, sc.Own, prof.declared)
	if passed != nil && prof.inherent > 0 {
		// Within the band: a good audit ranks a site among those of its
		// context, it does not move it to a lower level.
		floor := e.w.floor(prof.inherent)
		lowered := math.Max(floor, prof.inherent*(1-relief))
		own := 100 * (1 - (1-lowered/100)*(1-signals/100))
		src := cmp.Or(passed.Source, defaultSignalSource(AuditPassed))
		factors = append(factors, Factor{Kind: "signal", Source: src, Edition: passed.Edition, Indicator: string(AuditPassed),
			Value:        fmt.Sprintf("%s; lowers the reference-data score from %.1f to %.1f, not below %g", signalValue(*passed), prof.inherent, lowered, floor),
			Contribution: own - sc.Own, Basis: BasisEvidence})
		sc.Inherent, sc.Own = lowered, own
	}
	sortFactors(factors)
	sc.Factors = factors
	sc.Level = e.w.Level(sc.Own)
	return sc, nil
}

// confidence is the share of a score's contributions resting on declared
// data and evidence. A score resting on country context alone, or on
// nothing, has no such share; its confidence is then the share of the
// party's goods that are declared, since a declared good without listings
// is itself a finding.
func confidence(fs []Factor, score float64, declared float64) float64 {
	firm, specific := 0.0, false
	for _, f := range fs {
		switch f.Basis {
		case BasisDeclared, BasisEvidence:
			firm += f.Contribution
			specific = specific || f.Points > 0
		case BasisInferred:
			specific = specific || f.Points > 0
		}
	}
	if !specific || score <= 0 {
		return declared
	}
	return math.Min(1, math.Max(0, firm/score))
}

// profile returns the inherent factors for a country and a set of
// commodities, from the cache when it can.
func (e *Engine) profile(c country.Country, declared, inferred []string) profile {
	goods := make([]good, 0, len(declared)+len(inferred))
	add := func(ids []string, inf bool) {
		start := len(goods)
		for _, id := range ids {
			if _, known := commodity.ByID(id); !known || slices.ContainsFunc(goods, func(g good) bool { return g.id == id }) {
				continue
			}
			goods = append(goods, good{id, inf})
		}
		// Sorted, so the order a file lists commodities in changes nothing.
		slices.SortFunc(goods[start:], func(a, b good) int { return strings.Compare(a.id, b.id) })
	}
	// A good both declared and inferred is declared.
	add(declared, false)
	add(inferred, true)
	var kb strings.Builder
	kb.WriteString(c.Alpha2)
	for _, g := range goods {
		if g.inferred {
			kb.WriteString("\x00~")
		} else {
			kb.WriteString("\x00")
		}
		kb.WriteString(g.id)
	}
	key := kb.String()
	version := e.ref.Version()
	e.mu.RLock()
	p, ok := e.cache[key]
	fresh := e.version == version
	e.mu.RUnlock()
	if ok && fresh {
		return p
	}
	var raw []Factor
	if c.Alpha2 != "" {
		raw = e.inherent(nil, c, goods)
	}
	p = profile{raw: slices.Clip(raw), inherent: combine(raw), scale: 1}
	if c.Alpha2 == "" {
		p.missing = append(p.missing, MissingCountry)
	}
	if len(goods) == 0 {
		p.missing = append(p.missing, MissingCommodity)
	}
	for _, g := range goods {
		if !g.inferred {
			p.declared++
		}
	}
	if len(goods) > 0 && c.Alpha2 != "" {
		p.declared /= float64(len(goods))
	} else {
		p.declared = 0
	}
	attributed := append([]Factor(nil), raw...)
	if capped := e.w.ContextCap; p.inherent > capped {
		// Reference data describes the party's country and goods, not the
		// party: alone it may make a party high, never critical.
		p.scale = math.Log1p(-capped/100) / math.Log1p(-p.inherent/100)
		attributed = append(attributed, Factor{Kind: "inherent", Source: "Upstream evidence ladder", Edition: fmt.Sprintf("weights: context_cap %g", capped), Basis: BasisContext,
			Indicator: "context cap", Value: fmt.Sprintf("reference data alone reaches %.1f; without evidence about the party it counts up to %g", p.inherent, capped)})
		p.inherent = capped
	}
	attribute(attributed, p.inherent, len(raw), p.scale)
	p.confidence = confidence(attributed, p.inherent, p.declared)
	sortFactors(attributed)
	p.factors = slices.Clip(attributed)
	e.mu.Lock()
	if e.version != version {
		e.cache = map[string]profile{}
		e.version = version
	}
	e.cache[key] = p
	e.mu.Unlock()
	return p
}

// sortFactors puts the largest contributions first; ties keep their order,
// which is fixed by the method, so the result is deterministic.
func sortFactors(fs []Factor) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Contribution > fs[j].Contribution })
}

func defaultSignalSource(k SignalKind) string {
	switch k {
	case WatchlistConfirmed, WatchlistPossible:
		return "watchlist screening"
	case Grievance:
		return "grievance mechanism"
	case AuditFinding, AuditFailed, AuditExpired, AuditPassed:
		return "audit"
	case SurveyFinding:
		return "worker-voice survey"
	}
	return "reported signal"
}

func signalValue(s Signal) string {
	v := fmt.Sprintf("%g", s.Value)
	if s.Note != "" {
		v += ": " + s.Note
	}
	return v
}

// hazards are the ILAB indicators that count once per party: however many
// of a party's goods are listed under one of them for its country, the
// strongest listing counts and the others are shown as supporting evidence
// with 0 points. The list is one observation per hazard and country, so
// counting every listed good again would score one finding several times.
var hazards = [...]string{"child labour", "forced labour", "forced child labour", "made with inputs produced with exploited labour"}

// good is one of a party's commodities and whether it was inferred.
type good struct {
	id       string
	inferred bool
}

// listing is one ILAB listing of one of a party's goods under a hazard.
type listing struct {
	good   string // the ILAB name of the good
	factor Factor
}

// inherent appends the reference-data factors for a country and its
// commodities (declared ones first, then inferred ones, each sorted).
func (e *Engine) inherent(out []Factor, c country.Country, goods []good) []Factor {
	w := &e.w.Inherent
	ds, _ := e.ref.Dataset(refdata.ILABGoods)
	var eudr []string
	var candidates [len(hazards)][]listing
	for _, gd := range goods {
		if com, ok := commodity.ByID(gd.id); ok && com.EUDR != "" && !contains(eudr, com.EUDR) {
			eudr = append(eudr, com.EUDR)
		}
		scale, basis, note := 1.0, BasisDeclared, ""
		if gd.inferred {
			scale, basis = e.w.InferredWeight, BasisInferred
			note = fmt.Sprintf("; the good is inferred, not declared, so it weighs %g", e.w.InferredWeight)
		}
		for _, g := range e.ref.Goods(c.Alpha2, gd.id) {
			add := func(h int, flag bool, points float64, value string) {
				if flag {
					candidates[h] = append(candidates[h], listing{good: g.Good, factor: Factor{Kind: "inherent", Source: ds.Source + ", " + ds.Title,
						Edition: ds.Edition, Indicator: hazards[h], Value: value + note, Points: points * scale, Basis: basis}})
				}
			}
			listed := fmt.Sprintf("%s from %s listed", g.Good, c.Name)
			add(0, g.ChildLabour, w.ChildLabour, listed)
			add(1, g.ForcedLabour, w.ForcedLabour, listed)
			add(2, g.ForcedChildLabour, w.ForcedChildLabour, listed)
			if g.Derived {
				from := g.DerivedFrom
				if fc, ok := country.ByAlpha2(from); ok {
					from = fc.Name
				}
				add(3, true, w.Derived, fmt.Sprintf("%s from %s listed (inputs from %s)", g.Good, c.Name, from))
			}
		}
	}
	for h, ls := range candidates {
		if len(ls) == 0 {
			continue
		}
		// The first of the strongest counts; declared goods come first, so
		// a declared listing wins over an inferred one.
		best := 0
		for k := range ls {
			if ls[k].factor.Points > ls[best].factor.Points {
				best = k
			}
		}
		out = append(out, ls[best].factor)
		for k, l := range ls {
			if k == best {
				continue
			}
			f := l.factor
			f.Value += fmt.Sprintf("; supporting evidence: %s counts once, for %s", hazards[h], ls[best].good)
			f.Points = 0
			out = append(out, f)
		}
	}
	if p, ok := e.ref.Prevalence(c.Alpha2); ok {
		d, _ := e.ref.Dataset(refdata.GSI)
		out = append(out, Factor{Kind: "inherent", Basis: BasisContext, Source: d.Source, Edition: d.Edition,
			Indicator: "prevalence of modern slavery", Value: fmt.Sprintf("%g per 1,000 population in %s", p.PerThousand, c.Name),
			Points: w.GSI.at(p.PerThousand)})
	}
	if f, ok := e.ref.Finding(c.Alpha2); ok {
		d, _ := e.ref.Dataset(refdata.ILABFindings)
		src := d.Source + ", " + d.Title
		if f.HasWorkingChildren {
			age := f.AgeRange
			if age == "" {
				age = "in the surveyed age range"
			} else {
				age = "aged " + age
			}
			out = append(out, Factor{Kind: "inherent", Basis: BasisContext, Source: src, Edition: d.Edition,
				Indicator: "working children", Value: fmt.Sprintf("%.1f%% of children %s work in %s", 100*f.WorkingChildrenPct, age, c.Name),
				Points: w.WorkingChildren.at(f.WorkingChildrenPct)})
		}
		if pts, label, ok := advancement(w.Advancement, f.Advancement); ok {
			out = append(out, Factor{Kind: "inherent", Basis: BasisContext, Source: src, Edition: d.Edition,
				Indicator: "government effort against child labour", Value: label, Points: pts})
		}
	}
	if len(eudr) > 0 {
		if b, ok := e.ref.Benchmark(c.Alpha2); ok {
			d, _ := e.ref.Dataset(refdata.EUDRBenchmark)
			sort.Strings(eudr)
			value := fmt.Sprintf("%s risk (%s)", b.Risk, c.Name)
			if b.Ambiguous {
				value += "; AMBIGUOUS: " + b.Basis
			}
			out = append(out, Factor{Kind: "inherent", Basis: BasisContext, Source: d.Source, Edition: d.Edition + "; to be verified",
				Indicator: "EUDR country benchmark for " + strings.Join(eudr, ", "), Value: value,
				Points: w.EUDR[b.Risk]})
		}
	}
	return out
}

// advancement maps ILAB's assessment ("Minimal Advancement – Efforts Made
// but ...") to points by its leading category.
func advancement(table map[string]float64, level string) (float64, string, bool) {
	if level == "" {
		return 0, "", false
	}
	head := level
	for _, sep := range []string{" – ", " - ", " — "} {
		if i := strings.Index(head, sep); i > 0 {
			head = head[:i]
		}
	}
	for k, v := range table {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(head)) {
			return v, level, true
		}
	}
	return 0, level, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// combine joins factors as independent chances: the score is
// 100 x (1 - product of (1 - points/100)). Adding a factor or raising one
// never lowers it, and it never passes 100.
func combine(fs []Factor) float64 {
	keep := 1.0
	for _, f := range fs {
		keep *= 1 - clampPoints(f.Points)/100
	}
	return 100 * (1 - keep)
}

func clampPoints(p float64) float64 {
	if p < 0 || math.IsNaN(p) {
		return 0
	}
	return math.Min(p, MaxPoints)
}

// attribute splits a combined score among its factors in proportion to
// -ln(1 - points/100), the quantity the combination adds up, so the
// contributions add up to the score whatever the order of the factors.
// The first context factors are reference data, whose quantities are
// multiplied by scale when the context was capped.
func attribute(fs []Factor, total float64, context int, scale float64) {
	q := func(k int) float64 {
		v := -math.Log1p(-clampPoints(fs[k].Points) / 100)
		if k < context {
			v *= scale
		}
		return v
	}
	sum := 0.0
	for k := range fs {
		sum += q(k)
	}
	for k := range fs {
		if sum == 0 {
			fs[k].Contribution = 0
			continue
		}
		fs[k].Contribution = total * q(k) / sum
	}
}

// ExposureFactor explains the part of a party's exposure that comes from
// its suppliers: the difference between its exposure and its own score.
// Append it to the own score's factors so they add up to the exposure.
func ExposureFactor(own, exposure float64, suppliers int) Factor {
	return Factor{Kind: "supply chain", Source: "Upstream supply-chain propagation", Indicator: "exposure from suppliers",
		Value:        fmt.Sprintf("%d direct suppliers; exposure %.1f against own score %.1f", suppliers, exposure, own),
		Points:       math.Max(0, exposure-own),
		Contribution: math.Max(0, exposure-own)}
}

// signalLabels name the built-in signal kinds for people.
var signalLabels = map[SignalKind]string{
	WatchlistConfirmed: "confirmed watchlist match",
	WatchlistPossible:  "possible watchlist match",
	Grievance:          "grievances",
	AuditFinding:       "audit finding",
	SurveyFinding:      "worker survey finding",
	AuditFailed:        "failed audit or withdrawn certificate",
	AuditExpired:       "expired audit or certificate",
	AuditPassed:        "passed audit or certification",
}

// Label is the signal kind as people read it; a kind added by a
// configuration reads as its own words ("forced_eviction" reads "forced
// eviction").
func (k SignalKind) Label() string {
	if l, ok := signalLabels[k]; ok {
		return l
	}
	return strings.NewReplacer("_", " ", "-", " ").Replace(string(k))
}

// Name is what a factor is called where people read it: a signal by its
// kind's label, an indicator by its own name.
func (f Factor) Name() string {
	if f.Kind == "signal" {
		return SignalKind(f.Indicator).Label()
	}
	return f.Indicator
}
