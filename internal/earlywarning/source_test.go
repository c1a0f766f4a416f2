package earlywarning

import (
	"math"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// TestSourceReadsBackWhatWasWritten: every Source a job writes reads back
// as the same values, whatever a survey's authors put in its title and
// questions (quotes, commas, the words of the sentence itself, other
// scripts, line breaks).
func TestSourceReadsBackWhatWasWritten(t *testing.T) {
	for _, s := range []any{
		DetectorSource{Detector: "nbcusum"},
		DetectorSource{Detector: "threshold:watchlist-hit"},
		ExposureSource{From: 45, To: 70.5},
		ExposureSource{From: 80.2, To: -0.5},
		CaseDueSource{Stage: "triage", Due: "2026-11-20"},
		ScreeningSource{List: "uflpa", Entity: "e-123"},
		FloodSource{Count: 412, Day: "2026-11-19", Usual: 6},
		SurveySource{Survey: "Recruitment, documents and wages (demo)", ToRound: 2, FromRound: 1, Indicator: "Debt bondage",
			Question: "Did you pay a fee, or borrow money, to get this job?", From: 0.12, To: 0.45},
	} {
		if got := ParseSource(s.(interface{ String() string }).String()); !reflect.DeepEqual(got, s) {
			t.Errorf("%v read back as %#v", s, got)
		}
	}
	for _, other := range []string{"", "grievance triage counts", "Demo data: a new ILAB list edition is available", "exposure 45 to 70",
		"screening: uflpa", `survey "unterminated, round 2 against round 1: x concerning answers to "q", from 1% to 2%`} {
		if got := ParseSource(other); got != nil {
			t.Errorf("%q read as %#v", other, got)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		text := rapid.StringMatching(`(?s)[\PC\n"\\,:%]{0,40}`)
		s := SurveySource{
			Survey: text.Draw(t, "survey"), ToRound: rapid.IntRange(2, 50).Draw(t, "to"), FromRound: rapid.IntRange(1, 49).Draw(t, "from"),
			Indicator: rapid.StringMatching(`[A-Za-z][A-Za-z ,()-]{0,30}[a-z)]`).Draw(t, "indicator"), Question: text.Draw(t, "question"),
			From: float64(rapid.IntRange(0, 100).Draw(t, "from share")) / 100, To: float64(rapid.IntRange(0, 100).Draw(t, "to share")) / 100,
		}
		got, ok := ParseSource(s.String()).(SurveySource)
		if !ok {
			t.Fatalf("%s does not read back", s)
		}
		if got.Survey != s.Survey || got.Question != s.Question || got.Indicator != s.Indicator || got.ToRound != s.ToRound || got.FromRound != s.FromRound ||
			math.Abs(got.From-s.From) > 1e-9 || math.Abs(got.To-s.To) > 1e-9 {
			t.Fatalf("%s read back as %#v", s, got)
		}
	})
}
