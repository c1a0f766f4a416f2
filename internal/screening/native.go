package screening

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Names written in the same non-Latin script are compared in that script,
// character by character: romanisation loses what tells such names apart
// (高石早苗 and 高市早苗 both read "gao shi zao miao"; 김종은 and 김정은
// differ in one vowel that romanisations write alike or not at all).
// Romanisations only cross scripts. When an entity holds a name in the
// query's script, that name decides: its Latin names are not consulted.

// nativeScript is a script compared in itself, as a bit.
type nativeScript uint8

const (
	scriptHan nativeScript = 1 << iota
	scriptHangul
	scriptKana
	scriptThai
	scriptKhmer
)

// nativeName is a name folded for comparison in its own script.
type nativeName struct {
	text   []rune
	script nativeScript
}

//go:embed data/opencc_TSCharacters.txt
var tsCharacters string

// simplified maps traditional Chinese characters to simplified ones (the
// first of OpenCC's choices).
var simplified = sync.OnceValue(func() map[rune]rune {
	m := map[rune]rune{}
	sc := bufio.NewScanner(strings.NewReader(tsCharacters))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		kr, vr := []rune(k), []rune(strings.Fields(v + " ")[0])
		if ok && len(kr) == 1 && len(vr) == 1 {
			m[kr[0]] = vr[0]
		}
	}
	return m
})

// nativeLegalForms are legal forms written in the scripts compared in
// themselves; they are dropped before the comparison, as legal forms weigh
// little in Latin names.
var nativeLegalForms = strings.NewReplacer(
	"股份有限公司", "", "有限责任公司", "", "有限公司", "", "股份公司", "", "总公司", "", "分公司", "", "公司", "",
	"集团", "", "株式会社", "", "有限会社", "", "合同会社", "", "주식회사", "", "유한회사", "", "(주)", "", "㈜", "",
	"บริษัท", "", "จำกัด", "", "มหาชน", "",
)

// foldNative returns the name folded for comparison in its script, or a
// zero nativeName when it is not written (mostly) in one of those scripts.
func foldNative(s string) nativeName {
	if isASCII(s) {
		return nativeName{}
	}
	s = norm.NFKC.String(strings.ToValidUTF8(s, " "))
	s = nativeLegalForms.Replace(s)
	ts := simplified()
	var out []rune
	counts := map[nativeScript]int{}
	other := 0
	for _, r := range s {
		var sc nativeScript
		switch {
		case unicode.Is(unicode.Han, r):
			sc = scriptHan
			if f, ok := ts[r]; ok {
				r = f
			}
		case isHangulSyllable(r):
			sc = scriptHangul
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			sc = scriptKana
		case unicode.Is(unicode.Thai, r):
			sc = scriptThai
		case unicode.Is(unicode.Khmer, r):
			sc = scriptKhmer
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			other++
			continue
		default:
			continue
		}
		counts[sc]++
		out = append(out, r)
	}
	if len(out) == 0 || other > len(out) {
		return nativeName{}
	}
	// Japanese names mix kanji and kana: both count as one script.
	if counts[scriptKana] > 0 {
		return nativeName{text: out, script: scriptKana}
	}
	best, n := nativeScript(0), 0
	for sc, c := range counts {
		if c > n || (c == n && sc < best) {
			best, n = sc, c
		}
	}
	return nativeName{text: out, script: best}
}

// nativeSimilarity is 1 − (edit distance ÷ length of the longer name),
// character by character.
func nativeSimilarity(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := max(len(a), len(b))
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c = min(prev[j-1], prev[j], cur[j-1]) + 1
			}
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(b)])/float64(n)
}
