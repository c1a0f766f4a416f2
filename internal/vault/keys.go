package vault

import (
	"context"
	"errors"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Recipient names of wrapped keys. A report has one wrapped key per
// recipient: the receipt, the organisation recovery key, and each handler
// authorised on the case.
const (
	RecipientReceipt  = "receipt"
	RecipientRecovery = "recovery"
	handlerPrefix     = "handler:"
)

// HandlerRecipient returns the recipient name for a handler's user id.
func HandlerRecipient(userID string) string { return handlerPrefix + userID }

// HandlerOf returns the user id in a handler recipient name, or false.
func HandlerOf(recipient string) (string, bool) {
	id, ok := strings.CutPrefix(recipient, handlerPrefix)
	return id, ok && id != ""
}

// WrappedKey is one report data key wrapped for one recipient, as stored.
type WrappedKey struct {
	ReportID  string
	Recipient string
	Blob      []byte
}

// KeyStore keeps wrapped data keys. A SQL adapter implements it; the
// grievance store normally implements it in the same transaction as the
// report itself.
type KeyStore interface {
	// PutWrappedKeys stores the keys, replacing any existing key for the
	// same report and recipient. It returns NotFound if a report does not
	// exist.
	PutWrappedKeys(ctx context.Context, keys ...WrappedKey) error
	// WrappedKey returns the key of one recipient for one report, or a
	// NotFound error when there is none (never granted, revoked or
	// destroyed).
	WrappedKey(ctx context.Context, reportID, recipient string) (WrappedKey, error)
	// DeleteWrappedKey revokes one recipient's access. Deleting a key that
	// does not exist is not an error.
	DeleteWrappedKey(ctx context.Context, reportID, recipient string) error
	// DestroyWrappedKeys deletes every wrapped key of a report, making its
	// sealed fields unreadable by anyone. It is idempotent. Adapters must
	// make the deletion durable (and, for SQLite, run with secure_delete)
	// before returning.
	DestroyWrappedKeys(ctx context.Context, reportID string) error
}

// WrapAll wraps a new report's data key for everyone who may open it: the receipt
// holder, the recovery key and the given handlers.
func (v *Vault) WrapAll(dk *DataKey, reportID string, rk *ReceiptKey, recovery PublicKey, handlers map[string]PublicKey) ([]WrappedKey, error) {
	keys := make([]WrappedKey, 0, 2+len(handlers))
	if rk != nil {
		b, err := v.WrapForReceipt(dk, reportID, rk)
		if err != nil {
			return nil, err
		}
		keys = append(keys, WrappedKey{ReportID: reportID, Recipient: RecipientReceipt, Blob: b})
	}
	// A missing recovery key is a set-up fault, not the reporter's: it is
	// Internal so that it is logged and the reporter sees a generic error.
	b, err := v.WrapTo(dk, reportID, recovery)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "the organisation has no usable recovery key (run keys init)")
	}
	keys = append(keys, WrappedKey{ReportID: reportID, Recipient: RecipientRecovery, Blob: b})
	for id, pub := range handlers {
		if id == "" {
			return nil, kernel.Errorf(kernel.Internal, "handler without a user id")
		}
		b, err := v.WrapTo(dk, reportID, pub)
		if err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "handler %s has no usable public key", id)
		}
		keys = append(keys, WrappedKey{ReportID: reportID, Recipient: HandlerRecipient(id), Blob: b})
	}
	return keys, nil
}

// OpenAsHandler fetches the handler's wrapped key for a report and unwraps
// it. It returns Forbidden when the handler has no key for the report, so
// callers need not distinguish "not assigned" from "revoked".
func OpenAsHandler(ctx context.Context, ks KeyStore, reportID, userID string, k *PrivateKey) (*DataKey, error) {
	wk, err := ks.WrappedKey(ctx, reportID, HandlerRecipient(userID))
	if kernel.IsCode(err, kernel.NotFound) {
		return nil, kernel.Errorf(kernel.Forbidden, "you are not a handler of this report")
	}
	if err != nil {
		return nil, err
	}
	return UnwrapWith(wk.Blob, reportID, k)
}

// Grant gives another handler access to a report: the data key, unwrapped
// with a key that already opens it (an existing handler's or the recovery
// key), is wrapped to the new handler's public key and stored.
func (v *Vault) Grant(ctx context.Context, ks KeyStore, reportID, fromRecipient string, from *PrivateKey, userID string, to PublicKey) error {
	wk, err := ks.WrappedKey(ctx, reportID, fromRecipient)
	if err != nil {
		return err
	}
	b, err := v.Rewrap(wk.Blob, reportID, from, to)
	if err != nil {
		return err
	}
	return ks.PutWrappedKeys(ctx, WrappedKey{ReportID: reportID, Recipient: HandlerRecipient(userID), Blob: b})
}

// RecoverReports uses the organisation recovery key to give a handler (for
// example one who lost a password and was issued a new key pair) access to
// each listed report. It stops at the first error other than a report
// whose keys were destroyed, which it skips, and returns how many reports
// were granted.
func (v *Vault) RecoverReports(ctx context.Context, ks KeyStore, reportIDs []string, recovery *PrivateKey, userID string, to PublicKey) (int, error) {
	n := 0
	for _, id := range reportIDs {
		err := v.Grant(ctx, ks, id, RecipientRecovery, recovery, userID, to)
		if kernel.IsCode(err, kernel.NotFound) {
			continue
		}
		if err != nil {
			if errors.Is(err, ErrWrongKey) {
				return n, kernel.Wrap(kernel.Unauthorised, err, "the recovery key does not open report %s", id)
			}
			return n, err
		}
		n++
	}
	return n, nil
}
