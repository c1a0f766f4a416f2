package grievance

import (
	"context"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// ReceiptRecord finds and checks a receipt: the locator narrows the search
// to one report, the verifier proves the secret digits.
type ReceiptRecord struct {
	OrgID    string
	Locator  string
	ReportID string
	Verifier vault.ReceiptVerifier // store its MarshalBinary form
}

// NewReport is everything intake stores for one submission, in one
// transaction.
type NewReport struct {
	Report      Report
	Receipt     ReceiptRecord
	Attachments []SealedAttachment
	Keys        []vault.WrappedKey
	Consents    []Consent
}

// ReportFilter selects reports for a handler's list. Zero fields do not
// filter.
type ReportFilter struct {
	Stages     []Stage
	Category   Category
	SupplierID string
	Country    string
	From, To   Day // received on or after From, on or before To

	// Locator keeps the live reports with this receipt locator (the part
	// of the receipt before the dash, which a reporter may read out).
	Locator    string
	Severities []Severity
	// Assignee keeps reports assigned to this user or, when Unassigned,
	// those assigned to no one.
	Assignee string
	// StartedBefore keeps reports whose current stage is a key and began
	// before the day given for it: with Targets.OverdueSince, the overdue
	// reports.
	StartedBefore map[Stage]Day
	// DangerFirst lists critical reports (someone in danger) before the
	// rest, each part newest first. It cannot be combined with a cursor.
	DangerFirst bool
}

// Unassigned is the ReportFilter.Assignee of reports assigned to no one.
const Unassigned = "-"

// ReportStore keeps reports. Every method is scoped to an organisation:
// asking for another organisation's report gives NotFound, never the
// report.
type ReportStore interface {
	// CreateReport stores the report, its receipt record, attachments and
	// wrapped keys atomically and durably before returning. Locators may
	// repeat: it never refuses a report for its locator.
	CreateReport(ctx context.Context, nr NewReport) error
	// ReceiptsByLocator returns the receipt records of the organisation's
	// live reports with that locator (none is not an error). Purged
	// reports have no record.
	ReceiptsByLocator(ctx context.Context, orgID, locator string) ([]ReceiptRecord, error)
	// LocatorUse counts the organisation's live reports on each of the
	// locators; a locator in use by none may be missing from the map.
	LocatorUse(ctx context.Context, orgID string, locators []string) (map[string]int, error)
	// Report returns one report, or NotFound.
	Report(ctx context.Context, orgID, reportID string) (Report, error)
	// Reports lists the organisation's reports matching f, newest first.
	// It returns an empty slice, not an error, when none match.
	Reports(ctx context.Context, orgID string, f ReportFilter, p kernel.Page) ([]Report, error)
	// UpdateReport stores r's triage, case and sealed fields when r.Version
	// equals the stored version, and returns r with Version incremented. A
	// non-nil change is added to the case history in the same transaction.
	// It returns Conflict when the stored version differs (someone else
	// changed the report; reload and retry) and NotFound when it is gone.
	UpdateReport(ctx context.Context, r Report, change *StageChange) (Report, error)
	// Attachments returns the report's sealed attachments, or NotFound when
	// the report does not exist.
	Attachments(ctx context.Context, orgID, reportID string) ([]SealedAttachment, error)
	// History returns the report's stage changes, oldest first.
	History(ctx context.Context, orgID, reportID string) ([]StageChange, error)
	// PurgeReport destroys the report durably: wrapped keys, receipt
	// record, sealed fields, attachments, messages, remedies, notes and
	// consents. The clear triage row may be kept, with Purged set and no
	// locator, for aggregate counts. It is idempotent and returns NotFound
	// only for an unknown report id.
	PurgeReport(ctx context.Context, orgID, reportID string) error
}

// ThreadStore keeps the message thread.
type ThreadStore interface {
	// AddMessage appends m to the report's thread, assigning the next Seq,
	// and returns the stored message. It returns NotFound when the report
	// does not exist.
	AddMessage(ctx context.Context, orgID string, m Message) (Message, error)
	// Messages returns the thread in Seq order (empty when there are none),
	// or NotFound when the report does not exist.
	Messages(ctx context.Context, orgID, reportID string) ([]Message, error)
}

// RemedyStore keeps remedy records.
type RemedyStore interface {
	// PutRemedy inserts r when r.Version is 0, otherwise updates it when
	// r.Version equals the stored version; it returns r with Version
	// incremented. An update with no EvidenceFile keeps the stored one. It returns Conflict on a version mismatch or a duplicate
	// id, and NotFound when the report or (for updates) the remedy is gone.
	PutRemedy(ctx context.Context, orgID string, r Remedy) (Remedy, error)
	// Remedies returns the report's remedies, oldest first, without their
	// evidence files (EvidenceFile is nil).
	Remedies(ctx context.Context, orgID, reportID string) ([]Remedy, error)
	// RemedyEvidence returns one remedy's sealed evidence file (empty
	// when none was attached), or NotFound.
	RemedyEvidence(ctx context.Context, orgID, reportID, remedyID string) ([]byte, error)
}

// ConsentStore keeps the reporter's consent answers.
type ConsentStore interface {
	// AddConsent records an answer; earlier answers stay as history. It
	// returns NotFound when the report does not exist.
	AddConsent(ctx context.Context, orgID, reportID string, c Consent) error
	// Consents returns every answer, oldest first, or NotFound when the
	// report does not exist.
	Consents(ctx context.Context, orgID, reportID string) ([]Consent, error)
}

// Store is everything the grievance service needs from storage. One SQL
// adapter implements it for SQLite and PostgreSQL.
type Store interface {
	ReportStore
	ThreadStore
	RemedyStore
	ConsentStore
	vault.KeyStore
}
