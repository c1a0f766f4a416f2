package screening

import "testing"

// TestCyrillicRomanisations checks names romanised from Cyrillic the
// BGN/PCGN way find the English-style spelling the lists use.
func TestCyrillicRomanisations(t *testing.T) {
	ix := NewEntityIndex([]Entity{
		{ID: "1", Name: "SAJJAD, Rasoul", Kind: KindPerson, ListName: "t"},
		{ID: "2", Name: "QURJU, Muhammad Mu'ammar", Kind: KindPerson, ListName: "t"},
		{ID: "3", Name: "TOVAR PARRA, Ferney", Kind: KindPerson, ListName: "t"},
	})
	tests := []struct{ query, want string }{
		{"Саджджад Расоул", "1"},
		{"Курджу Мухаммад Му'аммар", "2"},
		{"Товар Парра Ферней", "3"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits := ix.Search(Query{Name: tc.query}, Options{})
			if len(hits) == 0 || hits[0].Entity.ID != tc.want {
				t.Fatalf("hits %+v, want entity %s", hits, tc.want)
			}
		})
	}
	if got := digraphFold("sadzhdzhad"); got != "sajjad" {
		t.Errorf("digraphFold = %q", got)
	}
}
