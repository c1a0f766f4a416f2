package earlywarning

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// String names the closure kind as stored and typed: "open", "holiday"
// or "outage".
func (c Closure) String() string {
	switch c {
	case Holiday:
		return "holiday"
	case Outage:
		return "outage"
	}
	return "open"
}

// ParseClosureKind reads "holiday" or "outage" (any case).
func ParseClosureKind(s string) (Closure, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "holiday":
		return Holiday, nil
	case "outage":
		return Outage, nil
	}
	return Open, kernel.Errorf(kernel.Invalid, "kind: %q is not one of holiday, outage", clip(s))
}

// ClosurePeriod is one entry of an organisation's closure calendar: days on
// which its intake was closed or reduced, so that the count detectors
// neither read them as a drop nor read the reports a holiday held back as
// a rise.
type ClosurePeriod struct {
	ID    string
	OrgID string
	// From and To are the first and last closed day.
	From, To Day
	Kind     Closure // Holiday or Outage
	// Subject is the series key the closure applies to ("country:BD",
	// "party:ID"); empty means every series of the organisation.
	Subject   string
	Label     string // what the closure was, for people ("Eid al-Fitr")
	CreatedBy string
	CreatedAt time.Time
}

// Limits on a closure, so that one mistyped year does not silence a
// series for a decade.
const (
	MaxClosureDays  = 92
	MaxClosureLabel = 200
)

// Validate names the first field that is wrong.
func (p ClosurePeriod) Validate() error {
	switch {
	case p.OrgID == "":
		return kernel.Errorf(kernel.Invalid, "closure: organisation missing")
	case p.Kind != Holiday && p.Kind != Outage:
		return kernel.Errorf(kernel.Invalid, "kind: choose holiday or outage")
	case p.To < p.From:
		return kernel.Errorf(kernel.Invalid, "to: %s is before from (%s)", p.To, p.From)
	case int(p.To-p.From)+1 > MaxClosureDays:
		return kernel.Errorf(kernel.Invalid, "to: %d days from %s to %s is more than %d; enter a long closure as several", int(p.To-p.From)+1, p.From, p.To, MaxClosureDays)
	case strings.TrimSpace(p.Label) == "":
		return kernel.Errorf(kernel.Invalid, "label: say what the closure was (for example the holiday's name)")
	case !utf8.ValidString(p.Label) || utf8.RuneCountInString(p.Label) > MaxClosureLabel:
		return kernel.Errorf(kernel.Invalid, "label: at most %d characters of text", MaxClosureLabel)
	case p.Subject != "" && !validSeriesKey(p.Subject):
		return kernel.Errorf(kernel.Invalid, "subject: %q is not a series key such as country:BD or party:ID", clip(p.Subject))
	}
	return nil
}

// validSeriesKey reports whether k is "kind:id" with a known subject kind.
func validSeriesKey(k string) bool {
	kind, id, ok := strings.Cut(k, ":")
	return ok && SubjectKind(kind).valid() && id != "" && len(id) <= MaxSubjectID && utf8.ValidString(id)
}

// ApplyClosures marks each series' Closed days from the periods that cover
// it: those for every series and those for its key. Where an outage and a
// holiday overlap, the day is an outage (nothing could be recorded).
func ApplyClosures(series []Series, periods []ClosurePeriod) {
	for i := range series {
		s := &series[i]
		for _, p := range periods {
			if p.Subject != "" && p.Subject != s.Key {
				continue
			}
			from, to := max(int(p.From-s.Start), 0), min(int(p.To-s.Start), len(s.Counts)-1)
			if from > to {
				continue
			}
			if len(s.Closed) < len(s.Counts) {
				s.Closed = append(s.Closed, make([]Closure, len(s.Counts)-len(s.Closed))...)
			}
			for d := from; d <= to; d++ {
				if s.Closed[d] != Outage {
					s.Closed[d] = p.Kind
				}
			}
		}
	}
}

// ClosureStore keeps organisations' closure calendars.
//
// Error contract: as for AlertStore; DeleteClosure returns NotFound for a
// closure of another organisation.
type ClosureStore interface {
	// Closures returns the organisation's closures that overlap days
	// [from, to], earliest first.
	Closures(ctx context.Context, orgID string, from, to Day) ([]ClosurePeriod, error)
	// AddClosure stores p (validated) with a new id and returns it.
	AddClosure(ctx context.Context, p ClosurePeriod) (ClosurePeriod, error)
	DeleteClosure(ctx context.Context, orgID, id string) error
}

// MaxClosureRows bounds a closure file: a calendar of a few holidays a
// year per country does not come near it.
const MaxClosureRows = 10_000

// ParseClosuresCSV reads closures as CSV with the header
// from,to,kind,label and an optional key column (any order, names
// case-insensitive): dates are YYYY-MM-DD, both closed, kind is holiday
// or outage, and an empty or missing key means every series. Each row is
// checked as ClosurePeriod.Validate checks it; orgID is set on every
// period. Errors say "name:line:column: what is wrong".
func ParseClosuresCSV(r io.Reader, name, orgID string) ([]ClosurePeriod, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, kernel.Errorf(kernel.Invalid, "%s:1: empty file; expected the header from,to,kind,label[,key]", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col, err := headerColumns(name, header, []string{"from", "to", "kind", "label"}, []string{"key"}, "from,to,kind,label and optionally key")
	if err != nil {
		return nil, err
	}
	var out []ClosurePeriod
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, kernel.Errorf(kernel.Invalid, "%s:%d: %d fields, the header has %d", name, line, len(rec), len(header))
		}
		if len(out) == MaxClosureRows {
			return nil, kernel.Errorf(kernel.Invalid, "%s:%d: more than %d closures; split the file", name, line, MaxClosureRows)
		}
		at := func(field string) string {
			l, c := cr.FieldPos(col[field])
			return fmt.Sprintf("%s:%d:%d", name, l, c)
		}
		p := ClosurePeriod{OrgID: orgID, Label: strings.TrimSpace(rec[col["label"]])}
		for _, f := range []struct {
			field string
			day   *Day
		}{{"from", &p.From}, {"to", &p.To}} {
			d, err := ParseDay(strings.TrimSpace(rec[col[f.field]]))
			if err != nil {
				return nil, kernel.Errorf(kernel.Invalid, "%s: %s: %s", at(f.field), f.field, kernel.ErrorMessage(err))
			}
			*f.day = d
		}
		if p.Kind, err = ParseClosureKind(rec[col["kind"]]); err != nil {
			return nil, kernel.Errorf(kernel.Invalid, "%s: %s", at("kind"), kernel.ErrorMessage(err))
		}
		if col["key"] >= 0 {
			p.Subject = strings.TrimSpace(rec[col["key"]])
		}
		if err := p.Validate(); err != nil {
			msg := kernel.ErrorMessage(err)
			field, _, _ := strings.Cut(msg, ":")
			if field == "subject" {
				field = "key"
			}
			if _, ok := col[field]; !ok || col[field] < 0 {
				field = "from"
			}
			return nil, kernel.Errorf(kernel.Invalid, "%s: %s", at(field), msg)
		}
		out = append(out, p)
	}
}
