package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// auditActionWords says in words what each audited action did. Actions not
// listed are read from their code ("account.user.enable" reads "account
// user enable").
var auditActionWords = map[string]string{
	grievance.ActionKeyUnwrap:          "unlocked a case to work on it",
	grievance.ActionReportView:         "read a case",
	grievance.ActionAttachmentView:     "opened a file of a case",
	grievance.ActionStageChange:        "moved a case to another stage",
	grievance.ActionTriageChange:       "changed a case's triage",
	grievance.ActionAssign:             "assigned a case",
	grievance.ActionMessageAdd:         "wrote in a case's thread",
	grievance.ActionRemedyChange:       "proposed or changed a remedy",
	grievance.ActionAccessGrant:        "gave a case handler access to a case",
	grievance.ActionAccessRevoke:       "took a case handler's access to a case away",
	grievance.ActionRecover:            "restored access to a case with the recovery key",
	grievance.ActionPurge:              "destroyed a case after its retention period",
	grievance.ActionMarkSpam:           "destroyed a report as spam",
	grievance.ActionIdentityReveal:     "showed a reporter's contact and identity details",
	grievance.ActionConsentUse:         "shared a case with the reporter's consent",
	grievance.ActionConsentOver:        "shared a case without the reporter's consent (override)",
	grievance.ActionHandlerKeyIssued:   "was issued a case key",
	grievance.ActionHandlerKeyApproved: "approved a new case handler's key",
	"account.user.create":              "added a user",
	"account.user.invite":              "invited a user",
	"account.user.disable":             "disabled a user",
	"account.user.enable":              "enabled a user",
	"account.user.reset_second_factor": "reset a user's second factor",
	"account.token.create":             "made an API token",
	"account.token.revoke":             "revoked an API token",
	"account.guidance.set":             "set emergency guidance",
	"account.guidance.delete":          "removed emergency guidance",
	"account.supplier_search":          "changed the company search setting",
	"screening.hit.confirm":            "confirmed a watchlist hit",
	"screening.hit.dismiss":            "dismissed a watchlist hit",
	"screening.run":                    "screened the suppliers",
	"suppliers.audit.delete":           "deleted a stored audit",
	"grievance.report.export":          "exported case counts",
}

// auditKinds are the groups of actions the page filters by.
var auditKinds = []struct{ Prefix, Label string }{
	{"grievance.", "Cases and reports"},
	{"account.", "Users, tokens and settings"},
	{"screening.", "Watchlist screening"},
	{"suppliers.", "Suppliers"},
}

// auditRow is one entry as people read it: no ids, no content.
type auditRow struct {
	When, Who, What, Subject string
	Details                  []string
}

const auditPerPage = 50

// auditLogPage lists the organisation's audit log, newest first: who did
// what, to which case, user or supplier, and when. It never shows what a
// case says: the log holds no content, only actions and references.
func (s *accountHandlers) auditLogPage(w http.ResponseWriter, r *http.Request) {
	if s.auditLog == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "the audit log cannot be read on this server"))
		return
	}
	p := principalOf(r)
	ctx := r.Context()
	in := r.URL.Query()
	q := audit.Query{Actor: in.Get("person"), ActionPrefix: in.Get("kind"), Limit: auditPerPage}
	var problems []string
	if q.ActionPrefix != "" && !validAuditKind(q.ActionPrefix) {
		problems = append(problems, "kind: choose one of the listed kinds")
		q.ActionPrefix = ""
	}
	day := func(field, what string) time.Time {
		v := strings.TrimSpace(in.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			problems = append(problems, what+": enter a date such as 2026-03-31")
		}
		return t
	}
	q.Since = day("from", "from")
	if until := day("to", "to"); !until.IsZero() {
		q.Until = until.AddDate(0, 0, 1) // the whole of the last day
	}
	if b, err := strconv.ParseUint(in.Get("before"), 10, 64); err == nil {
		q.Before = b
	}
	users, err := s.accounts.Store.ListUsers(ctx, p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = cmp.Or(u.Name, u.Email)
	}
	entries, err := s.auditLog.Recent(ctx, p.User.OrgID, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = s.auditRowOf(ctx, p.User.OrgID, e, names)
	}
	var next string
	if len(entries) == auditPerPage {
		v := url.Values{}
		for _, k := range []string{"person", "kind", "from", "to"} {
			if x := in.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		v.Set("before", strconv.FormatUint(entries[len(entries)-1].Seq, 10))
		next = "/admin/audit-log?" + v.Encode()
	}
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "audit_log.html", map[string]any{"Rows": rows, "Users": users, "Kinds": auditKinds,
		"Person": q.Actor, "Kind": in.Get("kind"), "From": in.Get("from"), "To": in.Get("to"), "Problems": problems, "Next": next})
}

func validAuditKind(prefix string) bool {
	for _, k := range auditKinds {
		if k.Prefix == prefix {
			return true
		}
	}
	return false
}

// auditRowOf says an entry in words. A case is named by its receipt
// locator (what its handlers call it), a user by name; anything else by
// what kind of thing it is.
func (s *accountHandlers) auditRowOf(ctx context.Context, orgID string, e audit.Entry, names map[string]string) auditRow {
	who := func(id string) string {
		switch id {
		case "system", "job":
			return "Upstream (a scheduled job)"
		case "reporter":
			return "The reporter"
		case "cli":
			return "Someone on the server's command line"
		case "":
			return "no one"
		}
		return cmp.Or(names[id], "a former user")
	}
	row := auditRow{When: e.Time.UTC().Format("2 Jan 2006, 15:04 UTC"), Who: who(e.Actor), What: auditActionWords[e.Action]}
	if row.What == "" {
		row.What = strings.NewReplacer(".", " ", "_", " ").Replace(e.Action)
	}
	table, id, _ := strings.Cut(e.Object, ":")
	caseName := func(reportID string) string {
		if s.cases != nil && kernel.ValidID(reportID) {
			if it, err := s.cases.Case(ctx, orgID, reportID); err == nil {
				if it.Report.Purged || it.Report.Locator == "" {
					return "a case since destroyed"
				}
				return "case " + it.Report.Locator + "-…"
			}
		}
		return "a case"
	}
	switch table {
	case grievance.TableReport:
		row.Subject = caseName(id)
	case grievance.TableAttachment:
		row.Subject = "a file of " + caseName(e.Detail["report"])
	case grievance.TableRemedy:
		row.Subject = "a remedy of " + caseName(e.Detail["report"])
	case "user":
		row.Subject = who(id)
	case "org":
		row.Subject = "the organisation's settings"
	case "invitation":
		row.Subject = "an invitation"
	case "token", "api_token":
		row.Subject = "an API token"
	case "":
	default:
		row.Subject = strings.NewReplacer("_", " ", "-", " ").Replace(table)
	}
	for _, k := range []string{"from", "to", "reason", "severity", "role", "status", "type", "handler", "internal", "purpose", "override"} {
		v, ok := e.Detail[k]
		if !ok || v == "" {
			continue
		}
		switch k {
		case "handler":
			row.Details = append(row.Details, "case handler: "+who(v))
		case "from", "to":
			row.Details = append(row.Details, k+": "+grievance.StageLabel(grievance.Stage(v), "en"))
		case "role":
			row.Details = append(row.Details, "role: "+label(v))
		case "internal":
			if v == "true" {
				row.Details = append(row.Details, "an internal note")
			} else {
				row.Details = append(row.Details, "a reply to the reporter")
			}
		default:
			row.Details = append(row.Details, k+": "+label(v))
		}
	}
	return row
}
