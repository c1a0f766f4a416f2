package earlywarning

import (
	"context"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// AlertFilter narrows ListAlerts. Zero fields do not filter.
type AlertFilter struct {
	States      []State
	MinSeverity Severity
	AssignedTo  string
	SubjectKind SubjectKind
	SubjectID   string
}

// AlertStore is what the early-warning service needs from storage. The SQL
// adapter implements it once for SQLite and PostgreSQL; rules stay here.
//
// Error contract: every method returns a *kernel.Error. NotFound when the
// alert does not exist in the organisation (an alert of another organisation
// is reported as not found); Conflict as documented per method; Unavailable
// when the database cannot be reached; Internal for anything else. No method
// returns a nil error with an empty result for "not found".
type AlertStore interface {
	// OpenAlert returns the organisation's unresolved (open or acknowledged)
	// alert with the given key, or NotFound when there is none.
	OpenAlert(ctx context.Context, orgID, key string) (Alert, error)
	// Alert returns one alert by id, or NotFound.
	Alert(ctx context.Context, orgID, id string) (Alert, error)
	// ListAlerts returns alerts matching f, most recently seen first.
	ListAlerts(ctx context.Context, orgID string, f AlertFilter, p kernel.Page) ([]Alert, error)
	// SaveAlert writes a and enqueues msgs in one transaction, so that an
	// alert change and its notifications are stored together or not at all.
	// A new alert (Version 0) is inserted; it fails with Conflict when the
	// organisation already has an unresolved alert with the same key (the
	// caller reads it with OpenAlert and raises again). An existing alert is
	// updated only if its stored version still equals a.Version, otherwise
	// Conflict. The saved alert, with its new version, is returned.
	SaveAlert(ctx context.Context, a Alert, msgs []Message) (Alert, error)
}

// Outbox is what the delivery worker needs from storage. Several servers may
// run workers against one database: Claim hands each due message to one
// worker at a time.
//
// Error contract: as for AlertStore; Complete returns Conflict when the lease
// was lost (another worker claimed the message after this lease expired),
// in which case the caller drops its result.
type Outbox interface {
	// Claim leases up to limit pending messages whose NextAttemptAt is at or
	// before now, oldest first, for the lease duration, and returns them with
	// the lease token to pass to Complete. Messages leased by another worker
	// whose lease has not expired are skipped (SKIP LOCKED or a lease column).
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Lease, error)
	// Complete stores the message as updated by Delivered or Failed and
	// releases its lease.
	Complete(ctx context.Context, l Lease, m Message) error
	// Enqueue stores messages outside an alert change (daily digests).
	Enqueue(ctx context.Context, msgs []Message) error
}

// Lease is a message claimed by one worker until Until.
type Lease struct {
	Message Message
	Token   string
	Until   time.Time
}

// EndpointStore lists an organisation's delivery endpoints.
//
// Error contract: as for AlertStore; an organisation without endpoints gets
// an empty list and a nil error.
type EndpointStore interface {
	Endpoints(ctx context.Context, orgID string) ([]Endpoint, error)
}
