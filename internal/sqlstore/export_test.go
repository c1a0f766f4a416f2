package sqlstore

import "context"

// InsertSchemaVersionForTest pretends a newer Upstream migrated the database.
func (db *DB) InsertSchemaVersionForTest(ctx context.Context, v int) error {
	_, err := db.write.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'future')", v)
	return err
}
