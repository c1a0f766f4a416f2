package reportdata_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var now = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// fakeChain is a supply map in memory.
type fakeChain struct {
	parties []reportdata.PartyRow
	links   []supplychain.Link
}

var _ reportdata.SupplyChain = (*fakeChain)(nil)

func (f *fakeChain) RegisterParties(_ context.Context, _ string, limit int) ([]reportdata.PartyRow, error) {
	out := slices.Clone(f.parties)
	slices.SortStableFunc(out, func(a, b reportdata.PartyRow) int {
		if a.Exposure != b.Exposure {
			if a.Exposure > b.Exposure {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (f *fakeChain) RegisterParty(_ context.Context, _ string, id string) (reportdata.PartyRow, error) {
	for _, p := range f.parties {
		if p.ID == id {
			return p, nil
		}
	}
	return reportdata.PartyRow{}, kernel.Errorf(kernel.NotFound, "no party")
}

func (f *fakeChain) SupplyLinks(context.Context, string) ([]supplychain.Link, error) {
	return slices.Clone(f.links), nil
}

// fakeGrievances returns fixed counts and records what was asked.
type fakeGrievances struct {
	counts   reportdata.GrievanceCounts
	supplier string
}

func (f *fakeGrievances) GrievanceCounts(_ context.Context, _, supplierID string, _, _ time.Time) (reportdata.GrievanceCounts, error) {
	f.supplier = supplierID
	return f.counts, nil
}

// memScorecards is a scorecard.Store in memory.
type memScorecards struct {
	answers map[string][]scorecard.Answer
	saved   map[string][]scorecard.Scorecard
}

func key(orgID string, s scorecard.Subject) string { return orgID + "/" + string(s.Kind) + "/" + s.ID }

func (m *memScorecards) AddAnswer(_ context.Context, orgID string, s scorecard.Subject, a scorecard.Answer, _ ...scorecard.File) error {
	m.answers[key(orgID, s)] = append(m.answers[key(orgID, s)], a)
	return nil
}

func (m *memScorecards) File(context.Context, string, scorecard.Subject, string) (scorecard.File, error) {
	return scorecard.File{}, kernel.Errorf(kernel.NotFound, "evidence file not found")
}

func (m *memScorecards) Answers(_ context.Context, orgID string, s scorecard.Subject) ([]scorecard.Answer, error) {
	return slices.Clone(m.answers[key(orgID, s)]), nil
}

func (m *memScorecards) SaveScorecard(_ context.Context, orgID string, sc scorecard.Scorecard) error {
	k := key(orgID, sc.Subject)
	list := m.saved[k]
	for i := range list {
		if list[i].AsOf.Format("2006-01-02") == sc.AsOf.Format("2006-01-02") {
			list[i] = sc
			return nil
		}
	}
	m.saved[k] = append(list, sc)
	return nil
}

func (m *memScorecards) Scorecards(_ context.Context, orgID string, s scorecard.Subject) ([]scorecard.Scorecard, error) {
	return slices.Clone(m.saved[key(orgID, s)]), nil
}

func share(v float64) *float64 { return &v }

func party(id string, kind supplychain.Kind, tier int, exposure float64, level risk.Level, identified bool) reportdata.PartyRow {
	return reportdata.PartyRow{Party: report.Party{ID: id, Ref: strings.ToUpper(id), Name: "Party " + id, Country: "CI",
		Tier: tier, Inherent: exposure, Exposure: exposure, Level: level}, Kind: kind, Identified: identified}
}

// chain: the organisation buys cocoa from grinder G (identified) and
// trader T (not identified); G buys 60% from trader T and 40% from an
// unmapped company U; T buys from farm F and from trader X, and X buys back
// from T (a cycle).
func cocoaChain() *fakeChain {
	return &fakeChain{
		parties: []reportdata.PartyRow{
			party("g", supplychain.KindFacility, 1, 40, risk.Medium, true),
			party("t", supplychain.KindTrader, 1, 70, risk.High, false),
			party("u", supplychain.KindCompany, 2, 20, risk.Low, false),
			party("x", supplychain.KindTrader, 3, 60, risk.High, false),
			party("f", supplychain.KindFarm, 3, 80, risk.Critical, false),
		},
		links: []supplychain.Link{
			{Buyer: "", Supplier: "g", Commodity: "cocoa", Share: share(0.5)},
			{Buyer: "", Supplier: "t", Commodity: "cocoa", Share: share(0.5)},
			{Buyer: "g", Supplier: "t", Commodity: "cocoa", Share: share(0.6)},
			{Buyer: "g", Supplier: "u", Commodity: "cocoa", Share: share(0.4)},
			{Buyer: "t", Supplier: "f", Commodity: "cocoa"},
			{Buyer: "t", Supplier: "x", Commodity: "cocoa"},
			{Buyer: "x", Supplier: "t", Commodity: "cocoa"},
		},
	}
}

func newService(chain *fakeChain, g reportdata.GrievanceAggregates) (*reportdata.Service, *memScorecards) {
	st := &memScorecards{answers: map[string][]scorecard.Answer{}, saved: map[string][]scorecard.Scorecard{}}
	clock := &kernel.FixedClock{T: now}
	return &reportdata.Service{
		SupplyChain: chain,
		Grievances:  g,
		Scorecards:  &scorecard.Service{Store: st, Weights: scorecard.DefaultWeights(), Clock: clock},
		RiskMethod:  report.Method{Name: "Upstream risk method", Version: "1", Origin: "embedded weights.json"},
		Clock:       clock,
	}, st
}

var acme = reportdata.Org{ID: "org-1", Slug: "acme", Name: "Acme Foods"}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestHeldTraceability(t *testing.T) {
	// Volume below T: half of it comes from farm F (traced), half through
	// X, which only leads back to T (a cycle, untraced): 0.5. G: 0.6 x 0.5
	// + 0.4 x 0 (U has no suppliers) = 0.3. The organisation: 0.5 x 0.3 +
	// 0.5 x 0.5 = 0.4.
	tests := []struct {
		name    string
		subject string
		want    scorecard.TraceabilityEvidence
	}{
		{"organisation", "", scorecard.TraceabilityEvidence{Tier1: 0.5, Tier2: 1, Tier3Plus: 0.75, Volume: 0.4}},
		{"grinder", "g", scorecard.TraceabilityEvidence{Tier2: 0.5, Tier3Plus: 1, Volume: 0.3}},
		{"trader in a cycle", "t", scorecard.TraceabilityEvidence{Tier2: 1, Tier3Plus: 1, Volume: 0.5}},
		{"farm", "f", scorecard.TraceabilityEvidence{Tier1: 1, Tier2: 1, Tier3Plus: 1, Volume: 1}},
		{"company with no suppliers", "u", scorecard.TraceabilityEvidence{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := newService(cocoaChain(), nil)
			h, err := svc.Held(context.Background(), acme, tc.subject)
			if err != nil {
				t.Fatal(err)
			}
			got := h.Traceability
			if got == nil {
				t.Fatal("no traceability evidence")
			}
			if !near(got.Tier1, tc.want.Tier1) || !near(got.Tier2, tc.want.Tier2) || !near(got.Tier3Plus, tc.want.Tier3Plus) || !near(got.Volume, tc.want.Volume) {
				t.Errorf("traceability = %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestHeldRiskAndMissingEvidence(t *testing.T) {
	tests := []struct {
		name    string
		chain   *fakeChain
		subject string
		want    *scorecard.RiskEvidence
	}{
		{"organisation takes its riskiest tier-1 supplier", cocoaChain(), "", &scorecard.RiskEvidence{Inherent: 70, Level: risk.High}},
		{"supplier takes its own exposure", cocoaChain(), "g", &scorecard.RiskEvidence{Inherent: 40, Level: risk.Medium}},
		{"no supply map", &fakeChain{}, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := newService(tc.chain, nil)
			h, err := svc.Held(context.Background(), acme, tc.subject)
			if err != nil {
				t.Fatal(err)
			}
			if (h.Risk == nil) != (tc.want == nil) || (h.Risk != nil && *h.Risk != *tc.want) {
				t.Errorf("risk = %+v, want %+v", h.Risk, tc.want)
			}
			// Without a grievance or screening reader that evidence is
			// missing, never good.
			if h.Grievance != nil || h.Screening != nil {
				t.Errorf("grievance %+v, screening %+v: want missing", h.Grievance, h.Screening)
			}
			if len(tc.chain.parties) == 0 && h.Traceability != nil {
				t.Errorf("traceability %+v without a supply map", h.Traceability)
			}
		})
	}
}

func TestHeldGrievanceHandling(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		handling []reportdata.CaseTimes
		proposed int
		accepted int
		median   float64
	}{
		{"odd count", []reportdata.CaseTimes{{day(1), day(3)}, {day(1), day(11)}, {day(2), day(6)}}, 2, 1, 4},
		{"even count", []reportdata.CaseTimes{{day(1), day(3)}, {day(1), day(6)}}, 0, 0, 3.5},
		// A case still waiting counts its days so far (to the 25th).
		{"waiting case", []reportdata.CaseTimes{{day(5), time.Time{}}}, 1, 3, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &fakeGrievances{counts: reportdata.GrievanceCounts{Total: len(tc.handling), Handling: tc.handling,
				RemediesProposed: tc.proposed, RemediesAccepted: tc.accepted}}
			svc, _ := newService(cocoaChain(), g)
			h, err := svc.Held(context.Background(), acme, "")
			if err != nil {
				t.Fatal(err)
			}
			got := h.Grievance
			if got == nil || got.Cases != len(tc.handling) || got.MedianDaysToAcknowledge != tc.median {
				t.Fatalf("grievance evidence = %+v, want %d cases, median %v", got, len(tc.handling), tc.median)
			}
			if got.RemediesAccepted > got.RemediesProposed {
				t.Errorf("accepted %d > proposed %d", got.RemediesAccepted, got.RemediesProposed)
			}
		})
	}
}

func TestDataForEveryKind(t *testing.T) {
	counts := reportdata.GrievanceCounts{Total: 9,
		ByCategory:       map[grievance.Category]int{grievance.WithholdingOfWages: 6, grievance.DebtBondage: 3},
		ByStage:          map[grievance.Stage]int{grievance.StageClosed: 7, grievance.StageInvestigating: 2},
		RemediesProposed: 5, RemediesAccepted: 5, RemediesImplemented: 4}
	for _, k := range report.Kinds() {
		for _, subject := range []string{"", "g"} {
			t.Run(string(k)+"/"+subject, func(t *testing.T) {
				g := &fakeGrievances{counts: counts}
				svc, _ := newService(cocoaChain(), g)
				req := reportdata.Request{Kind: k, Format: report.HTML, Subject: subject}
				d, err := svc.Data(context.Background(), acme, req)
				if err != nil {
					t.Fatal(err)
				}
				if g.supplier != subject {
					t.Errorf("grievance counts asked for supplier %q, want %q", g.supplier, subject)
				}
				wantParties := 5
				if subject == "g" {
					wantParties = 5 // g, t, u, x and f are all behind the grinder
				}
				if len(d.Parties) != wantParties || d.Scorecard == nil || d.Grievance == nil || d.Grievance.Total != 9 {
					t.Fatalf("data: %d parties, scorecard %v, grievance %+v", len(d.Parties), d.Scorecard != nil, d.Grievance)
				}
				wantKind := scorecard.Organisation
				if subject != "" {
					wantKind = scorecard.Supplier
				}
				if d.Scorecard.Subject.Kind != wantKind {
					t.Errorf("scorecard of a %s, want %s", d.Scorecard.Subject.Kind, wantKind)
				}
				var buf bytes.Buffer
				if err := svc.Render(context.Background(), &buf, acme, req); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(buf.String(), "Acme Foods") {
					t.Errorf("report does not name the organisation")
				}
			})
		}
	}
}

func TestSupplierChainIsOnlyWhatIsBehindIt(t *testing.T) {
	svc, _ := newService(cocoaChain(), nil)
	d, err := svc.Data(context.Background(), acme, reportdata.Request{Kind: report.SupplierRisk, Format: report.CSV, Subject: "t"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range d.Parties {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"f", "t", "x"}) {
		t.Errorf("parties behind t = %v, want f, t, x", ids)
	}
	if _, err := svc.Data(context.Background(), acme, reportdata.Request{Kind: report.SupplierRisk, Format: report.CSV, Subject: "nobody"}); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("unknown subject: %v, want not found", err)
	}
}

func TestAnswerSavesTheDayAndShowsTheTrend(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(cocoaChain(), nil)
	before, err := svc.Scorecard(ctx, acme, "g")
	if err != nil {
		t.Fatal(err)
	}
	if len(before.History) != 1 || len(before.Trend) != 0 {
		t.Fatalf("fresh scorecard: history %d, trend %d", len(before.History), len(before.Trend))
	}
	// Yesterday's saved scorecard makes a trend.
	yesterday := before.Current
	yesterday.AsOf = now.AddDate(0, 0, -1)
	st.SaveScorecard(ctx, acme.ID, yesterday)
	a := scorecard.Answer{QuestionID: "policy.forced_labour", Response: scorecard.Yes, AnsweredOn: now,
		Documents: []scorecard.Document{{Name: "Policy", Reference: "HR-1", Date: now}}}
	after, err := svc.Answer(ctx, acme, "g", a)
	if err != nil {
		t.Fatal(err)
	}
	if after.Current.Score <= before.Current.Score {
		t.Errorf("score %v after a documented yes, was %v", after.Current.Score, before.Current.Score)
	}
	if len(after.Trend) != 1 || after.Trend[0].Delta <= 0 {
		t.Errorf("trend %+v, want one rise", after.Trend)
	}
	var answered *reportdata.Question
	for i := range after.Questions {
		if after.Questions[i].ID == "policy.forced_labour" {
			answered = &after.Questions[i]
		}
	}
	if answered == nil || answered.Answer == nil || answered.Answer.Response != scorecard.Yes {
		t.Errorf("the question does not show its answer: %+v", answered)
	}
	if saved, _ := st.Scorecards(ctx, acme.ID, after.Subject); len(saved) != 2 {
		t.Errorf("%d scorecards saved, want yesterday's and today's", len(saved))
	}
	// A question not asked of suppliers is refused with its field named.
	bad := a
	bad.QuestionID = "purchasing.pricing"
	if _, err := svc.Answer(ctx, acme, "g", bad); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("organisation-only question for a supplier: %v", err)
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		kind, format, regulation string
		ok                       bool
	}{
		{"scorecard", "html", "", true},
		{"due-diligence", "PDF", "eu-eudr", true},
		{"supplier-risk", "xlsx", "de-lksg", true},
		{"sustainability", "html", "", false},
		{"scorecard", "docx", "", false},
		{"due-diligence", "csv", "fr-vigilance", false},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.format+"/"+tc.regulation, func(t *testing.T) {
			req, err := reportdata.ParseRequest(tc.kind, tc.format, tc.regulation, "")
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("error %v is not invalid input", err)
			}
			if err == nil && req.FileName(acme, now) == "" {
				t.Error("no file name")
			}
		})
	}
	req, _ := reportdata.ParseRequest("due-diligence", "pdf", "eu-eudr", "")
	if got := req.FileName(acme, now); got != "acme-due-diligence-eu-eudr-2026-11-25.pdf" {
		t.Errorf("file name %q", got)
	}
}
