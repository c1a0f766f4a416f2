// Package sqltest opens fresh, migrated databases on every engine for tests,
// so that one test body runs against SQLite and PostgreSQL alike.
//
// PostgreSQL tests need UPSTREAM_TEST_POSTGRES, a DSN of a server where the
// user may create databases (the test command starts a throwaway cluster and
// sets it). Without it the PostgreSQL half is skipped loudly, or fails when
// CI=true.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// PostgresEnv names the variable holding the test server's DSN.
const PostgresEnv = "UPSTREAM_TEST_POSTGRES"

// EachEngine runs fn as a subtest once per engine, each with a fresh,
// migrated database.
func EachEngine(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh, migrated database of the engine, closed and removed
// when the test ends.
func Open(t testing.TB, e sqlstore.Engine) *sqlstore.DB {
	t.Helper()
	dsn := DSN(t, e)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", e, err)
	}
	return db
}

// DSN returns the DSN of a new, empty database of the engine.
func DSN(t testing.TB, e sqlstore.Engine) string {
	t.Helper()
	if e == sqlstore.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		testkit.Missing(t, "PostgreSQL ("+PostgresEnv+" is not set; run the tests with 'make test')")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "upstream_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("postgres: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres DSN: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// PretendNewerSchema records a schema version one above what this build
// knows, as a newer Upstream would have left it.
func PretendNewerSchema(ctx context.Context, db *sqlstore.DB) error {
	return db.RecordSchemaVersion(ctx, db.LatestVersion()+1, "from a newer version")
}

// HoldExclusiveLock opens the SQLite file at path and holds an exclusive
// write lock until release is called, as another process might.
func HoldExclusiveLock(ctx context.Context, path string) (release func(), err error) {
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		conn.Close()
		return nil, err
	}
	return func() { conn.Exec("ROLLBACK"); conn.Close() }, nil
}
