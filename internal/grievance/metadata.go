package grievance

import (
	"context"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// MoveAsHandler changes a case's stage for one of its handlers who does not
// present an unlocked key, as through an API token. A stage, its reason
// and the day it began are clear metadata, so the change reads and writes
// nothing sealed; what the key proves on the case page, that the caller is
// a handler of this report, is checked here by the wrapped key the
// caller holds for it (Forbidden without one). The workflow's rules are
// those of Move, and the change is audited alike, marked as made without
// the key. A note, and so closing a case with open remedies (which needs
// one), would be sealed content: it takes an unlocked key, through
// OpenAsHandler.
func (s *Service) MoveAsHandler(ctx context.Context, orgID, reportID, userID string, to Stage, reason Reason) (Report, error) {
	r, err := s.cfg.Store.Report(ctx, orgID, reportID)
	if err != nil {
		return Report{}, err
	}
	if r.Purged {
		return Report{}, kernel.Errorf(kernel.Conflict, "this case's content was removed under the retention rule; its stage no longer changes")
	}
	if _, err := s.cfg.Store.WrappedKey(ctx, r.ID, vault.HandlerRecipient(userID)); kernel.IsCode(err, kernel.NotFound) {
		return Report{}, kernel.Errorf(kernel.Forbidden, "you are not a handler of this case: a handler who is gives you access on its page")
	} else if err != nil {
		return Report{}, err
	}
	return s.changeStage(ctx, r, userID, to, reason, "", false, map[string]string{"key": "not presented"})
}
