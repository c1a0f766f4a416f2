package impact

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// RowError is one problem in an imported file, located by line and column
// (both 1-based; column counts bytes, as encoding/csv does).
type RowError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem"`
}

func (e RowError) String() string {
	loc := fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
	if e.Field != "" {
		return loc + ": " + e.Field + ": " + e.Problem
	}
	return loc + ": " + e.Problem
}

// ImportError lists the problems found in an imported file. It unwraps to
// a kernel.Invalid error whose message lists them too, so the adapters show
// the same text.
type ImportError struct {
	File string
	Rows []RowError
	// More counts problems found after MaxImportErrors.
	More int
	err  *kernel.Error
}

// MaxImportErrors caps how many problems one import reports.
const MaxImportErrors = 50

func (e *ImportError) Error() string { return e.err.Message }
func (e *ImportError) Unwrap() error { return e.err }

func newImportError(file string, rows []RowError, more int) *ImportError {
	var b strings.Builder
	n := len(rows) + more
	fmt.Fprintf(&b, "%s: %d problem", file, n)
	if n != 1 {
		b.WriteString("s")
	}
	for _, r := range rows {
		b.WriteString("\n  " + r.String())
	}
	if more > 0 {
		fmt.Fprintf(&b, "\n  and %d more", more)
	}
	return &ImportError{File: file, Rows: rows, More: more, err: &kernel.Error{Code: kernel.Invalid, Message: b.String()}}
}

// ImportConfig says what an observation file may contain.
type ImportConfig struct {
	// Dimensions are the disaggregation columns allowed beside indicator,
	// period, value and denominator.
	Dimensions []Dimension
	// Indicators, when given, are the only codes allowed, and each row is
	// checked against its indicator (denominators, series that would count
	// twice).
	Indicators []Indicator
}

// Observation CSV columns.
const (
	ColIndicator   = "indicator"
	ColPeriod      = "period"
	ColValue       = "value"
	ColDenominator = "denominator"
)

// ReadObservations reads observations from a CSV file with a header row:
// indicator, period and value are required; denominator and one column per
// configured dimension are optional. Header names are case-insensitive. An
// empty dimension cell means the row is not disaggregated by it. All rows
// are read; if any is bad the result is an *ImportError (a kernel.Invalid
// error) listing each problem with file, line and column, and no
// observations.
func ReadObservations(r io.Reader, file string, cfg ImportConfig) ([]Observation, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	var rows []RowError
	more := 0
	fail := func(line, col int, field, format string, args ...any) {
		if len(rows) >= MaxImportErrors {
			more++
			return
		}
		rows = append(rows, RowError{File: file, Line: line, Column: col, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	done := func(out []Observation) ([]Observation, error) {
		if len(rows) > 0 {
			return nil, newImportError(file, rows, more)
		}
		return out, nil
	}

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		fail(1, 1, "", "empty file: want a header row with %s, %s and %s", ColIndicator, ColPeriod, ColValue)
		return done(nil)
	}
	if err != nil {
		line, col := csvErrPos(err)
		fail(line, col, "", "%s", csvErrText(err))
		return done(nil)
	}
	cols := map[string]int{}
	dimCol := map[int]string{}
	for i, h := range header {
		line, col := cr.FieldPos(i)
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			fail(line, col, "", "header %d is empty", i+1)
			continue
		case cols[name] > 0:
			fail(line, col, name, "column given twice")
			continue
		}
		cols[name] = i + 1
		switch name {
		case ColIndicator, ColPeriod, ColValue, ColDenominator:
		default:
			if _, ok := findDim(cfg.Dimensions, name); !ok {
				fail(line, col, name, "not a known column or configured disaggregation (columns: indicator, period, value, denominator; disaggregations: %s)", dimNames(cfg.Dimensions))
				continue
			}
			dimCol[i] = name
		}
	}
	for _, req := range []string{ColIndicator, ColPeriod, ColValue} {
		if cols[req] == 0 {
			fail(1, 1, req, "required column missing")
		}
	}
	if len(rows) > 0 {
		return done(nil)
	}

	inds := map[string]Indicator{}
	series := map[string]*seriesCheck{}
	for _, ind := range cfg.Indicators {
		inds[ind.Code] = ind
		series[ind.Code] = newSeriesCheck(ind)
	}
	var out []Observation
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, col := csvErrPos(err)
			fail(line, col, "", "%s", csvErrText(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			_, col := cr.FieldPos(len(rec) - 1)
			fail(line, col, "", "%d fields, but the header has %d", len(rec), len(header))
			continue
		}
		at := func(name string) (string, int) {
			i := cols[name] - 1
			if i < 0 {
				return "", 0
			}
			_, col := cr.FieldPos(i)
			return strings.TrimSpace(rec[i]), col
		}
		bad := len(rows) + more
		var o Observation
		code, ccol := at(ColIndicator)
		o.Indicator = code
		_, known := inds[code]
		switch {
		case code == "":
			fail(line, ccol, ColIndicator, "missing")
		case cfg.Indicators != nil && !known:
			fail(line, ccol, ColIndicator, "%q is not an indicator of this programme", code)
		}
		pcode, pcol := at(ColPeriod)
		if p, err := ParsePeriod(pcode); err != nil {
			fail(line, pcol, ColPeriod, "%s", kernel.ErrorMessage(err))
		} else {
			o.Period = p
		}
		vtext, vcol := at(ColValue)
		if v, err := parseNumber(vtext); err != nil {
			fail(line, vcol, ColValue, "%v", err)
		} else {
			o.Value = v
		}
		if dtext, dcol := at(ColDenominator); dtext != "" {
			if d, err := parseNumber(dtext); err != nil {
				fail(line, dcol, ColDenominator, "%v", err)
			} else {
				o.Denominator = &d
			}
		}
		for i, name := range dimCol {
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue
			}
			if o.Disaggregation == nil {
				o.Disaggregation = map[string]string{}
			}
			o.Disaggregation[name] = v
			if err := checkCell(cfg.Dimensions, map[string]string{name: v}); err != nil {
				_, col := cr.FieldPos(i)
				fail(line, col, name, "%s", kernel.ErrorMessage(err))
			}
		}
		if len(rows)+more > bad {
			continue
		}
		if known {
			if err := series[code].add(o, line, cfg.Dimensions); err != nil {
				fail(line, ccol, "", "%s", kernel.ErrorMessage(err))
				continue
			}
		}
		out = append(out, o)
	}
	return done(out)
}

func parseNumber(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("missing")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		if strings.HasSuffix(s, "%") {
			return 0, fmt.Errorf("%q is not a number; give percentages as a numerator value and a denominator", s)
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

func csvErrPos(err error) (line, col int) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line, pe.Column
	}
	return 1, 1
}

func csvErrText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "malformed CSV: " + pe.Err.Error()
	}
	return "reading: " + err.Error()
}
