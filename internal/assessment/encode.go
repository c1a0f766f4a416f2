package assessment

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// The register of a million parties is over a gigabyte of text, most of it
// the factors' JSON, so rows are encoded by appending to a buffer rather
// than through encoding/csv and encoding/json's reflection. The output is
// byte for byte what those packages write (see the tests): CSV as
// csv.Writer writes it with its defaults, JSON as json.Marshal (in CSV) or
// a json.Encoder without HTML escaping (JSON lines) does.

// AppendCSV appends r as one CSV record (with its newline) to dst, the
// factors and hits columns holding JSON.
func AppendCSV(dst []byte, r *Row) ([]byte, error) {
	start := len(dst)
	// Text from supplier files is made safe for spreadsheets; the
	// level is a fixed word and the JSON columns start with '['.
	dst = appendCSVField(dst, kernel.SpreadsheetCell(r.ID))
	dst = append(dst, ',')
	dst = appendCSVField(dst, kernel.SpreadsheetCell(r.Name))
	dst = append(dst, ',')
	dst = appendCSVField(dst, kernel.SpreadsheetCell(r.Country))
	dst = append(dst, ',')
	dst = appendCommodityCell(dst, r.Commodities)
	dst = append(dst, ',')
	if r.Tier != nil {
		dst = strconv.AppendInt(dst, int64(*r.Tier), 10)
	}
	for _, v := range [...]float64{r.Inherent, r.Signals, r.Exposure} {
		// Digits, a point and a sign (or NaN, +Inf) never need quotes.
		dst = append(dst, ',')
		dst = appendShortest(dst, v)
	}
	dst = append(dst, ',')
	dst = appendCSVField(dst, r.Level)
	dst = append(dst, ',')
	// The JSON is written quoted for CSV as it is made: every quote it
	// holds doubled. Only an empty list needs no quotes.
	dst, err := appendFactors(dst, r.Factors, csvJSON)
	if err != nil {
		return dst[:start], err
	}
	dst = append(dst, ',')
	if dst, err = appendHits(dst, r.WatchlistHits, csvJSON); err != nil {
		return dst[:start], err
	}
	dst = append(dst, ',')
	dst = appendCommodityCell(dst, r.InferredCommodities)
	dst = append(dst, ',')
	dst = appendShortest(dst, r.Confidence)
	dst = append(dst, ',')
	dst = appendCommodities(dst, r.Missing)
	return append(dst, '\n'), nil
}

// AppendJSON appends r as one JSON object and a newline, as a json.Encoder
// with SetEscapeHTML(false) writes it.
func AppendJSON(dst []byte, r *Row) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, r.ID, plainJSON)
	dst = append(dst, `,"name":`...)
	dst = appendJSONString(dst, r.Name, plainJSON)
	dst = append(dst, `,"country":`...)
	dst = appendJSONString(dst, r.Country, plainJSON)
	dst = append(dst, `,"commodities":`...)
	dst = appendStrings(dst, r.Commodities)
	dst = append(dst, `,"tier":`...)
	if r.Tier == nil {
		dst = append(dst, "null"...)
	} else {
		dst = strconv.AppendInt(dst, int64(*r.Tier), 10)
	}
	var err error
	for _, f := range [...]struct {
		key string
		v   float64
	}{{`,"inherent":`, r.Inherent}, {`,"signals":`, r.Signals}, {`,"exposure":`, r.Exposure}} {
		dst = append(dst, f.key...)
		if dst, err = appendJSONFloat(dst, f.v); err != nil {
			return dst[:start], err
		}
	}
	dst = append(dst, `,"level":`...)
	dst = appendJSONString(dst, r.Level, plainJSON)
	dst = append(dst, `,"factors":`...)
	if dst, err = appendFactors(dst, r.Factors, plainJSON); err != nil {
		return dst[:start], err
	}
	dst = append(dst, `,"watchlist_hits":`...)
	if dst, err = appendHits(dst, r.WatchlistHits, plainJSON); err != nil {
		return dst[:start], err
	}
	dst = append(dst, `,"inferred_commodities":`...)
	dst = appendStrings(dst, r.InferredCommodities)
	dst = append(dst, `,"confidence":`...)
	if dst, err = appendJSONFloat(dst, r.Confidence); err != nil {
		return dst[:start], err
	}
	dst = append(dst, `,"missing":`...)
	dst = appendStrings(dst, r.Missing)
	return append(dst, "}\n"...), nil
}

// appendStrings appends a JSON list of strings (null for nil).
func appendStrings(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for k, c := range ss {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, c, plainJSON)
	}
	return append(dst, ']')
}

// jsonMode says how JSON is written: as a json.Encoder without HTML
// escaping writes it, or as json.Marshal does inside a quoted CSV field.
type jsonMode struct {
	html, csv bool
	// the literal parts of the objects, with quotes doubled for CSV
	open, close, sourceKey, editionKey, indicatorKey, valueKey, contributionKey,
	listKey, entityIDKey, entityNameKey, matchedNameKey, scoreKey string
}

func newJSONMode(html, csv bool) *jsonMode {
	lit := func(s string) string {
		if csv {
			return strings.ReplaceAll(s, `"`, `""`)
		}
		return s
	}
	m := &jsonMode{html: html, csv: csv, open: "[", close: "]"}
	if csv {
		m.open, m.close = `"[`, `]"`
	}
	m.sourceKey, m.editionKey, m.indicatorKey = lit(`{"source":`), lit(`,"edition":`), lit(`,"indicator":`)
	m.valueKey, m.contributionKey = lit(`,"value":`), lit(`,"contribution":`)
	m.listKey, m.entityIDKey, m.entityNameKey = lit(`{"list":`), lit(`,"entity_id":`), lit(`,"entity_name":`)
	m.matchedNameKey, m.scoreKey = lit(`,"matched_name":`), lit(`,"score":`)
	return m
}

var (
	plainJSON = newJSONMode(false, false)
	csvJSON   = newJSONMode(true, true)
)

func appendFactors(dst []byte, fs []Factor, m *jsonMode) ([]byte, error) {
	if fs == nil {
		return append(dst, "null"...), nil
	}
	if len(fs) == 0 {
		return append(dst, "[]"...), nil
	}
	dst = append(dst, m.open...)
	var err error
	for k := range fs {
		f := &fs[k]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, m.sourceKey...)
		dst = appendJSONString(dst, f.Source, m)
		dst = append(dst, m.editionKey...)
		dst = appendJSONString(dst, f.Edition, m)
		dst = append(dst, m.indicatorKey...)
		dst = appendJSONString(dst, f.Indicator, m)
		dst = append(dst, m.valueKey...)
		dst = appendJSONString(dst, f.Value, m)
		dst = append(dst, m.contributionKey...)
		if dst, err = appendJSONFloat(dst, f.Contribution); err != nil {
			return dst, err
		}
		dst = append(dst, '}')
	}
	return append(dst, m.close...), nil
}

func appendHits(dst []byte, hs []Hit, m *jsonMode) ([]byte, error) {
	if hs == nil {
		return append(dst, "null"...), nil
	}
	if len(hs) == 0 {
		return append(dst, "[]"...), nil
	}
	dst = append(dst, m.open...)
	var err error
	for k := range hs {
		h := &hs[k]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, m.listKey...)
		dst = appendJSONString(dst, h.List, m)
		dst = append(dst, m.entityIDKey...)
		dst = appendJSONString(dst, h.EntityID, m)
		dst = append(dst, m.entityNameKey...)
		dst = appendJSONString(dst, h.EntityName, m)
		dst = append(dst, m.matchedNameKey...)
		dst = appendJSONString(dst, h.MatchedName, m)
		dst = append(dst, m.scoreKey...)
		if dst, err = appendJSONFloat(dst, h.Score); err != nil {
			return dst, err
		}
		dst = append(dst, '}')
	}
	return append(dst, m.close...), nil
}

// appendJSONFloat formats v as encoding/json does, and refuses what it
// refuses.
func appendJSONFloat(dst []byte, v float64) ([]byte, error) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		_, err := json.Marshal(v) // the same error encoding/json gives
		return dst, err
	}
	if b, ok := appendCents(dst, v); ok {
		return b, nil
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, v, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9.
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

// appendShortest appends v as strconv.FormatFloat(v, 'f', -1, 64) does.
func appendShortest(dst []byte, v float64) []byte {
	if b, ok := appendCents(dst, v); ok {
		return b
	}
	return strconv.AppendFloat(dst, v, 'f', -1, 64)
}

// appendCents appends v when it is a whole number of hundredths (as the
// register's rounded numbers are) of moderate size, and reports whether it
// did. The double nearest to k/100 prints shortest as k/100 written out:
// no shorter decimal is that close to it, since doubles of this size lie
// far closer together than 0.01. So the result is what strconv's shortest
// formatting gives, at a fraction of its cost.
func appendCents(dst []byte, v float64) ([]byte, bool) {
	if v == 0 || !(v > -1e9 && v < 1e9) {
		return dst, false // zero may be negative zero; and NaN fails the range test
	}
	k := math.Round(v * 100)
	if k/100 != v {
		return dst, false
	}
	c := int64(k)
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	dst = strconv.AppendInt(dst, c/100, 10)
	if f := c % 100; f != 0 {
		dst = append(dst, '.', byte('0'+f/10))
		if f%10 != 0 {
			dst = append(dst, byte('0'+f%10))
		}
	}
	return dst, true
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes a JSON string holds as they are; with
// HTML escaping <, > and & are escaped too.
var jsonSafe, jsonHTMLSafe = func() (safe, html [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		safe[b] = b != '"' && b != '\\'
		html[b] = safe[b] && b != '<' && b != '>' && b != '&'
	}
	return safe, html
}()

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it: invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are
// escaped.
func appendJSONString(dst []byte, s string, m *jsonMode) []byte {
	safe := &jsonSafe
	if m.html {
		safe = &jsonHTMLSafe
	}
	quote := `"`
	if m.csv {
		quote = `""`
	}
	dst = append(dst, quote...)
	start := 0
	for i := 0; i < len(s); {
		// Runs of plain ASCII, nearly all of a register's text, are
		// passed over eight bytes at a time.
		for i+8 <= len(s) && plain8(load64(s, i), m.html) {
			i += 8
		}
		if i == len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"':
				dst = append(dst, '\\')
				dst = append(dst, quote...)
			case '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, quote...)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load64 reads s[i:i+8] as a little-endian word.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// zeros marks, in its top bits, the bytes of x that are zero (and may
// mark bytes above a zero one, which only matters when there is one).
func zeros(x uint64) uint64 { return (x - ones) &^ x & highs }

// plain8 reports whether the eight bytes of x are all ASCII a JSON string
// holds as they are (see jsonSafe): none below 0x20 (whose top three bits
// are clear) or above 0x7f, no quote or backslash and, with html, no <, >
// or &.
func plain8(x uint64, html bool) bool {
	if x&highs|zeros(x&(0xe0*ones))|zeros(x^('"'*ones))|zeros(x^('\\'*ones)) != 0 {
		return false
	}
	return !html || zeros(x^('<'*ones))|zeros(x^('>'*ones))|zeros(x^('&'*ones)) == 0
}

// csvNeedsQuotes is csv.Writer's rule for a comma-separated field.
func csvNeedsQuotes(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		switch field[i] {
		case '\n', '\r', '"', ',':
			return true
		}
	}
	if field[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(field[0]))
	}
	r1, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r1)
}

// appendCSVField appends one field as csv.Writer writes it: quoted when
// needed, quotes doubled.
func appendCSVField(dst []byte, field string) []byte {
	if !csvNeedsQuotes(field) {
		return append(dst, field...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(field); i++ {
		if field[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, field[i])
	}
	return append(dst, '"')
}

// appendCommodityCell appends the commodities as one CSV cell made safe for
// spreadsheets: a list whose first name starts like a formula (rare: ids
// of unknown commodities come from the file) is joined and escaped.
func appendCommodityCell(dst []byte, cs []string) []byte {
	if len(cs) > 0 && cs[0] != "" && strings.IndexByte("=+-@\t\r", cs[0][0]) >= 0 {
		return appendCSVField(dst, kernel.SpreadsheetCell(strings.Join(cs, ";")))
	}
	return appendCommodities(dst, cs)
}

// appendCommodities appends the commodities joined by ';' as one field.
func appendCommodities(dst []byte, cs []string) []byte {
	mark := len(dst)
	for k, c := range cs {
		if k > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, c...)
	}
	return quoteTail(dst, mark)
}

// quoteTail turns dst[mark:] into a CSV field in place: quoted, quotes
// doubled, when csv.Writer would quote it.
func quoteTail(dst []byte, mark int) []byte {
	if !csvNeedsQuotes(string(dst[mark:])) { // a short list converts on the stack
		return dst
	}
	quotes := 0
	for _, b := range dst[mark:] {
		if b == '"' {
			quotes++
		}
	}
	n := len(dst)
	grown := n + quotes + 2
	dst = append(dst, make([]byte, quotes+2)...)
	// Copy from the end so that nothing is overwritten before it is read.
	w := grown - 1
	dst[w] = '"'
	w--
	for r := n - 1; r >= mark; r-- {
		dst[w] = dst[r]
		w--
		if dst[r] == '"' {
			dst[w] = '"'
			w--
		}
	}
	dst[w] = '"'
	return dst
}
