package survey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Channel is how an answer arrived.
type Channel string

const (
	Web       Channel = "web"
	SMS       Channel = "sms"
	Messaging Channel = "messaging"
	Voice     Channel = "voice"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == Web || c == SMS || c == Messaging || c == Voice }

// SkipsText reports whether the channel cannot take free text: a telephone
// keypad can only press digits.
func (c Channel) SkipsText(q Question) bool { return c == Voice && q.Kind == Text }

// ErrSkipped is returned by ParseReply when the respondent chose to skip a
// question (by replying 0, or an empty keypad entry).
var ErrSkipped = kernel.Errorf(kernel.Invalid, "question skipped")

var fold = cases.Fold()

// ParseReply reads a reply typed in a message or pressed on a keypad as an
// answer to q, returning the canonical value. Digits may be written in any
// script (Arabic-Indic digits are read as 0-9). "0" skips any question.
// Words are accepted for yes and no in every survey language, and an
// option's own wording for a one-of-several question.
func ParseReply(q Question, reply string) (string, error) {
	reply = strings.TrimSpace(reply)
	if q.Kind == Text {
		if reply == "0" {
			return "", ErrSkipped
		}
		return q.canonical(reply)
	}
	word := normaliseWord(reply)
	if word == "0" || word == "" {
		return "", ErrSkipped
	}
	n, isNum := asNumber(word)
	switch q.Kind {
	case YesNo:
		switch {
		case isNum && n == 1, slices.Contains(yesWords, word):
			return Yes, nil
		case isNum && n == 2, slices.Contains(noWords, word):
			return No, nil
		}
		return "", kernel.Errorf(kernel.Invalid, "reply 1 for yes or 2 for no")
	case Choice:
		if isNum && n >= 1 && n <= len(q.Options) {
			return q.Options[n-1].Value, nil
		}
		for _, o := range q.Options {
			if word == o.Value {
				return o.Value, nil
			}
			for _, t := range o.Text {
				if word == normaliseWord(t) {
					return o.Value, nil
				}
			}
		}
		return "", kernel.Errorf(kernel.Invalid, "reply with a number from 1 to %d", len(q.Options))
	case Number, Scale:
		if !isNum {
			lo, hi := q.bounds()
			return "", kernel.Errorf(kernel.Invalid, "reply with a number from %d to %d", lo, hi)
		}
		return q.canonical(strconv.Itoa(n))
	}
	return "", kernel.Errorf(kernel.Invalid, "unknown question kind")
}

// normaliseWord folds case, maps digits of any script to ASCII and trims
// the punctuation people add to a one-word reply ("Yes!", "2.", "#3").
func normaliseWord(s string) string {
	s = fold.String(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) {
			if d := digitValue(r); d >= 0 {
				b.WriteByte(byte('0' + d))
				continue
			}
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r)
	})
}

// digitZeros are the code points of zero in the decimal digit runs of the
// scripts workers write replies in (Unicode lays each run out from zero to
// nine): ASCII, Arabic-Indic and its Persian/Urdu form, N'Ko, the Indic
// scripts, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian, Limbu, New Tai Lue
// and full-width forms.
var digitZeros = []rune{0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66,
	0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0,
	0x1810, 0x1946, 0x19D0, 0xFF10}

// digitValue returns the value of a decimal digit of one of those scripts,
// or -1.
func digitValue(r rune) int {
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return int(r - z)
		}
	}
	return -1
}

func asNumber(word string) (int, bool) {
	if word == "" || len(word) > 7 {
		return 0, false
	}
	for i := 0; i < len(word); i++ {
		if word[i] < '0' || word[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(word)
	return n, err == nil
}

// Prompt is a question as one text message: the wording, then the numbered
// answers, then how to reply.
func Prompt(q Question, lang string, ch Channel) string {
	var b strings.Builder
	b.WriteString(q.Wording(lang))
	press := ch == Voice
	switch q.Kind {
	case YesNo:
		if press {
			fmt.Fprintf(&b, " 1: %s. 2: %s.", phrase(lang, "yes"), phrase(lang, "no"))
		} else {
			fmt.Fprintf(&b, "\n1 %s\n2 %s", phrase(lang, "yes"), phrase(lang, "no"))
		}
	case Choice:
		for i, o := range q.Options {
			if press {
				fmt.Fprintf(&b, " %d: %s.", i+1, o.Wording(lang))
			} else {
				fmt.Fprintf(&b, "\n%d %s", i+1, o.Wording(lang))
			}
		}
		b.WriteString(sep(press) + phrase(lang, pick2(press, "press_option", "reply_option")))
	case Number:
		b.WriteString(sep(press) + phrase(lang, pick2(press, "press_number", "reply_number"), q.Min, q.Max))
	case Scale:
		b.WriteString(sep(press) + phrase(lang, pick2(press, "press_scale", "reply_scale")))
	case Text:
		b.WriteString(sep(press) + phrase(lang, "reply_text"))
	}
	return b.String()
}

func sep(press bool) string {
	if press {
		return " "
	}
	return "\n"
}

func pick2(press bool, a, b string) string {
	if press {
		return a
	}
	return b
}

// IsStop reports whether a message asks to stop: STOP and the words
// carriers treat the same way, in any case.
func IsStop(reply string) bool {
	w := strings.ToUpper(strings.TrimSpace(reply))
	switch w {
	case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARAR", "ARRET", "ARRÊT", "停止", "توقف":
		return true
	}
	return false
}

// MatchLanguage picks the survey language closest to a BCP 47 tag (from a
// browser's Accept-Language or a respondent's choice), or the survey's first.
func (s Survey) MatchLanguage(pref string) string {
	if len(s.Languages) == 0 {
		return "en"
	}
	tags := make([]language.Tag, 0, len(s.Languages))
	for _, l := range s.Languages {
		tags = append(tags, language.Make(l))
	}
	m := language.NewMatcher(tags)
	want, _, err := language.ParseAcceptLanguage(pref)
	if err != nil || len(want) == 0 {
		return s.Languages[0]
	}
	_, i, conf := m.Match(want...)
	if conf == language.No {
		return s.Languages[0]
	}
	return s.Languages[i]
}
