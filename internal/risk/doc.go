// Package risk owns Upstream's explainable risk scores: the inherent risk of
// a party from reference data on its country and commodities, the signals
// that add to it (watchlist hits, grievances, audit findings), the levels,
// and the propagation of exposure from suppliers up to buyers. Every score
// decomposes into factors naming their source, edition and contribution.
// The method is written up in docs/risk-model.md; its weights live in one
// file, weights.json, embedded as the default and replaceable from a file.
//
// The package takes plain values (ISO codes, commodity ids, slices of ints
// for the graph) so it does not depend on how parties and links are stored.
package risk
