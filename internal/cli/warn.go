package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

const warnUsage = `warn backtest --series FILE.csv [--closures FILE.csv] [--detector nbcusum,cusum,ewma] [--sensitivity NAME]
       upstream warn evaluate [--suite held-out|tuning|calibrated] [--sensitivity NAME] [--curve] [--detectors nbcusum,cusum,ewma]
       upstream warn sensitivity --org SLUG [NAME]
       upstream warn closures --org SLUG [--add FILE.csv] [--delete ID]`

// runWarn dispatches the early-warning batch commands.
func runWarn(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(env.Stderr, "Usage: upstream %s\n", warnUsage)
		if len(args) == 0 {
			return usageError("warn needs a subcommand: backtest, evaluate, sensitivity or closures")
		}
		return nil
	}
	switch args[0] {
	case "backtest":
		return runWarnBacktest(ctx, env, args[1:])
	case "evaluate":
		return runWarnEvaluate(ctx, env, args[1:])
	case "sensitivity":
		return runWarnSensitivity(ctx, env, args[1:])
	case "closures":
		return runWarnClosures(ctx, env, args[1:])
	}
	return usageError("warn: unknown subcommand %q; use backtest, evaluate, sensitivity or closures", args[0])
}

// runWarnBacktest replays daily counts through the detectors and writes the
// alarms they would have raised as JSON lines, one per episode.
func runWarnBacktest(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "warn backtest", "warn backtest --series FILE.csv [--closures FILE.csv] [--detector nbcusum,cusum,ewma] [--sensitivity NAME]")
	seriesPath := fs.String("series", "", "CSV file of daily counts with the header date,key,count (- for standard input)")
	closuresPath := fs.String("closures", "", "CSV closure calendar with the header from,to,kind,label[,key]: holidays and outages the detector reads")
	detectorList := fs.String("detector", "nbcusum", "comma-separated detectors to run: "+earlywarning.DetectorNames)
	sensitivity := fs.String("sensitivity", earlywarning.SensitivityBalanced, "point on the trade-off curve, for nbcusum: "+sensitivityNames())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q; pass the file with --series", fs.Arg(0))
	}
	if *seriesPath == "" {
		return usageError("--series FILE.csv is required")
	}
	point, err := earlywarning.SensitivityByName(*sensitivity)
	if err != nil {
		return usageError("--sensitivity: %s", kernel.ErrorMessage(err))
	}
	detectors, err := detectorsAt(*detectorList, point)
	if err != nil {
		return usageError("--detector: %s", kernel.ErrorMessage(err))
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
	if *closuresPath != "" {
		closures, err := readClosures(*closuresPath, "")
		if err != nil {
			return err
		}
		earlywarning.ApplyClosures(series, closures)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The file's series are one organisation's: the detector pools their
	// weekly rhythms, as the detector job does.
	mon := earlywarning.Monitor{Detectors: earlywarning.Pool(series, detectors)}
	out := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(out)
	agreed, only := 0, map[string]int{}
	days, total := 0, 0
	for _, s := range series {
		days += len(s.Counts)
		for _, a := range mon.Alarms(s) {
			if err := enc.Encode(a); err != nil {
				return kernel.Wrap(kernel.Internal, err, "writing alarms")
			}
			if a.Agreed() {
				agreed++
			} else {
				only[a.Detectors[0]]++
			}
			total++
		}
	}
	if err := out.Flush(); err != nil {
		return kernel.Wrap(kernel.Internal, err, "writing alarms")
	}
	var parts []string
	if len(detectors) > 1 {
		parts = append(parts, fmt.Sprintf("detectors agreed %d", agreed))
	}
	for _, d := range detectors {
		parts = append(parts, fmt.Sprintf("%s only %d", d.Name(), only[d.Name()]))
	}
	fmt.Fprintf(env.Stderr, "backtest: %d series, %d series-days, %s (%s)\n", len(series), days, plural(total, "alarm", "alarms"), strings.Join(parts, ", "))
	return nil
}

// detectorsAt parses a comma-separated list of detector names: nbcusum at
// the given point on the trade-off curve, the others at their defaults.
// Repeated names count once.
func detectorsAt(list string, point earlywarning.Sensitivity) ([]earlywarning.CountDetector, error) {
	var out []earlywarning.CountDetector
	seen := map[string]bool{}
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if seen[name] {
			continue
		}
		d, err := earlywarning.DetectorByName(name)
		if err != nil {
			return nil, err
		}
		seen[name] = true
		if name == "nbcusum" {
			d = point.Detector()
		}
		out = append(out, d)
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func sensitivityNames() string {
	var names []string
	for _, s := range earlywarning.Sensitivities() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

// runWarnEvaluate scores the detectors on a synthetic suite, per band of
// base rate, or prints the trade-off curve; docs/early-warning.md records
// its output.
func runWarnEvaluate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "warn evaluate", "warn evaluate [--suite held-out|tuning|tuning-wide|calibrated] [--calendar] [--sensitivity NAME] [--curve] [--detectors nbcusum,cusum,ewma]")
	suiteName := fs.String("suite", "held-out", "synthetic suite: held-out (never tuned on), tuning, tuning-wide, or calibrated (drawn like the series the targets were set on, as their published figures tell)")
	calendar := fs.Bool("calendar", false, "give each series its closure calendar (its holidays and outages), as an organisation that keeps one")
	sensitivity := fs.String("sensitivity", earlywarning.SensitivityBalanced, "point on the trade-off curve: "+sensitivityNames())
	curve := fs.Bool("curve", false, "print every point of the trade-off curve instead of one point by base rate")
	horizon := fs.Int("horizon", earlywarning.TimelyHorizon, "days after a rise's start within which detection counts as timely")
	detectorList := fs.String("detectors", "nbcusum", "comma-separated detectors, scored together and each alone: "+earlywarning.DetectorNames)
	nbThreshold := fs.Float64("threshold", 0, "nbcusum alarm level (default: the sensitivity's)")
	window := fs.Int("window", 0, "cusum and ewma baseline window in days (default: theirs)")
	threshold := fs.Float64("cusum-threshold", 0, "cusum alarm level (default: its own)")
	limit := fs.Float64("ewma-limit", 0, "ewma alarm level (default: its own)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var suite earlywarning.MixConfig
	switch *suiteName {
	case "held-out":
		suite = earlywarning.HeldOutSuite()
	case "tuning":
		suite = earlywarning.TuningSuite()
	case "tuning-wide":
		suite = earlywarning.TuningWideSuite()
	case "calibrated":
		suite = earlywarning.CalibratedSuite()
	default:
		return usageError("--suite: %q is not one of held-out, tuning, tuning-wide, calibrated", *suiteName)
	}
	if *horizon < 0 || *horizon > earlywarning.DetectionHorizon {
		return usageError("--horizon: %d is outside 0..%d", *horizon, earlywarning.DetectionHorizon)
	}
	point, err := earlywarning.SensitivityByName(*sensitivity)
	if err != nil {
		return usageError("--sensitivity: %s", kernel.ErrorMessage(err))
	}
	points := []earlywarning.Sensitivity{point}
	if *curve {
		if strings.TrimSpace(*detectorList) != "nbcusum" || *nbThreshold != 0 {
			return usageError("--curve scores the sensitivities, which run nbcusum at their own thresholds; leave out --detectors and --threshold")
		}
		points = earlywarning.Sensitivities()
	}
	build := func(p earlywarning.Sensitivity) ([]earlywarning.CountDetector, error) {
		if *nbThreshold != 0 {
			p.Threshold = *nbThreshold
		}
		ds, err := detectorsAt(*detectorList, p)
		if err != nil {
			return nil, usageError("--detectors: %s", kernel.ErrorMessage(err))
		}
		for i, d := range ds {
			switch d := d.(type) {
			case earlywarning.NBCUSUM:
				if err := d.Validate(); err != nil {
					return nil, usageError("%s", kernel.ErrorMessage(err))
				}
			case earlywarning.CUSUM:
				if *window != 0 {
					d.Window = *window
				}
				if *threshold != 0 {
					d.Threshold = *threshold
				}
				if err := d.Validate(); err != nil {
					return nil, usageError("%s", kernel.ErrorMessage(err))
				}
				ds[i] = d
			case earlywarning.EWMA:
				if *window != 0 {
					d.Window = *window
				}
				if *limit != 0 {
					d.Limit = *limit
				}
				if err := d.Validate(); err != nil {
					return nil, usageError("%s", kernel.ErrorMessage(err))
				}
				ds[i] = d
			}
		}
		return ds, nil
	}
	cases := suite.Cases()
	withCalendar := ""
	if *calendar {
		cases = earlywarning.WithCalendars(cases)
		withCalendar = ", each with its closure calendar"
	}
	var rows []earlywarning.EvaluationRow
	for _, p := range points {
		ds, err := build(p)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if *curve {
			m := earlywarning.Evaluate(earlywarning.Monitor{Detectors: ds}, cases, *horizon)
			rows = append(rows, earlywarning.EvaluationRow{Group: p.Name, Metrics: m})
			continue
		}
		monitors := []earlywarning.Monitor{{Detectors: ds}}
		if len(ds) > 1 {
			for _, d := range ds {
				monitors = append(monitors, earlywarning.Monitor{Detectors: []earlywarning.CountDetector{d}})
			}
		}
		for _, mon := range monitors {
			rows = append(rows, earlywarning.EvaluateByGroup(mon, cases, *horizon, earlywarning.RateBand)...)
		}
	}
	fmt.Fprintf(env.Stdout, "%s suite: %d series of %d days, seed %d%s; timely = within %d days of a rise's start\n\n",
		suite.Name, len(cases), suite.Days, suite.Seed, withCalendar, *horizon)
	return earlywarning.WriteEvaluation(env.Stdout, rows)
}

// runWarnSensitivity shows an organisation's point on the early-warning
// trade-off curve, or sets it when a name is given.
func runWarnSensitivity(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "warn sensitivity", "warn sensitivity --org SLUG [NAME]")
	dsn := dbFlag(fs, env)
	slug := fs.String("org", "", "the organisation")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return usageError("--org SLUG is required")
	}
	if fs.NArg() > 1 {
		return usageError("unexpected argument %q; give one sensitivity: %s", fs.Arg(1), sensitivityNames())
	}
	name := fs.Arg(0)
	if name != "" {
		if _, err := earlywarning.SensitivityByName(name); err != nil {
			return usageError("%s", kernel.ErrorMessage(err))
		}
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := orgBySlug(ctx, db, *slug)
	if err != nil {
		return err
	}
	st := db.EarlyWarning()
	if name != "" {
		if err := st.SetDetectorSensitivity(ctx, o.ID, name, "cli", time.Now()); err != nil {
			return err
		}
	}
	cur, err := st.DetectorSensitivity(ctx, o.ID)
	if err != nil {
		return err
	}
	if name != "" {
		fmt.Fprintf(env.Stdout, "%s: early-warning sensitivity set to %s (%s)\n", o.Slug, cur.Name, cur.Label)
		return nil
	}
	for _, p := range earlywarning.Sensitivities() {
		mark := " "
		if p.Name == cur.Name {
			mark = "*"
		}
		fmt.Fprintf(env.Stdout, "%s %-9s %s: %s\n", mark, p.Name, p.Label, p.Description)
	}
	return nil
}

// readClosures reads a closure calendar file for the organisation orgID.
func readClosures(path, orgID string) ([]earlywarning.ClosurePeriod, error) {
	f, err := os.Open(path)
	if errors.Is(err, iofs.ErrNotExist) {
		return nil, usageError("--closures: %s does not exist", path)
	}
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "opening %s", path)
	}
	defer f.Close()
	if orgID == "" {
		orgID = "backtest" // the backtest keeps nothing; the field only has to be set
	}
	return earlywarning.ParseClosuresCSV(bufio.NewReader(f), path, orgID)
}

// runWarnClosures lists an organisation's closure calendar, adds the
// closures of a file to it, or deletes one.
func runWarnClosures(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "warn closures", "warn closures --org SLUG [--add FILE.csv] [--delete ID]")
	dsn := dbFlag(fs, env)
	slug := fs.String("org", "", "the organisation")
	add := fs.String("add", "", "CSV file of closures to add, with the header from,to,kind,label[,key]")
	del := fs.String("delete", "", "id of a closure to delete (as listed)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return usageError("--org SLUG is required")
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q; pass a file with --add", fs.Arg(0))
	}
	if *add != "" && *del != "" {
		return usageError("give --add or --delete, not both")
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := orgBySlug(ctx, db, *slug)
	if err != nil {
		return err
	}
	st := db.EarlyWarning()
	switch {
	case *add != "":
		periods, err := readClosures(*add, o.ID)
		if err != nil {
			return err
		}
		// Every row is checked before any is stored; a failure part-way
		// (the database going away) is reported with how many were kept.
		now := time.Now().UTC()
		for i, p := range periods {
			p.CreatedBy, p.CreatedAt = "cli", now
			if _, err := st.AddClosure(ctx, p); err != nil {
				return fmt.Errorf("%s: stored %d of %d closures before: %w", *add, i, len(periods), err)
			}
		}
		fmt.Fprintf(env.Stdout, "%s: %s added to the closure calendar\n", o.Slug, plural(len(periods), "closure", "closures"))
		return nil
	case *del != "":
		if err := st.DeleteClosure(ctx, o.ID, *del); err != nil {
			if kernel.IsCode(err, kernel.NotFound) {
				return usageError("%s has no closure %q; list them with warn closures --org %s", o.Slug, *del, o.Slug)
			}
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: closure %s deleted\n", o.Slug, *del)
		return nil
	}
	periods, err := st.Closures(ctx, o.ID, earlywarning.Day(math.MinInt32), earlywarning.Day(math.MaxInt32))
	if err != nil {
		return err
	}
	if len(periods) == 0 {
		fmt.Fprintf(env.Stdout, "%s has no closures; add them with warn closures --org %s --add FILE.csv\n", o.Slug, o.Slug)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tfrom\tto\tkind\tseries\tlabel")
	for _, p := range periods {
		series := p.Subject
		if series == "" {
			series = "all"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.From, p.To, p.Kind, quoteOutside(series), quoteOutside(p.Label))
	}
	return tw.Flush()
}
