package screening

import (
	"slices"
	"testing"
)

// TestKoreanSyllableSpellings checks that the spellings of a syllable
// include the conventional ones writers use beside the systems.
func TestKoreanSyllableSpellings(t *testing.T) {
	for _, tt := range []struct {
		syllable string
		want     []string
	}{
		{"경", []string{"gyeong", "kyung", "kyong", "kyeong"}},
		{"희", []string{"hui", "hee", "heui"}},
		{"수", []string{"su", "soo"}},
		{"병", []string{"byeong", "byung", "byoung", "pyong"}},
		{"정", []string{"jeong", "jung", "chung", "cheong", "choung", "jong"}},
		{"우", []string{"u", "woo", "oo"}},
		{"국", []string{"guk", "gug", "kuk"}},
	} {
		got := hangulSyllableSpellings([]rune(tt.syllable)[0])
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.syllable, got, w)
			}
		}
	}
}

// TestKoreanSpellingsFindListedSpelling screens Korean names whose list
// spelling follows no system; a name differing in one syllable must not
// be found.
func TestKoreanSpellingsFindListedSpelling(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "1", Name: "Kim Jae-kyung", Kind: KindPerson, ListName: "t"},
		{ID: "2", Name: "BAEK SEUNGJOO", Kind: KindPerson, ListName: "t"},
		{ID: "3", Name: "CHOUNG Byoung-gug", Kind: KindPerson, ListName: "t"},
		{ID: "4", Name: "An Min-suk", Kind: KindPerson, ListName: "t"},
	})
	for _, tt := range []struct{ query, want string }{
		{"김재경", "1"},
		{"백승주", "2"},
		{"정병국", "3"},
		{"안민석", "4"},
		{"김재영", ""}, // another given name
		{"박재경", ""}, // another family name
	} {
		checkFirstHit(t, ix, tt.query, tt.want)
	}
}

// TestKoreanNamePartsKeepTheirPlace: a Korean name read from Hangul is
// family name first, then the given name's syllables in a fixed order. A
// name holding the listed syllables in other places names someone else
// (이영수 is not RI Su Yong; 송김, Song Kim, is not KIM Song; 지조 is not
// CHICHO), while the listed person is found however the list orders
// family and given name. "(주)" is the abbreviation of 주식회사, a legal
// form: "(주) 나" names a company, not the person CHU Na.
func TestKoreanNamePartsKeepTheirPlace(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "ri", Name: "RI, Su Yong", Kind: KindPerson, ListName: "t"},
		{ID: "kim", Name: "KIM, Song", Kind: KindPerson, ListName: "t"},
		{ID: "chicho", Name: "CHICHO", Kind: KindPerson, ListName: "t"},
		{ID: "chu", Name: "CHU, Na", Kind: KindPerson, ListName: "t"},
		{ID: "pak", Name: "Yong Sik PAK", Kind: KindPerson, ListName: "t"},
	})
	for _, tt := range []struct{ query, want string }{
		{"리수용", "ri"},
		{"이수용", "ri"},
		{"김송", "kim"},
		{"추나", "chu"},
		{"박영식", "pak"}, // the list writes the family name last
		{"이영수", ""},    // the given name's syllables the other way round
		{"송김", ""},     // the family name is the list's given name
		{"지조", ""},     // family and given name joined into one list word
		{"(주) 나", ""},  // a company
		{"㈜ 나", ""},
		{"박식영", ""},
	} {
		checkFirstHit(t, ix, tt.query, tt.want)
	}
}

// checkFirstHit screens query with the default options and fails unless
// entity want is the first hit, or, with want empty, nothing is hit.
func checkFirstHit(t *testing.T, ix *Index, query, want string) {
	t.Helper()
	hits := ix.Search(Query{Name: query}, Options{})
	switch {
	case want == "" && len(hits) > 0:
		t.Errorf("%s: %s, want no hit", query, summarize(hits))
	case want != "" && (len(hits) == 0 || hits[0].Entity.ID != want):
		t.Errorf("%s: %s, want entity %s", query, summarize(hits), want)
	}
}
