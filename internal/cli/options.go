package cli

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// Every option has a flag and an UPSTREAM_* variable; the flag wins.
// Secrets are read from the environment (or VAR_FILE) only, never flags,
// so they do not show in process lists.

// envString returns UPSTREAM_name, or the contents of the file named by
// UPSTREAM_name_FILE, or def.
func envString(env *Env, name, def string) string {
	if v := env.Getenv("UPSTREAM_" + name); v != "" {
		return v
	}
	if path := env.Getenv("UPSTREAM_" + name + "_FILE"); path != "" {
		if b, err := os.ReadFile(path); err == nil {
			return strings.TrimRight(string(b), "\r\n")
		}
	}
	return def
}

func envBool(env *Env, name string, def bool) (bool, error) {
	v := env.Getenv("UPSTREAM_" + name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, usageError("UPSTREAM_%s=%q is not true or false", name, v)
	}
	return b, nil
}

// dbFlag adds the --db flag with its environment default.
func dbFlag(fs *flag.FlagSet, env *Env) *string {
	return fs.String("db", envString(env, "DB", sqlstore.DefaultDSN), "database: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DBNAME (UPSTREAM_DB)")
}

// logFlags adds --log-format and --log-level.
type logOptions struct{ format, level *string }

func logFlags(fs *flag.FlagSet, env *Env) logOptions {
	return logOptions{
		format: fs.String("log-format", envString(env, "LOG_FORMAT", "auto"), "log format: auto (text on a terminal, JSON otherwise), text or json (UPSTREAM_LOG_FORMAT)"),
		level:  fs.String("log-level", envString(env, "LOG_LEVEL", "info"), "log level: debug, info, warn, error (UPSTREAM_LOG_LEVEL)"),
	}
}

func (o logOptions) logger(env *Env) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(*o.level)); err != nil {
		return nil, usageError("--log-level %q: want debug, info, warn or error", *o.level)
	}
	switch *o.format {
	case "json":
		return newLogger(env.Stderr, true, level), nil
	case "text":
		return newLogger(env.Stderr, false, level), nil
	case "auto":
		return newLogger(env.Stderr, !isTerminal(env.Stderr), level), nil
	default:
		return nil, usageError("--log-format %q: want auto, text or json", *o.format)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// openStore opens the database; migrate says whether to bring the schema
// up to date or only check that it is.
func openStore(ctx context.Context, dsn string, migrate bool) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// argon2Params lets tests use a cheap password cost. Production always
// uses the documented default: the variable only lowers it when set to
// "test", which the server announces in its log.
func argon2Params(env *Env) account.Argon2Params {
	if env.Getenv("UPSTREAM_ARGON2") == "test" {
		return account.TestArgon2
	}
	return account.DefaultArgon2
}

func newAccounts(env *Env, db *sqlstore.DB) *account.Service {
	return account.NewService(db.Accounts(), account.NewHasher(argon2Params(env), 2), env.Clock)
}

// noArgs refuses stray positional arguments.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
