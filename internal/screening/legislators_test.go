package screening

import (
	"encoding/csv"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// legislatorsFile holds legislators of Japan, South Korea, Thailand and
// Cambodia with the Latin names EveryPolitician records for them (the
// list) and their names in Japanese, Korean, Thai and Khmer script (the
// queries); see testdata/SOURCES.md. It gives the cross-script pairs of
// the four scripts the sanctions lists hold no original-script names in.
const legislatorsFile = "testdata/legislators_2019.csv"

// readLegislatorRows builds labelled rows from the legislators file:
// every native-script name must find its person, whose list names are in
// Latin letters only; the same name with its last word (or, for a name
// written without spaces, its last character) taken from another person
// written in the same script must find nobody.
func readLegislatorRows(t testing.TB) (*Watchlist, []evalRow) {
	t.Helper()
	return readNativeNameRows(t, legislatorsFile)
}

// thaiPeopleFile holds Thai people with their names in Thai script and
// the Latin spelling Wikidata gives them, none of them in legislatorsFile
// (see testdata/SOURCES.md). It was added after every rule of Thai
// romanisation had been chosen: no rule was tuned on it.
const thaiPeopleFile = "testdata/thai_people_wikidata.csv"

// readNativeNameRows builds the labelled rows of a file in the layout of
// legislatorsFile (the simple list layout plus a "native" column), as
// readLegislatorRows describes.
func readNativeNameRows(t testing.TB, file string) (*Watchlist, []evalRow) {
	t.Helper()
	wl, err := LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type native struct{ id, text, script string }
	var natives []native
	known := map[string]bool{}
	for _, r := range recs[1:] {
		for _, n := range strings.Split(r[6], ";") {
			if n = strings.TrimSpace(n); n != "" {
				sc := scriptOf(n)
				if sc == "han" && r[3] == "JP" {
					sc = "japanese" // a Japanese name in kanji only
				}
				natives = append(natives, native{r[0], n, sc})
				known[n] = true
			}
		}
	}
	// lastPart splits a name into what is kept and the part replaced.
	lastPart := func(s string) (string, string) {
		if ws := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '・' }); len(ws) > 1 {
			last := ws[len(ws)-1]
			return strings.TrimSuffix(s, last), last
		}
		rs := []rune(s)
		return string(rs[:len(rs)-1]), string(rs[len(rs)-1:])
	}
	rng := rand.New(rand.NewPCG(2026, 23))
	var rows []evalRow
	for _, n := range natives {
		rows = append(rows, evalRow{kind: "ep-" + n.script, query: n.text, want: n.id})
		keep, last := lastPart(n.text)
		for try := 0; try < 50; try++ {
			o := natives[rng.IntN(len(natives))]
			_, ol := lastPart(o.text)
			if o.script != n.script || o.id == n.id || ol == last {
				continue
			}
			if q := keep + ol; !known[q] {
				rows = append(rows, evalRow{kind: "ep-" + n.script + "-negative", query: q})
			}
			break
		}
	}
	return wl, rows
}

func TestLegislatorRows(t *testing.T) {
	_, rows := readLegislatorRows(t)
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.kind]++
	}
	for _, k := range []string{"ep-hangul", "ep-japanese", "ep-thai", "ep-khmer"} {
		if counts[k] < 10 {
			t.Errorf("%s: %d rows, want at least 10", k, counts[k])
		}
		if counts[k+"-negative"] < counts[k]/2 {
			t.Errorf("%s: %d negatives for %d positives", k, counts[k+"-negative"], counts[k])
		}
	}
}
