package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// SupplierReader is what the supplier register, supplier page, risk map
// and dashboard read of an organisation's supply chain. The SQL store's
// supply-chain repository implements it. Errors follow supplychain.Store:
// kernel.NotFound for an unknown party, kernel.Invalid for a bad filter.
type SupplierReader interface {
	Register(ctx context.Context, orgID string, f supplychain.RegisterFilter, sort supplychain.RegisterSort, page kernel.Page) ([]supplychain.RegisterEntry, int, error)
	GetParty(ctx context.Context, orgID, id string) (supplychain.Party, error)
	PartyLinks(ctx context.Context, orgID, id string) (suppliers, buyers []supplychain.Link, err error)
	ListParties(ctx context.Context, orgID string, f supplychain.PartyFilter, page kernel.Page) ([]supplychain.Party, int, error)
}

// PartyRiskReader reads one party's stored risk directly. When the
// SupplierReader also implements it the supplier page uses it; otherwise
// the page finds the party's row in the register (see partyRisk).
type PartyRiskReader interface {
	PartyRisk(ctx context.Context, orgID, id string) (supplychain.PartyRisk, error)
}

// SupplierImporter imports supplier files (any supported format) into an
// organisation in one transaction and recomputes its risk; the assessment
// service implements it. Without skipBadRows one bad row imports nothing
// and the error is kernel.Invalid; the summary still carries every file's
// row errors.
type SupplierImporter interface {
	ImportAndRecompute(ctx context.Context, orgID string, files []assessment.NamedFile, skipBadRows bool) (assessment.Summary, error)
}

// SiteAuditAdmin lists an organisation's stored audits and
// certifications and deletes one, recording who did and recomputing risk;
// assessment.Service is one. DeleteAudit returns kernel.NotFound when
// there is no such audit.
type SiteAuditAdmin interface {
	Audits(ctx context.Context, orgID string) ([]ingest.StoredAudit, error)
	DeleteAudit(ctx context.Context, orgID, actor, partyID, scheme string, date time.Time) (ingest.StoredAudit, error)
}

// WatchlistHitCounter gives the number of watchlist hits recorded against a
// party: pending review and confirmed.
type WatchlistHitCounter interface {
	PartyHits(ctx context.Context, orgID, partyID string) (pending, confirmed int, err error)
}

// RegisterPartyReader reads one party with its stored risk; the SQL
// store's reporting reader implements it. It returns kernel.NotFound for
// an unknown party.
type RegisterPartyReader interface {
	RegisterParty(ctx context.Context, orgID, id string) (reportdata.PartyRow, error)
}

// GrievanceCounter counts an organisation's grievance cases received in a
// period, of one supplier; the SQL store's reporting reader implements it
// (reportdata.GrievanceAggregates). Pages suppress small counts for roles
// without case access.
type GrievanceCounter = reportdata.GrievanceAggregates

// levels are the risk levels, lowest first; unknown (missing data) is
// below them all, so lists from the highest down end with it.
var levels = []string{"unknown", "low", "medium", "high", "critical"}

func validLevel(l string) bool {
	for _, v := range levels {
		if v == l {
			return true
		}
	}
	return false
}

// countryName names a country for display, falling back to its code.
func countryName(code string) string {
	if code == "" {
		return "unknown"
	}
	if c, ok := country.ByAlpha2(code); ok {
		return c.Name
	}
	return code
}

// commodity names a canonical commodity in the reader's language; text
// that names no commodity Upstream knows (kept from the file as written)
// is shown as it is.
func (l *locale) commodity(id string) string {
	if c, ok := commodity.ByID(id); ok {
		return l.tr(escapeVerbs(c.Name))
	}
	return id
}

// registerQuery is the register's filter, sort and page as read from the
// query string. Bad values become messages, never errors: the page still
// shows with the valid part of the filter.
type registerQuery struct {
	Filter   supplychain.RegisterFilter
	Name     string
	Sort     supplychain.RegisterSort
	Page     int // 1-based
	PerPage  int
	Problems []string
	// BadParams names the query parameter behind each of Problems, in
	// the same order, so the API can say which parameter to fix.
	BadParams []string
	// Names is the language the orders by country and commodity follow:
	// the page's (nil, English, for the API).
	Names *supplychain.NameOrder
}

// problem records a bad value of the query parameter param.
func (rq *registerQuery) problem(param, msg string) {
	rq.Problems = append(rq.Problems, msg)
	rq.BadParams = append(rq.BadParams, param)
}

const registerPerPage = 50

func parseRegisterQuery(q url.Values) registerQuery {
	rq := registerQuery{Sort: supplychain.SortExposure, Page: 1, PerPage: registerPerPage}
	if v := strings.TrimSpace(q.Get("country")); v != "" {
		if c, err := country.Lookup(v); err == nil {
			rq.Filter.Country = c.Alpha2
		} else {
			rq.problem("country", kernel.ErrorMessage(err))
		}
	}
	if v := strings.TrimSpace(q.Get("commodity")); v != "" {
		if c, known := commodity.Normalise(v); known {
			rq.Filter.Commodity = c.ID
		} else {
			rq.problem("commodity", "commodity "+strconv.Quote(v)+" is not a known commodity")
		}
	}
	if v := strings.TrimSpace(q.Get("tier")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 99 {
			rq.Filter.Tier = n
		} else {
			rq.problem("tier", "tier "+strconv.Quote(v)+" is not a tier number from 1 to 99")
		}
	}
	if v := strings.ToLower(strings.TrimSpace(q.Get("level"))); v != "" {
		if validLevel(v) {
			rq.Filter.Level = v
		} else {
			rq.problem("level", "level "+strconv.Quote(v)+" is not one of unknown, low, medium, high, critical")
		}
	}
	rq.Name = strings.TrimSpace(q.Get("q"))
	if len(rq.Name) > 200 {
		rq.Name = rq.Name[:200]
	}
	if v := q.Get("sort"); v != "" {
		if supplychain.RegisterSort(v).Valid() {
			rq.Sort = supplychain.RegisterSort(v)
		} else {
			rq.problem("sort", "sort "+strconv.Quote(v)+" is not one of exposure, name, country, commodities, tier, inherent, signals, level (or one of them after a minus sign, for the reverse order)")
		}
	}
	if v := q.Get("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 1_000_000 {
			rq.Page = n
		} else {
			rq.problem("page", "page "+strconv.Quote(v)+" is not a page number")
		}
	}
	return rq
}

// values returns the query string for rq, with changes applied.
func (rq registerQuery) values(change func(url.Values)) string {
	v := url.Values{}
	if rq.Filter.Country != "" {
		v.Set("country", rq.Filter.Country)
	}
	if rq.Filter.Commodity != "" {
		v.Set("commodity", rq.Filter.Commodity)
	}
	if rq.Filter.Tier != 0 {
		v.Set("tier", strconv.Itoa(rq.Filter.Tier))
	}
	if rq.Filter.Level != "" {
		v.Set("level", rq.Filter.Level)
	}
	if rq.Name != "" {
		v.Set("q", rq.Name)
	}
	if rq.Sort != supplychain.SortExposure {
		v.Set("sort", string(rq.Sort))
	}
	if rq.Page > 1 {
		v.Set("page", strconv.Itoa(rq.Page))
	}
	if change != nil {
		change(v)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// registerLink is the register filtered by one field.
func registerLink(key, value string) string {
	return "/suppliers?" + url.Values{key: {value}}.Encode()
}

// pct formats a 0-100 score with one decimal.
func score(f float64) string { return fmtFixed(f, 1, false) }

// aggregateTTL is how long the per-organisation aggregates of the risk map
// and dashboard (counts per country and per level) are reused. They are
// counted over the whole register, and risk only changes when an import
// or recompute runs; an import from the web page clears them at once.
const aggregateTTL = 2 * time.Minute

// aggregateCache holds, per organisation, values that cost a pass over the
// register; the dashboard and the supply-chain pages share one. Its age is
// read from the server's clock.
type aggregateCache struct {
	clock   kernel.Clock
	entries sync.Map // aggregateKey -> aggregateEntry
}

func newAggregateCache(clock kernel.Clock) *aggregateCache { return &aggregateCache{clock: clock} }

type aggregateKey struct{ org, what string }

type aggregateEntry struct {
	at    time.Time
	value any
}

// cachedAggregate returns the cached value of what for org, or computes
// and stores it.
func cachedAggregate[T any](c *aggregateCache, org, what string, compute func() (T, error)) (T, error) {
	key := aggregateKey{org, what}
	if e, ok := c.entries.Load(key); ok {
		entry := e.(aggregateEntry)
		if c.clock.Now().Sub(entry.at) < aggregateTTL {
			return entry.value.(T), nil
		}
	}
	v, err := compute()
	if err == nil {
		c.entries.Store(key, aggregateEntry{c.clock.Now(), v})
	}
	return v, err
}

// forget drops the cached aggregates of org, after its data changed.
func (c *aggregateCache) forget(org string) {
	c.entries.Range(func(k, _ any) bool {
		if k.(aggregateKey).org == org {
			c.entries.Delete(k)
		}
		return true
	})
}
