package kernel

import (
	"fmt"
	"strings"
	"time"
)

// Text is a sentence for people that a domain package builds (why a
// scorecard item earned its credit, what a step would do) kept in
// structured form: an English message, which is a fmt format and also the
// sentence's key in the staff pages' translation catalogs, and the values
// that fill its verbs. String gives the English; an adapter that speaks
// another language looks Msg up in its catalog and formats the same Args
// its own way. Domain packages thereby never import a catalog or the web
// layer, and English output stays exactly what it was.
//
// An argument may itself be a Text (translated in turn), a time.Time (a
// day, written 2006-01-02 in English, as the adapter writes dates
// elsewhere), a number or a name.
type Text struct {
	Msg  string
	Args []any
}

// Say builds a Text from an English message and its arguments.
func Say(msg string, args ...any) Text { return Text{Msg: msg, Args: args} }

// Plain is a Text for a fixed sentence that may hold a per cent sign.
func Plain(s string) Text { return Text{Msg: strings.ReplaceAll(s, "%", "%%")} }

// String is the sentence in English.
func (t Text) String() string {
	if len(t.Args) == 0 {
		return fmt.Sprintf(t.Msg, t.Args...)
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		if d, ok := a.(time.Time); ok {
			args[i] = d.UTC().Format("2006-01-02")
			continue
		}
		args[i] = a
	}
	return fmt.Sprintf(t.Msg, args...)
}

// IsZero reports whether the text is empty.
func (t Text) IsZero() bool { return t.Msg == "" }

// MarshalText stores a Text as its English sentence, so stored documents
// and JSON answers read as they did when the field was a string.
func (t Text) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a stored sentence back as a fixed Text (its
// structure is not stored: an adapter shows it as written).
func (t *Text) UnmarshalText(b []byte) error {
	*t = Plain(string(b))
	return nil
}
