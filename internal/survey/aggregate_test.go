package survey_test

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/survey"
)

// responses makes n responses at a site in round 1, the first `no` of them
// answering own_documents with "no" and the rest "yes".
func responses(site string, n, no int, hours int) []survey.Response {
	var out []survey.Response
	for i := range n {
		v := "yes"
		if i < no {
			v = "no"
		}
		out = append(out, survey.Response{
			SurveyID: "s1", Round: 1, SiteID: site, Respondent: fmt.Sprintf("%s-%d", site, i), Channel: survey.SMS,
			Answers: map[string]string{"own_documents": v, "weekly_hours": fmt.Sprint(hours)},
		})
	}
	return out
}

func find(t *testing.T, rs []survey.SiteResult, site, q string) survey.QuestionResult {
	t.Helper()
	for _, r := range rs {
		if r.SiteID != site {
			continue
		}
		for _, qr := range r.Questions {
			if qr.Question == q {
				return qr
			}
		}
	}
	t.Fatalf("no result for %s/%s", site, q)
	return survey.QuestionResult{}
}

func TestAggregateSuppressesSmallCounts(t *testing.T) {
	s := sample(t)
	var rs []survey.Response
	rs = append(rs, responses("site-a", 20, 7, 64)...) // 7 no, 13 yes: both shown
	rs = append(rs, responses("site-b", 12, 3, 48)...) // 3 no: hidden, and 9 yes with it
	rs = append(rs, responses("site-c", 4, 4, 70)...)  // 4 respondents: site hidden
	got := survey.Aggregate(s, 1, []string{"site-a", "site-b", "site-c", "site-d"}, rs, map[string]int{"site-a": 40})
	if len(got) != 4 {
		t.Fatalf("%d site results, want 4 (every target site, answered or not)", len(got))
	}
	a := find(t, got, "site-a", "own_documents")
	if a.Hidden || a.Cells[0].N != 13 || a.Cells[1].N != 7 || a.Concerning.N != 7 || a.Concerning.Suppressed {
		t.Errorf("site-a own_documents = %+v, concerning %+v", a, a.Concerning)
	}
	if got[0].ResponseRate == nil || *got[0].ResponseRate != 0.5 {
		t.Errorf("site-a response rate = %v, want 0.5", got[0].ResponseRate)
	}
	b := find(t, got, "site-b", "own_documents")
	for _, c := range b.Cells {
		if !c.Suppressed || c.N != 0 || c.Share != 0 {
			t.Errorf("site-b cell %+v shown: 3 'no' answers could be derived from it", c)
		}
	}
	if !b.Concerning.Suppressed {
		t.Error("site-b concerning count of 3 shown")
	}
	if !got[2].Hidden || got[2].Questions != nil {
		t.Errorf("site-c with 4 respondents = %+v, want hidden", got[2])
	}
	if got[3].Respondents != 0 || !got[3].Hidden {
		t.Errorf("site-d = %+v, want 0 respondents, hidden", got[3])
	}
	h := find(t, got, "site-a", "weekly_hours")
	if h.Median == nil || *h.Median != 64 || h.Concerning.N != 20 {
		t.Errorf("site-a weekly_hours = %+v", h)
	}
	// Site-a's cells are shown, site-b's hidden: a total over both would
	// reveal site-b's, so there is none.
	if _, ok := survey.TotalOverSites(got, "own_documents", "no"); ok {
		t.Error("a total over sites was given although it reveals a hidden cell")
	}
}

func TestTotalOverSites(t *testing.T) {
	s := sample(t)
	var rs []survey.Response
	rs = append(rs, responses("site-a", 30, 10, 40)...)
	rs = append(rs, responses("site-b", 30, 8, 40)...)
	got := survey.Aggregate(s, 1, nil, rs, nil)
	if n, ok := survey.TotalOverSites(got, "own_documents", "no"); !ok || n != 18 {
		t.Errorf("total = %d, %v; want 18", n, ok)
	}
	// A site whose cell is hidden keeps the total from being shown, while
	// the other site keeps its own cells.
	got = survey.Aggregate(s, 1, nil, append(rs, responses("site-c", 30, 2, 40)...), nil)
	if _, ok := survey.TotalOverSites(got, "own_documents", "no"); ok {
		t.Error("a total was given that reveals site-c's hidden count")
	}
	if a := find(t, got, "site-a", "own_documents"); a.Cells[1].Suppressed {
		t.Error("site-a's cell was hidden because of site-c")
	}
}

func TestAggregateCountsANumberOnce(t *testing.T) {
	s := sample(t)
	rs := responses("site-a", 6, 0, 40)
	// The same number answers again later: its new answer replaces the old.
	again := rs[0]
	again.Answers = map[string]string{"own_documents": "no", "weekly_hours": "40"}
	again.Day = day(t, "2026-03-05")
	rs = append(rs, again, again)
	got := survey.Aggregate(s, 1, nil, rs, nil)
	if got[0].Respondents != 6 {
		t.Fatalf("respondents = %d, want 6", got[0].Respondents)
	}
	// Web answers carry no number and each counts.
	web := survey.Response{SurveyID: "s1", Round: 1, SiteID: "site-a", Channel: survey.Web, Answers: map[string]string{"own_documents": "yes"}}
	got = survey.Aggregate(s, 1, nil, append(rs, web, web), nil)
	if got[0].Respondents != 8 {
		t.Fatalf("respondents with two web answers = %d, want 8", got[0].Respondents)
	}
	// Other rounds and surveys are not counted.
	other := web
	other.Round = 2
	got = survey.Aggregate(s, 1, nil, append(rs, other), nil)
	if got[0].Respondents != 6 {
		t.Errorf("a round-2 response was counted in round 1")
	}
}

// TestSuppressionProperty: whatever the answers, no shown cell holds a count
// from 1 to 4, and within a shown question either no cell or at least two
// are hidden, so none can be derived from the number of answers.
func TestSuppressionProperty(t *testing.T) {
	s := sample(t)
	s.Questions = append(s.Questions, func() survey.Question { q, _ := survey.LibraryQuestion("feel_safe"); return q }())
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 60).Draw(rt, "n")
		var rs []survey.Response
		for i := range n {
			rs = append(rs, survey.Response{
				SurveyID: "s1", Round: 1, SiteID: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "site"),
				Respondent: fmt.Sprint(i), Answers: map[string]string{
					"own_documents": rapid.SampledFrom([]string{"yes", "no"}).Draw(rt, "doc"),
					"feel_safe":     rapid.SampledFrom([]string{"1", "2", "3", "4", "5"}).Draw(rt, "safe"),
				},
			})
		}
		for _, site := range survey.Aggregate(s, 1, nil, rs, nil) {
			if site.Hidden != (site.Respondents < survey.MinRespondents) {
				rt.Fatalf("site %s with %d respondents hidden=%v", site.SiteID, site.Respondents, site.Hidden)
			}
			for _, q := range site.Questions {
				hidden := 0
				for _, c := range q.Cells {
					if c.Suppressed {
						hidden++
						if c.N != 0 || c.Share != 0 {
							rt.Fatalf("suppressed cell carries its count: %+v", c)
						}
					} else if c.N > 0 && c.N < survey.MinRespondents {
						rt.Fatalf("cell %+v shown with a count under %d", c, survey.MinRespondents)
					}
				}
				if hidden == 1 {
					rt.Fatalf("question %s at %s hides exactly one cell: it is the total minus the others", q.Question, site.SiteID)
				}
				if c := q.Concerning; c != nil && !c.Suppressed && (c.N > 0 && c.N < 5 || q.Answered-c.N > 0 && q.Answered-c.N < 5) {
					rt.Fatalf("concerning count %d of %d shown", c.N, q.Answered)
				}
			}
		}
	})
}

func TestEvidenceAndRounds(t *testing.T) {
	s := sample(t)
	round1 := survey.Aggregate(s, 1, nil, responses("site-a", 40, 12, 50), nil)
	ev := survey.SiteEvidence(s, round1[0])
	var docs *survey.Evidence
	for i := range ev {
		if ev[i].Question == "own_documents" {
			docs = &ev[i]
		}
	}
	if docs == nil {
		t.Fatal("no evidence for own_documents")
	}
	// 12 of 40 (30%): the 95% interval is about 18% to 45%, above 10%.
	if docs.Strength != survey.StrengthStrong || !docs.Severe || docs.Concerning != 12 || docs.Respondents != 40 {
		t.Errorf("evidence = %+v, want strong and severe, 12 of 40", *docs)
	}
	if docs.Day.String() != "2026-03-07" {
		t.Errorf("evidence day = %s, want the round's last day", docs.Day)
	}
	few := survey.SiteEvidence(s, survey.Aggregate(s, 1, nil, responses("site-a", 40, 3, 50), nil)[0])
	for _, e := range few {
		if e.Question == "own_documents" && (e.Strength != survey.StrengthWeak || e.Concerning != 0 || e.Share != 0) {
			t.Errorf("3 of 40: evidence %+v, want weak with the count hidden", e)
		}
	}
	none := survey.SiteEvidence(s, survey.Aggregate(s, 1, nil, responses("site-a", 40, 0, 50), nil)[0])
	for _, e := range none {
		if e.Question == "own_documents" && e.Strength != survey.StrengthNone {
			t.Errorf("0 of 40: evidence %+v, want none", e)
		}
	}

	// Round 2: far more workers without their documents.
	r2 := responses("site-a", 40, 25, 50)
	for i := range r2 {
		r2[i].Round = 2
	}
	round2 := survey.Aggregate(s, 2, nil, r2, nil)
	changes := survey.CompareRounds(s, round1[0], round2[0])
	if len(changes) != 1 || changes[0].Direction != survey.Worse || changes[0].Question != "own_documents" {
		t.Fatalf("changes = %+v, want own_documents worse", changes)
	}
	// And back: an improvement.
	back := survey.CompareRounds(s, round2[0], round1[0])
	if len(back) != 1 || back[0].Direction != survey.Better {
		t.Errorf("changes = %+v, want better", back)
	}
	// A small move is chance, not a change.
	r3 := responses("site-a", 40, 14, 50)
	for i := range r3 {
		r3[i].Round = 2
	}
	if c := survey.CompareRounds(s, round1[0], survey.Aggregate(s, 2, nil, r3, nil)[0]); len(c) != 0 {
		t.Errorf("12/40 to 14/40 reported as %+v", c)
	}
}
