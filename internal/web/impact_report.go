package web

import (
	"encoding/csv"
	"net/http"

	"github.com/upstream-platform/upstream/internal/impact"
)

// impactReportCSV downloads a programme's report in long form (see
// impact.Service.ReportCSV); `upstream impact export` writes the same file.
func (s *impactHandlers) impactReportCSV(w http.ResponseWriter, r *http.Request) {
	rows, err := s.impact.ReportCSV(r.Context(), principalOf(r).User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="impact-report.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(impact.ReportCSVHeader)
	cw.WriteAll(rows)
}
