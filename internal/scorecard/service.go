package scorecard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Service records answers and computes scorecards over a Store. Held
// evidence is gathered by the caller from the other capabilities' stores.
type Service struct {
	Store   Store
	Weights Weights
	Clock   kernel.Clock
	// Audit, when set, records every evidence file added and read.
	Audit audit.Store
}

// Answer validates and records an answer for the subject.
func (s *Service) Answer(ctx context.Context, orgID string, subject Subject, a Answer) error {
	return s.AnswerWithFiles(ctx, orgID, subject, a, "", nil)
}

// AnswerWithFiles validates and records an answer whose documents come
// with their files: files[i] is the file of a.Documents[i]. Each file is
// checked (size, type) and cleared of hidden details before it is stored;
// the actor is written to the audit log for each file added.
func (s *Service) AnswerWithFiles(ctx context.Context, orgID string, subject Subject, a Answer, actor string, files []Upload) error {
	if strings.TrimSpace(orgID) == "" {
		return kernel.InvalidField("org_id", "is empty")
	}
	if !subject.Kind.Valid() {
		return kernel.InvalidField("subject.kind", "%q is not a subject kind; use supplier or organisation", subject.Kind)
	}
	if strings.TrimSpace(subject.ID) == "" {
		return kernel.InvalidField("subject.id", "is empty")
	}
	if err := a.Validate(subject.Kind); err != nil {
		return err
	}
	if a.AnsweredOn.After(s.Clock.Now()) {
		return kernel.InvalidField("answered_on", "%s is in the future", day(a.AnsweredOn))
	}
	if len(files) > len(a.Documents) {
		return kernel.InvalidField("file", "give each file a document: %d files for %d documents", len(files), len(a.Documents))
	}
	a.Documents = slices.Clone(a.Documents)
	stored := make([]File, 0, len(files))
	for i, u := range files {
		f, err := cleanUpload(u)
		if err != nil {
			return err
		}
		a.Documents[i].File = &f.FileInfo
		stored = append(stored, f)
	}
	if err := s.Store.AddAnswer(ctx, orgID, subject, a, stored...); err != nil {
		return fmt.Errorf("scorecard: record answer: %w", err)
	}
	for _, f := range stored {
		if err := s.audit(ctx, orgID, actor, ActionFileAdd, f, subject); err != nil {
			return err
		}
	}
	return nil
}

// Compute scores the subject now from its stored answers and the given
// held evidence, saves the scorecard and returns it with the subject's
// earlier scorecards (oldest first, the new one last).
func (s *Service) Compute(ctx context.Context, orgID string, subject Subject, held Held) ([]Scorecard, error) {
	if strings.TrimSpace(orgID) == "" {
		return nil, kernel.InvalidField("org_id", "is empty")
	}
	answers, err := s.Store.Answers(ctx, orgID, subject)
	if err != nil {
		return nil, fmt.Errorf("scorecard: load answers: %w", err)
	}
	sc, err := s.Weights.Score(Evidence{Subject: subject, AsOf: s.Clock.Now(), Answers: answers, Held: held})
	if err != nil {
		return nil, err
	}
	if err := s.Store.SaveScorecard(ctx, orgID, sc); err != nil {
		return nil, fmt.Errorf("scorecard: save: %w", err)
	}
	series, err := s.Store.Scorecards(ctx, orgID, subject)
	if err != nil {
		return nil, fmt.Errorf("scorecard: load history: %w", err)
	}
	return series, nil
}
