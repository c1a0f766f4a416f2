package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

func runVersion(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, versionLine())
	return nil
}

// versionLine names the build: the version set with -ldflags (or the
// module version go install recorded), the VCS revision and time Go
// stamped into the binary, and the Go release.
func versionLine() string {
	version, revision, when, dirty := Version, "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	line := "upstream " + version
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		line += " (revision " + revision
		if dirty {
			line += ", modified"
		}
		if when != "" {
			line += ", " + when
		}
		line += ")"
	}
	return line + " " + runtime.Version()
}
