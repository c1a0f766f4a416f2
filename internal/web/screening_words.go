package web

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
	translatable("a number in the list name is not in the query (x0.75)"),
	translatable("word order differs (x0.97)"),
	translatable("matched a weak alias (x0.92)"),
	translatable("country %v agrees with the list"),
	translatable("country %v differs from the list (%v) (x0.90)"),
	translatable("identifier %v matches the list"),
	translatable("compared as written: %v and %v differ in characters (%v)"),
}
