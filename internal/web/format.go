package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// The page formatting helpers: every number a person reads goes through
// one of them, so that a figure is never shown with sixteen decimals or a
// raw count of cents. Stored figures keep full precision.

// fmtNum shows a figure with thousands separators and at most two
// decimals.
func fmtNum(v float64) string { return fmtFixed(v, 2, true) }

// fmtCount shows a whole count with thousands separators.
func fmtCount(n int) string { return groupThousands(strconv.Itoa(n)) }

// fmtPercent shows a share (0.536 for 53.6%) with at most one decimal.
func fmtPercent(share float64) string { return fmtFixed(100*share, 1, true) + "%" }

// fmtDays shows a number of days: "1 day", "12 days", "1,204 days".
func fmtDays(n int) string { return fmtCountOf(n, "day", "days") }

// fmtCountOf shows a count with the noun that agrees with it.
func fmtCountOf(n int, one, many string) string {
	if n == 1 || n == -1 {
		return fmtCount(n) + " " + one
	}
	return fmtCount(n) + " " + many
}

// fmtFixed rounds v to at most decimals places (trailing zeros dropped
// when trim is set, and kept otherwise) with thousands separators.
func fmtFixed(v float64, decimals int, trim bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	p := math.Pow(10, float64(decimals))
	s := strconv.FormatFloat(math.Round(v*p)/p, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if trim {
		frac = strings.TrimRight(frac, "0")
		if frac != "" && len(frac) < decimals && decimals == 2 {
			frac += "0" // 12.5 reads as 12.50 among money-like figures
		}
	}
	s = groupThousands(whole)
	if frac != "" {
		s += "." + frac
	}
	if neg && strings.Trim(s, "0.,") != "" {
		s = "-" + s
	}
	return s
}

func groupThousands(whole string) string {
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var out []byte
	if neg {
		out = append(out, '-')
	}
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, whole[i])
	}
	return string(out)
}

// parseMoney reads an amount typed in the currency's units into minor
// units, as people write it in the page's language: "36,000.50" in
// English, "36.000,50" in Spanish or Portuguese, "36 000,50" in French.
// A lone separator of the other kind followed by one or two digits is
// read as the decimal mark too ("120.50" typed on a Spanish page), since
// nobody groups two digits; any other grouping must come in threes, so an
// amount is never silently read 100 times too large or too small.
func parseMoney(l *locale, s, code string) (int64, error) {
	d := grievance.MinorDigits(code)
	example := 120.0
	if d > 0 {
		example = 120.5
	}
	bad := func() (int64, error) {
		if d == 0 {
			return 0, failure(kernel.Invalid, "Amount: write a whole number such as %v.", l.num(example))
		}
		return 0, failure(kernel.Invalid, "Amount: write it like %v.", l.num(example))
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '’' {
			return -1 // spaces and apostrophes only group thousands
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	dec, other := l.decimalMark(), ","
	if dec == "," {
		other = "."
	}
	whole, frac, hasDec := s, "", false
	if i := strings.LastIndex(s, dec); i >= 0 {
		whole, frac, hasDec = s[:i], s[i+len(dec):], true
	} else if strings.Count(s, other) == 1 {
		i := strings.Index(s, other)
		if n := len(s) - i - 1; n >= 1 && n <= 2 && n <= d {
			whole, frac, hasDec = s[:i], s[i+1:], true
		}
	}
	if hasDec && (frac == "" || len(frac) > d || strings.Trim(frac, "0123456789") != "") {
		return bad()
	}
	// The whole part: digits, grouped in threes by the other mark.
	groups := strings.Split(whole, other)
	for i, g := range groups {
		if g == "" || strings.Trim(g, "0123456789") != "" || (i > 0 && len(g) != 3) || (i == 0 && len(groups) > 1 && len(g) > 3) {
			return bad()
		}
	}
	whole = strings.Join(groups, "")
	if len(whole) > 12 {
		return bad()
	}
	frac += strings.Repeat("0", d-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n < 0 {
		return bad()
	}
	return n, nil
}
