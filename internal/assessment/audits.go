package assessment

import (
	"fmt"
	"sort"
	"time"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// auditAssurance is how long a passed audit counts as recent.
const auditAssurance = 24 * 30 * 24 * time.Hour

// AuditSignals turns one audit into the signals it gives on day asOf: a
// failed result, a lapsed expiry, each finding by its severity, and, for a
// passed audit from the last 24 months still in force, the assurance that
// lowers the site's score within its band. Each names the scheme and the
// audit's date, so the register shows where it comes from.
func AuditSignals(a ingest.Audit, asOf time.Time) []risk.Signal {
	src, ed := a.Scheme+" audit", a.Date.Format(time.DateOnly)
	var out []risk.Signal
	expired := !a.Expiry.IsZero() && a.Expiry.Before(asOf)
	switch {
	case a.Outcome == ingest.AuditFailed:
		out = append(out, risk.Signal{Kind: risk.AuditFailed, Value: 1, Source: src, Edition: ed, Note: "result " + a.Result})
	case expired:
		out = append(out, risk.Signal{Kind: risk.AuditExpired, Value: 1, Source: src, Edition: ed, Note: "expired " + a.Expiry.Format(time.DateOnly)})
	case a.Outcome == ingest.AuditPassed && asOf.Sub(a.Date) <= auditAssurance && !a.Date.After(asOf):
		out = append(out, risk.Signal{Kind: risk.AuditPassed, Value: 1, Source: src, Edition: ed, Note: "result " + a.Result})
	}
	cats := make([]string, 0, len(a.Findings))
	for c := range a.Findings {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		out = append(out, risk.Signal{Kind: risk.AuditFinding, Value: float64(a.Findings[c]), Source: src, Edition: ed,
			Note: fmt.Sprintf("%s, %s", c, [...]string{"", "minor", "major", "critical"}[a.Findings[c]])})
	}
	return out
}

// AddAudits adds the signals of audits to the parties they name (by the
// reference in the organisation's files, or by id), as of day asOf. An
// audit naming no party read is returned as a row error, not dropped.
func (c *Chain) AddAudits(audits []ingest.Audit, file string, asOf time.Time) []ingest.RowError {
	var bad []ingest.RowError
	for _, a := range audits {
		ss := AuditSignals(a, asOf)
		if !c.AddSignals(supplychain.RefID(a.Supplier), ss) && !c.AddSignals(a.Supplier, ss) {
			bad = append(bad, ingest.RowError{File: file, Line: a.Line, Field: "supplier", Reason: fmt.Sprintf("%q names no supplier in the files read", a.Supplier)})
		}
	}
	return bad
}
