package reportdata

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/scorecard"
)

// Question is a questionnaire question with the answer that counts today.
type Question struct {
	scorecard.Item
	// Answer is the newest answer given on or before today; nil when the
	// question has not been answered.
	Answer *scorecard.Answer
}

// View is a subject's scorecard as pages show it.
type View struct {
	Subject scorecard.Subject
	// Party is the supplier graded; nil for the organisation.
	Party *PartyRow
	// Current is computed now from the stored answers and held evidence.
	Current scorecard.Scorecard
	// History is the saved scorecards of earlier days and Current last,
	// oldest first; Trend the change between each consecutive pair.
	History   []scorecard.Scorecard
	Trend     []scorecard.Change
	Questions []Question
}

// Scorecard computes the scorecard of the organisation (partyID "") or of
// one of its suppliers now, without saving it.
func (s *Service) Scorecard(ctx context.Context, org Org, partyID string) (View, error) {
	ev, err := s.gather(ctx, org, partyID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, org, ev)
}

// Held returns the evidence Upstream holds about the organisation (partyID
// "") or one supplier.
func (s *Service) Held(ctx context.Context, org Org, partyID string) (scorecard.Held, error) {
	ev, err := s.gather(ctx, org, partyID)
	if err != nil {
		return scorecard.Held{}, err
	}
	return ev.held, nil
}

// Answer records an answer for the organisation (partyID "") or a supplier,
// saves the day's scorecard so the trend shows the change, and returns the
// new view.
func (s *Service) Answer(ctx context.Context, org Org, partyID string, a scorecard.Answer) (View, error) {
	return s.AnswerWithFiles(ctx, org, partyID, a, "", nil)
}

// AnswerWithFiles is Answer with the files of the answer's documents
// (files[i] belongs to a.Documents[i]), added by actor.
func (s *Service) AnswerWithFiles(ctx context.Context, org Org, partyID string, a scorecard.Answer, actor string, files []scorecard.Upload) (View, error) {
	ev, err := s.gather(ctx, org, partyID)
	if err != nil {
		return View{}, err
	}
	if err := s.Scorecards.AnswerWithFiles(ctx, org.ID, ev.subject, a, actor, files); err != nil {
		return View{}, err
	}
	if _, err := s.Scorecards.Compute(ctx, org.ID, ev.subject, ev.held); err != nil {
		return View{}, err
	}
	return s.view(ctx, org, ev)
}

// EvidenceFile returns an evidence file of the organisation's (partyID "")
// or a supplier's answers, audited as read by actor.
func (s *Service) EvidenceFile(ctx context.Context, org Org, partyID, fileID, actor string) (scorecard.File, error) {
	subject := scorecard.Subject{Kind: scorecard.Organisation, ID: org.ID, Name: org.Name}
	if partyID != "" {
		subject = scorecard.Subject{Kind: scorecard.Supplier, ID: partyID}
	}
	return s.Scorecards.EvidenceFile(ctx, org.ID, subject, fileID, actor)
}

func day(sc scorecard.Scorecard) string { return sc.AsOf.UTC().Format("2006-01-02") }

func (s *Service) view(ctx context.Context, org Org, ev *evidence) (View, error) {
	st := s.Scorecards.Store
	answers, err := st.Answers(ctx, org.ID, ev.subject)
	if err != nil {
		return View{}, fmt.Errorf("reportdata: answers: %w", err)
	}
	now := s.Clock.Now().UTC()
	cur, err := s.Scorecards.Weights.Score(scorecard.Evidence{Subject: ev.subject, AsOf: now, Answers: answers, Held: ev.held})
	if err != nil {
		return View{}, err
	}
	saved, err := st.Scorecards(ctx, org.ID, ev.subject)
	if err != nil {
		return View{}, fmt.Errorf("reportdata: scorecard history: %w", err)
	}
	v := View{Subject: ev.subject, Party: ev.party, Current: cur}
	for _, sc := range saved {
		if day(sc) != day(cur) && sc.AsOf.Before(cur.AsOf) {
			v.History = append(v.History, sc)
		}
	}
	v.History = append(v.History, cur)
	if v.Trend, err = scorecard.Trend(v.History); err != nil {
		return View{}, err
	}
	latest := scorecard.LatestAnswers(answers, now)
	for _, q := range scorecard.Questions(ev.subject.Kind) {
		v.Questions = append(v.Questions, Question{Item: q, Answer: latest[q.ID]})
	}
	return v, nil
}

// Suppliers lists the organisation's suppliers with the highest exposure
// first, at most limit of them, for choosing a scorecard.
func (s *Service) Suppliers(ctx context.Context, org Org, limit int) ([]PartyRow, error) {
	return s.SupplyChain.RegisterParties(ctx, org.ID, limit)
}
