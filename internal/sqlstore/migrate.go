package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Migrations are numbered files migrations/NNNN_name.sql in portable SQL.
// Where an engine needs different SQL, NNNN_name.postgres.sql or
// NNNN_name.sqlite.sql replaces the portable file for that engine.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	Version int
	Name    string
	SQL     string
}

func (db *DB) migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	generic := map[int]string{} // version -> the file for every engine
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		engine := ""
		if i := strings.LastIndex(name, "."); i > 0 {
			name, engine = name[:i], name[i+1:]
		}
		if engine != "" && engine != string(db.Engine) {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must start with a number and an underscore", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		if engine == "" {
			// Two files of one number would leave one of them unapplied
			// without a word (two changes landed with the same number).
			if other, dup := generic[v]; dup {
				return nil, fmt.Errorf("migration files %s and %s have the same number: renumber one", other, e.Name())
			}
			generic[v] = e.Name()
		}
		if _, exists := byVersion[v]; exists && engine == "" {
			continue // an engine-specific file already replaced it
		}
		byVersion[v] = migration{Version: v, Name: name, SQL: string(body)}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// LatestVersion is the newest schema version this build knows.
func (db *DB) LatestVersion() int {
	ms, err := db.migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`

// SchemaVersion returns the version the database is at (0 when empty).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var exists int
	q := "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
	if db.Engine == Postgres {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	if err := db.read.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return 0, db.describe(err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := db.read.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// ErrSchemaTooNew is returned when the database was migrated by a newer
// Upstream than this one.
func schemaTooNew(have, know int) error {
	return kernel.Errorf(kernel.Invalid, "the database schema is at version %d but this Upstream knows only up to %d; run a newer Upstream, or restore a backup made for this version", have, know)
}

// CheckSchema returns an error unless every migration this build knows is
// applied and none it does not know.
func (db *DB) CheckSchema(ctx context.Context) error {
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	know := db.LatestVersion()
	if have > know {
		return schemaTooNew(have, know)
	}
	done, err := db.appliedVersions(ctx)
	if err != nil {
		return err
	}
	ms, err := db.migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if !done[m.Version] {
			return kernel.Errorf(kernel.Unavailable, "the database lacks migration %04d (%s); run 'upstream migrate'", m.Version, m.Name)
		}
	}
	return nil
}

func (db *DB) appliedVersions(ctx context.Context) (map[int]bool, error) {
	if have, err := db.SchemaVersion(ctx); err != nil || have == 0 {
		return map[int]bool{}, err
	}
	rows, err := db.read.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	return done, rows.Err()
}

// Migrate applies every migration newer than the database's version, each
// in its own transaction. It refuses a schema newer than it knows.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	if _, err := db.write.ExecContext(ctx, createVersionTable); err != nil {
		return 0, db.describe(err)
	}
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	ms, err := db.migrations()
	if err != nil {
		return 0, err
	}
	if know := db.LatestVersion(); have > know {
		return 0, schemaTooNew(have, know)
	}
	done, err := db.appliedVersions(ctx)
	if err != nil {
		return 0, err
	}
	// Apply every known migration not yet recorded, not only those above the
	// newest: a branch may have added a lower number meanwhile.
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			if db.Engine == Postgres {
				// Serialise concurrent migrators on several servers.
				if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7465020)"); err != nil {
					return err
				}
				var done int
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = $1", m.Version).Scan(&done); err != nil {
					return err
				}
				if done > 0 {
					return nil
				}
			}
			for _, stmt := range splitStatements(m.SQL) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %04d %s: %w", m.Version, m.Name, err)
				}
			}
			if fill := afterMigration[m.Name]; fill != nil {
				if err := fill(ctx, db.Engine, tx); err != nil {
					return fmt.Errorf("migration %04d %s: %w", m.Version, m.Name, err)
				}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

// splitStatements splits a migration on semicolons at line ends. Migrations
// keep one statement per semicolon-terminated block (no procedural bodies).
func splitStatements(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			if stmt := strings.TrimSpace(cur.String()); stmt != ";" {
				out = append(out, strings.TrimSuffix(stmt, ";"))
			}
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// RecordSchemaVersion writes a row into the version table without running
// anything; tests use it to simulate a database from another version.
func (db *DB) RecordSchemaVersion(ctx context.Context, v int, name string) error {
	_, err := db.write.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", v, name)
	return err
}
