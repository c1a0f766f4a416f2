package assessment_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func engine(t testing.TB) *risk.Engine {
	t.Helper()
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fakeScreener matches every name containing "Trading" to one entity.
type fakeScreener struct{ calls int }

var listed = &screening.Entity{ID: "W-1", Name: "Abidjan Trading", ListName: "example"}

func (f *fakeScreener) SearchBatch(qs []screening.Query, _ screening.Options) []screening.Result {
	f.calls++
	out := make([]screening.Result, len(qs))
	for i, q := range qs {
		out[i].Query = q
		if strings.Contains(q.Name, "Trading") {
			out[i].Hits = []screening.Hit{{Entity: listed, MatchedName: "Abidjan Trading", Score: 0.9}}
		}
	}
	return out
}

const chainCSV = `id,name,country,commodity,buyer_id,share
G,Grinder Europe,NL,cocoa,,
T,Abidjan Trading SARL,CI,cocoa,G,50%
F,Kouassi Farm,CI,cocoa,T,10%
`

func readChain(t *testing.T, files ...string) (*assessment.Chain, *fakeScreener) {
	t.Helper()
	c := assessment.NewChain()
	fs := &fakeScreener{}
	sc := c.StartScreening(fs, []*screening.Watchlist{{List: screening.List{Name: "example", Source: "Example list"}}})
	for i, f := range files {
		if _, err := c.Read(context.Background(), strings.NewReader(f), fmt.Sprintf("f%d.csv", i), assessment.StandardNormalisers(), false); err != nil {
			t.Fatal(err)
		}
	}
	sc.Finish()
	return c, fs
}

func TestAssessChain(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		// want: register ids in order, and the ids with watchlist hits
		order, hits []string
	}{
		{"hit becomes a signal", []string{chainCSV}, []string{"T", "F", "G"}, []string{"T"}},
		// A later file renames the trader: the new name is screened and
		// the old name's hit is gone.
		{"renamed party screened again", []string{chainCSV, "id,name,country,commodity,buyer_id\nT,Abidjan Cocoa SARL,CI,cocoa,G\n"}, nil, nil},
	}
	e := engine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := readChain(t, tt.files...)
			a, err := c.Assess(e)
			if err != nil {
				t.Fatal(err)
			}
			var order, hits []string
			var rows []assessment.Row
			for _, i := range a.Order() {
				r, err := a.Row(int(i))
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, r)
				order = append(order, r.ID)
				if len(r.WatchlistHits) > 0 {
					hits = append(hits, r.ID)
					if r.Signals == 0 {
						t.Errorf("%s has a hit but no signal score", r.ID)
					}
				}
				sum := 0.0
				for _, f := range r.Factors {
					sum += f.Contribution
				}
				if d := sum - r.Exposure; d > 0.05 || d < -0.05 {
					t.Errorf("%s: factors add to %.2f, exposure %.2f", r.ID, sum, r.Exposure)
				}
			}
			if tt.order != nil && strings.Join(order, ",") != strings.Join(tt.order, ",") {
				t.Errorf("order %v, want %v", order, tt.order)
			}
			if strings.Join(hits, ",") != strings.Join(tt.hits, ",") {
				t.Errorf("hits on %v, want %v", hits, tt.hits)
			}
		})
	}
}

type jsonLines struct{ enc *json.Encoder }

func (j jsonLines) Encode(r assessment.Row) error { return j.enc.Encode(r) }
func (j jsonLines) Flush() error                  { return nil }

// TestWriteRowsInOrder checks that rows encoded in parallel chunks come
// out exactly as one encoder writing them in register order would.
func TestWriteRowsInOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,country,commodity,buyer_id\n")
	for i := range 5000 {
		buyer := ""
		if i > 0 {
			buyer = fmt.Sprint("S", (i-1)/3)
		}
		fmt.Fprintf(&b, "S%d,Supplier %d,%s,%s,%s\n", i, i, []string{"CI", "BD", "NL", "CN"}[i%4], []string{"cocoa", "garments", "shrimp"}[i%3], buyer)
	}
	c := assessment.NewChain()
	if _, err := c.Read(context.Background(), strings.NewReader(b.String()), "big.csv", assessment.StandardNormalisers(), false); err != nil {
		t.Fatal(err)
	}
	a, err := c.Assess(engine(t))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	for _, i := range a.Order() {
		r, _ := a.Row(int(i))
		enc.Encode(r)
	}
	var got bytes.Buffer
	if err := a.WriteRows(context.Background(), &got, func(w io.Writer) assessment.Encoder { return jsonLines{json.NewEncoder(w)} }); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("parallel output differs: %d bytes, want %d", got.Len(), want.Len())
	}
}

// memStore is a Store in memory; a failed import keeps nothing.
type memStore struct {
	parties map[string]supplychain.GraphParty
	links   []supplychain.Link
	risk    map[string]supplychain.PartyRisk
}

type memWriter struct {
	s       *memStore
	parties map[string]supplychain.GraphParty
	links   []supplychain.Link
}

func (w *memWriter) Party(p supplychain.Party) error {
	w.parties[p.ID] = supplychain.GraphParty{ID: p.ID, Country: p.Country, Commodities: p.Commodities}
	return nil
}
func (w *memWriter) Link(l supplychain.Link) error { w.links = append(w.links, l); return nil }
func (w *memWriter) Known(id string) (bool, error) {
	_, a := w.parties[id]
	_, b := w.s.parties[id]
	return a || b, nil
}
func (w *memWriter) Flush() error { return nil }

func (s *memStore) Import(ctx context.Context, orgID string, fn func(assessment.ImportWriter) error) error {
	w := &memWriter{s: s, parties: map[string]supplychain.GraphParty{}}
	if err := fn(w); err != nil {
		return err
	}
	for id, p := range w.parties {
		s.parties[id] = p
	}
	s.links = append(s.links, w.links...)
	return nil
}

func (s *memStore) Graph(ctx context.Context, orgID string) ([]supplychain.GraphParty, []supplychain.Link, error) {
	var ps []supplychain.GraphParty
	for _, p := range s.parties {
		ps = append(ps, p)
	}
	return ps, s.links, nil
}

func (s *memStore) SaveRisk(ctx context.Context, orgID string, rs iter.Seq2[supplychain.PartyRisk, error]) error {
	for r, err := range rs {
		if err != nil {
			return err
		}
		s.risk[r.ID] = r
	}
	return nil
}

type signals map[string][]risk.Signal

func (s signals) PartySignals(context.Context, string) (map[string][]risk.Signal, error) {
	return s, nil
}

func TestImportAndRecompute(t *testing.T) {
	bad := "id,name,country,commodity,buyer_id\nX1,Somebody,Ivory Cost,cocoa,\n"
	tests := []struct {
		name       string
		files      []string
		skip       bool
		wantErr    bool
		wantStored int
	}{
		{"good file", []string{chainCSV}, false, false, 3},
		{"a bad file undoes the good one", []string{chainCSV, bad}, false, true, 0},
		{"skipping bad rows", []string{chainCSV, bad}, true, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &memStore{parties: map[string]supplychain.GraphParty{}, risk: map[string]supplychain.PartyRisk{}}
			// The review queue confirmed the farm's match.
			farm := supplychain.RefID("F")
			svc := &assessment.Service{Store: st, Engine: engine(t), Normalisers: assessment.StandardNormalisers(),
				Signals: signals{farm: {{Kind: risk.WatchlistConfirmed, Value: 1, Source: "example"}}}}
			var files []assessment.NamedFile
			for i, f := range tt.files {
				files = append(files, assessment.ReaderFile(fmt.Sprintf("f%d.csv", i), strings.NewReader(f)))
			}
			sum, err := svc.ImportAndRecompute(context.Background(), "org", files, tt.skip)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("error %v is not Invalid", err)
			}
			if len(st.parties) != tt.wantStored || len(st.risk) != tt.wantStored {
				t.Fatalf("%d parties and %d risks stored, want %d", len(st.parties), len(st.risk), tt.wantStored)
			}
			if len(sum.Files) != len(tt.files) {
				t.Errorf("%d file results, want %d", len(sum.Files), len(tt.files))
			}
			if tt.wantStored == 0 {
				if sum.Total.ErrorCount == 0 || sum.Files[1].Errors[0].Line != 2 {
					t.Errorf("the row error is not reported: %+v", sum.Files)
				}
				return
			}
			if sum.Levels[""] != 3 {
				t.Errorf("levels %v", sum.Levels)
			}
			r := st.risk[farm]
			if r.Signals == 0 || r.Tier != 3 {
				t.Errorf("farm risk %+v: want tier 3 and the confirmed match as a signal", r)
			}
		})
	}
}
