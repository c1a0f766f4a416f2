package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"strings"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

const warnUsage = `warn backtest --series FILE.csv [--detector cusum,ewma]
       upstream warn evaluate [--replicas N] [--seed S]`

// runWarn dispatches the early-warning batch commands.
func runWarn(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(env.Stderr, "Usage: upstream %s\n", warnUsage)
		if len(args) == 0 {
			return usageError("warn needs a subcommand: backtest or evaluate")
		}
		return nil
	}
	switch args[0] {
	case "backtest":
		return runWarnBacktest(ctx, env, args[1:])
	case "evaluate":
		return runWarnEvaluate(ctx, env, args[1:])
	}
	return usageError("warn: unknown subcommand %q; use backtest or evaluate", args[0])
}

// runWarnBacktest replays daily counts through the detectors and writes the
// alerts they would have raised as JSON lines.
func runWarnBacktest(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "warn backtest", "warn backtest --series FILE.csv [--detector cusum,ewma]")
	seriesPath := fs.String("series", "", "CSV file of daily counts with the header date,key,count (- for standard input)")
	detectorList := fs.String("detector", "cusum,ewma", "comma-separated detectors to run: cusum, ewma")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q; pass the file with --series", fs.Arg(0))
	}
	if *seriesPath == "" {
		return usageError("--series FILE.csv is required")
	}
	var detectors []earlywarning.CountDetector
	seen := map[string]bool{}
	for name := range strings.SplitSeq(*detectorList, ",") {
		name = strings.TrimSpace(name)
		if seen[name] {
			continue
		}
		d, err := earlywarning.DetectorByName(name)
		if err != nil {
			return usageError("--detector: %s", kernel.ErrorMessage(err))
		}
		seen[name] = true
		detectors = append(detectors, d)
	}
	var in io.Reader = env.Stdin
	name := "<stdin>"
	if *seriesPath != "-" {
		f, err := os.Open(*seriesPath)
		if errors.Is(err, iofs.ErrNotExist) {
			return usageError("--series: %s does not exist", *seriesPath)
		}
		if err != nil {
			return kernel.Wrap(kernel.Internal, err, "opening %s", *seriesPath)
		}
		defer f.Close()
		in, name = bufio.NewReaderSize(f, 1<<16), *seriesPath
	}
	series, err := earlywarning.ParseSeriesCSV(in, name)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	out := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(out)
	perDetector := map[string]int{}
	days, total := 0, 0
	for _, s := range series {
		days += len(s.Counts)
		for _, d := range earlywarning.DetectAll([]earlywarning.Series{s}, detectors...) {
			if err := enc.Encode(d); err != nil {
				return kernel.Wrap(kernel.Internal, err, "writing alerts")
			}
			perDetector[d.Detector]++
			total++
		}
	}
	if err := out.Flush(); err != nil {
		return kernel.Wrap(kernel.Internal, err, "writing alerts")
	}
	parts := make([]string, len(detectors))
	for i, d := range detectors {
		parts[i] = fmt.Sprintf("%s %d", d.Name(), perDetector[d.Name()])
	}
	noun := "alerts"
	if total == 1 {
		noun = "alert"
	}
	fmt.Fprintf(env.Stderr, "backtest: %d series, %d series-days, %d %s (%s)\n", len(series), days, total, noun, strings.Join(parts, ", "))
	return nil
}

// runWarnEvaluate scores the default detectors on the standard synthetic
// suite; docs/early-warning.md records its output.
func runWarnEvaluate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "warn evaluate", "warn evaluate [--replicas N] [--seed S]")
	replicas := fs.Int("replicas", 20, "series generated per scenario")
	seed := fs.Uint64("seed", 1, "random seed of the synthetic series")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *replicas < 1 || *replicas > 1000 {
		return usageError("--replicas: %d is outside 1..1000", *replicas)
	}
	suite := earlywarning.StandardSuite(*replicas, *seed)
	cases := suite.Cases()
	byRise := func(c earlywarning.Case) string {
		r := c.Scenario.Rise
		if r.Shape == earlywarning.RiseNone {
			return "no rise"
		}
		return fmt.Sprintf("%s x%g", r.Shape, r.Factor)
	}
	byRate := func(c earlywarning.Case) string { return fmt.Sprintf("rate %g/day", c.Scenario.Rate) }
	var rows []earlywarning.EvaluationRow
	for _, d := range []earlywarning.CountDetector{earlywarning.DefaultCUSUM(), earlywarning.DefaultEWMA()} {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows = append(rows, earlywarning.EvaluateByGroup(d, cases, byRise)...)
		rows = append(rows, earlywarning.EvaluateByGroup(d, cases, byRate)[1:]...)
	}
	fmt.Fprintf(env.Stdout, "synthetic suite: %d series of %d days, seed %d, rises from day %d, horizon %d days\n\n",
		len(cases), suite.Days, *seed, suite.Rises[len(suite.Rises)-1].Start, earlywarning.DetectionHorizon)
	return earlywarning.WriteEvaluation(env.Stdout, rows)
}
