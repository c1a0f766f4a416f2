package scorecard_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

var asOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func org() scorecard.Subject {
	return scorecard.Subject{Kind: scorecard.Organisation, ID: "org-1", Name: "Demo Brand"}
}

// weightsWith returns the default weights document changed by edit.
func weightsWith(t *testing.T, edit func(m map[string]any)) (scorecard.Weights, error) {
	t.Helper()
	var m map[string]any
	raw, err := json.Marshal(defaultDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return scorecard.ParseWeights("test.json", data)
}

func defaultDoc(t *testing.T) map[string]any {
	t.Helper()
	w := scorecard.DefaultWeights()
	items := map[string]any{}
	for id, iw := range w.Items {
		items[id] = map[string]any{"points": iw.Points, "effort": iw.Effort, "good": iw.Good, "bad": iw.Bad}
	}
	themes := map[string]any{}
	for k, v := range w.Themes {
		themes[string(k)] = v
	}
	return map[string]any{
		"version": w.Version,
		"themes":  themes,
		"evidence": map[string]any{
			"fresh_months": w.Evidence.FreshMonths, "expire_months": w.Evidence.ExpireMonths,
			"undocumented": w.Evidence.Undocumented,
			"answers":      map[string]any{"yes": 1.0, "partial": 0.5, "no": 0.0},
		},
		"items":            items,
		"scales":           map[string]any{"normal": w.Scales.Normal, "high_risk": w.Scales.HighRisk},
		"high_risk_levels": w.HighRiskLevels,
	}
}

func TestDefaultWeights(t *testing.T) {
	w := scorecard.DefaultWeights()
	if w.Origin != "embedded weights.json" || w.Version == "" {
		t.Fatalf("origin %q version %q", w.Origin, w.Version)
	}
	for _, k := range []scorecard.SubjectKind{scorecard.Supplier, scorecard.Organisation} {
		for _, it := range scorecard.Items(k) {
			if _, ok := w.Items[it.ID]; !ok {
				t.Errorf("item %s has no weight", it.ID)
			}
		}
	}
}

func TestParseWeightsErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"missing theme", func(m map[string]any) { delete(m["themes"].(map[string]any), "remedy") }, "themes.remedy"},
		{"unknown theme", func(m map[string]any) { m["themes"].(map[string]any)["luck"] = 3 }, "themes.luck"},
		{"negative theme", func(m map[string]any) { m["themes"].(map[string]any)["remedy"] = -1 }, "themes.remedy"},
		{"missing item", func(m map[string]any) { delete(m["items"].(map[string]any), "env.geolocation") }, "items.env.geolocation"},
		{"unknown item", func(m map[string]any) {
			m["items"].(map[string]any)["env.vibes"] = map[string]any{"points": 1, "effort": 1}
		}, "items.env.vibes"},
		{"bad effort", func(m map[string]any) {
			m["items"].(map[string]any)["env.geolocation"] = map[string]any{"points": 1, "effort": 7}
		}, "items.env.geolocation.effort"},
		{"threshold order", func(m map[string]any) {
			m["items"].(map[string]any)["grievance.acknowledge"] = map[string]any{"points": 1, "effort": 1, "good": 30, "bad": 7}
		}, "items.grievance.acknowledge.bad"},
		{"expiry before fresh", func(m map[string]any) { m["evidence"].(map[string]any)["expire_months"] = 6 }, "evidence.expire_months"},
		{"undocumented above 1", func(m map[string]any) { m["evidence"].(map[string]any)["undocumented"] = 1.5 }, "evidence.undocumented"},
		{"partial above yes", func(m map[string]any) {
			m["evidence"].(map[string]any)["answers"] = map[string]any{"yes": 0.4, "partial": 0.5, "no": 0}
		}, "evidence.answers"},
		{"scale order", func(m map[string]any) {
			m["scales"].(map[string]any)["normal"] = map[string]any{"A": 50, "B": 65, "C": 40, "D": 30}
		}, "scales.normal"},
		{"high risk laxer", func(m map[string]any) {
			m["scales"].(map[string]any)["high_risk"] = map[string]any{"A": 70, "B": 60, "C": 45, "D": 30}
		}, "scales.high_risk"},
		{"bad level", func(m map[string]any) { m["high_risk_levels"] = []string{"scary"} }, "high_risk_levels"},
		{"unknown field", func(m map[string]any) { m["weigths"] = 1 }, "weigths"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := weightsWith(t, tc.edit)
			if err == nil {
				t.Fatal("no error")
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code %s, want invalid", kernel.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %s", err, tc.field)
			}
		})
	}
	for _, bad := range []string{"", "{", `{"version":"1"} {}`} {
		if _, err := scorecard.ParseWeights("x.json", []byte(bad)); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("ParseWeights(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestScaleBoundaries(t *testing.T) {
	w := scorecard.DefaultWeights()
	for _, sc := range []struct {
		name  string
		scale scorecard.Scale
	}{{"normal", w.Scales.Normal}, {"high_risk", w.Scales.HighRisk}} {
		for _, g := range []scorecard.Grade{scorecard.GradeA, scorecard.GradeB, scorecard.GradeC, scorecard.GradeD} {
			min := sc.scale.Min(g)
			below := map[scorecard.Grade]scorecard.Grade{"A": "B", "B": "C", "C": "D", "D": "F"}[g]
			t.Run(fmt.Sprintf("%s/%s", sc.name, g), func(t *testing.T) {
				if got := sc.scale.Grade(min); got != g {
					t.Errorf("Grade(%v) = %s, want %s", min, got, g)
				}
				if got := sc.scale.Grade(min - 0.1); got != below {
					t.Errorf("Grade(%v) = %s, want %s", min-0.1, got, below)
				}
			})
		}
	}
}

// volumeOnly is a method in which the score is 100 x the traced volume
// share, so a test can put a scorecard exactly on any boundary.
func volumeOnly(t *testing.T) scorecard.Weights {
	t.Helper()
	w, err := weightsWith(t, func(m map[string]any) {
		for k := range m["themes"].(map[string]any) {
			m["themes"].(map[string]any)[k] = 0
		}
		m["themes"].(map[string]any)["traceability"] = 1
		for id, v := range m["items"].(map[string]any) {
			v.(map[string]any)["points"] = 0
			if id == "trace.volume" {
				v.(map[string]any)["points"] = 1
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestMethodGradeBoundaries(t *testing.T) {
	w := volumeOnly(t)
	scales := []struct {
		name  string
		level risk.Level
		scale scorecard.Scale
		want  scorecard.ScaleName
	}{
		{"normal", risk.Low, w.Scales.Normal, scorecard.NormalScale},
		{"normal medium risk", risk.Medium, w.Scales.Normal, scorecard.NormalScale},
		{"high_risk", risk.High, w.Scales.HighRisk, scorecard.HighRiskScale},
		{"critical", risk.Critical, w.Scales.HighRisk, scorecard.HighRiskScale},
	}
	below := map[scorecard.Grade]scorecard.Grade{"A": "B", "B": "C", "C": "D", "D": "F"}
	for _, s := range scales {
		for _, g := range []scorecard.Grade{"A", "B", "C", "D"} {
			min := s.scale.Min(g)
			for _, tc := range []struct {
				score float64
				want  scorecard.Grade
			}{{min, g}, {min - 0.1, below[g]}, {min + 0.1, g}} {
				t.Run(fmt.Sprintf("%s/%s/%.1f", s.name, g, tc.score), func(t *testing.T) {
					sc, err := w.Score(scorecard.Evidence{
						Subject: org(), AsOf: asOf,
						Held: scorecard.Held{
							Traceability: &scorecard.TraceabilityEvidence{Volume: tc.score / 100},
							Risk:         &scorecard.RiskEvidence{Inherent: 60, Level: s.level},
						},
					})
					if err != nil {
						t.Fatal(err)
					}
					if sc.Scale != s.want {
						t.Errorf("scale %s, want %s", sc.Scale, s.want)
					}
					if sc.Score != tc.score || sc.Grade != tc.want {
						t.Errorf("score %v grade %s, want %v %s", sc.Score, sc.Grade, tc.score, tc.want)
					}
				})
			}
		}
	}
	t.Run("F at zero and A at 100", func(t *testing.T) {
		for _, v := range []float64{0, 1} {
			sc, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{
				Traceability: &scorecard.TraceabilityEvidence{Volume: v},
				Risk:         &scorecard.RiskEvidence{Level: risk.Low}}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[float64]scorecard.Grade{0: "F", 1: "A"}[v]
			if sc.Grade != want {
				t.Errorf("volume %v: grade %s, want %s", v, sc.Grade, want)
			}
		}
	})
	t.Run("unknown risk takes the stricter scale", func(t *testing.T) {
		sc, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{
			Traceability: &scorecard.TraceabilityEvidence{Volume: w.Scales.Normal.A / 100}}})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Scale != scorecard.HighRiskScale || sc.Grade == scorecard.GradeA {
			t.Errorf("scale %s grade %s: unknown risk must not be graded on the normal scale", sc.Scale, sc.Grade)
		}
		if !strings.Contains(sc.ScaleReason.String(), "not known") {
			t.Errorf("reason %q", sc.ScaleReason)
		}
	})
}

func TestNoEvidenceIsF(t *testing.T) {
	for _, k := range []scorecard.SubjectKind{scorecard.Supplier, scorecard.Organisation} {
		sc, err := scorecard.DefaultWeights().Score(scorecard.Evidence{
			Subject: scorecard.Subject{Kind: k, ID: "x"}, AsOf: asOf,
			Held: scorecard.Held{Risk: &scorecard.RiskEvidence{Level: risk.Low}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Score != 0 || sc.Grade != scorecard.GradeF {
			t.Errorf("%s: score %v grade %s, want 0 F", k, sc.Score, sc.Grade)
		}
		if len(sc.Missing) != len(scorecard.Items(k)) {
			t.Errorf("%s: %d missing, want every item (%d)", k, len(sc.Missing), len(scorecard.Items(k)))
		}
		if len(sc.Raised) != 0 {
			t.Errorf("%s: raised by %v with no evidence", k, sc.Raised)
		}
	}
}

func TestEvidenceAge(t *testing.T) {
	w := scorecard.DefaultWeights()
	months := func(n int) time.Time { return asOf.AddDate(0, -n, 0) }
	doc := func(d time.Time) []scorecard.Document {
		return []scorecard.Document{{Name: "Policy", Reference: "POL-1", Date: d}}
	}
	tests := []struct {
		name   string
		answer scorecard.Answer
		status scorecard.Status
		credit float64
	}{
		{"fresh document", scorecard.Answer{Response: "yes", AnsweredOn: months(1), Documents: doc(months(2))}, scorecard.StatusFull, 1},
		{"partial", scorecard.Answer{Response: "partial", AnsweredOn: months(1), Documents: doc(months(2))}, scorecard.StatusPartial, 0.5},
		{"no", scorecard.Answer{Response: "no", AnsweredOn: months(1), Documents: doc(months(2))}, scorecard.StatusNone, 0},
		{"undocumented", scorecard.Answer{Response: "yes", AnsweredOn: months(1)}, scorecard.StatusUndocumented, 0.5},
		{"document at the fresh limit", scorecard.Answer{Response: "yes", AnsweredOn: months(1), Documents: doc(asOf.Add(-12 * 730 * time.Hour))}, scorecard.StatusFull, 1},
		{"document half way to expiry", scorecard.Answer{Response: "yes", AnsweredOn: months(1), Documents: doc(asOf.Add(-time.Duration(24 * 730.5 * float64(time.Hour))))}, scorecard.StatusAged, 0.5},
		{"expired document falls back to the self-declaration", scorecard.Answer{Response: "yes", AnsweredOn: months(1), Documents: doc(months(40))}, scorecard.StatusUndocumented, 0.5},
		{"everything expired", scorecard.Answer{Response: "yes", AnsweredOn: months(37), Documents: doc(months(40))}, scorecard.StatusExpired, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.answer.QuestionID = "policy.forced_labour"
			sc, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{tc.answer}})
			if err != nil {
				t.Fatal(err)
			}
			r := item(t, sc, "policy.forced_labour")
			if r.Status != tc.status || math.Abs(r.Credit-tc.credit) > 1e-9 {
				t.Errorf("status %s credit %v, want %s %v (%s)", r.Status, r.Credit, tc.status, tc.credit, r.Detail)
			}
		})
	}
}

func item(t *testing.T, sc scorecard.Scorecard, id string) scorecard.ItemResult {
	t.Helper()
	for _, ts := range sc.Themes {
		for _, r := range ts.Items {
			if r.ID == id {
				return r
			}
		}
	}
	t.Fatalf("item %s not in scorecard", id)
	return scorecard.ItemResult{}
}

func TestAnswerHistory(t *testing.T) {
	w := scorecard.DefaultWeights()
	doc := []scorecard.Document{{Name: "Code", Date: asOf.AddDate(0, -3, 0)}}
	answers := []scorecard.Answer{
		{QuestionID: "policy.forced_labour", Response: "no", AnsweredOn: asOf.AddDate(-1, 0, 0)},
		{QuestionID: "policy.forced_labour", Response: "yes", AnsweredOn: asOf.AddDate(0, -2, 0), Documents: doc},
		{QuestionID: "policy.forced_labour", Response: "no", AnsweredOn: asOf.AddDate(0, 1, 0)}, // after the scorecard date
	}
	sc, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	if r := item(t, sc, "policy.forced_labour"); r.Status != scorecard.StatusFull {
		t.Errorf("status %s, want the newest answer on or before the date to count (%s)", r.Status, r.Detail)
	}
	past, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf.AddDate(0, -6, 0), Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	if r := item(t, past, "policy.forced_labour"); r.Status != scorecard.StatusNone {
		t.Errorf("past status %s, want the answer of that time", r.Status)
	}
}

func TestExplanation(t *testing.T) {
	sc := demo(t)
	var raised, lowered, max float64
	for _, r := range sc.Raised {
		raised += r.Points
	}
	for _, r := range sc.Lowered {
		if r.Points >= 0 {
			t.Errorf("lowered %s has points %v", r.ItemID, r.Points)
		}
		lowered -= r.Points
	}
	for _, ts := range sc.Themes {
		for _, r := range ts.Items {
			max += r.Max
		}
	}
	// Each item is raising or lowering, never both: a raising item's
	// missing points are among the next steps, which with the score make
	// up the whole 100.
	if raised > sc.Score+0.05 || lowered > 100-sc.Score+0.05 {
		t.Errorf("raised %v and lowered %v do not fit the score %v", raised, lowered, sc.Score)
	}
	gain := 0.0
	for _, s := range sc.Next {
		gain += s.Gain
	}
	if math.Abs(sc.Score+gain-100) > 0.05 || math.Abs(max-100) > 1e-6 {
		t.Errorf("score %v + next steps %v = %v, max %v: want 100", sc.Score, gain, sc.Score+gain, max)
	}
	seen := map[string]bool{}
	for _, r := range append(append([]scorecard.Reason(nil), sc.Raised...), sc.Lowered...) {
		if seen[r.ItemID] {
			t.Errorf("%s is listed as raising and lowering the score", r.ItemID)
		}
		seen[r.ItemID] = true
	}
	if len(sc.Missing) == 0 {
		t.Error("missing evidence is not listed")
	}
	for i := 1; i < len(sc.Next); i++ {
		a, b := sc.Next[i-1], sc.Next[i]
		if a.Effort > b.Effort || (a.Effort == b.Effort && a.Gain < b.Gain) {
			t.Errorf("next steps out of order at %d: %+v before %+v", i, a, b)
		}
	}
	for _, s := range sc.Next {
		if s.Action.IsZero() || s.Gain <= 0 {
			t.Errorf("step %+v has no action or gain", s)
		}
	}
	if sc.NextGrade == "" || sc.PointsToNext <= 0 {
		t.Errorf("next grade %q needs %v points", sc.NextGrade, sc.PointsToNext)
	}
}

func TestEvidenceErrors(t *testing.T) {
	w := scorecard.DefaultWeights()
	ok := scorecard.Answer{QuestionID: "policy.forced_labour", Response: "yes", AnsweredOn: asOf.AddDate(0, -1, 0)}
	tests := []struct {
		name  string
		ev    scorecard.Evidence
		field string
	}{
		{"kind", scorecard.Evidence{Subject: scorecard.Subject{Kind: "brand", ID: "x"}, AsOf: asOf}, "subject.kind"},
		{"id", scorecard.Evidence{Subject: scorecard.Subject{Kind: scorecard.Supplier}, AsOf: asOf}, "subject.id"},
		{"as of", scorecard.Evidence{Subject: org()}, "as_of"},
		{"question", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{{QuestionID: "nope", Response: "yes", AnsweredOn: asOf}}}, "answers[0].question_id"},
		{"question for the wrong subject", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{{QuestionID: "purchasing.wages", Response: "yes", AnsweredOn: asOf}}}, "answers[0].question_id"},
		{"held measure answered", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{{QuestionID: "trace.volume", Response: "yes", AnsweredOn: asOf}}}, "answers[0].question_id"},
		{"response", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{ok, {QuestionID: "policy.forced_labour", Response: "maybe", AnsweredOn: asOf}}}, "answers[1].response"},
		{"answer date", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{{QuestionID: "policy.forced_labour", Response: "yes"}}}, "answers[0].answered_on"},
		{"document name", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{{QuestionID: "policy.forced_labour", Response: "yes", AnsweredOn: asOf, Documents: []scorecard.Document{{Date: asOf}}}}}, "answers[0].documents[0].name"},
		{"document after answer", scorecard.Evidence{Subject: org(), AsOf: asOf, Answers: []scorecard.Answer{{QuestionID: "policy.forced_labour", Response: "yes", AnsweredOn: asOf, Documents: []scorecard.Document{{Name: "x", Date: asOf.AddDate(0, 0, 1)}}}}}, "answers[0].documents[0].date"},
		{"share", scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Traceability: &scorecard.TraceabilityEvidence{Tier2: 1.5}}}, "traceability.tier2"},
		{"nan share", scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Traceability: &scorecard.TraceabilityEvidence{Volume: math.NaN()}}}, "traceability.volume"},
		{"screened", scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Screening: &scorecard.ScreeningEvidence{Parties: 2, Screened: 3}}}, "screening.screened"},
		{"median", scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Grievance: &scorecard.GrievanceEvidence{Cases: 1, MedianDaysToAcknowledge: -1}}}, "grievance.median_days_to_acknowledge"},
		{"accepted", scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Grievance: &scorecard.GrievanceEvidence{RemediesProposed: 1, RemediesAccepted: 2}}}, "grievance.remedies_accepted"},
		{"risk level", scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{Risk: &scorecard.RiskEvidence{Level: "extreme"}}}, "risk.level"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Score(tc.ev)
			var fe *scorecard.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("error %v, want a field error on %s", err, tc.field)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code %s", kernel.ErrorCode(err))
			}
		})
	}
	if _, err := (scorecard.Weights{}).Score(scorecard.Evidence{Subject: org(), AsOf: asOf}); err == nil {
		t.Error("zero weights scored without error")
	}
}

func TestTrend(t *testing.T) {
	w := scorecard.DefaultWeights()
	mk := func(at time.Time, volume float64) scorecard.Scorecard {
		sc, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: at, Held: scorecard.Held{
			Traceability: &scorecard.TraceabilityEvidence{Volume: volume}, Risk: &scorecard.RiskEvidence{Level: risk.Low}}})
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	later, earlier := mk(asOf, 0.9), mk(asOf.AddDate(0, -6, 0), 0.1)
	changes, err := scorecard.Trend([]scorecard.Scorecard{later, earlier})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Delta <= 0 || !changes[0].From.Before(changes[0].To) {
		t.Fatalf("changes %+v", changes)
	}
	var tr *scorecard.ThemeChange
	for i := range changes[0].Themes {
		if changes[0].Themes[i].Theme == scorecard.Traceability {
			tr = &changes[0].Themes[i]
		}
	}
	if tr == nil || tr.Delta <= 0 {
		t.Errorf("traceability change %+v", tr)
	}
	other := later
	other.Subject.ID = "someone-else"
	if _, err := scorecard.Compare(earlier, other); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("comparing different subjects: %v", err)
	}
}

func TestSmallGrievanceCountsStayOutOfDetails(t *testing.T) {
	w := scorecard.DefaultWeights()
	sc, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf, Held: scorecard.Held{
		Grievance: &scorecard.GrievanceEvidence{Cases: 3, MedianDaysToAcknowledge: 2, RemediesProposed: 3, RemediesAccepted: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"grievance.acknowledge", "remedy.accepted"} {
		r := item(t, sc, id)
		for _, leak := range []string{"2 of 3", "2.0 days", "3 cases"} {
			if strings.Contains(r.Detail.String(), leak) {
				t.Errorf("%s detail %q shows a figure from fewer than 5 cases", id, r.Detail)
			}
		}
		if r.Credit <= 0 {
			t.Errorf("%s earned nothing: withholding a count must not change the score", id)
		}
	}
}
