package grievance

import (
	"context"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// A new case handler's key receives reports only once it is approved. An
// organisation admin can create a case handler with a password of their
// choosing and sign in as them; if the new key were trusted at once, the
// admin would read every report from then on. Approval is given by someone
// who already holds case content (an approved case handler, in the case
// pages) or by the holder of the organisation's recovery key (on the
// command line), after comparing the key's fingerprint with the one the new
// handler sees on their own account page, by voice or in person.

// Audit actions of handler keys.
const (
	ActionHandlerKeyIssued   = "grievance.handler_key.issued"
	ActionHandlerKeyApproved = "grievance.handler_key.approved"
)

// ApprovedBeforeApproval marks keys that existed before approval was
// required (the migration approves them under this name).
const ApprovedBeforeApproval = "before approval was required"

// ApprovalStore keeps handlers' keys and their approval.
type ApprovalStore interface {
	// HandlerKey returns the user's key, or NotFound.
	HandlerKey(ctx context.Context, orgID, userID string) (HandlerKey, error)
	// ApproveHandlerKey marks the user's key approved by by, if it is still
	// the given public key and not approved yet; otherwise Conflict.
	ApproveHandlerKey(ctx context.Context, orgID, userID string, pub vault.PublicKey, by string) error
	// RecoveryKey returns the organisation's recovery public key.
	RecoveryKey(ctx context.Context, orgID string) (vault.PublicKey, error)
}

// Approvals approves case handlers' keys.
type Approvals struct {
	Keys  ApprovalStore
	Audit AuditFunc
}

var errFingerprint = kernel.Errorf(kernel.Invalid, "the fingerprint does not match this handler's key: compare it again with the one on their account page; if it still differs, do not approve")

// Approve lets the case handler approverID approve userID's key after
// comparing its fingerprint. The approver must hold an approved key
// themselves and cannot approve their own.
func (a Approvals) Approve(ctx context.Context, orgID, approverID, userID, fingerprint string) error {
	if approverID == userID {
		return kernel.Errorf(kernel.Forbidden, "another case handler must approve your key")
	}
	own, err := a.Keys.HandlerKey(ctx, orgID, approverID)
	if kernel.IsCode(err, kernel.NotFound) || (err == nil && !own.Approved()) {
		return kernel.Errorf(kernel.Forbidden, "only a case handler whose own key is approved can approve another")
	}
	if err != nil {
		return err
	}
	return a.approve(ctx, orgID, userID, fingerprint, "user:"+approverID, approverID)
}

// ApproveWithRecoveryKey lets the holder of the organisation's recovery key
// approve userID's key (the first case handler, or when no approved
// handler is left).
func (a Approvals) ApproveWithRecoveryKey(ctx context.Context, orgID, userID, fingerprint string, recovery *vault.PrivateKey) error {
	stored, err := a.Keys.RecoveryKey(ctx, orgID)
	if err != nil {
		return err
	}
	if !stored.Equal(recovery.Public()) {
		return kernel.Errorf(kernel.Invalid, "this is not the organisation's recovery key")
	}
	return a.approve(ctx, orgID, userID, fingerprint, "recovery-key", "cli:recovery-key")
}

func (a Approvals) approve(ctx context.Context, orgID, userID, fingerprint, by, actor string) error {
	k, err := a.Keys.HandlerKey(ctx, orgID, userID)
	if kernel.IsCode(err, kernel.NotFound) {
		return kernel.Errorf(kernel.Invalid, "this user has no case key yet: they must sign in once first")
	}
	if err != nil {
		return err
	}
	if k.Approved() {
		return kernel.Errorf(kernel.Conflict, "this key is approved already")
	}
	if !k.Public.SameFingerprint(fingerprint) {
		return errFingerprint
	}
	if err := a.Audit(ctx, audit.Record{Org: orgID, Actor: actor, Action: ActionHandlerKeyApproved, Object: "user:" + userID,
		Detail: map[string]string{"fingerprint": k.Public.Fingerprint()}}); err != nil {
		return err
	}
	return a.Keys.ApproveHandlerKey(ctx, orgID, userID, k.Public, by)
}
