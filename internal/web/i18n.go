package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
	"golang.org/x/text/number"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// The staff pages speak the language each person chooses. Text is written
// in English in the templates and handlers ({{t "Cases"}}, s.tr(r,
// "Alert acknowledged.")); the English sentence is the message key, and
// locales/<code>.json holds its translation. A message without a
// translation shows in English, so a new sentence never breaks a page.
//
// The catalogs are golang.org/x/text/message catalogs: x/text is already
// how the reporter pages match languages, its printer formats numbers
// with the locale's CLDR separators, and its plural rules say whether a
// count takes the singular. (The reporter pages keep their own six
// languages in intake_i18n.go: they are tiny and must not grow.)

//go:embed locales/*.json
var localeFiles embed.FS

// defaultLocale is the language a page falls back to, and the language of
// the message keys.
const defaultLocale = "en"

// locale is one language of the staff pages.
type locale struct {
	Code string // the BCP 47 tag as written in a catalog's file name: "es"
	Name string // the language's own name for itself, for the switch
	Dir  string // "ltr" or "rtl", for <html dir>
	tag  language.Tag
	p    *message.Printer
	// months are the month names, January first, as the catalog gives them.
	months [12]string
	// regions names countries in the language (CLDR territory names); nil
	// for English, which uses the ISO 3166 names of internal/country.
	regions display.Namer
	// messages is the catalog as read (English message to translation),
	// and sentences its messages with verbs as patterns that recognise a
	// sentence already written out in English (see sentence).
	messages  map[string]string
	sentences func() []sentencePattern
	// names places countries and commodities by their names in the
	// language, for the register's orders; built once, when first asked.
	names func() *supplychain.NameOrder
}

// catalogFile is the format of locales/<code>.json.
type catalogFile struct {
	// Name is the language's name in itself ("Español").
	Name string `json:"name"`
	// Messages maps each English message to its translation.
	Messages map[string]string `json:"messages"`
}

// locales are the staff pages' languages, English first.
type locales struct {
	list    []*locale
	byCode  map[string]*locale
	matcher language.Matcher
	// messages are every catalog's translations, by language code, kept
	// for the completeness checks.
	messages map[string]map[string]string
}

// rtlScripts are the scripts written right to left, for the languages
// likely to be added (ISO 15924 codes).
var rtlScripts = []string{"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"}

// textDirection says which way a language is written: "rtl" when its
// likely script runs right to left.
func textDirection(tag language.Tag) string {
	script, _ := tag.Script()
	if slices.Contains(rtlScripts, script.String()) {
		return "rtl"
	}
	return "ltr"
}

// printfVerb finds the formatting verbs of a message, so that a
// translation that drops or adds one is refused when the catalog loads.
var printfVerb = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// verbs returns the verbs of a message, in a canonical order, for
// comparison (explicit argument indexes may reorder them).
func verbs(msg string) []string {
	var out []string
	for _, v := range printfVerb.FindAllString(msg, -1) {
		if v == "%%" {
			continue
		}
		out = append(out, v[len(v)-1:])
	}
	slices.Sort(out)
	return out
}

// loadLocales reads every catalog under locales/. A catalog that does not
// parse, or a translation whose formatting verbs differ from its English
// message, stops the server at start with the file and message named.
func loadLocales(files fs.FS) (*locales, error) {
	names, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		return nil, err
	}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	ls := &locales{byCode: map[string]*locale{}, messages: map[string]map[string]string{}}
	var tags []language.Tag
	for _, name := range names {
		code := strings.TrimSuffix(path.Base(name), ".json")
		tag, err := language.Parse(code)
		if err != nil {
			return nil, fmt.Errorf("%s: the file name is not a language tag: %w", name, err)
		}
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var cf catalogFile
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cf); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if cf.Name == "" {
			return nil, fmt.Errorf("%s: name: give the language's own name for itself", name)
		}
		for key, msg := range cf.Messages {
			if strings.TrimSpace(msg) == "" {
				return nil, fmt.Errorf("%s: message %q: the translation is empty", name, key)
			}
			if !slices.Equal(verbs(key), verbs(msg)) {
				return nil, fmt.Errorf("%s: message %q: the translation %q must use the same %%-verbs", name, key, msg)
			}
			if err := b.SetString(tag, key, msg); err != nil {
				return nil, fmt.Errorf("%s: message %q: %w", name, key, err)
			}
		}
		ls.messages[code] = cf.Messages
		l := &locale{Code: code, Name: cf.Name, Dir: textDirection(tag), tag: tag, messages: cf.Messages}
		l.p = message.NewPrinter(tag, message.Catalog(b))
		l.sentences = sync.OnceValue(func() []sentencePattern { return sentencePatterns(cf.Messages) })
		l.names = sync.OnceValue(func() *supplychain.NameOrder { return supplychain.NewNameOrder(tag, l.country, l.commodity) })
		for m := range l.months {
			l.months[m] = l.p.Sprintf(time.Month(m + 1).String())
		}
		if code != defaultLocale {
			l.regions = display.Regions(tag)
		}
		if code == defaultLocale {
			ls.list = append([]*locale{l}, ls.list...)
			tags = append([]language.Tag{tag}, tags...)
		} else {
			ls.list = append(ls.list, l)
			tags = append(tags, tag)
		}
		ls.byCode[code] = l
	}
	if ls.byCode[defaultLocale] == nil {
		return nil, fmt.Errorf("locales: %s.json is missing", defaultLocale)
	}
	ls.matcher = language.NewMatcher(tags)
	return ls, nil
}

// get returns the locale of a stored preference, or nil.
func (ls *locales) get(code string) *locale { return ls.byCode[code] }

// match picks the locale for an Accept-Language header.
func (ls *locales) match(acceptLanguage string) *locale {
	if len(acceptLanguage) > 256 {
		return ls.list[0]
	}
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return ls.list[0]
	}
	_, i, conf := ls.matcher.Match(prefs...)
	if conf == language.No {
		return ls.list[0]
	}
	return ls.list[i]
}

// localeOf is the language of the page for this request: the signed-in
// person's choice, else the browser's Accept-Language, else English.
func (s *base) localeOf(r *http.Request) *locale {
	if p := principalOf(r); p.User.Language != "" {
		if l := s.locales.get(p.User.Language); l != nil {
			return l
		}
	}
	return s.locales.match(r.Header.Get("Accept-Language"))
}

// tr translates a message a handler shows (a flash, an error) into the
// request's language; args fill its verbs.
func (s *base) tr(r *http.Request, msg string, args ...any) string {
	return s.localeOf(r).tr(msg, args...)
}

// tr translates msg, filling its verbs with args.
func (l *locale) tr(msg string, args ...any) string {
	return l.p.Sprintf(msg, args...)
}

// markupEscaper escapes what could open markup in text. Quotes and
// apostrophes stay as they are: a page's sentence reads "supplier's" in
// its source, not "supplier&#39;s".
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// trHTML is {{t}}: the translation with its arguments, escaped as text.
// In an attribute, html/template escapes the quotes of this value again.
func (l *locale) trHTML(msg string, args ...any) template.HTML {
	return template.HTML(markupEscaper.Replace(l.tr(msg, args...)))
}

// num shows a figure with the locale's separators and at most two
// decimals (12.5 reads as 12.50 among money-like figures, 12 as 12).
func (l *locale) num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	if v == math.Trunc(v) {
		return l.p.Sprint(number.Decimal(v, number.MaxFractionDigits(0)))
	}
	return l.p.Sprint(number.Decimal(v, number.MinFractionDigits(2), number.MaxFractionDigits(2)))
}

// count shows a whole count with the locale's thousands separators.
func (l *locale) count(n int) string { return l.p.Sprint(number.Decimal(n)) }

// percent shows a share (0.536 for 53.6%) with at most one decimal, the
// percent sign placed as the locale writes it.
func (l *locale) percent(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	return l.p.Sprint(number.Percent(share, number.MaxFractionDigits(1)))
}

// wholePercent shows a share as a whole per cent ("65%", "65 %"), for
// survey figures whose intervals are wider than a decimal.
func (l *locale) wholePercent(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	return l.p.Sprint(number.Percent(share, number.MaxFractionDigits(0)))
}

// countOf shows a count with the noun that agrees with it in the locale
// (French and Portuguese take the singular for 0 as well as 1); one and
// many are the English nouns, translated through the catalog.
func (l *locale) countOf(n int, one, many string) string {
	noun := many
	if l.one(n) {
		noun = one
	}
	return l.count(n) + " " + l.tr(noun)
}

// one reports whether n takes the singular in the locale's language (1 in
// English; 0 and 1 in French), for a message whose words around the count
// agree with it.
func (l *locale) one(n int) bool {
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(l.tag, n, 0, 0, 0, 0) == plural.One
}

// days shows a number of days.
func (l *locale) days(n int) string { return l.countOf(n, "day", "days") }

// Date layouts, as messages: each locale orders day, month and year its
// own way ("2 de January de 2006"); the month name is then put in the
// locale's words.
const (
	dateLayout     = "2 January 2006"
	dateTimeLayout = "2 January 2006 15:04 UTC"
)

// date shows a day as the locale writes it: "2 January 2006", "2 de enero
// de 2006", "2 janvier 2006". The zero time reads as "not recorded".
func (l *locale) date(t time.Time) string { return l.formatTime(t, dateLayout) }

// dateTime shows a moment (in UTC, as the server keeps it).
func (l *locale) dateTime(t time.Time) string { return l.formatTime(t, dateTimeLayout) }

func (l *locale) formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return l.tr("not recorded")
	}
	t = t.UTC()
	s := t.Format(l.tr(layout))
	return strings.Replace(s, t.Month().String(), l.months[t.Month()-1], 1)
}

// translatable marks an English message kept in a table to be translated later
// (through locale.tr) so the catalog checks find it; it returns msg.
func translatable(m string) string { return m }

// label shows a code the system keeps as words in the locale (see
// labels.go).
func (l *locale) label(code string) string { return l.tr(escapeVerbs(label(code))) }

// country names a country, given its ISO 3166 alpha-2 code, as the
// locale writes it: the CLDR territory name ("Alemania", "Allemagne",
// "Alemanha"), else the ISO 3166 English name Upstream keeps (also what
// English pages show), else the code itself. No code reads "unknown".
func (l *locale) country(code string) string {
	if code == "" {
		return l.tr("unknown")
	}
	code = strings.ToUpper(code)
	if l.regions != nil {
		if r, err := language.ParseRegion(code); err == nil && r.IsCountry() {
			if n := l.regions.Name(r); n != "" {
				return n
			}
		}
	}
	if c, ok := country.ByAlpha2(code); ok {
		return c.Name
	}
	return code
}

// collator compares names as a reader of the locale orders a list: by
// the language's own alphabet, case and accents aside. A collator keeps
// buffers, so each caller takes its own.
func (l *locale) collator() *collate.Collator {
	return collate.New(l.tag, collate.IgnoreCase, collate.IgnoreDiacritics)
}

// sortByLabel puts options in the locale's alphabetical order of their
// labels; equal labels keep their order.
func (l *locale) sortByLabel(opts []option) {
	c := l.collator()
	slices.SortStableFunc(opts, func(a, b option) int { return c.CompareString(a.Label, b.Label) })
}

// decimalMark is the character the locale writes between whole and
// fractional units: "." in English, "," in Spanish, French and Portuguese.
func (l *locale) decimalMark() string {
	if strings.Contains(l.num(1.5), ",") {
		return ","
	}
	return "."
}

// money shows an amount with its currency code and the locale's
// separators, with as many decimals as the currency's minor unit:
// "USD 36,000.50", "USD 36.000,50", "USD 36 000,50".
func (l *locale) money(m grievance.Money) string {
	d := grievance.MinorDigits(m.Currency)
	v := float64(m.Minor) / math.Pow10(d)
	n := l.p.Sprint(number.Decimal(v, number.MinFractionDigits(d), number.MaxFractionDigits(d)))
	if m.Currency == "" {
		return n
	}
	return m.Currency + " " + n
}

// points shows scorecard points with one decimal, as the locale writes
// them ("53.7", "53,7").
func (l *locale) points(v float64) string {
	return l.p.Sprint(number.Decimal(v, number.MinFractionDigits(1), number.MaxFractionDigits(1)))
}

// text shows a sentence a domain package built (kernel.Text) in the
// locale: its message through the catalog, a Text argument in turn, a day
// as the locale writes dates, numbers with the locale's separators. A
// message the catalog lacks reads in English. A Text read back from
// storage holds only its English sentence: it is recognised as sentence
// does.
func (l *locale) text(t kernel.Text) string {
	if len(t.Args) == 0 {
		return l.sentence(strings.ReplaceAll(t.Msg, "%%", "%"))
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch a := a.(type) {
		case kernel.Text:
			args[i] = l.text(a)
		case time.Time:
			args[i] = l.date(a)
		default:
			args[i] = a
		}
	}
	return l.p.Sprintf(t.Msg, args...)
}

// ratio shows a ratio such as a social return on investment, "1.60:1", with
// two decimals written the locale's way ("1,60:1").
func (l *locale) ratio(r float64) string {
	return l.p.Sprint(number.Decimal(r, number.MinFractionDigits(2), number.MaxFractionDigits(2))) + ":1"
}

// short shows a chart's axis figure: whole where the range is large, else
// with at most one decimal.
func (l *locale) short(v float64) string {
	if math.Abs(v) >= 100 {
		return l.count(int(math.Round(v)))
	}
	return l.p.Sprint(number.Decimal(math.Round(v*10)/10, number.MaxFractionDigits(1)))
}

// countOf2 shows a quantity that may have decimals with the noun that
// agrees with it: "1 point", "2.5 points".
func (l *locale) countOf2(v float64, one, many string) string {
	noun := many
	if v == 1 || v == -1 {
		noun = one
	}
	return l.num(v) + " " + l.tr(noun)
}

// A domain package stores and reports its sentences in English (a finding
// of an EUDR risk assessment, why simplified due diligence applies): what
// was written is the record, and reports and the API keep it. A page in
// another language recognises such a sentence as one of the catalog's
// messages written out — the message's fixed words around values — and
// shows its translation with the same values, each value recognised in
// turn. A sentence no message accounts for stays as written.

// sentencePattern recognises one catalog message written out.
type sentencePattern struct {
	msg     string
	re      *regexp.Regexp
	letters int    // letters of the message's own words, verbs aside
	longest string // its longest fixed piece, a quick test before the pattern
}

// minPatternLetters keeps messages made almost only of verbs ("%v: %v")
// from claiming a sentence on their own: such a pattern is taken only when
// every value it finds is recognised in turn, or inside a sentence already
// recognised ("yes: %v" in "Forests present: yes: ...").
const minPatternLetters = 6

// sentencePatterns turns the catalog's messages with verbs into patterns,
// the most specific (most fixed text) first.
func sentencePatterns(messages map[string]string) []sentencePattern {
	var out []sentencePattern
	for msg := range messages {
		locs := printfVerb.FindAllStringIndex(msg, -1)
		var re strings.Builder
		re.WriteString("^")
		last, letters, verbs, longest := 0, 0, 0, ""
		for _, at := range locs {
			lit := strings.ReplaceAll(msg[last:at[0]], "%%", "%")
			letters += countLetters(lit)
			if len(lit) > len(longest) {
				longest = lit
			}
			re.WriteString(regexp.QuoteMeta(lit))
			if msg[at[0]:at[1]] == "%%" {
				re.WriteString("%")
			} else {
				re.WriteString("(.+?)")
				verbs++
			}
			last = at[1]
		}
		lit := strings.ReplaceAll(msg[last:], "%%", "%")
		letters += countLetters(lit)
		if len(lit) > len(longest) {
			longest = lit
		}
		re.WriteString(regexp.QuoteMeta(lit) + "$")
		if verbs == 0 {
			continue
		}
		out = append(out, sentencePattern{msg: msg, re: regexp.MustCompile(re.String()), letters: letters, longest: longest})
	}
	slices.SortFunc(out, func(a, b sentencePattern) int {
		if d := b.letters - a.letters; d != 0 {
			return d
		}
		if d := len(b.re.String()) - len(a.re.String()); d != 0 {
			return d
		}
		return strings.Compare(a.msg, b.msg)
	})
	return out
}

func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// decimalValue is a figure written the English way inside a sentence.
var decimalValue = regexp.MustCompile(`^-?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?$`)

// countryWithCode is how the domain names a country in its sentences:
// "Côte d'Ivoire (CI)".
var countryWithCode = regexp.MustCompile(`^(.+) \(([A-Z]{2})\)$`)

// sentence shows an English sentence a domain package wrote out in the
// locale (see above); English pages show it as written.
func (l *locale) sentence(s string) string {
	if l.Code == defaultLocale {
		return s
	}
	out, _ := l.recognise(s, 0)
	return out
}

// recognise shows s in the locale and says whether it was recognised: a
// message, a country, a day, a figure, or a list of them joined by "; ".
func (l *locale) recognise(s string, depth int) (string, bool) {
	if s == "" {
		return s, false
	}
	if tr, ok := l.messages[strings.ReplaceAll(s, "%", "%%")]; ok {
		return tr, true
	}
	if depth > 3 {
		return s, false
	}
	if m := countryWithCode.FindStringSubmatch(s); m != nil {
		if c, ok := country.ByAlpha2(m[2]); ok && c.Name == m[1] {
			return l.country(m[2]) + " (" + m[2] + ")", true
		}
	}
	// A day, written as the domain writes days in English (kernel.Text).
	if len(s) == len(time.DateOnly) {
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return l.date(d), true
		}
	}
	// A figure with a decimal point or thousands commas (a bare whole
	// number may be a year, and reads the same anyway).
	if decimalValue.MatchString(s) && strings.ContainsAny(s, ".,") {
		if v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); err == nil {
			if i := strings.IndexByte(s, '.'); i >= 0 {
				d := len(s) - i - 1 // as many decimals as written
				return l.p.Sprint(number.Decimal(v, number.MinFractionDigits(d), number.MaxFractionDigits(d))), true
			}
			return l.count(int(v)), true
		}
	}
	for _, p := range l.sentences() {
		if !strings.Contains(s, p.longest) {
			continue
		}
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		all := true
		for i, v := range m[1:] {
			shown, ok := l.recognise(v, depth+1)
			args[i], all = shown, all && ok
		}
		if p.letters >= minPatternLetters || all || (depth > 0 && p.letters > 0) {
			return l.p.Sprintf(p.msg, args...), true
		}
	}
	// A list the domain joined: each part in turn.
	if parts := strings.Split(s, "; "); len(parts) > 1 {
		all := true
		for i, part := range parts {
			var ok bool
			parts[i], ok = l.recognise(part, depth+1)
			all = all && ok
		}
		if all {
			return strings.Join(parts, "; "), true
		}
	}
	return s, false
}

// fixed2 shows a figure with exactly two decimals ("40.00", "40,00"), as
// the score's contributions are compared.
func (l *locale) fixed2(v float64) string {
	return l.p.Sprint(number.Decimal(v, number.MinFractionDigits(2), number.MaxFractionDigits(2)))
}
