package cli

import (
	"context"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// watchlistHits counts a party's screening hits by review status for the
// supplier page. Hits the latest list no longer produces do not count.
type watchlistHits struct{ st *sqlstore.Screening }

func (w watchlistHits) PartyHits(ctx context.Context, orgID, partyID string) (pending, confirmed int, err error) {
	items, err := w.st.ListReviewItems(ctx, screening.ReviewFilter{OrgID: orgID, PartyID: partyID, Page: kernel.Page{Limit: kernel.MaxPageLimit}})
	if err != nil {
		return 0, 0, err
	}
	for _, it := range items {
		if it.Missing {
			continue
		}
		switch it.Status {
		case screening.StatusPending:
			pending++
		case screening.StatusConfirmed:
			confirmed++
		}
	}
	return pending, confirmed, nil
}

// orgBySlug finds the organisation a command names with --org; an unknown
// one is bad usage, and the message says how to create it.
func orgBySlug(ctx context.Context, db *sqlstore.DB, slug string) (account.Org, error) {
	o, err := db.Accounts().OrgBySlug(ctx, slug)
	if kernel.IsCode(err, kernel.NotFound) {
		return o, usageError("no organisation %q; create it with --new-org \"Display name\" (import and user add take it)", slug)
	}
	return o, err
}
