package facilitymatch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-unidecode"
	"golang.org/x/text/unicode/norm"
)

// legalForms are words and abbreviations of company legal forms in the
// languages facility lists are written in. They say nothing about which
// place a name means ("Hanes Ink" and "Hanes Ink S.A. de C.V." are one
// factory), so they are dropped from names before comparison.
var legalForms = setOf(
	"ltd", "ltda", "limited", "co", "company", "companies", "inc", "incorporated", "corp", "corporation",
	"llc", "llp", "lp", "plc", "pvt", "pte", "pty", "private", "public", "jsc", "jsco", "pjsc", "ojsc", "cjsc",
	"sa", "sas", "sac", "saa", "sarl", "sau", "sl", "slu", "srl", "spa", "snc", "sro", "as", "asa", "ab", "oy", "oyj",
	"ag", "gmbh", "kg", "ohg", "ug", "mbh", "bv", "nv", "vof", "kft", "zrt", "doo", "dd", "ood", "ead", "eood",
	"sp", "zoo", "spzoo", "tbk", "pt", "cv", "rl", "de", "sdn", "bhd", "berhad", "tic", "san", "ve", "sti", "ltdsti",
	"aps", "bhd", "ooo", "zao", "oao", "kk", "yk", "ltdco", "coltd", "tnhh", "cty", "mtv", "joint", "stock",
	"holding", "holdings", "enterprise", "enterprises",
)

// genericNameWords are common words of facility names: they count, but
// little, so that "Jeans Knit Unit 3" and "Jeans Knit Unit 4" are told
// apart by what differs and "X Garments" does not match "Y Garments".
var genericNameWords = setOf(
	"garment", "garments", "factory", "apparel", "apparels", "textile", "textiles", "textil", "tekstil", "texteis",
	"industrial", "industry", "industries", "industrias", "manufacturing", "manufactory", "mfg", "international",
	"intl", "group", "fashion", "fashions", "knitting", "knitwear", "knitwears", "clothing", "wear", "wears",
	"export", "exports", "import", "trading", "trade", "the", "and", "of", "y", "e", "et", "und", "unit", "branch",
	"plant", "mill", "mills", "shoes", "shoe", "footwear", "sports", "goods", "products", "product", "fabric",
	"fabrics", "sweater", "sweaters", "design", "designs", "confecciones", "konfeksiyon", "division", "section",
	"factories", "works", "work", "vietnam", "china", "india", "bangladesh", "cambodia", "lanka",
)

// addressWords expands the abbreviations of addresses to one spelling, so
// that "Rd" and "Road", "Ind." and "Industrial" agree.
var addressWords = map[string]string{
	"rd": "road", "rod": "road", "st": "street", "str": "street", "strt": "street", "ave": "avenue", "av": "avenue",
	"avda": "avenue", "avenida": "avenue", "blvd": "boulevard", "hwy": "highway", "hway": "highway",
	"ind": "industrial", "indl": "industrial", "indus": "industrial", "inudstrial": "industrial", "industial": "industrial",
	"lndustrial": "industrial", "inductrial": "industrial", "industry": "industrial", "industrie": "industrial",
	"industrielle": "industrial", "est": "estate", "dist": "district", "distt": "district", "dt": "district",
	"bldg": "building", "bld": "building", "edificio": "building", "fl": "floor", "flr": "floor", "pkwy": "parkway",
	"sq": "square", "ln": "lane", "dr": "drive", "cir": "circle", "sok": "sokak", "sk": "sokak", "cad": "cadde",
	"cd": "cadde", "caddesi": "cadde", "mah": "mahalle", "mh": "mahalle", "mahallesi": "mahalle", "osb": "organize",
	"vill": "village", "vil": "village", "villiage": "village", "twp": "township", "prov": "province", "provice": "province",
	"ctra": "carretera", "carr": "carretera", "car": "carretera", "pol": "poligono", "poligono": "poligono",
	"epz": "epz", "sez": "sez", "zn": "zone", "ip": "park", "iz": "zone", "kec": "kecamatan", "kab": "kabupaten",
	"jl": "jalan", "jln": "jalan", "ji": "jalan", "sector": "sector", "sec": "section", "p": "", "o": "",
	"no": "", "nº": "", "number": "", "num": "", "plot": "plot", "lot": "lot", "km": "km", "kilometre": "km",
}

// genericAddressWords are the words of nearly every address: they count
// little in an address comparison.
var genericAddressWords = setOf(
	"road", "street", "avenue", "industrial", "zone", "park", "estate", "area", "district", "city", "province",
	"town", "village", "county", "state", "region", "building", "floor", "lane", "highway", "sector", "section",
	"development", "economic", "export", "processing", "free", "block", "lot", "plot", "km", "carretera", "calle",
	"colonia", "commune", "ward", "hamlet", "sheng", "shi", "xian", "zhen", "cun", "the", "of", "and", "de", "la",
	"del", "el", "a", "new", "east", "west", "north", "south", "central", "china", "india", "bangladesh", "vietnam",
	"cambodia", "pakistan", "turkey", "indonesia", "sri", "lanka", "mexico", "province", "pr", "p.r", "technological",
	"technical", "centre", "center", "complex", "cluster", "phase", "unit", "room", "rm", "jalan", "kecamatan", "kabupaten",
	"moo", "tambol", "amphur", "soi", "mahalle", "sokak", "cadde", "organize", "bolgesi", "sanayi", "guangdong",
	"jiangsu", "zhejiang", "fujian", "shandong", "dhaka", "gazipur",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// romanNumerals are the unit numbers written in Roman numerals that
// facility names use ("Unit II", "Semarang II"); they compare as digits.
var romanNumerals = map[string]string{
	"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "xi": "11", "xii": "12",
	"ll": "2", // "Saigon ll", an OCR-style misspelling of II seen in real lists
}

// fold transliterates s to lower-case ASCII: compatibility decomposition,
// accents removed, other scripts romanised (Chinese, Cyrillic, Arabic, ...),
// so that "Medellín" and "medellin", or a name written in Cyrillic and its
// Latin spelling, compare equal.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFKD.String(s)
		var b strings.Builder
		for _, r := range s {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			b.WriteRune(r)
		}
		s = unidecode.Unidecode(b.String())
	}
	return strings.ToLower(s)
}

// words splits folded text into runs of letters and digits; "&" reads as
// "and", and a run mixing letters and digits ("mxp8", "e16", "2nd") is
// split where letters meet digits, so "E-16" and "e16" agree.
func words(s string) []string {
	var out []string
	start := -1
	kind := 0 // 1 letters, 2 digits
	flush := func(i int) {
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		k := 0
		switch {
		case c >= 'a' && c <= 'z':
			k = 1
		case c >= '0' && c <= '9':
			k = 2
		case c == '&':
			flush(i)
			out = append(out, "and")
			continue
		}
		if k == 0 {
			flush(i)
			continue
		}
		if start >= 0 && k != kind {
			flush(i)
		}
		if start < 0 {
			start = i
		}
		kind = k
	}
	flush(len(s))
	return out
}

// joinSpaced joins runs of two or more one- or two-letter words, which is
// how names spaced out letter by letter come through some exports
// ("m e r c u r y" becomes "mercury").
func joinSpaced(ws []string) []string {
	out := ws[:0:0]
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && len(ws[j]) <= 2 && isLetters(ws[j]) {
			j++
		}
		if j-i >= 3 || (j-i == 2 && len(ws[i])+len(ws[i+1]) <= 3) {
			out = append(out, splitLegalSuffix(strings.Join(ws[i:j], ""))...)
			i = j
			continue
		}
		if j == i {
			j = i + 1
		}
		out = append(out, ws[i:j]...)
		i = j
	}
	return out
}

// spacedSuffixes are legal forms that end a name spaced out letter by
// letter ("a l e x t r i c o t s r l"), longest first.
var spacedSuffixes = []string{"sarl", "coltd", "ltd", "srl", "llc", "inc", "pvt", "ood", "doo", "sa", "co", "as"}

// splitLegalSuffix splits a legal form off the end of a joined word when
// enough is left to be a name.
func splitLegalSuffix(w string) []string {
	for _, s := range spacedSuffixes {
		if rest, ok := strings.CutSuffix(w, s); ok && len(rest) >= 4 {
			return []string{rest, s}
		}
	}
	return []string{w}
}

func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func isDigits(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// term is one normalised word with its weight in a comparison.
type term struct {
	text    string
	weight  float64
	hash    uint64 // termHash(text)
	letters uint32 // letterSet(text)
}

func newTerm(text string, weight float64) term {
	return term{text: text, weight: weight, hash: termHash(text), letters: letterSet(text)}
}

// nameParts is a normalised facility name.
type nameParts struct {
	terms   []term   // distinctive and generic words, legal forms removed
	numbers []string // unit numbers ("unit 3", "ii", "mxp8")
	compact string   // the words run together, for names split or joined differently
	key     string   // the words joined by spaces: equal keys are equal names
}

const (
	weightWord    = 1.0
	weightGeneric = 0.25
)

// normaliseName prepares a facility name for comparison.
func normaliseName(raw string) nameParts {
	ws := joinSpaced(words(fold(raw)))
	var p nameParts
	var compact, key strings.Builder
	for _, w := range ws {
		if d, ok := romanNumerals[w]; ok {
			w = d
		}
		if isDigits(w) {
			w = strings.TrimLeft(w, "0")
			if w == "" {
				w = "0"
			}
			p.numbers = append(p.numbers, w)
			compact.WriteString(w)
			continue
		}
		if legalForms[w] {
			continue
		}
		wt := weightWord
		if genericNameWords[w] || len(w) == 1 {
			wt = weightGeneric
		}
		p.terms = append(p.terms, newTerm(w, wt))
		compact.WriteString(w)
		if key.Len() > 0 {
			key.WriteByte(' ')
		}
		key.WriteString(w)
	}
	p.compact = compact.String()
	p.key = key.String()
	return p
}

// addressParts is a normalised address.
type addressParts struct {
	terms     []term
	numbers   []string // house, plot and kilometre numbers
	postcodes []string // numbers of five or six digits
	compact   string
}

// normaliseAddress prepares an address for comparison.
func normaliseAddress(raw string) addressParts {
	ws := words(fold(raw))
	var p addressParts
	var compact strings.Builder
	for _, w := range ws {
		if isDigits(w) {
			w = strings.TrimLeft(w, "0")
			if w == "" {
				continue
			}
			switch {
			case len(w) >= 5 && len(w) <= 6:
				if !containsStr(p.postcodes, w) {
					p.postcodes = append(p.postcodes, w)
				}
			case !containsStr(p.numbers, w):
				p.numbers = append(p.numbers, w)
			}
			compact.WriteString(w)
			continue
		}
		if e, ok := addressWords[w]; ok {
			w = e
			if w == "" {
				continue
			}
		}
		wt := weightWord
		if genericAddressWords[w] || len(w) <= 2 {
			wt = weightGeneric
		}
		p.terms = append(p.terms, newTerm(w, wt))
		compact.WriteString(w)
	}
	p.compact = compact.String()
	return p
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
