package survey

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Day is a calendar day in UTC; surveys, like reports, never record a finer
// time of an answer.
type Day = grievance.Day

// Target is who a survey asks: the workers of the listed sites, or of every
// site that supplies SupplierID (resolved from the supply map when a round
// opens). Either may be set, not neither.
type Target struct {
	SiteIDs    []string `json:"site_ids,omitempty"`
	SupplierID string   `json:"supplier_id,omitempty"`
}

// Empty reports whether the target names no site and no supplier.
func (t Target) Empty() bool { return len(t.SiteIDs) == 0 && t.SupplierID == "" }

// Schedule is when a survey is open: the first round from Opens to Closes
// (both days included), then Rounds-1 more rounds, each EveryDays later.
type Schedule struct {
	Opens     Day `json:"opens"`
	Closes    Day `json:"closes"`
	Rounds    int `json:"rounds"`
	EveryDays int `json:"every_days,omitempty"`
}

// MaxRounds bounds a schedule; a survey that runs for years is several
// surveys.
const MaxRounds = 24

// Validate checks the schedule.
func (s Schedule) Validate() error {
	if s.Opens.IsZero() {
		return kernel.InvalidField("opens", "enter the day the survey opens")
	}
	if s.Closes.IsZero() {
		return kernel.InvalidField("closes", "enter the day the survey closes")
	}
	if s.Closes.Before(s.Opens) {
		return kernel.InvalidField("closes", "the survey must close on or after the day it opens")
	}
	if s.Rounds < 1 || s.Rounds > MaxRounds {
		return kernel.InvalidField("rounds", "enter from 1 to %d rounds", MaxRounds)
	}
	if s.Rounds > 1 {
		length := s.Opens.DaysUntil(s.Closes) + 1
		if s.EveryDays < length {
			return kernel.InvalidField("every", "rounds must not overlap: repeat every %d days or more", length)
		}
	}
	return nil
}

// Round returns the round open on day d (1-based), or 0 when none is.
func (s Schedule) Round(d Day) int {
	for r := 1; r <= s.Rounds; r++ {
		o, c := s.RoundDays(r)
		if !d.Before(o) && !c.Before(d) {
			return r
		}
	}
	return 0
}

// RoundDays returns the first and last day of round r.
func (s Schedule) RoundDays(r int) (Day, Day) {
	shift := (r - 1) * s.EveryDays
	return s.Opens.AddDays(shift), s.Closes.AddDays(shift)
}

// Ended reports whether the last round closed before d: the day the store
// forgets the survey's phone-number hashes.
func (s Schedule) Ended(d Day) bool {
	_, last := s.RoundDays(s.Rounds)
	return last.Before(d)
}

// Site is one workplace a survey asks, with its public code: the last part
// of the address /survey/{org}/{code} posted at the site and what a
// respondent texts to start. Codes are short, unambiguous when read aloud,
// and random, so one site's code does not lead to another's.
type Site struct {
	ID   string `json:"id"`
	Code string `json:"code"`
	// Workforce is the number of workers when known (0: unknown), for the
	// response rate.
	Workforce int `json:"workforce,omitempty"`
}

// Survey is one survey as designed by staff.
type Survey struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"-"`
	Title     string     `json:"title"`
	Languages []string   `json:"languages"`
	Questions []Question `json:"questions"`
	Target    Target     `json:"target"`
	Schedule  Schedule   `json:"schedule"`
	// Sites are the workplaces the target resolved to, each with its code.
	Sites []Site `json:"sites"`
}

// SiteByCode returns the site with public code c (normalised first).
func (s Survey) SiteByCode(c string) (Site, bool) {
	c = NormaliseCode(c)
	for _, st := range s.Sites {
		if st.Code == c {
			return st, true
		}
	}
	return Site{}, false
}

// SiteByKeypad returns the site whose code the digits spell on a telephone
// keypad.
func (s Survey) SiteByKeypad(digits string) (Site, bool) {
	if !isKeypad(digits) {
		return Site{}, false
	}
	for _, st := range s.Sites {
		if Keypad(st.Code) == digits {
			return st, true
		}
	}
	return Site{}, false
}

// Keypad spells a code as the digits of a telephone keypad (ABC on 2, DEF
// on 3, and so on), so a caller can enter the code posted at a site without
// letters. Codes are chosen so that no two sites of an organisation spell
// the same digits.
func Keypad(code string) string {
	const keys = "22233344455566677778889999" // A to Z
	b := []byte(NormaliseCode(code))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = keys[c-'A']
		}
	}
	return string(b)
}

func isKeypad(s string) bool {
	if len(s) != codeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Validate checks a survey's design and returns the first problem, named by
// the field a designer would look at.
func (s Survey) Validate() error {
	title := strings.TrimSpace(s.Title)
	if title == "" {
		return kernel.InvalidField("title", "enter a title")
	}
	if utf8.RuneCountInString(title) > 120 {
		return kernel.InvalidField("title", "keep the title under 120 characters")
	}
	if len(s.Languages) == 0 {
		return kernel.InvalidField("languages", "choose at least one language")
	}
	for _, l := range s.Languages {
		if !slices.Contains(Languages(), l) {
			return kernel.InvalidField("languages", "%q is not a language surveys are offered in", l)
		}
	}
	if len(s.Questions) == 0 {
		return kernel.InvalidField("questions", "add at least one question")
	}
	if len(s.Questions) > MaxQuestions {
		return kernel.InvalidField("questions", "keep the survey to %d questions or fewer; long surveys lose respondents", MaxQuestions)
	}
	seen := map[string]int{}
	for i, q := range s.Questions {
		where := fmt.Sprintf("Question %d", i+1)
		if err := q.validate(where, s.Languages); err != nil {
			return err
		}
		if j, dup := seen[q.Key]; dup {
			return kernel.InvalidField(where+", key", "the key %q is already used by question %d", q.Key, j+1)
		}
		if q.ShowIf != nil {
			j, ok := seen[q.ShowIf.Question]
			if !ok {
				return kernel.InvalidField(where+", show only if", "the condition must name an earlier question")
			}
			if len(q.ShowIf.Values) == 0 {
				return kernel.InvalidField(where+", show only if", "choose the answers that show this question")
			}
			for _, v := range q.ShowIf.Values {
				if _, err := s.Questions[j].canonical(v); err != nil || s.Questions[j].Kind == Text {
					return kernel.InvalidField(where+", show only if", "%q is not an answer to question %d", v, j+1)
				}
			}
		}
		seen[q.Key] = i
	}
	if s.Target.Empty() {
		return kernel.InvalidField("target", "choose the sites or the supplier whose workers are asked")
	}
	codes := map[string]bool{}
	sites := map[string]bool{}
	for i, st := range s.Sites {
		where := fmt.Sprintf("Site %d", i+1)
		if st.ID == "" || sites[st.ID] {
			return kernel.InvalidField(where, "each site is asked once")
		}
		if !ValidCode(st.Code) || codes[st.Code] {
			return kernel.InvalidField(where+", code", "each site needs its own code of %d letters and digits", codeLength)
		}
		if st.Workforce < 0 {
			return kernel.InvalidField(where+", workers", "enter the number of workers, or leave it empty")
		}
		sites[st.ID], codes[st.Code] = true, true
	}
	return s.Schedule.Validate()
}

// Question returns the question with key k.
func (s Survey) Question(k string) (Question, bool) {
	for _, q := range s.Questions {
		if q.Key == k {
			return q, true
		}
	}
	return Question{}, false
}

// Asked reports whether question i is asked given the answers so far
// (canonical values by key): its condition, if any, holds. A condition on a
// question that was itself not asked or not answered does not hold.
func (s Survey) Asked(i int, answers map[string]string) bool {
	c := s.Questions[i].ShowIf
	if c == nil {
		return true
	}
	v, ok := answers[c.Question]
	return ok && slices.Contains(c.Values, v)
}

// Next returns the index of the first question after index `after` that is
// asked given the answers so far, skipping questions a channel cannot take
// (skip reports true for them), or -1 when the survey is done. Use after=-1
// to start.
func (s Survey) Next(after int, answers map[string]string, skip func(Question) bool) int {
	for i := after + 1; i < len(s.Questions); i++ {
		if skip != nil && skip(s.Questions[i]) {
			continue
		}
		if s.Asked(i, answers) {
			return i
		}
	}
	return -1
}

// Answers checks a full set of answers (as from the web form: canonical
// values by key) against the survey. Unknown keys, answers to questions the
// skip logic hides and invalid values are errors naming the question;
// unanswered questions are allowed, since every question may be skipped.
func (s Survey) Answers(in map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for k := range in {
		if _, ok := s.Question(k); !ok {
			return nil, kernel.InvalidField("answers", "there is no question %q in this survey", truncate(k, 40))
		}
	}
	for i, q := range s.Questions {
		raw, ok := in[q.Key]
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		if !s.Asked(i, out) {
			continue // hidden by skip logic: an answer left in a form without script is ignored
		}
		v, err := q.canonical(raw)
		if err != nil {
			return nil, kernel.InvalidField(fmt.Sprintf("Question %d", i+1), "%s", kernel.ErrorMessage(err))
		}
		out[q.Key] = v
	}
	return out, nil
}

// TextAnswered stands in a stored response for a free-text answer, whose
// text is sealed and kept apart.
const TextAnswered = "answered"

// SplitText takes the free-text answers out of a set of canonical answers,
// leaving TextAnswered in their place, so the clear part can be stored and
// counted and the texts sealed.
func (s Survey) SplitText(answers map[string]string) (map[string]string, []FreeText) {
	clear := make(map[string]string, len(answers))
	var texts []FreeText
	for _, q := range s.Questions {
		v, ok := answers[q.Key]
		if !ok {
			continue
		}
		if q.Kind == Text {
			texts = append(texts, FreeText{Question: q.Key, Text: v})
			v = TextAnswered
		}
		clear[q.Key] = v
	}
	return clear, texts
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}

// The public code: 6 characters from an alphabet without look-alikes
// (no 0/O, 1/I/L, 5/S, 2/Z), about 2^29 codes, so a site's code is not found
// by trying.
const (
	codeAlphabet = "346789ABCDEFGHJKMNPQRTUVWXY"
	codeLength   = 6
)

// NewCode returns a random public code.
func NewCode() (string, error) {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("survey code: %w", err)
	}
	out := make([]byte, codeLength)
	for i := range b {
		// 256 is not a multiple of 27; the bias (under 1%) does not matter
		// for a code that is not a secret key.
		out[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(out), nil
}

// NormaliseCode reads a code as a person types or says it: case folded,
// spaces and dashes dropped.
func NormaliseCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	return s
}

// ValidCode reports whether s is a well-formed public code.
func ValidCode(s string) bool {
	if len(s) != codeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(codeAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// IsKeypadCode reports whether s (normalised) is a code entered on a
// keypad: six digits.
func IsKeypadCode(s string) bool { return isKeypad(NormaliseCode(s)) }
