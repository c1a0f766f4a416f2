package survey

import (
	"errors"
	"fmt"
	"maps"
	"strings"
)

// ConversationState is where a conversation over SMS, messaging or voice
// stands.
type ConversationState string

const (
	// ChoosingLanguage waits for the respondent to pick a language (only
	// when the survey has more than one).
	ChoosingLanguage ConversationState = "choosing_language"
	// Asking waits for the answer to the current question.
	Asking ConversationState = "asking"
	// Finished: every question was asked.
	Finished ConversationState = "finished"
	// Stopped: the respondent replied STOP; nothing more is sent.
	Stopped ConversationState = "stopped"
)

// MaxRetries is how often a question is asked again after a reply that was
// not understood before it is skipped.
const MaxRetries = 2

// Conversation is the state of one respondent's conversation with a survey
// over one channel, resumable across messages and calls. It holds the
// respondent's keyed hash, never a number, and never a free-text answer:
// those leave with the step that received them, to be sealed.
type Conversation struct {
	SurveyID   string            `json:"survey_id"`
	SiteID     string            `json:"site_id"`
	Round      int               `json:"round"`
	Respondent string            `json:"respondent"`
	Channel    Channel           `json:"channel"`
	Lang       string            `json:"lang"`
	State      ConversationState `json:"state"`
	Current    int               `json:"current"`
	Retries    int               `json:"retries"`
	Answers    map[string]string `json:"answers"`
}

// Step is what one reply produced: the messages to send back (for voice,
// the prompts to speak), and when an answer was recorded, the response as it
// now stands (to be stored, replacing the earlier one) and, for a free-text
// question, the text to seal.
type Step struct {
	Messages []string
	Response *Response
	FreeText *FreeText
}

// FreeText is a free-text answer on its way to being sealed.
type FreeText struct {
	Question string
	Text     string
}

// ErrNotStarted is returned by Start when a message does not name a site
// code of the survey.
var ErrNotStarted = errors.New("survey: the message does not start this survey")

// Start opens a conversation for a respondent who sent a site's code on a
// channel, on a day within a round. orgName is how the intro names the
// organisation. The first step asks for a language, or when the survey has
// one, the first question.
func Start(s Survey, code string, respondent string, ch Channel, day Day, orgName string) (Conversation, Step, error) {
	site, ok := s.SiteByCode(firstWord(code))
	if ch == Voice {
		site, ok = s.SiteByKeypad(NormaliseCode(firstWord(code)))
	}
	if !ok {
		return Conversation{}, Step{}, ErrNotStarted
	}
	round := s.Schedule.Round(day)
	if round == 0 {
		return Conversation{}, Step{Messages: []string{phrase(s.firstLanguage(), "closed")}}, nil
	}
	c := Conversation{
		SurveyID: s.ID, SiteID: site.ID, Round: round, Respondent: respondent, Channel: ch,
		Current: -1, Answers: map[string]string{},
	}
	if len(s.Languages) > 1 {
		c.State = ChoosingLanguage
		return c, Step{Messages: []string{s.languageMenu(ch)}}, nil
	}
	c.Lang = s.firstLanguage()
	c.State = Asking
	st := Step{Messages: []string{phrase(c.Lang, "intro", orgName)}}
	c, st = s.advance(c, st, day)
	return c, st, nil
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func (s Survey) firstLanguage() string {
	if len(s.Languages) == 0 {
		return "en"
	}
	return s.Languages[0]
}

func (s Survey) languageMenu(ch Channel) string {
	var b strings.Builder
	for i, l := range s.Languages {
		if i > 0 {
			if ch == Voice {
				b.WriteString(" ")
			} else {
				b.WriteString("\n")
			}
		}
		fmt.Fprintf(&b, "%d %s", i+1, languageName(l))
	}
	return b.String()
}

// Reply moves a conversation on by one reply (a message's text, or the keys
// pressed). The round is fixed when the conversation starts; a reply after
// the survey's last round has ended is answered with "closed".
func (s Survey) Reply(c Conversation, reply string, day Day, orgName string) (Conversation, Step) {
	c.Answers = maps.Clone(c.Answers)
	if c.Answers == nil {
		c.Answers = map[string]string{}
	}
	lang := c.Lang
	if lang == "" {
		lang = s.firstLanguage()
	}
	if IsStop(reply) {
		c.State = Stopped
		return c, Step{Messages: []string{phrase(lang, "stopped")}}
	}
	switch c.State {
	case Stopped, Finished:
		return c, Step{}
	}
	if _, last := s.Schedule.RoundDays(c.Round); last.Before(day) {
		c.State = Finished
		return c, Step{Messages: []string{phrase(lang, "closed")}}
	}
	if c.State == ChoosingLanguage {
		n, ok := asNumber(normaliseWord(reply))
		if !ok || n < 1 || n > len(s.Languages) {
			return c, Step{Messages: []string{s.languageMenu(c.Channel)}}
		}
		c.Lang = s.Languages[n-1]
		c.State = Asking
		st := Step{Messages: []string{phrase(c.Lang, "intro", orgName)}}
		return s.advance(c, st, day)
	}
	if c.Current < 0 || c.Current >= len(s.Questions) {
		c.State = Finished
		return c, Step{}
	}
	q := s.Questions[c.Current]
	v, err := ParseReply(q, reply)
	var st Step
	switch {
	case errors.Is(err, ErrSkipped):
	case err != nil:
		if c.Retries < MaxRetries {
			c.Retries++
			return c, Step{Messages: []string{phrase(c.Lang, "not_understood") + " " + Prompt(q, c.Lang, c.Channel)}}
		}
	case q.Kind == Text:
		st.FreeText = &FreeText{Question: q.Key, Text: v}
		c.Answers[q.Key] = TextAnswered // the text itself is sealed apart
	default:
		c.Answers[q.Key] = v
	}
	c.Retries = 0
	c, st = s.advance(c, st, day)
	if err == nil {
		st.Response = c.response(day)
	}
	return c, st
}

// advance moves to the next question the channel can take and adds its
// prompt, or finishes with thanks.
func (s Survey) advance(c Conversation, st Step, day Day) (Conversation, Step) {
	next := s.Next(c.Current, c.Answers, c.Channel.SkipsText)
	if next < 0 {
		c.State = Finished
		c.Current = len(s.Questions)
		st.Messages = append(st.Messages, phrase(c.Lang, "thanks"))
		return c, st
	}
	c.Current = next
	st.Messages = append(st.Messages, Prompt(s.Questions[next], c.Lang, c.Channel))
	return c, st
}

// response is the conversation's answers as a response to store. A
// free-text answer is present as TextAnswered, so it counts as answered.
func (c Conversation) response(day Day) *Response {
	return &Response{
		SurveyID: c.SurveyID, Round: c.Round, SiteID: c.SiteID, Respondent: c.Respondent,
		Channel: c.Channel, Day: day, Answers: maps.Clone(c.Answers),
	}
}
