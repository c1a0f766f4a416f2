package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Engine names a SQL engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DefaultDSN is used when no DSN is given.
const DefaultDSN = "sqlite:upstream.db"

// DB is an open database. On SQLite, writes go through a pool of one
// connection (SQLite allows one writer) and reads through a separate pool;
// on PostgreSQL both are the same pool.
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	// feed holds the rows of bulk statements on SQLite's writer
	// connection (rowfeed.go).
	feed *rowFeed
	// where is a redacted description of the database for messages.
	where string
	// skipSearchIndex leaves the register search's words unwritten by
	// imports; set only by benchmarks, to measure what indexing costs.
	skipSearchIndex bool
	// stageLimit, when not zero, replaces stageLimit (supplychain_bulk.go);
	// set only by tests, to write the stage several times in one import.
	stageLimit int
	// nameOrderCases keeps the register's orders by country and commodity
	// names as SQL, per language (see nameOrderCase).
	nameOrderCases sync.Map
}

// ParseDSN splits a DSN into its engine and driver-specific source.
func ParseDSN(dsn string) (Engine, string, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return "", "", kernel.Errorf(kernel.Invalid, "DSN %q has no file path; use sqlite:PATH, for example sqlite:upstream.db", dsn)
		}
		return SQLite, path, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil || u.Host == "" {
			return "", "", kernel.Errorf(kernel.Invalid, "DSN %q is not a valid PostgreSQL URL; use postgres://USER:PASSWORD@HOST:PORT/DBNAME", redact(dsn))
		}
		return Postgres, dsn, nil
	default:
		return "", "", kernel.Errorf(kernel.Invalid, "DSN %q is not understood; use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DBNAME", redact(dsn))
	}
}

// redact hides a password in a DSN for messages and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if i := strings.Index(dsn, "@"); i > 0 {
			return "***" + dsn[i:]
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Open connects to the database named by dsn and checks that it answers.
// It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	engine, src, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	switch engine {
	case SQLite:
		return openSQLite(ctx, src)
	default:
		return openPostgres(ctx, src)
	}
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if _, err := os.Stat(dir); err != nil {
			return nil, kernel.Errorf(kernel.Invalid, "SQLite database %s: folder %s does not exist", path, dir)
		}
	}
	// busy_timeout first, so that the other pragmas wait for a lock too.
	params := "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	src := "file:" + path + "?" + params
	feed := newRowFeed()
	connector, err := newFeedConnector(src+"&_txlock=immediate", feed)
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	write := sql.OpenDB(connector)
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", src)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	db := &DB{Engine: SQLite, write: write, read: read, feed: feed, where: "SQLite file " + path}
	if err := db.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, kernel.Wrap(kernel.Invalid, err, "PostgreSQL DSN %s", redact(dsn))
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Engine: Postgres, write: pool, read: pool, where: "PostgreSQL " + redact(dsn)}
	if err := db.check(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// check makes one round trip that also detects a corrupt or locked file.
func (db *DB) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var n int
	q := "SELECT 1"
	if db.Engine == SQLite {
		// Reading the schema fails on a file that is not a database.
		q = "SELECT count(*) FROM sqlite_master"
	}
	if err := db.write.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return db.describe(err)
	}
	return nil
}

// describe turns a connection-level failure into a one-line, actionable,
// categorised error.
func (db *DB) describe(err error) error {
	msg := err.Error()
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return kernel.Wrap(kernel.Invalid, err, "%s is not a valid Upstream database (corrupt or another kind of file); restore it from a backup or choose another path", db.where)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return kernel.Wrap(kernel.Unavailable, err, "%s is locked by another process; stop that process or wait and retry", db.where)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY:
			return kernel.Wrap(kernel.Invalid, err, "%s cannot be opened for writing; check the path and its permissions", db.where)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return kernel.Wrap(kernel.Invalid, err, "%s refused the credentials; check the user and password in the DSN", db.where)
		case "3D000":
			return kernel.Wrap(kernel.Invalid, err, "%s: the database does not exist; create it first", db.where)
		}
	}
	if strings.Contains(msg, "connect") || strings.Contains(msg, "dial") || errors.Is(err, context.DeadlineExceeded) {
		return kernel.Wrap(kernel.Unavailable, err, "cannot reach %s; check that the server is running and the DSN's host and port", db.where)
	}
	return kernel.Wrap(kernel.Unavailable, err, "%s", db.where)
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// classify maps driver errors to kernel categories: unique violations are
// conflicts, missing rows are not-found.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return kernel.Wrap(kernel.NotFound, err, "%s not found", what)
	}
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return kernel.Wrap(kernel.Conflict, err, "%s already exists", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return kernel.Wrap(kernel.Conflict, err, "%s already exists", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isRetryable reports serialisation failures that a PostgreSQL-compatible
// distributed engine asks the client to retry.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// InTx runs fn in a write transaction, retrying serialisation failures.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.inTxOnce(ctx, fn)
		if err == nil || !isRetryable(err) || attempt >= 4 {
			return err
		}
		time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
	}
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return commitOrRollback(tx, fn)
}

// commitOrRollback runs fn in the open transaction tx and commits it, or
// rolls it back when fn fails.
func commitOrRollback(tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// inConnTx runs fn in one write transaction like InTx, and also hands it
// the connection the transaction runs on, so that a bulk path can reach the
// driver underneath (sql.Conn.Raw): PostgreSQL's COPY, for one. It runs fn
// once, never retrying: an import's fn reads a stream that cannot be read
// a second time.
func (db *DB) inConnTx(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return commitOrRollback(tx, func(tx *sql.Tx) error { return fn(conn, tx) })
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeOf reads a nullable timestamp.
func timeOf(nt sql.NullTime) time.Time {
	if !nt.Valid {
		return time.Time{}
	}
	return nt.Time.UTC()
}
