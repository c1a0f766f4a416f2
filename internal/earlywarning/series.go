package earlywarning

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Series is one key's daily event counts: Counts[i] is the count on day
// Start+i. Days without a row in the source are zero.
type Series struct {
	Key    string
	Start  Day
	Counts []int
	// Closed marks the days on which the organisation's intake was closed
	// or reduced, from its closure calendar: Closed[i] is day Start+i. Nil,
	// or shorter than Counts, means no closure is known for the days it
	// does not cover.
	Closed []Closure
}

// Closure says how a day's intake was interrupted.
type Closure uint8

const (
	// Open is an ordinary day.
	Open Closure = iota
	// Holiday is a day of reduced intake whose reports are partly held
	// back and arrive in the days after it (a public holiday, a site's
	// shutdown, a festival).
	Holiday
	// Outage is a day on which reports could not be recorded and are not
	// expected to arrive later (a channel down, a hotline unstaffed).
	Outage
)

// closure returns the closure of day i of s.
func (s Series) closure(i int) Closure {
	if i < 0 || i >= len(s.Closed) {
		return Open
	}
	return s.Closed[i]
}

// End returns the last day of s (Start-1 when s is empty).
func (s Series) End() Day { return s.Start + Day(len(s.Counts)) - 1 }

// Limits on series input, so that one bad date or a hostile file cannot
// exhaust memory.
const (
	MaxSeriesSpanDays = 20 * 366   // days between the first and last date of a file
	MaxSeriesCells    = 20_000_000 // keys x days held in memory
	MaxCount          = 1_000_000  // count on one row
	MaxKeyBytes       = 300        // bytes in a key
)

// ParseSeriesCSV reads daily counts as CSV with the header date,key,count
// (any order, names case-insensitive). Rows may come in any order; a key's
// series runs from its first date to the last date in the file, with missing
// days counted as zero. name is used in error messages, which say
// "name:line:column: what is wrong". Series come back sorted by key.
func ParseSeriesCSV(r io.Reader, name string) ([]Series, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, kernel.Errorf(kernel.Invalid, "%s:1: empty file; expected the header date,key,count", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col, err := headerColumns(name, header, []string{"date", "key", "count"}, nil, "date,key,count")
	if err != nil {
		return nil, err
	}
	type cell struct {
		key string
		day Day
	}
	counts := make(map[cell]int)
	lines := make(map[cell]int)
	first := make(map[string]Day)
	var minDay, maxDay Day
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, kernel.Errorf(kernel.Invalid, "%s:%d: %d fields, the header has %d", name, line, len(rec), len(header))
		}
		at := func(c int) string {
			l, column := cr.FieldPos(c)
			return fmt.Sprintf("%s:%d:%d", name, l, column)
		}
		ds := strings.TrimSpace(rec[col["date"]])
		day, err := ParseDay(ds)
		if err != nil {
			return nil, kernel.Errorf(kernel.Invalid, "%s: %s", at(col["date"]), kernel.ErrorMessage(err))
		}
		key := strings.TrimSpace(rec[col["key"]])
		switch {
		case key == "":
			return nil, kernel.Errorf(kernel.Invalid, "%s: key is empty", at(col["key"]))
		case len(key) > MaxKeyBytes:
			return nil, kernel.Errorf(kernel.Invalid, "%s: key is longer than %d bytes", at(col["key"]), MaxKeyBytes)
		case !utf8.ValidString(key):
			return nil, kernel.Errorf(kernel.Invalid, "%s: key is not valid UTF-8", at(col["key"]))
		}
		cs := strings.TrimSpace(rec[col["count"]])
		n, err := strconv.Atoi(cs)
		if err != nil || n < 0 || n > MaxCount {
			return nil, kernel.Errorf(kernel.Invalid, "%s: count %q is not a whole number from 0 to %d", at(col["count"]), clip(cs), MaxCount)
		}
		c := cell{key, day}
		if prev, dup := lines[c]; dup {
			return nil, kernel.Errorf(kernel.Invalid, "%s: key %q already has a count for %s on line %d", at(col["date"]), clip(key), day, prev)
		}
		lines[c] = line
		counts[c] = n
		if f, ok := first[key]; !ok || day < f {
			first[key] = day
		}
		if rows == 0 || day < minDay {
			minDay = day
		}
		if rows == 0 || day > maxDay {
			maxDay = day
		}
		rows++
		if int(maxDay-minDay) >= MaxSeriesSpanDays {
			return nil, kernel.Errorf(kernel.Invalid, "%s: dates span more than %d days (from %s to %s)", at(col["date"]), MaxSeriesSpanDays, minDay, maxDay)
		}
	}
	cells := 0
	keys := make([]string, 0, len(first))
	for k, f := range first {
		keys = append(keys, k)
		cells += int(maxDay-f) + 1
	}
	if cells > MaxSeriesCells {
		return nil, kernel.Errorf(kernel.Invalid, "%s: %d keys over %d days is more than %d series-days; split the file", name, len(keys), int(maxDay-minDay)+1, MaxSeriesCells)
	}
	sort.Strings(keys)
	out := make([]Series, len(keys))
	idx := make(map[string]int, len(keys))
	for i, k := range keys {
		out[i] = Series{Key: k, Start: first[k], Counts: make([]int, int(maxDay-first[k])+1)}
		idx[k] = i
	}
	for c, n := range counts {
		s := &out[idx[c.key]]
		s.Counts[c.day-s.Start] = n
	}
	return out, nil
}

// headerColumns maps each column of a CSV header (names trimmed,
// case-insensitive, a byte-order mark ignored) to its index: every required
// column must be there, optional ones may be, and no other and none twice.
// Absent optional columns map to -1. want describes the header in errors.
func headerColumns(name string, header, required, optional []string, want string) (map[string]int, error) {
	col := make(map[string]int, len(required)+len(optional))
	for _, h := range required {
		col[h] = -1
	}
	for _, h := range optional {
		col[h] = -1
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		j, known := col[h]
		if !known {
			return nil, kernel.Errorf(kernel.Invalid, "%s:1:%d: unknown column %q; the header must be %s", name, i+1, clip(h), want)
		}
		if j >= 0 {
			return nil, kernel.Errorf(kernel.Invalid, "%s:1:%d: column %q appears twice", name, i+1, h)
		}
		col[h] = i
	}
	for _, h := range required {
		if col[h] < 0 {
			return nil, kernel.Errorf(kernel.Invalid, "%s:1: column %q missing; the header must be %s", name, h, want)
		}
	}
	return col, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return kernel.Errorf(kernel.Invalid, "%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return kernel.Wrap(kernel.Internal, err, "%s: reading", name)
}

// clip shortens a user-supplied value echoed in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// SubjectSeries sums an organisation's grievance-count signals on one
// subject into the daily series the detector job examines: from the
// subject's first signal within the days days from start to the last of
// those days, days without a signal counting zero. ok is false when the
// subject has no signal in the window.
func SubjectSeries(sigs []Signal, subject Subject, start Day, days int) (s Series, ok bool) {
	first := -1
	for _, sig := range sigs {
		if sig.Subject != subject {
			continue
		}
		if i := int(DayOf(sig.At.UTC()) - start); i >= 0 && i < days && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return Series{}, false
	}
	s = Series{Key: subject.String(), Start: start + Day(first), Counts: make([]int, days-first)}
	for _, sig := range sigs {
		if sig.Subject != subject {
			continue
		}
		if i := int(DayOf(sig.At.UTC()) - start); i >= first && i < days {
			s.Counts[i-first] += int(sig.Value)
		}
	}
	return s, true
}

// DailySeries sums an organisation's grievance-count signals into one
// series per subject, from the subject's first signal within the days days
// from start to the last of them; days without a signal count zero. Starting at the first signal, as
// the backtest does, keeps the days before a subject was ever reported on
// from reading as a quiet baseline that its first reports rise above.
func DailySeries(sigs []Signal, start Day, days int) ([]Series, map[string]Subject) {
	first := map[string]int{}
	subjects := map[string]Subject{}
	var order []string
	for _, s := range sigs {
		i := int(DayOf(s.At.UTC()) - start)
		if i < 0 || i >= days {
			continue
		}
		k := s.SeriesKey()
		f, ok := first[k]
		if !ok {
			subjects[k] = s.Subject
			order = append(order, k)
		}
		if !ok || i < f {
			first[k] = i
		}
	}
	byKey := make(map[string]*Series, len(order))
	for _, k := range order {
		f := first[k]
		byKey[k] = &Series{Key: k, Start: start + Day(f), Counts: make([]int, days-f)}
	}
	for _, s := range sigs {
		i := int(DayOf(s.At.UTC()) - start)
		if i < 0 || i >= days {
			continue
		}
		ser := byKey[s.SeriesKey()]
		ser.Counts[i-first[s.SeriesKey()]] += int(s.Value)
	}
	out := make([]Series, len(order))
	for i, k := range order {
		out[i] = *byKey[k]
	}
	return out, subjects
}
