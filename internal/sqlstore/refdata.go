package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// RefdataOverride is an operator's replacement of a built-in dataset.
type RefdataOverride struct {
	Dataset  string
	Origin   string
	Content  []byte
	SHA256   string
	LoadedAt time.Time
}

// RefdataOverrides keeps reference-data replacements. Reference data is
// shared by every organisation, so these rows belong to none.
type RefdataOverrides struct{ db *DB }

// RefdataOverrides returns the repository of reference-data replacements.
func (db *DB) RefdataOverrides() *RefdataOverrides { return &RefdataOverrides{db: db} }

// Put stores (or replaces) the override of one dataset.
func (r *RefdataOverrides) Put(ctx context.Context, dataset, origin string, content []byte, at time.Time) error {
	sum := sha256.Sum256(content)
	_, err := r.db.write.ExecContext(ctx, `INSERT INTO refdata_overrides (dataset, origin, content, sha256, loaded_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (dataset) DO UPDATE SET origin = excluded.origin, content = excluded.content,
			sha256 = excluded.sha256, loaded_at = excluded.loaded_at`,
		dataset, origin, string(content), hex.EncodeToString(sum[:]), at.UTC())
	return classify(err, "reference data "+dataset)
}

// Delete removes an override, so the built-in dataset applies again.
func (r *RefdataOverrides) Delete(ctx context.Context, dataset string) error {
	res, err := r.db.write.ExecContext(ctx, "DELETE FROM refdata_overrides WHERE dataset = $1", dataset)
	return affected(res, err, "reference data override "+dataset)
}

// List returns every override, by dataset.
func (r *RefdataOverrides) List(ctx context.Context) ([]RefdataOverride, error) {
	rows, err := r.db.read.QueryContext(ctx, "SELECT dataset, origin, content, sha256, loaded_at FROM refdata_overrides ORDER BY dataset")
	if err != nil {
		return nil, classify(err, "reference data overrides")
	}
	defer rows.Close()
	var out []RefdataOverride
	for rows.Next() {
		var o RefdataOverride
		var content string
		if err := rows.Scan(&o.Dataset, &o.Origin, &content, &o.SHA256, &o.LoadedAt); err != nil {
			return nil, classify(err, "reference data overrides")
		}
		o.Content, o.LoadedAt = []byte(content), o.LoadedAt.UTC()
		out = append(out, o)
	}
	return out, classify(rows.Err(), "reference data overrides")
}
