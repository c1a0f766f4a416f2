package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
)

// demoSourcePrefix starts the Source of the demo's alerts ("Demo data:
// ..."); what follows is read like any other Source.
const demoSourcePrefix = "Demo data: "

// fixedSources are the fixed sentences Upstream writes as a Source, kept
// here so that the catalogs translate them.
var fixedSources = []string{
	translatable("exposure rose after a reference-data update"),
	translatable("a new ILAB list edition is available"),
	translatable("grievance triage counts"),
}

// alertSource says what raised an alert in the page's language: the
// stored English sentence read back (earlywarning.ParseSource) and said
// again through the catalog. The survey's title and question are its
// authors' words: they are quoted as written, marked as such (and the
// question as English, the language the alert keeps it in). A Source
// Upstream cannot read is shown as written, marked as English.
func (l *locale) alertSource(src string) template.HTML {
	if rest, ok := strings.CutPrefix(src, demoSourcePrefix); ok {
		return fillMark(escText(l.tr("%v (demo data)", wordsMark)), wordsMark, l.alertSource(rest))
	}
	for _, f := range fixedSources {
		if src == f {
			return escText(l.tr(f))
		}
	}
	switch s := earlywarning.ParseSource(src).(type) {
	case earlywarning.DetectorSource:
		return escText(l.tr("the daily count of grievance reports, read by the %v", detectorLabel(l, s.Detector)))
	case earlywarning.ScreeningSource:
		return escText(l.tr("a match on %v that a reviewer confirmed", l.label(s.List)))
	case earlywarning.ExposureSource:
		return escText(l.tr("exposure from %v to %v", l.points(s.From), l.points(s.To)))
	case earlywarning.CaseDueSource:
		due, err := time.Parse(time.DateOnly, s.Due)
		if err != nil {
			break
		}
		return escText(l.tr("the stage “%v” was due on %v", grievance.StageLabel(grievance.Stage(s.Stage), l.Code), l.date(due)))
	case earlywarning.FloodSource:
		day, err := time.Parse(time.DateOnly, s.Day)
		if err != nil {
			break
		}
		return escText(l.tr("%v grievance reports received on %v, against a usual %v a day: look at the inbox and mark junk as spam",
			l.count(s.Count), l.date(day), l.num(s.Usual)))
	case earlywarning.SurveySource:
		indicator := s.Indicator
		for _, c := range grievance.Categories() {
			if grievance.Label(c, "en") == s.Indicator {
				indicator = grievance.Label(c, l.Code)
			}
		}
		sentence := escText(l.tr("survey “%v”, round %v against round %v: %v concerning answers to “%v”, from %v to %v",
			wordsMark, s.ToRound, s.FromRound, indicator, questionMark, l.percent(s.From), l.percent(s.To)))
		sentence = fillMark(sentence, wordsMark, template.HTML(`<span class="text" dir="auto">`+template.HTMLEscapeString(s.Survey)+`</span>`))
		return fillMark(sentence, questionMark, template.HTML(`<span class="text" lang="en">`+template.HTMLEscapeString(s.Question)+`</span>`))
	}
	return template.HTML(`<span lang="en">` + template.HTMLEscapeString(src) + `</span>`)
}

// escText is text for a page, with what could open markup escaped.
func escText(s string) template.HTML { return template.HTML(markupEscaper.Replace(s)) }

// wordsMark and questionMark stand in a sentence for what fillMark puts
// there; no catalog message holds them.
const (
	wordsMark    = "\x00"
	questionMark = "\x01"
)

// fillMark puts markup where a translated sentence (already escaped)
// holds mark, an argument that stood for people's own words.
func fillMark(sentence template.HTML, mark string, with template.HTML) template.HTML {
	return template.HTML(strings.Replace(string(sentence), mark, string(with), 1))
}
