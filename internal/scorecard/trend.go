package scorecard

import (
	"context"
	"slices"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// ThemeChange is how one theme's score moved between two scorecards.
type ThemeChange struct {
	Theme    Theme
	From, To float64
	Delta    float64
}

// Change is the movement between two dated scorecards of one subject.
type Change struct {
	From, To           time.Time
	FromGrade, ToGrade Grade
	FromScore, ToScore float64
	Delta              float64
	// ScaleChanged is set when the subject moved between the normal and
	// the stricter scale, so a grade can change with no change in score.
	ScaleChanged bool
	Themes       []ThemeChange
}

// Compare returns the change from prev to next. Both must grade the same
// subject.
func Compare(prev, next Scorecard) (Change, error) {
	if prev.Subject.Kind != next.Subject.Kind || prev.Subject.ID != next.Subject.ID {
		return Change{}, kernel.InvalidField("subject", "scorecards of %s %q and %s %q cannot be compared", prev.Subject.Kind, prev.Subject.ID, next.Subject.Kind, next.Subject.ID)
	}
	c := Change{
		From: prev.AsOf, To: next.AsOf,
		FromGrade: prev.Grade, ToGrade: next.Grade,
		FromScore: prev.Score, ToScore: next.Score,
		Delta:        round1(next.Score - prev.Score),
		ScaleChanged: prev.Scale != next.Scale,
	}
	before := map[Theme]float64{}
	for _, t := range prev.Themes {
		before[t.Theme] = t.Score
	}
	for _, t := range next.Themes {
		c.Themes = append(c.Themes, ThemeChange{Theme: t.Theme, From: before[t.Theme], To: t.Score, Delta: t.Score - before[t.Theme]})
	}
	return c, nil
}

// Trend orders a series of scorecards by date and returns the change
// between each consecutive pair.
func Trend(series []Scorecard) ([]Change, error) {
	s := slices.Clone(series)
	slices.SortStableFunc(s, func(a, b Scorecard) int { return a.AsOf.Compare(b.AsOf) })
	var out []Change
	for i := 1; i < len(s); i++ {
		c, err := Compare(s[i-1], s[i])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Store keeps questionnaire answers and dated scorecards per organisation
// and subject. A subject is identified by its Kind and ID; Name is not a
// key. Every method filters on orgID.
type Store interface {
	// AddAnswer appends an answer to the subject's history, with the
	// evidence files its documents name, in one transaction; earlier
	// answers stay so past scorecards can be recomputed.
	AddAnswer(ctx context.Context, orgID string, subject Subject, a Answer, files ...File) error
	// File returns one of the subject's evidence files; a file of another
	// subject or organisation is NotFound.
	File(ctx context.Context, orgID string, subject Subject, fileID string) (File, error)
	// Answers returns the subject's whole answer history, oldest first. A
	// subject with no answers returns an empty slice and no error.
	Answers(ctx context.Context, orgID string, subject Subject) ([]Answer, error)
	// SaveScorecard stores a computed scorecard. Saving a second one for the
	// same subject and day replaces the first.
	SaveScorecard(ctx context.Context, orgID string, sc Scorecard) error
	// Scorecards returns the subject's saved scorecards, oldest first; none
	// is an empty slice and no error.
	Scorecards(ctx context.Context, orgID string, subject Subject) ([]Scorecard, error)
}
