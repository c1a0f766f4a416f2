package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/upstream-platform/upstream/internal/chromium"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// eudrFlags are the flags of every stored-record eudr subcommand; each
// subcommand reads the ones it needs and refuses the others' absence.
type eudrFlags struct {
	dsn, org, by, lot, plot, out                                               *string
	name, country, address, eori, size                                         *string
	kind, source, date, periodFrom, periodTo, method, validUntil, file, note   *string
	ref, commodity, hs, description, activity, plots, upstream                 *string
	forests, indigenous, consulted, claims, countryConcerns, mixing, certified *string
	criterion, measure, conclusion, reason                                     *string
	lossHa, netKg                                                              *float64
	allPlots, primary                                                          *bool
	notes                                                                      multiFlag
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func newEUDRFlags(fs *flag.FlagSet, env *Env, sub string) *eudrFlags {
	f := &eudrFlags{dsn: dbFlag(fs, env), org: orgFlag(fs, env)}
	s := func(name, usage string) *string { return fs.String(name, "", usage) }
	f.by = s("by", "name of the person who records, decides or makes the statement")
	f.lot = s("lot", "the lot's reference or id")
	f.plot = s("plot", "the plot's reference or id")
	f.out = s("out", "file to write")
	f.name, f.country, f.address = s("name", "operator name"), s("country", "operator country"), s("address", "operator address")
	f.eori, f.size = s("eori", "operator EORI number"), s("size", "operator size: micro, small, medium or large")
	f.kind = s("kind", "evidence kind: forest-loss, land-title, permit, fpic or other-legality")
	f.source, f.date = s("source", "who produced the evidence"), s("date", "date of the analysis or document (YYYY-MM-DD)")
	f.periodFrom, f.periodTo = s("period-from", "start of the period a forest-loss analysis covers"), s("period-to", "end of that period")
	f.method, f.validUntil = s("method", "how forest loss was measured"), s("valid-until", "expiry date of a document")
	f.file, f.note = s("file", "file to attach"), s("evidence-note", "note on the evidence")
	f.ref, f.commodity = s("ref", "the lot's reference (shipment or contract number)"), s("commodity", "cattle, cocoa, coffee, oil_palm, rubber, soya or wood")
	f.hs, f.description = s("hs", "HS codes, comma-separated"), s("description", "description of the goods")
	f.activity = s("activity", "import, export, domestic or trade (default import)")
	f.plots, f.upstream = s("plots", "plot references, comma-separated"), s("upstream", "earlier statements, REFERENCE:VERIFICATION comma-separated")
	f.forests, f.indigenous = s("forests", "forests in the area of production: yes, no or unknown"), s("indigenous", "indigenous peoples present: yes, no or unknown")
	f.consulted, f.claims = s("consulted", "indigenous peoples consulted in good faith"), s("claims", "duly reasoned claims on the land")
	f.countryConcerns, f.mixing = s("country-concerns", "corruption, fraud, conflict or sanctions concerns"), s("mixing", "risk of mixing with products of unknown origin")
	f.certified = s("certified", "certification or third-party verification")
	f.criterion, f.measure = s("criterion", "letter of Art. 10(2) the measure addresses"), s("measure", "what was done")
	f.conclusion, f.reason = s("conclusion", "negligible or not-negligible"), s("reason", "why")
	f.lossHa = fs.Float64("loss-ha", 0, "forest loss found after the cut-off, hectares")
	f.netKg = fs.Float64("net-kg", 0, "net mass in kilograms")
	f.allPlots = fs.Bool("all-plots", false, "link every stored plot of the lot's commodity")
	f.primary = fs.Bool("primary", false, "the operator places on the market what it grew, harvested or raised itself (with --size micro or small and a low-risk country: the simplified declaration)")
	fs.Var(&f.notes, "note", "LETTER=TEXT: what an answer rests on (repeatable)")
	return f
}

func required(pairs ...string) error {
	var missing []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			missing = append(missing, "--"+pairs[i])
		}
	}
	if len(missing) > 0 {
		return usageError("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

func optDate(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, usageError("--%s %q: want YYYY-MM-DD", name, v)
	}
	return t, nil
}

func eudrStored(ctx context.Context, env *Env, sub string, args []string) error {
	fs := newFlagSet(env, "eudr "+sub, eudrUsage)
	f := newEUDRFlags(fs, env, sub)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *f.org == "" {
		return usageError("--org is required (or set UPSTREAM_ORG)")
	}
	if sub != "import" && len(rest) > 0 {
		return usageError("unexpected argument %q", rest[0])
	}
	db, err := openStore(ctx, *f.dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := orgBySlug(ctx, db, *f.org)
	if err != nil {
		return err
	}
	svc, err := newEUDRService(ctx, env, db)
	if err != nil {
		return err
	}
	st := db.EUDR()
	out := env.Stdout
	switch sub {
	case "import":
		if len(rest) != 1 {
			return usageError("eudr import needs one plot file (.geojson or .csv)")
		}
		return eudrImport(ctx, env, svc, o.ID, rest[0])
	case "operator":
		if err := required("name", *f.name, "country", *f.country, "address", *f.address); err != nil {
			return err
		}
		c, err := lookupCountry(*f.country)
		if err != nil {
			return err
		}
		size, err := eudr.ParseSize(*f.size)
		if err != nil {
			return err
		}
		op := eudr.Operator{Name: strings.TrimSpace(*f.name), Country: c, Address: strings.TrimSpace(*f.address), EORI: strings.TrimSpace(*f.eori), Size: size, Primary: *f.primary}
		if err := st.SaveOperator(ctx, o.ID, op); err != nil {
			return err
		}
		fmt.Fprintf(out, "operator saved: %s, %s (%s)\n", op.Name, op.Country, op.Size)
		return nil
	case "evidence":
		return eudrEvidence(ctx, env, svc, st, o.ID, f)
	case "lot":
		return eudrLot(ctx, env, svc, st, o.ID, f)
	case "assess":
		if err := required("lot", *f.lot); err != nil {
			return err
		}
		var ans eudr.Answers
		for _, a := range []struct {
			flag string
			v    *string
			dst  *eudr.Answer
		}{{"forests", f.forests, &ans.Forests}, {"indigenous", f.indigenous, &ans.IndigenousPeoples}, {"consulted", f.consulted, &ans.Consulted},
			{"claims", f.claims, &ans.Claims}, {"country-concerns", f.countryConcerns, &ans.CountryConcerns}, {"mixing", f.mixing, &ans.Mixing}, {"certified", f.certified, &ans.Certified}} {
			v, err := eudr.ParseAnswer(*a.v)
			if err != nil {
				return usageError("--%s %v", a.flag, err)
			}
			*a.dst = v
		}
		for _, n := range f.notes {
			k, v, ok := strings.Cut(n, "=")
			if !ok || len(k) != 1 {
				return usageError("--note %q: want LETTER=TEXT, e.g. b=Sentinel-2 land cover", n)
			}
			if ans.Notes == nil {
				ans.Notes = map[string]string{}
			}
			ans.Notes[k] = v
		}
		a, err := svc.Assess(ctx, o.ID, *f.lot, ans)
		if err != nil {
			return err
		}
		return writeAssessment(out, a)
	case "mitigate":
		if err := required("lot", *f.lot, "criterion", *f.criterion, "measure", *f.measure, "by", *f.by); err != nil {
			return err
		}
		a, err := svc.Mitigate(ctx, o.ID, *f.lot, eudr.Mitigation{Criterion: *f.criterion, Measure: *f.measure, By: *f.by})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "mitigation recorded against (%s); the decision is open again\n", *f.criterion)
		return writeAssessment(out, a)
	case "decide":
		if err := required("lot", *f.lot, "conclusion", *f.conclusion); err != nil {
			return err
		}
		a, err := svc.Decide(ctx, o.ID, *f.lot, eudr.Conclusion(*f.conclusion), *f.by, *f.reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "risk concluded %s by %s on %s\n", a.Conclusion, a.DecidedBy, a.DecidedAt.Format(time.DateOnly))
		return nil
	case "checklist":
		if err := required("lot", *f.lot); err != nil {
			return err
		}
		lf, err := svc.Lot(ctx, o.ID, *f.lot)
		if err != nil {
			return err
		}
		writeChecklist(out, lf)
		if open := eudr.Blocking(lf.Checklist); len(open) > 0 {
			return kernel.Errorf(kernel.Invalid, "lot %s: %d item(s) open before a statement can be made", lf.Statement.Lot.Ref, len(open))
		}
		return nil
	case "statement":
		if err := required("lot", *f.lot, "by", *f.by, "out", *f.out); err != nil {
			return err
		}
		return eudrStatement(ctx, env, svc, o.ID, *f.lot, *f.by, *f.out)
	}
	return usageError("unknown eudr subcommand %q", sub)
}

func newEUDRService(ctx context.Context, env *Env, db *sqlstore.DB) (*eudr.Service, error) {
	set, err := loadRefdata(ctx, db)
	if err != nil {
		return nil, err
	}
	borders, err := geo.DefaultBorders()
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "country borders")
	}
	bench := func(c string) string {
		b, ok := set.Benchmark(c)
		if !ok {
			return ""
		}
		return b.Risk
	}
	return eudr.NewService(db.EUDR(), borders, bench, env.Clock), nil
}

func lookupCountry(raw string) (string, error) {
	c, err := country.Lookup(raw)
	if err != nil {
		return "", usageError("--country: %v", err)
	}
	return c.Alpha2, nil
}

func eudrImport(ctx context.Context, env *Env, svc *eudr.Service, orgID, path string) error {
	kind, err := eudr.FormatOf(path)
	if err != nil {
		return err
	}
	fh, err := os.Open(path)
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "eudr import")
	}
	defer fh.Close()
	rep, err := svc.ImportPlots(ctx, orgID, filepath.Base(path), kind, fh)
	if err != nil {
		return err
	}
	if err := rep.WriteText(env.Stdout); err != nil {
		return err
	}
	unread := 0
	for _, fd := range rep.Findings {
		if fd.Check == eudr.CheckRead {
			unread++
		}
	}
	fmt.Fprintf(env.Stdout, "\nstored %d plot(s)", rep.Plots-unread)
	if unread > 0 {
		fmt.Fprintf(env.Stdout, "; %d could not be read and were not stored", unread)
	}
	if n := rep.Count(eudr.Error); n > 0 {
		fmt.Fprintf(env.Stdout, "; plots with errors are stored but block any statement until fixed")
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

func eudrEvidence(ctx context.Context, env *Env, svc *eudr.Service, st *sqlstore.EUDR, orgID string, f *eudrFlags) error {
	if err := required("plot", *f.plot, "kind", *f.kind, "source", *f.source, "date", *f.date, "by", *f.by); err != nil {
		return err
	}
	p, err := svc.PlotByRef(ctx, orgID, *f.plot)
	if err != nil {
		return err
	}
	kind, err := eudr.ParseEvidenceKind(*f.kind)
	if err != nil {
		return err
	}
	e := eudr.Evidence{PlotID: p.ID, Kind: kind, Source: *f.source, LossHa: *f.lossHa, Method: *f.method, Note: *f.note, RecordedBy: *f.by, RecordedAt: env.Clock.Now()}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
	}{{"date", *f.date, &e.Date}, {"period-from", *f.periodFrom, &e.PeriodFrom}, {"period-to", *f.periodTo, &e.PeriodTo}, {"valid-until", *f.validUntil, &e.ValidUntil}} {
		t, err := optDate(d.name, d.v)
		if err != nil {
			return err
		}
		*d.dst = t
	}
	var file *eudr.File
	if *f.file != "" {
		fh, err := os.Open(*f.file)
		if err != nil {
			return kernel.Wrap(kernel.Invalid, err, "--file")
		}
		content, err := io.ReadAll(io.LimitReader(fh, eudr.MaxEvidenceFile+1))
		fh.Close()
		if err != nil {
			return kernel.Wrap(kernel.Invalid, err, "--file")
		}
		if len(content) > eudr.MaxEvidenceFile {
			return usageError("--file %s is larger than %d MB", quoteOutside(*f.file), eudr.MaxEvidenceFile>>20)
		}
		mt := mime.TypeByExtension(filepath.Ext(*f.file))
		if mt == "" {
			mt = "application/octet-stream"
		}
		fl := eudr.NewFile("", filepath.Base(*f.file), mt, content)
		file = &fl
	}
	if err := st.AddEvidence(ctx, orgID, e, file); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s recorded on plot %s\n", kind.Label(), p.Label())
	return nil
}

func eudrLot(ctx context.Context, env *Env, svc *eudr.Service, st *sqlstore.EUDR, orgID string, f *eudrFlags) error {
	if err := required("ref", *f.ref, "commodity", *f.commodity); err != nil {
		return err
	}
	commodityID, err := eudr.ParseCommodity(*f.commodity)
	if err != nil {
		return usageError("--commodity: %v", err)
	}
	act, err := eudr.ParseActivity(*f.activity)
	if err != nil {
		return err
	}
	l := eudr.Lot{ID: kernel.NewID(), Ref: strings.TrimSpace(*f.ref), Commodity: commodityID, Description: strings.TrimSpace(*f.description),
		NetMassKg: *f.netKg, Activity: act, CreatedAt: env.Clock.Now()}
	if prev, err := st.Lot(ctx, orgID, l.Ref); err == nil {
		l.ID, l.CreatedAt = prev.ID, prev.CreatedAt // the same reference updates the lot
	}
	for _, h := range strings.Split(*f.hs, ",") {
		if h = eudr.NormaliseHS(strings.TrimSpace(h)); h != "" {
			l.HSCodes = append(l.HSCodes, h)
		}
	}
	if *f.allPlots {
		all, err := st.ListPlots(ctx, orgID)
		if err != nil {
			return err
		}
		for _, p := range all {
			if p.Commodity == commodityID {
				l.PlotIDs = append(l.PlotIDs, p.ID)
			}
		}
	}
	for _, ref := range strings.Split(*f.plots, ",") {
		if ref = strings.TrimSpace(ref); ref == "" {
			continue
		}
		p, err := svc.PlotByRef(ctx, orgID, ref)
		if err != nil {
			return err
		}
		l.PlotIDs = append(l.PlotIDs, p.ID)
	}
	for _, u := range strings.Split(*f.upstream, ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		ref, ver, _ := strings.Cut(u, ":")
		l.Upstream = append(l.Upstream, eudr.StatementRef{Reference: strings.TrimSpace(ref), Verification: strings.TrimSpace(ver)})
	}
	if err := st.SaveLot(ctx, orgID, l); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "lot %s saved: %s, %d plot(s), %d earlier statement(s)\n", l.Ref, commodityID, len(l.PlotIDs), len(l.Upstream))
	return nil
}

func writeAssessment(w io.Writer, a eudr.Assessment) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "criterion\tlevel\tfinding")
	for _, c := range a.Criteria {
		fmt.Fprintf(tw, "(%s) %s\t%s\t%s\n", c.Key, c.Title, c.Level, c.Finding)
	}
	tw.Flush()
	for _, m := range a.Mitigation {
		fmt.Fprintf(w, "mitigation (%s): %s, by %s on %s\n", m.Criterion, m.Measure, m.By, m.At.Format(time.DateOnly))
	}
	if open := eudr.Unmitigated(a); len(open) > 0 {
		fmt.Fprintf(w, "\nto mitigate before the risk can be concluded negligible:\n  %s\n", strings.Join(open, "\n  "))
	}
	return nil
}

func writeChecklist(w io.Writer, lf eudr.LotFile) {
	fmt.Fprintf(w, "lot %s (%s)\n", lf.Statement.Lot.Ref, lf.Statement.Lot.Commodity)
	fmt.Fprintf(w, "simplified due diligence: %v (%s)\n\n", lf.Simplified, lf.SimplifiedWhy)
	for _, it := range lf.Checklist {
		mark := "[x]"
		if !it.Done {
			mark = "[ ]"
			if !it.Blocking {
				mark = "[!]"
			}
		}
		fmt.Fprintf(w, "%s %s\n", mark, it.Label)
		for _, m := range it.Missing {
			fmt.Fprintf(w, "      %s\n", m)
		}
	}
}

func eudrStatement(ctx context.Context, env *Env, svc *eudr.Service, orgID, lot, by, out string) error {
	ext := strings.ToLower(filepath.Ext(out))
	if ext != ".json" && ext != ".geojson" && ext != ".html" && ext != ".pdf" {
		return usageError("--out %s: want a .json (Information System document), .geojson, .html or .pdf file", quoteOutside(out))
	}
	var printer report.PDFPrinter
	if ext == ".pdf" {
		p, err := chromium.Find()
		if err != nil {
			return err
		}
		printer = p
	}
	s, err := svc.MakeStatement(ctx, orgID, lot, by)
	if err != nil {
		return err
	}
	var data []byte
	switch ext {
	case ".json":
		data, err = s.InformationSystemJSON()
	case ".geojson":
		data = eudr.GeoJSON(s.Plots())
	default:
		data, err = report.WriteStatementHTML(report.NewStatementPage(s, env.Clock.Now()))
		if err == nil && printer != nil {
			data, err = printer.PrintPDF(ctx, data)
		}
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "--out")
	}
	fmt.Fprintf(env.Stdout, "%s %s made by %s for lot %s: %d producer(s), %d plot(s), countries %s; written to %s\n",
		s.Kind.Label(), s.ID, s.MadeBy, s.Reference, len(s.Producers), len(s.Plots()), strings.Join(s.Countries, ", "), out)
	return nil
}
