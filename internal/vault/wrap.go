package vault

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Wrapped-key formats. Byte 0 is the version, byte 1 the kind of key that
// unwraps it.
const (
	wrapV1            byte = 1
	wrapKindX25519    byte = 1
	wrapKindReceipt   byte = 2
	wrappedX25519Len       = 2 + 32 + chacha20poly1305.NonceSizeX + KeySize + chacha20poly1305.Overhead
	wrappedReceiptLen      = 2 + chacha20poly1305.NonceSizeX + KeySize + chacha20poly1305.Overhead
)

// PublicKey is a recipient's X25519 public key. It may be stored and shown
// freely.
type PublicKey struct{ k *ecdh.PublicKey }

// PrivateKey is an X25519 private key: a case handler's (kept locked under
// the handler's password) or the organisation's recovery key (kept offline).
type PrivateKey struct{ k *ecdh.PrivateKey }

// ParsePublicKey reads the 32-byte form returned by PublicKey.Bytes.
func ParsePublicKey(b []byte) (PublicKey, error) {
	k, err := ecdh.X25519().NewPublicKey(b)
	if err != nil {
		return PublicKey{}, kernel.Errorf(kernel.Invalid, "not an X25519 public key")
	}
	return PublicKey{k}, nil
}

// ParsePublicKeyString reads the text form returned by PublicKey.String.
func ParsePublicKeyString(s string) (PublicKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return PublicKey{}, kernel.Errorf(kernel.Invalid, "public key is not base64url text")
	}
	return ParsePublicKey(b)
}

// Bytes returns the 32-byte encoding.
func (p PublicKey) Bytes() []byte {
	if p.k == nil {
		return nil
	}
	return p.k.Bytes()
}

// String returns the unpadded base64url encoding.
func (p PublicKey) String() string { return base64.RawURLEncoding.EncodeToString(p.Bytes()) }

// Equal reports whether both are the same key.
func (p PublicKey) Equal(o PublicKey) bool {
	if p.k == nil || o.k == nil {
		return p.k == o.k
	}
	return p.k.Equal(o.k)
}

// Public returns the matching public key.
func (k *PrivateKey) Public() PublicKey { return PublicKey{k.k.PublicKey()} }

// Wipe drops the reference to the key material. The ecdh package keeps its
// own copy, so this is best effort.
func (k *PrivateKey) Wipe() {
	if k != nil {
		k.k = nil
	}
}

// NewKeyPair returns a fresh X25519 key pair.
func (v *Vault) NewKeyPair() (*PrivateKey, error) {
	var seed [32]byte
	if err := v.random(seed[:]); err != nil {
		return nil, err
	}
	defer clear(seed[:])
	return privateFromBytes(seed[:])
}

func privateFromBytes(b []byte) (*PrivateKey, error) {
	k, err := ecdh.X25519().NewPrivateKey(b)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "making X25519 key")
	}
	return &PrivateKey{k}, nil
}

func wrapAD(reportID string) []byte { return []byte("upstream/wrap/v1\x00" + reportID) }

func x25519KEK(shared, epk, rpk []byte) ([]byte, error) {
	salt := make([]byte, 0, 64)
	salt = append(append(salt, epk...), rpk...)
	return hkdf.Key(sha256.New, shared, salt, "upstream/wrap/x25519/v1", KeySize)
}

// WrapTo encrypts the report's data key to a recipient's public key, bound
// to the report id. Each call uses a fresh ephemeral key (ECDH, then
// HKDF-SHA256, then XChaCha20-Poly1305).
// Layout (version 1): 0x01 | 0x01 | ephemeral public key (32) | nonce (24) | wrapped key (48).
func (v *Vault) WrapTo(dk *DataKey, reportID string, to PublicKey) ([]byte, error) {
	if dk == nil || to.k == nil {
		return nil, kernel.Errorf(kernel.Invalid, "wrapping needs a data key and a recipient")
	}
	if reportID == "" {
		return nil, kernel.Errorf(kernel.Invalid, "wrapping needs a report id")
	}
	eph, err := v.NewKeyPair()
	if err != nil {
		return nil, err
	}
	shared, err := eph.k.ECDH(to.k)
	if err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "recipient key is not usable")
	}
	epk := eph.k.PublicKey().Bytes()
	kek, err := x25519KEK(shared, epk, to.k.Bytes())
	clear(shared)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "deriving wrapping key")
	}
	defer clear(kek)
	out := make([]byte, 0, wrappedX25519Len)
	out = append(out, wrapV1, wrapKindX25519)
	out = append(out, epk...)
	return v.sealKey(out, kek, dk, wrapAD(reportID))
}

// sealKey appends a fresh nonce and the sealed data key to out.
func (v *Vault) sealKey(out, kek []byte, dk *DataKey, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "creating cipher")
	}
	n := len(out)
	out = out[:n+chacha20poly1305.NonceSizeX]
	if err := v.random(out[n:]); err != nil {
		return nil, err
	}
	// The header written so far is part of the associated data, so neither
	// the version nor the ephemeral key can be swapped.
	full := append(append([]byte{}, ad...), out[:n]...)
	return aead.Seal(out, out[n:], dk.k[:], full), nil
}

func openKey(blob []byte, headerLen int, kek []byte, ad []byte) (*DataKey, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "creating cipher")
	}
	nonce := blob[headerLen : headerLen+chacha20poly1305.NonceSizeX]
	full := append(append([]byte{}, ad...), blob[:headerLen]...)
	pt, err := aead.Open(nil, nonce, blob[headerLen+chacha20poly1305.NonceSizeX:], full)
	if err != nil || len(pt) != KeySize {
		return nil, ErrWrongKey
	}
	dk := new(DataKey)
	copy(dk.k[:], pt)
	clear(pt)
	return dk, nil
}

// ErrWrongKey is returned when a wrapped data key or a locked handler key
// does not open with the key, receipt or password given. It is categorised
// Unauthorised; test for it with errors.Is.
var ErrWrongKey error = &kernel.Error{Code: kernel.Unauthorised, Message: "the key does not open with what was given"}

func checkWrapHeader(blob []byte, kind byte, size int) error {
	if len(blob) < 2 {
		return kernel.Errorf(kernel.Invalid, "wrapped key is too short")
	}
	if blob[0] != wrapV1 {
		return kernel.Errorf(kernel.Invalid, "wrapped key has unknown format version %d", blob[0])
	}
	if blob[1] != kind {
		return kernel.Errorf(kernel.Invalid, "wrapped key is of another kind (%d)", blob[1])
	}
	if len(blob) != size {
		return kernel.Errorf(kernel.Invalid, "wrapped key has the wrong length")
	}
	return nil
}

// UnwrapWith recovers a data key wrapped by WrapTo, using the recipient's
// private key. It returns ErrWrongKey when the blob was wrapped to another
// key or another report, and an Invalid error when it is malformed.
func UnwrapWith(blob []byte, reportID string, k *PrivateKey) (*DataKey, error) {
	if k == nil || k.k == nil {
		return nil, kernel.Errorf(kernel.Invalid, "unwrapping needs a private key")
	}
	if err := checkWrapHeader(blob, wrapKindX25519, wrappedX25519Len); err != nil {
		return nil, err
	}
	epk := blob[2:34]
	pub, err := ecdh.X25519().NewPublicKey(epk)
	if err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "wrapped key holds a bad ephemeral key")
	}
	shared, err := k.k.ECDH(pub)
	if err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "wrapped key holds a bad ephemeral key")
	}
	kek, err := x25519KEK(shared, epk, k.k.PublicKey().Bytes())
	clear(shared)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "deriving wrapping key")
	}
	defer clear(kek)
	return openKey(blob, 34, kek, wrapAD(reportID))
}

// Rewrap unwraps blob with k and wraps the same data key to a new recipient.
// This is how the recovery key gives a new handler access to a report.
func (v *Vault) Rewrap(blob []byte, reportID string, k *PrivateKey, to PublicKey) ([]byte, error) {
	dk, err := UnwrapWith(blob, reportID, k)
	if err != nil {
		return nil, err
	}
	defer dk.Wipe()
	return v.WrapTo(dk, reportID, to)
}
