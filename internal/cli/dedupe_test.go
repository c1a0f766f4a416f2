package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDedupe(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"spring.csv": "country,name,address,sector,lat,lng\n" +
			"Honduras,Hanes Ink,\"Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes\",Apparel,,\n" +
			"India,Jeans Knit Private Ltd Unit 3,\"No 34/A, II Phase, Peenya Industrial Area, Bangalore\",Apparel,,\n" +
			"Bangladesh,Noman Terry Towel Mills,\"Vawal Mirzapur, Gazipur\",Apparel,,\n" +
			"Bangladesh,Dhaka Knit Wear Ltd,\"Plot 12, Road 4, Tongi\",Apparel,,\n",
		"autumn.csv": "country,name,address,sector,lat,lng\n" +
			"HN,HANES INK S.A. DE C.V.,\"PARQUE INDUSTRIAL Inhdelva Norte,Edificio 11 y 12,Cortes Honduras\",Apparel,,\n" +
			"IN,Jeans Knit Private Ltd Unit 4,\"No. 20-A/21-E, II Phase, Peenya Industrial Area, Bangalore\",Apparel,,\n" +
			"BD,Dhaka Knitwear Limited,Tongi Industrial Area,Apparel,,\n",
	})
	spring, autumn := filepath.Join(dir, "spring.csv"), filepath.Join(dir, "autumn.csv")
	code, out, errOut := runCLI(t, "dedupe", spring, autumn)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "a,b,score,decision,reasons" {
		t.Errorf("header %q", lines[0])
	}
	want := []string{spring + ":2," + autumn + ":2,", ",same,", spring + ":5," + autumn + ":4,", ",review,"}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, spring+":4,") {
		t.Errorf("the towel mill matched something:\n%s", out)
	}
	if strings.Contains(out, spring+":3,") || strings.Contains(out, autumn+":3,") {
		t.Errorf("units 3 and 4 of one company were paired:\n%s", out)
	}

	code, out, errOut = runCLI(t, "dedupe", "--format", "json", spring, autumn)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var first struct {
		A, B     string
		Score    float64
		Decision string
		Reasons  []string
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if first.A != spring+":2" || first.B != autumn+":2" || first.Decision != "same" || first.Score < 0.8 || first.Score > 1 || len(first.Reasons) == 0 {
		t.Errorf("first pair %+v", first)
	}
}

func TestDedupeErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"bad.csv": "country,name,address\nNarnia,Mill,Road 1\n",
	})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"dedupe"}, "at least one file"},
		{[]string{"dedupe", "--format", "xml", "x.csv"}, "--format must be csv or json"},
		{[]string{"dedupe", "--same", "0.5", "--review", "0.7", "x.csv"}, "review <= same"},
		{[]string{"dedupe", filepath.Join(dir, "nope.csv")}, "cannot open"},
		{[]string{"dedupe", filepath.Join(dir, "bad.csv")}, "bad.csv:2:1: country"},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 saying %q", tc.args, code, errOut, tc.want)
		}
	}
}
