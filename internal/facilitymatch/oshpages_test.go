package facilitymatch_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/facilitymatch"
)

// Open Supply Hub's moderator-labelled training set (training.json at
// commit e645994, 1,990,493 characters, about 6,000 pairs) could only be
// read in pages of 16,000 characters. The pages in
// testdata/osh_training_e645994 are verbatim slices of it, each named by
// its character offset: every page at a multiple of 64,000 (a stride fixed
// before anything was measured) and the page that holds the boundary
// between the "match" and "distinct" lists. A page starts and ends inside
// a pair; only the pairs a page holds whole are used.
//
// convertOSHPages turns the pages into the format of
// osh_dedupe_training.json (pairs of records with an id, name, address and
// country, under "match" and "distinct"). The committed conversion is
// checked against the pages on every run; -update-osh-pages rewrites it.

var updateOSHPages = flag.Bool("update-osh-pages", false, "rewrite testdata/osh_dedupe_training_e645994.json from the pages in testdata/osh_training_e645994")

const (
	oshPagesDir       = "testdata/osh_training_e645994"
	oshPagesConverted = "testdata/osh_dedupe_training_e645994.json"
	// oshPagesTotal is the length of training.json in characters, as the
	// store reported it; the last page must end exactly there.
	oshPagesTotal = 1990493
	oshPageLen    = 16000
	pairOpening   = `{"__class__": "tuple", "__value__": `
	distinctKey   = `"distinct": [`
)

type oshTuple struct {
	Class string       `json:"__class__"`
	Value [2]oshRecord `json:"__value__"`
}

// oshPage is one verbatim slice of training.json.
type oshPage struct {
	file   string
	offset int
	text   string
}

func readOSHPages(dir string) ([]oshPage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no pages", dir)
	}
	var pages []oshPage
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		off, err := strconv.Atoi(base)
		if err != nil {
			return nil, fmt.Errorf("%s: the name must be the page's character offset: %w", f, err)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		// The file is ASCII (the source escapes everything else), so
		// bytes are characters; a page that is not full length must end
		// the file.
		text := string(data)
		if len(text) != oshPageLen && off+len(text) != oshPagesTotal {
			return nil, fmt.Errorf("%s: %d characters, want %d (or the end of the file at %d)", f, len(text), oshPageLen, oshPagesTotal)
		}
		for i := 0; i < len(text); i++ {
			if text[i] >= 0x80 {
				return nil, fmt.Errorf("%s: byte %d is not ASCII; the pages are the escaped JSON text", f, i)
			}
		}
		pages = append(pages, oshPage{file: f, offset: off, text: text})
	}
	slices.SortFunc(pages, func(a, b oshPage) int { return a.offset - b.offset })
	return pages, nil
}

// oshPagePair is one whole pair found in a page, with its label.
type oshPagePair struct {
	at    int // character offset in training.json
	label string
	a, b  oshRecord
}

// pagePairs finds every whole pair in the pages and labels it by which
// list it is in: pairs before the "distinct" key are "match".
func pagePairs(pages []oshPage) ([]oshPagePair, error) {
	boundary := -1
	for _, p := range pages {
		if i := strings.Index(p.text, distinctKey); i >= 0 {
			if boundary >= 0 {
				return nil, fmt.Errorf("%s: a second %q", p.file, distinctKey)
			}
			boundary = p.offset + i
		}
	}
	if boundary < 0 {
		return nil, errors.New("no page holds the boundary between the match and distinct lists")
	}
	var out []oshPagePair
	for _, p := range pages {
		rest := p.text
		for pos := 0; ; {
			i := strings.Index(rest[pos:], pairOpening)
			if i < 0 {
				break
			}
			start := pos + i
			var t oshTuple
			dec := json.NewDecoder(strings.NewReader(rest[start:]))
			if err := dec.Decode(&t); err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					break // the page ends inside this pair
				}
				return nil, fmt.Errorf("%s: pair at character %d: %w", p.file, p.offset+start, err)
			}
			if t.Class != "tuple" {
				return nil, fmt.Errorf("%s: pair at character %d: class %q", p.file, p.offset+start, t.Class)
			}
			label := "match"
			if p.offset+start > boundary {
				label = "distinct"
			}
			out = append(out, oshPagePair{at: p.offset + start, label: label, a: t.Value[0], b: t.Value[1]})
			pos = start + int(dec.InputOffset())
		}
	}
	return out, nil
}

// recordID names a record by its content, so a record that appears in
// several pairs is one record.
func recordID(r oshRecord) string {
	sum := sha256.Sum256([]byte(r.Name + "\x00" + r.Address + "\x00" + r.Country))
	return "e645994:" + hex.EncodeToString(sum[:6])
}

type oshDoc map[string][]oshTuple

// convertOSHPages converts the pages to the format of
// osh_dedupe_training.json. A pair whose two records are the same text
// keeps them as two records (the second id gets "/2"); a pair listed twice
// is kept once; a pair listed under both labels is left out (and counted).
func convertOSHPages(dir string) (doc oshDoc, conflicting int, err error) {
	pages, err := readOSHPages(dir)
	if err != nil {
		return nil, 0, err
	}
	pairs, err := pagePairs(pages)
	if err != nil {
		return nil, 0, err
	}
	labelOf := map[[2]string]string{}
	conflict := map[[2]string]bool{}
	var order [][2]string
	recs := map[[2]string][2]oshRecord{}
	for _, p := range pairs {
		a, b := p.a, p.b
		a.ID, b.ID = recordID(a), recordID(b)
		if a.ID == b.ID {
			b.ID += "/2"
		}
		k := pairKey(a.ID, b.ID)
		if prev, ok := labelOf[k]; ok {
			if prev != p.label {
				conflict[k] = true
			}
			continue
		}
		labelOf[k] = p.label
		recs[k] = [2]oshRecord{a, b}
		order = append(order, k)
	}
	doc = oshDoc{"match": {}, "distinct": {}}
	for _, k := range order {
		if conflict[k] {
			continue
		}
		doc[labelOf[k]] = append(doc[labelOf[k]], oshTuple{Class: "tuple", Value: recs[k]})
	}
	return doc, len(conflict), nil
}

func marshalOSHDoc(doc oshDoc) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, label := range []string{"distinct", "match"} {
		fmt.Fprintf(&buf, "%q: [\n", label)
		for j, t := range doc[label] {
			line, err := json.Marshal(t)
			if err != nil {
				return nil, err
			}
			buf.Write(line)
			if j < len(doc[label])-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString("]")
		if i == 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// TestOSHPagesConvertToTheCommittedSet rebuilds the converted set from the
// verbatim pages and requires it to equal the committed file, so the
// evaluation set is always the reproducible conversion of its source.
func TestOSHPagesConvertToTheCommittedSet(t *testing.T) {
	sums, err := os.ReadFile(filepath.Join(oshPagesDir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS: line %q is not \"sum  name\"", line)
		}
		data, err := os.ReadFile(filepath.Join(oshPagesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: sha256 %x, SHA256SUMS records %s (the pages are verbatim copies and must not change)", name, got, sum)
		}
		listed++
	}
	if pages, _ := filepath.Glob(filepath.Join(oshPagesDir, "*.txt")); len(pages) != listed {
		t.Errorf("%d pages, SHA256SUMS lists %d", len(pages), listed)
	}
	doc, conflicting, err := convertOSHPages(oshPagesDir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := marshalOSHDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d match and %d distinct pairs; %d pairs listed under both labels left out", len(doc["match"]), len(doc["distinct"]), conflicting)
	if *updateOSHPages {
		if err := os.WriteFile(oshPagesConverted, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(oshPagesConverted)
	if err != nil {
		t.Fatalf("%v (go test ./internal/facilitymatch -run TestOSHPagesConvertToTheCommittedSet -update-osh-pages writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not the conversion of %s; rerun with -update-osh-pages", oshPagesConverted, oshPagesDir)
	}
}

// TestOSHPagesRejectBrokenPages shows the converter refuses a page that is
// not a verbatim slice, naming the file.
func TestOSHPagesRejectBrokenPages(t *testing.T) {
	for name, page := range map[string]string{
		"0000000.txt": `{"match": [` + strings.Repeat(" ", 100), // short, not the end
		"abc.txt":     strings.Repeat(" ", oshPageLen),
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := convertOSHPages(dir)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the page", name, err)
		}
	}
}

var listModeratedErrors = flag.Bool("moderated-errors", false, "list the wrong merges and misses on the tuning part of Open Supply Hub's moderator-labelled pairs of 2026")

// TestModeratedTuningErrors lists, for the tuning part only, the labelled
// distinct pairs the matcher merges, the labelled matches it does not
// propose, and those it only proposes for review, with their scores and
// reasons. It is how rules are examined; it never looks at the test part.
func TestModeratedTuningErrors(t *testing.T) {
	if !*listModeratedErrors {
		t.Skip("run with -moderated-errors")
	}
	m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	recs, labels := loadModeratedPairs(t)
	const part = "tuning"
	got, byRef := matchByRef(t, m, recs[part])
	show := func(kind string, l labelled) {
		a, b := byRef[l.a], byRef[l.b]
		p := m.Compare(a, b)
		t.Logf("%s score %.3f %v\n    %q | %q | %s\n    %q | %q", kind, p.Score, p.Reasons, a.Name, a.Address, a.Country, b.Name, b.Address)
	}
	for _, l := range labels {
		if l.part != part {
			continue
		}
		p, proposed := got[pairKey(l.a, l.b)]
		switch {
		case !l.same && proposed && p.Decision == facilitymatch.Same:
			show("WRONG MERGE", l)
		case l.same && !proposed:
			show("MISSED", l)
		case l.same && p.Decision == facilitymatch.Review:
			show("REVIEW ONLY", l)
		}
	}
}

var tuningOnly = flag.Bool("tuning-figures", false, "print the figures of the tuning parts only")

// TestTuningFigures prints the figures of every set's tuning part and
// nothing of the test parts, so rules can be compared without looking at
// the data they are tested on.
func TestTuningFigures(t *testing.T) {
	if !*tuningOnly {
		t.Skip("run with -tuning-figures")
	}
	m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	const part = "tuning"
	lists, listLabels := loadLists(t), loadListLabels(t)
	trainRecs, trainLabels := loadTraining(t)
	chicago, cluster := loadChicago(t)
	moderated, moderatedLabels := loadModeratedPairs(t)
	t.Logf("lists:          %v", evaluate(t, m, lists, listLabels, part, true))
	t.Logf("training 2019:  %v", evaluate(t, m, trainRecs[part], trainLabels, part, false))
	t.Logf("chicago:        %v", evaluateClusters(t, m, chicago, cluster, part))
	t.Logf("moderated 2026: %v", evaluate(t, m, moderated[part], moderatedLabels, part, false))
}
