package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// SupplyChain implements supplychain.Store, the bulk writer the importers
// feed, and the stored risk register.
type SupplyChain struct{ db *DB }

// SupplyChain returns the supply-chain repository.
func (db *DB) SupplyChain() *SupplyChain { return &SupplyChain{db: db} }

var _ supplychain.Store = (*SupplyChain)(nil)

// scanParty reads the columns of partyColumns after org_id.
func scanParty(row interface{ Scan(...any) error }, extra ...any) (supplychain.Party, error) {
	var p supplychain.Party
	var kind, nameKey, comm, unknown, attrs, inferred string
	var lat, lng sql.NullFloat64
	dest := append([]any{&p.ID, &p.Ref, &p.Name, &nameKey, &kind, &p.Country, &p.Region, &p.Address, &lat, &lng,
		&p.OSID, &p.LEI, &p.GLN, &p.Workers, &comm, &unknown, &attrs, &inferred, &p.InferredFrom}, extra...)
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	p.Kind = supplychain.Kind(kind)
	if lat.Valid && lng.Valid {
		p.Lat, p.Lng = &lat.Float64, &lng.Float64
	}
	if err := decodeList(comm, &p.Commodities); err != nil {
		return p, err
	}
	if err := decodeList(unknown, &p.UnknownCommodities); err != nil {
		return p, err
	}
	if err := decodeList(inferred, &p.InferredCommodities); err != nil {
		return p, err
	}
	if attrs != "{}" && attrs != "" {
		if err := json.Unmarshal([]byte(attrs), &p.Attributes); err != nil {
			return p, fmt.Errorf("party %s attributes: %w", p.ID, err)
		}
	}
	return p, nil
}

func decodeList(s string, out *[]string) error {
	if s == "[]" || s == "" {
		*out = nil
		return nil
	}
	return json.Unmarshal([]byte(s), out)
}

const partySelect = `SELECT p.id, p.ref, p.name, p.name_key, p.kind, p.country, p.region, p.address, p.lat, p.lng,
	p.os_id, p.lei, p.gln, p.workers, p.commodities, p.unknown_commodities, p.attributes, p.inferred_commodities, p.inferred_from`

// GetParty returns one party, or kernel.NotFound.
func (s *SupplyChain) GetParty(ctx context.Context, orgID, id string) (supplychain.Party, error) {
	p, err := scanParty(s.db.read.QueryRowContext(ctx, partySelect+" FROM parties p WHERE p.org_id = $1 AND p.id = $2", orgID, id))
	if err != nil {
		return supplychain.Party{}, classify(err, "party "+id)
	}
	return p, nil
}

// where builds the filter shared by the listing queries: conditions on the
// alias p and their arguments, numbered after orgID ($1).
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(w.args))))
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

func newWhere(orgID string) *where {
	w := &where{}
	w.add("p.org_id = $?", orgID)
	return w
}

// namePrefix keeps parties whose name key starts with the key of prefix:
// a range of the name-key index.
func (w *where) namePrefix(prefix string) {
	if prefix != "" {
		k := supplychain.NormalKey(prefix)
		w.add("p.name_key >= $?", k)
		w.add("p.name_key < $?", k+prefixEnd)
	}
}

func (w *where) commodity(c string) {
	if c != "" {
		// The list column holds the canonical ids as a JSON array, so the
		// id in quotes matches exactly one element. (The register by
		// exposure filters through the register keys' index instead.)
		w.add(`p.commodities LIKE $? ESCAPE '\'`, `%"`+likeEscaper.Replace(c)+`"%`)
	}
}

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// prefixEnd is above every string that starts with the prefix it is
// appended to; both engines compare these columns byte by byte.
const prefixEnd = string(utf8.MaxRune)

// ListParties returns one page of parties matching f, ordered by name then
// id, and the number that match.
func (s *SupplyChain) ListParties(ctx context.Context, orgID string, f supplychain.PartyFilter, page kernel.Page) ([]supplychain.Party, int, error) {
	page = page.Normalise()
	w := newWhere(orgID)
	if f.Country != "" {
		w.add("p.country = $?", f.Country)
	}
	if f.Kind != "" {
		w.add("p.kind = $?", string(f.Kind))
	}
	w.commodity(f.Commodity)
	w.namePrefix(f.NamePrefix)
	var total int
	if err := s.db.read.QueryRowContext(ctx, "SELECT count(*) FROM parties p WHERE "+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, classify(err, "parties")
	}
	q := fmt.Sprintf("%s FROM parties p WHERE %s ORDER BY p.name, p.id LIMIT %d OFFSET %d", partySelect, w.sql(), page.Limit, page.Offset)
	rows, err := s.db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, classify(err, "parties")
	}
	defer rows.Close()
	var out []supplychain.Party
	for rows.Next() {
		p, err := scanParty(rows)
		if err != nil {
			return nil, 0, classify(err, "parties")
		}
		out = append(out, p)
	}
	return out, total, classify(rows.Err(), "parties")
}

// PartyLinks returns the links by which parties supply id (suppliers) and
// by which id supplies others (buyers), each ordered by the other party's
// id and the commodity.
func (s *SupplyChain) PartyLinks(ctx context.Context, orgID, id string) (suppliers, buyers []supplychain.Link, err error) {
	if _, err := s.GetParty(ctx, orgID, id); err != nil {
		return nil, nil, err
	}
	suppliers, err = queryLinks(ctx, s.db, "WHERE org_id = $1 AND buyer_id = $2 ORDER BY supplier_id, commodity", orgID, id)
	if err != nil {
		return nil, nil, err
	}
	buyers, err = queryLinks(ctx, s.db, "WHERE org_id = $1 AND supplier_id = $2 ORDER BY buyer_id, commodity", orgID, id)
	return suppliers, buyers, err
}

// queryLinks reads the links that tail (a WHERE and ORDER BY) selects.
func queryLinks(ctx context.Context, db *DB, tail string, args ...any) ([]supplychain.Link, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT buyer_id, supplier_id, commodity, share FROM links "+tail, args...)
	if err != nil {
		return nil, classify(err, "links")
	}
	defer rows.Close()
	var out []supplychain.Link
	for rows.Next() {
		var l supplychain.Link
		var share sql.NullFloat64
		if err := rows.Scan(&l.Buyer, &l.Supplier, &l.Commodity, &share); err != nil {
			return nil, classify(err, "links")
		}
		if share.Valid {
			v := share.Float64
			l.Share = &v
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "links")
}

// Graph returns every party of the organisation (ordered by id) with what
// scoring needs, and every link (ordered by buyer, supplier, commodity), for
// a full recompute of tiers and risk.
func (s *SupplyChain) Graph(ctx context.Context, orgID string) ([]supplychain.GraphParty, []supplychain.Link, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT id, country, commodities, inferred_commodities FROM parties WHERE org_id = $1 ORDER BY id", orgID)
	if err != nil {
		return nil, nil, classify(err, "parties")
	}
	defer rows.Close()
	var ps []supplychain.GraphParty
	for rows.Next() {
		var p supplychain.GraphParty
		var comm, inferred string
		if err := rows.Scan(&p.ID, &p.Country, &comm, &inferred); err != nil {
			return nil, nil, classify(err, "parties")
		}
		if err := decodeList(comm, &p.Commodities); err != nil {
			return nil, nil, fmt.Errorf("party %s commodities: %w", p.ID, err)
		}
		if err := decodeList(inferred, &p.Inferred); err != nil {
			return nil, nil, fmt.Errorf("party %s inferred commodities: %w", p.ID, err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, classify(err, "parties")
	}
	ls, err := queryLinks(ctx, s.db, "WHERE org_id = $1 ORDER BY buyer_id, supplier_id, commodity", orgID)
	return ps, ls, err
}
