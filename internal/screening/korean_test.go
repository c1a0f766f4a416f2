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
		hits := ix.Search(Query{Name: tt.query}, Options{})
		switch {
		case tt.want == "" && len(hits) > 0:
			t.Errorf("%s: %s, want no hit", tt.query, summarize(hits))
		case tt.want != "" && (len(hits) == 0 || hits[0].Entity.ID != tt.want):
			t.Errorf("%s: %s, want entity %s", tt.query, summarize(hits), tt.want)
		}
	}
}
