package reportdata

import (
	"context"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Org is the organisation a report or scorecard is made for.
type Org struct {
	ID      string
	Slug    string
	Name    string
	Country string // ISO 3166 alpha-2, optional
}

// PartyRow is a party of the supply map with its stored risk, as the
// register shows it, and what traceability needs to know about it.
type PartyRow struct {
	report.Party
	Kind supplychain.Kind
	// Identified is set when the party carries an OS ID, LEI or GLN.
	Identified bool
}

// SupplyChain reads the organisation's supply map and stored risk register.
// Every method filters on orgID.
type SupplyChain interface {
	// RegisterParties returns the organisation's parties with their
	// stored risk, highest exposure first (ties by id); limit 0 returns
	// all of them. None is an empty slice and no error.
	RegisterParties(ctx context.Context, orgID string, limit int) ([]PartyRow, error)
	// RegisterParty returns one party; kernel.NotFound when the
	// organisation has no party with that id.
	RegisterParty(ctx context.Context, orgID, id string) (PartyRow, error)
	// SupplyLinks returns every supply link of the organisation. A link
	// whose Buyer is "" supplies the organisation itself (tier 1).
	SupplyLinks(ctx context.Context, orgID string) ([]supplychain.Link, error)
}

// CaseTimes is when one grievance case was received and when it left the
// "received" stage (zero while it has not). It carries no case id and
// nothing of the case's content.
type CaseTimes struct {
	Received     time.Time
	Acknowledged time.Time
}

// GrievanceCounts are grievance aggregates over a period: counts by
// category code and by stage, handling times and remedy outcomes. There is
// nowhere to put a narrative, a message, a name or a contact.
type GrievanceCounts struct {
	Total      int
	ByCategory map[grievance.Category]int
	ByStage    map[grievance.Stage]int
	Handling   []CaseTimes
	// RemediesProposed counts remedies offered (withdrawn ones excluded),
	// RemediesAccepted those accepted or implemented, RemediesImplemented
	// those implemented.
	RemediesProposed    int
	RemediesAccepted    int
	RemediesImplemented int
}

// GrievanceAggregates reads grievance counts, never case content.
type GrievanceAggregates interface {
	// GrievanceCounts counts the organisation's cases received from from
	// to to (days, inclusive), of one supplier when supplierID is not "".
	GrievanceCounts(ctx context.Context, orgID, supplierID string, from, to time.Time) (GrievanceCounts, error)
}

// GrievanceChannel says whether Upstream's own grievance channel is open
// for an organisation: whether reports can be sealed to it.
type GrievanceChannel interface {
	ChannelOpen(ctx context.Context, orgID string) (bool, error)
}

// ScreeningSummary reads watchlist screening status.
type ScreeningSummary interface {
	// ScreeningSummary returns the status of the organisation's parties, or
	// of one party when partyID is not "". It returns nil and no error when
	// nothing has been screened.
	ScreeningSummary(ctx context.Context, orgID, partyID string) (*report.Screening, error)
}

// ImpactSource reads prevention programmes and their results; the impact
// store implements it.
type ImpactSource interface {
	Programmes(ctx context.Context, org string) ([]impact.Programme, error)
	Observations(ctx context.Context, org, programmeID, indicator string) ([]impact.Observation, error)
	Analyses(ctx context.Context, org, programmeID string) ([]impact.Analysis, error)
}
