package grievance

import "context"

// SubmitOnLocator submits onto a chosen locator, as a flood that filled the
// drawn ones would leave it.
func (s *Service) SubmitOnLocator(ctx context.Context, org OrgKeys, sub Submission, locator string) (Receipt, Report, error) {
	return s.submit(ctx, org, sub, locator)
}

// ReportID names the report a reporter session opened.
func (rs *ReporterSession) ReportID() string { return rs.report.ID }
