package web

import "regexp"

// The screening package names its built-in lists and explains each match
// in English sentences, which it stores with the hit and the API returns
// as they are. The screening page shows them in the reader's language:
// these are those sentences as catalog messages, and the page recognises
// each (locale.sentence), values and all. A sentence not listed here
// still shows, in English.
var screeningSentences = []string{
	// The built-in lists.
	translatable("OFAC SDN list, July 2021 (demonstration copy built in; out of date)"),
	translatable("CBP Withhold Release Orders and Findings, file of %v (built in)"),
	translatable("DHS UFLPA Entity List, last updated %v (built in)"),
	// How a word of the name agrees with a word of the list.
	translatable("%v = %v (written together)"),
	translatable("%v = %v, connective, low weight"),
	translatable("%v = %v, legal form, low weight"),
	translatable("%v ~ %v (spelling, %v)"),
	translatable("%v ~ %v (sounds alike, %v)"),
	translatable("%v ~ %v (spelling, and %v is a list word itself, %v)"),
	translatable("%v ~ %v (sounds alike, and %v is a list word itself, %v)"),
	translatable("%v ~ %v (initial, %v)"),
	translatable("%v ~ %v (acronym, %v)"),
	translatable("%v ~ %v (Arabic script, same consonants %v, %v)"),
	translatable("%v read as %v (%v)"),
	// What is left over, and what moved the score.
	translatable("list words missing from the query: %v"),
	translatable("optional name parts not in the query (count little): %v"),
	translatable("query words not in the list name: %v"),
	translatable("%v of %v syllables and list words matched (x%v)"),
	translatable("every word that agrees is common on the lists (x%v)"),
	translatable("only one distinctive word agrees and the query has %v of its own (x%v)"),
	translatable("the one distinctive word that agrees is only alike: at most its similarity (%v)"),
	translatable("the one word that agrees is only alike (x%v)"),
	translatable("the listed given name %v is not the first name of the query, as names in Arabic script are written (x%v)"),
	translatable("the query has a legal form (%v): it names a company, not a %v (x%v)"),
	translatable("the given name's syllables are in another order than on the list (x%v)"),
	translatable("a number in the list name is not in the query (x%v)"),
	translatable("word order differs (x%v)"),
	translatable("matched a weak alias (x%v)"),
	translatable("country %v agrees with the list"),
	translatable("country %v differs from the list (%v) (x%v)"),
	translatable("identifier %v matches the list"),
	translatable("compared as written: %v and %v differ in characters (%v)"),
}

// scoreFactor is how a note writes the factor that moved a score,
// "(x0.97)": the messages above keep it as a value, so that the figure
// is recognised and written the locale's way.
var scoreFactor = regexp.MustCompile(`\(x([0-9]+\.[0-9]+)\)`)

// reason shows a hit's explanation in the locale (see sentence), a factor
// that moved the score with the multiplication sign and the locale's
// decimal mark: "(×0.97)", "(×0,97)". A note as stored keeps the x.
func (l *locale) reason(note string) string {
	return scoreFactor.ReplaceAllStringFunc(l.sentence(note), func(m string) string {
		figure, _ := l.recognise(scoreFactor.FindStringSubmatch(m)[1], 1)
		return "(×" + figure + ")"
	})
}
