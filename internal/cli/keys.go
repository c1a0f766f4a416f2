package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
	"github.com/upstream-platform/upstream/internal/web"
)

const keysUsage = `keys init --org SLUG [--replace] [--db DSN]
       upstream keys recover --org SLUG --handler EMAIL [--db DSN]
       upstream keys approve --org SLUG --handler EMAIL --fingerprint FP [--db DSN]
       upstream keys hook-secret --org SLUG

init makes the organisation's recovery key and prints it once: write it down
and keep it offline. recover reads that key from standard input and gives
the handler (who has signed in once since losing their password) access to
every report of the organisation again, approving their new key. approve
reads the recovery key from standard input and approves a new case
handler's key, once you have compared the fingerprint on their account page
(by phone or in person): the first handler of an organisation, or any when
no approved handler is left to approve them in the case pages. hook-secret
prints the organisation's own secret for the generic messaging webhook
(POST /hooks/SLUG/messages), derived from UPSTREAM_HOOK_SECRET: give each
organisation's provider only its own.`

func runKeys(ctx context.Context, env *Env, args []string) error {
	if subcommandHelp(env, args, keysUsage) {
		return flag.ErrHelp
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(env.Stderr, "Usage: upstream %s\n", keysUsage)
		return usageError("keys needs a subcommand: init or recover")
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet(env, "keys "+sub, keysUsage)
	dsn := dbFlag(fs, env)
	slug := orgFlag(fs, env)
	var replace *bool
	var handler, fingerprint *string
	switch sub {
	case "init":
		replace = fs.Bool("replace", false, "replace an existing recovery key (reports made before stay wrapped to the old one)")
	case "recover":
		handler = fs.String("handler", "", "email of the case handler to restore access for")
	case "approve":
		handler = fs.String("handler", "", "email of the new case handler")
		fingerprint = fs.String("fingerprint", "", "the key fingerprint the handler read to you from their account page")
	case "hook-secret":
	default:
		return usageError("unknown keys subcommand %q: want init, recover, approve or hook-secret", sub)
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *slug == "" {
		return usageError("keys %s needs --org SLUG", sub)
	}
	if handler != nil && *handler == "" {
		return usageError("keys %s needs --handler EMAIL", sub)
	}
	if sub == "hook-secret" {
		master, err := env.setting("HOOK_SECRET")
		if err != nil {
			return err
		}
		if master == "" {
			return usageError("set UPSTREAM_HOOK_SECRET (the server's master secret) first")
		}
		if err := account.ValidateSlug(*slug); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, web.MessagesHookSecret(master, *slug))
		return nil
	}
	if fingerprint != nil && *fingerprint == "" {
		return usageError("keys approve needs --fingerprint, as read to you by the handler from their account page")
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := orgBySlug(ctx, db, *slug)
	if err != nil {
		return err
	}
	g, err := newGrievance(env, db, nil)
	if err != nil {
		return err
	}
	if sub == "init" {
		return keysInit(ctx, env, g, org, *replace)
	}
	u, err := db.Accounts().UserByEmail(ctx, strings.ToLower(strings.TrimSpace(*handler)))
	if err != nil || u.OrgID != org.ID {
		return usageError("no user %s in organisation %s", *handler, org.Slug)
	}
	if u.Role != account.RoleCaseHandler {
		return usageError("%s is not a case handler (role %s)", *handler, u.Role)
	}
	if sub == "approve" {
		return keysApprove(ctx, env, g, org, u, *fingerprint)
	}
	return keysRecover(ctx, env, g, org, u)
}

// readRecoveryKey reads the organisation's recovery key from standard
// input and checks that it is the organisation's.
func readRecoveryKey(ctx context.Context, env *Env, g *grievanceParts, org account.Org) (*vault.PrivateKey, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return nil, usageError("type or pipe the recovery key on standard input")
	}
	rk, err := vault.ParseRecoveryKey(strings.TrimSpace(line))
	if err != nil {
		return nil, err
	}
	stored, err := g.Store.RecoveryKey(ctx, org.ID)
	if err != nil {
		rk.Wipe()
		return nil, kernel.Wrap(kernel.Invalid, err, "organisation %s has no recovery key", org.Slug)
	}
	if !stored.Equal(rk.Public()) {
		rk.Wipe()
		return nil, kernel.Errorf(kernel.Invalid, "this is not the recovery key of organisation %s", org.Slug)
	}
	return rk, nil
}

func keysApprove(ctx context.Context, env *Env, g *grievanceParts, org account.Org, u account.User, fingerprint string) error {
	rk, err := readRecoveryKey(ctx, env, g, org)
	if err != nil {
		return err
	}
	defer rk.Wipe()
	if err := g.Approvals.ApproveWithRecoveryKey(ctx, org.ID, u.ID, fingerprint, rk); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Approved the case key of %s: new reports are shared with them from now on.\n", u.Email)
	return nil
}

func keysInit(ctx context.Context, env *Env, g *grievanceParts, org account.Org, replace bool) error {
	if _, err := g.Store.RecoveryKey(ctx, org.ID); err == nil && !replace {
		return kernel.Errorf(kernel.Conflict, "organisation %s already has a recovery key; use --replace only if it is lost (existing reports stay wrapped to the old key)", org.Slug)
	}
	k, printed, err := g.Vault.NewRecoveryKey()
	if err != nil {
		return err
	}
	defer k.Wipe()
	if err := g.Store.SetRecoveryKey(ctx, org.ID, k.Public(), replace); err != nil {
		if kernel.IsCode(err, kernel.Conflict) {
			return kernel.Errorf(kernel.Conflict, "organisation %s already has a recovery key", org.Slug)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "Recovery key for %s (shown once; write it down and keep it offline, it is not stored):\n\n  %s\n\n", org.Slug, printed)
	fmt.Fprintln(env.Stdout, "It restores case handlers' access with: upstream keys recover --org "+org.Slug+" --handler EMAIL")
	return nil
}

func keysRecover(ctx context.Context, env *Env, g *grievanceParts, org account.Org, u account.User) error {
	email := u.Email
	hk, err := g.Store.HandlerKey(ctx, org.ID, u.ID)
	if kernel.IsCode(err, kernel.NotFound) {
		return kernel.Errorf(kernel.Invalid, "%s has no key yet: they must sign in once (with their new password) first", email)
	}
	if err != nil {
		return err
	}
	rk, err := readRecoveryKey(ctx, env, g, org)
	if err != nil {
		return err
	}
	defer rk.Wipe()
	// The recovery-key holder vouches for the key they restore access to.
	if !hk.Approved() {
		if err := g.Approvals.ApproveWithRecoveryKey(ctx, org.ID, u.ID, hk.Public.Fingerprint(), rk); err != nil {
			return err
		}
	}
	ids, err := g.Store.ReportIDs(ctx, org.ID)
	if err != nil {
		return err
	}
	n, err := g.Service.Recover(ctx, org.ID, "cli:keys-recover", ids, rk, u.ID, hk.Public)
	if err != nil {
		return fmt.Errorf("recovered %d of %d reports, then: %w", n, len(ids), err)
	}
	fmt.Fprintf(env.Stdout, "Restored access to %d reports for %s.\n", n, email)
	return nil
}
