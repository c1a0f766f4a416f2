package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// runSroi reads an impact map and prints its social return on investment.
func runSroi(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "sroi", "sroi MAP.json [--format text|json]")
	format := fs.String("format", "text", "output format: text or json")
	// Flags may follow the file name, so parse around positional arguments.
	var files []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return usageError("want exactly one impact map file, got %d; usage: upstream sroi MAP.json [--format text|json]", len(files))
	}
	if *format != "text" && *format != "json" {
		return usageError("--format: want text or json, got %q", *format)
	}
	name := files[0]
	var r io.Reader
	if name == "-" {
		r = env.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return kernel.Wrap(kernel.Invalid, err, "opening impact map")
		}
		defer f.Close()
		r = f
	}
	m, err := impact.DecodeMap(r)
	if err != nil {
		return kernel.Wrap(kernel.ErrorCode(err), err, "%s", name)
	}
	res, err := impact.Analyse(m)
	if err != nil {
		return kernel.Wrap(kernel.ErrorCode(err), err, "%s", name)
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return writeSroiText(env.Stdout, m, res)
}

// writeSroiText prints the result for people. Figures are rounded here and
// only here; a total may differ from the sum of its rounded rows.
func writeSroiText(w io.Writer, m *impact.Map, res *impact.Result) error {
	var b strings.Builder
	cur := res.Currency
	fmt.Fprintf(&b, "Social return on investment (%s, discount rate %s)\n\n", cur, percent(res.DiscountRate))

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Stakeholder\tOutcome\tFrom year\tImpact a year\tPresent value\n")
	for _, o := range res.Outcomes {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", o.Stakeholder, o.Outcome, o.FirstYear, money(o.Impact), money(o.PresentValue))
	}
	tw.Flush()
	b.WriteString("\n")

	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Year\tValue\tPresent value\t\n")
	for _, y := range res.Years {
		fmt.Fprintf(tw, "%d\t%s\t%s\t\n", y.Year, money(y.Value), money(y.PresentValue))
	}
	tw.Flush()
	b.WriteString("\n")

	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Total present value\t%s %s\n", cur, money(res.PresentValue))
	fmt.Fprintf(tw, "Inputs\t%s %s\n", cur, money(res.Inputs))
	fmt.Fprintf(tw, "Net present value\t%s %s\n", cur, money(res.NetPresentValue))
	fmt.Fprintf(tw, "SROI ratio\t%s (rounded %s)\n", res.RatioDisplay, res.RatioRounded)
	fmt.Fprintf(tw, "Net SROI ratio\t%s\n", strconv.FormatFloat(res.NetRatio, 'f', 2, 64))
	if res.PaybackMonths != nil {
		fmt.Fprintf(tw, "Payback\t%s months\n", strconv.FormatFloat(*res.PaybackMonths, 'f', 1, 64))
	} else {
		fmt.Fprintf(tw, "Payback\tnone (no first-year impact)\n")
	}
	tw.Flush()

	b.WriteString("\nSensitivity: the ratio with each parameter moved down and up, and the\nswitching value that brings the ratio to 1:1.\n\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Parameter\tStep\tRatio down\tRatio up\tSwitching value\n")
	for _, s := range res.Sensitivity {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", strings.ReplaceAll(s.Parameter, "_", " "), step(s), impact.FormatRatio(s.RatioDown), impact.FormatRatio(s.RatioUp), switchingText(s))
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

func step(s impact.Sensitivity) string {
	if s.StepKind == "factor" {
		return "±" + percent(s.Step)
	}
	return "±" + strconv.FormatFloat(s.Step, 'f', 2, 64)
}

func switchingText(s impact.Sensitivity) string {
	if s.SwitchingValue == nil {
		return s.SwitchingReason
	}
	v := *s.SwitchingValue
	switch s.SwitchingKind {
	case "factor":
		return fmt.Sprintf("x%s (%s%s)", strconv.FormatFloat(v, 'f', 3, 64), sign(v-1), percent(math.Abs(v-1)))
	case "value":
		return percent(v)
	}
	return fmt.Sprintf("%s%s on every outcome", sign(v), strconv.FormatFloat(math.Abs(v), 'f', 3, 64))
}

func sign(v float64) string {
	if v < 0 {
		return "-"
	}
	return "+"
}

func percent(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0")
	s = strings.TrimSuffix(s, ".")
	return s + "%"
}

// money shows an amount with two decimals and thousands separators.
func money(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != "0.00" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}
