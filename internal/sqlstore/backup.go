package sqlstore

import (
	"context"
	"os"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// BackupTo writes a consistent copy of a SQLite database to path while the
// database stays in use: VACUUM INTO reads one snapshot of every table, so
// writes made during the copy are either wholly in it or not at all. path
// must not exist. PostgreSQL databases are copied with pg_dump instead
// (see docs/operations.md); BackupTo refuses them.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return kernel.Errorf(kernel.Invalid, "%s: copy a PostgreSQL database with pg_dump (see docs/operations.md)", db.where)
	}
	if _, err := os.Stat(path); err == nil {
		return kernel.Errorf(kernel.Invalid, "%s already exists; a backup never overwrites a file", path)
	}
	if _, err := db.read.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		os.Remove(path)
		return kernel.Wrap(kernel.Internal, db.describe(err), "back up %s to %s", db.where, path)
	}
	return nil
}

// IntegrityCheck runs SQLite's full integrity check; PostgreSQL keeps its
// own and answers nil.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	var res string
	if err := db.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return db.describe(err)
	}
	if res != "ok" {
		return kernel.Errorf(kernel.Invalid, "%s fails its integrity check: %s", db.where, res)
	}
	return nil
}
