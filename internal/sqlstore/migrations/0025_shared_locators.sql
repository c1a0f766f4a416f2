-- Receipt locators may repeat within an organisation: the reporter's secret
-- decides between the reports on one locator, so no volume of submissions
-- can use the locators up.
DROP INDEX grievance_reports_locator;
CREATE INDEX grievance_reports_locator ON grievance_reports (org_id, locator);
