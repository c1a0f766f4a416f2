// Package report owns Upstream's reports: the supplier risk report, the
// brand scorecard and the due-diligence report that follows the OECD six
// steps and can be filtered to what one regulation asks for (see
// Regulations). One embedded template set renders them as self-contained
// HTML for screen and A4 print; the same figures make the CSV and XLSX data
// annexes; PDF is the HTML printed through a PDFPrinter the composition root
// provides (headless Chromium), so Arabic and Chinese text shape correctly.
//
// Input is the plain Data model, filled by the caller from the stores. It
// has no field for grievance narratives, messages, contact details or
// anything else that could identify a reporter, and grievance counts below
// grievance.MinReportableCount are suppressed, so no report can carry them.
// Every number in a report is a Figure with a Source, shown as a footnote
// and a data attribute in HTML and as columns in the annexes.
//
// The package must not import database/sql, net/http, chromedp or any
// adapter.
package report
