package screening

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Hangul syllables are romanised algorithmically (each syllable block is
// an initial, a vowel and an optional final consonant, by Unicode's
// arithmetic) in the three systems Korean names reach the lists in:
// Revised Romanisation (South Korea since 2000: "Gim Jeong-eun"),
// McCune-Reischauer without its diacritics ("Kim Chong-un"), and the
// variant North Korea publishes and the UN and OFAC lists use for its
// citizens ("Kim Jong Un", "Pak Pong Ju", "Ri Yong Ho"). Family names also
// have conventional spellings outside any system (Lee, Park, Choi).

// hangulSystem is one romanisation: the letters of the 19 initials, the
// 21 vowels and the 28 finals (the first: none).
type hangulSystem struct {
	name     string
	initials [19]string
	vowels   [21]string
	finals   [28]string
}

var hangulFinals = [28]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}

var hangulSystems = []hangulSystem{
	{
		name:     "Revised Romanisation",
		initials: [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"},
		vowels:   [21]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"},
		finals:   hangulFinals,
	},
	{
		name:     "McCune-Reischauer",
		initials: [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t", "p", "h"},
		vowels:   [21]string{"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"},
		finals:   hangulFinals,
	},
	{
		name:     "North Korean romanisation",
		initials: [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"},
		vowels:   [21]string{"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"},
		finals:   hangulFinals,
	},
}

// hangulSurnames are the conventional spellings of common family names,
// used beside the systematic ones.
var hangulSurnames = map[string][]string{
	"김": {"kim", "gim"}, "이": {"lee", "yi", "rhee", "ri", "i"}, "리": {"ri", "lee"}, "박": {"park", "pak", "bak"},
	"최": {"choi", "choe"}, "정": {"jung", "chung", "jeong", "jong"}, "강": {"kang", "gang"}, "조": {"cho", "jo"},
	"윤": {"yoon", "yun"}, "장": {"jang", "chang"}, "임": {"lim", "im", "rim"}, "림": {"rim", "lim"}, "한": {"han"},
	"오": {"oh", "o"}, "서": {"seo", "suh", "so"}, "신": {"shin", "sin"}, "권": {"kwon", "gwon"}, "황": {"hwang"},
	"안": {"ahn", "an"}, "송": {"song"}, "류": {"ryu", "yoo", "yu"}, "유": {"yoo", "yu"}, "홍": {"hong"},
	"전": {"jeon", "jun", "chon"}, "고": {"ko", "go"}, "문": {"moon", "mun"}, "양": {"yang"}, "손": {"son", "sohn"},
	"배": {"bae", "pae"}, "백": {"baek", "paek"}, "허": {"heo", "hur", "ho"}, "남": {"nam"}, "노": {"noh", "roh", "no"},
	"로": {"ro", "roh"}, "하": {"ha"}, "곽": {"kwak"}, "성": {"sung", "seong"}, "차": {"cha"}, "주": {"joo", "ju", "chu"},
	"우": {"woo", "u"}, "구": {"koo", "ku", "gu"}, "민": {"min"}, "진": {"jin", "chin"}, "지": {"ji", "chi"}, "엄": {"um", "eom"},
	"채": {"chae"}, "원": {"won"}, "천": {"chun", "cheon"}, "방": {"bang", "pang"}, "공": {"kong", "gong"}, "현": {"hyun", "hyon"},
	"함": {"ham"}, "변": {"byun", "pyon"}, "염": {"yeom", "yom"}, "여": {"yeo", "yo"}, "추": {"choo", "chu"}, "도": {"do", "to"},
	"소": {"so"}, "석": {"seok", "sok"}, "선": {"sun", "seon"}, "설": {"seol", "sol"}, "마": {"ma"}, "길": {"gil", "kil"},
	"연": {"yeon", "yon"}, "위": {"wi"}, "표": {"pyo"}, "명": {"myung", "myong"}, "기": {"ki", "gi"}, "반": {"ban", "pan"},
	"왕": {"wang"}, "금": {"keum", "kum"}, "옥": {"ok"}, "육": {"yook", "yuk"}, "인": {"in"}, "맹": {"maeng"}, "제": {"je", "che"},
	"탁": {"tak", "thak"}, "국": {"kook", "kuk"}, "어": {"eo", "o"}, "은": {"eun", "un"}, "편": {"pyun", "phyon"}, "용": {"yong"},
}

func isHangulSyllable(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// hasHangul reports whether s holds a Hangul syllable.
func hasHangul(s string) bool {
	for _, r := range s {
		if isHangulSyllable(r) {
			return true
		}
	}
	return false
}

// romaniseHangul writes the Hangul syllables of s in one system, each
// syllable a word ("김정은" becomes "kim jong un"), and other text as it
// is. surname, when not empty, replaces the first syllable of a name of
// two to four syllables.
func romaniseHangul(s string, sys *hangulSystem, surname string) string {
	var b strings.Builder
	word := 0 // syllables so far in the current run
	runLen := func(rs []rune, i int) int {
		n := 0
		for i+n < len(rs) && isHangulSyllable(rs[i+n]) {
			n++
		}
		return n
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if !isHangulSyllable(r) {
			word = 0
			b.WriteRune(r)
			continue
		}
		if word == 0 && surname != "" && i == firstHangul(rs) {
			if n := runLen(rs, i); n >= 2 && n <= 4 {
				b.WriteString(" " + surname + " ")
				word++
				continue
			}
		}
		c := int(r - 0xAC00)
		b.WriteString(" " + sys.initials[c/588] + sys.vowels[(c%588)/28] + sys.finals[c%28] + " ")
		word++
	}
	return b.String()
}

func firstHangul(rs []rune) int {
	for i, r := range rs {
		if isHangulSyllable(r) {
			return i
		}
	}
	return -1
}

// nameReading is one way of reading a name written in a script the lists
// do not use, and how it was read.
type nameReading struct {
	text, how string
}

// readings returns the romanisations a query is searched under: for
// Hangul each system and the conventional spellings of its family name,
// for Thai and Khmer each style (thai.go, khmer.go). Other names have none
// (they are searched as written).
func readings(name string) []nameReading {
	switch {
	case isASCII(name):
		return nil
	case hasHangul(name):
		return hangulReadings(name)
	case hasThai(name):
		return styleReadings(name, len(thaiStyles), func(s string, i int) (string, string) {
			return romaniseThai(s, &thaiStyles[i]), thaiStyles[i].name
		})
	case hasKhmer(name):
		return styleReadings(name, len(khmerStyles), func(s string, i int) (string, string) {
			return romaniseKhmer(s, &khmerStyles[i]), khmerStyles[i].name
		})
	}
	return nil
}

// styleReadings writes name in each of n styles, dropping repeats.
func styleReadings(name string, n int, write func(s string, i int) (text, how string)) []nameReading {
	s := strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(name, " ")))
	s = scriptForms.Replace(s)
	var out []nameReading
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		text, how := write(s, i)
		key := strings.Join(strings.Fields(text), " ")
		if key != "" && !seen[key] {
			seen[key] = true
			out = append(out, nameReading{text: key, how: how})
		}
	}
	return out
}

// hangulReadings returns the readings of a name in Hangul.
func hangulReadings(name string) []nameReading {
	s := strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(name, " ")))
	s = scriptForms.Replace(s)
	var out []nameReading
	seen := map[string]bool{}
	add := func(text, how string) {
		key := strings.Join(strings.Fields(text), " ")
		if !seen[key] {
			seen[key] = true
			out = append(out, nameReading{text: key, how: how})
		}
	}
	rs := []rune(s)
	fh := firstHangul(rs)
	// Family-name spellings apply to a person's name: Hangul only, two to
	// four syllables, no legal form.
	var surnames []string
	if fh == 0 && len(strings.TrimSpace(s)) == len(s) && runLen(rs) == len(rs) && len(rs) >= 2 && len(rs) <= 4 {
		surnames = hangulSurnames[string(rs[0])]
	}
	for i := range hangulSystems {
		sys := &hangulSystems[i]
		add(romaniseHangul(s, sys, ""), sys.name)
		for _, sn := range surnames {
			add(romaniseHangul(s, sys, sn), sys.name+", family name as "+sn)
		}
	}
	return out
}

// runLen is the number of Hangul syllables at the start of rs.
func runLen(rs []rune) int {
	n := 0
	for n < len(rs) && isHangulSyllable(rs[n]) {
		n++
	}
	return n
}

// Korean names on lists and passports are seldom in one system: each
// syllable of a given name is spelt the way its bearer chose, after
// conventions no system states ("Kyung" for 경, RR "gyeong"; "Hee" for
// 희, RR "hui"; "Soo" for 수; "Byoung" for 병), given names are written
// apart, hyphenated or joined ("Seung-joo", "Seungjoo"), and family names
// too ("Cheong", "Choung" for 정). Those spellings follow from the
// syllable's letters: each initial, vowel and final has the few Latin
// spellings writers use, and a syllable's spellings are their
// combinations. Only spellings some list name uses are searched, as for
// Japanese readings: a name read from a syllabic script matches word for
// word, so no other spelling could match.

// hangulInitialSpellings, hangulVowelSpellings and hangulFinalSpellings
// are the spellings of each initial, vowel and final in use.
var (
	hangulInitialSpellings = [19][]string{{"g", "k"}, {"kk", "gg", "k"}, {"n"}, {"d", "t"}, {"tt", "dd"}, {"r", "l"}, {"m"}, {"b", "p"}, {"pp", "bb"},
		{"s", "sh"}, {"ss", "s"}, {""}, {"j", "ch"}, {"jj", "tch"}, {"ch"}, {"k", "kh"}, {"t", "th"}, {"p", "ph"}, {"h"}}
	hangulVowelSpellings = [21][]string{{"a"}, {"ae", "ai"}, {"ya"}, {"yae"}, {"eo", "o", "u", "ou"}, {"e"}, {"yeo", "yo", "yu", "you"}, {"ye"},
		{"o", "oh"}, {"wa"}, {"wae"}, {"oe", "oi", "we"}, {"yo"}, {"u", "oo", "ou"}, {"wo", "weo"}, {"we"}, {"wi"}, {"yu", "yoo", "you"},
		{"eu", "u"}, {"ui", "ee", "eui", "i"}, {"i", "ee"}}
	hangulFinalSpellings = [28][]string{{""}, {"k", "g"}, {"k"}, {"k"}, {"n"}, {"n"}, {"n"}, {"t", "d"}, {"l", "r", "ll"}, {"k"}, {"m"},
		{"l"}, {"l"}, {"l"}, {"p"}, {"l"}, {"m"}, {"p", "b"}, {"p"}, {"t", "s"}, {"t"}, {"ng"}, {"t", "j"}, {"t"}, {"k"}, {"t"}, {"p"}, {"t"}}
)

// hangulSyllableSpellings returns the spellings of one Hangul syllable.
func hangulSyllableSpellings(r rune) []string {
	c := int(r - 0xAC00)
	ini, vow, fin := c/588, (c%588)/28, c%28
	vowels := hangulVowelSpellings[vow]
	if ini == 11 && vow == 13 { // 우 is also written "woo"
		vowels = append([]string{"woo"}, vowels...)
	}
	var out []string
	for _, i := range hangulInitialSpellings[ini] {
		for _, v := range vowels {
			for _, f := range hangulFinalSpellings[fin] {
				out = append(out, i+v+f)
			}
		}
	}
	return out
}

// maxHangulSpellings bounds the spellings one Korean name is searched
// under.
const maxHangulSpellings = 64

// hangulSpellingReadings returns the spellings of a Korean personal name
// (two to four Hangul syllables, family name first) whose every word some
// list name uses: the family name, then the given name syllable by
// syllable or joined.
func (ix *Index) hangulSpellingReadings(name string) []nameReading {
	s := strings.TrimSpace(norm.NFKC.String(strings.ToValidUTF8(name, " ")))
	rs := []rune(strings.ReplaceAll(s, " ", ""))
	if len(rs) < 2 || len(rs) > 4 || runLen(rs) != len(rs) {
		return nil
	}
	inVocab := func(w string) bool {
		id, ok := ix.vocab[w]
		return ok && ix.terms[id].class == classWord
	}
	var family []string
	seen := map[string]bool{}
	for _, f := range append(hangulSurnames[string(rs[0])], hangulSyllableSpellings(rs[0])...) {
		// A family name may be a connective elsewhere ("An", "In", "O").
		if id, ok := ix.vocab[f]; ok && !seen[f] && (ix.terms[id].class == classWord || ix.terms[id].class == classStop) {
			seen[f] = true
			family = append(family, f)
		}
	}
	if len(family) == 0 {
		return nil
	}
	// The given name syllable by syllable, each spelt as some list word,
	// and joined into one word as some list word.
	given := [][]string{{""}}
	for _, r := range rs[1:] {
		var next [][]string
		for _, g := range given {
			for _, sp := range hangulSyllableSpellings(r) {
				if inVocab(sp) {
					next = append(next, append(append([]string(nil), g...), sp))
				}
			}
		}
		given = next
	}
	var givens []string
	for _, g := range given {
		givens = append(givens, strings.TrimSpace(strings.Join(g, " ")))
	}
	joined := []string{""}
	for _, r := range rs[1:] {
		var next []string
		for _, j := range joined {
			for _, sp := range hangulSyllableSpellings(r) {
				next = append(next, j+sp)
			}
		}
		joined = next
	}
	for _, j := range joined {
		if inVocab(j) {
			givens = append(givens, j)
		}
	}
	var out []nameReading
	done := map[string]bool{}
	for _, f := range family {
		for _, g := range givens {
			text := f + " " + g
			if done[text] || len(out) >= maxHangulSpellings {
				continue
			}
			done[text] = true
			out = append(out, nameReading{text: text, how: "spellings of Korean names found on the list"})
		}
	}
	return out
}
