package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// registerOrder is the order of each order of the register, the same on
// both engines; every order ends on the id, so pages never overlap, and a
// page can resume after a row's key (supplychain.RegisterKey gives it).
// Country and commodity are ordered by their names, which live in Go, not
// in the database, and differ by language: by each one's place among the
// names in the page's language (see supplychain.NameOrder). The orders by
// country, commodity, tier and level start with a place filled in by
// registerCols, which depends on the direction: a party without the value
// comes last either way.
var registerOrder = map[supplychain.RegisterSort][]keyCol{
	supplychain.SortExposure:    {{"p.exposure", true, keyFloat}, {"p.id", false, keyText}},
	supplychain.SortName:        {{"p.name", false, keyText}, {"p.id", false, keyText}},
	supplychain.SortCountry:     {{"", false, keyInt}, {"p.name", false, keyText}, {"p.id", false, keyText}},
	supplychain.SortCommodities: {{"", false, keyInt}, {"p.name", false, keyText}, {"p.id", false, keyText}},
	supplychain.SortTier:        {{"", false, keyInt}, {"p.exposure", true, keyFloat}, {"p.id", false, keyText}},
	supplychain.SortInherent:    {{"p.inherent", true, keyFloat}, {"p.id", false, keyText}},
	supplychain.SortSignals:     {{"p.signals", true, keyFloat}, {"p.id", false, keyText}},
	supplychain.SortLevel:       {{"", false, keyInt}, {"p.exposure", true, keyFloat}, {"p.id", false, keyText}},
}

// placeExpr is the first column of the orders by country, commodity, tier
// and level, read forward or reversed, country and commodity by their
// names in the language of names: each party's place, a party without the
// value placed by supplychain.Placed. It is "" for the other orders.
func (s *SupplyChain) placeExpr(base supplychain.RegisterSort, rev bool, names *supplychain.NameOrder) string {
	switch base {
	case supplychain.SortCountry, supplychain.SortCommodities:
		return s.db.nameOrderCase(base, rev, names)
	case supplychain.SortTier:
		return fmt.Sprintf("CASE WHEN p.tier > 0 THEN p.tier ELSE %d END", supplychain.Placed(supplychain.UnknownTier, supplychain.UnknownTier, rev))
	case supplychain.SortLevel:
		return fmt.Sprintf("CASE p.level WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE %d END",
			supplychain.Placed(supplychain.UnknownLevel, supplychain.UnknownLevel, rev))
	}
	return ""
}

// nameOrderKey names one CASE expression of nameOrderCase: the order (by
// country or by commodity), its direction and the names' language.
type nameOrderKey struct {
	by   supplychain.RegisterSort
	rev  bool
	lang string
}

// nameOrderCase is a party's country's (by country) or first commodity's
// (by commodity) place among the names of names, forward or reversed, as
// an SQL expression. The expression spells out every country or commodity
// (some 250 and 155 of them), so it is built once per order, direction and
// language and kept for the life of the database handle: a few languages
// make a few dozen strings.
func (db *DB) nameOrderCase(by supplychain.RegisterSort, rev bool, names *supplychain.NameOrder) string {
	key := nameOrderKey{by, rev, names.Language()}
	if e, ok := db.nameOrderCases.Load(key); ok {
		return e.(string)
	}
	var e string
	if by == supplychain.SortCountry {
		e = placeCase("p.country", country.Codes(), names.Country, rev)
	} else {
		var ids []string
		for _, c := range commodity.All() {
			ids = append(ids, c.ID)
		}
		e = placeCase(firstCommodity[db.Engine], ids, names.Commodity, rev)
	}
	db.nameOrderCases.Store(key, e)
	return e
}

// firstCommodity is the first of a party's commodities (a JSON list of
// ids), or NULL when it has none.
var firstCommodity = map[Engine]string{
	SQLite:   "json_extract(p.commodities, '$[0]')",
	Postgres: "(p.commodities::jsonb ->> 0)",
}

// placeCase spells out order over every code as a CASE expression; a code
// not listed (or NULL) is placed by supplychain.Placed, after every listed
// one in the order read forward or reversed.
func placeCase(expr string, codes []string, order func(string) int, rev bool) string {
	var b strings.Builder
	b.WriteString("CASE " + expr)
	for _, c := range codes {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(c, "'", "''"), order(c))
	}
	fmt.Fprintf(&b, " ELSE %d END", supplychain.Placed(order(""), order(""), rev))
	return b.String()
}

// registerCols is the order sortBy, with country and commodity names in
// the language of names: the base order's columns, each turned the other
// way when sortBy is reversed (the id too, so that pages still resume
// after a row's key).
func (s *SupplyChain) registerCols(sortBy supplychain.RegisterSort, names *supplychain.NameOrder) ([]keyCol, bool) {
	base, rev := sortBy.Base()
	cols, ok := registerOrder[base]
	if !ok {
		return nil, false
	}
	cols = slices.Clone(cols)
	if e := s.placeExpr(base, rev, names); e != "" {
		cols[0].expr = e
	}
	if rev {
		for i := range cols {
			cols[i].desc = !cols[i].desc
		}
	}
	return cols, true
}

// Register returns one page of the organisation's risk register and the
// number of parties that match, ordered by country or commodity names in
// the language of f.Names. Ties are broken by id, so pages never overlap.
//
// Once the organisation's risk has been computed, the register by
// exposure is read from the register keys' indexes and the total from the
// register counts, both written by SaveRisk, so neither grows with the
// organisation; parties imported since wait for the next recompute. Before
// any recompute, sorted by name, or searched by name, the register reads
// the parties table: a name search is a range of the name-key index,
// counted over its matches, and lists parties not yet scored as well.
func (s *SupplyChain) Register(ctx context.Context, orgID string, f supplychain.RegisterFilter, sortBy supplychain.RegisterSort, page kernel.Page) ([]supplychain.RegisterEntry, int, error) {
	page = page.Normalise()
	cols, ok := s.registerCols(sortBy, f.Names)
	if !ok {
		return nil, 0, kernel.Errorf(kernel.Invalid, "sort %q: use exposure, name, country, commodities, tier, inherent, signals or level, or one of them after a minus sign for the reverse order", sortBy)
	}
	var total int
	counted := false
	if f.NamePrefix == "" && f.Search == "" {
		var err error
		if total, counted, err = s.registerCount(ctx, orgID, f); err != nil {
			return nil, 0, err
		}
	}
	var q string
	var args []any
	if counted && (sortBy == supplychain.SortExposure || sortBy == "") { // highest first only: the keys' index order
		// The page is chosen from one index of the register keys (the
		// planner picks the one that matches the filters), and only its
		// rows are read from the parties table.
		k := &where{}
		k.add("k.org_id = $?", orgID)
		k.add("k.commodity = $?", f.Commodity)
		k.conds = append(k.conds, "k.level <> ''")
		if f.Country != "" {
			k.add("k.country = $?", f.Country)
		}
		if f.Tier != 0 {
			k.add("k.tier = $?", f.Tier)
		}
		if f.Level != "" {
			k.add("k.level = $?", f.Level)
		}
		if len(page.After) > 0 {
			cond, args, err := keysetAfter([]keyCol{{"k.exposure", true, keyFloat}, {"k.party_id", false, keyText}}, page.After, len(k.args))
			if err != nil {
				return nil, 0, err
			}
			k.conds, k.args = append(k.conds, cond), append(k.args, args...)
		}
		q = fmt.Sprintf(`WITH page AS (SELECT k.party_id, k.exposure FROM register_keys k WHERE %s
			ORDER BY k.exposure DESC, k.party_id LIMIT %d OFFSET %d)
			%s, p.tier, p.inherent, p.signals, p.own, p.exposure, p.level, p.factors, p.confidence, p.missing
			FROM page JOIN parties p ON p.org_id = $1 AND p.id = page.party_id
			ORDER BY page.exposure DESC, page.party_id`, k.sql(), page.Limit, page.Offset, partySelect)
		args = k.args
	} else {
		w := registerWhere(s.db.Engine, orgID, f)
		if counted {
			// The total counts scored parties only; so does the page.
			w.conds = append(w.conds, "p.level <> ''")
		} else {
			if err := s.db.read.QueryRowContext(ctx, "SELECT count(*) FROM parties p WHERE "+w.sql(), w.args...).Scan(&total); err != nil {
				return nil, 0, classify(err, "register")
			}
		}
		if len(page.After) > 0 {
			cond, args, err := keysetAfter(cols, page.After, len(w.args))
			if err != nil {
				return nil, 0, err
			}
			w.conds, w.args = append(w.conds, cond), append(w.args, args...)
		}
		q = fmt.Sprintf("%s, p.tier, p.inherent, p.signals, p.own, p.exposure, p.level, p.factors, p.confidence, p.missing FROM parties p WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
			partySelect, w.sql(), orderBy(cols), page.Limit, page.Offset)
		args = w.args
	}
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, classify(err, "register")
	}
	defer rows.Close()
	var out []supplychain.RegisterEntry
	fr := &factorReader{ctx: ctx, q: s.db.read, org: orgID}
	for rows.Next() {
		var e supplychain.RegisterEntry
		var factors, missing string
		e.Party, err = scanParty(rows, &e.Risk.Tier, &e.Risk.Inherent, &e.Risk.Signals, &e.Risk.Own, &e.Risk.Exposure, &e.Risk.Level, &factors,
			&e.Risk.Confidence, &missing)
		if err != nil {
			return nil, 0, classify(err, "register")
		}
		if err := decodeList(missing, &e.Risk.Missing); err != nil {
			return nil, 0, fmt.Errorf("party %s missing: %w", e.Party.ID, err)
		}
		e.Risk.ID = e.Party.ID
		if e.Risk.Factors, err = fr.decode(factors); err != nil {
			return nil, 0, fmt.Errorf("party %s factors: %w", e.Party.ID, err)
		}
		out = append(out, e)
	}
	return out, total, classify(rows.Err(), "register")
}

// registerWhere filters the parties table by f.
func registerWhere(engine Engine, orgID string, f supplychain.RegisterFilter) *where {
	w := newWhere(orgID)
	if f.Country != "" {
		w.add("p.country = $?", f.Country)
	}
	if f.Tier != 0 {
		w.add("p.tier = $?", f.Tier)
	}
	if f.Level != "" {
		w.add("p.level = $?", f.Level)
	}
	w.commodity(f.Commodity)
	w.namePrefix(f.NamePrefix)
	w.search(engine, f.Search)
	return w
}

// registerCount returns the number of scored parties matching f from the
// register counts, and false when the organisation has none (its risk was
// never computed, or it has no parties).
func (s *SupplyChain) registerCount(ctx context.Context, orgID string, f supplychain.RegisterFilter) (int, bool, error) {
	w := &where{}
	w.add("org_id = $?", orgID)
	w.add("commodity = $?", f.Commodity)
	if f.Country != "" {
		w.add("country = $?", f.Country)
	}
	if f.Tier != 0 {
		w.add("tier = $?", f.Tier)
	}
	if f.Level != "" {
		w.add("level = $?", f.Level)
	}
	var some int
	var total sql.NullInt64
	err := s.db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM register_counts WHERE org_id = $1 AND commodity = '' LIMIT 1) x),
		(SELECT CAST(sum(parties) AS BIGINT) FROM register_counts WHERE `+w.sql()+`)`, w.args...).Scan(&some, &total)
	if err != nil {
		return 0, false, classify(err, "register counts")
	}
	return int(total.Int64), some > 0, nil
}

// PendingRecomputes returns the organisations whose stored risk a
// migration marked as computed under an older method, ordered by id.
func (s *SupplyChain) PendingRecomputes(ctx context.Context) ([]string, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT org_id FROM risk_recompute ORDER BY org_id")
	if err != nil {
		return nil, classify(err, "pending recomputes")
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, classify(err, "pending recomputes")
		}
		ids = append(ids, id)
	}
	return ids, classify(rows.Err(), "pending recomputes")
}

// RecomputeDone removes an organisation from the pending recomputes once
// its risk has been computed again.
func (s *SupplyChain) RecomputeDone(ctx context.Context, orgID string) error {
	_, err := s.db.write.ExecContext(ctx, "DELETE FROM risk_recompute WHERE org_id = $1", orgID)
	return classify(err, "pending recomputes")
}

// RecomputePending returns the organisation's pending-recompute mark: 0
// when its stored risk reflects every import, else a number that changes
// with each import.
func (s *SupplyChain) RecomputePending(ctx context.Context, orgID string) (int64, error) {
	var n int64
	err := s.db.read.QueryRowContext(ctx, "SELECT pending FROM risk_recompute WHERE org_id = $1", orgID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, classify(err, "recompute mark")
}

// ClearRecompute removes the mark a recompute read before it started,
// unless another import has changed it since (that import's recompute
// removes it).
func (s *SupplyChain) ClearRecompute(ctx context.Context, orgID string, seen int64) error {
	_, err := s.db.write.ExecContext(ctx, "DELETE FROM risk_recompute WHERE org_id = $1 AND pending = $2", orgID, seen)
	return classify(err, "recompute mark")
}
