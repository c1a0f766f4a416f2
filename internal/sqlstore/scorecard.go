package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// Scorecards implements scorecard.Store. Answers and scorecards are stored
// as JSON documents beside the columns that select them: the method may add
// fields without a migration, and nothing queries inside them.
type Scorecards struct {
	db    *DB
	clock kernel.Clock
}

// Scorecards returns the scorecard repository.
func (db *DB) Scorecards() *Scorecards { return &Scorecards{db: db, clock: kernel.SystemClock{}} }

var _ scorecard.Store = (*Scorecards)(nil)

func (s *Scorecards) AddAnswer(ctx context.Context, orgID string, subj scorecard.Subject, a scorecard.Answer) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("scorecard answer: %w", err)
	}
	_, err = s.db.write.ExecContext(ctx, `INSERT INTO scorecard_answers
		(id, org_id, subject_kind, subject_id, question_id, answered_on, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		kernel.NewID(), orgID, string(subj.Kind), subj.ID, a.QuestionID, a.AnsweredOn.UTC(), string(body), s.clock.Now())
	return classify(err, "scorecard answer")
}

func (s *Scorecards) Answers(ctx context.Context, orgID string, subj scorecard.Subject) ([]scorecard.Answer, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT body FROM scorecard_answers
		WHERE org_id = $1 AND subject_kind = $2 AND subject_id = $3 ORDER BY created_at, id`,
		orgID, string(subj.Kind), subj.ID)
	if err != nil {
		return nil, classify(err, "scorecard answers")
	}
	defer rows.Close()
	out := []scorecard.Answer{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, classify(err, "scorecard answers")
		}
		var a scorecard.Answer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			return nil, fmt.Errorf("scorecard answer: %w", err)
		}
		out = append(out, a)
	}
	return out, classify(rows.Err(), "scorecard answers")
}

func (s *Scorecards) SaveScorecard(ctx context.Context, orgID string, sc scorecard.Scorecard) error {
	body, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("scorecard: %w", err)
	}
	_, err = s.db.write.ExecContext(ctx, `INSERT INTO scorecards (org_id, subject_kind, subject_id, day, as_of, score, grade, body)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (org_id, subject_kind, subject_id, day) DO UPDATE SET
			as_of = excluded.as_of, score = excluded.score, grade = excluded.grade, body = excluded.body`,
		orgID, string(sc.Subject.Kind), sc.Subject.ID, sc.AsOf.UTC().Format(time.DateOnly), sc.AsOf.UTC(), sc.Score, string(sc.Grade), string(body))
	return classify(err, "scorecard")
}

func (s *Scorecards) Scorecards(ctx context.Context, orgID string, subj scorecard.Subject) ([]scorecard.Scorecard, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT body FROM scorecards
		WHERE org_id = $1 AND subject_kind = $2 AND subject_id = $3 ORDER BY day`,
		orgID, string(subj.Kind), subj.ID)
	if err != nil {
		return nil, classify(err, "scorecards")
	}
	defer rows.Close()
	out := []scorecard.Scorecard{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, classify(err, "scorecards")
		}
		var sc scorecard.Scorecard
		if err := json.Unmarshal([]byte(body), &sc); err != nil {
			return nil, fmt.Errorf("scorecard: %w", err)
		}
		out = append(out, sc)
	}
	return out, classify(rows.Err(), "scorecards")
}
