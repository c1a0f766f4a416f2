// Package earlywarning owns Upstream's early-warning domain: the signal record
// that other capabilities produce (grievance counts, confirmed watchlist hits,
// risk score changes, reference-data updates), the detectors that turn signals
// into alerts (per-organisation threshold rules and count-anomaly detectors for
// daily grievance series), the backtest and synthetic tuning harness for those
// detectors, the alert life cycle (severity, deduplication, acknowledge,
// assign, snooze, resolve) and the delivery domain (outbox messages, retry
// policy, dead letters, signed webhooks, daily digests).
//
// It holds rules and types only. It must not import database/sql, net/http, a
// database driver or any adapter; storage and transport implement the narrow
// interfaces declared in store.go.
package earlywarning
