// Package survey owns worker-voice surveys as a domain: short, anonymous,
// regular questions to the workers of a site, answered from any phone, and
// the honest aggregates that turn their answers into site evidence.
//
// It holds the survey design (questions of five kinds with per-language
// wording, skip logic, a target of sites and a schedule of rounds), a
// library of ready questions built from the ILO indicators of forced labour
// and child labour, the parsing of answers as they arrive from a web form, a
// text message or a telephone keypad, the conversation that asks one
// question at a time over SMS, messaging or voice, and aggregation with
// small-count and complementary suppression, confidence intervals and
// response rates. Site evidence for the risk model and the comparison of
// rounds for early warning are derived from aggregates only, never from a
// single response.
//
// Respondents are never asked for a name. A phone number is never given to
// this package: channels pass a keyed hash of it (see vault), which is used
// to count one answer per number and to resume a conversation, and which the
// store forgets when the survey closes. Free-text answers are sealed by the
// service before they reach a store.
//
// The package must not import storage or transport packages.
package survey
