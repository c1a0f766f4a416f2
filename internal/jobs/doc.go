// Package jobs is the adapter that runs Upstream's background work inside
// the server process: a scheduler that runs named jobs at intervals, each
// guarded by a lease in the database so that with several servers on one
// PostgreSQL a job runs on one server at a time, and the early-warning jobs
// themselves (outbox delivery over signed webhooks and SMTP, the daily
// digest, and count-anomaly detection over stored grievance counts).
//
// It imports capability packages and the standard library; it must not
// import another adapter. Storage reaches it through the narrow interfaces
// declared here, which internal/sqlstore satisfies and internal/cli wires.
package jobs
