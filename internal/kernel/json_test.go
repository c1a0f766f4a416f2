package kernel_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestDecodeJSON(t *testing.T) {
	type doc struct {
		A int `json:"a"`
	}
	tests := []struct {
		in      string
		want    int
		wantErr error // nil: no error; otherwise errors.Is, or any error when errAny
	}{
		{`{"a":1}`, 1, nil},
		{" {\"a\":2}\n\t ", 2, nil},
		{`{"a":1}}`, 0, kernel.ErrTrailingData},
		{`{"a":1}]`, 0, kernel.ErrTrailingData},
		{`{"a":1} {"a":2}`, 0, kernel.ErrTrailingData},
		{`{"a":1} x`, 0, kernel.ErrTrailingData},
		{``, 0, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d doc
			err := kernel.DecodeJSON(strings.NewReader(tt.in), &d)
			if tt.wantErr == nil {
				if err != nil || d.A != tt.want {
					t.Fatalf("got %+v, %v; want a=%d", d, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	var d doc
	if err := kernel.DecodeJSON(strings.NewReader(`{"a":1,"b":2}`), &d); err == nil || !strings.Contains(err.Error(), `unknown field "b"`) {
		t.Errorf("unknown field: err = %v", err)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	tests := []struct {
		off       int64
		line, col int
	}{{-3, 1, 1}, {0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {7, 4, 1}, {9, 4, 3}, {99, 4, 3}}
	for _, tt := range tests {
		if line, col := kernel.Position(data, tt.off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}
