package impact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Map is an impact map: what went in, and what changed for whom, with the
// filters that stop a return being over-claimed. Field meanings follow the
// "Impact map (SROI) JSON" contract.
type Map struct {
	Currency     string    `json:"currency"`
	DiscountRate float64   `json:"discount_rate"`
	Inputs       []Input   `json:"inputs"`
	Outcomes     []Outcome `json:"outcomes"`
}

// Input is a contribution to the activity, valued in the map's currency.
// Inputs count in year 0 and are never discounted.
type Input struct {
	Stakeholder string  `json:"stakeholder"`
	Description string  `json:"description,omitempty"`
	Value       float64 `json:"value"`
}

// Outcome is one change for one stakeholder group, with its financial proxy
// and the deadweight, displacement, attribution and drop-off filters (each a
// fraction 0..1).
type Outcome struct {
	Stakeholder   string  `json:"stakeholder"`
	Outcome       string  `json:"outcome"`
	Indicator     string  `json:"indicator,omitempty"`
	Quantity      float64 `json:"quantity"`
	Proxy         Proxy   `json:"proxy"`
	Deadweight    float64 `json:"deadweight"`
	Displacement  float64 `json:"displacement"`
	Attribution   float64 `json:"attribution"`
	DropOff       float64 `json:"drop_off"`
	DurationYears int     `json:"duration_years"`
	// Start is "during" (the default: the outcome begins in year 1) or
	// "after" (it begins in year 2).
	Start string `json:"start,omitempty"`
}

// Proxy is the financial value of one unit of an outcome and where that value
// comes from.
type Proxy struct {
	Value       float64 `json:"value"`
	Description string  `json:"description,omitempty"`
	Source      string  `json:"source,omitempty"`
}

// Limits on an impact map. Longer durations are not credible for a
// prevention programme's claims and would let drop-off hide in the tail.
const (
	MaxDurationYears = 50
	maxMapOutcomes   = 10000
	maxMapInputs     = 10000
	maxProblems      = 20
	// Bounds that keep every figure, and every sensitivity variant of it,
	// finite in float64; no real programme comes near them.
	maxQuantity    = 1e12
	maxMoney       = 1e12
	minInputsTotal = 0.01
)

// StartDuring and StartAfter are the values of Outcome.Start.
const (
	StartDuring = "during"
	StartAfter  = "after"
)

// DecodeMap reads one impact map from r strictly: unknown or repeated
// fields, wrong types, out-of-range values and trailing data are refused
// with a kernel.Invalid error naming the field (like
// "outcomes[0].deadweight") or, for malformed JSON, the line and column.
func DecodeMap(r io.Reader) (*Map, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "reading impact map")
	}
	return ParseMap(data)
}

// ParseMap is DecodeMap on bytes already read.
func ParseMap(data []byte) (*Map, error) {
	if err := checkSyntax(data); err != nil {
		return nil, err
	}
	d := &mapDecoder{}
	m := d.decodeMap(data)
	if len(d.problems) == 0 {
		d.validate(m)
	}
	if len(d.problems) > 0 {
		return nil, kernel.Errorf(kernel.Invalid, "%s", strings.Join(d.problems, "; "))
	}
	return m, nil
}

// checkSyntax reports malformed JSON with its line and column, and refuses
// anything after the one top-level value.
func checkSyntax(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the offending byte itself.
			line, col := kernel.Position(data, se.Offset-1)
			return kernel.Errorf(kernel.Invalid, "line %d, column %d: malformed JSON: %s", line, col, strings.TrimPrefix(se.Error(), "json: "))
		}
		if errors.Is(err, io.EOF) {
			return kernel.Errorf(kernel.Invalid, "empty impact map: want a JSON object")
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			line, col := kernel.Position(data, int64(len(data)))
			return kernel.Errorf(kernel.Invalid, "line %d, column %d: malformed JSON: unexpected end of input", line, col)
		}
		return kernel.Wrap(kernel.Invalid, err, "malformed JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := kernel.Position(data, dec.InputOffset())
		return kernel.Errorf(kernel.Invalid, "line %d, column %d: unexpected data after the impact map", line, col)
	}
	return nil
}

type mapDecoder struct {
	problems []string
}

func (d *mapDecoder) fail(path, format string, args ...any) {
	if len(d.problems) == maxProblems {
		d.problems = append(d.problems, "(further problems not shown)")
	}
	if len(d.problems) > maxProblems {
		return
	}
	d.problems = append(d.problems, path+": "+fmt.Sprintf(format, args...))
}

// object walks the members of a JSON object in order, refusing repeated
// keys and anything that is not an object. each returns false for an
// unknown key.
func (d *mapDecoder) object(raw []byte, path string, known string, each func(key string, val []byte) bool) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		d.fail(path, "malformed value")
		return false
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		d.fail(path, "want an object, got %s", describe(raw))
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			d.fail(path, "malformed object")
			return false
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			d.fail(join(path, key), "malformed value")
			return false
		}
		if seen[key] {
			d.fail(join(path, key), "field given twice")
			continue
		}
		seen[key] = true
		if !each(key, val) {
			d.fail(join(path, key), "unknown field (known fields: %s)", known)
		}
	}
	return true
}

// array walks the elements of a JSON array.
func (d *mapDecoder) array(raw []byte, path string, limit int, each func(i int, val []byte)) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		d.fail(path, "malformed value")
		return
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '[' {
		d.fail(path, "want an array, got %s", describe(raw))
		return
	}
	for i := 0; dec.More(); i++ {
		if i == limit {
			d.fail(path, "more than %d entries", limit)
			return
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			d.fail(fmt.Sprintf("%s[%d]", path, i), "malformed value")
			return
		}
		each(i, val)
	}
}

func (d *mapDecoder) number(raw []byte, path string, dst *float64) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || !(raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		d.fail(path, "want a number, got %s", describe(raw))
		return
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.fail(path, "number %s is out of range", raw)
		return
	}
	*dst = f
}

func (d *mapDecoder) integer(raw []byte, path string, dst *int) {
	f := math.NaN()
	d.number(raw, path, &f)
	if math.IsNaN(f) {
		return
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e9 {
		d.fail(path, "want a whole number of years, got %s", bytes.TrimSpace(raw))
		return
	}
	*dst = int(f)
}

func (d *mapDecoder) text(raw []byte, path string, dst *string) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.fail(path, "want a string, got %s", describe(raw))
		return
	}
	*dst = s
}

// describe names the JSON type of raw for error messages.
func describe(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *mapDecoder) decodeMap(data []byte) *Map {
	m := &Map{}
	seen := map[string]bool{}
	d.object(data, "", "currency, discount_rate, inputs, outcomes", func(key string, val []byte) bool {
		seen[key] = true
		switch key {
		case "currency":
			d.text(val, key, &m.Currency)
		case "discount_rate":
			d.number(val, key, &m.DiscountRate)
		case "inputs":
			d.array(val, key, maxMapInputs, func(i int, v []byte) {
				m.Inputs = append(m.Inputs, d.decodeInput(v, fmt.Sprintf("inputs[%d]", i)))
			})
		case "outcomes":
			d.array(val, key, maxMapOutcomes, func(i int, v []byte) {
				m.Outcomes = append(m.Outcomes, d.decodeOutcome(v, fmt.Sprintf("outcomes[%d]", i)))
			})
		default:
			return false
		}
		return true
	})
	if len(d.problems) == 0 {
		for _, f := range []string{"currency", "discount_rate", "inputs", "outcomes"} {
			if !seen[f] {
				d.fail(f, "missing")
			}
		}
	}
	return m
}

func (d *mapDecoder) decodeInput(raw []byte, path string) Input {
	var in Input
	hasValue := false
	ok := d.object(raw, path, "stakeholder, description, value", func(key string, val []byte) bool {
		switch key {
		case "stakeholder":
			d.text(val, join(path, key), &in.Stakeholder)
		case "description":
			d.text(val, join(path, key), &in.Description)
		case "value":
			hasValue = true
			d.number(val, join(path, key), &in.Value)
		default:
			return false
		}
		return true
	})
	if ok && !hasValue {
		d.fail(join(path, "value"), "missing")
	}
	return in
}

func (d *mapDecoder) decodeOutcome(raw []byte, path string) Outcome {
	var o Outcome
	seen := map[string]bool{}
	known := "stakeholder, outcome, indicator, quantity, proxy, deadweight, displacement, attribution, drop_off, duration_years, start"
	ok := d.object(raw, path, known, func(key string, val []byte) bool {
		p := join(path, key)
		seen[key] = true
		switch key {
		case "stakeholder":
			d.text(val, p, &o.Stakeholder)
		case "outcome":
			d.text(val, p, &o.Outcome)
		case "indicator":
			d.text(val, p, &o.Indicator)
		case "quantity":
			d.number(val, p, &o.Quantity)
		case "proxy":
			if describe(val) == "null" {
				d.fail(p, "missing: every outcome needs a financial proxy with a value")
				return true
			}
			hasValue := false
			if d.object(val, p, "value, description, source", func(k string, v []byte) bool {
				switch k {
				case "value":
					hasValue = true
					d.number(v, join(p, k), &o.Proxy.Value)
				case "description":
					d.text(v, join(p, k), &o.Proxy.Description)
				case "source":
					d.text(v, join(p, k), &o.Proxy.Source)
				default:
					return false
				}
				return true
			}) && !hasValue {
				d.fail(join(p, "value"), "missing: a proxy needs a value in the map's currency")
			}
		case "deadweight":
			d.number(val, p, &o.Deadweight)
		case "displacement":
			d.number(val, p, &o.Displacement)
		case "attribution":
			d.number(val, p, &o.Attribution)
		case "drop_off":
			d.number(val, p, &o.DropOff)
		case "duration_years":
			d.integer(val, p, &o.DurationYears)
		case "start":
			d.text(val, p, &o.Start)
		default:
			return false
		}
		return true
	})
	if !ok {
		return o
	}
	// The filters may be left out (meaning 0) but quantity, proxy and
	// duration have no honest default.
	if !seen["quantity"] {
		d.fail(join(path, "quantity"), "missing")
	}
	if !seen["proxy"] {
		d.fail(join(path, "proxy"), "missing: every outcome needs a financial proxy with a value")
	}
	if !seen["duration_years"] {
		d.fail(join(path, "duration_years"), "missing")
	}
	return o
}

// Validate applies the rules DecodeMap applies after decoding, for maps
// built in code or decoded elsewhere.
func (m *Map) Validate() error {
	d := &mapDecoder{}
	d.validate(m)
	if len(d.problems) > 0 {
		return kernel.Errorf(kernel.Invalid, "%s", strings.Join(d.problems, "; "))
	}
	return nil
}

// validate checks the ranges and relations the decoder alone cannot.
func (d *mapDecoder) validate(m *Map) {
	if !validCurrency(m.Currency) {
		d.fail("currency", "want a three-letter ISO 4217 code in capitals such as GBP, got %q", m.Currency)
	}
	if m.DiscountRate < 0 || m.DiscountRate >= 1 {
		d.fail("discount_rate", "%s", rateProblem(m.DiscountRate, "0 up to (not including) 1"))
	}
	if len(m.Inputs) == 0 {
		d.fail("inputs", "empty: list at least one input with a value above 0")
	}
	total := 0.0
	for i, in := range m.Inputs {
		p := fmt.Sprintf("inputs[%d]", i)
		if strings.TrimSpace(in.Stakeholder) == "" {
			d.fail(p+".stakeholder", "missing: say who contributed the input")
		}
		if in.Value < 0 {
			d.fail(p+".value", "negative (%v): input values are 0 or more", in.Value)
		} else if in.Value > maxMoney {
			d.fail(p+".value", "%v is larger than %g", in.Value, maxMoney)
		}
		total += in.Value
	}
	if len(m.Inputs) > 0 && total < minInputsTotal && len(d.problems) == 0 {
		d.fail("inputs", "total value is %v: the ratio needs inputs worth at least %v", total, minInputsTotal)
	}
	if len(m.Outcomes) == 0 {
		d.fail("outcomes", "empty: list at least one outcome")
	}
	for i, o := range m.Outcomes {
		p := fmt.Sprintf("outcomes[%d]", i)
		if strings.TrimSpace(o.Stakeholder) == "" {
			d.fail(p+".stakeholder", "missing: say who experiences the outcome")
		}
		if strings.TrimSpace(o.Outcome) == "" {
			d.fail(p+".outcome", "missing: say what changed")
		}
		if o.Quantity < 0 {
			d.fail(p+".quantity", "negative (%v): quantities are 0 or more", o.Quantity)
		} else if o.Quantity > maxQuantity {
			d.fail(p+".quantity", "%v is larger than %g", o.Quantity, maxQuantity)
		}
		if o.Proxy.Value < 0 {
			d.fail(p+".proxy.value", "negative (%v): proxy values are 0 or more", o.Proxy.Value)
		} else if o.Proxy.Value > maxMoney {
			d.fail(p+".proxy.value", "%v is larger than %g", o.Proxy.Value, maxMoney)
		}
		for _, r := range []struct {
			name string
			v    float64
		}{{"deadweight", o.Deadweight}, {"displacement", o.Displacement}, {"attribution", o.Attribution}, {"drop_off", o.DropOff}} {
			if r.v < 0 || r.v > 1 {
				d.fail(p+"."+r.name, "%s", rateProblem(r.v, "0..1"))
			}
		}
		if o.DurationYears < 1 || o.DurationYears > MaxDurationYears {
			d.fail(p+".duration_years", "%d is outside 1..%d years", o.DurationYears, MaxDurationYears)
		}
		if o.Start != "" && o.Start != StartDuring && o.Start != StartAfter {
			d.fail(p+".start", "want %q or %q, got %q", StartDuring, StartAfter, o.Start)
		}
	}
}

// rateProblem explains a rate out of range, spotting percentages written as
// whole numbers.
func rateProblem(v float64, want string) string {
	if v > 1 && v <= 100 {
		return fmt.Sprintf("%v is outside %s; rates are fractions, so write %v for %v%%", v, want, v/100, v)
	}
	return fmt.Sprintf("%v is outside %s", v, want)
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
