package screening

import "strings"

// Thai names reach the lists romanised, either in the Royal Thai General
// System of Transcription (RTGS: the Royal Institute's "Principles of
// Romanization for Thai Script by Transcription Method", 1999/2000, also
// the BGN/PCGN and UNGEGN system for Thailand) or in the spelling the
// bearer chose for a passport, which keeps the letters of the Thai
// spelling where RTGS writes the sound ("Porn" where RTGS writes "phon",
// "Kasem" where it writes "kasem" but "Pichayos" where it writes
// "phichayot"). Thai script writes no vowel for many syllables and puts
// some vowels before the consonant they follow in speech, so a word is
// split into syllables (onset cluster, vowel, final consonant) and each
// part is written in the chosen style.
//
// The letter values are RTGS's tables: initial and final consonant
// classes, vowels and diphthongs. What RTGS leaves to a dictionary (a
// consonant read both as a final and as the next initial, "Chinnawat";
// irregular words) is not guessed.

// thaiStyle is one way of writing Thai names in Latin letters.
type thaiStyle struct {
	name string
	// personal selects the spellings of names on passports: final
	// consonants by their letter (s, l, rn, j, d, b), จ as j, ู as oo.
	personal bool
	// vee writes ว as v, ี as ee, ู as oo, the aspirated ph, th and kh
	// as p, t and k, and a final ช as j, as many names do ("Varee",
	// "Pongsapat", "Teeradej").
	vee bool
}

var thaiStyles = []thaiStyle{
	{name: "RTGS"},
	{name: "Thai personal-name spelling", personal: true},
	{name: "Thai personal-name spelling (v, ee, oo, p, t, k)", personal: true, vee: true},
}

// thaiConsonant is an RTGS initial and final value.
type thaiConsonant struct{ initial, final string }

var thaiConsonants = map[rune]thaiConsonant{
	'ก': {"k", "k"}, 'ข': {"kh", "k"}, 'ฃ': {"kh", "k"}, 'ค': {"kh", "k"}, 'ฅ': {"kh", "k"}, 'ฆ': {"kh", "k"},
	'ง': {"ng", "ng"}, 'จ': {"ch", "t"}, 'ฉ': {"ch", "t"}, 'ช': {"ch", "t"}, 'ซ': {"s", "t"}, 'ฌ': {"ch", "t"},
	'ญ': {"y", "n"}, 'ฎ': {"d", "t"}, 'ฏ': {"t", "t"}, 'ฐ': {"th", "t"}, 'ฑ': {"th", "t"}, 'ฒ': {"th", "t"},
	'ณ': {"n", "n"}, 'ด': {"d", "t"}, 'ต': {"t", "t"}, 'ถ': {"th", "t"}, 'ท': {"th", "t"}, 'ธ': {"th", "t"},
	'น': {"n", "n"}, 'บ': {"b", "p"}, 'ป': {"p", "p"}, 'ผ': {"ph", "p"}, 'ฝ': {"f", "p"}, 'พ': {"ph", "p"},
	'ฟ': {"f", "p"}, 'ภ': {"ph", "p"}, 'ม': {"m", "m"}, 'ย': {"y", "i"}, 'ร': {"r", "n"}, 'ล': {"l", "n"},
	'ว': {"w", "o"}, 'ศ': {"s", "t"}, 'ษ': {"s", "t"}, 'ส': {"s", "t"}, 'ห': {"h", ""}, 'ฬ': {"l", "n"},
	'อ': {"", ""}, 'ฮ': {"h", ""},
}

// thaiPersonalFinals are final consonants as passports spell them: by the
// letter, where RTGS writes the sound.
var thaiPersonalFinals = map[rune]string{
	'จ': "j", 'ช': "ch", 'ซ': "s", 'ด': "d", 'บ': "b", 'พ': "b", 'ภ': "b", 'ล': "l", 'ฬ': "l",
	'ศ': "s", 'ษ': "s", 'ส': "s", 'ญ': "n", 'ณ': "n",
}

func isThaiConsonant(r rune) bool {
	_, ok := thaiConsonants[r]
	return ok
}

// isThaiFollowing reports a vowel sign written after (above, below) its
// consonant.
func isThaiFollowing(r rune) bool {
	switch r {
	case 'ะ', 'ั', 'า', 'ำ', 'ิ', 'ี', 'ึ', 'ื', 'ุ', 'ู', '็':
		return true
	}
	return false
}

func isThaiLeading(r rune) bool { return r >= 'เ' && r <= 'ไ' }

func isThaiRune(r rune) bool { return r >= 0x0E01 && r <= 0x0E5B }

// hasThai reports whether s holds a Thai letter.
func hasThai(s string) bool {
	for _, r := range s {
		if r >= 0x0E01 && r <= 0x0E4E {
			return true
		}
	}
	return false
}

// thaiSyllable is one syllable: its onset (already written), vowel
// (already written, including a final ย or ว it absorbs) and final
// consonant letter (0 when none).
type thaiSyllable struct {
	onset  []rune
	vowel  string
	final  rune
	silent bool // a final ร dropped after another final ("บัตร")
}

// romaniseThai writes every run of Thai letters in s in style st and
// leaves other text as it is. Words stay words: Thai writes a space
// between given name and family name, and the lists write each as one
// word ("Chaiworasin").
func romaniseThai(s string, st *thaiStyle) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isThaiRune(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isThaiRune(rs[j]) {
			j++
		}
		b.WriteString(" " + romaniseThaiWord(rs[i:j], st) + " ")
		i = j
	}
	return b.String()
}

// cleanThaiWord drops tone marks and letters marked silent (the letter
// under ์, with a vowel between them, "ศักดิ์" = sak; and a second final
// before it, "จันทร์" = chan) and repeats the word before ๆ.
func cleanThaiWord(in []rune) []rune {
	var rs []rune
	for _, r := range in {
		switch {
		case r >= '่' && r <= '๋', r == 'ํ', r == '๎', r == 'ฺ', r == 'ฯ':
			continue
		case r == '์':
			k := len(rs) - 1
			if k >= 0 && (rs[k] == 'ิ' || rs[k] == 'ุ') {
				k--
			}
			if k >= 0 && isThaiConsonant(rs[k]) {
				// A consonant cluster after a final: both are silent
				// ("จันทร์"), but not the second ร of รร ("สรรค์"), and
				// only a cluster (its second letter ร, ล or ว): in
				// "กิตติพงษ์" and "ภิรมย์" the letter before the silent
				// one ends a syllable of its own (phong, rom).
				if k >= 3 && isThaiConsonant(rs[k-1]) && isThaiConsonant(rs[k-2]) && isThaiFollowing(rs[k-3]) && rs[k-1] != 'ร' &&
					(rs[k] == 'ร' || rs[k] == 'ล' || rs[k] == 'ว') {
					k--
				}
				rs = rs[:k]
			}
			continue
		case r == 'ๆ':
			rs = append(rs, rs...)
			continue
		}
		rs = append(rs, r)
	}
	return rs
}

// thaiOnset reads the initial consonant cluster at rs[i]: the letters
// pronounced, and where the vowel begins.
func thaiOnset(rs []rune, i int, afterLead bool) ([]rune, int) {
	c1 := rs[i]
	i++
	at := func(k int) rune {
		if k < len(rs) {
			return rs[k]
		}
		return 0
	}
	// ห and อ before a sonorant only mark its tone.
	if (c1 == 'ห' && strings.ContainsRune("งญนมยรลว", at(i))) || (c1 == 'อ' && at(i) == 'ย') {
		return []rune{at(i)}, i + 1
	}
	c2 := at(i)
	vowelNext := isThaiFollowing(at(i+1)) || at(i+1) == 'อ' || (at(i+1) == 'ว' && isThaiConsonant(at(i+2)))
	// A cluster with the implied o and a final ("ทรง" song, "กรม" krom):
	// the letter after ร or ล closes the syllable.
	if c2 == 'ร' || c2 == 'ล' {
		if n := at(i + 1); isThaiConsonant(n) && n != 'ร' && n != 'อ' && !isThaiFollowing(at(i+2)) && at(i+2) != 'อ' && at(i+2) != 0 {
			vowelNext = true
		}
	}
	if !afterLead && !vowelNext {
		return []rune{c1}, i
	}
	switch c2 {
	case 'ร':
		if at(i+1) == 'ร' {
			break
		}
		switch c1 {
		case 'ท':
			return []rune{'ซ'}, i + 1 // ทร is s ("ทราย" sai)
		case 'ศ', 'ส', 'ซ', 'จ':
			return []rune{c1}, i + 1 // ร silent ("ศรี" si)
		case 'ก', 'ข', 'ค', 'ต', 'ป', 'ผ', 'พ', 'บ', 'ด', 'ฟ':
			return []rune{c1, c2}, i + 1
		}
	case 'ล':
		switch c1 {
		case 'ก', 'ข', 'ค', 'ป', 'ผ', 'พ', 'บ', 'ฟ':
			return []rune{c1, c2}, i + 1
		}
	case 'ว':
		if !afterLead && (c1 == 'ก' || c1 == 'ข' || c1 == 'ค') && isThaiFollowing(at(i+1)) {
			return []rune{c1, c2}, i + 1
		}
	}
	return []rune{c1}, i
}

// thaiSyllables splits a cleaned word into syllables.
func thaiSyllables(rs []rune) []thaiSyllable {
	var out []thaiSyllable
	at := func(k int) rune {
		if k >= 0 && k < len(rs) {
			return rs[k]
		}
		return 0
	}
	// canFinal reports whether the consonant at k closes the syllable
	// rather than opening the next one.
	canFinal := func(k int) bool {
		c := at(k)
		if !isThaiConsonant(c) || c == 'อ' {
			return false
		}
		n := at(k + 1)
		if isThaiFollowing(n) || n == 'อ' {
			return false
		}
		if n == 'ร' && at(k+2) == 'ร' {
			return false
		}
		// Two consonants end the word: they are one closed syllable
		// (..ติพง "phong", ..รม "rom"), since no syllable ends in two
		// letters that are both heard; a final ร is the silent end of
		// a cluster ("มิตร" mit) and stays as it is.
		if isThaiConsonant(n) && k+2 == len(rs) && n != 'ร' && k > 0 && isThaiFollowing(at(k-1)) {
			return false
		}
		return true
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		var syl thaiSyllable
		closable := true
		switch {
		case r == 'ฤ' || r == 'ฦ':
			i++
			if at(i) == 'ๅ' {
				i++
			}
			if r == 'ฤ' {
				syl.vowel = "rue"
			} else {
				syl.vowel = "lue"
			}
			out = append(out, syl)
			continue
		case isThaiLeading(r):
			i++
			if !isThaiConsonant(at(i)) {
				continue
			}
			syl.onset, i = thaiOnset(rs, i, true)
			switch r {
			case 'เ':
				switch {
				case at(i) == '็':
					syl.vowel = "e"
					i++
				case at(i) == 'า' && at(i+1) == 'ะ':
					syl.vowel, closable = "o", false
					i += 2
				case at(i) == 'า':
					syl.vowel, closable = "ao", false
					i++
				case at(i) == 'ี' && at(i+1) == 'ย':
					i += 2
					switch {
					case at(i) == 'ะ':
						syl.vowel, closable = "ia", false
						i++
					case at(i) == 'ว':
						syl.vowel, closable = "iao", false
						i++
					default:
						syl.vowel = "ia"
					}
				case at(i) == 'ื' && at(i+1) == 'อ':
					i += 2
					switch {
					case at(i) == 'ะ':
						syl.vowel, closable = "uea", false
						i++
					case at(i) == 'ย':
						syl.vowel, closable = "ueai", false
						i++
					default:
						syl.vowel = "uea"
					}
				case at(i) == 'อ':
					syl.vowel = "oe"
					i++
					if at(i) == 'ะ' {
						closable = false
						i++
					}
				case at(i) == 'ิ':
					syl.vowel = "oe"
					i++
				case at(i) == 'ย' && !isThaiFollowing(at(i+1)):
					syl.vowel, closable = "oei", false
					i++
				case at(i) == 'ะ':
					syl.vowel, closable = "e", false
					i++
				case at(i) == 'ว' && !isThaiFollowing(at(i+1)):
					syl.vowel, closable = "eo", false
					i++
				default:
					syl.vowel = "e"
				}
			case 'แ':
				switch {
				case at(i) == '็':
					syl.vowel = "ae"
					i++
				case at(i) == 'ะ':
					syl.vowel, closable = "ae", false
					i++
				case at(i) == 'ว' && !isThaiFollowing(at(i+1)):
					syl.vowel, closable = "aeo", false
					i++
				default:
					syl.vowel = "ae"
				}
			case 'โ':
				switch {
				case at(i) == 'ะ':
					syl.vowel, closable = "o", false
					i++
				case at(i) == 'ย' && !isThaiFollowing(at(i+1)):
					syl.vowel, closable = "oi", false
					i++
				default:
					syl.vowel = "o"
				}
			default: // ใ ไ
				syl.vowel, closable = "ai", false
				if at(i) == 'ย' && !isThaiFollowing(at(i+1)) {
					i++ // "ไทย"
				}
			}
		case isThaiConsonant(r):
			syl.onset, i = thaiOnset(rs, i, false)
			v := at(i)
			switch {
			case v == 'ะ':
				syl.vowel, closable = "a", false
				i++
			case v == 'ั' && at(i+1) == 'ว':
				syl.vowel = "ua"
				i += 2
				if at(i) == 'ะ' {
					closable = false
					i++
				}
			case v == 'ั' && at(i+1) == 'ย' && !isThaiFollowing(at(i+2)):
				syl.vowel, closable = "ai", false
				i += 2
			case v == 'ั':
				syl.vowel = "a"
				i++
			case v == 'า' && at(i+1) == 'ย' && !isThaiFollowing(at(i+2)):
				syl.vowel, closable = "ai", false
				i += 2
			case v == 'า' && at(i+1) == 'ว' && !isThaiFollowing(at(i+2)):
				syl.vowel, closable = "ao", false
				i += 2
			case v == 'า':
				syl.vowel = "a"
				i++
			case v == 'ำ':
				syl.vowel, closable = "am", false
				i++
			case v == 'ิ' && at(i+1) == 'ว' && !isThaiFollowing(at(i+2)):
				syl.vowel, closable = "io", false
				i += 2
			case v == 'ิ' || v == 'ี':
				syl.vowel = "i"
				if v == 'ี' {
					syl.vowel = "ii" // long: written "i" in RTGS, "ee" in names
				}
				i++
			case v == 'ึ':
				syl.vowel = "ue"
				i++
			case v == 'ื':
				syl.vowel = "ue"
				i++
				if at(i) == 'อ' {
					i++
				}
			case v == 'ุ' && at(i+1) == 'ย' && !isThaiFollowing(at(i+2)):
				syl.vowel, closable = "ui", false
				i += 2
			case v == 'ุ':
				syl.vowel = "u"
				i++
			case v == 'ู':
				syl.vowel = "uu"
				i++
			case v == '็':
				syl.vowel = "e" // a lone ็ shortens an implied o ("ก็")
				i++
			case v == 'อ' && !isThaiFollowing(at(i+1)):
				i++
				if at(i) == 'ย' && !isThaiFollowing(at(i+1)) {
					syl.vowel, closable = "oi", false
					i++
				} else {
					syl.vowel = "o"
				}
			case v == 'ว' && at(i+1) == 'ย' && !isThaiFollowing(at(i+2)):
				syl.vowel, closable = "uai", false
				i += 2
			case v == 'ว' && canFinal(i+1):
				syl.vowel = "ua"
				i++
			case v == 'ร' && at(i+1) == 'ร':
				i += 2
				if canFinal(i) {
					syl.vowel = "a"
				} else {
					syl.vowel, closable = "an", false
				}
			case isThaiConsonant(at(i)) && isThaiConsonant(at(i+1)) && i+2 == len(rs) && at(i+1) != 'ร' || at(i) == 'ร' && i+2 == len(rs) && isThaiConsonant(at(i+1)) && len(syl.onset) == 1 && len(out) > 0:
				// Three letters without a vowel end the word: an open
				// syllable and a closed one ("กมล" kamon, "ธพร" thaphon).
				syl.vowel, closable = "a", false
			case canFinal(i):
				// No vowel written and a final follows: the implied vowel
				// of a closed syllable is o ("คน" khon).
				syl.vowel = "o"
			default:
				// No vowel and the next letter opens a syllable: the
				// implied vowel of an open syllable is a ("สถานี" sathani).
				syl.vowel, closable = "a", false
			}
		default:
			if r >= '๐' && r <= '๙' {
				syl.vowel = string('0' + (r - '๐'))
				out = append(out, syl)
			}
			i++
			continue
		}
		// ร after a written vowel and before another syllable links the
		// parts of a compound name with a ("สุรชัย" Surachai, "ธีรเดช"
		// Thiradet) rather than closing the syllable.
		linking := at(i) == 'ร' && syl.vowel != "o" && len(syl.onset) > 0 &&
			(isThaiLeading(at(i+1)) || isThaiConsonant(at(i+1)) && (isThaiFollowing(at(i+2)) || at(i+2) == 'อ'))
		if closable && canFinal(i) && !linking {
			syl.final = rs[i]
			i++
			// A final cluster: its second letter is silent ("บัตร" bat,
			// "มิตร" mit) at the end of the word.
			if at(i) == 'ร' && i == len(rs)-1 {
				syl.silent = true
				i++
			}
		}
		out = append(out, syl)
	}
	return out
}

// romaniseThaiWord writes one Thai word in style st.
func romaniseThaiWord(word []rune, st *thaiStyle) string {
	var b strings.Builder
	for _, syl := range thaiSyllables(cleanThaiWord(word)) {
		for _, c := range syl.onset {
			v := thaiConsonants[c].initial
			switch {
			case st.personal && c == 'จ' && !st.vee:
				v = "j"
			case st.vee && c == 'ว' && len(syl.onset) == 1:
				v = "v"
			case st.vee && len(v) == 2 && v[1] == 'h' && (v[0] == 'p' || v[0] == 't' || v[0] == 'k'):
				v = v[:1]
			}
			b.WriteString(v)
		}
		v := syl.vowel
		switch v {
		case "ii":
			v = "i"
			if st.vee {
				v = "ee"
			}
		case "uu":
			v = "u"
			if st.vee {
				v = "oo"
			}
		}
		b.WriteString(v)
		if syl.final != 0 {
			f := thaiConsonants[syl.final].final
			if st.personal {
				if p, ok := thaiPersonalFinals[syl.final]; ok {
					f = p
				}
				if st.vee && syl.final == 'ช' {
					f = "j"
				}
				if syl.final == 'ร' {
					f = "n"
					if v == "o" {
						f = "rn" // "พร" Porn, "อร" Orn
					}
				}
			}
			b.WriteString(f)
		}
	}
	return b.String()
}
