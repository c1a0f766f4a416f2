package web

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/earlywarning"
)

// TestSeriesLabelNamesCategoriesInWords: a series of one grievance
// category is named by the category's label, never its code, and every
// series is named in the page's language.
func TestSeriesLabelNamesCategoriesInWords(t *testing.T) {
	en, es, fr := testLocale(t, "en"), testLocale(t, "es"), testLocale(t, "fr")
	category := func(id string) earlywarning.Subject {
		return earlywarning.Subject{Kind: earlywarning.SubjectCategory, ID: id}
	}
	for _, tc := range []struct {
		l       *locale
		subject earlywarning.Subject
		name    string
		want    string
	}{
		{en, category("deception"), "", "Grievances about Deception"},
		{en, category("forced_labour"), "", "Grievances about forced labour"},
		{es, category("deception"), "", "Denuncias sobre Engaño"},
		{en, earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "de"}, "", "Grievances about Germany"},
		{es, earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "de"}, "", "Denuncias sobre Alemania"},
		{fr, earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "DE"}, "", "Plaintes concernant Allemagne"},
		{en, earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: "p1"}, "Acme Mill", "Grievances about Acme Mill"},
		{es, earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: "p1"}, "", "Denuncias sobre este proveedor"},
	} {
		got := seriesLabel(tc.l, tc.subject, tc.name)
		if got != tc.want {
			t.Errorf("%s: seriesLabel(%v, %q) = %q, want %q", tc.l.Code, tc.subject, tc.name, got, tc.want)
		}
	}
}
