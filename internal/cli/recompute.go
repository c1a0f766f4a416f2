package cli

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// recomputePending scores again the organisations whose stored risk a
// migration marked as computed under an older method, or an import left
// unscored when its process died before the recompute, and returns how
// many it did. Each is done on its own: one that fails stays marked and
// the error names it.
func recomputePending(ctx context.Context, db *sqlstore.DB, svc *assessment.Service) (int, error) {
	st := db.SupplyChain()
	ids, err := st.PendingRecomputes(ctx)
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		if _, err := svc.Recompute(ctx, id); err != nil {
			return i, fmt.Errorf("recompute the risk of organisation %s after the migration: %w", id, err)
		}
		if err := st.RecomputeDone(ctx, id); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}
