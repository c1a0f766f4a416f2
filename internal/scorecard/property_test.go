package scorecard_test

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// demo is a part-evidenced organisation: some documented answers, some
// old, some missing, and most held evidence.
func demo(t *testing.T) scorecard.Scorecard {
	t.Helper()
	sc, err := scorecard.DefaultWeights().Score(demoEvidence())
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func demoEvidence() scorecard.Evidence {
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC) }
	return scorecard.Evidence{
		Subject: org(), AsOf: asOf,
		Answers: []scorecard.Answer{
			{QuestionID: "policy.forced_labour", Response: "yes", AnsweredOn: d(2026, 3, 1),
				Documents: []scorecard.Document{{Name: "Human rights policy", Reference: "HR-POL-3", Date: d(2026, 1, 15)}}},
			{QuestionID: "policy.supplier_code", Response: "yes", AnsweredOn: d(2026, 3, 1),
				Documents: []scorecard.Document{{Name: "Supplier code", Reference: "SCOC-2", Date: d(2024, 2, 1)}}},
			{QuestionID: "policy.employer_pays", Response: "partial", AnsweredOn: d(2026, 3, 1)},
			{QuestionID: "monitoring.audits", Response: "yes", AnsweredOn: d(2026, 4, 2),
				Documents: []scorecard.Document{{Name: "Audit summary", Reference: "AUD-2026-04", Date: d(2026, 4, 1)}}},
			{QuestionID: "voice.mechanism", Response: "yes", AnsweredOn: d(2026, 5, 1),
				Documents: []scorecard.Document{{Name: "Grievance channel poster", Reference: "GRV-1", Date: d(2026, 4, 20)}}},
			{QuestionID: "env.deforestation", Response: "no", AnsweredOn: d(2026, 5, 1)},
		},
		Held: scorecard.Held{
			Traceability: &scorecard.TraceabilityEvidence{Tier1: 0.9, Tier2: 0.4, Tier3Plus: 0.1, Volume: 0.3},
			Screening:    &scorecard.ScreeningEvidence{Parties: 40, Screened: 38, Pending: 2, Confirmed: 0},
			Grievance:    &scorecard.GrievanceEvidence{Cases: 12, MedianDaysToAcknowledge: 9, RemediesProposed: 4, RemediesAccepted: 3},
			Risk:         &scorecard.RiskEvidence{Inherent: 62, Level: risk.High},
		},
	}
}

var questionIDs = func() []string {
	var ids []string
	for _, q := range scorecard.Questions(scorecard.Organisation) {
		ids = append(ids, q.ID)
	}
	return ids
}()

func genEvidence(t *rapid.T) scorecard.Evidence {
	ev := scorecard.Evidence{Subject: org(), AsOf: asOf}
	n := rapid.IntRange(0, 12).Draw(t, "answers")
	for i := 0; i < n; i++ {
		on := asOf.AddDate(0, 0, -rapid.IntRange(0, 1500).Draw(t, "answer age"))
		a := scorecard.Answer{
			QuestionID: rapid.SampledFrom(questionIDs).Draw(t, "question"),
			Response:   rapid.SampledFrom([]scorecard.Response{"yes", "partial", "no"}).Draw(t, "response"),
			AnsweredOn: on,
		}
		for j := rapid.IntRange(0, 2).Draw(t, "docs"); j > 0; j-- {
			a.Documents = append(a.Documents, scorecard.Document{Name: "d", Date: on.AddDate(0, 0, -rapid.IntRange(0, 1500).Draw(t, "doc age"))})
		}
		ev.Answers = append(ev.Answers, a)
	}
	share := func(name string) float64 { return rapid.Float64Range(0, 1).Draw(t, name) }
	if rapid.Bool().Draw(t, "trace") {
		ev.Held.Traceability = &scorecard.TraceabilityEvidence{Tier1: share("t1"), Tier2: share("t2"), Tier3Plus: share("t3"), Volume: share("vol")}
	}
	if rapid.Bool().Draw(t, "screen") {
		p := rapid.IntRange(0, 50).Draw(t, "parties")
		ev.Held.Screening = &scorecard.ScreeningEvidence{Parties: p, Screened: rapid.IntRange(0, p).Draw(t, "screened"),
			Pending: rapid.IntRange(0, 20).Draw(t, "pending"), Confirmed: rapid.IntRange(0, 3).Draw(t, "confirmed")}
	}
	if rapid.Bool().Draw(t, "grievance") {
		p := rapid.IntRange(0, 20).Draw(t, "proposed")
		ev.Held.Grievance = &scorecard.GrievanceEvidence{Cases: rapid.IntRange(0, 30).Draw(t, "cases"),
			MedianDaysToAcknowledge: rapid.Float64Range(0, 60).Draw(t, "median"),
			RemediesProposed:        p, RemediesAccepted: rapid.IntRange(0, p).Draw(t, "accepted")}
	}
	ev.Held.Risk = &scorecard.RiskEvidence{Inherent: 50, Level: rapid.SampledFrom([]risk.Level{risk.Low, risk.High}).Draw(t, "level")}
	return ev
}

// improve makes one change that adds positive evidence or removes negative
// evidence, and nothing else.
func improve(t *rapid.T, ev scorecard.Evidence) scorecard.Evidence {
	ev.Answers = append([]scorecard.Answer(nil), ev.Answers...)
	for i := range ev.Answers {
		ev.Answers[i].Documents = append([]scorecard.Document(nil), ev.Answers[i].Documents...)
	}
	switch rapid.IntRange(0, 9).Draw(t, "improvement") {
	case 0: // a document on an existing answer
		if len(ev.Answers) > 0 {
			i := rapid.IntRange(0, len(ev.Answers)-1).Draw(t, "which")
			a := &ev.Answers[i]
			a.Documents = append(a.Documents, scorecard.Document{Name: "new", Date: a.AnsweredOn.AddDate(0, 0, -rapid.IntRange(0, 1500).Draw(t, "new doc age"))})
		}
	case 1: // a better response on the same day with the same documents
		if len(ev.Answers) > 0 {
			i := rapid.IntRange(0, len(ev.Answers)-1).Draw(t, "which")
			a := &ev.Answers[i]
			a.Response = map[scorecard.Response]scorecard.Response{"no": "partial", "partial": "yes", "yes": "yes"}[a.Response]
		}
	case 2: // an answer to a question with none yet
		answered := map[string]bool{}
		for _, a := range ev.Answers {
			answered[a.QuestionID] = true
		}
		for _, id := range questionIDs {
			if !answered[id] {
				ev.Answers = append(ev.Answers, scorecard.Answer{QuestionID: id, Response: "partial", AnsweredOn: asOf.AddDate(0, 0, -rapid.IntRange(0, 1500).Draw(t, "age"))})
				break
			}
		}
	case 3: // more coverage
		if tr := ev.Held.Traceability; tr != nil {
			c := *tr
			c.Tier2 = rapid.Float64Range(c.Tier2, 1).Draw(t, "tier2")
			c.Volume = rapid.Float64Range(c.Volume, 1).Draw(t, "volume")
			ev.Held.Traceability = &c
		} else {
			ev.Held.Traceability = &scorecard.TraceabilityEvidence{Volume: rapid.Float64Range(0, 1).Draw(t, "volume")}
		}
	case 4: // more parties screened
		if s := ev.Held.Screening; s != nil {
			c := *s
			c.Screened = rapid.IntRange(c.Screened, c.Parties).Draw(t, "screened")
			ev.Held.Screening = &c
		}
	case 5: // fewer pending or confirmed matches
		if s := ev.Held.Screening; s != nil {
			c := *s
			c.Pending = rapid.IntRange(0, c.Pending).Draw(t, "pending")
			c.Confirmed = rapid.IntRange(0, c.Confirmed).Draw(t, "confirmed")
			ev.Held.Screening = &c
		}
	case 6: // faster acknowledgement
		if g := ev.Held.Grievance; g != nil {
			c := *g
			c.MedianDaysToAcknowledge = rapid.Float64Range(0, c.MedianDaysToAcknowledge).Draw(t, "median")
			ev.Held.Grievance = &c
		}
	case 7: // more remedies accepted
		if g := ev.Held.Grievance; g != nil {
			c := *g
			c.RemediesAccepted = rapid.IntRange(c.RemediesAccepted, c.RemediesProposed).Draw(t, "accepted")
			ev.Held.Grievance = &c
		}
	case 8: // a fresher document replacing nothing
		if len(ev.Answers) > 0 {
			i := rapid.IntRange(0, len(ev.Answers)-1).Draw(t, "which")
			a := &ev.Answers[i]
			a.Documents = append(a.Documents, scorecard.Document{Name: "fresh", Date: a.AnsweredOn})
		}
	case 9: // held evidence that was missing
		if ev.Held.Screening == nil {
			ev.Held.Screening = &scorecard.ScreeningEvidence{Parties: 10, Screened: rapid.IntRange(0, 10).Draw(t, "screened"), Pending: 30, Confirmed: 5}
		}
		if ev.Held.Grievance == nil {
			ev.Held.Grievance = &scorecard.GrievanceEvidence{Cases: 3, MedianDaysToAcknowledge: 90}
		}
	}
	return ev
}

func TestPositiveEvidenceNeverLowersScore(t *testing.T) {
	w := scorecard.DefaultWeights()
	rapid.Check(t, func(t *rapid.T) {
		before := genEvidence(t)
		after := improve(t, before)
		a, err := w.Score(before)
		if err != nil {
			t.Fatal(err)
		}
		b, err := w.Score(after)
		if err != nil {
			t.Fatal(err)
		}
		if b.Score < a.Score {
			t.Fatalf("score fell from %v to %v", a.Score, b.Score)
		}
		for i := range a.Themes {
			if b.Themes[i].Score < a.Themes[i].Score-1e-9 {
				t.Fatalf("theme %s fell from %v to %v", a.Themes[i].Theme, a.Themes[i].Score, b.Themes[i].Score)
			}
		}
		if gradeRank(b.Grade) < gradeRank(a.Grade) {
			t.Fatalf("grade fell from %s to %s", a.Grade, b.Grade)
		}
	})
}

func TestStricterScaleNeverGradesHigher(t *testing.T) {
	w := scorecard.DefaultWeights()
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.Float64Range(0, 100).Draw(t, "score")
		if gradeRank(w.Scales.HighRisk.Grade(s)) > gradeRank(w.Scales.Normal.Grade(s)) {
			t.Fatalf("score %v: high-risk grade %s above normal %s", s, w.Scales.HighRisk.Grade(s), w.Scales.Normal.Grade(s))
		}
	})
}

func gradeRank(g scorecard.Grade) int {
	return map[scorecard.Grade]int{"F": 0, "D": 1, "C": 2, "B": 3, "A": 4}[g]
}

// TestWhatWouldMoveTheGrade: each item is either raising or lowering, never
// both; each step's "grade after this step alone" is the grade the
// scorecard really gets when that question is answered "yes" with a
// current document; and the steps taken together from the top of the
// list raise the grade step by step up to a full score, the first
// StepsToNext of them reaching the next grade.
func TestWhatWouldMoveTheGrade(t *testing.T) {
	w := scorecard.DefaultWeights()
	rapid.Check(t, func(t *rapid.T) {
		ev := genEvidence(t)
		sc, err := w.Score(ev)
		if err != nil {
			t.Fatal(err)
		}
		raised := map[string]bool{}
		for _, r := range sc.Raised {
			raised[r.ItemID] = true
		}
		for _, r := range sc.Lowered {
			if raised[r.ItemID] {
				t.Fatalf("%s is under both raised and lowered", r.ItemID)
			}
		}
		prev := sc.Grade
		for i, st := range sc.Next {
			if gradeRank(st.Grade) < gradeRank(sc.Grade) {
				t.Fatalf("step %s would lower the grade to %s", st.ItemID, st.Grade)
			}
			if gradeRank(st.TogetherGrade) < gradeRank(prev) {
				t.Fatalf("step %d (%s): the grade of the steps together fell from %s to %s", i, st.ItemID, prev, st.TogetherGrade)
			}
			prev = st.TogetherGrade
			it, ok := scorecard.Lookup(st.ItemID)
			if !ok || it.Source != scorecard.FromAnswer {
				continue
			}
			done := ev
			done.Answers = append(append([]scorecard.Answer(nil), ev.Answers...), scorecard.Answer{QuestionID: st.ItemID, Response: "yes",
				AnsweredOn: ev.AsOf, Documents: []scorecard.Document{{Name: "current", Date: ev.AsOf}}})
			after, err := w.Score(done)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(after.Score-(sc.Score+st.Gain)) > 0.11 {
				t.Fatalf("answering %s scores %v, the step says %v + %v", st.ItemID, after.Score, sc.Score, st.Gain)
			}
			// The step's score is rounded once more than the re-scored
			// one, so the two grades may differ only on a boundary.
			if after.Grade != st.Grade && math.Abs(after.Score-sc.Bounds.Min(st.Grade)) > 0.11 && math.Abs(after.Score-sc.Bounds.Min(after.Grade)) > 0.11 {
				t.Fatalf("answering %s gives grade %s, the step says %s", st.ItemID, after.Grade, st.Grade)
			}
		}
		if n := len(sc.Next); n > 0 && math.Abs(sc.Next[n-1].Together-100) > 0.1*float64(n)+0.05 {
			t.Fatalf("every step together reaches %v, not a full score", sc.Next[n-1].Together)
		}
		if sc.StepsToNext > 0 {
			if sc.Next[sc.StepsToNext-1].TogetherGrade == sc.Grade {
				t.Fatalf("the first %d steps do not move the grade", sc.StepsToNext)
			}
			if sc.StepsToNext > 1 && sc.Next[sc.StepsToNext-2].TogetherGrade != sc.Grade {
				t.Fatalf("fewer than %d steps already move the grade", sc.StepsToNext)
			}
		} else if sc.NextGrade != "" && len(sc.Next) > 0 {
			t.Fatalf("no number of steps reaches %s", sc.NextGrade)
		}
	})
}
