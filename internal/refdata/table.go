package refdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// maxFileSize bounds a replacement file; the largest embedded dataset is a
// few tens of kilobytes, so anything near this size is the wrong file.
const maxFileSize = 64 << 20

// table is a CSV file read by header name, with the line of every row kept
// for error messages.
type table struct {
	file  string
	cols  map[string]int
	rows  [][]string
	lines []int
}

// readTable reads a whole CSV file and checks that the named columns are
// present. Header names match case-insensitively; extra columns are ignored.
func readTable(file string, data []byte, required ...string) (*table, error) {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, kernel.Errorf(kernel.Invalid, "%s: line %d: the file is not valid UTF-8 text", file, line)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, kernel.Errorf(kernel.Invalid, "%s: the file is empty", file)
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	t := &table{file: file, cols: map[string]int{}}
	for i, h := range header {
		t.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, kernel.Errorf(kernel.Invalid, "%s: line 1: missing column %q (the header must name %s)", file, c, strings.Join(required, ", "))
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return nil, kernel.Errorf(kernel.Invalid, "%s: line %d: %d fields, but the header has %d", file, line, len(rec), len(header))
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if len(t.rows) == 0 {
		return nil, kernel.Errorf(kernel.Invalid, "%s: no rows after the header", file)
	}
	return t, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return kernel.Wrap(kernel.Invalid, pe.Err, "%s: line %d, column %d: malformed CSV", file, pe.Line, pe.Column)
	}
	return kernel.Wrap(kernel.Invalid, err, "%s: cannot read CSV", file)
}

// row gives typed access to one record, with errors that name the place.
type row struct {
	t *table
	i int
}

func (t *table) each(fn func(r row) error) error {
	for i := range t.rows {
		if err := fn(row{t, i}); err != nil {
			return err
		}
	}
	return nil
}

// eachCountry calls fn with each row and the country in its column col,
// refusing a country listed on two rows.
func (t *table) eachCountry(col string, fn func(r row, c country.Country) error) error {
	lines := map[string]int{}
	return t.each(func(r row) error {
		c, err := r.country(col)
		if err != nil {
			return err
		}
		if first, dup := lines[c.Alpha2]; dup {
			return r.errf(col, "%s is listed twice (first on line %d)", c.Alpha2, first)
		}
		lines[c.Alpha2] = r.line()
		return fn(r, c)
	})
}

func (r row) line() int { return r.t.lines[r.i] }

func (r row) str(col string) string {
	i, ok := r.t.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.t.rows[r.i][i])
}

func (r row) errf(col, format string, args ...any) error {
	return kernel.Errorf(kernel.Invalid, "%s: line %d, column %q: %s", r.t.file, r.line(), col, fmt.Sprintf(format, args...))
}

// country resolves an ISO 3166 alpha-2 code column. "NA" is Namibia, never
// "not available".
func (r row) country(col string) (country.Country, error) {
	v := r.str(col)
	if c, ok := country.ByAlpha2(v); ok && len(v) == 2 {
		return c, nil
	}
	return country.Country{}, r.errf(col, "%q is not an ISO 3166 alpha-2 country code", v)
}

// yesNo reads a Yes/No flag. With allowUnknown, "", "N/A" and "Unavailable"
// read as unknown (ok false).
func (r row) yesNo(col string, allowUnknown bool) (v, ok bool, err error) {
	switch strings.ToLower(r.str(col)) {
	case "yes", "y", "true", "1":
		return true, true, nil
	case "no", "n", "false", "0":
		return false, true, nil
	case "", "n/a", "unavailable":
		if allowUnknown {
			return false, false, nil
		}
	}
	return false, false, r.errf(col, "want Yes or No, got %q", r.str(col))
}

// number reads a non-negative decimal number; empty and "Unavailable" read
// as unknown (ok false).
func (r row) number(col string, max float64) (v float64, ok bool, err error) {
	s := r.str(col)
	switch strings.ToLower(s) {
	case "", "unavailable", "n/a":
		return 0, false, nil
	}
	f, perr := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if perr != nil || math.IsNaN(f) || f < 0 || f > max {
		return 0, false, r.errf(col, "want a number from 0 to %g, got %q", max, s)
	}
	return f, true, nil
}
