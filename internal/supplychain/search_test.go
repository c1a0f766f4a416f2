package supplychain

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestSearchKeyAndWords(t *testing.T) {
	p := Party{Name: "Têxteis São Paulo, Ltda.", Address: "Rua 25 de Março 1200", OSID: "BR2019303BQ3FZP", LEI: "5493001KJTIIGC8Y1R12", GLN: "0614141003006"}
	if got, want := SearchKey(p), "texteis sao paulo ltda rua 25 de marco 1200 br2019303bq3fzp 5493001kjtiigc8y1r12 0614141003006"; got != want {
		t.Errorf("SearchKey = %q, want %q", got, want)
	}
	tests := []struct {
		typed string
		want  []string
	}{
		{"  SÃO   paulo ", []string{"sao", "paulo"}},
		{"O'Brien & Sons", []string{"o", "brien", "sons"}},
		{"", nil},
		{"a b c d e f g h i j", []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{"株式会社 東京", []string{"株式会社", "東京"}},
	}
	for _, tc := range tests {
		if got := SearchWords(tc.typed); !slices.Equal(got, tc.want) {
			t.Errorf("SearchWords(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// TestSearchWordsOfAKeyAreInIt: any part of a party's name, typed back
// in any case, gives words that each start a word of the party's key, so
// the party is found by it.
func TestSearchWordsOfAKeyAreInIt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.StringMatching(`[A-Za-zÀ-ÿ0-9 .,'&-]{1,40}`).Draw(t, "name")
		p := Party{Name: name}
		key := strings.Fields(SearchKey(p))
		for _, w := range SearchWords(strings.ToUpper(name)) {
			if !slices.ContainsFunc(key, func(k string) bool { return strings.HasPrefix(k, w) }) {
				t.Fatalf("word %q of %q starts no word of the key %q", w, name, key)
			}
		}
	})
}
