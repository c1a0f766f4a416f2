package impact

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// DecodeLogicModel reads a logic model (with its indicators) from JSON,
// refusing unknown fields and wrong types with the line and column, then
// validates it. Dates are written 2026-01-31.
func DecodeLogicModel(r io.Reader) (*LogicModel, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "reading logic model")
	}
	if err := checkSyntax(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m LogicModel
	if err := dec.Decode(&m); err != nil {
		var te *json.UnmarshalTypeError
		var ke *kernel.Error
		switch {
		case errors.As(err, &te):
			line, col := kernel.Position(data, te.Offset)
			return nil, kernel.Errorf(kernel.Invalid, "line %d, column %d: %s: want %s, got %s", line, col, te.Field, te.Type, te.Value)
		case errors.As(err, &ke):
			line, col := kernel.Position(data, dec.InputOffset())
			return nil, kernel.Errorf(kernel.Invalid, "line %d, column %d: %s", line, col, ke.Message)
		default:
			line, col := kernel.Position(data, dec.InputOffset())
			return nil, kernel.Errorf(kernel.Invalid, "line %d, column %d: %s", line, col, strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// MarshalJSON writes the date as 2026-01-31.
func (m Measure) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Value float64 `json:"value"`
		Date  string  `json:"date"`
	}{m.Value, m.Date.Format(time.DateOnly)})
}

// UnmarshalJSON reads a value and a 2026-01-31 date.
func (m *Measure) UnmarshalJSON(b []byte) error {
	var raw struct {
		Value *float64 `json:"value"`
		Date  string   `json:"date"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return kernel.Errorf(kernel.Invalid, "baseline or target: want {\"value\": number, \"date\": \"2026-01-31\"}")
	}
	if raw.Value == nil {
		return kernel.Errorf(kernel.Invalid, "baseline or target: value missing")
	}
	d, err := time.Parse(time.DateOnly, raw.Date)
	if err != nil {
		return kernel.Errorf(kernel.Invalid, "baseline or target: date %q is not a date like 2026-01-31", raw.Date)
	}
	m.Value, m.Date = *raw.Value, d
	return nil
}
