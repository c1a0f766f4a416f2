package earlywarning

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// An alert's Source says in one English sentence what raised it; it is
// stored, delivered and answered by the API as written. The jobs that
// raise alerts write it through the types below, and ParseSource reads it
// back, so that a page in another language can say the same in its own
// words instead of showing the stored English.

// DetectorSource is a count anomaly found by a detector on the daily
// grievance counts: "earlywarning:nbcusum".
type DetectorSource struct{ Detector string }

func (s DetectorSource) String() string { return "earlywarning:" + s.Detector }

// ExposureSource is a supplier's exposure moving between two risk
// computations: "exposure 45.0 to 70.0".
type ExposureSource struct{ From, To float64 }

func (s ExposureSource) String() string { return fmt.Sprintf("exposure %.1f to %.1f", s.From, s.To) }

// CaseDueSource is a grievance case past the time of its stage: "stage
// triage due 2026-11-20". Stage is the stage's code, Due the day.
type CaseDueSource struct{ Stage, Due string }

func (s CaseDueSource) String() string { return fmt.Sprintf("stage %s due %s", s.Stage, s.Due) }

// ScreeningSource is a screening match a reviewer confirmed: the list's
// name and the listed entity's id on it.
type ScreeningSource struct{ List, Entity string }

func (s ScreeningSource) String() string { return "screening: " + s.List + " " + s.Entity }

// FloodSource is a flood of reports on one day against the usual daily
// count.
type FloodSource struct {
	Count int
	Day   string // YYYY-MM-DD
	Usual float64
}

func (s FloodSource) String() string {
	return fmt.Sprintf("%d grievance reports received on %s, against a usual %.0f a day: look at the inbox and mark junk as spam", s.Count, s.Day, s.Usual)
}

// SurveySource is a worker survey's answers getting worse between two
// rounds. Survey and Question are what the survey's authors wrote (the
// question in English); Indicator is the indicator's English label; From
// and To are the shares of concerning answers, 0 to 1, stored as whole
// per cents.
type SurveySource struct {
	Survey             string
	ToRound, FromRound int
	Indicator          string
	Question           string
	From, To           float64
}

func (s SurveySource) String() string {
	return fmt.Sprintf("survey %q, round %d against round %d: %s concerning answers to %q, from %.0f%% to %.0f%%",
		s.Survey, s.ToRound, s.FromRound, s.Indicator, s.Question, 100*s.From, 100*s.To)
}

var (
	detectorSource = regexp.MustCompile(`^earlywarning:([a-z0-9:_-]+)$`)
	exposureSource = regexp.MustCompile(`^exposure (-?\d+\.\d) to (-?\d+\.\d)$`)
	screenSource   = regexp.MustCompile(`^screening: (\S+) (\S+)$`)
	caseDueSource  = regexp.MustCompile(`^stage ([a-z_]+) due (\d{4}-\d{2}-\d{2})$`)
	floodSource    = regexp.MustCompile(`^(\d+) grievance reports received on (\d{4}-\d{2}-\d{2}), against a usual (\d+) a day: look at the inbox and mark junk as spam$`)
	goQuoted       = `("(?:[^"\\]|\\.)*")`
	surveySource   = regexp.MustCompile(`(?s)^survey ` + goQuoted + `, round (\d+) against round (\d+): (.+?) concerning answers to ` + goQuoted + `, from (\d+)% to (\d+)%$`)
)

// ParseSource reads a Source written through one of the types above and
// returns it as that type; any other text (a rule's signal source, a
// sentence from an older version) gives nil.
func ParseSource(s string) any {
	if m := detectorSource.FindStringSubmatch(s); m != nil {
		return DetectorSource{Detector: m[1]}
	}
	if m := exposureSource.FindStringSubmatch(s); m != nil {
		from, _ := strconv.ParseFloat(m[1], 64)
		to, _ := strconv.ParseFloat(m[2], 64)
		return ExposureSource{From: from, To: to}
	}
	if m := screenSource.FindStringSubmatch(s); m != nil {
		return ScreeningSource{List: m[1], Entity: m[2]}
	}
	if m := caseDueSource.FindStringSubmatch(s); m != nil {
		return CaseDueSource{Stage: m[1], Due: m[2]}
	}
	if m := floodSource.FindStringSubmatch(s); m != nil {
		n, err1 := strconv.Atoi(m[1])
		usual, err2 := strconv.ParseFloat(m[3], 64)
		if err1 == nil && err2 == nil {
			return FloodSource{Count: n, Day: m[2], Usual: usual}
		}
	}
	if m := surveySource.FindStringSubmatch(s); m != nil {
		title, err1 := strconv.Unquote(m[1])
		question, err2 := strconv.Unquote(m[5])
		to, err3 := strconv.Atoi(m[2])
		from, err4 := strconv.Atoi(m[3])
		fromShare, err5 := strconv.Atoi(m[6])
		toShare, err6 := strconv.Atoi(m[7])
		if err1 == nil && err2 == nil && err3 == nil && err4 == nil && err5 == nil && err6 == nil && !strings.Contains(m[4], "\n") {
			return SurveySource{Survey: title, ToRound: to, FromRound: from, Indicator: m[4], Question: question,
				From: float64(fromShare) / 100, To: float64(toShare) / 100}
		}
	}
	return nil
}
