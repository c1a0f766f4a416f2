package survey_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
)

func day(t testing.TB, s string) survey.Day {
	t.Helper()
	d, err := grievance.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sample is a valid survey of four library questions in two languages at
// two sites, open for one week, three rounds a month apart.
func sample(t testing.TB) survey.Survey {
	t.Helper()
	var qs []survey.Question
	for _, k := range []string{"own_documents", "recruitment_fee", "still_owe", "weekly_hours", "anything_else"} {
		q, ok := survey.LibraryQuestion(k)
		if !ok {
			t.Fatalf("library has no %s", k)
		}
		qs = append(qs, q)
	}
	return survey.Survey{
		ID: "s1", Title: "Recruitment and documents", Languages: []string{"en", "es"},
		Questions: qs,
		Target:    survey.Target{SiteIDs: []string{"site-a", "site-b"}},
		Schedule:  survey.Schedule{Opens: day(t, "2026-03-01"), Closes: day(t, "2026-03-07"), Rounds: 3, EveryDays: 30},
		Sites:     []survey.Site{{ID: "site-a", Code: "7KQ3PA", Workforce: 40}, {ID: "site-b", Code: "XY4M9C"}},
	}
}

func TestLibraryIsValidInEveryLanguage(t *testing.T) {
	s := sample(t)
	s.Languages = survey.Languages()
	s.Questions = survey.Library()
	if err := s.Validate(); err != nil {
		t.Fatalf("the library does not make a valid survey in every language: %v", err)
	}
	indicators := map[grievance.Category]bool{}
	for _, q := range survey.Library() {
		if q.Kind != survey.Text && (q.Indicator == "" || q.Hazard == "" || q.Source == "" || q.Concern.Empty()) {
			t.Errorf("library question %s lacks its indicator, hazard, source or concern", q.Key)
		}
		indicators[q.Indicator] = true
	}
	for _, c := range grievance.Categories() {
		if c.ILOIndicator() && !indicators[c] {
			t.Errorf("no library question informs the ILO indicator %s", c)
		}
	}
	if !indicators[grievance.ChildLabour] {
		t.Error("no library question informs child labour")
	}
}

func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*survey.Survey)
		field string
	}{
		{"no title", func(s *survey.Survey) { s.Title = " " }, "title"},
		{"unknown language", func(s *survey.Survey) { s.Languages = []string{"en", "xx"} }, "languages"},
		{"missing wording", func(s *survey.Survey) { delete(s.Questions[0].Text, "es") }, "Question 1, wording (Español)"},
		{"duplicate key", func(s *survey.Survey) { s.Questions[1].Key = s.Questions[0].Key }, "Question 2, key"},
		{"condition on a later question", func(s *survey.Survey) {
			s.Questions[0].ShowIf = &survey.Condition{Question: "recruitment_fee", Values: []string{"yes"}}
		}, "Question 1, show only if"},
		{"condition on an impossible answer", func(s *survey.Survey) {
			s.Questions[2].ShowIf = &survey.Condition{Question: "recruitment_fee", Values: []string{"maybe"}}
		}, "Question 3, show only if"},
		{"number range", func(s *survey.Survey) { s.Questions[3].Max = 0 }, "Question 4, range"},
		{"concern on free text", func(s *survey.Survey) { s.Questions[4].Concern = survey.Concern{Values: []string{"x"}} }, "Question 5, concern"},
		{"no target", func(s *survey.Survey) { s.Target = survey.Target{} }, "target"},
		{"duplicate site code", func(s *survey.Survey) { s.Sites[1].Code = s.Sites[0].Code }, "Site 2, code"},
		{"overlapping rounds", func(s *survey.Survey) { s.Schedule.EveryDays = 3 }, "every"},
		{"closes before opens", func(s *survey.Survey) { s.Schedule.Closes = day(t, "2026-02-01") }, "closes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := sample(t)
			tc.edit(&s)
			err := s.Validate()
			var fe *kernel.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a field error", err)
			}
			if fe.Field != tc.field {
				t.Errorf("field = %q, want %q (%v)", fe.Field, tc.field, err)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code = %v, want invalid", kernel.ErrorCode(err))
			}
		})
	}
	if err := sample(t).Validate(); err != nil {
		t.Fatalf("sample survey: %v", err)
	}
}

func TestScheduleRounds(t *testing.T) {
	s := sample(t).Schedule
	for _, tc := range []struct {
		day   string
		round int
	}{
		{"2026-02-28", 0}, {"2026-03-01", 1}, {"2026-03-07", 1}, {"2026-03-08", 0},
		{"2026-03-31", 2}, {"2026-04-06", 2}, {"2026-04-30", 3}, {"2026-05-06", 3}, {"2026-05-30", 0},
	} {
		if got := s.Round(day(t, tc.day)); got != tc.round {
			t.Errorf("Round(%s) = %d, want %d", tc.day, got, tc.round)
		}
	}
	if s.Ended(day(t, "2026-05-06")) || !s.Ended(day(t, "2026-05-07")) {
		t.Error("the survey must end the day after its last round closes")
	}
}

func TestAnswersFromAForm(t *testing.T) {
	s := sample(t)
	got, err := s.Answers(map[string]string{
		"own_documents": "no", "recruitment_fee": "no", "still_owe": "yes", "weekly_hours": "72", "anything_else": " they keep our passports ",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["still_owe"]; ok {
		t.Error("an answer to a question hidden by skip logic was kept")
	}
	if got["weekly_hours"] != "72" || got["own_documents"] != "no" || got["anything_else"] != "they keep our passports" {
		t.Errorf("answers = %v", got)
	}
	clear, texts := s.SplitText(got)
	if clear["anything_else"] != survey.TextAnswered || len(texts) != 1 || texts[0].Text != "they keep our passports" {
		t.Errorf("SplitText = %v, %v", clear, texts)
	}
	for _, bad := range []map[string]string{
		{"weekly_hours": "200"}, {"own_documents": "maybe"}, {"nosuch": "yes"},
		{"anything_else": strings.Repeat("x", survey.MaxTextAnswer+1)},
	} {
		if _, err := s.Answers(bad); err == nil {
			t.Errorf("Answers(%v) accepted", bad)
		}
	}
}

func TestParseReply(t *testing.T) {
	lib := func(k string) survey.Question { q, _ := survey.LibraryQuestion(k); return q }
	choice := survey.Question{Key: "c", Kind: survey.Choice, Options: []survey.Option{
		{Value: "daily", Text: map[string]string{"en": "Every day"}},
		{Value: "weekly", Text: map[string]string{"en": "Every week", "es": "Cada semana"}},
	}}
	cases := []struct {
		q     survey.Question
		reply string
		want  string
		err   bool
		skip  bool
	}{
		{lib("own_documents"), "1", "yes", false, false},
		{lib("own_documents"), " 2. ", "no", false, false},
		{lib("own_documents"), "YES!", "yes", false, false},
		{lib("own_documents"), "Sí", "yes", false, false},
		{lib("own_documents"), "não", "no", false, false},
		{lib("own_documents"), "نعم", "yes", false, false},
		{lib("own_documents"), "٢", "no", false, false}, // Arabic-Indic two
		{lib("own_documents"), "是", "yes", false, false},
		{lib("own_documents"), "3", "", true, false},
		{lib("own_documents"), "0", "", false, true},
		{lib("weekly_hours"), "72", "72", false, false},
		{lib("weekly_hours"), "٧٢", "72", false, false},
		{lib("weekly_hours"), "121", "", true, false},
		{lib("weekly_hours"), "many", "", true, false},
		{lib("feel_safe"), "5", "5", false, false},
		{lib("feel_safe"), "6", "", true, false},
		{choice, "2", "weekly", false, false},
		{choice, "cada semana", "weekly", false, false},
		{choice, "3", "", true, false},
		{lib("anything_else"), "  the agent took my passport ", "the agent took my passport", false, false},
		{lib("anything_else"), "0", "", false, true},
	}
	for _, tc := range cases {
		got, err := survey.ParseReply(tc.q, tc.reply)
		switch {
		case tc.skip:
			if !errors.Is(err, survey.ErrSkipped) {
				t.Errorf("ParseReply(%s, %q) = %q, %v; want skipped", tc.q.Key, tc.reply, got, err)
			}
		case tc.err:
			if err == nil || errors.Is(err, survey.ErrSkipped) {
				t.Errorf("ParseReply(%s, %q) = %q, %v; want an error", tc.q.Key, tc.reply, got, err)
			}
		case err != nil || got != tc.want:
			t.Errorf("ParseReply(%s, %q) = %q, %v; want %q", tc.q.Key, tc.reply, got, err, tc.want)
		}
	}
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"1", "yes", "٢", "72", "", "0", "STOP", "\xff", strings.Repeat("9", 30)} {
		f.Add(s)
	}
	qs := survey.Library()
	f.Fuzz(func(t *testing.T, reply string) {
		for _, q := range qs {
			v, err := survey.ParseReply(q, reply)
			if err != nil {
				continue
			}
			// Whatever is accepted is a canonical answer the question takes.
			s := survey.Survey{Questions: []survey.Question{q}}
			if _, err := s.Answers(map[string]string{q.Key: v}); err != nil {
				t.Fatalf("ParseReply(%s, %q) = %q, which the question refuses: %v", q.Key, reply, v, err)
			}
		}
	})
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c, err := survey.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if !survey.ValidCode(c) {
			t.Fatalf("NewCode() = %q, not valid", c)
		}
		seen[c] = true
	}
	if len(seen) < 195 {
		t.Errorf("200 codes gave only %d distinct", len(seen))
	}
	if got := survey.NormaliseCode(" 7kq-3pa "); got != "7KQ3PA" {
		t.Errorf("NormaliseCode = %q", got)
	}
	for _, bad := range []string{"", "7KQ3P", "7KQ3PAA", "0KQ3PA", "7kq3pa"} {
		if survey.ValidCode(bad) {
			t.Errorf("ValidCode(%q) = true", bad)
		}
	}
}

func TestWilson(t *testing.T) {
	// Reference values from the closed form, to 4 places.
	for _, tc := range []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 10, 0, 0.2775}, {5, 10, 0.2366, 0.7634}, {10, 10, 0.7225, 1}, {3, 12, 0.0889, 0.5323},
	} {
		lo, hi := survey.Wilson(tc.k, tc.n)
		if fmt.Sprintf("%.4f %.4f", lo, hi) != fmt.Sprintf("%.4f %.4f", tc.lo, tc.hi) {
			t.Errorf("Wilson(%d, %d) = %.4f..%.4f, want %.4f..%.4f", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10000).Draw(t, "n")
		k := rapid.IntRange(0, n).Draw(t, "k")
		lo, hi := survey.Wilson(k, n)
		p := float64(k) / float64(n)
		if lo < 0 || hi > 1 || lo > p+1e-12 || hi < p-1e-12 {
			t.Fatalf("Wilson(%d, %d) = %v..%v does not hold %v within 0..1", k, n, lo, hi, p)
		}
	})
}
