// Package impact owns impact measurement: theories of change (logic models of
// inputs, activities, outputs, outcomes and impact, with assumptions and
// evidence), indicators and their observations per DHIS2-style period with
// disaggregations, progress to target and roll-ups, small-group suppression
// for breakdowns shown to people without case access, consent per purpose
// for survivor outcome records, and social return on investment (SROI) with
// sensitivity analysis.
//
// It is pure domain: it imports no storage or transport, and parsers of
// outside input (impact map JSON, observation CSV, period codes) return
// kernel.Invalid errors that name the field, line or column at fault.
package impact
