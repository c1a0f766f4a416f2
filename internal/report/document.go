package report

import (
	"fmt"
	"strconv"
	"time"
	"unicode"
)

// Source is where a figure comes from: a dataset and edition, a method and
// its configuration, a questionnaire answer and its documents. N numbers
// sources in order of first use, for footnotes.
type Source struct {
	ID      string
	N       int
	Title   string
	Edition string
	Detail  string
}

// Figure is one number shown in a report, with what it measures and its
// source. A suppressed figure has no value: the true count is hidden.
type Figure struct {
	ID         string
	Section    string
	SubjectID  string
	Subject    string
	Measure    string
	Value      float64
	Text       string
	Unit       string
	Suppressed bool
	Source     *Source
}

// Raw is the value as a plain number for data attributes and annexes.
func (f *Figure) Raw() string {
	if f.Suppressed {
		return ""
	}
	return strconv.FormatFloat(f.Value, 'f', -1, 64)
}

// Cell is one table cell: a figure, fixed report text, or text that came
// from the user's data (names), which is isolated for bidirectional
// rendering and tagged with its script's language when it is clear.
type Cell struct {
	Text string
	Fig  *Figure
	User bool
	Lang string
}

// Table is a table of cells with its column headings.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
	// Empty is shown instead of the table when it has no rows.
	Empty string
}

// GradeBlock is the headline of a scorecard.
type GradeBlock struct {
	Grade       string
	Score       *Figure
	Scale       string
	ScaleReason string
	// NextGrade is the grade above ("" for A), reached with PointsToNext
	// more points.
	NextGrade    string
	PointsToNext *Figure
}

// Section is one part of a report.
type Section struct {
	ID        string
	Title     string
	Reference string // the provision a regulation-filtered section answers
	Paras     []string
	Grade     *GradeBlock
	Tables    []Table
}

// Document is a built report, ready for any format.
type Document struct {
	Kind        Kind
	Title       string
	Org         Org
	OrgLang     string
	GeneratedAt time.Time
	Period      string
	Regulation  *Requirement
	Sections    []Section
	Sources     []*Source
	Figures     []*Figure
	// sheets are the spreadsheet download's sheets before the figures
	// and sources (workSheets); the printed form has none.
	sheets []sheet
}

type builder struct {
	doc     *Document
	sources map[[3]string]*Source
	section string
}

func newBuilder(doc *Document) *builder {
	return &builder{doc: doc, sources: map[[3]string]*Source{}}
}

// source returns the source with these details, registering it on first
// use.
func (b *builder) source(title, edition, detail string) *Source {
	key := [3]string{title, edition, detail}
	if s, ok := b.sources[key]; ok {
		return s
	}
	n := len(b.doc.Sources) + 1
	s := &Source{ID: fmt.Sprintf("S%d", n), N: n, Title: title, Edition: edition, Detail: detail}
	b.sources[key] = s
	b.doc.Sources = append(b.doc.Sources, s)
	return s
}

func (b *builder) fig(subjectID, subject, measure string, v float64, text, unit string, src *Source) *Figure {
	f := &Figure{
		ID: fmt.Sprintf("F%d", len(b.doc.Figures)+1), Section: b.section,
		SubjectID: subjectID, Subject: subject, Measure: measure,
		Value: v, Text: text, Unit: unit, Source: src,
	}
	b.doc.Figures = append(b.doc.Figures, f)
	return f
}

func (b *builder) score(subjectID, subject, measure string, v float64, src *Source) Cell {
	return Cell{Fig: b.fig(subjectID, subject, measure, v, strconv.FormatFloat(v, 'f', 1, 64), "points of 100", src)}
}

func (b *builder) share(subjectID, subject, measure string, v float64, src *Source) Cell {
	return Cell{Fig: b.fig(subjectID, subject, measure, v, strconv.FormatFloat(100*v, 'f', 0, 64)+"%", "share", src)}
}

func (b *builder) number(subjectID, subject, measure string, v float64, unit string, src *Source) Cell {
	return Cell{Fig: b.fig(subjectID, subject, measure, v, strconv.FormatFloat(v, 'f', -1, 64), unit, src)}
}

func (b *builder) count(subjectID, subject, measure string, n int, src *Source) Cell {
	return Cell{Fig: b.fig(subjectID, subject, measure, float64(n), strconv.Itoa(n), "count", src)}
}

// hidden is a grievance figure withheld because it could point at a small
// group of people.
func (b *builder) hidden(subjectID, subject, measure, text string, src *Source) Cell {
	f := b.fig(subjectID, subject, measure, 0, text, "", src)
	f.Suppressed = true
	return Cell{Fig: f}
}

func text(s string) Cell { return Cell{Text: s} }

func user(s string) Cell { return Cell{Text: s, User: true, Lang: scriptLang(s)} }

func date(t time.Time) string {
	if t.IsZero() {
		return "not stated"
	}
	return t.Format("2006-01-02")
}

// scriptLang guesses a language tag from the script of a name, so browsers
// pick the right font and shaping: Arabic script is tagged "ar", Hebrew
// "he", Han without kana "zh", kana "ja", Hangul "ko". Only scripts where
// the tag changes glyphs or shaping are tagged; other text inherits the
// page's language.
func scriptLang(s string) string {
	var arabic, han, kana, hangul, hebrew bool
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic = true
		case unicode.Is(unicode.Hebrew, r):
			hebrew = true
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			kana = true
		case unicode.Is(unicode.Hangul, r):
			hangul = true
		case unicode.Is(unicode.Han, r):
			han = true
		}
	}
	switch {
	case arabic:
		return "ar"
	case hebrew:
		return "he"
	case kana:
		return "ja"
	case hangul:
		return "ko"
	case han:
		return "zh"
	}
	return ""
}
