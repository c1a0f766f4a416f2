package survey

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Kind is what sort of answer a question takes.
type Kind string

const (
	// YesNo takes "yes" or "no".
	YesNo Kind = "yes_no"
	// Choice takes one of the question's options.
	Choice Kind = "choice"
	// Number takes a whole number between the question's Min and Max.
	Number Kind = "number"
	// Scale takes a whole number from 1 to 5.
	Scale Kind = "scale"
	// Text takes free text. It is sealed before storage and shown to case
	// handlers only; voice channels skip it, since a keypad cannot write.
	Text Kind = "text"
)

// Kinds lists the question kinds in the order the designer offers them.
func Kinds() []Kind { return []Kind{YesNo, Choice, Number, Scale, Text} }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Hazard is the risk a question informs, named as the risk model names it.
type Hazard string

const (
	ForcedLabour Hazard = "forced_labour"
	ChildLabour  Hazard = "child_labour"
)

// Limits on what one question may hold. They keep an SMS question within a
// few messages and a form within a cheap phone's screen.
const (
	MaxQuestions    = 30
	MaxOptions      = 9 // one keypad digit each
	MaxWordingRunes = 320
	MaxTextAnswer   = 1000
	ScaleMin        = 1
	ScaleMax        = 5
)

// The canonical answer values of a yes/no question.
const (
	Yes = "yes"
	No  = "no"
)

// Option is one choice of a Choice question. Value is a stable code stored
// with answers; Text is the wording per language.
type Option struct {
	Value string            `json:"value"`
	Text  map[string]string `json:"text"`
}

// Condition shows a question only when an earlier question was answered with
// one of Values (canonical answer values). A question whose condition's
// question was skipped or left unanswered is skipped too.
type Condition struct {
	Question string   `json:"question"`
	Values   []string `json:"values"`
}

// Concern says which answers indicate the hazard: answer values, or for
// numbers and scales a bound. A question with an empty Concern informs no
// evidence (a free-text question, or a question asked for context).
type Concern struct {
	Values  []string `json:"values,omitempty"`
	AtLeast *int     `json:"at_least,omitempty"`
	AtMost  *int     `json:"at_most,omitempty"`
}

// Empty reports whether the concern names no answer.
func (c Concern) Empty() bool { return len(c.Values) == 0 && c.AtLeast == nil && c.AtMost == nil }

// Question is one question of a survey.
type Question struct {
	// Key is stable within a survey ("passport", "q3"): answers, conditions
	// and aggregates name questions by it.
	Key       string             `json:"key"`
	Kind      Kind               `json:"kind"`
	Text      map[string]string  `json:"text"`
	Options   []Option           `json:"options,omitempty"`
	Min       int                `json:"min,omitempty"`
	Max       int                `json:"max,omitempty"`
	Indicator grievance.Category `json:"indicator,omitempty"`
	Hazard    Hazard             `json:"hazard,omitempty"`
	Concern   Concern            `json:"concern,omitempty"`
	ShowIf    *Condition         `json:"show_if,omitempty"`
	// Source names where a library question's indicator comes from.
	Source string `json:"source,omitempty"`
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Wording returns the question's text in lang, falling back to English and
// then to any language the question has.
func (q Question) Wording(lang string) string { return pick(q.Text, lang) }

// Wording returns the option's text in lang, with the same fallback.
func (o Option) Wording(lang string) string { return pick(o.Text, lang) }

func pick(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok && s != "" {
		return s
	}
	if s, ok := m["en"]; ok && s != "" {
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if m[k] != "" {
			return m[k]
		}
	}
	return ""
}

// validate checks one question against the survey's languages. where names
// the question for messages ("Question 3").
func (q Question) validate(where string, languages []string) error {
	if !keyPattern.MatchString(q.Key) {
		return kernel.InvalidField(where+", key", "use 1 to 32 lower-case letters, digits or _, starting with a letter")
	}
	if !q.Kind.Valid() {
		return kernel.InvalidField(where+", kind", "choose yes/no, one of several, a number, a 1-5 scale or free text")
	}
	if err := checkWording(where, q.Text, languages); err != nil {
		return err
	}
	if q.Indicator != "" && !q.Indicator.Valid() {
		return kernel.InvalidField(where+", indicator", "unknown indicator %q", q.Indicator)
	}
	if q.Hazard != "" && q.Hazard != ForcedLabour && q.Hazard != ChildLabour {
		return kernel.InvalidField(where+", hazard", "choose forced labour or child labour")
	}
	switch q.Kind {
	case Choice:
		if len(q.Options) < 2 || len(q.Options) > MaxOptions {
			return kernel.InvalidField(where+", options", "give between 2 and %d options", MaxOptions)
		}
		seen := map[string]bool{}
		for i, o := range q.Options {
			ow := fmt.Sprintf("%s, option %d", where, i+1)
			if !keyPattern.MatchString(o.Value) {
				return kernel.InvalidField(ow+", value", "use 1 to 32 lower-case letters, digits or _, starting with a letter")
			}
			if seen[o.Value] {
				return kernel.InvalidField(ow+", value", "%q is used twice", o.Value)
			}
			seen[o.Value] = true
			if err := checkWording(ow, o.Text, languages); err != nil {
				return err
			}
		}
	case Number:
		if q.Min < 0 || q.Max <= q.Min || q.Max > 1_000_000 {
			return kernel.InvalidField(where+", range", "give a smallest and a largest number, from 0 to 1,000,000, the largest above the smallest")
		}
	default:
		if len(q.Options) > 0 {
			return kernel.InvalidField(where+", options", "only a one-of-several question has options")
		}
	}
	if q.Kind == Text && !q.Concern.Empty() {
		return kernel.InvalidField(where+", concern", "a free-text answer cannot be counted as a concern")
	}
	for _, v := range q.Concern.Values {
		if _, err := q.canonical(v); err != nil {
			return kernel.InvalidField(where+", concern", "%q is not an answer to this question", v)
		}
	}
	if (q.Concern.AtLeast != nil || q.Concern.AtMost != nil) && q.Kind != Number && q.Kind != Scale {
		return kernel.InvalidField(where+", concern", "only numbers and scales take a bound")
	}
	return nil
}

func checkWording(where string, text map[string]string, languages []string) error {
	for _, l := range languages {
		s := strings.TrimSpace(text[l])
		if s == "" {
			return kernel.InvalidField(where+", wording ("+languageName(l)+")", "enter the wording in this language")
		}
		if utf8.RuneCountInString(s) > MaxWordingRunes {
			return kernel.InvalidField(where+", wording ("+languageName(l)+")", "keep it under %d characters", MaxWordingRunes)
		}
	}
	return nil
}

// canonical checks a canonical answer value against the question and returns
// it in canonical form.
func (q Question) canonical(v string) (string, error) {
	switch q.Kind {
	case YesNo:
		if v == Yes || v == No {
			return v, nil
		}
		return "", kernel.Errorf(kernel.Invalid, "answer yes or no")
	case Choice:
		for _, o := range q.Options {
			if o.Value == v {
				return v, nil
			}
		}
		return "", kernel.Errorf(kernel.Invalid, "choose one of the options")
	case Number, Scale:
		lo, hi := q.bounds()
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return "", kernel.Errorf(kernel.Invalid, "enter a whole number from %d to %d", lo, hi)
		}
		return strconv.Itoa(n), nil
	case Text:
		v = strings.TrimSpace(v)
		if v == "" {
			return "", kernel.Errorf(kernel.Invalid, "write an answer")
		}
		if !utf8.ValidString(v) {
			return "", kernel.Errorf(kernel.Invalid, "the answer is not readable text")
		}
		if utf8.RuneCountInString(v) > MaxTextAnswer {
			return "", kernel.Errorf(kernel.Invalid, "keep the answer under %d characters", MaxTextAnswer)
		}
		return v, nil
	}
	return "", kernel.Errorf(kernel.Invalid, "unknown question kind")
}

func (q Question) bounds() (int, int) {
	if q.Kind == Scale {
		return ScaleMin, ScaleMax
	}
	return q.Min, q.Max
}

// Concerning reports whether a canonical answer value indicates the hazard
// the question informs.
func (q Question) Concerning(v string) bool {
	if slices.Contains(q.Concern.Values, v) {
		return true
	}
	if q.Kind != Number && q.Kind != Scale {
		return false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return false
	}
	if q.Concern.AtLeast != nil && n >= *q.Concern.AtLeast {
		return true
	}
	if q.Concern.AtMost != nil && n <= *q.Concern.AtMost {
		return true
	}
	return false
}

// Values lists the canonical answers a question can be counted by, in the
// order aggregates show them: yes then no, the options in order, the scale
// from 1 to 5. Numbers and free text have no fixed list.
func (q Question) Values() []string {
	switch q.Kind {
	case YesNo:
		return []string{Yes, No}
	case Choice:
		out := make([]string, len(q.Options))
		for i, o := range q.Options {
			out[i] = o.Value
		}
		return out
	case Scale:
		return []string{"1", "2", "3", "4", "5"}
	}
	return nil
}

// ValueLabel is how a canonical answer value reads in lang.
func (q Question) ValueLabel(v, lang string) string {
	switch q.Kind {
	case YesNo:
		if v == Yes {
			return phrase(lang, "yes")
		}
		if v == No {
			return phrase(lang, "no")
		}
	case Choice:
		for _, o := range q.Options {
			if o.Value == v {
				return o.Wording(lang)
			}
		}
	}
	return v
}
