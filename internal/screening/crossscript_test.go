package screening

import (
	"encoding/csv"
	"encoding/xml"
	"flag"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// unFile is the UN Security Council Consolidated List of 2020-03-20 in the
// simple list layout, with each entry's name in its original script in an
// extra column (see testdata/SOURCES.md). The loader ignores that column,
// so the list holds Latin names only and a query in the original script
// must cross scripts to find its entry.
const unFile = "testdata/unsc_2020-03-20.csv"

// unXML is the part of the UN list's XML layout the generator reads.
type unXML struct {
	Individuals []unEntry `xml:"INDIVIDUALS>INDIVIDUAL"`
	Entities    []unEntry `xml:"ENTITIES>ENTITY"`
}

type unEntry struct {
	ID          string    `xml:"DATAID"`
	First       string    `xml:"FIRST_NAME"`
	Second      string    `xml:"SECOND_NAME"`
	Third       string    `xml:"THIRD_NAME"`
	Fourth      string    `xml:"FOURTH_NAME"`
	Original    string    `xml:"NAME_ORIGINAL_SCRIPT"`
	Nationality []string  `xml:"NATIONALITY>VALUE"`
	Aliases     []unAlias `xml:"INDIVIDUAL_ALIAS"`
	EntAliases  []unAlias `xml:"ENTITY_ALIAS"`
}

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

// TestGenerateUNSet rewrites testdata/unsc_2020-03-20.csv from the UN's XML
// file (consolidated.xml as published on 2020-03-20) named by UNSC_XML,
// when run with -update.
func TestGenerateUNSet(t *testing.T) {
	path := os.Getenv("UNSC_XML")
	if !testkit.Updating() || path == "" {
		t.Skip("set UNSC_XML to the UN consolidated.xml and run with -update to regenerate " + unFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc unXML
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(unFile)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "name", "aliases", "country", "list", "kind", "original_script"})
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	write := func(es []unEntry, kind Kind) {
		for _, e := range es {
			name := clean(strings.Join([]string{e.First, e.Second, e.Third, e.Fourth}, " "))
			if name == "" {
				continue
			}
			var aliases []string
			for _, a := range append(e.Aliases, e.EntAliases...) {
				if n := clean(a.Name); n != "" && a.Quality != "Low" && !strings.Contains(n, ";") {
					aliases = appendUnique(aliases, n)
				}
			}
			country := ""
			if len(e.Nationality) > 0 {
				country = clean(e.Nationality[0])
			}
			w.Write([]string{"un:" + clean(e.ID), name, strings.Join(aliases, "; "), country, "un-sc", string(kind), clean(e.Original)})
		}
	}
	write(doc.Individuals, KindPerson)
	write(doc.Entities, KindOrganization)
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// scriptOf names the script most letters of s are written in.
func scriptOf(s string) string {
	counts := map[string]int{}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		switch {
		case r < 0x250:
			counts["latin"]++
		case unicode.Is(unicode.Cyrillic, r):
			counts["cyrillic"]++
		case unicode.Is(unicode.Arabic, r):
			counts["arabic"]++
		case unicode.Is(unicode.Hangul, r):
			counts["hangul"]++
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			counts["kana"] += 10 // kana make a name Japanese whatever else it holds
		case unicode.Is(unicode.Han, r):
			counts["han"]++
		case unicode.Is(unicode.Thai, r):
			counts["thai"]++
		case unicode.Is(unicode.Khmer, r):
			counts["khmer"]++
		default:
			counts["other"]++
		}
	}
	best, n := "none", 0
	for k, c := range counts {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	if best == "kana" || (best == "han" && counts["kana"] > 0) {
		return "japanese"
	}
	return best
}

// partsFlag selects the parts the evaluation tests score and print. Rules
// are chosen with -parts tuning, so that the test part is not looked at
// while tuning; the suite runs both.
var partsFlag = flag.String("parts", "tuning,test", "evaluation parts to score: tuning, test, or tuning,test")

// evalParts returns the parts selected by -parts, in a fixed order.
func evalParts() []string {
	var out []string
	for _, p := range []string{"tuning", "test"} {
		if strings.Contains(*partsFlag, p) {
			out = append(out, p)
		}
	}
	return out
}

// evalPart puts a labelled row in the tuning part or the test part, by the
// entity it expects (or, for a negative, its text), so that every variant
// of one entity falls in the same part. About 40% of rows are test rows;
// nothing is tuned on them.
func evalPart(r evalRow) string {
	if r.part != "" {
		return r.part
	}
	key := r.want
	if key == "" {
		key = r.query
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	if h.Sum32()%10 < 4 {
		return "test"
	}
	return "tuning"
}

// readUNRows builds the cross-script labelled rows from the UN list: every
// entry's original-script name must find the entry (written in Latin on the
// list); the same name with one of its words taken from another entry of
// the same script must not find anything.
func readUNRows(t testing.TB) (*Watchlist, []evalRow) {
	t.Helper()
	wl, err := LoadFile(unFile)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(unFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type orig struct{ id, text, script string }
	var origs []orig
	for _, r := range recs[1:] {
		if o := r[6]; o != "" {
			if sc := scriptOf(o); sc != "latin" && sc != "none" {
				origs = append(origs, orig{r[0], o, sc})
			}
		}
	}
	known := map[string]bool{}
	for _, o := range origs {
		known[o.text] = true
	}
	rng := rand.New(rand.NewPCG(2026, 12))
	var rows []evalRow
	for i, o := range origs {
		rows = append(rows, evalRow{kind: "un-" + o.script, query: o.text, want: o.id})
		words := strings.Fields(o.text)
		if len(words) < 2 {
			continue
		}
		// A hard negative: the last word (usually the family or tribal
		// name) from another entry of the same script.
		for try := 0; try < 20; try++ {
			other := origs[rng.IntN(len(origs))]
			ow := strings.Fields(other.text)
			if other.script != o.script || other.id == o.id || ow[len(ow)-1] == words[len(words)-1] || len(ow) < 2 {
				continue
			}
			q := strings.Join(append(append([]string(nil), words[:len(words)-1]...), ow[len(ow)-1]), " ")
			if !known[q] && i%2 == 0 {
				rows = append(rows, evalRow{kind: "un-" + o.script + "-negative", query: q})
			}
			break
		}
	}
	return wl, rows
}

// scriptStats are the counts of each script in one part.
type scriptStats map[string]*scriptCount

type scriptCount struct {
	evalStats
	rows int
}

func (ss scriptStats) add(key string, s evalStats) {
	if ss[key] == nil {
		ss[key] = &scriptCount{}
	}
	ss[key].rows++
	ss[key].tp += s.tp
	ss[key].fp += s.fp
	ss[key].fn += s.fn
	ss[key].tn += s.tn
}

// merge adds the counts of o.
func (ss scriptStats) merge(o scriptStats) {
	for k, c := range o {
		if ss[k] == nil {
			ss[k] = &scriptCount{}
		}
		ss[k].rows += c.rows
		ss[k].tp += c.tp
		ss[k].fp += c.fp
		ss[k].fn += c.fn
		ss[k].tn += c.tn
	}
}

// evaluateByScript scores rows part by part and script by script.
func evaluateByScript(ix *Index, wl *Watchlist, rows []evalRow, th float64, out map[string]scriptStats) []string {
	var misses []string
	for _, part := range evalParts() {
		var sel []evalRow
		for _, r := range rows {
			if evalPart(r) == part {
				sel = append(sel, r)
			}
		}
		if out[part] == nil {
			out[part] = scriptStats{}
		}
		_, _, outcomes, m := evaluateRows(ix, wl, sel, th)
		for i, r := range sel {
			sc := scriptOf(r.query)
			if rest, ok := strings.CutPrefix(r.kind, "ep-"); ok {
				sc, _, _ = strings.Cut(rest, "-") // the legislators' rows know their script
			}
			out[part].add(sc, outcomes[i])
			out[part].add("all", outcomes[i])
			if sc != "latin" {
				out[part].add("non-latin", outcomes[i])
			}
		}
		for _, x := range m {
			misses = append(misses, part+" "+x)
		}
	}
	return misses
}

// TestEvaluationByScript reports F1 per script on the tuning and the test
// part of two labelled sets: the set generated from the OFAC SDN list and
// the cross-script pairs of the UN list. It fails when F1 on either part
// falls below the floors.
func TestEvaluationByScript(t *testing.T) {
	sdn := loadSDN(t)
	un, unRows := readUNRows(t)
	res := map[string]scriptStats{}
	misses := evaluateByScript(NewIndex(sdn), sdn, readEval(t), DefaultThreshold, res)
	misses = append(misses, evaluateByScript(NewIndex(un), un, unRows, DefaultThreshold, res)...)
	leg, legRows := readLegislatorRows(t)
	misses = append(misses, evaluateByScript(NewIndex(leg), leg, legRows, DefaultThreshold, res)...)
	thai, thaiRows := readNativeNameRows(t, thaiPeopleFile)
	thaiRes := map[string]scriptStats{}
	misses = append(misses, evaluateByScript(NewIndex(thai), thai, thaiRows, DefaultThreshold, thaiRes)...)
	for _, part := range evalParts() {
		res[part].merge(thaiRes[part])
		if c := thaiRes[part]["thai"]; c != nil {
			t.Logf("%-6s Thai people (Wikidata) n=%3d precision %.3f recall %.3f F1 %.3f", part, c.rows, c.precision(), c.recall(), c.f1())
		}
	}
	for _, part := range evalParts() {
		keys := make([]string, 0, len(res[part]))
		for k := range res[part] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s := res[part][k]
			t.Logf("%-6s %-9s n=%4d precision %.3f recall %.3f F1 %.3f", part, k, s.rows, s.precision(), s.recall(), s.f1())
		}
	}
	if testing.Verbose() {
		for i, m := range misses {
			if i < 80 && strings.HasPrefix(m, "tuning") {
				t.Log(m)
			}
		}
	}
	for _, part := range evalParts() {
		for k, floor := range map[string]float64{"all": scriptFloorAll, "non-latin": scriptFloorNonLatin} {
			if f := res[part][k].f1(); f < floor {
				t.Errorf("%s part, %s: F1 %.3f is below the floor %.2f", part, k, f, floor)
			}
		}
	}
}

// The floors of TestEvaluationByScript.
const (
	scriptFloorAll      = 0.90
	scriptFloorNonLatin = 0.82
)

// TestPressForms screens listed people written as the press writes them,
// in Latin and other scripts (testdata/press_forms.csv, built from the SDN
// entries it names; never used for tuning): each must be found first at
// the default threshold.
func TestPressForms(t *testing.T) {
	sdn := loadSDN(t)
	ix := NewIndex(sdn)
	f, err := os.Open("testdata/press_forms.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][2]int{}
	for _, r := range recs[1:] {
		q, want := r[0], r[1]
		sc := scriptOf(q)
		c := found[sc]
		c[1]++
		hits := ix.Search(Query{Name: q}, Options{})
		if len(hits) > 0 && hits[0].Entity.ID == want {
			c[0]++
		} else {
			best := ""
			if all := ix.Search(Query{Name: q}, Options{Threshold: ThresholdOf(0), Limit: 3}); len(all) > 0 {
				best = summarize(all)
			}
			t.Errorf("%q (listed as %s, %s): hits %s; best below the threshold: %s", q, r[2], want, summarize(hits), best)
		}
		found[sc] = c
	}
	for sc, c := range found {
		t.Logf("%-9s %d of %d found first", sc, c[0], c[1])
	}
}

// maxOrdinaryFlagged is the most ordinary names, per script, that may be
// flagged against the OFAC SDN list at the default threshold where a
// script does not meet the target of 0.5% yet: a ceiling that stops it
// getting worse.
var maxOrdinaryFlagged = map[string]float64{}

const ordinaryTarget = 0.005

// ordinaryName is one name of the ordinary-name sets.
type ordinaryName struct{ script, source, name string }

// readOrdinaryNames reads the three ordinary-name sets: names generated
// from @faker-js/faker's name lists in seven scripts
// (testdata/ordinary_names.csv), and names built from published name
// data: US people by SSA given-name and Census surname frequencies,
// Arabic-script people from an Arabic name list, and the supplier names of
// Open Supply Hub's list files (testdata/ordinary_names_public.csv); and
// several thousand names in each non-Latin script combined from the name
// data of the Python, PHP and Ruby faker libraries
// (testdata/ordinary_names_faker.csv).
func readOrdinaryNames(t testing.TB) []ordinaryName {
	t.Helper()
	return readOrdinaryNameFiles(t, "testdata/ordinary_names.csv", "testdata/ordinary_names_public.csv", "testdata/ordinary_names_faker.csv")
}

// readOrdinaryNameFiles reads the named ordinary-name files: "script,name"
// or "script,source,name" rows after a header.
func readOrdinaryNameFiles(t testing.TB, files ...string) []ordinaryName {
	t.Helper()
	var out []ordinaryName
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, r := range recs[1:] {
			name := r[len(r)-1]
			o := ordinaryName{script: r[0], source: "faker", name: name}
			if len(r) == 3 {
				o.source = r[1]
			}
			if o.script == "" {
				o.script = scriptOf(name)
			}
			out = append(out, o)
		}
	}
	return out
}

// TestOrdinaryNamesFlagged screens ordinary names that are on no list
// (readOrdinaryNames) against OFAC SDN and fails when more than
// maxOrdinaryFlagged of one script's names get a hit at the default
// threshold, in either part.
func TestOrdinaryNamesFlagged(t *testing.T) {
	sdn := loadSDN(t)
	ix := NewIndex(sdn)
	type count struct{ flagged, n int }
	res := map[string]map[string]*count{}
	bump := func(part, key string, flagged bool) {
		if res[part] == nil {
			res[part] = map[string]*count{}
		}
		c := res[part][key]
		if c == nil {
			c = &count{}
			res[part][key] = c
		}
		c.n++
		if flagged {
			c.flagged++
		}
	}
	selected := evalParts()
	for _, o := range readOrdinaryNames(t) {
		part := evalPart(evalRow{query: o.name})
		if !slices.Contains(selected, part) {
			continue
		}
		hits := ix.Search(Query{Name: o.name}, Options{})
		bump(part, o.script, len(hits) > 0)
		bump(part, o.script+" / "+o.source, len(hits) > 0)
		if len(hits) > 0 && testing.Verbose() && part == "tuning" {
			t.Logf("flagged %s %q -> %s", o.script, o.name, summarize(hits[:1]))
		}
	}
	for _, part := range evalParts() {
		keys := make([]string, 0, len(res[part]))
		for k := range res[part] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c := res[part][k]
			rate := float64(c.flagged) / float64(c.n)
			t.Logf("%-6s %-40s %4d of %4d flagged (%.2f%%)", part, k, c.flagged, c.n, 100*rate)
			if strings.Contains(k, " / ") || c.n < 50 {
				continue // sources are reported; scripts with enough names are judged
			}
			ceiling, ok := maxOrdinaryFlagged[k]
			if !ok {
				ceiling = ordinaryTarget
			}
			if rate > ceiling {
				t.Errorf("%s part, %s: %.2f%% of ordinary names flagged, more than %.1f%%", part, k, 100*rate, 100*ceiling)
			}
		}
	}
}
