package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
)

const eudrUsage = `eudr validate FILE [--format text|json] [--tolerance-km KM]
       upstream eudr import --org SLUG FILE
       upstream eudr operator --org SLUG --name NAME --country CC --address TEXT [--eori ID] [--size micro|small|medium|large] [--primary]
       upstream eudr evidence --org SLUG --plot REF --kind KIND --source TEXT --date YYYY-MM-DD --by NAME [--period-from D --period-to D --loss-ha HA --method TEXT] [--valid-until D] [--file PATH] [--note TEXT]
       upstream eudr lot --org SLUG --ref REF --commodity C --hs CODES --description TEXT --net-kg KG [--activity A] [--plots REF,...|--all-plots] [--upstream REF:VERIFICATION,...]
       upstream eudr assess --org SLUG --lot REF [--forests yes|no] [--indigenous yes|no] [--consulted yes|no] [--claims yes|no] [--country-concerns yes|no] [--mixing yes|no] [--certified yes|no] [--note LETTER=TEXT ...]
       upstream eudr mitigate --org SLUG --lot REF --criterion LETTER --measure TEXT --by NAME
       upstream eudr decide --org SLUG --lot REF --conclusion negligible|not-negligible --by NAME --reason TEXT
       upstream eudr checklist --org SLUG --lot REF
       upstream eudr statement --org SLUG --lot REF --by NAME --out FILE (.json: Information System document, .geojson, .html or .pdf)`

// runEUDR dispatches the EU Deforestation Regulation subcommands.
func runEUDR(ctx context.Context, env *Env, args []string) error {
	if subcommandHelp(env, args, eudrUsage) {
		return flag.ErrHelp
	}
	if len(args) == 0 {
		return usageError("usage: upstream %s", eudrUsage)
	}
	switch args[0] {
	case "validate":
		return eudrValidate(ctx, env, args[1:])
	case "import", "operator", "evidence", "lot", "assess", "mitigate", "decide", "checklist", "statement":
		return eudrStored(ctx, env, args[0], args[1:])
	default:
		return usageError("unknown eudr subcommand %q: want validate, import, operator, evidence, lot, assess, mitigate, decide, checklist or statement; usage: upstream %s", args[0], eudrUsage)
	}
}

// eudrValidate runs the geolocation checks on a plot file without a
// database. It writes the report to standard output and exits 2 when any
// check fails with an error, so a script can stop before a statement.
func eudrValidate(_ context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "eudr validate", eudrUsage)
	format := fs.String("format", "text", "report format: text or json")
	tol := fs.Float64("tolerance-km", eudr.DefaultToleranceKm, "how far outside the declared country's border a position may lie (the 1:10m borders are about a kilometre off in places)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return usageError("eudr validate needs one plot file (.geojson or .csv)")
	}
	if *format != "text" && *format != "json" {
		return usageError("--format %q: want text or json", *format)
	}
	if *tol <= 0 || *tol > 50 {
		return usageError("--tolerance-km %g: want more than 0 and at most 50", *tol)
	}
	path := rest[0]
	kind, err := eudr.FormatOf(path)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "eudr validate")
	}
	defer f.Close()
	borders, err := geo.DefaultBorders()
	if err != nil {
		return kernel.Wrap(kernel.Internal, err, "eudr validate")
	}
	c := eudr.Checker{Borders: borders, ToleranceKm: *tol, Today: env.Clock.Now()}
	rep, _, err := c.Validate(filepath.Base(path), kind, f)
	if err != nil {
		return err
	}
	if *format == "json" {
		err = rep.WriteJSON(env.Stdout)
	} else {
		err = rep.WriteText(env.Stdout)
	}
	if err != nil {
		return err
	}
	if rep.Failed() {
		return kernel.Errorf(kernel.Invalid, "%s: %d error(s) in %d plot(s); fix them before the plots go into a statement", quoteOutside(path), rep.Count(eudr.Error), rep.Plots)
	}
	fmt.Fprintf(env.Stderr, "%s: every plot passed the checks\n", quoteOutside(path))
	return nil
}
