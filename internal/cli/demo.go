package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/web"
)

// The demo organisation is filled once, on its first start with --demo,
// with clearly labelled synthetic data, so that every page shows something
// real. Each part checks whether it was already seeded and then does
// nothing, so restarts are cheap and never duplicate data.

type demoSeeder struct {
	env      *Env
	log      *slog.Logger
	db       *sqlstore.DB
	accounts *account.Service
	griev    *grievanceParts
	alerts   *earlywarning.Service
	// suppliers imports and recomputes; screening screens and reviews.
	// Either may be nil, and that part of the demo is then left out.
	suppliers *assessment.Service
	screening *web.ScreeningDeps
	org       account.Org
	// handler is the demo case handler with its key opened, set only when
	// this start created the handler (its password is known only then).
	handler *grievance.Handler
	// surveys runs worker-voice surveys; nil leaves the survey out.
	surveys *survey.Service
}

const demoLabel = "Demo data"

func (d *demoSeeder) run(ctx context.Context) error {
	org, err := d.accounts.Store.OrgBySlug(ctx, "demo")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.org = org
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"staff and keys", d.staff},
		{"supply chain", d.supplyChain},
		{"grievances", d.grievances},
		{"impact programme", d.impact},
		{"alerts", d.alertsSeed},
		{"cocoa chain and EUDR lots", d.eudrCocoa},
		{"worker-voice survey", d.surveyDemo},
	}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("demo %s: %w", s.name, err)
		}
	}
	return nil
}

// staff creates the organisation's recovery key and a case handler and an
// analyst with printed passwords, so each role can be tried.
func (d *demoSeeder) staff(ctx context.Context) error {
	st := d.griev.Store
	if _, err := st.RecoveryKey(ctx, d.org.ID); kernel.IsCode(err, kernel.NotFound) {
		priv, printable, err := d.griev.Vault.NewRecoveryKey()
		if err != nil {
			return err
		}
		if err := st.SetRecoveryKey(ctx, d.org.ID, priv.Public(), false); err != nil {
			return err
		}
		priv.Wipe()
		fmt.Fprintf(d.env.Stdout, "Demo recovery key (shown once; restores case access if a handler's password is lost): %s\n", printable)
	} else if err != nil {
		return err
	}
	for _, u := range []struct {
		email string
		role  account.Role
		name  string
	}{
		{"handler@demo.example", account.RoleCaseHandler, "Demo case handler"},
		{"analyst@demo.example", account.RoleAnalyst, "Demo analyst"},
		{"viewer@demo.example", account.RoleViewer, "Demo viewer"},
	} {
		if _, err := d.accounts.Store.UserByEmail(ctx, u.email); err == nil {
			continue
		} else if !kernel.IsCode(err, kernel.NotFound) {
			return err
		}
		pw, err := oneTimePassword()
		if err != nil {
			return err
		}
		created, err := d.accounts.CreateUser(ctx, account.NewUser{By: "demo", OrgID: d.org.ID, Email: u.email, Name: u.name, Role: u.role, Password: pw})
		if err != nil {
			return err
		}
		if u.role == account.RoleCaseHandler {
			pub, locked, err := d.griev.Vault.NewHandlerKey([]byte(pw))
			if err != nil {
				return err
			}
			if err := st.PutHandlerKey(ctx, d.org.ID, created.ID, pub, locked); err != nil {
				return err
			}
			// The demo's setup holds the recovery key it just made and
			// vouches for its own handler; a real organisation approves
			// with 'upstream keys approve'.
			if err := st.ApproveHandlerKey(ctx, d.org.ID, created.ID, pub, "recovery-key"); err != nil {
				return err
			}
			priv, err := d.griev.Vault.UnlockKey(locked, []byte(pw))
			if err != nil {
				return err
			}
			d.handler = &grievance.Handler{UserID: created.ID, Key: priv}
		}
		fmt.Fprintf(d.env.Stdout, "Demo %s: %s  password: %s\n", u.role, u.email, pw)
	}
	return nil
}

// demoReports are synthetic grievances, one per line of the story a
// programme officer would recognise. None is about a real person.
var demoReports = []struct {
	cats     []grievance.Category
	country  string
	channel  grievance.Channel
	severity grievance.Severity
	stage    grievance.Stage
	text     string
}{
	{[]grievance.Category{grievance.RetentionOfDocuments, grievance.DebtBondage}, "MY", grievance.ChannelWeb, grievance.SeverityHigh, grievance.StageRemediation,
		"The recruitment agent keeps our passports and says we owe him for the flight."},
	{[]grievance.Category{grievance.WithholdingOfWages}, "BD", grievance.ChannelSMS, grievance.SeverityMedium, grievance.StageInvestigating,
		"Overtime in the sewing line has not been paid for three months."},
	{[]grievance.Category{grievance.ExcessiveOvertime, grievance.AbusiveConditions}, "BD", grievance.ChannelWeb, grievance.SeverityMedium, grievance.StageAcknowledged,
		"We work until midnight before shipments and the dormitory has no water."},
	{[]grievance.Category{grievance.ChildLabour}, "CI", grievance.ChannelInPerson, grievance.SeverityCritical, grievance.StageInvestigating,
		"Children from the next village carry cocoa sacks during school weeks."},
	{[]grievance.Category{grievance.LandRights, grievance.Environment}, "ID", grievance.ChannelMessaging, grievance.SeverityHigh, grievance.StageReceived,
		"The plantation cleared forest the cooperative uses and the river is now brown."},
	{[]grievance.Category{grievance.IntimidationThreats}, "IN", grievance.ChannelWeb, grievance.SeverityHigh, grievance.StageReceived,
		"The supervisor threatened to report us to the police if we join the union."},
	{[]grievance.Category{grievance.Deception}, "NP", grievance.ChannelSMS, grievance.SeverityMedium, grievance.StageClosed,
		"The job offer said factory work but we were sent to a construction site."},
	{[]grievance.Category{grievance.RestrictionOfMovement, grievance.Isolation}, "TH", grievance.ChannelMessaging, grievance.SeverityCritical, grievance.StageAcknowledged,
		"The boat has not come to port for months and we cannot call our families."},
	{[]grievance.Category{grievance.Other}, "VN", grievance.ChannelWeb, grievance.SeverityLow, grievance.StageReceived,
		"The canteen food made several of us ill last week."},
}

var stageOrder = []grievance.Stage{grievance.StageReceived, grievance.StageAcknowledged, grievance.StageInvestigating, grievance.StageRemediation, grievance.StageClosed}

// grievances submits the demo reports through the real intake (encrypted,
// wrapped to the handler and recovery keys) and works each to its stage
// as the demo handler would.
func (d *demoSeeder) grievances(ctx context.Context) error {
	st := d.griev.Store
	ids, err := st.ReportIDs(ctx, d.org.ID)
	if err != nil || len(ids) > 0 {
		return err
	}
	keys, err := orgKeySource{st}.OrgKeys(ctx, d.org.ID)
	if err != nil {
		return err
	}
	svc := d.griev.Service
	var firstReceipt string
	for i, r := range demoReports {
		rc, rep, err := svc.Submit(ctx, keys, grievance.Submission{
			Triage:    grievance.Triage{Categories: r.cats, Country: r.country, Channel: r.channel, Severity: r.severity},
			Narrative: demoLabel + ": " + r.text,
		})
		if err != nil {
			return err
		}
		if i == 0 {
			firstReceipt = rc.Display()
		}
		if err := d.advance(ctx, rep, rc, r.stage); err != nil {
			return fmt.Errorf("report %d: %w", i+1, err)
		}
	}
	fmt.Fprintf(d.env.Stdout, "Demo receipt to try the follow-up page at /report/demo/follow-up: %s\n", firstReceipt)
	return nil
}

// advance moves a demo report to its stage through the handler workflow,
// as the demo case handler, so the audit log and thread look as they would
// in use. Without the handler's key (it was created on an earlier start)
// reports stay received.
func (d *demoSeeder) advance(ctx context.Context, rep grievance.Report, rc grievance.Receipt, to grievance.Stage) error {
	if to == grievance.StageReceived || d.handler == nil {
		return nil
	}
	hs, err := d.griev.Service.OpenAsHandler(ctx, d.org.ID, rep.ID, *d.handler)
	if err != nil {
		return err
	}
	defer hs.Close()
	for _, st := range stageOrder[1:] {
		if st == grievance.StageClosed {
			break
		}
		if err := hs.Move(ctx, st, grievance.ReasonNone, ""); err != nil {
			return err
		}
		if st == grievance.StageAcknowledged {
			if err := hs.Reply(ctx, demoLabel+": thank you, we have received your report and will look into it within two weeks.", false); err != nil {
				return err
			}
		}
		if st == to {
			break
		}
	}
	if to != grievance.StageRemediation && to != grievance.StageClosed {
		return nil
	}
	rem, err := hs.ProposeRemedy(ctx, grievance.RemedyBackPay, grievance.Money{Minor: 45000, Currency: "USD"}, demoLabel+": back pay of unpaid overtime")
	if err != nil {
		return err
	}
	rs, err := d.griev.Service.OpenWithReceipt(ctx, d.org.ID, rc)
	if err != nil {
		return err
	}
	err = rs.RespondToRemedy(ctx, rem.ID, true, "")
	rs.Close()
	if err != nil {
		return err
	}
	if to == grievance.StageRemediation {
		return nil
	}
	ev := grievance.Evidence{Note: "Paid by bank transfer to the worker's own account; the transfer slip was checked against the agreed amount.",
		Day: grievance.Today(d.env.Clock)}
	if _, err := hs.ImplementRemedyWithEvidence(ctx, rem.ID, ev); err != nil {
		return err
	}
	return hs.Move(ctx, grievance.StageClosed, grievance.ReasonResolved, "")
}

func (d *demoSeeder) impact(ctx context.Context) error {
	ps, err := d.db.Impact().Programmes(ctx, d.org.ID)
	if err != nil || len(ps) > 0 {
		return err
	}
	_, err = impact.SeedDemo(ctx, &impact.Service{Store: d.db.Impact(), Clock: d.env.Clock}, d.org.ID)
	return err
}

func (d *demoSeeder) alertsSeed(ctx context.Context) error {
	open, err := d.db.EarlyWarning().ListAlerts(ctx, d.org.ID, earlywarning.AlertFilter{}, kernel.Page{Limit: 1})
	if err != nil || len(open) > 0 {
		return err
	}
	now := d.env.Clock.Now()
	for _, t := range []earlywarning.Trigger{
		{Key: "demo/risk-jump/BD", Kind: earlywarning.KindRiskScoreChange, Subject: earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"},
			Detector: "threshold", Severity: earlywarning.SeverityHigh, Score: 18, Source: demoLabel + ": exposure rose after a reference-data update"},
		{Key: "demo/refdata", Kind: earlywarning.KindRefdataUpdate, Subject: earlywarning.Subject{Kind: earlywarning.SubjectDataset, ID: "ilab-goods"},
			Detector: "threshold", Severity: earlywarning.SeverityLow, Score: 1, Source: demoLabel + ": a new ILAB list edition is available"},
	} {
		t.OrgID, t.At = d.org.ID, now
		if _, _, err := d.alerts.Raise(ctx, t); err != nil {
			return err
		}
	}
	return d.grievanceAnomaly(ctx)
}

// grievanceAnomaly stores sixteen weeks of daily grievance counts from
// Bangladesh whose last week rises to three times the usual level, runs
// the organisation's own detector over them as the detector job would
// (weekly rhythms pooled over the organisation's series),
// and raises the alert of its last detection, so that the alert page has
// a real series, baseline and alarm to show.
func (d *demoSeeder) grievanceAnomaly(ctx context.Context) error {
	const days = 112
	subject := earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}
	through := earlywarning.DayOf(d.env.Clock.Now().UTC()) - 1
	start := through - days + 1
	counts := earlywarning.Generate(earlywarning.Scenario{Days: days, Rate: 3, Size: 8, Weekend: 0.4,
		Rise: earlywarning.Rise{Shape: earlywarning.RiseStep, Start: days - 7, Factor: 3}}, subject.String(), 17).Counts
	var sigs []earlywarning.Signal
	for i, n := range counts {
		if n == 0 {
			continue
		}
		sig, err := earlywarning.NewSignal(d.org.ID, earlywarning.KindGrievanceCount, subject, (start + earlywarning.Day(i)).Time().Add(12*time.Hour), float64(n), demoLabel)
		if err != nil {
			return err
		}
		sigs = append(sigs, sig)
	}
	st := d.db.EarlyWarning()
	if err := st.PutSignals(ctx, sigs); err != nil {
		return err
	}
	point, err := st.DetectorSensitivity(ctx, d.org.ID)
	if err != nil {
		return err
	}
	// The detector job pools weekly rhythms over every series the
	// organisation monitors; the demo organisation has this one.
	series, _ := earlywarning.SubjectSeries(sigs, subject, start, days)
	all := []earlywarning.Series{series}
	dets := earlywarning.DetectAll(all, earlywarning.Pool(all, point.Detectors())...)
	if len(dets) == 0 {
		return fmt.Errorf("demo grievance series: the %s detector raised nothing", point.Name)
	}
	t := dets[len(dets)-1].Trigger(d.org.ID, subject, earlywarning.SeverityMedium)
	t.Source = demoLabel + ": " + t.Source
	_, _, err = d.alerts.Raise(ctx, t)
	return err
}

// demoFlagged are synthetic suppliers whose names resemble entries of the
// built-in UFLPA Entity List, so that screening and its review queue have
// something to show. They are demo rows, not claims about any company.
const demoFlagged = `id,name,country,commodity,buyer_id,share,kind
DEMO-F1,"Hoshine Silicon Industry (Shanshan) Company Limited",CN,polysilicon,P3,40%,company
DEMO-F2,"Hetian Taida Apparel Co Ltd",CN,garments,P1,25%,facility
DEMO-F3,"Baoding LYSZD Trade & Business Co., Ltd",CN,cotton,,5%,trader
`

// demoAudit is an audit or certification the demo gives the first
// generated party that makes goods in country (any country when empty),
// dated months before today.
type demoAudit struct {
	goods, country, scheme string
	months                 int    // how long ago it took place
	result                 string // "" for a scheme that rates nothing (SMETA)
	validMonths            int    // expiry after the audit; 0 for none
	findings               [4]string
}

// demoAuditFindings are the finding columns of the demo's audit file.
var demoAuditFindings = [4]string{"forced_labour", "working_hours", "wages", "health_and_safety"}

// demoAuditPlan is what a sourcing team typically holds: a current SA8000
// certificate, a failed amfori BSCI audit with forced-labour findings, a
// SMETA report with findings and no rating, a lapsed Rainforest Alliance
// certificate, and current RSPO, Fair Trade and FSC certificates.
var demoAuditPlan = []demoAudit{
	{goods: "garments", country: "BD", scheme: "SA8000", months: 8, result: "certified", validMonths: 36},
	{goods: "garments", country: "CN", scheme: "amfori BSCI", months: 3, result: "E", findings: [4]string{"major", "major", "", ""}},
	{goods: "footwear", country: "VN", scheme: "SMETA", months: 14, findings: [4]string{"", "", "minor", "major"}},
	{goods: "cocoa beans", country: "CI", scheme: "Rainforest Alliance", months: 40, result: "certified", validMonths: 36},
	{goods: "palm oil", country: "ID", scheme: "RSPO", months: 10, result: "certified", validMonths: 60},
	{goods: "coffee", country: "CO", scheme: "Fair Trade", months: 5, result: "certified", validMonths: 36},
	{goods: "wood", scheme: "FSC", months: 20, result: "certified", validMonths: 60},
}

// demoAudits writes the audit file of the demo for the generated supplier
// file, dated from now, through the real audit import.
func demoAudits(suppliers []byte, now time.Time) (string, error) {
	rows, err := csv.NewReader(bytes.NewReader(suppliers)).ReadAll()
	if err != nil || len(rows) == 0 {
		return "", fmt.Errorf("demo supplier file: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	head := []string{"supplier", "scheme", "date", "result", "expiry"}
	for _, f := range demoAuditFindings {
		head = append(head, "findings_"+f)
	}
	w.Write(head)
	used := map[string]bool{}
	for _, a := range demoAuditPlan {
		ref := ""
		for _, r := range rows[1:] {
			if r[col["commodity"]] == a.goods && (a.country == "" || r[col["country"]] == a.country) && !used[r[col["id"]]] {
				ref = r[col["id"]]
				break
			}
		}
		if ref == "" {
			continue // the generator made no such party: no audit for it
		}
		used[ref] = true
		day := now.AddDate(0, -a.months, 0)
		expiry := ""
		if a.validMonths > 0 {
			expiry = day.AddDate(0, a.validMonths, 0).Format(time.DateOnly)
		}
		w.Write(append([]string{ref, a.scheme, day.Format(time.DateOnly), a.result, expiry}, a.findings[:]...))
	}
	w.Flush()
	return b.String(), w.Error()
}

// supplyChain imports a synthetic supply chain (a few thousand parties
// across tiers and countries) through the real import path, screens it
// against the served watchlists, and confirms one hit as a reviewer would.
func (d *demoSeeder) supplyChain(ctx context.Context) error {
	if d.suppliers == nil {
		return nil
	}
	_, total, err := d.db.SupplyChain().ListParties(ctx, d.org.ID, supplychain.PartyFilter{}, kernel.Page{Limit: 1})
	if err != nil || total > 0 {
		return err
	}
	var generated bytes.Buffer
	if err := GenSupplyChain(ctx, &generated, 3000, 4500, 7); err != nil {
		return err
	}
	audits, err := demoAudits(generated.Bytes(), d.env.Clock.Now())
	if err != nil {
		return err
	}
	sum, err := d.suppliers.ImportAndRecompute(ctx, d.org.ID, []assessment.NamedFile{
		assessment.ReaderFile("demo-suppliers.csv", bytes.NewReader(generated.Bytes())),
		assessment.ReaderFile("demo-flagged-suppliers.csv", strings.NewReader(demoFlagged)),
		assessment.ReaderFile("demo-audits.csv", strings.NewReader(audits)),
	}, false)
	if err != nil {
		return err
	}
	d.log.Info("demo supply chain imported", "parties", sum.Total.Parties, "links", sum.Total.Links)
	if d.screening == nil {
		return nil
	}
	sd := d.screening
	index, lists := sd.Lists.Current()
	if _, _, err := sd.Reviews.ScreenParties(ctx, d.org.ID, "system:demo", index, lists, sd.Parties, screening.Options{}); err != nil {
		return err
	}
	pending, err := d.db.Screening().ListReviewItems(ctx, screening.ReviewFilter{OrgID: d.org.ID, Status: screening.StatusPending, Page: kernel.Page{Limit: 1}})
	if err != nil || len(pending) == 0 {
		return err
	}
	if _, err := sd.Reviews.Decide(ctx, d.org.ID, pending[0].ID, screening.StatusConfirmed, demoLabel+": confirmed for the demonstration", "system:demo"); err != nil {
		return err
	}
	_, err = d.suppliers.Recompute(ctx, d.org.ID)
	return err
}
