package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestGraph(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"tier1.csv": "id,name,country,commodity,buyer_id\nT1,Tier One Garments,Bangladesh,cotton,\n",
		"tier2.csv": "id,name,country,commodity,buyer_id,share\nS1,Spinner,IN,cotton,T1,60%\n",
	})
	t1, t2 := filepath.Join(dir, "tier1.csv"), filepath.Join(dir, "tier2.csv")
	code, out, errOut := runCLI(t, "graph", t1, t2)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Parties []struct{ ID, Name, Source string }
		Links   []struct {
			From, To, Commodity, Source string
			Share                       float64
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(doc.Parties) != 3 || len(doc.Links) != 2 {
		t.Fatalf("got %d parties and %d links: %s", len(doc.Parties), len(doc.Links), out)
	}
	var spinner bool
	for _, l := range doc.Links {
		if l.Source == t2+":2" && l.Share == 0.6 && l.Commodity == "cotton" {
			spinner = true
		}
	}
	if !spinner {
		t.Errorf("the spinner's link across files is missing: %s", out)
	}
	code, out, errOut = runCLI(t, "graph", "--format", "csv", "--country", "India", t1, t2)
	if code != 0 || !strings.Contains(out, "from,to,from_name") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("CSV filtered to India (no link has both ends there): exit %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "graph", "--format", "graphml", "--from", "S1", "--depth", "1", t1, t2)
	if code != 0 || !strings.Contains(out, "<graphml") || !strings.Contains(out, "Spinner") {
		t.Errorf("GraphML from S1: exit %d %q", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"graph"}, "at least one file"},
		{[]string{"graph", "--format", "dot", t1}, "--format must be json, csv or graphml"},
		{[]string{"graph", "--from", "NOPE", t1}, `no party "NOPE"`},
		{[]string{"graph", "--country", "Narnia", t1}, "--country"},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d %q, want 2 saying %q", tc.args, code, errOut, tc.want)
		}
	}
}
