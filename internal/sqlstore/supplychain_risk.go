package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// SaveRisk stores computed risk for parties of the organisation, in one
// transaction. It reads rs as it writes, so a caller can compute the rows
// one at a time without holding them all; an error from rs rolls back and
// is returned. It returns kernel.NotFound, writing nothing, when a party is
// not stored.
//
// A party whose stored risk is already what rs gives, and whose register
// keys are in place, is left as it is: a recompute after importing the
// same file again, or after a change to a few parties, writes only what
// changed. The register keys mirror the party's risk, country and
// commodities, so they are rewritten whenever the risk changes, and an
// import removes them when a party's country or commodities change.
func (s *SupplyChain) SaveRisk(ctx context.Context, orgID string, rs iter.Seq2[supplychain.PartyRisk, error]) error {
	if err := s.db.tuneWriter(ctx); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := orgExists(ctx, tx, orgID); err != nil {
			return err
		}
		if err := s.db.lockFactorTexts(ctx, tx, orgID); err != nil {
			return err
		}
		dict, err := loadFactorDict(ctx, tx, orgID)
		if err != nil {
			return err
		}
		w := &riskWriter{stmtCache: newStmtCache(ctx, tx), engine: s.db.Engine, org: orgID, dict: dict,
			keys: &keyWriter{stmtCache: newStmtCache(ctx, tx), engine: s.db.Engine, feed: s.db.feed, org: orgID}}
		defer w.close()
		// SQLite reads and writes one party per statement: its planner may
		// scan the table for an UPDATE ... FROM, and in process a statement
		// costs no round trip. PostgreSQL gets batches.
		w.size = riskBatch
		if s.db.Engine == SQLite {
			w.size = 1
		}
		batch := make([]supplychain.PartyRisk, 0, w.size)
		for r, err := range rs {
			if err != nil {
				return err
			}
			batch = append(batch, r)
			if len(batch) == w.size {
				if err := w.save(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := w.save(batch); err != nil {
			return err
		}
		if err := w.flush(true); err != nil {
			return err
		}
		if err := w.keys.closeFeed(); err != nil {
			return err
		}
		if err := rebuildCounts(ctx, tx, orgID); err != nil {
			return err
		}
		return s.db.refreshStats(ctx, tx)
	})
}

// riskWriter compares computed risk with what is stored and writes what
// differs, in batches of size.
type riskWriter struct {
	stmtCache
	engine Engine
	org    string
	size   int
	keys   *keyWriter
	// dict numbers the texts of the factors written (see factors.go).
	dict *factorDict
	// updates are parties whose risk changed, with their factors encoded;
	// rekey are parties whose register keys are to be written again.
	updates []riskUpdateRow
	rekey   []supplychain.PartyRisk
}

type riskUpdateRow struct {
	supplychain.PartyRisk
	factors, missing string
}

func (w *riskWriter) close() {
	w.stmtCache.close()
	w.keys.close()
}

// storedRisk is a party's risk as stored, and whether its register keys
// are in place.
type storedRisk struct {
	tier                             int
	inherent, signals, own, exposure float64
	level, factors, missing          string
	confidence                       float64
	keyed                            bool
}

// save compares a batch with the stored rows and queues what differs.
func (w *riskWriter) save(batch []supplychain.PartyRisk) error {
	if len(batch) == 0 {
		return nil
	}
	batch = lastOfEachParty(batch, riskParty)
	if w.engine == SQLite {
		for _, r := range batch {
			if err := w.saveOne(r); err != nil {
				return err
			}
		}
		return w.flush(false)
	}
	stored, err := w.read(batch)
	if err != nil {
		return err
	}
	for _, r := range batch {
		old, ok := stored[r.ID]
		if !ok {
			return notStored(r.ID)
		}
		factors, err := w.encodeFactors(r)
		if err != nil {
			return err
		}
		missing := jsonList(r.Missing)
		same := old.tier == r.Tier && old.inherent == r.Inherent && old.signals == r.Signals && old.own == r.Own &&
			old.exposure == r.Exposure && old.level == r.Level && old.factors == factors &&
			old.confidence == r.Confidence && old.missing == missing
		if !same {
			w.updates = append(w.updates, riskUpdateRow{PartyRisk: r, factors: factors, missing: missing})
		}
		if !same || !old.keyed {
			w.rekey = append(w.rekey, r)
		}
	}
	return w.flush(false)
}

// saveOne is save on SQLite, where a statement costs no round trip: the
// update itself compares, so a changed score (every score of a first
// recompute) costs one statement, and only a party it left alone is read,
// to tell an unchanged party from one that is not stored and to see that
// its register keys are in place.
func (w *riskWriter) saveOne(r supplychain.PartyRisk) error {
	factors, err := w.encodeFactors(r)
	if err != nil {
		return err
	}
	update, err := w.stmt(`UPDATE parties SET tier = $3, inherent = $4, signals = $5, own = $6, exposure = $7, level = $8,
		factors = $9, confidence = $10, missing = $11 WHERE org_id = $1 AND id = $2 AND (tier IS NOT $3 OR inherent IS NOT $4
		OR signals IS NOT $5 OR own IS NOT $6 OR exposure IS NOT $7 OR level IS NOT $8 OR factors IS NOT $9
		OR confidence IS NOT $10 OR missing IS NOT $11)`)
	if err != nil {
		return err
	}
	res, err := update.ExecContext(w.ctx, w.org, r.ID, r.Tier, r.Inherent, r.Signals, r.Own, r.Exposure, r.Level, factors,
		r.Confidence, jsonList(r.Missing))
	if err != nil {
		return classify(err, "party risk")
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		w.rekey = append(w.rekey, r)
		return nil
	}
	stored, err := w.read([]supplychain.PartyRisk{r})
	if err != nil {
		return err
	}
	old, ok := stored[r.ID]
	if !ok {
		return notStored(r.ID)
	}
	if !old.keyed {
		w.rekey = append(w.rekey, r)
	}
	return nil
}

// lastOfEachParty keeps, of risks given for the same party, the last,
// as if each had been written in turn: one statement must not write a
// party's row or its register keys twice.
func lastOfEachParty[T any](rs []T, party func(*T) string) []T {
	last := make(map[string]int, len(rs))
	for i := range rs {
		last[party(&rs[i])] = i
	}
	if len(last) == len(rs) {
		return rs
	}
	kept := make([]T, 0, len(last))
	for i := range rs {
		if last[party(&rs[i])] == i {
			kept = append(kept, rs[i])
		}
	}
	return kept
}

func riskParty(r *supplychain.PartyRisk) string { return r.ID }

func notStored(id string) error {
	return kernel.Errorf(kernel.NotFound, "risk given for party %q, which is not stored in this organisation", id)
}

// encodeFactors returns the stored form of r's factors, storing the texts
// new to the organisation.
func (w *riskWriter) encodeFactors(r supplychain.PartyRisk) (string, error) {
	var storeErr error
	f, err := w.dict.encode(r.Factors, func(id int64, text string) error {
		st, err := w.stmt("INSERT INTO factor_texts (org_id, id, text) VALUES ($1, $2, $3)")
		if err == nil {
			_, err = st.ExecContext(w.ctx, w.org, id, text)
		}
		storeErr = classify(err, "factor texts")
		return storeErr
	})
	switch {
	case storeErr != nil:
		return "", storeErr
	case err != nil:
		return "", kernel.Wrap(kernel.Invalid, err, "party %s factors", r.ID)
	}
	return f, nil
}

// read returns the stored risk of the batch's parties that are stored.
func (w *riskWriter) read(batch []supplychain.PartyRisk) (map[string]storedRisk, error) {
	args := make([]any, 0, 1+len(batch))
	args = append(args, w.org)
	for _, r := range batch {
		args = append(args, r.ID)
	}
	st, err := w.stmt(`SELECT p.id, p.tier, p.inherent, p.signals, p.own, p.exposure, p.level, p.factors, p.confidence, p.missing,
		EXISTS (SELECT 1 FROM register_keys k WHERE k.party_id = p.id AND k.org_id = p.org_id AND k.commodity = '')
		FROM parties p WHERE p.org_id = $1 AND p.id IN (` + inList(len(batch), 2) + `)`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(w.ctx, args...)
	if err != nil {
		return nil, classify(err, "party risk")
	}
	defer rows.Close()
	out := make(map[string]storedRisk, len(batch))
	for rows.Next() {
		var id string
		var s storedRisk
		if err := rows.Scan(&id, &s.tier, &s.inherent, &s.signals, &s.own, &s.exposure, &s.level, &s.factors, &s.confidence, &s.missing, &s.keyed); err != nil {
			return nil, classify(err, "party risk")
		}
		out[id] = s
	}
	return out, classify(rows.Err(), "party risk")
}

// flush writes the queued updates and register keys in full batches,
// and with final what is left too, so that the statements are the same
// text from batch to batch.
func (w *riskWriter) flush(final bool) error {
	us := w.updates
	for len(us) >= w.size || (final && len(us) > 0) {
		n := min(len(us), w.size)
		group := lastOfEachParty(us[:n], func(r *riskUpdateRow) string { return r.ID })
		st, err := w.stmt(riskUpdate(len(group)))
		if err != nil {
			return err
		}
		args := make([]any, 0, 1+10*len(group))
		args = append(args, w.org)
		for _, r := range group {
			args = append(args, r.ID, r.Tier, r.Inherent, r.Signals, r.Own, r.Exposure, r.Level, r.factors, r.Confidence, r.missing)
		}
		if _, err := st.ExecContext(w.ctx, args...); err != nil {
			return classify(err, "party risk")
		}
		us = us[n:]
	}
	w.updates = append(w.updates[:0], us...)
	ks, size := w.rekey, w.size
	if w.engine == SQLite {
		size = sqliteKeyBatch
	}
	for len(ks) >= size || (final && len(ks) > 0) {
		n := min(len(ks), size)
		if err := w.keys.write(ks[:n]); err != nil {
			return err
		}
		ks = ks[n:]
	}
	w.rekey = append(w.rekey[:0], ks...)
	return nil
}

// refreshStats gives the planner fresh statistics on the supply-chain
// tables after their contents changed, inside the transaction that changed
// them (both engines' ANALYZE sees its own transaction's rows). Without
// them a planner that last saw an organisation with a few parties walks
// all of its rows to find each batch it updates, which after a large first
// import makes the recompute quadratic. SQLite samples a bounded number of
// rows, so it stays quick on large tables.
func (db *DB) refreshStats(ctx context.Context, tx *sql.Tx) error {
	qs := []string{"ANALYZE parties", "ANALYZE links", "ANALYZE register_keys"}
	if db.Engine == SQLite {
		qs = append([]string{"PRAGMA analysis_limit = 1000"}, qs...)
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// RiskRows turns a slice into what SaveRisk reads.
func RiskRows(rs []supplychain.PartyRisk) iter.Seq2[supplychain.PartyRisk, error] {
	return func(yield func(supplychain.PartyRisk, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// rebuildCounts recounts the organisation's register by every combination
// of its filters, from the scored register keys.
func rebuildCounts(ctx context.Context, tx *sql.Tx, orgID string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM register_counts WHERE org_id = $1", orgID); err != nil {
		return classify(err, "register counts")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO register_counts (org_id, commodity, country, tier, level, parties)
		SELECT org_id, commodity, country, tier, level, count(*) FROM register_keys WHERE org_id = $1 AND level <> ''
		GROUP BY org_id, commodity, country, tier, level`, orgID)
	return classify(err, "register counts")
}

// keyWriter replaces the register keys of parties whose risk is saved:
// one row under the empty commodity and one per canonical commodity, carrying
// country, tier, level and exposure for the register's indexes.
type keyWriter struct {
	stmtCache
	engine Engine
	// feed gives SQLite the keys of a batch (rowfeed.go); feedOpen is set
	// once its table is declared in this transaction.
	feed     *rowFeed
	feedOpen bool
	org      string
	args     []any
}

// sqliteKeyBatch is how many parties' register keys SQLite writes in one
// pair of statements: a DELETE of their old keys and an INSERT of the new
// ones from a feed table, in key order.
const sqliteKeyBatch = 10_000

func (k *keyWriter) write(rs []supplychain.PartyRisk) error {
	rs = lastOfEachParty(rs, riskParty)
	if k.engine == SQLite {
		return k.feedKeys(rs)
	}
	ids := make([]any, 0, 1+len(rs))
	ids = append(ids, k.org)
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	del, err := k.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id IN (` + inList(len(rs), 2) + `)`)
	if err != nil {
		return err
	}
	if _, err := del.ExecContext(k.ctx, ids...); err != nil {
		return classify(err, "register keys")
	}
	k.args = k.args[:0]
	for _, r := range rs {
		country, comm, err := k.place(r)
		if err != nil {
			return err
		}
		k.args = append(k.args, k.org, r.ID, "", country, r.Tier, r.Level, r.Exposure)
		for i, c := range comm {
			if c != "" && !containsBefore(comm, i, c) {
				k.args = append(k.args, k.org, r.ID, c, country, r.Tier, r.Level, r.Exposure)
			}
		}
	}
	per := len(k.args) / 7
	for args := k.args; len(args) > 0; args = args[7*per:] {
		per = min(per, len(args)/7)
		ins, err := k.stmt(`INSERT INTO register_keys (org_id, party_id, commodity, country, tier, level, exposure) VALUES ` + valuesList(per, 7, 1))
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(k.ctx, args[:7*per]...); err != nil {
			return classify(err, "register keys")
		}
	}
	return nil
}

// place is the party's country and commodities, the keys of its place in
// the register: as the risk gives them, or, for risk saved without them,
// as the party is stored.
func (k *keyWriter) place(r supplychain.PartyRisk) (string, []string, error) {
	country, comm := r.Country, r.Commodities
	if country != "" || comm != nil {
		return country, comm, nil
	}
	var raw string
	err := k.tx.QueryRowContext(k.ctx, "SELECT country, commodities FROM parties WHERE org_id = $1 AND id = $2", k.org, r.ID).Scan(&country, &raw)
	if err != nil {
		return "", nil, classify(err, "party "+r.ID)
	}
	if err := decodeList(raw, &comm); err != nil {
		return "", nil, fmt.Errorf("party %s commodities: %w", r.ID, err)
	}
	return country, comm, nil
}

// registerKey is one row of register_keys as the feed table of keys reads
// it: party_id, commodity, country, tier, level, exposure.
type registerKey struct {
	party, commodity, country string
	tier                      int64
	level                     string
	exposure                  float64
}

type registerKeyRows []registerKey

func (r registerKeyRows) Len() int { return len(r) }
func (r registerKeyRows) Value(i, col int) driver.Value {
	k := &r[i]
	switch col {
	case 0:
		return k.party
	case 1:
		return k.commodity
	case 2:
		return k.country
	case 3:
		return k.tier
	case 4:
		return k.level
	}
	return k.exposure
}

// feedKeys writes the register keys of rs on SQLite: their old keys
// deleted and the new ones inserted in key order, each by one statement
// reading the keys from a feed table.
func (k *keyWriter) feedKeys(rs []supplychain.PartyRisk) error {
	if len(rs) == 0 {
		return nil
	}
	if !k.feedOpen {
		if _, err := k.tx.ExecContext(k.ctx, feedTableSQL("feed_keys", 2, "party_id", "commodity", "country", "tier", "level", "exposure")); err != nil {
			return fmt.Errorf("register keys: %w", err)
		}
		k.feedOpen = true
	}
	keys := make(registerKeyRows, 0, 2*len(rs))
	for _, r := range rs {
		country, comm, err := k.place(r)
		if err != nil {
			return err
		}
		keys = append(keys, registerKey{r.ID, "", country, int64(r.Tier), r.Level, r.Exposure})
		for j, c := range comm {
			if c != "" && !containsBefore(comm, j, c) {
				keys = append(keys, registerKey{r.ID, c, country, int64(r.Tier), r.Level, r.Exposure})
			}
		}
	}
	// In the order of register_keys' key (party_id, org_id, commodity).
	slices.SortFunc(keys, func(a, b registerKey) int {
		return cmp.Or(strings.Compare(a.party, b.party), strings.Compare(a.commodity, b.commodity))
	})
	batch := k.feed.add(keys)
	defer k.feed.remove(batch)
	del, err := k.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id IN (SELECT party_id FROM temp.feed_keys WHERE batch = $2)`)
	if err != nil {
		return err
	}
	if _, err := del.ExecContext(k.ctx, k.org, batch); err != nil {
		return classify(err, "register keys")
	}
	ins, err := k.stmt(`INSERT INTO register_keys (org_id, party_id, commodity, country, tier, level, exposure)
		SELECT $1, party_id, commodity, country, tier, level, exposure FROM temp.feed_keys WHERE batch = $2 ORDER BY party_id, commodity`)
	if err != nil {
		return err
	}
	_, err = ins.ExecContext(k.ctx, k.org, batch)
	return classify(err, "register keys")
}

// closeFeed drops the feed table of keys at the end of a successful save.
func (k *keyWriter) closeFeed() error {
	if !k.feedOpen {
		return nil
	}
	if _, err := k.tx.ExecContext(k.ctx, `DROP TABLE temp.feed_keys`); err != nil {
		return fmt.Errorf("register keys: %w", err)
	}
	k.feedOpen = false
	return nil
}

// riskUpdate updates n parties from one VALUES list (PostgreSQL; SQLite
// updates one party per statement, see saveOne); the casts give
// PostgreSQL the column types it cannot infer from bare parameters.
func riskUpdate(n int) string {
	var b strings.Builder
	b.WriteString("WITH v (id, tier, inherent, signals, own, exposure, level, factors, confidence, missing) AS (VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		k := 2 + 10*i
		fmt.Fprintf(&b, "(CAST($%d AS TEXT), CAST($%d AS INTEGER), CAST($%d AS DOUBLE PRECISION), CAST($%d AS DOUBLE PRECISION), CAST($%d AS DOUBLE PRECISION), CAST($%d AS DOUBLE PRECISION), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS DOUBLE PRECISION), CAST($%d AS TEXT))",
			k, k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9)
	}
	b.WriteString(`) UPDATE parties SET tier = v.tier, inherent = v.inherent, signals = v.signals, own = v.own,
		exposure = v.exposure, level = v.level, factors = v.factors, confidence = v.confidence, missing = v.missing
		FROM v WHERE parties.org_id = $1 AND parties.id = v.id`)
	return b.String()
}
