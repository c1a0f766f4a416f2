package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

const backupUsage = "backup --out FILE [--db DSN]"

// runBackup writes a consistent copy of the running database. SQLite is
// copied online (VACUUM INTO); PostgreSQL through pg_dump in its custom
// format when pg_dump is installed, or the command prints how to run it.
func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "backup", backupUsage)
	dsn := dbFlag(fs, env)
	out := fs.String("out", "", "the backup file to write; it must not exist")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *out == "" {
		return usageError("backup needs --out FILE; usage: upstream %s", backupUsage)
	}
	engine, path, err := sqlstore.ParseDSN(*dsn)
	if err != nil {
		return err
	}
	if engine == sqlstore.Postgres {
		return pgTool(ctx, env, "pg_dump", "--format=custom", "--no-owner", "--file", *out, *dsn)
	}
	// Any schema version: the copy before an upgrade is the one that matters.
	if _, err := os.Stat(path); err != nil {
		return usageError("no database at %s; give the right one with --db or UPSTREAM_DB", quoteOutside(path))
	}
	db, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.BackupTo(ctx, *out); err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%d bytes, schema version %d) in %s\n", quoteOutside(*out), info.Size(), v, time.Since(start).Round(time.Millisecond))
	return nil
}

const restoreUsage = "restore FILE [--db DSN] [--replace]"

// runRestore puts a backup in place of the database. The backup is opened
// and checked (integrity, a schema this build knows) before anything is
// touched; an existing database is moved aside, never deleted.
func runRestore(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "restore", restoreUsage+"\n\nStop every server using the database first.")
	dsn := dbFlag(fs, env)
	replace := fs.Bool("replace", false, "move an existing database aside (to PATH.replaced-TIME) instead of refusing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("restore needs one backup FILE; usage: upstream %s", restoreUsage)
	}
	from := fs.Arg(0)
	engine, target, err := sqlstore.ParseDSN(*dsn)
	if err != nil {
		return err
	}
	if engine == sqlstore.Postgres {
		return pgTool(ctx, env, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", *dsn, from)
	}
	if _, err := os.Stat(from); err != nil {
		return usageError("cannot read the backup %s: %v", quoteOutside(from), unwrapPath(err))
	}
	// Check the backup where it is, read-only in spirit: a copy is checked
	// so that opening it (which may add WAL files) leaves the backup as is.
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, ".restore-*.db")
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot write in %s", quoteOutside(dir))
	}
	tmpPath := tmp.Name()
	defer os.Remove(tmpPath)
	if err := copyFile(tmp, from); err != nil {
		return err
	}
	if err := checkBackup(ctx, tmpPath); err != nil {
		return usageError("%s is not a usable backup: %v", quoteOutside(from), kernel.ErrorMessage(err))
	}
	if _, err := os.Stat(target); err == nil {
		if !*replace {
			return usageError("%s exists; stop the servers using it and add --replace to move it aside", quoteOutside(target))
		}
		aside := target + ".replaced-" + env.Clock.Now().UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("move %s aside: %w", target+suffix, err)
			}
		}
		fmt.Fprintf(env.Stdout, "moved the old database to %s\n", quoteOutside(aside))
	}
	if err := os.Rename(tmpPath, target); err != nil {
		return fmt.Errorf("put the backup in place: %w", err)
	}
	fmt.Fprintf(env.Stdout, "restored %s from %s\n", quoteOutside(target), quoteOutside(from))
	return nil
}

// checkBackup opens a copy of a backup and checks it is a whole Upstream
// database this build can run on, at its schema or after migrating.
func checkBackup(ctx context.Context, path string) error {
	db, err := sqlstore.Open(ctx, "sqlite:"+path)
	if err != nil {
		return kernel.Errorf(kernel.Invalid, "it is not an SQLite database, or it is damaged")
	}
	defer func() {
		db.Close()
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
	}()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v == 0 {
		return kernel.Errorf(kernel.Invalid, "it holds no Upstream schema")
	}
	if know := db.LatestVersion(); v > know {
		return kernel.Errorf(kernel.Invalid, "it was made by a newer Upstream (schema version %d; this build knows %d)", v, know)
	}
	return nil // an older schema is brought up to date by migrate, or serve at start
}

func copyFile(dst *os.File, from string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		dst.Close()
		return err
	}
	if _, err := dst.Write(b); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// pgTool runs pg_dump or pg_restore for a PostgreSQL database, or, when it
// is not installed, says exactly what to run.
func pgTool(ctx context.Context, env *Env, tool string, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s is not installed here. Run it where it is (same major version as the server):\n  %s", tool, tool)
		for _, a := range args {
			fmt.Fprintf(env.Stderr, " %q", redactDSN(a))
		}
		fmt.Fprintln(env.Stderr, "\n(with the real password in the DSN, or in PGPASSWORD) and see docs/operations.md.")
		return kernel.Errorf(kernel.Unavailable, "%s not found", tool)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = env.Stdout, env.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", tool, err)
	}
	return nil
}
