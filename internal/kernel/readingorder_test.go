package kernel

import "testing"

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
