package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/upstream-platform/upstream/internal/chromium"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// minFreeDisk is the free space below which doctor warns: imports,
// backups and the SQLite write-ahead log need room.
const minFreeDisk = 1 << 30

// doctorCheck is one line of doctor's report.
type doctorCheck struct {
	name, status, detail string // status: ok, warn or FAIL
}

// runDoctor checks what a running installation needs and prints one line
// per check; it exits 1 when a check fails (warnings do not fail it).
func runDoctor(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "doctor", "doctor [--db DSN]")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	var checks []doctorCheck
	add := func(name, status, format string, a ...any) {
		checks = append(checks, doctorCheck{name, status, fmt.Sprintf(format, a...)})
	}

	bad := 0
	for _, s := range settingTable {
		v, source, err := s.fromEnv(env.Getenv)
		if err == nil {
			err = s.validate(v, source)
		}
		if err != nil {
			add("configuration", "FAIL", "%v", kernel.ErrorMessage(err))
			bad++
		}
	}
	if bad == 0 {
		add("configuration", "ok", "every setting valid ('upstream config' shows them)")
	}
	if v, _ := env.setting("CONVERSATION_SECRET"); v == "" {
		add("configuration", "warn", "UPSTREAM_CONVERSATION_SECRET is not set: messaging conversations are keyed afresh at each start")
	}

	engine, path, err := sqlstore.ParseDSN(*dsn)
	if err != nil {
		add("database", "FAIL", "%v", kernel.ErrorMessage(err))
	} else {
		checks = append(checks, doctorDatabase(ctx, env, *dsn)...)
		if engine == sqlstore.SQLite {
			checks = append(checks, doctorDisk(filepath.Dir(path)))
		}
	}

	if p, err := chromium.Find(); err != nil {
		add("PDF reports", "warn", "no headless Chromium: PDF reports are off (%v)", kernel.ErrorMessage(err))
	} else {
		add("PDF reports", "ok", "Chromium at %s", p.Path)
	}

	checks = append(checks, doctorCheckpoints(env))

	if addr, _ := env.setting("SMTP_ADDR"); addr == "" {
		add("e-mail", "warn", "UPSTREAM_SMTP_ADDR is not set: alerts go to webhooks only")
	} else {
		d := net.Dialer{Timeout: 5 * time.Second}
		if c, err := d.DialContext(ctx, "tcp", addr); err != nil {
			add("e-mail", "FAIL", "cannot reach the mail server %s: %v", addr, err)
		} else {
			c.Close()
			add("e-mail", "ok", "mail server %s answers", addr)
		}
	}

	failed := 0
	for _, c := range checks {
		if c.status == "FAIL" {
			failed++
		}
		fmt.Fprintf(env.Stdout, "%-4s  %-16s %s\n", c.status, c.name, c.detail)
	}
	if failed > 0 {
		return kernel.Errorf(kernel.Unavailable, "%d check(s) failed", failed)
	}
	return nil
}

// doctorDatabase checks the database answers and is migrated, that every
// organisation has a recovery key, and how old the watchlists are.
func doctorDatabase(ctx context.Context, env *Env, dsn string) []doctorCheck {
	var out []doctorCheck
	if engine, path, _ := sqlstore.ParseDSN(dsn); engine == sqlstore.SQLite {
		if _, err := os.Stat(path); err != nil {
			return append(out, doctorCheck{"database", "FAIL", "no database at " + quoteOutside(path)})
		}
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return append(out, doctorCheck{"database", "FAIL", kernel.ErrorMessage(err)})
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		out = append(out, doctorCheck{"database", "FAIL", kernel.ErrorMessage(err)})
	} else {
		out = append(out, doctorCheck{"database", "ok", fmt.Sprintf("%s reachable, schema at version %d", db.Engine, db.LatestVersion())})
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		out = append(out, doctorCheck{"database", "FAIL", kernel.ErrorMessage(err)})
	}

	orgs, err := db.Accounts().ListOrgs(ctx)
	if err != nil {
		out = append(out, doctorCheck{"keys", "FAIL", kernel.ErrorMessage(err)})
	} else if len(orgs) == 0 {
		out = append(out, doctorCheck{"keys", "warn", "no organisation yet: create the first administrator ('upstream user add --new-org')"})
	}
	for _, o := range orgs {
		if _, err := db.Grievances().RecoveryKey(ctx, o.ID); kernel.IsCode(err, kernel.NotFound) {
			out = append(out, doctorCheck{"keys", "warn", fmt.Sprintf("%s has no recovery key: workers cannot report until an admin runs 'upstream keys init --org %s'", o.Slug, o.Slug)})
		} else if err != nil {
			out = append(out, doctorCheck{"keys", "FAIL", kernel.ErrorMessage(err)})
		} else {
			out = append(out, doctorCheck{"keys", "ok", fmt.Sprintf("%s has its recovery key", o.Slug)})
		}
	}

	repl, err := watchlistOverrides(ctx, db)
	if err != nil {
		return append(out, doctorCheck{"watchlists", "FAIL", kernel.ErrorMessage(err)})
	}
	wls, err := screening.DefaultLists(repl)
	if err != nil {
		return append(out, doctorCheck{"watchlists", "FAIL", kernel.ErrorMessage(err)})
	}
	now := env.Clock.Now()
	for _, wl := range wls {
		age := fmt.Sprintf("%s published %s (%d days ago)", wl.List.Name, wl.List.Published.Format("2006-01-02"), int(now.Sub(wl.List.Published).Hours()/24))
		if screening.Stale(wl.List, now) {
			out = append(out, doctorCheck{"watchlists", "warn", age + ": download a newer copy and run 'upstream refdata replace'"})
		} else {
			out = append(out, doctorCheck{"watchlists", "ok", age})
		}
	}
	ref, err := loadRefdata(ctx, db)
	if err != nil {
		return append(out, doctorCheck{"reference data", "FAIL", kernel.ErrorMessage(err)})
	}
	for _, d := range ref.Datasets() {
		out = append(out, doctorCheck{"reference data", "ok", fmt.Sprintf("%s: %s, %d rows (%s)", d.ID, d.Edition, d.Rows, d.Origin)})
	}
	return out
}

// doctorDisk checks the free space where the SQLite file lives.
func doctorDisk(dir string) doctorCheck {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return doctorCheck{"disk", "warn", fmt.Sprintf("cannot read the free space of %s: %v", dir, err)}
	}
	free := st.Bavail * uint64(st.Bsize)
	detail := fmt.Sprintf("%.1f GiB free in %s", float64(free)/(1<<30), dir)
	if free < minFreeDisk {
		return doctorCheck{"disk", "FAIL", detail + ": imports, backups and the write-ahead log need at least 1 GiB"}
	}
	return doctorCheck{"disk", "ok", detail}
}

// runHealthcheck asks the local server's /readyz and exits 0 when it
// answers 200: a container health check that needs no curl in the image.
func runHealthcheck(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "healthcheck", "healthcheck [--url URL]")
	addr := optString(fs, env, "ADDR")
	target := fs.String("url", "", "address to ask (default: /readyz of the address serve listens on, UPSTREAM_ADDR)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	u := *target
	if u == "" {
		host, port, _ := net.SplitHostPort(*addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		u = "http://" + net.JoinHostPort(host, port) + "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return usageError("--url %q: %v", u, err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return kernel.Errorf(kernel.Unavailable, "%s: %v", u, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return kernel.Errorf(kernel.Unavailable, "%s answered %s", u, res.Status)
	}
	fmt.Fprintf(env.Stdout, "%s: ready\n", u)
	return nil
}

// doctorCheckpoints checks where the daily audit checkpoints go. Without a
// file they reach only the server log, and someone able to rewrite the
// database and its audit chain is then caught only if the log was kept
// apart; with one, the file must be writable (it is created on first use).
func doctorCheckpoints(env *Env) doctorCheck {
	path, _ := env.setting("AUDIT_CHECKPOINTS")
	if path == "" {
		return doctorCheck{"audit", "warn", "UPSTREAM_AUDIT_CHECKPOINTS is not set: the daily audit checkpoints go to the server log only, " +
			"so a rewritten audit log could go unnoticed. Set it to a file on storage the database's users cannot write " +
			"(another disk, a mounted append-only or backed-up volume), e.g. UPSTREAM_AUDIT_CHECKPOINTS=/var/lib/upstream-audit/checkpoints.log"}
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return doctorCheck{"audit", "FAIL", "UPSTREAM_AUDIT_CHECKPOINTS: the folder " + quoteOutside(dir) + " does not exist"}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return doctorCheck{"audit", "FAIL", "UPSTREAM_AUDIT_CHECKPOINTS " + quoteOutside(path) + " is a folder; name a file in it"}
	}
	// Writable as serve will use it, without leaving anything behind: the
	// file itself when it exists, otherwise a trial file beside it.
	var f *os.File
	var err error
	if _, serr := os.Stat(path); serr == nil {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	} else {
		f, err = os.CreateTemp(dir, ".upstream-doctor-*")
		if err == nil {
			defer os.Remove(f.Name())
		}
	}
	if err != nil {
		return doctorCheck{"audit", "FAIL", "UPSTREAM_AUDIT_CHECKPOINTS " + quoteOutside(path) + " cannot be written: " + err.Error()}
	}
	f.Close()
	if _, err := jobs.ReadCheckpointFile(path); err != nil {
		return doctorCheck{"audit", "FAIL", "UPSTREAM_AUDIT_CHECKPOINTS " + quoteOutside(path) + ": " + kernel.ErrorMessage(err)}
	}
	return doctorCheck{"audit", "ok", "daily audit checkpoints are appended to " + quoteOutside(path)}
}
