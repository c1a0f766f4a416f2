package screening

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// commonWordsIndex is an index in which "group", "trading" and
// "industry" are common words of the lists (each held by many names)
// while every other word is rare, as on a real list.
func commonWordsIndex(extra ...Entity) *Index {
	var es []Entity
	fill := []string{"group", "trading", "industry"}
	for i := 0; i < 400; i++ {
		es = append(es, Entity{ID: fmt.Sprintf("f%d", i), Name: fmt.Sprintf("%s %s", fillerWord(i), strings.ToUpper(fill[i%3])), Kind: KindOrganization})
	}
	return NewEntityIndex(append(es, extra...))
}

// fillerWord is a made-up word of the filler names, distinct per i.
func fillerWord(i int) string {
	const letters = "bcdfgklmnprstvz"
	w := []byte("qo")
	for ; i > 0 || len(w) < 4; i /= len(letters) {
		w = append(w, letters[i%len(letters)], 'a')
	}
	return strings.ToUpper(string(w))
}

// TestOneDistinctiveWord: a match resting on one distinctive word, with
// only common words of the lists agreeing beside it, is treated as a
// match on that word alone.
func TestOneDistinctiveWord(t *testing.T) {
	ix := commonWordsIndex(
		Entity{ID: "jihad", Name: "THE JIHAD GROUP", Kind: KindOrganization},
		Entity{ID: "green", Name: "GREEN INDUSTRIES, LTD", Kind: KindOrganization},
		Entity{ID: "bur", Name: "BUR, Abdullah", Kind: KindPerson},
	)
	for _, tt := range []struct {
		query, id string
		hit       bool
	}{
		// The one distinctive word is only alike (its long vowels
		// contradict "jihad"): the common word beside it lifts nothing.
		{"جاوحدو Group", "jihad", false},
		// The query's own distinctive word ("see") tells it apart.
		{"See Green Industrial Co. Ltd.", "green", false},
		// A long a between b and r is not "Bur".
		{"بن عبدالله براءة", "bur", false},
		// Equal distinctive words still match.
		{"Jihad Group", "jihad", true},
		{"جهاد Group", "jihad", true},
		{"Green Industries Ltd", "green", true},
	} {
		hits := ix.Search(Query{Name: tt.query}, Options{})
		got := false
		for _, h := range hits {
			got = got || h.Entity.ID == tt.id
		}
		if got != tt.hit {
			t.Errorf("%q: hits %s; want a hit on %s: %v", tt.query, summarize(hits), tt.id, tt.hit)
		}
	}
}

// TestOneDistinctiveWordProperty: whatever common words a query and a list
// name share, a match whose one distinctive word is misspelt scores no
// more than that word's similarity.
func TestOneDistinctiveWordProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		word := rapid.StringMatching(`[bcdfgklmnprstvz][aeiou][bcdfgklmnprstvz][aeiou][bcdfgklmnprstvz][aeiou][bcdfgklmnprstvz]`).Draw(rt, "word")
		at := rapid.IntRange(1, len(word)-1).Draw(rt, "at")
		sub := rapid.SampledFrom([]byte("xwjhy")).Draw(rt, "letter")
		misspelt := word[:at] + string(sub) + word[at+1:]
		commons := rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"group", "trading", "industry"}), 1, 3, rapid.ID[string]).Draw(rt, "common")
		ix := commonWordsIndex(Entity{ID: "x", Name: strings.ToUpper(word + " " + strings.Join(commons, " ")), Kind: KindOrganization})
		s := ix.pool.Get().(*scratch)
		var sim float32
		for _, m := range ix.cachedLookup(misspelt, classWord, 2, true, s) {
			if ix.terms[m.term].text == word {
				sim = max(sim, m.sim)
			}
		}
		ix.pool.Put(s)
		q := misspelt + " " + strings.Join(commons, " ")
		for _, h := range ix.Search(Query{Name: q}, Options{Threshold: ThresholdOf(0)}) {
			if h.Entity.ID == "x" && h.Score > float64(sim)+0.0005 {
				rt.Fatalf("%q against %q scores %.3f, more than the similarity %.3f of %q and %q", q, h.MatchedName, h.Score, sim, misspelt, word)
			}
		}
	})
}

// TestAgreementOnCommonClasses: a word that agrees only by its Arabic
// consonant skeleton is as common as every list word of that skeleton,
// and a match in which no agreeing word is distinctive counts for less.
func TestAgreementOnCommonClasses(t *testing.T) {
	var es []Entity
	// Hassan, Husain, Hussein, Hosein and Jamal, Jameel are each held by
	// many names; "Hasan" and "Jamil" as spelt are held by one.
	common := []string{"HASSAN", "HUSAIN", "HUSSEIN", "HOSEIN", "JAMAL", "JAMEEL"}
	for i := 0; i < 300; i++ {
		es = append(es, Entity{ID: fmt.Sprintf("f%d", i), Name: fmt.Sprintf("%s, %s", fillerWord(i), common[i%len(common)]), Kind: KindPerson})
	}
	es = append(es, Entity{ID: "hasan", Name: "HASAN, Jamil", Kind: KindPerson})
	ix := NewEntityIndex(es)
	const phrase = "every word that agrees is common on the lists"
	explain := func(q string) (float64, string) { return mustScoreOf(t, ix, q, "hasan") }
	// In Arabic script, h-s-n and j-m-l stand for all those names.
	if s, why := explain("حسن جميل"); !strings.Contains(why, phrase) || s > allCommonAgreement {
		t.Errorf("حسن جميل: %.3f %s; want %q and at most %.2f", s, why, phrase, allCommonAgreement)
	}
	// Written as listed, "Hasan" and "Jamil" are rare words of the list.
	if s, why := explain("Jamil Hasan"); strings.Contains(why, phrase) || s < 0.99 {
		t.Errorf("Jamil Hasan: %.3f %s; want an exact match", s, why)
	}
}

// TestVariantsOfListWords: a query word that the lists use as a word is a
// name of its own, so its spelling variants count for less than a typing
// error does ("Andrew" is not ANDRE; "Andrx" is a mistyped Andre).
func TestVariantsOfListWords(t *testing.T) {
	listed := Entity{ID: "andre", Name: "RODRIGUEZ FERNANDEZ, Andre", Kind: KindPerson}
	andrew := Entity{ID: "andrew", Name: "KARUME, Andrew", Kind: KindPerson}
	score := func(ix *Index, q string) (float64, string) { return mustScoreOf(t, ix, q, "andre") }
	with := commonWordsIndex(listed, andrew)
	without := commonWordsIndex(listed)
	s, why := score(with, "Andrew Rodriguez")
	if !strings.Contains(why, `"andrew" is a list word itself`) {
		t.Errorf("Andrew Rodriguez with Andrew on the list: %.3f %s; want it said that Andrew is a list word", s, why)
	}
	if s2, _ := score(without, "Andrew Rodriguez"); s2 <= s {
		t.Errorf("Andrew Rodriguez: %.3f without Andrew on the list, %.3f with it; want more without", s2, s)
	}
	if s, why := score(with, "Andrx Rodriguez"); s < DefaultThreshold {
		t.Errorf("Andrx Rodriguez (a typing error): %.3f %s; want at least %.2f", s, why, DefaultThreshold)
	}
	// Names in other scripts are romanised: a romanisation that happens
	// to be a list word is no evidence of another name.
	if !latinLetters("Andrew Ångström") || latinLetters("Андрей Родригес") {
		t.Error("latinLetters misjudges the script")
	}
}

// TestArabicGivenNameFirst: a name in Arabic script is written given name
// first, so the listed given name agreeing with a later word of it (the
// father's name) is evidence of another person.
func TestArabicGivenNameFirst(t *testing.T) {
	ix := commonWordsIndex(Entity{ID: "asmar", Name: "ASMAR, Haytham", Kind: KindPerson})
	find := func(q string) (float64, string) { return mustScoreOf(t, ix, q, "asmar") }
	const phrase = `the listed given name "haytham" is not the first name of the query`
	// Haytham Asmar himself, and with his father's name (Khalil) between.
	for _, q := range []string{"هيثم سمر", "هيثم خليل سمر", "Asmar Haytham"} {
		if s, why := find(q); strings.Contains(why, phrase) || s < DefaultThreshold {
			t.Errorf("%q: %.3f %s; want a hit without %q", q, s, why, phrase)
		}
	}
	// Khalil, son of Haytham.
	if s, why := find("خليل هيثم سمر"); !strings.Contains(why, phrase) || s >= DefaultThreshold {
		t.Errorf("خليل هيثم سمر: %.3f %s; want %q and no hit", s, why, phrase)
	}
}

// mustScoreOf returns the score and reasons of entity id for query q,
// scored whatever the threshold; the test fails when id is not among the
// candidates.
func mustScoreOf(t *testing.T, ix *Index, q, id string) (float64, string) {
	t.Helper()
	for _, h := range ix.Search(Query{Name: q}, Options{Threshold: ThresholdOf(0)}) {
		if h.Entity.ID == id {
			return h.Score, strings.Join(h.Reasons, "; ")
		}
	}
	t.Fatalf("%q: %s is not among the candidates", q, id)
	return 0, ""
}
