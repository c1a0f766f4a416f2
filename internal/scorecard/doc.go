// Package scorecard owns Upstream's evidence-based grades A to F for
// suppliers and for the reporting organisation itself: the questionnaire
// (themes, questions, answers with documents and dates), the evidence
// Upstream already holds (traceability coverage, screening status, grievance
// handling, inherent risk) as typed inputs, the method that turns both into
// theme scores and a grade, the explanation of every grade, and the change
// between dated scorecards.
//
// The method is written up in docs/scorecard-method.md. Its weights, grade
// scales and evidence-age rules live in one file, weights.json, embedded as
// the default and replaceable from a file. Missing evidence scores zero and
// is listed; it never counts as good.
//
// The package holds no storage: Store is the narrow interface a SQL adapter
// implements. It must not import database/sql, net/http or any adapter.
package scorecard
