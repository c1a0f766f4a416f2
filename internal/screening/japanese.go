package screening

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Japanese names in kanji cannot be romanised character by character:
// 山田太郎 is "Yamada Taro", where a Chinese reading gives "shan tian tai
// lang", and the same characters have several readings (高市 is Takaichi
// or Koichi). A name is split into a family name and a given name, each
// part is read with the readings ENAMDICT records for names written so
// (or, for a part it does not hold, with the readings KANJIDIC records
// for each of its kanji), and the readings are written in Hepburn as the
// lists and passports write them ("Kenichi", "Goto", "Satoh").
//
// Only readings some list name uses are searched: a romanised name
// matches only word for word (see prepare's exact mode), so a reading no
// list word has could not match anything. That keeps the many readings
// of a name from costing a search each.

//go:embed data/japanese_name_readings.txt.gz
var japaneseNamesGz []byte

//go:embed data/kanji_readings.txt
var kanjiReadingsText string

// nameReadingDict is ENAMDICT's names, one sorted "kanji<TAB>readings"
// line each, searched by binary search over the line starts.
type nameReadingDict struct {
	text   string
	starts []int32
}

var japaneseNames = sync.OnceValue(func() *nameReadingDict {
	zr, err := gzip.NewReader(bytes.NewReader(japaneseNamesGz))
	if err != nil {
		panic(fmt.Sprintf("screening: embedded Japanese name readings: %v", err))
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic(fmt.Sprintf("screening: embedded Japanese name readings: %v", err))
	}
	d := &nameReadingDict{text: string(b)}
	for i := 0; i < len(d.text); {
		d.starts = append(d.starts, int32(i))
		j := strings.IndexByte(d.text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return d
})

// lookup returns the kana readings of a name written in kanji.
func (d *nameReadingDict) lookup(kanji string) []string {
	line := func(k int) (string, string) {
		s := d.text[d.starts[k]:]
		if j := strings.IndexByte(s, '\n'); j >= 0 {
			s = s[:j]
		}
		key, val, _ := strings.Cut(s, "\t")
		return key, val
	}
	k := sort.Search(len(d.starts), func(k int) bool {
		key, _ := line(k)
		return key >= kanji
	})
	if k == len(d.starts) {
		return nil
	}
	if key, val := line(k); key == kanji {
		return strings.Fields(val)
	}
	return nil
}

// kanjiReadings maps each kanji allowed in Japanese names to its on, kun
// and name readings (KANJIDIC2), in hiragana.
var kanjiReadings = sync.OnceValue(func() map[rune][]string {
	m := map[rune][]string{}
	sc := bufio.NewScanner(strings.NewReader(kanjiReadingsText))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "\t")
		if rs := []rune(k); ok && len(rs) == 1 {
			m[rs[0]] = strings.Fields(v)
		}
	}
	return m
})

// hiraganaRomaji is the modified Hepburn spelling of each hiragana.
var hiraganaRomaji = func() map[rune]string {
	m := map[rune]string{}
	rows := []struct {
		kana string
		rom  []string
	}{
		{"あいうえお", []string{"a", "i", "u", "e", "o"}},
		{"かきくけこ", []string{"ka", "ki", "ku", "ke", "ko"}},
		{"がぎぐげご", []string{"ga", "gi", "gu", "ge", "go"}},
		{"さしすせそ", []string{"sa", "shi", "su", "se", "so"}},
		{"ざじずぜぞ", []string{"za", "ji", "zu", "ze", "zo"}},
		{"たちつてと", []string{"ta", "chi", "tsu", "te", "to"}},
		{"だぢづでど", []string{"da", "ji", "zu", "de", "do"}},
		{"なにぬねの", []string{"na", "ni", "nu", "ne", "no"}},
		{"はひふへほ", []string{"ha", "hi", "fu", "he", "ho"}},
		{"ばびぶべぼ", []string{"ba", "bi", "bu", "be", "bo"}},
		{"ぱぴぷぺぽ", []string{"pa", "pi", "pu", "pe", "po"}},
		{"まみむめも", []string{"ma", "mi", "mu", "me", "mo"}},
		{"やゆよ", []string{"ya", "yu", "yo"}},
		{"らりるれろ", []string{"ra", "ri", "ru", "re", "ro"}},
		{"わゐゑをんゔ", []string{"wa", "i", "e", "o", "n", "vu"}},
	}
	for _, r := range rows {
		for i, k := range []rune(r.kana) {
			m[k] = r.rom[i]
		}
	}
	return m
}()

// toHiragana writes katakana as hiragana.
func toHiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 0x60
		}
		return r
	}, s)
}

// kanaRomaji writes kana in modified Hepburn letter for letter ("さとう"
// becomes "satou", "けんいち" "kenichi", "きょうこ" "kyouko"). ok is false
// for anything that is not kana.
func kanaRomaji(kana string) (string, bool) {
	var b []byte
	double := false
	for _, r := range toHiragana(kana) {
		switch r {
		case 'っ':
			double = true
			continue
		case 'ー':
			if n := len(b); n > 0 {
				b = append(b, b[n-1])
			}
			continue
		case 'ゃ', 'ゅ', 'ょ':
			n := len(b)
			if n < 2 || b[n-1] != 'i' {
				return "", false
			}
			v := map[rune]byte{'ゃ': 'a', 'ゅ': 'u', 'ょ': 'o'}[r]
			if prev := string(b[max(0, n-3):n]); strings.HasSuffix(prev, "shi") || strings.HasSuffix(prev, "chi") || (n >= 2 && b[n-2] == 'j') {
				b[n-1] = v // しゃ sha, ちゃ cha, じゃ ja
			} else {
				b[n-1] = 'y'
				b = append(b, v)
			}
			continue
		case 'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ':
			v := map[rune]byte{'ぁ': 'a', 'ぃ': 'i', 'ぅ': 'u', 'ぇ': 'e', 'ぉ': 'o'}[r]
			if n := len(b); n > 1 && strings.IndexByte("aiueo", b[n-1]) >= 0 {
				b[n-1] = v // ふぁ fa, てぃ ti
			} else {
				b = append(b, v)
			}
			continue
		}
		rom, ok := hiraganaRomaji[r]
		if !ok {
			return "", false
		}
		if double && rom[0] != 'n' && strings.IndexByte("aiueo", rom[0]) < 0 {
			if strings.HasPrefix(rom, "ch") {
				b = append(b, 't')
			} else {
				b = append(b, rom[0])
			}
		}
		double = false
		b = append(b, rom...)
	}
	return string(b), len(b) > 0
}

// hepburnSpellings returns the ways a kana reading is written in Latin
// letters: Hepburn without macrons first (long vowels written once:
// "Sato", "Goto", "Yuko"), then as typed ("Satou"), with "oh" for a long o
// as passports allow ("Satoh"), and with m before b, m and p ("Namba").
func hepburnSpellings(kana string) []string {
	rom, ok := kanaRomaji(kana)
	if !ok {
		return nil
	}
	short := longVowelsOnce.Replace(rom)
	out := []string{short}
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	add(rom)
	add(longOAsOH.Replace(rom))
	add(nBeforeLabial.Replace(short))
	return out
}

var (
	longVowelsOnce = strings.NewReplacer("ou", "o", "oo", "o", "uu", "u")
	longOAsOH      = strings.NewReplacer("ou", "oh", "oo", "oh")
	nBeforeLabial  = strings.NewReplacer("nb", "mb", "nm", "mm", "np", "mp")
)

// rendaku voices the first kana of a reading that follows another in a
// compound ("やま" + "た" is read "やまだ"): the variants a reading takes
// in second place.
var rendaku = map[rune][]rune{
	'か': {'が'}, 'き': {'ぎ'}, 'く': {'ぐ'}, 'け': {'げ'}, 'こ': {'ご'},
	'さ': {'ざ'}, 'し': {'じ'}, 'す': {'ず'}, 'せ': {'ぜ'}, 'そ': {'ぞ'},
	'た': {'だ'}, 'ち': {'ぢ'}, 'つ': {'づ'}, 'て': {'で'}, 'と': {'ど'},
	'は': {'ば', 'ぱ'}, 'ひ': {'び', 'ぴ'}, 'ふ': {'ぶ', 'ぷ'}, 'へ': {'べ', 'ぺ'}, 'ほ': {'ぼ', 'ぽ'},
}

// maxComposed bounds the readings composed kanji by kanji for one part of
// a name.
const maxComposed = 600

// composeReadings reads a part of a name ENAMDICT does not hold kanji by
// kanji with KANJIDIC's readings, voicing the first kana of every kanji
// after the first as compounds do.
func composeReadings(part []rune) []string {
	kr := kanjiReadings()
	out := []string{""}
	for i, r := range part {
		rs := kr[r]
		if len(rs) == 0 {
			return nil
		}
		var next []string
		for _, prefix := range out {
			for _, reading := range rs {
				next = append(next, prefix+reading)
				if i == 0 {
					continue
				}
				first := []rune(reading)
				for _, v := range rendaku[first[0]] {
					next = append(next, prefix+string(v)+string(first[1:]))
				}
			}
		}
		if len(next) > maxComposed {
			return nil
		}
		out = next
	}
	return out
}

// japaneseRun reports whether s is written in kanji and kana only (with
// spaces and the middle dot between names), and holds a kanji or a kana.
func japaneseRun(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			n++
		case r == ' ' || r == '\u3000' || r == '・' || r == 'ー':
		default:
			return false
		}
	}
	return n > 0
}

// readingPart is one part of a name with the Latin spellings of its
// readings that list words use.
type readingPart struct {
	written string
	latin   []string
	source  string
}

// maxJapaneseReadings bounds the readings one name is searched under.
const maxJapaneseReadings = 24

// japaneseReadings returns the Hepburn readings of a name written in kanji
// and kana under which it is searched: each way of splitting it into a
// family name and a given name (or the parts it is written in, when they
// are spaced), with every reading whose words some list name uses.
func (ix *Index) japaneseReadings(name string) []nameReading {
	s := strings.TrimSpace(norm.NFKC.String(strings.ToValidUTF8(name, " ")))
	if !japaneseRun(s) {
		return nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\u3000' || r == '・' })
	var splits [][]string
	if len(parts) > 1 {
		splits = append(splits, parts)
	} else {
		rs := []rune(parts[0])
		if len(rs) < 2 || len(rs) > 8 {
			return nil
		}
		for i := 1; i < len(rs); i++ {
			splits = append(splits, []string{string(rs[:i]), string(rs[i:])})
		}
	}
	var out []nameReading
	seen := map[string]bool{}
	for _, split := range splits {
		var rp []readingPart
		for i, p := range split {
			r := ix.readPart(p, i == 0)
			if len(r.latin) == 0 {
				rp = nil
				break
			}
			rp = append(rp, r)
		}
		if rp == nil {
			continue
		}
		// Every combination of the parts' spellings, as long as the
		// bound allows.
		combos := []string{""}
		for _, r := range rp {
			var next []string
			for _, c := range combos {
				for _, l := range r.latin {
					next = append(next, strings.TrimSpace(c+" "+l))
				}
			}
			combos = next
		}
		var how []string
		for _, r := range rp {
			how = append(how, r.written+" ("+r.source+")")
		}
		for _, c := range combos {
			if seen[c] || len(out) >= maxJapaneseReadings {
				continue
			}
			seen[c] = true
			out = append(out, nameReading{text: c, how: "Japanese reading of " + strings.Join(how, ", ")})
		}
	}
	return out
}

// partKey is a part of a Japanese name as readPart reads it.
type partKey struct {
	written string
	first   bool
}

// readPart is readPartUncached through the index's cache of parts: names
// in a file repeat their family names (山田, 王) row after row, and each
// part costs the spellings of all its readings. The returned part is
// shared: callers must not modify it.
func (ix *Index) readPart(p string, first bool) readingPart {
	k := partKey{p, first}
	ix.partsMu.RLock()
	rp, ok := ix.parts[k]
	ix.partsMu.RUnlock()
	if ok {
		return rp
	}
	rp = ix.readPartUncached(p, first)
	ix.partsMu.Lock()
	if ix.parts == nil {
		ix.parts = map[partKey]readingPart{}
	}
	if len(ix.parts) < maxCachedWords {
		ix.parts[k] = rp
	}
	ix.partsMu.Unlock()
	return rp
}

// readPartUncached reads one part of a Japanese name (first says whether
// it comes first): kana as written; kanji with ENAMDICT's readings of the
// name, or composed from KANJIDIC's readings of each kanji when ENAMDICT
// does not hold it. Only spellings some list word uses are kept.
func (ix *Index) readPartUncached(p string, first bool) readingPart {
	rp := readingPart{written: p}
	allKana := true
	for _, r := range p {
		if !unicode.Is(unicode.Hiragana, r) && !unicode.Is(unicode.Katakana, r) {
			allKana = false
		}
	}
	seen := map[string]bool{}
	keep := func(kana []string) {
		for _, k := range kana {
			for _, l := range hepburnSpellings(k) {
				// A reading that is a legal form or a connective of the
				// lists ("sa", "de") is not a name, and one of a
				// syllable or two ("ko", "o") is a word of too many
				// languages' names to stand for a Japanese one.
				if id, ok := ix.vocab[l]; ok && !seen[l] && ix.terms[id].class == classWord && len(l) >= 3 {
					seen[l] = true
					rp.latin = append(rp.latin, l)
				}
			}
		}
	}
	if allKana {
		rp.source = "kana"
		keep([]string{p})
		return rp
	}
	rp.source = "ENAMDICT"
	kana := japaneseNames().lookup(p)
	if len(kana) == 0 {
		// A name ENAMDICT does not hold is read kanji by kanji.
		if rs := []rune(p); len(rs) <= 3 {
			rp.source = "KANJIDIC"
			kana = composeReadings(rs)
		}
	}
	if !first {
		// A word after the name voices its first kana: 山口組 is
		// Yamaguchi-gumi, 組 alone kumi.
		for _, k := range kana {
			rs := []rune(k)
			for _, v := range rendaku[rs[0]] {
				kana = append(kana, string(v)+string(rs[1:]))
			}
		}
	}
	keep(kana)
	return rp
}
