package screening

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-unidecode"
	"golang.org/x/text/unicode/norm"
)

// tokClass says how much a token can contribute to a match.
type tokClass uint8

const (
	classWord   tokClass = iota // a distinctive word of the name
	classLegal                  // a legal form ("co", "ltd", "gmbh"): weighted low, never matches alone
	classStop                   // a connective or article ("and", "de", "al"): weighted low
	classNumber                 // digits: must agree exactly
)

// token is one normalised word of a name.
type token struct {
	text  string
	class tokClass
	// arabic marks the consonant skeleton of a word written in Arabic
	// script (see arabic.go): it is compared with list words by their
	// skeletons, never as written.
	arabic bool
	// written is the word as the query wrote it, when text is not a
	// spelling of it (an Arabic skeleton), for explanations.
	written string
}

// MaxNameLength bounds the length in bytes of a name the screening engine
// accepts; longer names are rejected with an error rather than truncated.
const MaxNameLength = 1024

// scriptForms are legal forms and generic words written in non-Latin
// scripts, replaced before transliteration because their transliteration
// (for example "you xian gong si" for 有限公司) would otherwise count as
// distinctive words. The longest forms come first so they win.
var scriptForms = strings.NewReplacer(
	// Chinese (simplified and traditional)
	"股份有限公司", " jsc co ltd ",
	"有限责任公司", " llc ",
	"有限責任公司", " llc ",
	"有限公司", " co ltd ",
	"股份公司", " jsc ",
	"总公司", " co ",
	"總公司", " co ",
	"分公司", " branch ",
	"公司", " co ",
	"集团", " group ",
	"集團", " group ",
	"控股", " holding ",
	// Generic Chinese words of company names, translated the way the
	// English names on the lists render them (place and brand names are
	// transliterated instead).
	"有色金属", " nonferrous metals ",
	"新能源", " new energy ",
	"进出口", " import and export ",
	"進出口", " import and export ",
	"太阳能", " solar ",
	"电子", " electronics ",
	"電子", " electronics ",
	"科技", " technology ",
	"技术", " technology ",
	"技術", " technology ",
	"贸易", " trading ",
	"貿易", " trading ",
	"纺织", " textile ",
	"紡織", " textile ",
	"实业", " industry ",
	"實業", " industry ",
	"工业", " industry ",
	"工業", " industry ",
	"国际", " intl ",
	"國際", " intl ",
	"能源", " energy ",
	"材料", " materials ",
	"机械", " machinery ",
	"機械", " machinery ",
	"制造", " manufacturing ",
	"製造", " manufacturing ",
	"发展", " development ",
	"發展", " development ",
	"投资", " investment ",
	"投資", " investment ",
	"农业", " agricultural ",
	"農業", " agricultural ",
	"生物", " biotechnology ",
	"信息", " information ",
	"服装", " garment ",
	"服裝", " garment ",
	"服饰", " apparel ",
	"鞋业", " shoes ",
	"钢铁", " iron and steel ",
	"鋼鐵", " iron and steel ",
	"化工", " chemical ",
	"矿业", " mining ",
	"礦業", " mining ",
	"物流", " logistics ",
	"食品", " food ",
	"棉业", " cotton industry ",
	"棉業", " cotton industry ",
	"硅业", " silicon industry ",
	"矽業", " silicon industry ",
	"银行", " bank ",
	"銀行", " bank ",
	"航运", " shipping ",
	"航運", " shipping ",
	// Japanese and Korean
	"株式会社", " kk ",
	"有限会社", " yk ",
	"주식회사", " co ltd ",
	"유한회사", " llc ",
	"(주)", " co ltd ", // 주식회사 abbreviated, as most Korean firms write it
	"㈜", " co ltd ",
	// Thai ("บริษัท ... จำกัด (มหาชน)" is "... Public Co., Ltd.") and
	// Khmer ("ក្រុមហ៊ុន" company, "ឯ.ក" private limited).
	"บริษัท", " co ",
	"จำกัด", " ltd ",
	"มหาชน", " public ",
	"ห้างหุ้นส่วน", " partnership ",
	"ក្រុមហ៊ុន", " co ",
	"ឯ.ក", " ltd ",
	// Russian, Ukrainian, Belarusian (lower case: applied after lowering)
	"общество с ограниченной ответственностью", " ooo ",
	"публичное акционерное общество", " pao ",
	"закрытое акционерное общество", " zao ",
	"открытое акционерное общество", " oao ",
	"акционерное общество", " ao ",
	"товариство з обмеженою відповідальністю", " tov ",
	// The abbreviations (ООО, ЗАО, ОАО, ПАО, ТОВ) are not replaced here:
	// inside a word they are letters ("товар"), and as words they
	// transliterate to the legal-form tokens ooo, zao, oao, pao, tov.
)

// cyrillicLatin romanises Russian, Ukrainian and Belarusian letters the way
// the US and UK sanctions lists do (BGN/PCGN style: й = y, ю = yu, х = kh),
// where the generic transliteration would write "i" and "iu". Applied after
// lower-casing; other letters are left to the generic transliteration.
var cyrillicLatin = strings.NewReplacer(
	"а", "a", "б", "b", "в", "v", "г", "g", "д", "d", "е", "e", "ё", "yo", "ж", "zh", "з", "z", "и", "i",
	"й", "y", "к", "k", "л", "l", "м", "m", "н", "n", "о", "o", "п", "p", "р", "r", "с", "s", "т", "t",
	"у", "u", "ф", "f", "х", "kh", "ц", "ts", "ч", "ch", "ш", "sh", "щ", "shch", "ъ", "", "ы", "y", "ь", "",
	"э", "e", "ю", "yu", "я", "ya", "і", "i", "ї", "yi", "є", "ye", "ґ", "g", "ў", "u",
)

// wordForms maps single words (after transliteration and lower-casing) to a
// canonical spelling, so that abbreviations and full forms agree.
var wordForms = map[string]string{
	"company": "co", "compagnie": "co", "compania": "co", "companhia": "co", "cia": "co", "cie": "co",
	"limited": "ltd", "ltda": "ltd", "limitada": "ltd", "lda": "ltd",
	"corporation": "corp", "incorporated": "inc",
	"international": "intl", "internacional": "intl", "internationale": "intl", "international's": "intl",
	"and": "and", "und": "and", "et": "and",
	"brothers": "bros", "manufacturing": "mfg", "manufacture": "mfg",
	"industries": "industry", "industrial": "industry", "holdings": "holding",
	"enterprises": "enterprise", "technologies": "technology", "tech": "technology",
	"mohammed": "muhammad", "mohammad": "muhammad", "mohamed": "muhammad", "muhammed": "muhammad", "mohamad": "muhammad", "mohd": "muhammad", "muhamad": "muhammad",
	"ibn": "bin", "ben": "bin",
	"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
	"first": "1", "second": "2", "third": "3",
	// Russian words for company forms, as transliterated
	"kompaniia": "co", "kompaniya": "co", "kompani": "co", "kompanii": "co", "korporatsiia": "corp", "korporatsiya": "corp",
}

// legalPhrases are multi-word legal forms, written in canonical words (after
// wordForms), replaced by one legal token.
var legalPhrases = [][2][]string{
	{{"gesellschaft", "mit", "beschrankter", "haftung"}, {"gmbh"}},
	{{"ltd", "liability", "co"}, {"llc"}},
	{{"ltd", "liability", "partnership"}, {"llp"}},
	{{"public", "ltd", "co"}, {"plc"}},
	{{"public", "joint", "stock", "co"}, {"pjsc"}},
	{{"open", "joint", "stock", "co"}, {"ojsc"}},
	{{"closed", "joint", "stock", "co"}, {"cjsc"}},
	{{"joint", "stock", "co"}, {"jsc"}},
	{{"societe", "anonyme"}, {"sa"}},
	{{"sociedad", "anonima"}, {"sa"}},
	{{"societa", "per", "azioni"}, {"spa"}},
	{{"societe", "a", "responsabilite", "limitee"}, {"sarl"}},
	{{"sociedad", "de", "responsabilidad", "ltd"}, {"srl"}},
	{{"besloten", "vennootschap"}, {"bv"}},
	{{"naamloze", "vennootschap"}, {"nv"}},
	{{"kabushiki", "kaisha"}, {"kk"}},
	{{"kabushiki", "gaisha"}, {"kk"}},
	{{"obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"}, {"ooo"}},
	{{"obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"}, {"ooo"}},
	{{"aktsionernoe", "obshchestvo"}, {"ao"}},
	{{"aktsionernoye", "obshchestvo"}, {"ao"}},
	{{"sp", "z", "o", "o"}, {"spzoo"}},
	{{"spolka", "z", "ograniczona", "odpowiedzialnoscia"}, {"spzoo"}},
	{{"you", "xian", "gong", "si"}, {"co", "ltd"}},
	{{"youxian", "gongsi"}, {"co", "ltd"}},
	{{"gong", "si"}, {"co"}},
	{{"gongsi"}, {"co"}},
	{{"sendirian", "berhad"}, {"sdn", "bhd"}},
	{{"perseroan", "terbatas"}, {"pt"}},
	{{"private", "ltd"}, {"pvt", "ltd"}},
	{{"s", "a", "s"}, {"sas"}},
	{{"s", "a"}, {"sa"}},
	{{"s", "p", "a"}, {"spa"}},
	{{"c", "v"}, {"cv"}},
	{{"s", "de", "r", "l"}, {"srl"}},
	{{"l", "l", "c"}, {"llc"}},
}

// legalForms is the set of canonical legal-form tokens.
var legalForms = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`co ltd llc inc corp plc gmbh ag kg kgaa ohg sa sas sarl srl spa sl slu bv nv
		ooo zao oao pao ao tov pjsc ojsc cjsc jsc kk yk lp llp pte pvt bhd sdn tbk pt ab oy oyj asa aps spzoo sro
		doo dd ad ead eood kft zrt nyrt cv sab sapi pty ulc sae wll fze fzco fzc fzllc se scs sca eirl sac saa
		ltee inc llc lc pllc gk`) {
		m[w] = true
	}
	return m
}()

// stopWords are articles, prepositions and name particles that carry little
// identity.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`and of the for in on at to a an de del della der den des di du da do dos das
		la le les el los las van von y e al bin bint ul ud
		mr mrs ms dr prof haji hajji hadji alhaj alhajj hajj sheikh shaikh shaykh sheik cheikh mullah mulla maulvi mawlawi maulana mawlana`) {
		m[w] = true
	}
	return m
}()

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldScript brings s to lower-case ASCII: NFKC, lower case, script legal
// forms replaced, then transliteration of every non-ASCII rune (which also
// removes diacritics: "é" becomes "e", "ß" becomes "ss").
func foldScript(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	s = strings.ToValidUTF8(s, " ")
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	s = scriptForms.Replace(s)
	s = cyrillicLatin.Replace(s)
	if hasThai(s) {
		s = romaniseThai(s, &thaiStyles[0])
	}
	if hasKhmer(s) {
		s = romaniseKhmer(s, &khmerStyles[0])
	}
	// Marks (accents) left over after NFKC are dropped by unidecode.
	s = unidecode.Unidecode(s)
	return strings.ToLower(s)
}

// normaliseName turns a name into its tokens. It never fails: input that is
// not valid UTF-8 is repaired first; callers that must reject it check it.
func normaliseName(s string) []token {
	if !isASCII(s) && hasArabic(s) {
		return normaliseArabicName(s)
	}
	s = foldScript(s)
	raw := splitWords(s)
	toks := make([]token, 0, len(raw))
	for _, w := range raw {
		if c, ok := wordForms[w]; ok {
			w = c
		}
		toks = append(toks, token{text: w})
	}
	toks = replaceLegalPhrases(toks)
	for i := range toks {
		toks[i].class = classify(toks[i].text)
	}
	return toks
}

func classify(w string) tokClass {
	switch {
	case legalTableOf().forms[w]:
		return classLegal
	case stopWords[w]:
		return classStop
	case isDigits(w):
		return classNumber
	}
	return classWord
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

// splitWords splits lower-case ASCII text into words of letters and digits.
// Apostrophes vanish without splitting ("o'brien" is one word); "&" is the
// word "and"; single letters joined by dots without spaces ("s.a.",
// "l.l.c.", "i.b.m.") join into one word so abbreviations keep their shape.
func splitWords(s string) []string {
	var out []string
	start := -1 // index in out where the current dotted run of single letters began
	cur := make([]byte, 0, 16)
	for i := 0; i <= len(s); i++ {
		var c byte = ' '
		if i < len(s) {
			c = s[i]
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			cur = append(cur, c)
			continue
		}
		if c == '\'' || c == '`' {
			continue
		}
		if len(cur) > 0 {
			w := string(cur)
			cur = cur[:0]
			if len(w) == 1 && start >= 0 && start == len(out)-1 {
				out[start] += w
			} else {
				out = append(out, w)
				start = -1
			}
			if len(w) == 1 && c == '.' && (start < 0) {
				start = len(out) - 1
			}
			if c != '.' {
				start = -1
			}
		} else if c != '.' {
			start = -1
		}
		if c == '&' {
			out = append(out, "and")
		}
	}
	return out
}

func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func replaceLegalPhrases(toks []token) []token {
	lt := legalTableOf()
	starts := false
	for _, t := range toks {
		if _, ok := lt.start[t.text]; ok {
			starts = true
			break
		}
	}
	if !starts {
		return toks
	}
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); {
		matched := false
		for _, pi := range lt.start[toks[i].text] {
			ph := lt.phrases[pi]
			from := ph[0]
			if i+len(from) > len(toks) {
				continue
			}
			ok := true
			for j, w := range from {
				if toks[i+j].text != w {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			// "s a" inside a longer run of single letters is not "S.A.".
			for _, w := range ph[1] {
				out = append(out, token{text: w})
			}
			i += len(from)
			matched = true
			break
		}
		if !matched {
			out = append(out, toks[i])
			i++
		}
	}
	return out
}

// phoneticKey is a coarse sound key used to find spelling variants across
// transliteration systems ("Qadhafi", "Gaddafi", "Kadafi" share one key).
// Vowels, h, w and y vanish; consonants that transliterations swap share a
// letter; repeats collapse; a leading vowel is kept as 'a'.
func phoneticKey(w string) string {
	var b [32]byte
	n := 0
	var last byte
	for i := 0; i < len(w) && n < len(b); i++ {
		c := w[i]
		if c == 'd' && i+1 < len(w) && w[i+1] == 'z' {
			continue // "dzh" and "j" are one sound in transliterations
		}
		if c == 'z' && i+1 < len(w) && w[i+1] == 'h' {
			i++ // "zh" is one sound: its h must not split a doubled "dzhdzh" (= "jj")
		}
		if c == 'k' && i > 0 && i+1 < len(w) && w[i+1] == 'h' {
			continue // "kh" (Cyrillic х, Arabic خ) is written "h" as often
		}
		if c == 'x' && n < len(b)-1 && last != 'k' {
			b[n] = 'k'
			n++
			last = 'k'
		}
		var k byte
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'h', 'w':
			if i == 0 {
				k = 'a'
			} else {
				last = 0
				continue
			}
		case 'b', 'p':
			k = 'p'
		case 'c', 'k', 'q', 'g':
			k = 'k'
		case 'd', 't':
			k = 't'
		case 'f', 'v':
			k = 'f'
		case 'j', 'z', 's', 'x':
			k = 's'
		default:
			if c >= '0' && c <= '9' {
				return ""
			}
			k = c
		}
		if k == last {
			continue
		}
		b[n] = k
		n++
		last = k
	}
	return string(b[:n])
}

// validName checks a name from outside input: valid UTF-8, not empty after
// normalisation, not absurdly long. The error message says what is wrong.
func validName(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "name is not valid UTF-8"
	case len(s) > MaxNameLength:
		return "name is longer than " + itoa(MaxNameLength) + " bytes"
	case strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) == "":
		return "name is empty"
	}
	return ""
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
