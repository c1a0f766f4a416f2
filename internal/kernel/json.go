package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// ErrTrailingData is returned by DecodeJSON when more than white space
// follows the JSON value.
var ErrTrailingData = errors.New("unexpected data after the JSON value")

// DecodeJSON decodes the one JSON value r holds into v, strictly: an object
// field v has no place for is an error, and so is anything after the value
// but white space (ErrTrailingData). Decoder.More alone would let a stray
// closing bracket through. Errors are encoding/json's, for the caller to
// word; an empty input is io.EOF.
func DecodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	return nil
}

// Position turns a byte offset in data into a 1-based line and column
// (counted in bytes), for messages about outside input.
func Position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
