package vault

import (
	"strings"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Format versions. The first byte of every blob names the format that wrote
// it; readers refuse versions they do not know.
const (
	fieldV1 byte = 1
)

// Field names the place a ciphertext belongs to. Its text form
// "table:column:id" is bound to the ciphertext as associated data, so a
// ciphertext copied to another row or column no longer opens.
type Field struct {
	Table  string
	Column string
	ID     string
}

func (f Field) validate() error {
	if f.Table == "" || f.Column == "" || f.ID == "" {
		return kernel.Errorf(kernel.Invalid, "field needs a table, a column and an id")
	}
	if strings.Contains(f.Table, ":") || strings.Contains(f.Column, ":") {
		return kernel.Errorf(kernel.Invalid, "table and column names must not contain ':'")
	}
	return nil
}

// String returns "table:column:id".
func (f Field) String() string { return f.Table + ":" + f.Column + ":" + f.ID }

func (f Field) ad() []byte {
	// The domain prefix ties the associated data to this format version.
	return []byte("upstream/field/v1\x00" + f.String())
}

// FieldOverhead is how many bytes Seal adds to a plaintext.
const FieldOverhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// Seal encrypts plaintext for the given field under the report's data key.
// Layout (version 1): 0x01 | 24-byte nonce | ciphertext with 16-byte tag.
func (v *Vault) Seal(dk *DataKey, f Field, plaintext []byte) ([]byte, error) {
	if dk == nil {
		return nil, kernel.Errorf(kernel.Invalid, "no data key")
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(dk.k[:])
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "creating cipher")
	}
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, FieldOverhead+len(plaintext))
	out[0] = fieldV1
	if err := v.random(out[1:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[1:], plaintext, f.ad()), nil
}

// Open decrypts a ciphertext made by Seal for the same field. It returns an
// Invalid error when the ciphertext is malformed, was made for another field
// or key, or was altered.
func (v *Vault) Open(dk *DataKey, f Field, ciphertext []byte) ([]byte, error) {
	return Open(dk, f, ciphertext)
}

// Open is Vault.Open without a vault: opening needs no randomness.
func Open(dk *DataKey, f Field, ciphertext []byte) ([]byte, error) {
	if dk == nil {
		return nil, kernel.Errorf(kernel.Invalid, "no data key")
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	if len(ciphertext) < FieldOverhead {
		return nil, kernel.Errorf(kernel.Invalid, "sealed field is too short")
	}
	if ciphertext[0] != fieldV1 {
		return nil, kernel.Errorf(kernel.Invalid, "sealed field has unknown format version %d", ciphertext[0])
	}
	aead, err := chacha20poly1305.NewX(dk.k[:])
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "creating cipher")
	}
	nonce := ciphertext[1 : 1+chacha20poly1305.NonceSizeX]
	pt, err := aead.Open(nil, nonce, ciphertext[1+chacha20poly1305.NonceSizeX:], f.ad())
	if err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "sealed field %s does not open with this key", f)
	}
	return pt, nil
}
