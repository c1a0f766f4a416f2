package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestScorecardStore(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Scorecards()
		subj := scorecard.Subject{Kind: scorecard.Supplier, ID: "party-1", Name: "Spinning Mill"}
		q := scorecard.Questions(scorecard.Supplier)[0]
		a := scorecard.Answer{QuestionID: q.ID, Response: scorecard.Yes, AnsweredOn: t0,
			Documents: []scorecard.Document{{Name: "Code of conduct", Reference: "doc-1", Date: t0}}}
		if err := st.AddAnswer(ctx, tn.a.ID, subj, a); err != nil {
			t.Fatal(err)
		}
		got, err := st.Answers(ctx, tn.a.ID, subj)
		if err != nil || len(got) != 1 || !cmp.Equal(got[0], a) {
			t.Fatalf("answers: %v %s", err, cmp.Diff([]scorecard.Answer{a}, got))
		}
		sc, err := scorecard.DefaultWeights().Score(scorecard.Evidence{Subject: subj, AsOf: t0, Answers: got})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveScorecard(ctx, tn.a.ID, sc); err != nil {
			t.Fatal(err)
		}
		later := sc
		later.AsOf = t0.Add(2 * time.Hour) // same day: replaces
		later.Score = sc.Score + 1
		if err := st.SaveScorecard(ctx, tn.a.ID, later); err != nil {
			t.Fatal(err)
		}
		next := sc
		next.AsOf = t0.AddDate(0, 1, 0)
		if err := st.SaveScorecard(ctx, tn.a.ID, next); err != nil {
			t.Fatal(err)
		}
		cards, err := st.Scorecards(ctx, tn.a.ID, subj)
		if err != nil || len(cards) != 2 || cards[0].Score != later.Score || !cards[1].AsOf.Equal(next.AsOf) {
			t.Fatalf("scorecards: %v %d", err, len(cards))
		}
		// An explanation is stored as its English sentence, not its
		// message and values, so it comes back equal as a sentence.
		sameSentence := cmp.Comparer(func(a, b kernel.Text) bool { return a.String() == b.String() })
		if diff := cmp.Diff(later, cards[0], sameSentence); diff != "" {
			t.Errorf("scorecard round trip (-want +got):\n%s", diff)
		}
		// Tenant isolation: organisation B sees none of A's answers or cards.
		if ans, err := st.Answers(ctx, tn.b.ID, subj); err != nil || len(ans) != 0 {
			t.Errorf("org B answers: %d %v", len(ans), err)
		}
		if cs, err := st.Scorecards(ctx, tn.b.ID, subj); err != nil || len(cs) != 0 {
			t.Errorf("org B scorecards: %d %v", len(cs), err)
		}
		// Writes name an existing organisation.
		if err := st.AddAnswer(ctx, "no-such-org", subj, a); err == nil {
			t.Error("answer stored for an unknown organisation")
		}
	})
}
