package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
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

func (s *Scorecards) AddAnswer(ctx context.Context, orgID string, subj scorecard.Subject, a scorecard.Answer, files ...scorecard.File) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("scorecard answer: %w", err)
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, f := range files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO scorecard_files
				(org_id, id, subject_kind, subject_id, name, media_type, sha256, size, content, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				orgID, f.ID, string(subj.Kind), subj.ID, f.Name, f.MediaType, f.SHA256, int64(len(f.Content)),
				base64.StdEncoding.EncodeToString(f.Content), now); err != nil {
				return classify(err, "scorecard evidence file")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO scorecard_answers
			(id, org_id, subject_kind, subject_id, question_id, answered_on, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			kernel.NewID(), orgID, string(subj.Kind), subj.ID, a.QuestionID, a.AnsweredOn.UTC(), string(body), now)
		return classify(err, "scorecard answer")
	})
}

// File returns one evidence file of the subject.
func (s *Scorecards) File(ctx context.Context, orgID string, subj scorecard.Subject, fileID string) (scorecard.File, error) {
	var f scorecard.File
	var content string
	err := s.db.read.QueryRowContext(ctx, `SELECT id, name, media_type, sha256, content FROM scorecard_files
		WHERE org_id = $1 AND subject_kind = $2 AND subject_id = $3 AND id = $4`,
		orgID, string(subj.Kind), subj.ID, fileID).Scan(&f.ID, &f.Name, &f.MediaType, &f.SHA256, &content)
	if err != nil {
		return scorecard.File{}, classify(err, "evidence file")
	}
	if f.Content, err = base64.StdEncoding.DecodeString(content); err != nil {
		return scorecard.File{}, fmt.Errorf("evidence file %s: %w", fileID, err)
	}
	f.Size = len(f.Content)
	return f, nil
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
