package cli

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/sqlstore"
)

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "migrate", "migrate [--db DSN]")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "applied %d migration(s); schema at version %d\n", n, db.LatestVersion())
	// Stored scores a migration made stale are computed again now, with
	// the operator's reference data, so the register never shows them.
	svc, err := storedAssessmentService(ctx, db, env.Clock)
	if err != nil {
		return err
	}
	done, err := recomputePending(ctx, db, svc)
	if err != nil {
		return err
	}
	if done > 0 {
		fmt.Fprintf(env.Stdout, "risk recomputed for %d organisation(s)\n", done)
	}
	return nil
}
