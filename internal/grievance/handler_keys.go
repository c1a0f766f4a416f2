package grievance

import (
	"context"
	"errors"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// HandlerKey is a user's key pair as stored: the public half reports are
// wrapped to, and the private half locked by the user's password.
type HandlerKey struct {
	UserID, OrgID string
	Public        vault.PublicKey
	Locked        []byte
	// ApprovedBy names who approved the key ("user:<id>" or
	// "recovery-key"); empty while it waits (see Approvals).
	ApprovedBy string
}

// Approved reports whether the key receives new reports.
func (k HandlerKey) Approved() bool { return k.ApprovedBy != "" }

// HandlerKeyStore keeps users' key pairs.
type HandlerKeyStore interface {
	// HandlerKey returns kernel.NotFound when the user has no key pair.
	HandlerKey(ctx context.Context, orgID, userID string) (HandlerKey, error)
	// PutHandlerKey stores or replaces the user's key pair.
	PutHandlerKey(ctx context.Context, orgID, userID string, pub vault.PublicKey, locked []byte) error
}

// HandlerKeys decides when a case handler's key pair is issued, opened
// and re-locked at sign-in:
//   - a case handler without a key pair gets one at first sign-in, locked
//     by the password just typed;
//   - a key the password no longer opens (an administrator set a new
//     password) is replaced by a fresh pair; reports wrapped to the old
//     key come back through the organisation's recovery key;
//   - a key locked with other KDF parameters than the vault's current ones
//     is locked again with the current ones;
//   - a user who is not a case handler is never issued a key.
type HandlerKeys struct {
	Vault *vault.Vault
	Store HandlerKeyStore
}

// Unlock opens the user's private key with the password and returns it in
// the form a session carries it (see SessionKey); caseHandler says whether
// the user holds the case-handler role now. It returns nil, nil for a user
// who is not a case handler and holds no key the password opens.
func (k *HandlerKeys) Unlock(ctx context.Context, orgID, userID string, caseHandler bool, password string) ([]byte, error) {
	hk, err := k.Store.HandlerKey(ctx, orgID, userID)
	switch {
	case kernel.IsCode(err, kernel.NotFound):
		if !caseHandler {
			return nil, nil
		}
		return k.issue(ctx, orgID, userID, password)
	case err != nil:
		return nil, err
	}
	priv, err := k.Vault.UnlockKey(hk.Locked, []byte(password))
	if errors.Is(err, vault.ErrWrongKey) {
		if !caseHandler {
			return nil, nil
		}
		return k.issue(ctx, orgID, userID, password)
	}
	if err != nil {
		return nil, err
	}
	defer priv.Wipe()
	if k.Vault.NeedsRelock(hk.Locked) {
		// Best effort: the key opened, so sign-in goes on; the next
		// sign-in tries the re-lock again.
		if locked, err := k.Vault.LockKey(priv, []byte(password)); err == nil {
			_ = k.Store.PutHandlerKey(ctx, orgID, userID, priv.Public(), locked)
		}
	}
	return SessionKey(priv), nil
}

// issue makes and stores a new key pair for the user.
func (k *HandlerKeys) issue(ctx context.Context, orgID, userID, password string) ([]byte, error) {
	priv, err := k.Vault.NewKeyPair()
	if err != nil {
		return nil, err
	}
	defer priv.Wipe()
	locked, err := k.Vault.LockKey(priv, []byte(password))
	if err != nil {
		return nil, err
	}
	if err := k.Store.PutHandlerKey(ctx, orgID, userID, priv.Public(), locked); err != nil {
		return nil, err
	}
	return SessionKey(priv), nil
}

// SessionKey is the form a private key travels in inside the sealed
// session: the checksummed printable encoding the vault reads back with
// vault.ParseRecoveryKey.
func SessionKey(k *vault.PrivateKey) []byte { return []byte(vault.FormatRecoveryKey(k)) }
