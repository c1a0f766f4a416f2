package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn    string
		engine sqlstore.Engine
		bad    string
	}{
		{dsn: "sqlite:upstream.db", engine: sqlstore.SQLite},
		{dsn: "postgres://u:p@localhost:5432/db", engine: sqlstore.Postgres},
		{dsn: "postgresql://localhost/db", engine: sqlstore.Postgres},
		{dsn: "sqlite:", bad: "no file path"},
		{dsn: "mysql://x", bad: "not understood"},
		{dsn: "upstream.db", bad: "not understood"},
		{dsn: "postgres://u:secret@/db", bad: "not a valid PostgreSQL URL"},
	}
	for _, tc := range tests {
		t.Run(tc.dsn, func(t *testing.T) {
			e, _, err := sqlstore.ParseDSN(tc.dsn)
			if tc.bad != "" {
				if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("want invalid %q, got %v", tc.bad, err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil || e != tc.engine {
				t.Fatalf("got %s, %v", e, err)
			}
		})
	}
}

func TestMigrateIsIdempotentAndRefusesNewerSchema(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, %v", n, err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if err := sqltest.PretendNewerSchema(ctx, db); err != nil {
			t.Fatal(err)
		}
		err = db.CheckSchema(ctx)
		if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "newer Upstream") {
			t.Fatalf("CheckSchema on newer schema: %v", err)
		}
		if _, err := db.Migrate(ctx); err == nil {
			t.Fatal("Migrate on newer schema succeeded")
		}
	})
}

func TestOpenBadSQLiteFiles(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, []byte(strings.Repeat("this is not a database file ", 200)), 0o600)
	_, err := sqlstore.Open(context.Background(), "sqlite:"+corrupt)
	if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "not a valid Upstream database") {
		t.Fatalf("corrupt file: %v", err)
	}
	_, err = sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(dir, "missing", "x.db"))
	if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing folder: %v", err)
	}
}

func TestOpenUnreachablePostgres(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := sqlstore.Open(ctx, "postgres://u:pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2")
	if !kernel.IsCode(err, kernel.Unavailable) || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("unreachable: %v", err)
	}
}
