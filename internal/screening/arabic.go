package screening

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Arabic script writes consonants and long vowels, not short vowels, and
// each Latin scheme renders the consonants its own way ("Qasem", "Qassim",
// "Kasim"). So a name in Arabic script is not romanised into one guessed
// spelling: each word becomes its consonant skeleton, and list words are
// compared by theirs. Both sides use one alphabet of consonant classes:
// the letters Latin schemes confuse (ح and ه as h, ق and ك as k, س and ص
// as s, ت ط and ث as t, د ض and ذ as d, ز and ظ as z) share a class; the
// long vowels (ا و ي) and the glottal letters (ء ع) vanish except that و
// and ي stand for w and y at the start of a word; doubled letters count
// once; a final h (ة, or "-ah") vanishes.

// arabicClass maps an Arabic (and Persian/Urdu) letter to its consonant
// class; 0 drops the letter.
var arabicClass = map[rune]byte{
	'ب': 'b', 'پ': 'b', 'ت': 't', 'ط': 't', 'ث': 't', 'ج': 'j', 'چ': 'c', 'ح': 'h', 'ه': 'h', 'ۀ': 'h', 'ھ': 'h',
	'خ': 'x', 'د': 'd', 'ض': 'd', 'ذ': 'd', 'ر': 'r', 'ز': 'z', 'ظ': 'z', 'ژ': 'j', 'س': 's', 'ص': 's', 'ش': 'c',
	'غ': 'g', 'گ': 'g', 'ف': 'f', 'ق': 'k', 'ك': 'k', 'ک': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'و': 'w', 'ي': 'y',
	'ی': 'y', 'ہ': 'h', 'ۂ': 'h', 'ں': 'n', 'ٹ': 't', 'ڈ': 'd', 'ڑ': 'r', 'ۓ': 0, 'ى': 0, 'ة': 0, 'ا': 0, 'أ': 0, 'إ': 0, 'آ': 0, 'ء': 0, 'ئ': 0, 'ؤ': 0, 'ع': 0, 'ٱ': 0, 'ے': 0,
}

func isArabicLetter(r rune) bool {
	_, ok := arabicClass[r]
	return ok
}

// hasArabic reports whether s holds an Arabic letter.
func hasArabic(s string) bool {
	for _, r := range s {
		if r >= 0x600 && r <= 0x6FF && isArabicLetter(r) {
			return true
		}
	}
	return false
}

// arabicSkeleton is the consonant skeleton of one Arabic word.
func arabicSkeleton(w []rune) string {
	b := make([]byte, 0, len(w))
	for i, r := range w {
		c := arabicClass[r]
		if (c == 'w' || c == 'y') && i > 0 {
			c = 0
		}
		if c == 0 || (len(b) > 0 && b[len(b)-1] == c) {
			continue
		}
		b = append(b, c)
	}
	if len(b) > 2 && b[len(b)-1] == 'h' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// latinSkeleton is the consonant skeleton of a Latin list word in the same
// classes: "khamenei" and خامنئي are both "xmn".
func latinSkeleton(w string) string {
	b := make([]byte, 0, len(w))
	walkLatin(w, func(c byte) {
		if len(b) == 0 || b[len(b)-1] != c {
			b = append(b, c)
		}
	}, func(byte) {})
	if len(b) > 2 && b[len(b)-1] == 'h' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// latinDigraphs are the consonant classes of the digraphs Latin schemes
// write Arabic letters with: "kh" خ, "sh" and "ch" ش, "th" ث, "dh" ذ,
// "gh" غ, "ph" ف, "zh" ژ.
var latinDigraphs = map[byte]byte{'k': 'x', 's': 'c', 'c': 'c', 't': 't', 'd': 'd', 'g': 'g', 'p': 'f', 'z': 'j'}

// walkLatin reads a Latin list word as the comparison with Arabic script
// does: consonant receives the class of each consonant in order (a
// digraph as one), vowel each vowel letter, with w and y after the first
// letter among the vowels, as they write the long vowels of Arabic names
// ("Mahmoud", "Hussein").
func walkLatin(w string, consonant, vowel func(c byte)) {
	for i := 0; i < len(w); i++ {
		c := w[i]
		var next byte
		if i+1 < len(w) {
			next = w[i+1]
		}
		if k, ok := latinDigraphs[c]; ok && next == 'h' {
			consonant(k)
			i++
			continue
		}
		if c == 'd' && next == 'j' {
			consonant('j')
			i++
			continue
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			vowel(c)
		case 'w', 'y', 'v':
			switch {
			case i == 0 && c == 'y':
				consonant('y')
			case i == 0:
				consonant('w')
			case c != 'v':
				vowel(c)
			}
		case 'q', 'k', 'c':
			consonant('k')
		case 'p':
			consonant('b')
		case 'x':
			consonant('k')
			consonant('s')
		default:
			if c >= 'a' && c <= 'z' {
				consonant(c)
			}
		}
	}
}

// arabicWords are whole words of Arabic names and company names written
// as the lists write them in Latin.
var arabicWords = map[string]token{
	"بن": {text: "bin", class: classStop}, "ابن": {text: "bin", class: classStop}, "بنت": {text: "bint", class: classStop},
	"ابو": {text: "abu"}, "أبو": {text: "abu"}, "ابي": {text: "abi"}, "أبي": {text: "abi"}, "ام": {text: "umm"}, "أم": {text: "umm"},
	"الشيخ": {text: "sheikh", class: classStop}, "شيخ": {text: "sheikh", class: classStop}, "الحاج": {text: "haji", class: classStop}, "حاج": {text: "haji", class: classStop}, "حاجي": {text: "haji", class: classStop},
	"شركة": {text: "co", class: classLegal}, "شركه": {text: "co", class: classLegal}, "المحدودة": {text: "ltd", class: classLegal},
	"مؤسسة": {text: "establishment"}, "مجموعة": {text: "group"}, "بنك": {text: "bank"}, "مصرف": {text: "bank"},
}

// normaliseArabicName tokenises a name holding Arabic script: each Arabic
// word becomes its skeleton (the article ال and the ligature of عبد ال
// split off as the lists write them: "al-Huthi", "Abd al-Khaliq"); words
// in other scripts are normalised as usual.
func normaliseArabicName(s string) []token {
	s = norm.NFKC.String(strings.ToValidUTF8(s, " "))
	var toks []token
	var other strings.Builder
	flush := func() {
		if other.Len() > 0 {
			toks = append(toks, normaliseName(other.String())...)
			other.Reset()
		}
	}
	addWord := func(w []rune) {
		if len(w) == 0 {
			return
		}
		if t, ok := arabicWords[string(w)]; ok {
			t.class = classify(t.text)
			toks = append(toks, t)
			return
		}
		if len(w) > 5 && string(w[:5]) == "عبدال" {
			toks = append(toks, token{text: "bd", class: classWord, arabic: true, written: "عبد"}, token{text: "al", class: classStop})
			w = w[5:]
		} else if len(w) > 3 && string(w[:2]) == "ال" {
			toks = append(toks, token{text: "al", class: classStop})
			w = w[2:]
		}
		if sk := arabicSkeleton(w); sk != "" {
			toks = append(toks, token{text: sk, class: classWord, arabic: true, written: string(w)})
		}
	}
	var word []rune
	for _, r := range s {
		switch {
		case isArabicLetter(r):
			flush()
			word = append(word, r)
		case unicode.Is(unicode.Mn, r) || r == 0x640: // vowel marks and the tatweel are not letters of the skeleton
		default:
			addWord(word)
			word = word[:0]
			other.WriteRune(r)
		}
	}
	addWord(word)
	flush()
	return toks
}

// arabicLookup finds the list words whose skeleton is sk. Skeletons of one
// or two consonants say little, so they match only short list words, and
// at a lower similarity. written is the word as the query wrote it, when
// it is one word: a list word whose vowels contradict the long vowels
// written in it matches at a lower similarity (see longVowelsAgree).
func (ix *Index) arabicLookup(sk, written string) []match {
	ix.arabicOnce.Do(ix.buildArabicKeys)
	ids := ix.arabicKeys[sk]
	if len(ids) == 0 {
		return nil
	}
	// Names in Arabic script repeat their words (Muhammad, Abdallah,
	// Ali) from row to row: the matches of a word are kept in the word
	// cache, under the word as written (its skeleton follows from it) or,
	// for joined words, under the skeleton, apart from Latin words by
	// maxEdits.
	k := wordKey{word: sk, class: classWord, maxEdits: -2}
	if written != "" {
		k = wordKey{word: written, class: classWord, maxEdits: -1}
	}
	return ix.cachedWords(k, func() []match { return ix.arabicMatches(sk, written, ids) })
}

// arabicMatches scores the list words ids whose skeleton is sk (see
// arabicLookup).
func (ix *Index) arabicMatches(sk, written string, ids []int32) []match {
	sim := float32(0.95)
	switch len(sk) {
	case 1:
		sim = 0.75
	case 2:
		sim = 0.85
	case 3:
		sim = 0.92
	}
	var vs []vowelAt
	if written != "" {
		vs = longVowels(written)
	}
	out := make([]match, 0, len(ids))
	for _, id := range ids {
		if len(sk) <= 2 && len(ix.terms[id].text) > 2*len(sk)+2 {
			continue
		}
		m := match{term: id, sim: sim, how: howSkeleton}
		if !vowelsAgree(vs, ix.terms[id].text) {
			m.sim = min(sim, vowelClash)
			if len(sk) <= 2 {
				m.sim = min(sim, shortVowelClash)
			}
		}
		out = append(out, m)
	}
	return out
}

// vowelClash is the similarity of a skeleton match whose vowels contradict
// the long vowels the Arabic word writes: محمود (Mahmud) and Muhammad
// share the consonants m-h-m-d, but the و after the second m is a long u
// that "Muhammad" does not have.
const vowelClash = 0.78

// shortVowelClash is vowelClash for a skeleton of one or two consonants:
// براءة (Bara'a) and "Bur" share b-r and nothing else, and the long a
// written between them says they are different names. Chosen on the
// tuning parts (docs/screening.md).
const shortVowelClash = 0.6

// longVowels lists, for the long vowels و (u), ي (i) and ا (a) an Arabic
// word writes after its first letter, the gap of the skeleton they stand in
// (the number of skeleton consonants before them).
func longVowels(written string) []vowelAt {
	var out []vowelAt
	n := 0
	var last byte
	for i, r := range []rune(written) {
		c := arabicClass[r]
		if r == 'ا' && i > 0 {
			out = append(out, vowelAt{gap: n, v: 'a'})
			continue
		}
		if (c == 'w' || c == 'y') && i > 0 {
			v := byte('u')
			if c == 'y' {
				v = 'i'
			}
			out = append(out, vowelAt{gap: n, v: v})
			continue
		}
		if c == 0 || c == last {
			continue
		}
		last = c
		n++
	}
	return out
}

type vowelAt struct {
	gap int
	v   byte
}

// vowelBit is the bit of a vowel letter in the masks of latinVowelMasks.
func vowelBit(v byte) uint8 {
	switch v {
	case 'a':
		return 1
	case 'e':
		return 2
	case 'i':
		return 4
	case 'o':
		return 8
	case 'u':
		return 16
	case 'w':
		return 32
	case 'y':
		return 64
	}
	return 0
}

// latinVowelMasks splits a Latin list word as latinSkeleton reads it and
// appends to dst, for each gap between its skeleton consonants, the
// vowel letters standing in it (as vowelBit masks).
func latinVowelMasks(w string, dst []uint8) []uint8 {
	gaps := append(dst, 0)
	var last byte
	walkLatin(w, func(c byte) {
		if c != last {
			last = c
			gaps = append(gaps, 0)
		}
	}, func(v byte) {
		gaps[len(gaps)-1] |= vowelBit(v)
	})
	return gaps
}

// longVowelsAgree reports whether a Latin list word has a vowel where the
// Arabic word writes a long one: o, u or w for و; i, e or y for ي; a or e
// for ا. A gap the Latin word does not have is no contradiction.
func longVowelsAgree(written, latin string) bool {
	return vowelsAgree(longVowels(written), latin)
}

// vowelsAgree is longVowelsAgree for the long vowels vs of a word.
func vowelsAgree(vs []vowelAt, latin string) bool {
	if len(vs) == 0 {
		return true
	}
	var buf [24]uint8
	gaps := latinVowelMasks(latin, buf[:0])
	for _, v := range vs {
		if v.gap >= len(gaps) {
			continue
		}
		want := vowelBit('o') | vowelBit('u') | vowelBit('w')
		switch v.v {
		case 'i':
			want = vowelBit('i') | vowelBit('e') | vowelBit('y')
		case 'a':
			want = vowelBit('a') | vowelBit('e')
		}
		if gaps[v.gap]&want == 0 {
			return false
		}
	}
	return true
}

// buildArabicKeys indexes the skeletons of the list's words, on the first
// query in Arabic script: lists screened only in other scripts never pay
// for it.
func (ix *Index) buildArabicKeys() {
	ix.arabicKeys = map[string][]int32{}
	for id, t := range ix.terms {
		if t.class != classWord || !isLetters(t.text) {
			continue
		}
		if sk := latinSkeleton(t.text); sk != "" {
			ix.arabicKeys[sk] = append(ix.arabicKeys[sk], int32(id))
		}
	}
}

// joinSkeletons writes adjacent Arabic words as one skeleton, the article
// as its l: "عبد الله" as "bdl", the skeleton of "Abdallah" and
// "Abdullah" written as one word.
func joinSkeletons(toks []token) (string, bool) {
	// Only compounds the lists write as one word: "Abd" with what
	// follows, and a word with an article-bearing one ("Nasrallah",
	// "Shamsuddin"); two names side by side stay two words.
	compound := toks[0].written == "عبد"
	for _, t := range toks[1:] {
		compound = compound || (t.text == "al" && t.class == classStop)
	}
	if !compound {
		return "", false
	}
	b := make([]byte, 0, 16)
	for _, t := range toks {
		part := t.text
		switch {
		case t.arabic:
		case t.text == "al" && t.class == classStop:
			part = "l"
		default:
			return "", false
		}
		for i := 0; i < len(part); i++ {
			if len(b) == 0 || b[len(b)-1] != part[i] {
				b = append(b, part[i])
			}
		}
	}
	if len(b) > 2 && b[len(b)-1] == 'h' {
		b = b[:len(b)-1]
	}
	return string(b), true
}
