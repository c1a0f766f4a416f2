package grievance

import (
	"bytes"

	"github.com/upstream-platform/upstream/internal/vault"
)

// Sealed text is padded before encryption so a ciphertext's length tells
// little about its content: short fields (a phone number, a name) all look
// the same, and long ones only reveal their size to the nearest block.
const (
	textBlock = 256
	fileBlock = 4096
)

func pad(b []byte, block int) []byte { return vault.Pad(b, block) }

func unpad(b []byte) ([]byte, error) { return vault.Unpad(b) }

func (s *Service) seal(dk *vault.DataKey, table, column, id string, b []byte, block int) ([]byte, error) {
	return s.cfg.Vault.Seal(dk, vault.Field{Table: table, Column: column, ID: id}, pad(b, block))
}

func open(dk *vault.DataKey, table, column, id string, ct []byte) ([]byte, error) {
	pt, err := vault.Open(dk, vault.Field{Table: table, Column: column, ID: id}, ct)
	if err != nil {
		return nil, err
	}
	return unpad(pt)
}

func openText(dk *vault.DataKey, table, column, id string, ct []byte) (string, error) {
	if len(ct) == 0 {
		return "", nil
	}
	b, err := open(dk, table, column, id, ct)
	return string(b), err
}

// Attachment metadata is sealed as name, a zero byte, then the media type.
func encodeMeta(a Attachment) []byte {
	return append(append([]byte(a.Name), 0), a.MediaType...)
}

func decodeMeta(b []byte) (name, mediaType string) {
	n, m, _ := bytes.Cut(b, []byte{0}) // Submission.Validate refuses names with a zero byte
	return string(n), string(m)
}
