package country

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Country is one ISO 3166-1 entry. Numeric is the three-digit code ("384"),
// empty for Kosovo, which has none. Region is the UN M49 region (Africa,
// Americas, Asia, Europe, Oceania), empty for Antarctica.
type Country struct {
	Alpha2, Alpha3, Numeric, Name, Region string
}

//go:embed data/countries.csv
var countriesCSV []byte

// maxInput bounds the text Lookup will look at; a longer value is not a
// country name and comparing it against every name would only waste time.
const maxInput = 200

// displayNames shortens formal names that read badly in a report. Everything
// else is shown as official_name_en from the source table.
var displayNames = map[string]string{
	"GB": "United Kingdom",
	"US": "United States",
	"BO": "Bolivia",
	"VE": "Venezuela",
	"IR": "Iran",
	"CI": "Côte d'Ivoire",
	"HK": "Hong Kong",
	"MO": "Macao",
	"FM": "Micronesia",
	"SX": "Sint Maarten",
	"MF": "Saint Martin",
	"PS": "Palestine",
}

// aliases are common variants that the source table does not spell out, keyed
// by their folded form (see fold). They win over names derived from the table.
var aliases = map[string]string{
	"ivory coast": "CI", "cote divoire": "CI", "cote d ivoire": "CI", "republic of cote divoire": "CI",
	"burma": "MM", "myanmar burma": "MM",
	"turkey": "TR", "turkiye": "TR", "republic of turkiye": "TR", "republic of turkey": "TR",
	"south korea": "KR", "korea south": "KR", "korea republic of": "KR", "korea rep": "KR", "republic of korea": "KR", "rok": "KR",
	"north korea": "KP", "korea north": "KP", "korea dpr": "KP", "dprk": "KP", "dpr korea": "KP", "korea democratic peoples republic of": "KP",
	"vietnam": "VN", "viet nam": "VN",
	"russia": "RU", "russian federation": "RU",
	"iran": "IR", "persia": "IR",
	"laos": "LA", "lao pdr": "LA", "lao": "LA",
	"uk": "GB", "u k": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"usa": "US", "u s a": "US", "u s": "US", "us": "US", "united states": "US", "america": "US", "united states of america": "US",
	"congo dr": "CD", "dr congo": "CD", "drc": "CD", "d r c": "CD", "dem rep congo": "CD", "congo dem rep": "CD", "congo democratic republic": "CD",
	"democratic republic of congo": "CD", "congo kinshasa": "CD", "zaire": "CD",
	"congo brazzaville": "CG", "republic of the congo": "CG", "republic of congo": "CG", "congo republic": "CG", "congo rep": "CG",
	"syria": "SY", "tanzania": "TZ", "bolivia": "BO", "venezuela": "VE", "moldova": "MD", "micronesia": "FM",
	"palestine": "PS", "palestinian territories": "PS", "vatican": "VA", "vatican city": "VA",
	"brunei": "BN", "cape verde": "CV", "swaziland": "SZ", "macedonia": "MK", "fyrom": "MK",
	"czech republic": "CZ", "holland": "NL", "taiwan": "TW", "chinese taipei": "TW", "hong kong": "HK", "hong kong sar": "HK",
	"macau": "MO", "macao": "MO", "uae": "AE", "u a e": "AE", "ksa": "SA", "east timor": "TL", "timor leste": "TL",
	"kyrgyz republic": "KG", "slovak republic": "SK", "kosovo": "XK", "prc": "CN", "mainland china": "CN", "china mainland": "CN",
	"peoples republic of china": "CN", "china peoples republic of": "CN", "bosnia": "BA", "gambia": "GM", "bahamas": "BS",
	"st lucia": "LC", "st kitts and nevis": "KN", "st vincent and the grenadines": "VC", "sao tome": "ST",
	"falklands": "FK", "saint helena ascension and tristan da cunha": "SH",
	"west bank and the gaza strip": "PS", "west bank and gaza strip": "PS", "west bank and gaza": "PS",
	"occupied palestinian territory": "PS", "the netherlands": "NL", "netherlands": "NL", "eswatini": "SZ",
}

// table is the parsed country list and its name index, built once from the
// embedded file and never changed afterwards.
type table struct {
	list     []Country
	byAlpha2 map[string]int
	byAlpha3 map[string]int
	byNum    map[string]int
	byName   map[string]int // folded name or variant -> index in list
	names    []string       // keys of byName, sorted, for suggestions
}

var loadTable = sync.OnceValue(func() *table {
	t, err := parseTable(countriesCSV)
	if err != nil {
		// The file is part of the binary and covered by tests; failing here
		// means the build itself is broken.
		panic("country: embedded table: " + err.Error())
	}
	return t
})

func parseTable(data []byte) (*table, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 9
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	t := &table{
		byAlpha2: map[string]int{},
		byAlpha3: map[string]int{},
		byNum:    map[string]int{},
		byName:   map[string]int{},
	}
	type pending struct {
		idx   int
		names []string
	}
	var derived []pending
	for line, row := range rows[1:] {
		a2, a3, num := row[0], row[1], row[2]
		if len(a2) != 2 || len(a3) != 3 {
			return nil, fmt.Errorf("line %d: bad codes %q %q", line+2, a2, a3)
		}
		name := row[3]
		if d, ok := displayNames[a2]; ok {
			name = d
		}
		c := Country{Alpha2: a2, Alpha3: a3, Numeric: num, Name: name, Region: row[7]}
		i := len(t.list)
		t.list = append(t.list, c)
		t.byAlpha2[a2] = i
		t.byAlpha3[a3] = i
		if num != "" {
			t.byNum[num] = i
		}
		derived = append(derived, pending{i, []string{name, row[3], row[5], row[6], row[4]}})
	}
	for key, a2 := range aliases {
		i, ok := t.byAlpha2[a2]
		if !ok {
			return nil, fmt.Errorf("alias %q points to unknown code %s", key, a2)
		}
		t.byName[key] = i
	}
	// Names from the table, in column order of preference; the first
	// country to claim a folded form keeps it, so the outcome does not depend
	// on map iteration order.
	for _, p := range derived {
		for _, n := range p.names {
			for _, k := range variants(n) {
				if _, taken := t.byName[k]; !taken {
					t.byName[k] = p.idx
				}
			}
		}
	}
	for k := range t.byName {
		t.names = append(t.names, k)
	}
	sort.Strings(t.names)
	return t, nil
}

// variants returns the folded forms under which a name is indexed or looked
// up: the name itself, without a parenthesised part ("Iran (Islamic Republic
// of)" -> "iran"), without a leading "the", and with an inverted comma form
// turned round ("Korea, Republic of" -> "republic of korea").
func variants(name string) []string {
	var out []string
	add := func(s string) {
		k := fold(s)
		k = strings.TrimPrefix(k, "the ")
		if k == "" {
			return
		}
		for _, o := range out {
			if o == k {
				return
			}
		}
		out = append(out, k)
	}
	add(name)
	noParen := name
	if i := strings.IndexByte(name, '('); i > 0 {
		if j := strings.IndexByte(name[i:], ')'); j > 0 {
			noParen = name[:i] + name[i+j+1:]
			add(noParen)
			// "Bolivia (Plurinational State of)" also reads as
			// "Plurinational State of Bolivia".
			add(name[i+1:i+j] + " " + name[:i])
		}
	}
	for _, n := range []string{name, noParen} {
		if head, tail, ok := strings.Cut(n, ","); ok && !strings.Contains(tail, ",") {
			add(tail + " " + head)
		}
	}
	return out
}

// fold reduces s to lower-case ASCII letters, digits and single spaces:
// accents are removed ("Côte" -> "cote"), apostrophes vanish ("d'Ivoire" ->
// "divoire"), "&" reads as "and" and any other punctuation is a space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '\u00b4':
			continue
		case r == '&':
			if b.Len() > 0 && !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if b.Len() > 0 && !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Lookup resolves an ISO 3166-1 alpha-2, alpha-3 or numeric code, or an
// English name in one of its common variants, ignoring case, accents and
// punctuation. An unknown value is a kernel.Invalid error that suggests the
// closest known name when one is near enough.
func Lookup(raw string) (Country, error) {
	t := loadTable()
	if !utf8.ValidString(raw) {
		return Country{}, kernel.Errorf(kernel.Invalid, "country %q is not valid UTF-8", raw)
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return Country{}, kernel.Errorf(kernel.Invalid, "country is empty")
	}
	if len(s) > maxInput {
		return Country{}, kernel.Errorf(kernel.Invalid, "country %.40q... is too long (%d bytes) to be a country name or code", s, len(s))
	}
	if isDigits(s) && len(s) <= 3 {
		if i, ok := t.byNum[strings.Repeat("0", 3-len(s))+s]; ok {
			return t.list[i], nil
		}
		return Country{}, kernel.Errorf(kernel.Invalid, "unknown ISO 3166 numeric country code %q", raw)
	}
	up := strings.ToUpper(s)
	if len(s) == 2 {
		if i, ok := t.byAlpha2[up]; ok {
			return t.list[i], nil
		}
	}
	if len(s) == 3 {
		if i, ok := t.byAlpha3[up]; ok {
			return t.list[i], nil
		}
	}
	for _, k := range variants(s) {
		if i, ok := t.byName[k]; ok {
			return t.list[i], nil
		}
	}
	if len(s) <= 3 && isLetters(s) {
		return Country{}, kernel.Errorf(kernel.Invalid, "unknown country code %q; use an ISO 3166 alpha-2 or alpha-3 code or an English name", raw)
	}
	if c, ok := t.suggest(fold(s)); ok {
		return Country{}, kernel.Errorf(kernel.Invalid, "unknown country %q; did you mean %s (%s)?", raw, c.Name, c.Alpha2)
	}
	return Country{}, kernel.Errorf(kernel.Invalid, "unknown country %q; use an ISO 3166 alpha-2 or alpha-3 code or an English name", raw)
}

// suggest returns the country whose indexed name is closest to key by edit
// distance, when the distance is small relative to the length of the key.
func (t *table) suggest(key string) (Country, bool) {
	letters := 0
	for _, r := range key {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 3 {
		// Too little to go on: a guess would mislead more than help.
		return Country{}, false
	}
	best, bestD := "", -1
	for _, n := range t.names {
		d := distance(key, n)
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	limit := len([]rune(key))/3 + 1
	if bestD < 0 || bestD > limit {
		return Country{}, false
	}
	return t.list[t.byName[best]], true
}

// distance is the optimal-string-alignment edit distance (insertions,
// deletions, substitutions and transpositions of neighbours) over runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// ByAlpha2 returns the country with the given alpha-2 code (any case).
func ByAlpha2(code string) (Country, bool) {
	t := loadTable()
	i, ok := t.byAlpha2[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Country{}, false
	}
	return t.list[i], true
}

// All returns every country, sorted by alpha-2 code. The slice is a copy the
// caller may change.
func All() []Country {
	return append([]Country(nil), loadTable().list...)
}

// Provenance describes the embedded country table for listings of the
// reference data: where it comes from, which edition, under which licence,
// the SHA-256 of the embedded file and its number of countries.
type Provenance struct {
	Source, Edition, Licence, SHA256 string
	Rows                             int
}

// TableProvenance returns the provenance of the embedded table.
func TableProvenance() Provenance {
	sum := sha256.Sum256(countriesCSV)
	return Provenance{
		Source:  "ISO 3166-1 codes via datasets/country-codes (data/country-codes.csv), plus Kosovo (XK)",
		Edition: "datasets/country-codes commit caa72d1e",
		Licence: "ODC-PDDL-1.0",
		SHA256:  hex.EncodeToString(sum[:]),
		Rows:    len(loadTable().list),
	}
}
