package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// Kind is a kind of report.
type Kind string

const (
	SupplierRisk   Kind = "supplier-risk"
	BrandScorecard Kind = "scorecard"
	DueDiligence   Kind = "due-diligence"
)

// Kinds lists the report kinds.
func Kinds() []Kind { return []Kind{BrandScorecard, SupplierRisk, DueDiligence} }

// ParseKind reads a report kind as the command line and API spell it.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == strings.ToLower(strings.TrimSpace(s)) {
			return k, nil
		}
	}
	return "", kernel.InvalidField("kind", "%q is not a report kind; use scorecard, supplier-risk or due-diligence", s)
}

// Data is everything a report is made from. The caller fills it from the
// stores; parts it leaves nil are shown as "no data", never as good news.
type Data struct {
	Org         Org
	GeneratedAt time.Time
	// Period is what the report covers; zero times mean "not stated".
	Period Period
	// Regulation filters a due-diligence report to the sections that
	// regulation asks for; empty keeps all six steps.
	Regulation Regulation
	// RiskMethod names the risk method (version and weights origin) the
	// scores in Parties came from.
	RiskMethod Method
	// Parties are the supply-chain parties with their explained scores,
	// in any order; reports sort them by exposure.
	Parties   []Party
	Screening *Screening
	Grievance *Grievance
	Impact    *Impact
	// Scorecard is the organisation's current scorecard, History its
	// earlier ones (any order).
	Scorecard *scorecard.Scorecard
	History   []scorecard.Scorecard
	// EUDR sums up the organisation's deforestation due diligence; nil
	// when it keeps no EUDR records, and the section is then left out.
	EUDR *Deforestation
}

// Deforestation is the EUDR due diligence at a glance: plots by evidence
// status and lots by readiness for a statement.
type Deforestation struct {
	Plots int
	// ByStatus counts plots by their status on the EUDR map: no-loss-found,
	// no-analysis, incomplete, loss-found, geolocation-error.
	ByStatus map[string]int
	Lots     []EUDRLot
	// Gaps lists the plots that still lack something a statement needs,
	// each with what; GapsMore counts those beyond the list.
	Gaps     []EUDRPlotGap
	GapsMore int
}

// EUDRPlotGap is one plot with what it still lacks: a forest-loss
// analysis, legality documents, a geolocation that passes the checks,
// production dates.
type EUDRPlotGap struct {
	Plot, Producer, Country string
	Missing                 []string
}

// EUDRLot is one lot: how many checklist items are open and how many
// statements were made.
type EUDRLot struct {
	Ref, Commodity string
	Plots, Open    int
	Statements     int
}

// Org is the reporting organisation.
type Org struct {
	Slug    string
	Name    string
	Country string // ISO 3166 alpha-2, optional
}

// Period is a span of dates.
type Period struct{ From, To time.Time }

// Method names a method and its configuration.
type Method struct {
	Name    string // e.g. "Upstream risk method"
	Version string
	Origin  string // where its weights were read from
}

// Party is one supply-chain party as the risk register shows it.
type Party struct {
	ID          string
	Ref         string
	Name        string
	Country     string // ISO 3166 alpha-2
	Commodities []string
	Tier        int // 1 = direct supplier; 0 when unknown
	Inherent    float64
	Signals     float64
	Exposure    float64
	Level       risk.Level
	Factors     []risk.Factor
	// WatchlistHits counts confirmed watchlist matches.
	WatchlistHits int
	// InferredCommodities are those of Commodities inferred from a sector,
	// a product type or the name rather than declared; InferredFrom says
	// from what.
	InferredCommodities []string
	InferredFrom        string
	// Confidence, 0..1, is the share of the own score resting on declared
	// data and evidence; Missing names what the score lacks.
	Confidence float64
	Missing    []string
}

// Screening summarises watchlist screening.
type Screening struct {
	AsOf      time.Time
	Lists     []List
	Parties   int
	Screened  int
	Pending   int
	Confirmed int
	Dismissed int
}

// List is a watchlist and the edition screened against.
type List struct {
	Name    string
	Edition string
}

// Grievance holds grievance aggregates only: counts by category code and by
// case stage, handling times and remedy outcomes over the Period. There is
// deliberately nowhere to put a narrative, a message, a name or a contact.
type Grievance struct {
	Period                  Period
	Total                   int
	ByCategory              []CategoryCount
	ByStage                 []StageCount
	MedianDaysToAcknowledge float64
	RemediesProposed        int
	RemediesAccepted        int
	RemediesImplemented     int
}

// CategoryCount is the number of grievances of one category.
type CategoryCount struct {
	Category grievance.Category
	N        int
}

// StageCount is the number of grievances at one case stage.
type StageCount struct {
	Stage grievance.Stage
	N     int
}

// Impact summarises prevention programmes' outcomes.
type Impact struct {
	Programme  string
	Indicators []Indicator
	SROI       *SROI
}

// Indicator is one indicator's progress.
type Indicator struct {
	Code       string
	Name       string
	Unit       string
	Baseline   float64
	Target     float64
	Latest     float64
	LatestDate time.Time
	// Progress is the share of the way from baseline to target, 0..1 or
	// beyond.
	Progress float64
	IRIS     string
	SDG      string
	Source   string // where the observations come from
}

// SROI is a social return on investment result.
type SROI struct {
	Currency     string
	Inputs       float64
	PresentValue float64
	Ratio        float64
	Source       string // the impact map it was computed from
}

// FieldError names the field of the report data that is wrong.
type FieldError = kernel.FieldError

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks d for what kind k needs and returns a *FieldError naming
// the first field that is wrong. Grievance fields never echo their value,
// in case the caller put something there that must not be repeated.
func (d Data) Validate(k Kind) error {
	if _, err := ParseKind(string(k)); err != nil {
		return err
	}
	if strings.TrimSpace(d.Org.Name) == "" {
		return kernel.InvalidField("org.name", "is empty")
	}
	if d.GeneratedAt.IsZero() {
		return kernel.InvalidField("generated_at", "is missing")
	}
	if !d.Period.From.IsZero() && !d.Period.To.IsZero() && d.Period.To.Before(d.Period.From) {
		return kernel.InvalidField("period.to", "is before period.from")
	}
	if d.Regulation != "" {
		if _, ok := regulations[d.Regulation]; !ok {
			return kernel.InvalidField("regulation", "%q is not a known regulation; use %s", d.Regulation, strings.Join(regulationCodes(), ", "))
		}
	}
	for i, p := range d.Parties {
		f := fmt.Sprintf("parties[%d]", i)
		if strings.TrimSpace(p.ID) == "" {
			return kernel.InvalidField(f+".id", "is empty")
		}
		if strings.TrimSpace(p.Name) == "" {
			return kernel.InvalidField(f+".name", "is empty")
		}
		for _, c := range []struct {
			n string
			v float64
		}{{"inherent", p.Inherent}, {"signals", p.Signals}, {"exposure", p.Exposure}} {
			if !finite(c.v) || c.v < 0 || c.v > 100 {
				return kernel.InvalidField(f+"."+c.n, "%v is outside 0..100", c.v)
			}
		}
		if p.Tier < 0 {
			return kernel.InvalidField(f+".tier", "%d is negative", p.Tier)
		}
		if p.WatchlistHits < 0 {
			return kernel.InvalidField(f+".watchlist_hits", "%d is negative", p.WatchlistHits)
		}
		for j, fc := range p.Factors {
			if !finite(fc.Contribution) {
				return kernel.InvalidField(fmt.Sprintf("%s.factors[%d].contribution", f, j), "is not a number")
			}
		}
	}
	if s := d.Screening; s != nil {
		for _, c := range []struct {
			n string
			v int
		}{{"parties", s.Parties}, {"screened", s.Screened}, {"pending", s.Pending}, {"confirmed", s.Confirmed}, {"dismissed", s.Dismissed}} {
			if c.v < 0 {
				return kernel.InvalidField("screening."+c.n, "%d is negative", c.v)
			}
		}
		if s.Screened > s.Parties {
			return kernel.InvalidField("screening.screened", "%d is more than the %d parties", s.Screened, s.Parties)
		}
	}
	if g := d.Grievance; g != nil {
		if g.Total < 0 {
			return kernel.InvalidField("grievance.total", "is negative")
		}
		for i, c := range g.ByCategory {
			if !c.Category.Valid() {
				return kernel.InvalidField(fmt.Sprintf("grievance.by_category[%d].category", i), "is not a grievance category code")
			}
			if c.N < 0 {
				return kernel.InvalidField(fmt.Sprintf("grievance.by_category[%d].n", i), "is negative")
			}
		}
		for i, c := range g.ByStage {
			if !c.Stage.Valid() {
				return kernel.InvalidField(fmt.Sprintf("grievance.by_stage[%d].stage", i), "is not a case stage")
			}
			if c.N < 0 {
				return kernel.InvalidField(fmt.Sprintf("grievance.by_stage[%d].n", i), "is negative")
			}
		}
		if !finite(g.MedianDaysToAcknowledge) || g.MedianDaysToAcknowledge < 0 {
			return kernel.InvalidField("grievance.median_days_to_acknowledge", "is not a number of days")
		}
		if g.RemediesProposed < 0 || g.RemediesAccepted < 0 || g.RemediesImplemented < 0 {
			return kernel.InvalidField("grievance.remedies_proposed", "remedy counts must not be negative")
		}
		if g.RemediesAccepted > g.RemediesProposed {
			return kernel.InvalidField("grievance.remedies_accepted", "is more than the remedies proposed")
		}
	}
	if im := d.Impact; im != nil {
		for i, ind := range im.Indicators {
			f := fmt.Sprintf("impact.indicators[%d]", i)
			if strings.TrimSpace(ind.Name) == "" {
				return kernel.InvalidField(f+".name", "is empty")
			}
			for _, c := range []struct {
				n string
				v float64
			}{{"baseline", ind.Baseline}, {"target", ind.Target}, {"latest", ind.Latest}, {"progress", ind.Progress}} {
				if !finite(c.v) {
					return kernel.InvalidField(f+"."+c.n, "is not a number")
				}
			}
		}
		if s := im.SROI; s != nil {
			if !finite(s.Inputs) || !finite(s.PresentValue) || !finite(s.Ratio) {
				return kernel.InvalidField("impact.sroi", "has a value that is not a number")
			}
		}
	}
	if sc := d.Scorecard; sc != nil {
		if err := checkScorecard("scorecard", *sc); err != nil {
			return err
		}
	}
	for i, sc := range d.History {
		if err := checkScorecard(fmt.Sprintf("history[%d]", i), sc); err != nil {
			return err
		}
	}
	if k == BrandScorecard && d.Scorecard == nil {
		return kernel.InvalidField("scorecard", "is missing; a scorecard report needs one")
	}
	return nil
}

func checkScorecard(f string, sc scorecard.Scorecard) error {
	if sc.AsOf.IsZero() {
		return kernel.InvalidField(f+".as_of", "is missing")
	}
	if !finite(sc.Score) || sc.Score < 0 || sc.Score > 100 {
		return kernel.InvalidField(f+".score", "%v is outside 0..100", sc.Score)
	}
	if !sc.Subject.Kind.Valid() {
		return kernel.InvalidField(f+".subject.kind", "%q is not a subject kind", sc.Subject.Kind)
	}
	return nil
}
