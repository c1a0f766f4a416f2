package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/reportdata"
)

// reportingOrg is the signed-in user's organisation; every store call the
// reporting service makes is scoped by its id.
func reportingOrg(r *http.Request) reportdata.Org {
	p := principalOf(r)
	return reportdata.Org{ID: p.User.OrgID, Slug: p.Org.Slug, Name: p.Org.Name}
}

type choice struct {
	Value, Label string
	Selected     bool
}

func (s *reportHandlers) reportsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	typed := strings.TrimSpace(q.Get("supplier"))
	found, err := searchSuppliers(r.Context(), s.suppliers, principalOf(r).User.OrgID, typed)
	if err != nil && kernel.ErrorCode(err) != kernel.Invalid {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, http.StatusOK, found, q.Get("subject"), err)
}

// renderReports draws the reports page with the choices in the query kept
// and, after a supplier search, the suppliers it found to choose from.
func (s *reportHandlers) renderReports(w http.ResponseWriter, r *http.Request, status int, found supplierSearch, subject string, searchErr error) {
	q := r.URL.Query()
	loc := s.localeOf(r)
	kinds := []choice{
		{string(report.BrandScorecard), loc.tr("Scorecard: the organisation's grade A to F, with the evidence behind it"), false},
		{string(report.SupplierRisk), loc.tr("Supplier risk: every supplier's risk and the factors that explain it"), false},
		{string(report.DueDiligence), loc.tr("Due diligence: the six OECD steps, with the figures for each"), false},
	}
	formats := []choice{
		{string(report.HTML), loc.tr("HTML (a web page, prints to A4)"), false},
		{string(report.PDF), loc.tr("PDF (a long supplier register prints its %v parties of highest exposure; CSV and XLSX hold every party)", loc.count(report.PrintRegisterRows)), false},
		{string(report.CSV), loc.tr("CSV data annex"), false},
		{string(report.XLSX), loc.tr("XLSX data annex (spreadsheet)"), false},
	}
	regs := []choice{{"", loc.tr("All six steps (no filter)"), false}}
	for _, req := range report.Regulations() {
		regs = append(regs, choice{string(req.Regulation), loc.tr(escapeVerbs(req.Name)), false})
	}
	selectChoice(kinds, q.Get("kind"))
	selectChoice(formats, q.Get("format"))
	selectChoice(regs, q.Get("regulation"))
	if subject != "" && found.Picked == "" {
		for i := range found.Choices {
			found.Choices[i].Selected = found.Choices[i].ID == subject
		}
	}
	data := map[string]any{"Kinds": kinds, "Formats": formats, "Regulations": regs, "Search": found,
		"SupplierSearch": s.suppliers != nil}
	if searchErr != nil {
		data["SearchError"] = kernel.ErrorMessage(searchErr)
	}
	s.render(w, r, status, "reports.html", data)
}

// selectChoice marks the choice whose value is v, or the first when none
// is.
func selectChoice(cs []choice, v string) {
	at := 0
	for i, c := range cs {
		if c.Value == v {
			at = i
		}
	}
	cs[at].Selected = true
}

// writeReport renders the requested report into memory, then sends it as a
// download, so a failure becomes a clean error page or JSON error.
func (s *reportHandlers) writeReport(w http.ResponseWriter, r *http.Request, kind string) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = string(report.HTML)
	}
	req, err := reportdata.ParseRequest(kind, format, q.Get("regulation"), q.Get("subject"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	org := reportingOrg(r)
	var buf bytes.Buffer
	if err := s.reporting.Render(r.Context(), &buf, org, req); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", req.Format.ContentType())
	h.Set("Content-Disposition", `attachment; filename="`+req.FileName(org, s.clock.Now())+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// reportDownload serves the form on the reports page (kind, format and
// regulation as query parameters), so it works without JavaScript.
// A supplier is chosen by name: the text typed is searched, and the report
// is on the supplier it names alone or the one chosen among the matches;
// otherwise the page comes back with the matches to choose from.
func (s *reportHandlers) reportDownload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	typed, subject := strings.TrimSpace(q.Get("supplier")), q.Get("subject")
	if typed != "" {
		found, err := searchSuppliers(r.Context(), s.suppliers, principalOf(r).User.OrgID, typed)
		if err != nil && kernel.ErrorCode(err) != kernel.Invalid {
			s.fail(w, r, err)
			return
		}
		chosen := ""
		for _, c := range found.Choices {
			if c.ID == subject {
				chosen = subject
			}
		}
		if chosen == "" {
			chosen = found.Picked
		}
		if chosen == "" {
			s.renderReports(w, r, http.StatusUnprocessableEntity, found, "", err)
			return
		}
		q.Set("subject", chosen)
		r.URL.RawQuery = q.Encode()
	}
	s.writeReport(w, r, q.Get("kind"))
}

// apiReport is GET /api/v1/reports/{kind}?format=&regulation=&subject=.
func (s *reportHandlers) apiReport(w http.ResponseWriter, r *http.Request) {
	s.writeReport(w, r, r.PathValue("kind"))
}
