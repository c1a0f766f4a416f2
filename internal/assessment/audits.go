package assessment

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
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
			bad = append(bad, ingest.RowError{File: file, Line: a.Line, Column: a.SupplierColumn, Field: "supplier", Reason: fmt.Sprintf("%q names no supplier in the files read", a.Supplier)})
		}
	}
	return bad
}

// AuditWriter is the part of an import's writer that stores audits and
// certifications; the SQL store's writer has it.
type AuditWriter interface {
	// Audit stores a of the stored party partyID, read from file,
	// replacing the audit of the same party, scheme and date.
	Audit(partyID, file string, a ingest.Audit) error
}

// AuditStore reads the stored audits of an organisation's parties, by
// party id; an audit's Supplier is then the party id.
type AuditStore interface {
	PartyAudits(ctx context.Context, orgID string) (map[string][]ingest.Audit, error)
}

// StoredAudits gives the recompute the signals of the stored audits as of
// today, exactly as `upstream assess --audits` gives those of its files.
type StoredAudits struct {
	Store AuditStore
	Clock kernel.Clock
}

// PartySignals implements SignalSource.
func (s StoredAudits) PartySignals(ctx context.Context, orgID string) (map[string][]risk.Signal, error) {
	byParty, err := s.Store.PartyAudits(ctx, orgID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	out := make(map[string][]risk.Signal, len(byParty))
	for id, as := range byParty {
		for _, a := range as {
			out[id] = append(out[id], AuditSignals(a, now)...)
		}
	}
	return out, nil
}

// auditFile is an audit file read in full, waiting to be stored after the
// supplier files of the same import.
type auditFile struct {
	name   string
	index  int // its place among the import's files
	rows   int // data rows read
	audits []ingest.Audit
	bad    []ingest.RowError
}

// readAuditFile reads an audit file. A file that cannot be read as one
// (no header, a required column missing) is an error naming the file.
func readAuditFile(r io.Reader, name string) (auditFile, error) {
	audits, bad, err := ingest.ReadAudits(r, name)
	if err != nil {
		// A RowError naming the file, line and column: invalid input.
		return auditFile{}, err
	}
	lines := map[int]bool{}
	for _, a := range audits {
		lines[a.Line] = true
	}
	for _, b := range bad {
		lines[b.Line] = true
	}
	return auditFile{name: name, rows: len(lines), audits: audits, bad: bad}, nil
}

// maxAuditErrors caps the row errors an audit file's result keeps, as
// the importers cap theirs.
const maxAuditErrors = 100

// storeAudits stores the audits of f, each on the stored party it names
// by its reference in the organisation's files or by its id. A bad row or
// an audit naming no stored party is a row error: without skipBadRows it
// fails the import, which then stores nothing.
func storeAudits(w ImportWriter, f auditFile, skipBadRows bool) (ingest.Result, error) {
	res := ingest.Result{Format: ingest.FormatAudits, Rows: f.rows}
	aw, ok := w.(AuditWriter)
	if !ok {
		return res, kernel.Errorf(kernel.Unavailable, "this store does not keep audits")
	}
	bad := f.bad
	type found struct {
		party string
		a     ingest.Audit
	}
	var good []found
	for _, a := range f.audits {
		id, err := storedParty(w, a.Supplier)
		if err != nil {
			return res, err
		}
		if id == "" {
			bad = append(bad, ingest.RowError{File: f.name, Line: a.Line, Column: a.SupplierColumn, Field: "supplier",
				Reason: fmt.Sprintf("%q names no stored supplier; import the supplier first, or with this file", a.Supplier)})
			continue
		}
		good = append(good, found{id, a})
	}
	sort.SliceStable(bad, func(i, j int) bool { return bad[i].Line < bad[j].Line })
	res.ErrorCount = len(bad)
	res.Errors = bad[:min(len(bad), maxAuditErrors)]
	if len(bad) > 0 && !skipBadRows {
		return res, ingest.BadRows(f.name, len(bad), bad[0])
	}
	if skipBadRows {
		res.Skipped = res.Rows - len(good)
	}
	for _, g := range good {
		if err := aw.Audit(g.party, f.name, g.a); err != nil {
			return res, err
		}
		res.Audits++
	}
	return res, nil
}

// storedParty returns the id of the party ref names (by reference, else by
// id), or "" when there is none.
func storedParty(w ImportWriter, ref string) (string, error) {
	for _, id := range []string{supplychain.RefID(ref), ref} {
		known, err := w.Known(id)
		if err != nil {
			return "", err
		}
		if known {
			return id, nil
		}
	}
	return "", nil
}

// AuditsAged returns, in order, the ids of the parties whose stored audits
// give other signals on day to than on day from: a passed audit past its
// 24 months, a certificate past its expiry, an audit dated ahead whose day
// has come. Their scores are out of date though no file changed.
func AuditsAged(byParty map[string][]ingest.Audit, from, to time.Time) []string {
	var out []string
	for id, as := range byParty {
		for _, a := range as {
			if !slices.Equal(AuditSignals(a, from), AuditSignals(a, to)) {
				out = append(out, id)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// StoredAuditStore lists and deletes an organisation's stored audits; the
// SQL store has it. DeleteAudit marks the organisation due for a
// recompute in the same transaction and returns kernel.NotFound when there
// is no such audit.
type StoredAuditStore interface {
	ListAudits(ctx context.Context, orgID string) ([]ingest.StoredAudit, error)
	DeleteAudit(ctx context.Context, orgID, partyID, scheme string, date time.Time) (ingest.StoredAudit, error)
}

// ActionAuditDelete is the audit-log action of deleting a stored audit or
// certification.
const ActionAuditDelete = "suppliers.audit.delete"

// Audits lists the organisation's stored audits and certifications, the
// latest first.
func (s *Service) Audits(ctx context.Context, orgID string) ([]ingest.StoredAudit, error) {
	st, ok := s.Store.(StoredAuditStore)
	if !ok {
		return nil, kernel.Errorf(kernel.Unavailable, "this store does not keep audits")
	}
	return st.ListAudits(ctx, orgID)
}

// DeleteAudit deletes the stored audit of party partyID under scheme on
// date, records who did it in the audit log, and recomputes the
// organisation's risk, so that the audit no longer counts. A recompute
// that fails after the deletion is finished at the next start (the store
// marked it due).
func (s *Service) DeleteAudit(ctx context.Context, orgID, actor, partyID, scheme string, date time.Time) (ingest.StoredAudit, error) {
	st, ok := s.Store.(StoredAuditStore)
	if !ok {
		return ingest.StoredAudit{}, kernel.Errorf(kernel.Unavailable, "this store does not keep audits")
	}
	if s.AuditLog == nil {
		return ingest.StoredAudit{}, kernel.Errorf(kernel.Unavailable, "deleting audits needs the audit log")
	}
	deleted, err := st.DeleteAudit(ctx, orgID, partyID, scheme, date)
	if err != nil {
		return deleted, err
	}
	if _, err := audit.Append(ctx, s.AuditLog, s.clock(), audit.Record{Org: orgID, Actor: actor, Action: ActionAuditDelete,
		Object: "party:" + partyID, Detail: map[string]string{"scheme": scheme, "date": date.Format(time.DateOnly)}}); err != nil {
		return deleted, err
	}
	_, err = s.Recompute(ctx, orgID)
	return deleted, err
}

// DescribeOutcome says in words what an audit's result says: "passed
// (result A)", "failed (grade E)", or "no result given".
func DescribeOutcome(a ingest.Audit) string {
	switch {
	case a.Outcome == ingest.AuditUnrated || a.Result == "":
		return "no result given"
	case a.Outcome == ingest.AuditFailed:
		return "failed (" + a.Result + ")"
	default:
		return "passed (" + a.Result + ")"
	}
}

// DescribeFindings lists an audit's findings in words, by category:
// "forced labour major, wages minor".
func DescribeFindings(a ingest.Audit) string {
	cats := make([]string, 0, len(a.Findings))
	for c := range a.Findings {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for i, c := range cats {
		sev := a.Findings[c]
		if sev < 0 || sev > 3 {
			sev = 0
		}
		cats[i] = strings.ReplaceAll(c, "_", " ") + " " + [...]string{"noted", "minor", "major", "critical"}[sev]
	}
	return strings.Join(cats, ", ")
}
