package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const mergesUsage = `merges --org SLUG [--db DSN] [--undo MERGE-ID]

Lists the facilities that imports or analysts merged into another (latest
first): which facility, from which import, file and row, by which rule and
score. --undo takes one merge back: both facilities and their links are
restored as they were, the pair is kept apart from then on, and the
organisation's risk is recomputed.`

func runMerges(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "merges", mergesUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs, env)
	undo := fs.String("undo", "", "the id of the merge to undo (as listed)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *org == "" {
		return usageError("merges needs --org SLUG (or UPSTREAM_ORG)")
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := orgBySlug(ctx, db, *org)
	if err != nil {
		return err
	}
	st := db.SupplyChain()
	if *undo != "" {
		svc, err := storedAssessmentService(ctx, db, env.Clock)
		if err != nil {
			return err
		}
		m, err := svc.UndoMerge(ctx, st, o.ID, *undo, "cli")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "undone: %q and %q are two facilities again, with their links as before the merge; imports will keep them apart\n",
			m.FromName, m.IntoName)
		return nil
	}
	for offset := 0; ; offset += kernel.MaxPageLimit {
		ms, total, err := st.Merges(ctx, o.ID, kernel.Page{Limit: kernel.MaxPageLimit, Offset: offset})
		if err != nil {
			return err
		}
		if total == 0 {
			fmt.Fprintf(env.Stdout, "%s: no facility has been merged\n", o.Slug)
		}
		for _, m := range ms {
			fmt.Fprintln(env.Stdout, describeMerge(m))
		}
		if offset+len(ms) >= total || len(ms) == 0 {
			return nil
		}
	}
}

// describeMerge is one line on a merge for the command line.
func describeMerge(m supplychain.Merge) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %q into %q", m.ID, m.At.Format("2006-01-02 15:04"), m.FromName, m.IntoName)
	if w := m.Origin.Where(); w != "" {
		fmt.Fprintf(&b, ", read from %s", w)
	}
	by := string(m.Rule)
	if m.Actor != "" {
		by += " by " + m.Actor
	}
	fmt.Fprintf(&b, "; %s, score %.2f (%s)", by, m.Score, strings.Join(m.Reasons, ", "))
	switch {
	case !m.UndoneAt.IsZero():
		fmt.Fprintf(&b, "; undone %s", m.UndoneAt.Format("2006-01-02 15:04"))
	case m.SupersededBy != "":
		b.WriteString("; merged again by a later import")
	}
	return b.String()
}

// duplicateReview is the web page's view of the possible-duplicates queue:
// the store lists pairs and merges, the assessment service decides and
// recomputes risk.
type duplicateReview struct {
	store *sqlstore.SupplyChain
	svc   *assessment.Service
	clock kernel.Clock
}

func (d duplicateReview) OpenPairs(ctx context.Context, orgID string, page kernel.Page) ([]supplychain.DuplicatePair, int, error) {
	return d.store.OpenPairs(ctx, orgID, page)
}

func (d duplicateReview) Merges(ctx context.Context, orgID string, page kernel.Page) ([]supplychain.Merge, int, error) {
	return d.store.Merges(ctx, orgID, page)
}

func (d duplicateReview) MergePair(ctx context.Context, orgID, a, b, actor string) (supplychain.Merge, error) {
	return d.svc.MergePair(ctx, d.store, orgID, a, b, actor)
}

func (d duplicateReview) KeepApart(ctx context.Context, orgID, a, b, actor string) (supplychain.DuplicatePair, error) {
	return d.svc.KeepApart(ctx, d.store, orgID, a, b, actor)
}

func (d duplicateReview) OSHReviews(ctx context.Context, orgID string, limit int) ([]supplychain.OSHLookup, error) {
	return d.store.OSHReviews(ctx, orgID, limit)
}

func (d duplicateReview) DecideOSHSuggestion(ctx context.Context, orgID, partyID string, accept bool, actor string) (supplychain.OSHLookup, error) {
	return d.store.DecideOSHSuggestion(ctx, orgID, partyID, accept, actor, d.clock.Now())
}

func (d duplicateReview) UndoMerge(ctx context.Context, orgID, id, actor string) (supplychain.Merge, error) {
	return d.svc.UndoMerge(ctx, d.store, orgID, id, actor)
}

// addOSHLookup schedules the Open Supply Hub look-up of facilities
// without an OS ID when the operator configured an API token.
func addOSHLookup(env *Env, sched *jobs.Scheduler, db *sqlstore.DB) error {
	s, err := settings(env, "OSH_TOKEN", "OSH_URL")
	if err != nil {
		return err
	}
	if s["OSH_TOKEN"] == "" {
		return nil
	}
	m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		return err
	}
	sched.AddOSHLookupJob(&jobs.OSHLookup{Orgs: db.Accounts(), Store: db.SupplyChain(), Matcher: m, Clock: env.Clock,
		Client: &jobs.OSHClient{BaseURL: s["OSH_URL"], Token: s["OSH_TOKEN"]}})
	return nil
}
