package survey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/survey"
)

// talk runs a conversation through replies and returns it with every step.
func talk(t *testing.T, s survey.Survey, ch survey.Channel, replies ...string) (survey.Conversation, []survey.Step) {
	t.Helper()
	d := day(t, "2026-03-02")
	code := "7kq3pa"
	if ch == survey.Voice {
		code = survey.Keypad(code) // a caller enters the code's digits
	}
	c, st, err := survey.Start(s, code, "hash-1", ch, d, "Fair Farms")
	if err != nil {
		t.Fatal(err)
	}
	steps := []survey.Step{st}
	for _, r := range replies {
		c, st = s.Reply(c, r, d, "Fair Farms")
		steps = append(steps, st)
	}
	return c, steps
}

func TestConversationOverSMS(t *testing.T) {
	s := sample(t)
	// Language 2 (Spanish); documents: no; fee: yes, so "still owe" is
	// asked: yes; hours: "lots" is not understood, then 70; free text.
	c, steps := talk(t, s, survey.SMS, "2", "2", "1", "si", "lots", "70", "el agente tiene mi pasaporte")
	if !strings.Contains(steps[0].Messages[0], "2 Español") {
		t.Errorf("first message %q does not offer the languages", steps[0].Messages[0])
	}
	if !strings.Contains(strings.Join(steps[1].Messages, "\n"), "Fair Farms") ||
		!strings.Contains(strings.Join(steps[1].Messages, "\n"), "pasaporte") {
		t.Errorf("after choosing Spanish: %q", steps[1].Messages)
	}
	if !strings.Contains(steps[3].Messages[0], "Todavía debe") {
		t.Errorf("a fee paid did not lead to the follow-up question: %q", steps[3].Messages)
	}
	if !strings.HasPrefix(steps[5].Messages[0], "Lo sentimos") {
		t.Errorf("a reply not understood was not said so: %q", steps[5].Messages)
	}
	last := steps[len(steps)-1]
	if c.State != survey.Finished || !strings.Contains(last.Messages[len(last.Messages)-1], "Gracias") {
		t.Fatalf("conversation ended %s with %q", c.State, last.Messages)
	}
	if last.FreeText == nil || last.FreeText.Text != "el agente tiene mi pasaporte" {
		t.Errorf("free text = %+v", last.FreeText)
	}
	for _, v := range c.Answers {
		if strings.Contains(v, "pasaporte") {
			t.Fatal("the conversation state holds the free text")
		}
	}
	r := last.Response
	if r == nil || r.SiteID != "site-a" || r.Round != 1 || r.Respondent != "hash-1" {
		t.Fatalf("response = %+v", r)
	}
	want := map[string]string{"own_documents": "no", "recruitment_fee": "yes", "still_owe": "yes", "weekly_hours": "70", "anything_else": survey.TextAnswered}
	for k, v := range want {
		if r.Answers[k] != v {
			t.Errorf("answer %s = %q, want %q", k, r.Answers[k], v)
		}
	}
}

func TestConversationStopAndSkips(t *testing.T) {
	s := sample(t)
	c, steps := talk(t, s, survey.SMS, "1", "stop", "1")
	if c.State != survey.Stopped || !strings.Contains(steps[2].Messages[0], "no more questions") {
		t.Errorf("STOP: state %s, %q", c.State, steps[2].Messages)
	}
	if len(steps[3].Messages) != 0 || steps[3].Response != nil {
		t.Errorf("a reply after STOP was answered: %+v", steps[3])
	}

	// A fee not paid skips the follow-up; an answer not understood three
	// times skips the question.
	c, steps = talk(t, s, survey.SMS, "1", "1", "2", "x", "x", "x")
	if c.Answers["still_owe"] != "" {
		t.Error("the follow-up was asked although no fee was paid")
	}
	if _, ok := c.Answers["weekly_hours"]; ok || !strings.Contains(steps[len(steps)-1].Messages[0], "own words") {
		t.Errorf("after three bad replies: %+v, %q", c.Answers, steps[len(steps)-1].Messages)
	}

	// Over a keypad the free-text question is never asked.
	c, steps = talk(t, s, survey.Voice, "1", "1", "2", "40")
	if c.State != survey.Finished {
		t.Errorf("voice conversation state %s, want finished without the free-text question (%q)", c.State, steps[len(steps)-1].Messages)
	}
	if !strings.Contains(steps[2].Messages[0], "1: Yes. 2: No.") {
		t.Errorf("voice prompt %q", steps[2].Messages[0])
	}
}

func TestConversationStartAndClose(t *testing.T) {
	s := sample(t)
	if _, _, err := survey.Start(s, "NOPE00", "h", survey.SMS, day(t, "2026-03-02"), "X"); !errors.Is(err, survey.ErrNotStarted) {
		t.Errorf("an unknown code started a conversation: %v", err)
	}
	c, st, err := survey.Start(s, "7KQ3PA", "h", survey.SMS, day(t, "2026-03-20"), "X")
	if err != nil || c.State != "" || !strings.Contains(st.Messages[0], "not open") {
		t.Errorf("between rounds: %+v %+v %v", c, st, err)
	}
	// A conversation begun in round 1 and resumed after the round closed
	// is told so, and records nothing.
	c, _, _ = survey.Start(s, "7KQ3PA", "h", survey.SMS, day(t, "2026-03-07"), "X")
	c, st = s.Reply(c, "1", day(t, "2026-03-08"), "X")
	if c.State != survey.Finished || st.Response != nil {
		t.Errorf("after the round: %+v %+v", c, st)
	}
	// One language: no menu, straight to the first question.
	s.Languages = []string{"en"}
	c, st, _ = survey.Start(s, "XY4M9C", "h", survey.SMS, day(t, "2026-03-02"), "X")
	if c.SiteID != "site-b" || c.State != survey.Asking || len(st.Messages) != 2 {
		t.Errorf("one language: %+v %q", c, st.Messages)
	}
}

func TestMatchLanguage(t *testing.T) {
	s := sample(t)
	s.Languages = []string{"en", "es", "ar"}
	for pref, want := range map[string]string{"es-MX,es;q=0.9": "es", "ar-EG": "ar", "de": "en", "": "en", "fr-CA;q=0.5,es;q=0.4": "es"} {
		if got := s.MatchLanguage(pref); got != want {
			t.Errorf("MatchLanguage(%q) = %q, want %q", pref, got, want)
		}
	}
}

func TestKeypad(t *testing.T) {
	if got := survey.Keypad("7kq-3pa"); got != "757372" {
		t.Errorf("Keypad = %q, want 757372", got)
	}
	s := sample(t)
	if site, ok := s.SiteByKeypad("757372"); !ok || site.ID != "site-a" {
		t.Errorf("SiteByKeypad = %+v %v", site, ok)
	}
	if _, ok := s.SiteByCode("757372"); ok {
		t.Error("keypad digits were read as a letter code")
	}
}
