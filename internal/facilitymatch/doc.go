// Package facilitymatch finds facility records that name the same place:
// the same factory listed by two brands, by one brand twice, or once in a
// file and once in the store. It owns the normalisation of facility names
// (legal forms removed, spaced-out letters joined, other scripts
// transliterated) and addresses (abbreviations expanded, numbers and
// postcodes kept apart), the blocking that proposes candidate pairs without
// comparing all pairs (country and rare name or address words, geohash
// cells, identifiers), and the scorer that turns a candidate pair into a
// score in 0..1 with reasons and a decision: Same (merged automatically) or
// Review (an analyst decides).
//
// It imports no storage or transport; the importer, the command line and
// the web adapter hand it records and act on the pairs it returns.
package facilitymatch
