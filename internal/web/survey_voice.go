package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/survey"
)

// voiceLanguages are the speech languages of the telephony provider's
// text-to-speech for each survey language.
var voiceLanguages = map[string]string{
	"en": "en-US", "es": "es-US", "fr": "fr-FR", "pt": "pt-BR", "zh-Hans": "cmn-CN", "ar": "arb",
}

// voiceCall is one authenticated keypad webhook request.
type voiceCall struct {
	From   string
	Digits string
}

// parseVoice checks a Twilio voice webhook body against its signature. It
// is a parser of outside input with a fuzz target.
func parseVoice(token, fullURL string, body []byte, signature string) (voiceCall, error) {
	form, err := verifyTwilio(token, fullURL, body, signature)
	if err != nil {
		return voiceCall{}, err
	}
	c := voiceCall{From: form.Get("From"), Digits: strings.TrimSpace(form.Get("Digits"))}
	switch {
	case c.From == "" || len(c.From) > 256 || !utf8.ValidString(c.From):
		return voiceCall{}, kernel.Errorf(kernel.Invalid, "the call has no valid caller")
	case len(c.Digits) > 16 || strings.Trim(c.Digits, "0123456789*#") != "":
		return voiceCall{}, kernel.Errorf(kernel.Invalid, "the keys pressed are not digits")
	}
	return c, nil
}

// hookVoice answers a telephony provider's voice webhook with TwiML: a
// caller enters a site's code on the keypad and answers each question by
// key. The caller's number is hashed by the survey service and goes no
// further; nothing about the call is logged.
func (s *intakeHandlers) hookVoice(w http.ResponseWriter, r *http.Request) {
	cfg := s.hooks
	if cfg.TwilioAuthToken == "" || cfg.Hasher == nil || s.surveys == nil {
		http.NotFound(w, r)
		return
	}
	body, signedURL, ok := s.twilioRequest(w, r)
	if !ok {
		return
	}
	call, err := parseVoice(cfg.TwilioAuthToken, signedURL, body, r.Header.Get("X-Twilio-Signature"))
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	ctx := r.Context()
	orgID := s.orgIDOf(ctx, r.PathValue("org"))
	action := r.URL.Path
	if orgID == "" {
		writeTwiML(w, twiml{Say: []spoken{{Lang: "en", Text: survey.Phrase("en", "closed")}}, Hangup: true})
		return
	}
	if call.Digits == "" {
		writeTwiML(w, twiml{Gather: action, Say: everyLanguage("enter_code")})
		return
	}
	name := ""
	if o, err := s.orgs.OrgByID(ctx, orgID); err == nil {
		name = o.Name
	}
	reply, handled, err := s.surveys.Handle(ctx, survey.Inbound{OrgID: orgID, OrgName: name, Channel: survey.Voice,
		From: call.From, Text: strings.TrimSuffix(call.Digits, "#")})
	if err != nil {
		s.hookFail(w, r, err)
		return
	}
	if !handled {
		say := append([]spoken{{Lang: "en", Text: survey.Phrase("en", "code_unknown")}}, everyLanguage("enter_code")...)
		writeTwiML(w, twiml{Gather: action, Say: say})
		return
	}
	lang := reply.Lang
	if lang == "" {
		lang = "en"
	}
	t := twiml{}
	for _, m := range reply.Messages {
		t.Say = append(t.Say, spoken{Lang: lang, Text: m})
	}
	if reply.Ended {
		t.Hangup = true
	} else {
		t.Gather = action
	}
	writeTwiML(w, t)
}

// everyLanguage is one phrase in every survey language, for the moment
// before the caller has chosen one.
func everyLanguage(key string) []spoken {
	var out []spoken
	for _, l := range survey.Languages() {
		out = append(out, spoken{Lang: l, Text: survey.Phrase(l, key)})
	}
	return out
}

type spoken struct{ Lang, Text string }

// twiml is a voice answer: prompts to speak, inside a keypad gather that
// posts the keys to Gather when set, and a hang-up at the end.
type twiml struct {
	Gather string
	Say    []spoken
	Hangup bool
}

func writeTwiML(w http.ResponseWriter, t twiml) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString("<Response>")
	if t.Gather != "" {
		buf.WriteString(`<Gather input="dtmf" finishOnKey="#" timeout="10" method="POST" action="`)
		xml.EscapeText(&buf, []byte(t.Gather))
		buf.WriteString(`">`)
	}
	for _, s := range t.Say {
		buf.WriteString(`<Say language="`)
		buf.WriteString(voiceLanguages[s.Lang])
		buf.WriteString(`">`)
		xml.EscapeText(&buf, []byte(s.Text))
		buf.WriteString("</Say>")
	}
	if t.Gather != "" {
		buf.WriteString("</Gather>")
	}
	if t.Hangup || t.Gather != "" {
		// After a gather that timed out with no keys, the call ends too.
		buf.WriteString("<Hangup/>")
	}
	buf.WriteString("</Response>")
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
