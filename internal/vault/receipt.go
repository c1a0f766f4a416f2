package vault

import (
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// SaltSize is the size of argon2id salts in bytes.
const SaltSize = 16

const receiptVerifierV1 byte = 1

// ReceiptVerifierSize is the length of an encoded ReceiptVerifier.
const ReceiptVerifierSize = 1 + kdfParamsLen + SaltSize + KeySize

// ReceiptVerifier is what is stored to recognise a reporter's receipt: the
// argon2id parameters, the per-report salt, and a check value derived from
// the stretched receipt. It reveals nothing about the receipt short of
// guessing, and each guess costs one argon2id run.
type ReceiptVerifier struct {
	KDF   KDFParams
	Salt  [SaltSize]byte
	Check [KeySize]byte
}

// ReceiptKey is the key-encryption key stretched from a receipt. It exists
// only in memory while a submission or a follow-up is being handled.
type ReceiptKey struct{ k [KeySize]byte }

// Wipe overwrites the key in memory.
func (rk *ReceiptKey) Wipe() {
	if rk != nil {
		clear(rk.k[:])
	}
}

// MarshalBinary encodes the verifier (version 1):
// 0x01 | time (4) | memory KiB (4) | threads (1) | salt (16) | check (32).
func (rv ReceiptVerifier) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, ReceiptVerifierSize)
	b = append(b, receiptVerifierV1)
	b = rv.KDF.appendTo(b)
	b = append(b, rv.Salt[:]...)
	return append(b, rv.Check[:]...), nil
}

// UnmarshalBinary decodes a verifier written by MarshalBinary.
func (rv *ReceiptVerifier) UnmarshalBinary(b []byte) error {
	if len(b) != ReceiptVerifierSize {
		return kernel.Errorf(kernel.Invalid, "receipt verifier has the wrong length")
	}
	if b[0] != receiptVerifierV1 {
		return kernel.Errorf(kernel.Invalid, "receipt verifier has unknown format version %d", b[0])
	}
	p, err := readKDFParams(b[1:])
	if err != nil {
		return err
	}
	rv.KDF = p
	copy(rv.Salt[:], b[1+kdfParamsLen:])
	copy(rv.Check[:], b[1+kdfParamsLen+SaltSize:])
	return nil
}

// stretchReceipt derives the check value and the key-encryption key from one
// argon2id run, split with HKDF so that knowing the stored check value gives
// no help with the key.
func (v *Vault) stretchReceipt(secret []byte, p KDFParams, salt []byte) (check [KeySize]byte, rk *ReceiptKey, err error) {
	pw := append([]byte("upstream/receipt/v1\x00"), secret...)
	master := stretch(v.rcSem, pw, salt, p, KeySize)
	clear(pw)
	defer clear(master)
	c, err := hkdf.Expand(sha256.New, master, "upstream/receipt/check/v1", KeySize)
	if err != nil {
		return check, nil, kernel.Wrap(kernel.Internal, err, "deriving receipt check")
	}
	k, err := hkdf.Expand(sha256.New, master, "upstream/receipt/wrap/v1", KeySize)
	if err != nil {
		return check, nil, kernel.Wrap(kernel.Internal, err, "deriving receipt key")
	}
	copy(check[:], c)
	rk = new(ReceiptKey)
	copy(rk.k[:], k)
	clear(k)
	return check, rk, nil
}

// NewReceiptVerifier stretches a freshly issued receipt secret under a new
// random salt with the vault's receipt parameters. It returns the verifier
// to store and the key to wrap the report's data key with.
func (v *Vault) NewReceiptVerifier(secret []byte) (ReceiptVerifier, *ReceiptKey, error) {
	if len(secret) == 0 {
		return ReceiptVerifier{}, nil, kernel.Errorf(kernel.Invalid, "empty receipt secret")
	}
	rv := ReceiptVerifier{KDF: v.params.Receipt}
	if err := v.random(rv.Salt[:]); err != nil {
		return ReceiptVerifier{}, nil, err
	}
	check, rk, err := v.stretchReceipt(secret, rv.KDF, rv.Salt[:])
	if err != nil {
		return ReceiptVerifier{}, nil, err
	}
	rv.Check = check
	return rv, rk, nil
}

// VerifyReceipt stretches secret with the verifier's salt and parameters and
// compares the result with the stored check value in constant time. It
// returns the receipt key on a match and ErrWrongKey otherwise.
func (v *Vault) VerifyReceipt(rv ReceiptVerifier, secret []byte) (*ReceiptKey, error) {
	if err := rv.KDF.Validate(); err != nil {
		return nil, err
	}
	check, rk, err := v.stretchReceipt(secret, rv.KDF, rv.Salt[:])
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(check[:], rv.Check[:]) != 1 {
		rk.Wipe()
		return nil, ErrWrongKey
	}
	return rk, nil
}

// DummyVerify spends the same work as VerifyReceipt on a receipt whose
// locator matches nothing, so response times do not reveal which locators
// exist. It always returns ErrWrongKey.
func (v *Vault) DummyVerify(secret []byte) error {
	var salt [SaltSize]byte
	if err := v.random(salt[:]); err != nil {
		return err
	}
	_, rk, err := v.stretchReceipt(secret, v.params.Receipt, salt[:])
	if err != nil {
		return err
	}
	rk.Wipe()
	return ErrWrongKey
}

// WrapForReceipt encrypts the report's data key under the receipt key,
// bound to the report id.
// Layout (version 1): 0x01 | 0x02 | nonce (24) | wrapped key (48).
func (v *Vault) WrapForReceipt(dk *DataKey, reportID string, rk *ReceiptKey) ([]byte, error) {
	if dk == nil || rk == nil {
		return nil, kernel.Errorf(kernel.Invalid, "wrapping needs a data key and a receipt key")
	}
	if reportID == "" {
		return nil, kernel.Errorf(kernel.Invalid, "wrapping needs a report id")
	}
	out := make([]byte, 0, wrappedReceiptLen)
	out = append(out, wrapV1, wrapKindReceipt)
	return v.sealKey(out, rk.k[:], dk, wrapAD(reportID))
}

// UnwrapWithReceipt recovers a data key wrapped by WrapForReceipt. It returns
// ErrWrongKey when the receipt key or the report id does not match.
func UnwrapWithReceipt(blob []byte, reportID string, rk *ReceiptKey) (*DataKey, error) {
	if rk == nil {
		return nil, kernel.Errorf(kernel.Invalid, "unwrapping needs a receipt key")
	}
	if err := checkWrapHeader(blob, wrapKindReceipt, wrappedReceiptLen); err != nil {
		return nil, err
	}
	return openKey(blob, 2, rk.k[:], wrapAD(reportID))
}
