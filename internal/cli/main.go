package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=...".
var Version = "dev"

// Env is everything a command may touch of the outside world, so that the
// whole program runs inside tests with buffers and a fake environment.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads UPSTREAM_* variables; tests pass a map-backed function.
	Getenv func(string) string
	// Ready, when set, is called by serve with the address it listens on
	// once the application answers there.
	Ready func(addr string)
	// Starting, when set, is called by serve with the address it listens
	// on as soon as it answers there with its waiting page, before it
	// opens the database; serve goes on when it returns.
	Starting func(addr string)
	Clock    kernel.Clock
}

// command is one subcommand. run returns an error whose kernel code decides
// the exit status: Invalid means bad usage or input (2), anything else 1.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// usageError marks an error as bad usage (exit status 2).
func usageError(format string, args ...any) error {
	return kernel.Errorf(kernel.Invalid, format, args...)
}

// Main runs the program with args (without the program name) and returns the
// exit status: 0 success, 1 runtime error, 2 bad usage or bad input.
func Main(ctx context.Context, env *Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Clock == nil {
		env.Clock = kernel.SystemClock{}
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var cmd *command
	for i := range cmds {
		if cmds[i].name == args[0] {
			cmd = &cmds[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "upstream: unknown command %q; run 'upstream help' for the list\n", args[0])
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	return exitStatus(env.Stderr, cmd.name, err)
}

func exitStatus(stderr io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "upstream %s: %s\n", name, terminalSafe(oneLine(userMessage(err))))
	switch kernel.ErrorCode(err) {
	case kernel.Invalid, kernel.Conflict:
		return 2 // bad usage or bad input: the caller can fix it
	default:
		return 1
	}
}

// userMessage is what the terminal shows: the whole chain, since the
// operator running the command is the one who must act on it.
func userMessage(err error) string { return err.Error() }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printUsage(w io.Writer, cmds []command) {
	fmt.Fprintln(w, "Upstream: supply-chain risk, screening, worker voice and impact for preventing trafficking and ecocide.")
	fmt.Fprintln(w, "\nUsage: upstream COMMAND [flags]\n\nCommands:")
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'upstream COMMAND -h' for a command's flags. UPSTREAM_* environment variables set the same options.")
}

// subcommandHelp prints usage and reports true when args ask for the help
// of a command that takes a subcommand ("keys -h"); the command then
// returns flag.ErrHelp, which exits 0 like every other -h.
func subcommandHelp(env *Env, args []string, usage string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(env.Stderr, "Usage: upstream %s\n", usage)
		return true
	}
	return false
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// writes its help to stderr.
func newFlagSet(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: upstream %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Flags may
// come before, between or after positional arguments ("--" ends the flags);
// afterwards fs.Args() holds the positional arguments in their order. Every
// option flag (optString, optBool) is then filled from the environment when
// not given, and checked.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Leave the positional arguments where fs.Args() finds them.
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
		return usageError("%v", err)
	}
	return resolveOptions(fs)
}

func newLogger(w io.Writer, json bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
