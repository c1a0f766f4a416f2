package vault

import (
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/upstream-platform/upstream/internal/kernel"
)

const lockedKeyV1 byte = 1

// LockedKeySize is the length of a locked handler key.
const LockedKeySize = 1 + kdfParamsLen + SaltSize + 32 + chacha20poly1305.NonceSizeX + 32 + chacha20poly1305.Overhead

// NewHandlerKey makes a key pair for a case handler and returns its public
// key (to store in clear and wrap reports to) and the private key locked
// under the handler's password (to store as is).
func (v *Vault) NewHandlerKey(password []byte) (PublicKey, []byte, error) {
	k, err := v.NewKeyPair()
	if err != nil {
		return PublicKey{}, nil, err
	}
	locked, err := v.LockKey(k, password)
	if err != nil {
		return PublicKey{}, nil, err
	}
	return k.Public(), locked, nil
}

// LockKey encrypts a private key under a key stretched from password with
// the vault's password parameters and a new salt.
// Layout (version 1): 0x01 | time (4) | memory KiB (4) | threads (1) |
// salt (16) | public key (32) | nonce (24) | sealed private key (48).
// The header is associated data, so parameters cannot be lowered in place.
func (v *Vault) LockKey(k *PrivateKey, password []byte) ([]byte, error) {
	if k == nil || k.k == nil {
		return nil, kernel.Errorf(kernel.Invalid, "no key to lock")
	}
	if len(password) == 0 {
		return nil, kernel.Errorf(kernel.Invalid, "a password is needed to lock a key")
	}
	p := v.params.Password
	out := make([]byte, 0, LockedKeySize)
	out = append(out, lockedKeyV1)
	out = p.appendTo(out)
	n := len(out)
	out = out[:n+SaltSize]
	if err := v.random(out[n:]); err != nil {
		return nil, err
	}
	salt := out[n : n+SaltSize]
	out = append(out, k.k.PublicKey().Bytes()...)
	kek := stretch(v.pwSem, password, salt, p, KeySize)
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "creating cipher")
	}
	h := len(out)
	out = out[:h+chacha20poly1305.NonceSizeX]
	if err := v.random(out[h:]); err != nil {
		return nil, err
	}
	ad := append([]byte("upstream/handler-key/v1\x00"), out[:h]...)
	return aead.Seal(out, out[h:], k.k.Bytes(), ad), nil
}

// LockedPublicKey returns the public key recorded in a locked key, without
// the password.
func LockedPublicKey(locked []byte) (PublicKey, error) {
	if err := checkLocked(locked); err != nil {
		return PublicKey{}, err
	}
	off := 1 + kdfParamsLen + SaltSize
	return ParsePublicKey(locked[off : off+32])
}

func checkLocked(locked []byte) error {
	if len(locked) != LockedKeySize {
		return kernel.Errorf(kernel.Invalid, "locked key has the wrong length")
	}
	if locked[0] != lockedKeyV1 {
		return kernel.Errorf(kernel.Invalid, "locked key has unknown format version %d", locked[0])
	}
	return nil
}

// UnlockKey opens a key locked by LockKey. It returns ErrWrongKey for a
// wrong password and an Invalid error for a malformed blob.
func (v *Vault) UnlockKey(locked, password []byte) (*PrivateKey, error) {
	if err := checkLocked(locked); err != nil {
		return nil, err
	}
	p, err := readKDFParams(locked[1:])
	if err != nil {
		return nil, err
	}
	saltAt := 1 + kdfParamsLen
	h := saltAt + SaltSize + 32
	kek := stretch(v.pwSem, password, locked[saltAt:saltAt+SaltSize], p, KeySize)
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "creating cipher")
	}
	ad := append([]byte("upstream/handler-key/v1\x00"), locked[:h]...)
	nonce := locked[h : h+chacha20poly1305.NonceSizeX]
	raw, err := aead.Open(nil, nonce, locked[h+chacha20poly1305.NonceSizeX:], ad)
	if err != nil {
		return nil, ErrWrongKey
	}
	defer clear(raw)
	k, err := privateFromBytes(raw)
	if err != nil {
		return nil, err
	}
	if !k.Public().Equal(mustPublic(locked[saltAt+SaltSize : h])) {
		return nil, kernel.Errorf(kernel.Invalid, "locked key does not match its public key")
	}
	return k, nil
}

func mustPublic(b []byte) PublicKey {
	p, err := ParsePublicKey(b)
	if err != nil {
		return PublicKey{}
	}
	return p
}

// NeedsRelock reports whether a locked key was made with parameters other
// than the vault's current ones; callers relock at the next sign-in.
func (v *Vault) NeedsRelock(locked []byte) bool {
	if checkLocked(locked) != nil {
		return false
	}
	p, err := readKDFParams(locked[1:])
	return err != nil || p != v.params.Password
}

// ChangePassword unlocks with the old password and locks the same key under
// the new one. Reports stay wrapped to the same public key, so nothing else
// changes.
func (v *Vault) ChangePassword(locked, oldPassword, newPassword []byte) ([]byte, error) {
	k, err := v.UnlockKey(locked, oldPassword)
	if err != nil {
		return nil, err
	}
	defer k.Wipe()
	return v.LockKey(k, newPassword)
}
