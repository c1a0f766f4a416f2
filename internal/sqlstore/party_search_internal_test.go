package sqlstore

import (
	"context"
	"database/sql"
)

// FillSearchWordsForTest runs the backfill the party_search migration
// runs, for a test that empties the search words first.
func (db *DB) FillSearchWordsForTest(ctx context.Context) error {
	return db.InTx(ctx, func(tx *sql.Tx) error { return fillSearchWords(ctx, db.Engine, tx) })
}

// SkipSearchIndexForTest makes imports leave the search words unwritten,
// so that a benchmark measures an import without the register search in
// the same run as one with it.
func (db *DB) SkipSearchIndexForTest() { db.skipSearchIndex = true }

// SetStageLimitForTest makes SQLite imports write their staged rows
// whenever n are staged, so that a test of a few rows covers an import
// larger than one stage.
func (db *DB) SetStageLimitForTest(n int) { db.stageLimit = n }
