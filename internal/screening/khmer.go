package screening

import "strings"

// Khmer names are romanised on the lists roughly in the UNGEGN system
// (the BGN/PCGN 1972 system the UN adopted for Cambodia: "Pol Pot", "Hun
// Sen", "Pheap", "Chea"); libraries use ALA-LC, a letter-for-letter
// transliteration ("Hun Saen"). Khmer consonants come in two series whose
// inherent and written vowels are pronounced differently (ពត is "pot",
// បត would be "bat"): UNGEGN writes the sound, so each vowel has a value
// per series, and the marks ៉ and ៊ move a consonant to the other series.
// Clusters are written with the subscript sign ្ (coeng). Each syllable
// is written as a word, as the lists write Khmer names ("Hing Bun
// Hieng"); the search joins adjacent words where a list writes them
// together.

// khmerStyle is one way of writing Khmer in Latin letters.
type khmerStyle struct {
	name string
	// alalc writes ALA-LC's letter values (series-independent).
	alalc bool
	// common writes the vowels as Cambodian passports mostly do: ុ as u,
	// ែ as e, ី as i (ey after an a-series letter), ូ as ou, ឹ as e, ោ as
	// o, ឿ as eu ("Kun", "Sen", "Kim", "Srey", "Ouch", "Kem", "Thong",
	// "Heun"), a letter doubled by its aspirate once ("Bopha",
	// "Lakhena"), and a cluster ending the word as the final of the
	// syllable before it ("Rith", "Pech", "Vann").
	common bool
}

var khmerStyles = []khmerStyle{
	{name: "UNGEGN"},
	{name: "Khmer passport spelling", common: true},
	{name: "ALA-LC", alalc: true},
}

// khmerConsonant is a consonant's series (1: a-series, 2: o-series) and
// its values: UNGEGN initial, UNGEGN final, ALA-LC (without diacritics).
type khmerConsonant struct {
	series                int
	initial, final, alalc string
}

var khmerConsonants = map[rune]khmerConsonant{
	'ក': {1, "k", "k", "k"}, 'ខ': {1, "kh", "k", "kh"}, 'គ': {2, "k", "k", "g"}, 'ឃ': {2, "kh", "k", "gh"}, 'ង': {2, "ng", "ng", "ng"},
	'ច': {1, "ch", "ch", "c"}, 'ឆ': {1, "chh", "ch", "ch"}, 'ជ': {2, "ch", "ch", "j"}, 'ឈ': {2, "chh", "ch", "jh"}, 'ញ': {2, "nh", "nh", "n"},
	'ដ': {1, "d", "t", "d"}, 'ឋ': {1, "th", "t", "th"}, 'ឌ': {2, "d", "t", "d"}, 'ឍ': {2, "th", "t", "dh"}, 'ណ': {1, "n", "n", "n"},
	'ត': {1, "t", "t", "t"}, 'ថ': {1, "th", "t", "th"}, 'ទ': {2, "t", "t", "d"}, 'ធ': {2, "th", "t", "dh"}, 'ន': {2, "n", "n", "n"},
	'ប': {1, "b", "p", "b"}, 'ផ': {1, "ph", "p", "ph"}, 'ព': {2, "p", "p", "b"}, 'ភ': {2, "ph", "p", "bh"}, 'ម': {2, "m", "m", "m"},
	'យ': {2, "y", "y", "y"}, 'រ': {2, "r", "r", "r"}, 'ល': {2, "l", "l", "l"}, 'វ': {2, "v", "v", "v"},
	'ឝ': {1, "s", "s", "s"}, 'ឞ': {1, "s", "s", "s"}, 'ស': {1, "s", "s", "s"}, 'ហ': {1, "h", "h", "h"}, 'ឡ': {1, "l", "l", "l"},
	'អ': {1, "", "", ""},
}

// khmerVowel is a dependent vowel's UNGEGN value after an a-series and
// an o-series consonant, and its ALA-LC value.
type khmerVowel struct{ a, o, alalc string }

var khmerVowels = map[rune]khmerVowel{
	'ា': {"a", "ea", "a"}, 'ិ': {"e", "i", "i"}, 'ី': {"ei", "i", "i"}, 'ឹ': {"oe", "eu", "y"}, 'ឺ': {"oeu", "eu", "y"},
	'ុ': {"o", "u", "u"}, 'ូ': {"ou", "u", "u"}, 'ួ': {"uo", "uo", "ua"}, 'ើ': {"aeu", "eu", "oe"}, 'ឿ': {"oea", "oea", "ya"},
	'ៀ': {"ie", "ie", "ia"}, 'េ': {"e", "e", "e"}, 'ែ': {"ae", "ae", "ae"}, 'ៃ': {"ai", "ey", "ai"}, 'ោ': {"ao", "o", "o"},
	'ៅ': {"au", "ov", "au"},
}

// khmerIndependent are the independent vowels (a syllable of their own).
var khmerIndependent = map[rune]string{
	'ឥ': "e", 'ឦ': "ei", 'ឧ': "o", 'ឨ': "ok", 'ឩ': "ou", 'ឪ': "ov", 'ឫ': "rue", 'ឬ': "rueu", 'ឭ': "lue", 'ឮ': "lueu",
	'ឯ': "ae", 'ឰ': "ai", 'ឱ': "ao", 'ឲ': "ao", 'ឳ': "au", 'ឣ': "a", 'ឤ': "a",
}

const khmerCoeng = '្'

// khmerAspirate maps an unaspirated consonant to its aspirated partner of
// the same series: in Pali and Sanskrit names the pair is written as a
// cluster (ប្ផ, ក្ខ, ទ្ធ) and spoken, and commonly written, as the
// aspirate alone.
var khmerAspirate = map[rune]rune{'ក': 'ខ', 'គ': 'ឃ', 'ច': 'ឆ', 'ជ': 'ឈ', 'ដ': 'ឋ', 'ឌ': 'ឍ', 'ត': 'ថ', 'ទ': 'ធ', 'ប': 'ផ', 'ព': 'ភ'}

func isKhmerConsonant(r rune) bool {
	_, ok := khmerConsonants[r]
	return ok
}

func isKhmerRune(r rune) bool { return r >= 0x1780 && r <= 0x17FF }

// hasKhmer reports whether s holds a Khmer letter.
func hasKhmer(s string) bool {
	for _, r := range s {
		if r >= 0x1780 && r <= 0x17D3 {
			return true
		}
	}
	return false
}

// khmerSonorants may follow a consonant in an initial cluster without
// changing its series.
const khmerSonorants = "ងញនមយរលវ"

// romaniseKhmer writes every run of Khmer letters in s in style st, each
// syllable a word, and leaves other text as it is.
func romaniseKhmer(s string, st *khmerStyle) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isKhmerRune(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isKhmerRune(rs[j]) {
			j++
		}
		b.WriteString(" " + strings.Join(khmerWordSyllables(rs[i:j], st), " ") + " ")
		i = j
	}
	return b.String()
}

// khmerFinalCluster returns the end of rs when the letters from i are a
// consonant, a subscript consonant and at most a short ិ or ុ ending the
// word, and 0 otherwise.
func khmerFinalCluster(rs []rune, i int) int {
	if i+2 >= len(rs) || !isKhmerConsonant(rs[i]) || rs[i+1] != khmerCoeng || !isKhmerConsonant(rs[i+2]) {
		return 0
	}
	switch rest := rs[i+3:]; {
	case len(rest) == 0:
	case len(rest) == 1 && (rest[0] == 'ិ' || rest[0] == 'ុ'):
	default:
		return 0
	}
	return len(rs)
}

// khmerWordSyllables romanises one Khmer word (a run without spaces),
// syllable by syllable.
func khmerWordSyllables(in []rune, st *khmerStyle) []string {
	// Letters marked silent (៍ over the last one, as in foreign
	// loans) are dropped with their mark.
	var rs []rune
	for _, r := range in {
		if r == '៍' || r == '៎' {
			if n := len(rs); n > 0 && isKhmerConsonant(rs[n-1]) {
				rs = rs[:n-1]
			}
			continue
		}
		rs = append(rs, r)
	}
	at := func(k int) rune {
		if k >= 0 && k < len(rs) {
			return rs[k]
		}
		return 0
	}
	// opensNext reports whether the consonant at k opens a syllable: a
	// vowel, a series mark or a subscript follows it.
	opensNext := func(k int) bool {
		n := at(k + 1)
		_, v := khmerVowels[n]
		return v || n == khmerCoeng || n == '៉' || n == '៊' || n == 'ំ' || n == 'ះ' || n == 'ៈ'
	}
	var out []string
	for i := 0; i < len(rs); {
		r := rs[i]
		if v, ok := khmerIndependent[r]; ok {
			out = append(out, v)
			i++
			continue
		}
		if r >= '០' && r <= '៩' {
			out = append(out, string('0'+(r-'០')))
			i++
			continue
		}
		c, ok := khmerConsonants[r]
		if !ok {
			i++
			continue
		}
		var b strings.Builder
		series := c.series
		write := func(k khmerConsonant) {
			if st.alalc {
				b.WriteString(k.alalc)
			} else {
				b.WriteString(k.initial)
			}
		}
		if !(st.common && at(i+1) == khmerCoeng && khmerAspirate[r] == at(i+2) && at(i+2) != 0) {
			write(c)
		}
		i++
		for at(i) == khmerCoeng && isKhmerConsonant(at(i+1)) {
			sub := khmerConsonants[at(i+1)]
			if sub.series == 2 && !strings.ContainsRune(khmerSonorants, at(i+1)) {
				series = 2
			}
			if at(i+1) == 'ដ' { // subscript ដ is written like ត and read t
				sub = khmerConsonants['ត']
			}
			write(sub)
			i += 2
		}
		switch at(i) {
		case '៉':
			series = 1
			if r == 'ប' {
				// ប with ៉ is p, not b.
				s := b.String()
				b.Reset()
				b.WriteString("p" + strings.TrimPrefix(s, "b"))
			}
			i++
		case '៊':
			series = 2
			i++
		}
		vowel, closable := "", true
		if v, ok := khmerVowels[at(i)]; ok {
			vowel = v.a
			if series == 2 {
				vowel = v.o
			}
			if st.alalc {
				vowel = v.alalc
			}
			if st.common {
				switch at(i) {
				case 'ុ':
					vowel = "u"
				case 'ែ':
					vowel = "e"
				case 'ី':
					vowel = map[bool]string{true: "ey", false: "i"}[series == 1]
				case 'ូ':
					vowel = "ou"
				case 'ឹ':
					vowel = "e"
				case 'ោ':
					vowel = "o"
				case 'ឿ':
					vowel = "eu"
				}
			}
			i++
			switch at(i) {
			case 'ំ':
				vowel = map[bool]string{true: "om", false: "um"}[series == 1 && at(i-1) == 'ុ']
				if at(i-1) == 'ា' {
					vowel = map[bool]string{true: "am", false: "oam"}[series == 1]
				}
				if st.alalc {
					vowel = khmerVowels[at(i-1)].alalc + "m"
				}
				closable = false
				i++
			case 'ះ':
				vowel += "h"
				closable = false
				i++
			}
		} else {
			// The inherent vowel.
			switch {
			case st.alalc:
				vowel = "a"
			case series == 1:
				vowel = "a"
			default:
				vowel = "o"
			}
			switch at(i) {
			case 'ំ':
				vowel = map[bool]string{true: "am", false: "um"}[series == 1 || st.alalc]
				closable = false
				i++
			case 'ះ':
				vowel = map[bool]string{true: "ah", false: "eah"}[series == 1 || st.alalc]
				closable = false
				i++
			case 'ៈ':
				closable = false
				i++
			}
		}
		b.WriteString(vowel)
		// A nasal or a doubled letter before a subscript closes this
		// syllable as the subscript opens the next ("ចន្ទ", "នរោត្តម").
		geminate := at(i+1) == khmerCoeng && at(i+2) != 0 && (strings.ContainsRune("ងញណនមល", at(i)) || at(i+2) == at(i))
		if end := khmerFinalCluster(rs, i); st.common && closable && end > i {
			// A cluster ending the word (with a short vowel that is
			// not spoken) closes this syllable: រិទ្ធ is "rith",
			// ពេជ្រ "pech", សិទ្ធិ "seth".
			f := khmerConsonants[rs[i]]
			if khmerAspirate[rs[i]] == rs[i+2] {
				f = khmerConsonants[rs[i+2]]
			}
			b.WriteString(f.initial)
			if rs[i] == rs[i+2] {
				b.WriteString(f.initial) // a doubled letter is written twice: វណ្ណ "Vann"
			}
			out = append(out, b.String())
			i = end
			continue
		}
		if closable && isKhmerConsonant(at(i)) && (!opensNext(i) || geminate) {
			f := khmerConsonants[at(i)]
			if st.alalc {
				b.WriteString(f.alalc)
			} else {
				b.WriteString(f.final)
			}
			i++
			if at(i) == khmerCoeng && isKhmerConsonant(at(i+1)) && at(i+2) == 0 {
				i += 2 // a subscript closing the word is not pronounced ("ចន្ទ")
			}
		}
		for at(i) == '់' || at(i) == '៌' || at(i) == '៏' || at(i) == '័' {
			if at(i) == '៌' && !st.alalc {
				b.WriteString("r")
			}
			i++
		}
		out = append(out, b.String())
	}
	// Passports end a word in y where it ends in i ("Try", "Sophary").
	if n := len(out); st.common && n > 0 && strings.HasSuffix(out[n-1], "i") {
		out[n-1] = strings.TrimSuffix(out[n-1], "i") + "y"
	}
	return out
}
