package supplychain

import (
	"context"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// PartyFilter narrows ListParties. Zero fields do not filter.
type PartyFilter struct {
	Country   string // ISO alpha-2
	Commodity string // canonical commodity id, matched against Party.Commodities
	Kind      Kind
	// NamePrefix matches parties whose NormalKey(name) starts with
	// NormalKey(NamePrefix).
	NamePrefix string
}

// Store persists an organisation's supply graph. Every method is scoped to
// one organisation: ids are unique within an organisation only (content-
// derived ids repeat across organisations by design), so an adapter keys
// rows by (orgID, id).
//
// Error contract, for every method: kernel.Invalid when an argument breaks
// the model's rules (the message names the field); kernel.NotFound when the
// organisation or a named party does not exist; kernel.Unavailable when the
// database cannot be reached; kernel.Internal for anything else. A failed
// call writes nothing.
type Store interface {
	// UpsertParties stores parties, each replacing any stored party with the
	// same id, in one transaction. Storing a party equal to the stored one
	// changes nothing, so an import repeated is a no-op. Parties must have
	// passed Validate; an adapter may check again and returns kernel.Invalid.
	UpsertParties(ctx context.Context, orgID string, parties []Party) error

	// UpsertLinks stores links, each replacing the stored link with the same
	// key (buyer, supplier, commodity), in one transaction. It returns
	// kernel.NotFound, writing nothing, when a link names a party that is not
	// stored (a Buyer equal to Reporting needs no party).
	UpsertLinks(ctx context.Context, orgID string, links []Link) error

	// ListParties returns one page of parties matching f, ordered by name
	// then id, and the total number that match. An empty page is not an
	// error. The page is normalised with kernel.Page.Normalise.
	ListParties(ctx context.Context, orgID string, f PartyFilter, page kernel.Page) ([]Party, int, error)

	// GetParty returns one party, or kernel.NotFound.
	GetParty(ctx context.Context, orgID, id string) (Party, error)
}
