package facilitymatch_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// The evaluation set (testdata/SOURCE.md says where each part comes from
// and how it was labelled) has two parts, each split by a hash of the pair
// into a tuning half and a test half. The thresholds and weights were set
// looking at the tuning half only.

// labelled is one labelled pair of records.
type labelled struct {
	a, b  string // refs
	same  bool
	part  string // "tuning" or "test"
	label string
}

// counts tallies predictions against labels for one part.
type counts struct {
	positives                    int // labelled same
	predSame, predReview         int
	truePosSame, truePosReview   int
	baselinePred, baselineTruePo int
}

func (c counts) String() string {
	ratio := func(n, d int) string {
		if d == 0 {
			return "  -  "
		}
		return fmt.Sprintf("%.3f", float64(n)/float64(d))
	}
	return fmt.Sprintf("same: precision %s recall %s (%d/%d predicted, %d labelled same) | review: precision %s | same+review: precision %s recall %s | token-overlap baseline: precision %s recall %s",
		ratio(c.truePosSame, c.predSame), ratio(c.truePosSame, c.positives), c.truePosSame, c.predSame, c.positives,
		ratio(c.truePosReview, c.predReview),
		ratio(c.truePosSame+c.truePosReview, c.predSame+c.predReview), ratio(c.truePosSame+c.truePosReview, c.positives),
		ratio(c.baselineTruePo, c.baselinePred), ratio(c.baselineTruePo, c.positives))
}

func (c *counts) add(o counts) {
	c.positives += o.positives
	c.predSame += o.predSame
	c.predReview += o.predReview
	c.truePosSame += o.truePosSame
	c.truePosReview += o.truePosReview
	c.baselinePred += o.baselinePred
	c.baselineTruePo += o.baselineTruePo
}

// partOf splits pairs into tuning and test by a hash of their refs, so the
// split is fixed and does not depend on what the matcher says.
func partOf(a, b string) string {
	if sha1.Sum([]byte(a + "|" + b))[0]%2 == 0 {
		return "tuning"
	}
	return "test"
}

type listRecord struct {
	ref string
	rec facilitymatch.Record
}

// loadLists reads the Open Supply Hub list files as the importer sees them.
func loadLists(t testing.TB) []listRecord {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testkit.Data(t, "samples", "osh", "list_files"), "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no list files: %v", err)
	}
	slices.Sort(files)
	var out []listRecord
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(fh)
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range header {
			col[strings.ToLower(strings.TrimSpace(h))] = i
		}
		for {
			row, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			line, _ := cr.FieldPos(0)
			r := facilitymatch.Record{Name: row[col["name"]], Address: row[col["address"]]}
			if c, err := country.Lookup(row[col["country"]]); err == nil {
				r.Country = c.Alpha2
			}
			lat, err1 := strconv.ParseFloat(row[col["lat"]], 64)
			lng, err2 := strconv.ParseFloat(row[col["lng"]], 64)
			if err1 == nil && err2 == nil {
				r.Lat, r.Lng, r.HasCoord = lat, lng, true
			}
			out = append(out, listRecord{ref: filepath.Base(f) + ":" + strconv.Itoa(line), rec: r})
		}
		fh.Close()
	}
	return out
}

func loadListLabels(t testing.TB) []labelled {
	t.Helper()
	fh, err := os.Open("testdata/list_pairs.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []labelled
	for _, r := range rows[1:] {
		if r[3] != partOf(r[0], r[1]) {
			t.Fatalf("list_pairs.csv: %s,%s is in part %s but hashes to %s", r[0], r[1], r[3], partOf(r[0], r[1]))
		}
		out = append(out, labelled{a: r[0], b: r[1], same: r[2] == "same", part: r[3], label: r[2]})
	}
	return out
}

type oshRecord struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Country string `json:"country"`
}

// loadTraining reads Open Supply Hub's labelled dedupe training pairs of
// 2019 (112 pairs).
func loadTraining(t testing.TB) (recs map[string][]listRecord, labels []labelled) {
	t.Helper()
	return loadTrainingFile(t, "testdata/osh_dedupe_training.json", false)
}

// loadModeratedPairs reads the sample of Open Supply Hub's moderator-
// labelled pairs of 2026 (see oshpages_test.go and SOURCE.md). A record
// that appears in several pairs of a part is given to the matcher once.
func loadModeratedPairs(t testing.TB) (recs map[string][]listRecord, labels []labelled) {
	t.Helper()
	return loadTrainingFile(t, oshPagesConverted, true)
}

// loadTrainingFile reads labelled pairs in Open Supply Hub's dedupe
// training format; each pair goes to the part its two ids hash to.
func loadTrainingFile(t testing.TB, path string, once bool) (recs map[string][]listRecord, labels []labelled) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string][]struct {
		Value [2]oshRecord `json:"__value__"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	recs = map[string][]listRecord{}
	seen := map[string]bool{}
	kinds := make([]string, 0, len(doc))
	for kind := range doc {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		for _, p := range doc[kind] {
			a, b := p.Value[0], p.Value[1]
			part := partOf(a.ID, b.ID)
			for _, r := range []oshRecord{a, b} {
				if once {
					if seen[part+"|"+r.ID] {
						continue
					}
					seen[part+"|"+r.ID] = true
				}
				recs[part] = append(recs[part], listRecord{ref: r.ID, rec: facilitymatch.Record{Name: r.Name, Address: r.Address, Country: strings.ToUpper(r.Country)}})
			}
			labels = append(labels, labelled{a: a.ID, b: b.ID, same: kind == "match", part: part, label: kind})
		}
	}
	return recs, labels
}

// loadChicago reads the Chicago early childhood centres, hand-labelled
// by cluster ("True Id", see testdata/SOURCE.md): every pair of records is
// labelled, same when they share a cluster.
func loadChicago(t testing.TB) ([]listRecord, map[string]string) {
	t.Helper()
	data, err := os.ReadFile("testdata/chicago_early_childhood_true_ids.csv")
	if err != nil {
		t.Fatal(err)
	}
	const published = "13cbb7b939c4b201f92b09b6e800ae034f1f783d825dda7095fdaccb2793edaa"
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != published {
		t.Fatalf("chicago_early_childhood_true_ids.csv is not the published file (sha256 %x, SOURCE.md records %s)", sum, published)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, c := range []string{"True Id", "Id", "Site name", "Address", "Zip"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("chicago_early_childhood_true_ids.csv: no column %q", c)
		}
	}
	var recs []listRecord
	cluster := map[string]string{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ref := "chicago:" + row[col["Id"]]
		cluster[ref] = row[col["True Id"]]
		addr := strings.TrimSpace(row[col["Address"]])
		if z := strings.TrimSpace(row[col["Zip"]]); z != "" {
			addr += " " + z
		}
		recs = append(recs, listRecord{ref: ref, rec: facilitymatch.Record{
			Name: strings.Join(strings.Fields(row[col["Site name"]]), " "), Address: addr, Country: "US"}})
	}
	return recs, cluster
}

// evaluateClusters runs the matcher over recs, every pair of which is
// labelled by cluster, and tallies one part: each pair the matcher
// proposes, and each pair of one cluster for recall.
func evaluateClusters(t *testing.T, m *facilitymatch.Matcher, recs []listRecord, cluster map[string]string, part string) counts {
	t.Helper()
	in := make([]facilitymatch.Record, len(recs))
	for i, r := range recs {
		in[i] = r.rec
	}
	pairs, err := m.Match(context.Background(), in, 0)
	if err != nil {
		t.Fatal(err)
	}
	var c counts
	got := map[[2]string]facilitymatch.Decision{}
	for _, p := range pairs {
		k := pairKey(recs[p.A].ref, recs[p.B].ref)
		got[k] = p.Decision
		if partOf(k[0], k[1]) != part {
			continue
		}
		same := cluster[k[0]] == cluster[k[1]]
		switch p.Decision {
		case facilitymatch.Same:
			c.predSame++
			if same {
				c.truePosSame++
			}
		case facilitymatch.Review:
			c.predReview++
			if same {
				c.truePosReview++
			}
		}
	}
	members := map[string][]int{}
	for i, r := range recs {
		members[cluster[r.ref]] = append(members[cluster[r.ref]], i)
	}
	for _, ms := range members {
		for x := range ms {
			for y := x + 1; y < len(ms); y++ {
				k := pairKey(recs[ms[x]].ref, recs[ms[y]].ref)
				if partOf(k[0], k[1]) == part {
					c.positives++
				}
			}
		}
	}
	// The baseline: every pair sharing a name word, kept when its words
	// overlap by half (baseline), from an index of the words.
	words := make([]map[string]bool, len(recs))
	byWord := map[string][]int{}
	for i, r := range recs {
		words[i] = nameWords(r.rec.Name)
		for w := range words[i] {
			byWord[w] = append(byWord[w], i)
		}
	}
	seen := map[[2]int]bool{}
	for _, is := range byWord {
		for x := range is {
			for y := x + 1; y < len(is); y++ {
				i, j := is[x], is[y]
				if seen[[2]int{i, j}] {
					continue
				}
				seen[[2]int{i, j}] = true
				k := pairKey(recs[i].ref, recs[j].ref)
				if partOf(k[0], k[1]) != part || !overlapsByHalf(words[i], words[j]) {
					continue
				}
				c.baselinePred++
				if cluster[k[0]] == cluster[k[1]] {
					c.baselineTruePo++
				}
			}
		}
	}
	return c
}

var baselineWord = regexp.MustCompile(`[\p{L}\p{N}]+`)

// baseline is the token-overlap matcher the issue measured: same country
// and a Jaccard overlap of lower-cased name words of at least one half.
func baseline(a, b facilitymatch.Record) bool {
	return a.Country == b.Country && overlapsByHalf(nameWords(a.Name), nameWords(b.Name))
}

// nameWords are the lower-cased words of a name, as the baseline sees them.
func nameWords(name string) map[string]bool {
	out := map[string]bool{}
	for _, w := range baselineWord.FindAllString(strings.ToLower(name), -1) {
		out[w] = true
	}
	return out
}

// overlapsByHalf reports a Jaccard overlap of at least one half.
func overlapsByHalf(wa, wb map[string]bool) bool {
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	union := len(wa) + len(wb) - inter
	return union > 0 && float64(inter)/float64(union) >= 0.5
}

// matchByRef runs the matcher (blocking included) over recs and returns
// the pairs it proposes keyed by their two refs, and the records by ref.
func matchByRef(t *testing.T, m *facilitymatch.Matcher, recs []listRecord) (map[[2]string]facilitymatch.Pair, map[string]facilitymatch.Record) {
	t.Helper()
	in := make([]facilitymatch.Record, len(recs))
	byRef := map[string]facilitymatch.Record{}
	for i, r := range recs {
		in[i] = r.rec
		byRef[r.ref] = r.rec
	}
	pairs, err := m.Match(context.Background(), in, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := map[[2]string]facilitymatch.Pair{}
	for _, p := range pairs {
		found[pairKey(recs[p.A].ref, recs[p.B].ref)] = p
	}
	return found, byRef
}

func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// evaluate runs the matcher (blocking included) over recs and tallies its
// pairs against labels, for one part. When exhaustive, pairs the matcher
// proposes that are not labelled count as wrong (the labelled candidates
// were drawn more widely than the matcher's blocks, see SOURCE.md);
// otherwise they are not counted.
func evaluate(t *testing.T, m *facilitymatch.Matcher, recs []listRecord, labels []labelled, part string, exhaustive bool) counts {
	t.Helper()
	found, byRef := matchByRef(t, m, recs)
	got := map[[2]string]facilitymatch.Decision{}
	for k, p := range found {
		got[k] = p.Decision
	}
	var c counts
	known := map[[2]string]bool{}
	for _, l := range labels {
		k := pairKey(l.a, l.b)
		known[k] = true
		if l.part != part || l.label == "unsure" {
			continue
		}
		ra, okA := byRef[l.a]
		rb, okB := byRef[l.b]
		if !okA || !okB {
			t.Fatalf("labelled pair %s / %s names a record that is not in the data", l.a, l.b)
		}
		if l.same {
			c.positives++
		}
		switch got[k] {
		case facilitymatch.Same:
			c.predSame++
			if l.same {
				c.truePosSame++
			}
		case facilitymatch.Review:
			c.predReview++
			if l.same {
				c.truePosReview++
			}
		}
		if baseline(ra, rb) {
			c.baselinePred++
			if l.same {
				c.baselineTruePo++
			}
		}
	}
	if exhaustive {
		for k, d := range got {
			if known[k] || partOf(k[0], k[1]) != part && partOf(k[1], k[0]) != part {
				continue
			}
			if partOf(k[0], k[1]) != part {
				continue
			}
			switch d {
			case facilitymatch.Same:
				c.predSame++
			case facilitymatch.Review:
				c.predReview++
			}
		}
		// The baseline's own unlabelled proposals count against it too.
		for i := range recs {
			for j := i + 1; j < len(recs); j++ {
				k := pairKey(recs[i].ref, recs[j].ref)
				if known[k] || partOf(k[0], k[1]) != part || !baseline(recs[i].rec, recs[j].rec) {
					continue
				}
				c.baselinePred++
			}
		}
	}
	return c
}

// TestEvaluation measures precision and recall per decision on both parts
// of the evaluation set, beside the token-overlap baseline. The targets are
// precision of "same" at least 0.97 and recall of "same" plus "review" at
// least 0.85. The tuning part is held to them. The test part is held to
// what was measured once after tuning: on the Open Supply Hub pairs 0.955
// precision (21 of 22: one wrong merge) and 0.95 recall; on the Chicago
// centres 0.989 precision (1,799 of 1,819) and 0.887 recall; on the
// sample of Open Supply Hub's moderator-labelled pairs of 2026, measured
// before any rule was changed for them, 0.979 precision (279 of 285) and
// 0.992 recall, held to the targets (docs/matching.md). A change that
// makes the matcher worse on unseen pairs fails here; nothing is tuned on
// the test part.
func TestEvaluation(t *testing.T) {
	m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	lists := loadLists(t)
	listLabels := loadListLabels(t)
	trainRecs, trainLabels := loadTraining(t)
	chicago, cluster := loadChicago(t)
	moderated, moderatedLabels := loadModeratedPairs(t)
	type want struct{ precision, recall float64 }
	wants := map[string]map[string]want{
		"tuning": {"osh": {0.97, 0.85}, "chicago": {0.97, 0.85}, "moderated": {0.97, 0.85}},
		"test":   {"osh": {0.95, 0.85}, "chicago": {0.98, 0.85}, "moderated": {0.97, 0.85}},
	}
	for _, part := range []string{"tuning", "test"} {
		lc := evaluate(t, m, lists, listLabels, part, true)
		tc := evaluate(t, m, trainRecs[part], trainLabels, part, false)
		cc := evaluateClusters(t, m, chicago, cluster, part)
		mc := evaluate(t, m, moderated[part], moderatedLabels, part, false)
		var osh, all counts
		osh.add(lc)
		osh.add(tc)
		all.add(osh)
		all.add(cc)
		t.Logf("%-6s lists:    %v", part, lc)
		t.Logf("%-6s training: %v", part, tc)
		t.Logf("%-6s osh:      %v", part, osh)
		t.Logf("%-6s chicago:  %v", part, cc)
		t.Logf("%-6s moderated 2026: %v", part, mc)
		t.Logf("%-6s all:      %v", part, all)
		for name, c := range map[string]counts{"osh": osh, "chicago": cc, "moderated": mc} {
			w := wants[part][name]
			precision := float64(c.truePosSame) / float64(max(1, c.predSame))
			recall := float64(c.truePosSame+c.truePosReview) / float64(max(1, c.positives))
			if precision < w.precision {
				t.Errorf("%s part, %s: precision of same is %.3f, want at least %.2f", part, name, precision, w.precision)
			}
			if recall < w.recall {
				t.Errorf("%s part, %s: recall of same+review is %.3f, want at least %.2f", part, name, recall, w.recall)
			}
		}
	}
}

// TestReviewCapKeepsTuningRecall shows, on the tuning part only, what
// capping the review pairs per record costs in recall, which is how
// DefaultReviewCap was chosen: on the Open Supply Hub pairs the default
// must lose nothing, and on the Chicago centres, where one centre is
// listed by up to nine sources, it must keep recall at the target.
func TestReviewCapKeepsTuningRecall(t *testing.T) {
	base, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	lists := loadLists(t)
	listLabels := loadListLabels(t)
	trainRecs, trainLabels := loadTraining(t)
	chicago, cluster := loadChicago(t)
	recall := func(c counts) float64 {
		return float64(c.truePosSame+c.truePosReview) / float64(max(1, c.positives))
	}
	osh := func(m *facilitymatch.Matcher) counts {
		var all counts
		all.add(evaluate(t, m, lists, listLabels, "tuning", true))
		all.add(evaluate(t, m, trainRecs["tuning"], trainLabels, "tuning", false))
		return all
	}
	uncapped := recall(osh(base.WithReviewCap(0)))
	for _, k := range []int{1, 2, 3, 4, 5, 6, facilitymatch.DefaultReviewCap} {
		m := base.WithReviewCap(k)
		o, c := osh(m), evaluateClusters(t, m, chicago, cluster, "tuning")
		t.Logf("tuning, at most %d review pairs per record: Open Supply Hub recall of same+review %.3f (uncapped %.3f), %d review pairs; Chicago recall %.3f, review precision %.3f",
			k, recall(o), uncapped, o.predReview, recall(c), float64(c.truePosReview)/float64(max(1, c.predReview)))
		if k != facilitymatch.DefaultReviewCap {
			continue
		}
		if recall(o) < uncapped {
			t.Errorf("the default cap of %d review pairs per record loses recall on the Open Supply Hub tuning part: %.3f against %.3f uncapped", k, recall(o), uncapped)
		}
		if recall(c) < 0.85 {
			t.Errorf("the default cap of %d review pairs per record keeps recall of %.3f on the Chicago tuning part, want at least 0.85", k, recall(c))
		}
	}
}
