package web

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

type graphAnswer struct {
	Parties []supplychain.ExportParty `json:"parties"`
	Links   []supplychain.ExportLink  `json:"links"`
}

func TestGraphAPI(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, ps, sessions := apiFixture(t, db)
		viewer := sessions[account.RoleViewer]
		refsOf := func(g graphAnswer) []string {
			var out []string
			for _, p := range g.Parties {
				if p.ID == supplychain.ReportingID {
					out = append(out, "reporting")
					continue
				}
				out = append(out, p.Ref)
			}
			slices.Sort(out)
			return out
		}
		tests := []struct {
			name, query string
			refs        []string
			links       int
		}{
			{"whole graph", "", []string{"C", "F", "G", "M", "S", "T", "U", "reporting"}, 6},
			{"country", "?country=Ivory+Coast", []string{"C", "F", "T", "U"}, 2},
			{"level", "?level=high", []string{"F", "T"}, 1},
			{"commodity and tier", "?commodity=cocoa&tier=1", []string{"G", "reporting"}, 1},
			{"depth one from the trader", "?from=" + ps["T"].ID, []string{"C", "F", "G", "T"}, 3},
			{"depth two from the trader", "?from=" + ps["T"].ID + "&depth=2", []string{"C", "F", "G", "T", "reporting"}, 4},
		}
		for _, tc := range tests {
			var g graphAnswer
			res := getJSON(t, f, "/api/v1/graph"+tc.query, viewer, &g)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", tc.name, res.StatusCode)
			}
			if got := refsOf(g); !slices.Equal(got, tc.refs) {
				t.Errorf("%s: parties %v, want %v", tc.name, got, tc.refs)
			}
			if len(g.Links) != tc.links {
				t.Errorf("%s: %d links, want %d: %+v", tc.name, len(g.Links), tc.links, g.Links)
			}
		}
		// The share and the direction of a link: the cooperative supplies
		// the trader with 30% of its cocoa.
		var g graphAnswer
		getJSON(t, f, "/api/v1/graph?country=CI", viewer, &g)
		found := false
		for _, l := range g.Links {
			if l.From == ps["C"].ID && l.To == ps["T"].ID && l.Commodity == "cocoa" && l.Share != nil && *l.Share == 0.3 {
				found = true
			}
		}
		if !found {
			t.Errorf("cooperative -> trader link missing: %+v", g.Links)
		}

		res := f.do(t, "GET", "/api/v1/graph?format=graphml", "", viewer, nil)
		body, _ := io.ReadAll(res.Body)
		var doc struct {
			Graph struct {
				Nodes []struct{} `xml:"node"`
				Edges []struct{} `xml:"edge"`
			} `xml:"graph"`
		}
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/graphml+xml") {
			t.Fatalf("graphml: status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if err := xml.Unmarshal(body, &doc); err != nil || len(doc.Graph.Nodes) != 8 || len(doc.Graph.Edges) != 6 {
			t.Errorf("graphml: %v, %d nodes, %d edges", err, len(doc.Graph.Nodes), len(doc.Graph.Edges))
		}
		res = f.do(t, "GET", "/api/v1/graph?format=csv&country=BD", "", viewer, nil)
		body, _ = io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "from,to,from_name,to_name,commodity,share,source\n") || !strings.Contains(string(body), "=Spinner Mills") && !strings.Contains(string(body), "Spinner Mills") {
			t.Errorf("csv: %d %s", res.StatusCode, body)
		}

		for _, q := range []string{"?format=dot", "?depth=3", "?from=" + ps["T"].ID + "&depth=99", "?level=severe"} {
			res := f.do(t, "GET", "/api/v1/graph"+q, "", viewer, nil)
			var e errorAnswer
			if err := json.NewDecoder(res.Body).Decode(&e); err != nil || res.StatusCode != http.StatusBadRequest || len(e.Errors) == 0 {
				t.Errorf("%s: status %d, %+v", q, res.StatusCode, e)
			}
		}
		res = f.do(t, "GET", "/api/v1/graph?from=nope", "", viewer, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown from: status %d", res.StatusCode)
		}
	})
}

// A party with coordinates shows them on its page, with a small map drawn
// on the server and a warning when they lie outside its country.
func TestSupplierPagePlace(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, ps, sessions := apiFixture(t, db)
		lat, lng := 23.81, 90.41 // Dhaka
		wrong := supplychain.Party{ID: supplychain.RefID("W"), Ref: "W", Name: "Misplaced Mills", Kind: supplychain.KindFacility, Country: "IN", Lat: &lat, Lng: &lng}
		if err := db.SupplyChain().UpsertParties(t.Context(), f.org.ID, []supplychain.Party{wrong}); err != nil {
			t.Fatal(err)
		}
		page := func(id string) string {
			res := f.do(t, "GET", "/suppliers/"+id, "", sessions[account.RoleViewer], nil)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			return string(body)
		}
		good := page(ps["U"].ID)
		for _, want := range []string{`id="location"`, "5.78, -6.6", `<svg class="place"`, `class="point"`, `class="country"`, "openstreetmap.org"} {
			if !strings.Contains(good, want) {
				t.Errorf("page of a party in place lacks %q", want)
			}
		}
		if strings.Contains(good, "outside") {
			t.Error("a party inside its country is flagged")
		}
		if bad := page(wrong.ID); !strings.Contains(bad, "km outside India") {
			t.Errorf("a party outside its country is not flagged")
		}
		if strings.Contains(page(ps["G"].ID), `id="location"`) {
			t.Error("a party without coordinates shows a location")
		}
	})
}
