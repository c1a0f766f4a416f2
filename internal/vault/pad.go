package vault

import (
	"encoding/binary"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Pad prefixes b with its length and pads it with zeros to a multiple of
// block, so that a ciphertext's length tells little about its content:
// short fields (a phone number, a name, a one-line answer) all look the
// same, and long ones only reveal their size to the nearest block.
func Pad(b []byte, block int) []byte {
	out := binary.AppendUvarint(make([]byte, 0, len(b)+binary.MaxVarintLen64+block), uint64(len(b)))
	out = append(out, b...)
	if r := len(out) % block; r != 0 {
		out = append(out, make([]byte, block-r)...)
	}
	return out
}

// Unpad reverses Pad.
func Unpad(b []byte) ([]byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, kernel.Errorf(kernel.Invalid, "sealed text is malformed")
	}
	return b[k : k+int(n)], nil
}
