package kernel

import (
	"testing"

	"golang.org/x/text/language"
)

func TestReadingOrder(t *testing.T) {
	o := NewReadingOrder(
		[]string{"ZW", "AX", "AL", "CI", "CH", "X1", "X2"},
		[]string{"Zimbabwe", "Åland Islands", "Albania", "Côte d'Ivoire", "Switzerland", "same", "Same"},
	)
	for _, tc := range []struct {
		key  string
		want int
	}{
		{"AX", 0}, {"AL", 1}, {"CI", 2}, {"X1", 3}, {"X2", 4}, {"CH", 5}, {"ZW", 6},
		{"", 7}, {"??", 7}, // unknown keys come after every known one
	} {
		if got := o.Place(tc.key); got != tc.want {
			t.Errorf("Place(%q) = %d, want %d", tc.key, got, tc.want)
		}
	}
}

// TestReadingOrderIn: names are ordered in their language's alphabet: in
// Spanish "Ñ" is a letter after "N", where English reads it as an "N".
func TestReadingOrderIn(t *testing.T) {
	keys, names := []string{"n", "ñ", "o"}, []string{"Nube", "Ñandú", "Oro"}
	for _, tc := range []struct {
		lang language.Tag
		want []int
	}{
		{language.English, []int{1, 0, 2}},
		{language.Spanish, []int{0, 1, 2}},
	} {
		o := NewReadingOrderIn(tc.lang, keys, names)
		for i, k := range keys {
			if got := o.Place(k); got != tc.want[i] {
				t.Errorf("%s: Place(%q) = %d, want %d", tc.lang, names[i], got, tc.want[i])
			}
		}
	}
}
