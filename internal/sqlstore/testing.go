package sqlstore

import "context"

// ExecForTest runs a statement directly, for tests that need to simulate
// tampering or other processes. Errors are returned, not hidden.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}
