package jobs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// fakeOSH answers GET /api/facilities/ like the Open Supply Hub API, from
// a fixed list, searching names by their first word and the country, and
// only with the right token.
func fakeOSH(t *testing.T, token string, calls *atomic.Int32) *httptest.Server {
	type feature struct {
		ID         string         `json:"id"`
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	known := []feature{
		{ID: "HN2019123ABCDEF", Type: "Feature", Geometry: map[string]any{"type": "Point", "coordinates": []float64{-87.95, 15.45}},
			Properties: map[string]any{"os_id": "HN2019123ABCDEF", "name": "HANES INK S.A. DE C.V.", "address": "Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes", "country_code": "HN"}},
		{ID: "BD2020999XYZ123", Type: "Feature", Geometry: map[string]any{"type": "Point", "coordinates": []float64{90.40, 23.89}},
			Properties: map[string]any{"os_id": "BD2020999XYZ123", "name": "Dhaka Knitwear Limited", "address": "Tongi Industrial Area", "country_code": "BD"}},
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/api/facilities/" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Token "+token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		q := strings.ToLower(strings.Fields(r.URL.Query().Get("q"))[0])
		var out []feature
		for _, f := range known {
			if strings.Contains(strings.ToLower(f.Properties["name"].(string)), q) && f.Properties["country_code"] == r.URL.Query().Get("countries") {
				out = append(out, f)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"type": "FeatureCollection", "count": len(out), "features": out})
	}))
}

func TestOSHLookupAttachesOSIDsAndKeepsDoubtfulOnesForReview(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		org := account.Org{ID: kernel.NewID(), Slug: "acme", Name: "Acme", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		st := db.SupplyChain()
		hanes := supplychain.Party{ID: "h", Name: "Hanes Ink", Kind: supplychain.KindFacility, Country: "HN", Address: "Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes"}
		dhaka := supplychain.Party{ID: "d", Name: "Dhaka Knit Wear Ltd", Kind: supplychain.KindFacility, Country: "BD", Address: "Plot 12, Road 4, Tongi"}
		nowhere := supplychain.Party{ID: "n", Name: "Nowhere Mills", Kind: supplychain.KindFacility, Country: "IN"}
		if err := st.UpsertParties(ctx, org.ID, []supplychain.Party{hanes, dhaka, nowhere}); err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int32
		srv := fakeOSH(t, "secret-token", &calls)
		defer srv.Close()
		m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
		if err != nil {
			t.Fatal(err)
		}
		job := &jobs.OSHLookup{Orgs: db.Accounts(), Store: st, Matcher: m, Clock: &kernel.FixedClock{T: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)},
			Client: &jobs.OSHClient{BaseURL: srv.URL, Token: "wrong"}, Batch: 2}
		// A refused token stops the run and records nothing.
		if _, err := job.Run(ctx); err == nil || !strings.Contains(err.Error(), "refused the API token") {
			t.Fatalf("run with a wrong token: %v", err)
		}
		if looked, left, _ := st.OSHProgress(ctx, org.ID); looked != 0 || left != 3 {
			t.Fatalf("progress %d looked up, %d left after a refusal", looked, left)
		}
		job.Client.Token = "secret-token"
		r, err := job.Run(ctx)
		if err != nil || r.Looked != 2 || r.Left != 1 {
			t.Fatalf("first run %+v, %v: want a batch of 2 and 1 left", r, err)
		}
		r2, err := job.Run(ctx)
		if err != nil || r2.Looked != 1 || r2.Left != 0 {
			t.Fatalf("second run %+v, %v", r2, err)
		}
		if r.Attached+r2.Attached != 1 || r.Review+r2.Review != 1 {
			t.Errorf("attached %d, for review %d; want Hanes attached and Dhaka for review", r.Attached+r2.Attached, r.Review+r2.Review)
		}
		got, err := st.GetParty(ctx, org.ID, "h")
		if err != nil || got.OSID != "HN2019123ABCDEF" {
			t.Errorf("Hanes Ink OS ID %q, %v", got.OSID, err)
		}
		if got, _ := st.GetParty(ctx, org.ID, "d"); got.OSID != "" {
			t.Errorf("a doubtful candidate was attached: %q", got.OSID)
		}
		reviews, err := st.OSHReviews(ctx, org.ID, 10)
		if err != nil || len(reviews) != 1 || reviews[0].PartyID != "d" || reviews[0].OSID != "BD2020999XYZ123" || len(reviews[0].Reasons) == 0 {
			t.Errorf("reviews %+v, %v", reviews, err)
		}
		// Nothing is looked up twice.
		before := calls.Load()
		if r3, err := job.Run(ctx); err != nil || r3.Looked != 0 || calls.Load() != before {
			t.Errorf("third run %+v, %v, %d calls", r3, err, calls.Load()-before)
		}
	})
}
