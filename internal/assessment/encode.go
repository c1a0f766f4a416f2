package assessment

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
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
	dst = appendCSVField(dst, r.ID)
	dst = append(dst, ',')
	dst = appendCSVField(dst, r.Name)
	dst = append(dst, ',')
	dst = appendCSVField(dst, r.Country)
	dst = append(dst, ',')
	dst = appendCommodities(dst, r.Commodities)
	dst = append(dst, ',')
	if r.Tier != nil {
		dst = strconv.AppendInt(dst, int64(*r.Tier), 10)
	}
	for _, v := range [...]float64{r.Inherent, r.Signals, r.Exposure} {
		// Digits, a point and a sign (or NaN, +Inf) never need quotes.
		dst = append(dst, ',')
		dst = strconv.AppendFloat(dst, v, 'f', -1, 64)
	}
	dst = append(dst, ',')
	dst = appendCSVField(dst, r.Level)
	dst = append(dst, ',')
	// The JSON goes after the record so far, then moves into place quoted.
	mark := len(dst)
	dst, err := appendFactors(dst, r.Factors, true)
	if err != nil {
		return dst[:start], err
	}
	dst = quoteTail(dst, mark)
	dst = append(dst, ',')
	mark = len(dst)
	if dst, err = appendHits(dst, r.WatchlistHits, true); err != nil {
		return dst[:start], err
	}
	dst = quoteTail(dst, mark)
	return append(dst, '\n'), nil
}

// AppendJSON appends r as one JSON object and a newline, as a json.Encoder
// with SetEscapeHTML(false) writes it.
func AppendJSON(dst []byte, r *Row) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, r.ID, false)
	dst = append(dst, `,"name":`...)
	dst = appendJSONString(dst, r.Name, false)
	dst = append(dst, `,"country":`...)
	dst = appendJSONString(dst, r.Country, false)
	dst = append(dst, `,"commodities":`...)
	if r.Commodities == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for k, c := range r.Commodities {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, c, false)
		}
		dst = append(dst, ']')
	}
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
	dst = appendJSONString(dst, r.Level, false)
	dst = append(dst, `,"factors":`...)
	if dst, err = appendFactors(dst, r.Factors, false); err != nil {
		return dst[:start], err
	}
	dst = append(dst, `,"watchlist_hits":`...)
	if dst, err = appendHits(dst, r.WatchlistHits, false); err != nil {
		return dst[:start], err
	}
	return append(dst, "}\n"...), nil
}

func appendFactors(dst []byte, fs []Factor, escapeHTML bool) ([]byte, error) {
	if fs == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	var err error
	for k := range fs {
		f := &fs[k]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"source":`...)
		dst = appendJSONString(dst, f.Source, escapeHTML)
		dst = append(dst, `,"edition":`...)
		dst = appendJSONString(dst, f.Edition, escapeHTML)
		dst = append(dst, `,"indicator":`...)
		dst = appendJSONString(dst, f.Indicator, escapeHTML)
		dst = append(dst, `,"value":`...)
		dst = appendJSONString(dst, f.Value, escapeHTML)
		dst = append(dst, `,"contribution":`...)
		if dst, err = appendJSONFloat(dst, f.Contribution); err != nil {
			return dst, err
		}
		dst = append(dst, '}')
	}
	return append(dst, ']'), nil
}

func appendHits(dst []byte, hs []Hit, escapeHTML bool) ([]byte, error) {
	if hs == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	var err error
	for k := range hs {
		h := &hs[k]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"list":`...)
		dst = appendJSONString(dst, h.List, escapeHTML)
		dst = append(dst, `,"entity_id":`...)
		dst = appendJSONString(dst, h.EntityID, escapeHTML)
		dst = append(dst, `,"entity_name":`...)
		dst = appendJSONString(dst, h.EntityName, escapeHTML)
		dst = append(dst, `,"matched_name":`...)
		dst = appendJSONString(dst, h.MatchedName, escapeHTML)
		dst = append(dst, `,"score":`...)
		if dst, err = appendJSONFloat(dst, h.Score); err != nil {
			return dst, err
		}
		dst = append(dst, '}')
	}
	return append(dst, ']'), nil
}

// appendJSONFloat formats v as encoding/json does, and refuses what it
// refuses.
func appendJSONFloat(dst []byte, v float64) ([]byte, error) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		_, err := json.Marshal(v) // the same error encoding/json gives
		return dst, err
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
func appendJSONString(dst []byte, s string, escapeHTML bool) []byte {
	safe := &jsonSafe
	if escapeHTML {
		safe = &jsonHTMLSafe
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
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
	return append(dst, '"')
}

// csvNeedsQuotes is csv.Writer's rule for a comma-separated field.
func csvNeedsQuotes[T string | []byte](field T) bool {
	if len(field) == 0 {
		return false
	}
	if len(field) == 2 && field[0] == '\\' && field[1] == '.' {
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
	var r1 rune
	if b, ok := any(field).([]byte); ok {
		r1, _ = utf8.DecodeRune(b)
	} else {
		r1, _ = utf8.DecodeRuneInString(string(field))
	}
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
	if !csvNeedsQuotes(dst[mark:]) {
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
