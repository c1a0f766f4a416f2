package cli

import (
	"context"
	"errors"
	"flag"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"golang.org/x/term"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// dbFlag adds the --db flag (UPSTREAM_DB).
func dbFlag(fs *flag.FlagSet, env *Env) *string { return optString(fs, env, "DB") }

// orgFlag adds the --org flag (UPSTREAM_ORG).
func orgFlag(fs *flag.FlagSet, env *Env) *string { return optString(fs, env, "ORG") }

// logFlags adds --log-format and --log-level.
type logOptions struct{ format, level *string }

func logFlags(fs *flag.FlagSet, env *Env) logOptions {
	return logOptions{
		format: optString(fs, env, "LOG_FORMAT"),
		level:  optString(fs, env, "LOG_LEVEL"),
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
// up to date or only check that it is. A new, empty database is always set
// up: sending a first-time user to 'upstream migrate' helps nobody. One
// behind this build's schema is left for 'upstream migrate' to upgrade.
func openStore(ctx context.Context, dsn string, migrate bool) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if !migrate {
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		migrate = v == 0
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
	if v, err := env.setting("ARGON2"); err == nil && v == "test" {
		return account.TestArgon2
	}
	return account.DefaultArgon2
}

func newAccounts(env *Env, db *sqlstore.DB) *account.Service {
	svc := account.NewService(db.Accounts(), account.NewHasher(argon2Params(env), 2), env.Clock)
	al := db.AuditLog()
	svc.Audit = func(ctx context.Context, org, actor, action, object string, detail map[string]string) error {
		_, err := audit.Append(ctx, al, env.Clock, audit.Record{Org: org, Actor: actor, Action: action, Object: object, Detail: detail})
		return err
	}
	return svc
}

// noArgs refuses stray positional arguments.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// openExisting opens a database a command only reads: a SQLite file that
// does not exist is an error, not a new empty database left behind.
func openExisting(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	if engine, path, err := sqlstore.ParseDSN(dsn); err == nil && engine == sqlstore.SQLite {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, usageError("no database at %s; give the right one with --db or UPSTREAM_DB", quoteOutside(path))
		}
	}
	return openStore(ctx, dsn, false)
}
