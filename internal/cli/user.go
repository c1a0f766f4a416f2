package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

const userUsage = `user add --org SLUG --email EMAIL --role ROLE [--name NAME] [--new-org NAME]
       upstream user list --org SLUG
       upstream user disable|enable --email EMAIL
       upstream user set-password --email EMAIL
       upstream user reset-2fa --email EMAIL

Passwords are read from standard input (one line), or UPSTREAM_PASSWORD, never from a flag.`

func runUser(ctx context.Context, env *Env, args []string) error {
	if subcommandHelp(env, args, userUsage) {
		return flag.ErrHelp
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(env.Stderr, "Usage: upstream %s\n", userUsage)
		return usageError("user needs a subcommand: add, list, disable, enable, set-password or reset-2fa")
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet(env, "user "+sub, userUsage)
	dsn := dbFlag(fs, env)
	email := fs.String("email", "", "the user's email")
	var orgSlug, role, name, newOrg *string
	switch sub {
	case "add":
		orgSlug = orgFlag(fs, env)
		role = fs.String("role", "viewer", "role: admin, analyst, case_handler or viewer")
		name = fs.String("name", "", "display name")
		newOrg = fs.String("new-org", "", "create the organisation with this display name if it does not exist")
	case "list":
		orgSlug = orgFlag(fs, env)
	case "disable", "enable", "set-password", "reset-2fa":
	default:
		return usageError("unknown user subcommand %q: want add, list, disable, enable, set-password or reset-2fa", sub)
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if sub != "list" && *email == "" {
		return usageError("user %s needs --email", sub)
	}
	if orgSlug != nil && *orgSlug == "" {
		return usageError("user %s needs --org SLUG", sub)
	}
	open := openStore
	if sub == "list" {
		open = func(ctx context.Context, dsn string, _ bool) (*sqlstore.DB, error) { return openExisting(ctx, dsn) }
	}
	db, err := open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := newAccounts(env, db)

	switch sub {
	case "add":
		return userAdd(ctx, env, accounts, *orgSlug, *newOrg, *email, *name, *role)
	case "list":
		return userList(ctx, env, db, *orgSlug)
	}
	u, err := accounts.Store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(*email)))
	if err != nil {
		if kernel.IsCode(err, kernel.NotFound) {
			return kernel.Errorf(kernel.Invalid, "no user with email %s", *email)
		}
		return err
	}
	switch sub {
	case "disable", "enable":
		if err := accounts.SetDisabled(ctx, u.OrgID, u.ID, sub == "disable", "cli"); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: %sd\n", u.Email, sub)
	case "set-password":
		pw, err := readPassword(env)
		if err != nil {
			return err
		}
		if err := accounts.SetPassword(ctx, u.OrgID, u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: password changed; their sessions were ended\n", u.Email)
	case "reset-2fa":
		if err := accounts.ResetSecondFactor(ctx, u.OrgID, u.ID, "cli"); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: second factor removed; they can enrol again after signing in\n", u.Email)
	}
	return nil
}

func userAdd(ctx context.Context, env *Env, accounts *account.Service, slug, newOrg, email, name, role string) error {
	if _, err := account.ParseRole(role); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "--role")
	}
	var org account.Org
	var err error
	if newOrg != "" {
		org, _, err = accounts.EnsureOrg(ctx, slug, newOrg)
	} else {
		org, err = accounts.Store.OrgBySlug(ctx, slug)
		if kernel.IsCode(err, kernel.NotFound) {
			return kernel.Errorf(kernel.Invalid, "no organisation %q; add --new-org \"Display name\" to create it", slug)
		}
	}
	if err != nil {
		return err
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	if name == "" {
		name = strings.Split(email, "@")[0]
	}
	u, err := accounts.CreateUser(ctx, account.NewUser{By: "cli", OrgID: org.ID, Email: email, Name: name, Role: account.Role(role), Password: pw})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added %s (%s) to %s\n", u.Email, u.Role, org.Slug)
	return nil
}

func userList(ctx context.Context, env *Env, db *sqlstore.DB, slug string) error {
	org, err := orgBySlug(ctx, db, slug)
	if err != nil {
		return err
	}
	users, err := db.Accounts().ListUsers(ctx, org.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSECOND FACTOR\tSTATUS")
	for _, u := range users {
		tf, st := "none", "active"
		if u.TOTPEnabled() {
			tf = "enrolled"
		}
		if u.Disabled {
			st = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, tf, st)
	}
	return tw.Flush()
}

// readPassword takes UPSTREAM_PASSWORD or one line of standard input.
func readPassword(env *Env) (string, error) {
	if pw, err := env.setting("PASSWORD"); err != nil || pw != "" {
		return pw, err
	}
	if isTerminal(env.Stderr) {
		fmt.Fprint(env.Stderr, "Password (at least 12 characters, hard to guess): ")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", usageError("no password given: pipe it on standard input or set UPSTREAM_PASSWORD")
		}
		return "", usageError("empty password")
	}
	return line, nil
}
