package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// auditActionWords says in words what each audited action did, in English;
// the page shows each in the reader's language through the catalogs.
// Actions not listed are read from their code ("account.user.enable" reads
// "account user enable").
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
	scorecard.ActionFileAdd:            "attached an evidence file to a scorecard answer",
	scorecard.ActionFileDownload:       "downloaded an evidence file of a scorecard",
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
	loc := s.localeOf(r)
	var problems []string
	if q.ActionPrefix != "" && !validAuditKind(q.ActionPrefix) {
		problems = append(problems, loc.tr("Kind of action: choose one of the listed kinds."))
		q.ActionPrefix = ""
	}
	day := func(field, what string) time.Time {
		v := strings.TrimSpace(in.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			problems = append(problems, loc.tr("%v: enter a date such as %v.", what, loc.date(time.Date(2026, time.March, 31, 0, 0, 0, 0, time.UTC))))
		}
		return t
	}
	q.Since = day("from", loc.tr("From"))
	if until := day("to", loc.tr("To")); !until.IsZero() {
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
		rows[i] = s.auditRowOf(ctx, loc, p.User.OrgID, e, names)
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
	kinds := make([]struct{ Prefix, Label string }, len(auditKinds))
	for i, k := range auditKinds {
		kinds[i].Prefix, kinds[i].Label = k.Prefix, loc.tr(k.Label)
	}
	s.render(w, r, status, "audit_log.html", map[string]any{"Rows": rows, "Users": users, "Kinds": kinds,
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

// auditDetailWords name the details of an entry the page shows, in
// English (translated through the catalogs).
var auditDetailWords = map[string]string{
	"from": "moved from", "to": "moved to", "reason": "reason", "severity": "severity", "role": "role", "status": "status",
	"type": "type", "purpose": "purpose", "override": "override",
}

// auditRowOf says an entry in words, in the reader's language. A case is
// named by its receipt locator (what its handlers call it), a user by
// name; anything else by what kind of thing it is.
func (s *accountHandlers) auditRowOf(ctx context.Context, loc *locale, orgID string, e audit.Entry, names map[string]string) auditRow {
	who := func(id string) string {
		switch id {
		case "system", "job":
			return loc.tr("Upstream (a scheduled job)")
		case "reporter":
			return loc.tr("The reporter")
		case "cli":
			return loc.tr("Someone on the server's command line")
		case "":
			return loc.tr("no one")
		}
		if n, ok := names[id]; ok && n != "" {
			return n
		}
		return loc.tr("a former user")
	}
	row := auditRow{When: loc.dateTime(e.Time), Who: who(e.Actor)}
	if w, ok := auditActionWords[e.Action]; ok {
		row.What = loc.tr(w)
	} else {
		row.What = strings.NewReplacer(".", " ", "_", " ").Replace(e.Action)
	}
	table, id, _ := strings.Cut(e.Object, ":")
	// aCase names a case through one of three messages: with its receipt
	// locator, as a case since destroyed, or as a case nothing is known of.
	aCase := func(reportID, named, destroyed, unnamed string) string {
		if s.cases != nil && kernel.ValidID(reportID) {
			if it, err := s.cases.Case(ctx, orgID, reportID); err == nil {
				if it.Report.Purged || it.Report.Locator == "" {
					return loc.tr(destroyed)
				}
				return loc.tr(named, it.Report.Locator+"-…")
			}
		}
		return loc.tr(unnamed)
	}
	switch table {
	case grievance.TableReport:
		row.Subject = aCase(id, "case %v", "a case since destroyed", "a case")
	case grievance.TableAttachment:
		row.Subject = aCase(e.Detail["report"], "a file of case %v", "a file of a case since destroyed", "a file of a case")
	case grievance.TableRemedy:
		row.Subject = aCase(e.Detail["report"], "a remedy of case %v", "a remedy of a case since destroyed", "a remedy of a case")
	case "user":
		row.Subject = who(id)
	case "org":
		row.Subject = loc.tr("the organisation's settings")
	case "invitation":
		row.Subject = loc.tr("an invitation")
	case "scorecard_files":
		row.Subject = loc.tr("an evidence file of a scorecard answer")
	case "token", "api_token":
		row.Subject = loc.tr("an API token")
	case "":
	default:
		row.Subject = strings.NewReplacer("_", " ", "-", " ").Replace(table)
	}
	detail := func(k, v string) { row.Details = append(row.Details, loc.tr("%v: %v", loc.tr(auditDetailWords[k]), v)) }
	for _, k := range []string{"from", "to", "reason", "severity", "role", "status", "type", "handler", "internal", "purpose", "override"} {
		v, ok := e.Detail[k]
		if !ok || v == "" {
			continue
		}
		switch k {
		case "handler":
			row.Details = append(row.Details, loc.tr("case handler: %v", who(v)))
		case "from", "to":
			detail(k, grievance.StageLabel(grievance.Stage(v), loc.Code))
		case "role":
			detail(k, loc.tr(escapeVerbs(roleLabel(account.Role(v)))))
		case "internal":
			if v == "true" {
				row.Details = append(row.Details, loc.tr("an internal note"))
			} else {
				row.Details = append(row.Details, loc.tr("a reply to the reporter"))
			}
		default:
			detail(k, loc.label(v))
		}
	}
	return row
}
