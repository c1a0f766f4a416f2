package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// siteAuditView is one stored audit or certification on the audits page.
type siteAuditView struct {
	PartyID, PartyName, PartyHref string
	Scheme, Date                  string
	Result, Expiry, Findings      string
	Source                        string
}

func describeSiteAuditView(a ingest.StoredAudit, today time.Time) siteAuditView {
	v := siteAuditView{PartyID: a.Supplier, PartyName: a.PartyName, PartyHref: "/suppliers/" + url.PathEscape(a.Supplier),
		Scheme: a.Scheme, Date: a.Date.Format(time.DateOnly), Result: assessment.DescribeOutcome(a.Audit),
		Findings: assessment.DescribeFindings(a.Audit)}
	switch {
	case a.Expiry.IsZero():
		v.Expiry = "no expiry given"
	case a.Expiry.Before(today):
		v.Expiry = "expired " + a.Expiry.Format(time.DateOnly)
	default:
		v.Expiry = "until " + a.Expiry.Format(time.DateOnly)
	}
	if a.File != "" {
		v.Source = a.File + ", line " + strconv.Itoa(a.Line)
	}
	return v
}

// siteAuditsPage lists the organisation's stored audits and
// certifications, the latest first, each with a form to delete it for
// those who may change suppliers.
func (h *supplyHandlers) siteAuditsPage(w http.ResponseWriter, r *http.Request) {
	if h.siteAudits == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "stored audits are not available on this server"))
		return
	}
	audits, err := h.siteAudits.Audits(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := h.clock.Now()
	views := make([]siteAuditView, len(audits))
	for i, a := range audits {
		views[i] = describeSiteAuditView(a, today)
	}
	h.render(w, r, http.StatusOK, "supply_audits.html", map[string]any{"Audits": views})
}

// siteAuditDelete deletes one stored audit, named by party, scheme and
// date, and says on the list what it deleted.
func (h *supplyHandlers) siteAuditDelete(w http.ResponseWriter, r *http.Request) {
	if h.siteAudits == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "stored audits are not available on this server"))
		return
	}
	p := principalOf(r)
	party, scheme := r.PostFormValue("party"), r.PostFormValue("scheme")
	date, err := time.Parse(time.DateOnly, r.PostFormValue("date"))
	if party == "" || scheme == "" || err != nil {
		h.fail(w, r, kernel.Errorf(kernel.Invalid, "choose an audit to delete from the list"))
		return
	}
	a, err := h.siteAudits.DeleteAudit(r.Context(), p.User.OrgID, p.User.ID, party, scheme, date)
	switch {
	case kernel.IsCode(err, kernel.NotFound):
		h.done(w, r, "/suppliers/audits", "That audit is no longer stored: it was deleted already.")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.aggregates.forget(p.User.OrgID)
	h.done(w, r, "/suppliers/audits", h.tr(r, "Deleted the %v audit of %v dated %v; risk was recomputed without it.", a.Scheme, a.PartyName,
		h.localeOf(r).date(a.Date)))
}

// siteAuditJSON is one stored audit or certification in the API.
type siteAuditJSON struct {
	PartyID   string `json:"party_id"`
	PartyName string `json:"party_name"`
	PartyRef  string `json:"party_ref"`
	Scheme    string `json:"scheme"`
	Date      string `json:"date"`
	// Outcome is passed, failed or unrated (no result or grade given).
	Outcome string `json:"outcome"`
	Result  string `json:"result"`
	// Expiry is YYYY-MM-DD, or empty when none was given.
	Expiry string `json:"expiry"`
	// Findings are severities by category: 1 minor, 2 major, 3 critical.
	Findings map[string]int `json:"findings"`
	File     string         `json:"file"`
	Line     int            `json:"line"`
}

// siteAuditsJSON is the list of stored audits.
type siteAuditsJSON struct {
	Audits []siteAuditJSON `json:"audits"`
	pageLinksJSON
}

func toSiteAuditJSON(a ingest.StoredAudit) siteAuditJSON {
	j := siteAuditJSON{PartyID: a.Supplier, PartyName: a.PartyName, PartyRef: a.PartyRef, Scheme: a.Scheme,
		Date: a.Date.Format(time.DateOnly), Outcome: string(a.Outcome), Result: a.Result, Findings: a.Findings, File: a.File, Line: a.Line}
	if !a.Expiry.IsZero() {
		j.Expiry = a.Expiry.Format(time.DateOnly)
	}
	if j.Findings == nil {
		j.Findings = map[string]int{}
	}
	return j
}

// apiSiteAudits lists the stored audits and certifications, the latest
// first.
func (h *supplyHandlers) apiSiteAudits(w http.ResponseWriter, r *http.Request) {
	if h.siteAudits == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "stored audits are not available on this server"))
		return
	}
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	audits, err := h.siteAudits.Audits(r.Context(), principalOf(r).User.OrgID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// An audit is named by its party, scheme and date, as the delete
	// route names it; the latest come first.
	audits, links := pageInMemory(w, r, audits, lp, true, func(a ingest.StoredAudit) []string {
		return []string{a.Date.Format(time.DateOnly), a.Supplier, a.Scheme}
	})
	out := siteAuditsJSON{Audits: make([]siteAuditJSON, len(audits)), pageLinksJSON: links}
	for i, a := range audits {
		out.Audits[i] = toSiteAuditJSON(a)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSiteAuditDelete deletes one stored audit and answers with what it
// deleted, once the organisation's risk is recomputed without it.
func (h *supplyHandlers) apiSiteAuditDelete(w http.ResponseWriter, r *http.Request) {
	if h.siteAudits == nil {
		h.fail(w, r, kernel.Errorf(kernel.Unavailable, "stored audits are not available on this server"))
		return
	}
	date, err := time.Parse(time.DateOnly, r.PathValue("date"))
	if err != nil {
		failParams(w, r, []paramProblem{{"date", "date " + strconv.Quote(r.PathValue("date")) + " is not a date written YYYY-MM-DD"}})
		return
	}
	p := principalOf(r)
	a, err := h.siteAudits.DeleteAudit(r.Context(), p.User.OrgID, p.User.ID, r.PathValue("id"), r.PathValue("scheme"), date)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.aggregates.forget(p.User.OrgID)
	writeJSON(w, http.StatusOK, toSiteAuditJSON(a))
}
