package account

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// MinPasswordGuesses is how many guesses the strength estimate must put a
// new password at. A case handler's private key is stored encrypted under
// a key derived from their password, so a stolen database copy can be
// attacked offline; 10^10 guesses (zxcvbn's "very unguessable") keeps that
// attack in years at argon2id's cost even with many machines.
const MinPasswordGuesses = 1e10

// commonPasswords is the part of a published list of the most used leaked
// passwords that the length rule does not already refuse (data/SOURCE.md).
//
//go:embed data/common-passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 45000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			set[strings.ToLower(w)] = struct{}{}
		}
	}
	return set
})

// IsCommonPassword reports whether pw, ignoring case and surrounding
// spaces, is on the embedded list of common leaked passwords.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(strings.TrimSpace(pw))]
	return ok
}

// ValidatePassword checks a new password against the policy: 12 to 1024
// characters, not on the list of common leaked passwords, and estimated
// (by zxcvbn, which knows common passwords, words, names, dates, keyboard
// patterns, repeats and sequences) to need at least MinPasswordGuesses
// guesses. userInputs are the person's own e-mail address, name and
// organisation, which a guesser would try first. The error says why the
// password is refused and what to do instead; it never repeats the
// password.
func ValidatePassword(pw string, userInputs ...string) error {
	if n := len([]rune(pw)); n < MinPasswordLen {
		return fmt.Errorf("password must be at least %d characters (this one has %d)", MinPasswordLen, n)
	}
	if len(pw) > 1024 {
		return fmt.Errorf("password must be at most 1024 bytes")
	}
	const advice = "; choose a phrase of four or more unrelated words, or let a password manager make one"
	common := IsCommonPassword(pw)
	r := zxcvbn.PasswordStrength(pw, strengthInputs(userInputs))
	if r.Guesses >= MinPasswordGuesses && !common {
		return nil
	}
	if r.Guesses >= MinPasswordGuesses {
		return fmt.Errorf("password refused: it is on a published list of the most common leaked passwords%s", advice)
	}
	why := weaknesses(r.Sequence)
	if common {
		why = append([]string{"it is on a published list of the most common leaked passwords"}, why...)
	}
	if len(why) == 0 {
		why = []string{"it is short for the kinds of characters it uses"}
	}
	return fmt.Errorf("password refused: it could be guessed in about 10^%d tries (at least 10^%d are needed) because %s%s",
		int(math.Max(0, math.Floor(math.Log10(math.Max(r.Guesses, 1))))), int(math.Log10(MinPasswordGuesses)), strings.Join(why, ", and "), advice)
}

// strengthInputs splits the person's details into the words a guesser
// would try: the whole address, its local part and domain words, and each
// word of the name.
func strengthInputs(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" {
			continue
		}
		out = append(out, s)
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" @.-_+", r) }) {
			if len([]rune(w)) >= 3 {
				out = append(out, w)
			}
		}
	}
	return out
}

// weaknesses names, once each, the patterns the estimate found, in words
// a person can act on.
func weaknesses(seq []*match.Match) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, m := range seq {
		switch m.Pattern {
		case "dictionary":
			switch m.DictionaryName {
			case "passwords":
				add("it is built on a common password")
			case "user_inputs":
				add("it contains your e-mail address, name or organisation")
			case "male_names", "female_names", "surnames":
				add("it contains a common name")
			default:
				add("it is made of common words")
			}
			if m.L33t {
				add("swapping letters for look-alike digits or symbols (a→@, o→0) does not help much")
			}
			if m.Reversed {
				add("writing a word backwards does not help much")
			}
		case "repeat":
			add("it repeats characters or groups of characters (aaa, abcabc)")
		case "sequence":
			add("it contains a sequence such as abcd or 1234")
		case "spatial":
			add("it follows a keyboard pattern such as qwerty")
		case "date":
			add("it contains a date")
		case "regex":
			add("it contains a recent year")
		}
	}
	return out
}
