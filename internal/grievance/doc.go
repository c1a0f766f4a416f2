// Package grievance owns the worker-voice grievance mechanism as a domain:
// receipts (issuing, parsing, verifying, and throttling wrong guesses),
// report categories with their translated labels, reports split into clear
// triage fields and sealed fields, the case workflow with its response-time
// targets and escalation, remedy records, the message thread between
// handler and reporter, and the narrow store interfaces a SQL adapter
// implements.
//
// Cryptography is delegated to internal/vault; audit records to
// internal/audit. The package must not import storage or transport packages,
// and it never records reporter metadata: no addresses, user agents or
// times finer than a day.
package grievance
