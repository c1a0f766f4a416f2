package sqlstore_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// seedRisk stores risk for the cocoa chain: the farm carries a confirmed
// watchlist match.
func seedRisk(t *testing.T, st *sqlstore.SupplyChain, orgID string, ps []supplychain.Party) {
	t.Helper()
	var rs []supplychain.PartyRisk
	for i, p := range ps {
		r := supplychain.PartyRisk{ID: p.ID, Tier: i + 1, Inherent: float64(10 * (i + 1)), Exposure: float64(20 * (i + 1)), Level: "medium",
			Factors: []supplychain.Factor{{Kind: "inherent", Source: "Walk Free, Global Slavery Index", Edition: "2023",
				Indicator: "prevalence of modern slavery", Value: "4.4 per 1,000", Points: 10, Contribution: 10}}}
		if p.Kind == supplychain.KindFarm {
			r.Level = "critical"
			r.Factors = append(r.Factors, supplychain.Factor{Kind: "signal", Source: "UFLPA Entity List", Edition: "2026-05",
				Indicator: "watchlist_confirmed", Value: "1", Points: 90, Contribution: 40})
		}
		rs = append(rs, r)
	}
	if err := st.SaveRisk(context.Background(), orgID, sqlstore.RiskRows(rs)); err != nil {
		t.Fatal(err)
	}
}

func TestReportingReader(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		ps, ls := seedChain(t, db.SupplyChain(), tn.a.ID)
		seedRisk(t, db.SupplyChain(), tn.a.ID, ps)
		rd := db.Reporting()

		all, err := rd.RegisterParties(ctx, tn.a.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(ps) {
			t.Fatalf("%d parties, want %d", len(all), len(ps))
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].Exposure < all[i].Exposure {
				t.Errorf("not ordered by exposure: %v before %v", all[i-1].Exposure, all[i].Exposure)
			}
		}
		byRef := map[string]reportdata.PartyRow{}
		for _, p := range all {
			byRef[p.Ref] = p
		}
		tests := []struct {
			ref        string
			kind       supplychain.Kind
			identified bool
			hits       int
			factors    int
		}{
			{"G", supplychain.KindCompany, false, 0, 1},
			{"T", supplychain.KindTrader, true, 0, 1},
			{"C", supplychain.KindCooperative, false, 0, 1},
			{"F", supplychain.KindFarm, true, 1, 2},
		}
		for _, tc := range tests {
			t.Run(tc.ref, func(t *testing.T) {
				p, ok := byRef[tc.ref]
				if !ok {
					t.Fatalf("party %s missing", tc.ref)
				}
				if p.Kind != tc.kind || p.Identified != tc.identified || p.WatchlistHits != tc.hits || len(p.Factors) != tc.factors || p.Level == "" {
					t.Errorf("%s: kind %s identified %v hits %d factors %d level %q", tc.ref, p.Kind, p.Identified, p.WatchlistHits, len(p.Factors), p.Level)
				}
				one, err := rd.RegisterParty(ctx, tn.a.ID, p.ID)
				if err != nil || one.Name != p.Name || one.Exposure != p.Exposure {
					t.Errorf("RegisterParty: %v %+v", err, one)
				}
				if _, err := rd.RegisterParty(ctx, tn.b.ID, p.ID); !kernel.IsCode(err, kernel.NotFound) {
					t.Errorf("another organisation's party: %v, want not found", err)
				}
			})
		}
		top, err := rd.RegisterParties(ctx, tn.a.ID, 2)
		if err != nil || len(top) != 2 || top[0].ID != all[0].ID {
			t.Errorf("limit 2: %v, %d parties", err, len(top))
		}
		links, err := rd.SupplyLinks(ctx, tn.a.ID)
		if err != nil || len(links) != len(ls) {
			t.Fatalf("links: %v, %d of %d", err, len(links), len(ls))
		}
		shared := 0
		for _, l := range links {
			if l.Share != nil {
				shared++
			}
		}
		if shared != 4 {
			t.Errorf("%d links with a share, want 4", shared)
		}
		if other, err := rd.RegisterParties(ctx, tn.b.ID, 0); err != nil || len(other) != 0 {
			t.Errorf("other organisation: %v, %d parties", err, len(other))
		}
	})
}

// reportingService wires the reporting service over the store as the
// composition root does.
func reportingService(db *sqlstore.DB, clock kernel.Clock) *reportdata.Service {
	rd := db.Reporting()
	return &reportdata.Service{SupplyChain: rd, Grievances: rd, Impact: db.Impact(),
		Scorecards: &scorecard.Service{Store: db.Scorecards(), Weights: scorecard.DefaultWeights(), Clock: clock},
		RiskMethod: report.Method{Name: "Upstream risk method", Version: "1"}, Clock: clock}
}

// renderAll renders every report kind in every format that needs no
// browser, for the organisation and for one supplier, and returns the
// text of each (XLSX unzipped).
func renderAll(t *testing.T, svc *reportdata.Service, org reportdata.Org, supplier string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range report.Kinds() {
		for _, f := range []report.Format{report.HTML, report.CSV, report.XLSX} {
			for _, subject := range []string{"", supplier} {
				var buf bytes.Buffer
				req := reportdata.Request{Kind: k, Format: f, Subject: subject}
				if k == report.DueDiligence {
					req.Regulation = report.CSDDD
				}
				if err := svc.Render(context.Background(), &buf, org, req); err != nil {
					t.Fatalf("%s %s %q: %v", k, f, subject, err)
				}
				text := buf.String()
				if f == report.XLSX {
					text = unzipText(t, buf.Bytes())
				}
				out[string(k)+"."+string(f)+"/"+subject] = text
			}
		}
	}
	return out
}

func unzipText(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&sb, rc)
		rc.Close()
	}
	return sb.String()
}

func TestReportsForSeededOrganisation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		ps, _ := seedChain(t, db.SupplyChain(), f.tn.a.ID)
		seedRisk(t, db.SupplyChain(), f.tn.a.ID, ps)
		org := reportdata.Org{ID: f.tn.a.ID, Slug: f.tn.a.Slug, Name: "Alpha Cocoa Ltd"}
		svc := reportingService(db, f.clock)
		subj := scorecard.Subject{Kind: scorecard.Organisation, ID: org.ID}
		if err := db.Scorecards().AddAnswer(ctx, org.ID, subj, scorecard.Answer{QuestionID: "policy.forced_labour", Response: scorecard.Yes,
			AnsweredOn: t0, Documents: []scorecard.Document{{Name: "Human rights policy", Reference: "HR-POL-3", Date: t0}}}); err != nil {
			t.Fatal(err)
		}
		grinder := supplychain.RefID("G")
		for name, text := range renderAll(t, svc, org, grinder) {
			if strings.Contains(name, ".html/") && !strings.Contains(text, "Alpha Cocoa Ltd") {
				t.Errorf("%s does not name the organisation", name)
			}
			if strings.HasPrefix(name, "supplier-risk.") && !strings.Contains(text, "Kouassi Farm") {
				t.Errorf("%s lacks the farm at the end of the chain", name)
			}
		}
		v, err := svc.Scorecard(ctx, org, "")
		if err != nil {
			t.Fatal(err)
		}
		if v.Current.Score <= 0 || v.Current.Grade == "" || len(v.Current.Raised) == 0 || len(v.Current.Missing) == 0 {
			t.Errorf("organisation scorecard %v %s: raised %d, missing %d", v.Current.Score, v.Current.Grade, len(v.Current.Raised), len(v.Current.Missing))
		}
	})
}

// TestReportsNeverCarryGrievanceContent submits grievances whose
// narrative, contact, attachment, reply and remedy carry a canary, moves
// them through the workflow, and checks that no report in any format
// holds the canary (in clear or as the stored ciphertext's encoding),
// while the counts do arrive.
func TestReportsNeverCarryGrievanceContent(t *testing.T) {
	t.Parallel() // each test has its own database
	const canary = "CANARY-7f3a-Rahima-Begum-+8801711000000"
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		ps, _ := seedChain(t, db.SupplyChain(), f.tn.a.ID)
		seedRisk(t, db.SupplyChain(), f.tn.a.ID, ps)
		org := reportdata.Org{ID: f.tn.a.ID, Slug: f.tn.a.Slug, Name: "Alpha Cocoa Ltd"}
		const cases = 6
		var stored []string
		for i := range cases {
			_, r := f.submit(t, org.ID, canary)
			stored = append(stored, base64.StdEncoding.EncodeToString(r.Narrative))
			hs, err := f.svc.OpenAsHandler(ctx, org.ID, r.ID, grievance.Handler{UserID: f.tn.userA.ID, Key: f.handler})
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				f.clock.Advance(48 * time.Hour)
				if err := hs.Move(ctx, grievance.StageAcknowledged, grievance.ReasonNone, canary); err != nil {
					t.Fatal(err)
				}
				if err := hs.Reply(ctx, "reply "+canary, false); err != nil {
					t.Fatal(err)
				}
			}
			if i == 0 {
				for _, st := range []grievance.Stage{grievance.StageInvestigating, grievance.StageRemediation} {
					if err := hs.Move(ctx, st, grievance.ReasonNone, canary); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := hs.ProposeRemedy(ctx, grievance.RemedyBackPay, grievance.Money{}, "remedy "+canary); err != nil {
					t.Fatal(err)
				}
			}
			hs.Close()
		}
		counts, err := db.Reporting().GrievanceCounts(ctx, org.ID, "", t0.AddDate(-1, 0, 0), f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if counts.Total != cases || counts.ByCategory[grievance.DebtBondage] != cases || counts.ByStage[grievance.StageAcknowledged] != 2 ||
			counts.ByStage[grievance.StageRemediation] != 1 || counts.RemediesProposed != 1 {
			t.Errorf("counts %+v", counts)
		}
		acked := 0
		for _, h := range counts.Handling {
			if !h.Acknowledged.IsZero() {
				acked++
			}
		}
		if acked != 3 {
			t.Errorf("%d cases acknowledged, want 3", acked)
		}
		if other, err := db.Reporting().GrievanceCounts(ctx, f.tn.b.ID, "", t0.AddDate(-1, 0, 0), f.clock.Now()); err != nil || other.Total != 0 {
			t.Errorf("other organisation: %v, %d cases", err, other.Total)
		}

		svc := reportingService(db, f.clock)
		sawCount := false
		for name, text := range renderAll(t, svc, org, supplychain.RefID("G")) {
			for _, bad := range append([]string{canary, "Rahima", "8801711000000"}, stored...) {
				if strings.Contains(text, bad) {
					t.Errorf("%s contains grievance content %q", name, bad)
				}
			}
			if strings.HasPrefix(name, "due-diligence.csv/") && strings.Contains(text, "debt_bondage") {
				sawCount = true
			}
		}
		if !sawCount {
			t.Error("no due-diligence report shows the grievance counts by category")
		}
	})
}

// TestOwnGrievanceChannelInScorecard: the organisation whose grievance
// channel is open (its recovery key set) has it counted as its grievance
// channel, with the number of reports received and nothing else; an
// organisation without the channel is not. Both engines.
func TestOwnGrievanceChannelInScorecard(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		rd := db.Reporting()
		svc := reportingService(db, f.clock)
		svc.Channel = rd
		for org, want := range map[string]bool{f.tn.a.ID: true, f.tn.b.ID: false} {
			if open, err := rd.ChannelOpen(ctx, org); err != nil || open != want {
				t.Fatalf("channel open for %s: %v %v, want %v", org, open, err, want)
			}
		}
		detail := func(orgID string) string {
			t.Helper()
			v, err := svc.Scorecard(ctx, reportdata.Org{ID: orgID, Name: "Org"}, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, th := range v.Current.Themes {
				for _, r := range th.Items {
					if r.ID == scorecard.ChannelQuestion {
						return string(r.Status) + ": " + r.Detail.String()
					}
				}
			}
			t.Fatal("no grievance channel item")
			return ""
		}
		if got := detail(f.tn.a.ID); !strings.HasPrefix(got, "undocumented: Upstream's own grievance channel is open") || !strings.Contains(got, "received no report") {
			t.Errorf("open and unused: %q", got)
		}
		for i := range 6 {
			f.submit(t, f.tn.a.ID, fmt.Sprintf("canary-narrative-%d", i))
		}
		got := detail(f.tn.a.ID)
		if !strings.HasPrefix(got, "full: ") || !strings.Contains(got, "received 6 reports in the last 12 months") || strings.Contains(got, "canary") {
			t.Errorf("open and used: %q", got)
		}
		if got := detail(f.tn.b.ID); !strings.HasPrefix(got, "missing: ") {
			t.Errorf("an organisation without the channel: %q", got)
		}
	})
}
