package web

import (
	"bytes"
	"fmt"
	"net/http"

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
	kinds := []choice{
		{string(report.BrandScorecard), "Scorecard: the organisation's grade A to F, with the evidence behind it", true},
		{string(report.SupplierRisk), "Supplier risk: every supplier's risk and the factors that explain it", false},
		{string(report.DueDiligence), "Due diligence: the six OECD steps, with the figures for each", false},
	}
	formats := []choice{
		{string(report.HTML), "HTML (a web page, prints to A4)", true},
		{string(report.PDF), fmt.Sprintf("PDF (a long supplier register prints its %d parties of highest exposure; CSV and XLSX hold every party)", report.PrintRegisterRows), false},
		{string(report.CSV), "CSV data annex", false},
		{string(report.XLSX), "XLSX data annex (spreadsheet)", false},
	}
	regs := []choice{{"", "All six steps (no filter)", true}}
	for _, req := range report.Regulations() {
		regs = append(regs, choice{string(req.Regulation), req.Name, false})
	}
	s.render(w, r, http.StatusOK, "reports.html", map[string]any{"Kinds": kinds, "Formats": formats, "Regulations": regs})
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
func (s *reportHandlers) reportDownload(w http.ResponseWriter, r *http.Request) {
	s.writeReport(w, r, r.URL.Query().Get("kind"))
}

// apiReport is GET /api/v1/reports/{kind}?format=&regulation=&subject=.
func (s *reportHandlers) apiReport(w http.ResponseWriter, r *http.Request) {
	s.writeReport(w, r, r.PathValue("kind"))
}
