package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/vault"
)

// setting is one option of the program, declared once here: its
// UPSTREAM_* variable, the flag that sets it for one run (if any), its
// default, whether it is a secret, one line of help and the check of its
// value. Secrets have no flag, so they never show in process lists; every
// variable may instead name a file holding the value (UPSTREAM_name_FILE).
//
// A command uses a setting through optString/optBool (flag and variable)
// or setting (variable only); `upstream config` prints them all and the
// README's configuration section is generated from this table.
type setting struct {
	name   string // the variable without its UPSTREAM_ prefix
	flag   string // "" when only the variable sets it
	def    string
	secret bool
	isBool bool
	help   string
	check  func(string) error // nil accepts any value
}

var settingTable = []setting{
	{name: "DB", flag: "db", def: sqlstore.DefaultDSN, check: checkDSN,
		help: "database: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DBNAME"},
	{name: "ORG", flag: "org", check: checkSlug,
		help: "slug of the organisation a command works on; serve creates the first administrator in it (main when unset)"},
	{name: "ADDR", flag: "addr", def: "127.0.0.1:8080", check: checkHostPort,
		help: "address serve listens on, HOST:PORT"},
	{name: "DEMO", flag: "demo", def: "false", isBool: true, check: checkBool,
		help: "serve: create the organisation demo with sample data and print its one-time passwords on first start"},
	{name: "COOKIE_SECURE", flag: "cookie-secure", def: "true", isBool: true, check: checkBool,
		help: "mark the session cookie Secure (browsers accept it on http://localhost)"},
	{name: "LOG_FORMAT", flag: "log-format", def: "auto", check: oneOf("auto", "text", "json"),
		help: "log format: auto (text on a terminal, JSON otherwise), text or json"},
	{name: "LOG_LEVEL", flag: "log-level", def: "info", check: oneOf("debug", "info", "warn", "error"),
		help: "log level: debug, info, warn or error"},
	{name: "ORG_NAME", def: "Main organisation",
		help: "display name of the organisation serve creates for the first administrator"},
	{name: "ADMIN_EMAIL", check: checkEmail,
		help: "serve: create this first administrator when the database has none (with UPSTREAM_ADMIN_PASSWORD)"},
	{name: "ADMIN_PASSWORD", secret: true,
		help: "password of that first administrator (at least 12 characters, not on the common-password list, estimated at 10^10 guesses or more)"},
	{name: "PASSWORD", secret: true,
		help: "user add and user set-password: the password, instead of a line on standard input"},
	{name: "PUBLIC_URL", check: checkURL,
		help: "the address people and messaging services reach the server at, e.g. https://upstream.example.org; webhook signatures, survey links and user invitations use it"},
	{name: "REPORT_EXIT_URL", check: checkURL,
		help: "where the quick-exit button of the reporter pages leads (default: a weather page)"},
	{name: "SCORECARD_WEIGHTS", check: checkReadableFile,
		help: "JSON file of scorecard weights used instead of the built-in ones"},
	{name: "WATCHLISTS", check: checkFileList,
		help: "watchlist files serve screens against, separated by " + string(filepath.ListSeparator) + " (default: the built-in UFLPA and CBP lists with stored replacements)"},
	{name: "CONVERSATION_SECRET", secret: true, check: minBytes(vault.MinConversationSecret),
		help: fmt.Sprintf("at least %d bytes keying the hashes of messaging conversations; random for each run when unset, so set it in production", vault.MinConversationSecret)},
	{name: "HOOK_SECRET", secret: true,
		help: "master secret of the /hooks/ORG/messages webhook; each organisation's own secret derives from it (upstream keys hook-secret --org SLUG)"},
	{name: "METRICS_TOKEN", secret: true,
		help: "bearer token a scraper sends to GET /metrics; /metrics is off when unset"},
	{name: "TWILIO_AUTH_TOKEN", secret: true,
		help: "Twilio auth token that checks the signatures on /hooks/ORG/twilio"},
	{name: "WEBHOOK_ALLOW", check: checkAllowList,
		help: "addresses alert webhooks may reach although they are loopback, private or link-local: IP addresses or ranges separated by commas, e.g. 10.20.0.0/16; unset, only public addresses are reached"},
	{name: "AUDIT_CHECKPOINTS", flag: "checkpoints",
		help: "file serve appends a daily checkpoint of every audit chain to, and audit verify checks the chains against; keep it on storage the database's users cannot write (unset: checkpoints go to the server log only)"},
	{name: "SMTP_ADDR", check: checkHostPort,
		help: "mail server for alert e-mails and user invitations, HOST:PORT; e-mail is off when unset, and admins cannot invite users (with UPSTREAM_PUBLIC_URL for the link)"},
	{name: "SMTP_FROM", check: checkEmail,
		help: "sender address of alert e-mails and invitations"},
	{name: "SMTP_USER",
		help: "user name at the mail server (with UPSTREAM_SMTP_PASSWORD)"},
	{name: "SMTP_PASSWORD", secret: true,
		help: "password at the mail server"},
	{name: "OSH_TOKEN", secret: true,
		help: "Open Supply Hub API token: with it serve looks up, in the background, the OS ID of every facility that has none (off when unset)"},
	{name: "OSH_URL", def: "https://opensupplyhub.org", check: checkURL,
		help: "address of the Open Supply Hub API the look-up uses"},
	{name: "API_RATE_LIMIT", def: "600", check: checkRateLimit,
		help: "API requests one user may make a minute, counted across every server sharing a PostgreSQL database (in memory on SQLite); past it the API answers 429 with Retry-After"},
	{name: "ARGON2", check: oneOf("test"),
		help: "test lowers the password and key hashing costs, for tests only; never in production"},
}

// lookupSetting returns the table's entry; an unknown name is a
// programming error, caught by the tests of every command.
func lookupSetting(name string) setting {
	for _, s := range settingTable {
		if s.name == name {
			return s
		}
	}
	panic("cli: no setting " + name + " in settingTable")
}

// fromEnv returns the setting's value from UPSTREAM_name, or the file named
// by UPSTREAM_name_FILE, or its default, with where it came from. A file
// that cannot be read, or both variables set, is an error: a silently
// empty password is worse than a refusal to start.
func (s setting) fromEnv(getenv func(string) string) (value, source string, err error) {
	v, file := getenv("UPSTREAM_"+s.name), getenv("UPSTREAM_"+s.name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", "", usageError("set UPSTREAM_%s or UPSTREAM_%s_FILE, not both", s.name, s.name)
	case v != "":
		return v, "UPSTREAM_" + s.name, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", usageError("UPSTREAM_%s_FILE: cannot read %q: %v", s.name, file, unwrapPath(err))
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", "", usageError("UPSTREAM_%s_FILE: %q is empty", s.name, file)
		}
		return v, "UPSTREAM_" + s.name + "_FILE", nil
	}
	return s.def, "default", nil
}

// validate checks a value of the setting; the empty value means unset and
// is always accepted.
func (s setting) validate(v, source string) error {
	if v == "" || s.check == nil {
		return nil
	}
	if err := s.check(v); err != nil {
		shown := strconv.Quote(v)
		if s.secret {
			shown = "(hidden)"
		}
		return usageError("%s %s: %v", describeSource(s, source), shown, err)
	}
	return nil
}

func describeSource(s setting, source string) string {
	if source == "flag" {
		return "--" + s.flag
	}
	if source == "default" {
		return "the default of UPSTREAM_" + s.name
	}
	return source
}

// setting returns the checked value of a variable-only setting.
func (env *Env) setting(name string) (string, error) {
	s := lookupSetting(name)
	v, source, err := s.fromEnv(env.Getenv)
	if err != nil {
		return "", err
	}
	return v, s.validate(v, source)
}

// settings returns the checked values of several variable-only settings.
func settings(env *Env, names ...string) (map[string]string, error) {
	out := make(map[string]string, len(names))
	for _, n := range names {
		v, err := env.setting(n)
		if err != nil {
			return nil, err
		}
		out[n] = v
	}
	return out, nil
}

// optionValue is a flag bound to a setting: given on the command line it
// wins; otherwise parseFlags fills it from the environment and checks it.
type optionValue struct {
	s      setting
	env    *Env
	value  string
	b      bool
	given  bool
	source string
}

func (o *optionValue) String() string {
	if o == nil {
		return ""
	}
	return o.value
}

func (o *optionValue) Set(v string) error {
	if o.s.isBool {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		o.b = b
	}
	o.value, o.given, o.source = v, true, "flag"
	return nil
}

func (o *optionValue) IsBoolFlag() bool { return o.s.isBool }

// resolve fills an option not given as a flag from the environment, then
// checks it.
func (o *optionValue) resolve() error {
	if !o.given {
		v, source, err := o.s.fromEnv(o.env.Getenv)
		if err != nil {
			return err
		}
		o.value, o.source = v, source
		if o.s.isBool {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return usageError("%s=%q: want true or false", describeSource(o.s, source), v)
			}
			o.b = b
		}
	}
	return o.s.validate(o.value, o.source)
}

func bindOption(fs *flag.FlagSet, env *Env, name string) *optionValue {
	s := lookupSetting(name)
	if s.flag == "" {
		panic("cli: setting " + name + " has no flag")
	}
	o := &optionValue{s: s, env: env, value: s.def, source: "default"}
	o.b, _ = strconv.ParseBool(s.def)
	fs.Var(o, s.flag, s.help+" (UPSTREAM_"+s.name+")")
	return o
}

// optString adds the setting's flag to fs; its value is final once
// parseFlags has returned without error.
func optString(fs *flag.FlagSet, env *Env, name string) *string {
	return &bindOption(fs, env, name).value
}

// optBool is optString for a true-or-false setting.
func optBool(fs *flag.FlagSet, env *Env, name string) *bool {
	return &bindOption(fs, env, name).b
}

// resolveOptions fills and checks every option flag of fs after parsing.
func resolveOptions(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if o, ok := f.Value.(*optionValue); ok && err == nil {
			err = o.resolve()
		}
	})
	return err
}

// Checks of setting values.

func checkDSN(v string) error {
	_, _, err := sqlstore.ParseDSN(v)
	return err
}

func checkHostPort(v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("want HOST:PORT, for example 127.0.0.1:8080")
	}
	return nil
}

func checkBool(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return fmt.Errorf("want true or false")
	}
	return nil
}

func oneOf(allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("want %s", strings.Join(allowed, ", "))
	}
}

func checkRateLimit(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 1000000 {
		return fmt.Errorf("%q is not a number of requests from 1 to 1000000", v)
	}
	return nil
}

func checkSlug(v string) error {
	if account.ValidateSlug(v) != nil {
		return fmt.Errorf("want an organisation slug: 1-63 lower-case letters, digits or dashes")
	}
	return nil
}

func checkEmail(v string) error {
	if strings.Count(v, "@") != 1 || strings.ContainsAny(v, " \r\n<>,") || strings.HasPrefix(v, "@") || strings.HasSuffix(v, "@") {
		return fmt.Errorf("want one e-mail address, for example alerts@example.org")
	}
	return nil
}

func checkAllowList(v string) error {
	_, err := jobs.ParseAllowList(v)
	return err
}

func checkURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("want an absolute http or https address, for example https://upstream.example.org")
	}
	return nil
}

func checkReadableFile(v string) error {
	f, err := os.Open(v)
	if err != nil {
		return fmt.Errorf("cannot read it: %v", unwrapPath(err))
	}
	return f.Close()
}

func checkFileList(v string) error {
	for _, p := range filepath.SplitList(v) {
		if p == "" {
			continue
		}
		if err := checkReadableFile(p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

func minBytes(n int) func(string) error {
	return func(v string) error {
		if len(v) < n {
			return fmt.Errorf("too short: %d bytes, want at least %d", len(v), n)
		}
		return nil
	}
}

// unwrapPath drops the path an *os.PathError repeats, since the message
// names the file already.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// runConfig prints the effective configuration: every setting with its
// value and where it came from, secrets hidden, and fails (exit 2) when a
// value is not valid.
func runConfig(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "config", "config [--format text|json]")
	format := fs.String("format", "text", "text (a table) or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format %q: want text or json", *format)
	}
	type row struct {
		Variable string `json:"variable"`
		Flag     string `json:"flag,omitempty"`
		Value    string `json:"value"`
		Source   string `json:"source"`
		Secret   bool   `json:"secret"`
		Problem  string `json:"problem,omitempty"`
	}
	var rows []row
	var problems []string
	for _, s := range settingTable {
		r := row{Variable: "UPSTREAM_" + s.name, Secret: s.secret}
		if s.flag != "" {
			r.Flag = "--" + s.flag
		}
		v, source, err := s.fromEnv(env.Getenv)
		if err == nil {
			err = s.validate(v, source)
		}
		r.Source = source
		switch {
		case err != nil:
			r.Problem = err.Error()
			r.Source = "error"
			problems = append(problems, r.Problem)
		case s.secret && v != "":
			r.Value = "(set, hidden)"
		case s.secret || v == "":
			r.Value = "(not set)"
		case s.name == "DB":
			r.Value = redactDSN(v)
		default:
			r.Value = v
		}
		rows = append(rows, r)
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VARIABLE\tFLAG\tVALUE\tFROM")
		for _, r := range rows {
			v, src := r.Value, r.Source
			if r.Problem != "" {
				v, src = "INVALID", r.Problem
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Variable, r.Flag, quoteOutside(v), src)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return usageError("%d setting(s) not valid: %s", len(problems), strings.Join(problems, "; "))
	}
	return nil
}

// redactDSN hides the password of a PostgreSQL DSN.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return dsn
}

// quoteOutside shows a value that came from outside the program safely on
// a terminal: printable text as it is, anything else quoted with escapes.
func quoteOutside(v string) string {
	if !printable(v) {
		return strconv.Quote(v)
	}
	return v
}

// ConfigurationReference is the Markdown table of every setting, as the
// README shows it.
func ConfigurationReference() string {
	var sb strings.Builder
	sb.WriteString("| Variable | Flag | Default | Secret | What it sets |\n|---|---|---|---|---|\n")
	for _, s := range settingTable {
		flagCol, def, secret := "", "", ""
		if s.flag != "" {
			flagCol = "`--" + s.flag + "`"
		}
		if s.def != "" {
			def = "`" + s.def + "`"
		}
		if s.secret {
			secret = "yes"
		}
		fmt.Fprintf(&sb, "| `UPSTREAM_%s` | %s | %s | %s | %s |\n", s.name, flagCol, def, secret, strings.ReplaceAll(s.help, "|", "\\|"))
	}
	return sb.String()
}
