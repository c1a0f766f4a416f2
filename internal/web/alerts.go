package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// alertFilter reads the list filters shared by the page and the API:
// state (open, acknowledged, resolved, or unresolved, the default, or all),
// severity (the minimum), assigned_to ("me" for the caller).
func alertFilter(q url.Values, p account.Principal) (earlywarning.AlertFilter, string, error) {
	var f earlywarning.AlertFilter
	state := q.Get("state")
	switch state {
	case "", "unresolved":
		state = "unresolved"
		f.States = []earlywarning.State{earlywarning.StateOpen, earlywarning.StateAcknowledged}
	case "all":
	case string(earlywarning.StateOpen), string(earlywarning.StateAcknowledged), string(earlywarning.StateResolved):
		f.States = []earlywarning.State{earlywarning.State(state)}
	default:
		return f, "", kernel.Errorf(kernel.Invalid, "state %q is not one of unresolved, open, acknowledged, resolved, all", state)
	}
	if v := q.Get("severity"); v != "" {
		sev, err := earlywarning.ParseSeverity(v)
		if err != nil {
			return f, "", err
		}
		f.MinSeverity = sev
	}
	switch v := q.Get("assigned_to"); v {
	case "":
	case "me":
		f.AssignedTo = p.User.ID
	default:
		f.AssignedTo = v
	}
	return f, state, nil
}

func pageOf(q url.Values, perPage int) (kernel.Page, int, error) {
	n := 1
	if v := q.Get("page"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 100000 {
			return kernel.Page{}, 0, kernel.Errorf(kernel.Invalid, "page %q is not a page number", v)
		}
	}
	return kernel.Page{Limit: perPage, Offset: (n - 1) * perPage}, n, nil
}

// alertView is an alert with what the page shows beside it.
type alertView struct {
	earlywarning.Alert
	Overdue      bool
	Snoozed      bool
	AssignedName string
	AckedName    string
	ResolvedName string
	Subject      subjectView
	Signal       string
	DetectorText string
	// Chart is the series behind a count-anomaly alert, nil for others.
	Chart *alertChart
	// Behind links to the suppliers, country and cases behind the alert.
	Behind []alertLink
	// SourceText says what raised the alert, in the page's language.
	SourceText template.HTML
}

// userNames maps the ids of an organisation's users to their display
// names (the e-mail address only for someone who gave no name), for pages
// that say who did what.
func userNames(ctx context.Context, dir userDirectory, orgID string) (map[string]string, []account.User, error) {
	users, err := dir.ListUsers(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = cmp.Or(u.Name, u.Email)
	}
	return names, users, nil
}

// viewOf shows an alert to p, with its chart drawn by charts (id
// prefixes the chart's element ids).
func (s *alertHandlers) viewOf(ctx context.Context, p account.Principal, charts *alertCharts, a earlywarning.Alert, names map[string]string, id string) (alertView, error) {
	now := s.clock.Now()
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "a former user"
	}
	v := alertView{Alert: a, Overdue: a.Overdue(now), Snoozed: a.Snoozed(now),
		AssignedName: name(a.AssignedTo), AckedName: name(a.AcknowledgedBy), ResolvedName: name(a.ResolvedBy),
		Subject: s.subjectOf(ctx, charts.l, a.OrgID, a.Subject), Signal: signalLabel(charts.l, a.Kind), DetectorText: detectorLabel(charts.l, a.Detector)}
	v.Behind = s.behindLinks(ctx, charts.l, p, a, v.Subject)
	v.SourceText = charts.l.alertSource(a.Source)
	partyName := ""
	if a.Subject.Kind == earlywarning.SubjectParty {
		partyName = v.Subject.Name
	}
	chart, ok, err := charts.chartOf(ctx, a, seriesLabel(charts.l, a.Subject, partyName), id)
	if err != nil {
		return alertView{}, err
	}
	if ok {
		v.Chart = &chart
	}
	return v, nil
}

const alertsPerPage = 50

func (s *alertHandlers) alertsPage(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	q := r.URL.Query()
	f, state, err := alertFilter(q, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, n, err := pageOf(q, alertsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	alerts, err := s.alerts.Alerts.ListAlerts(r.Context(), p.User.OrgID, f, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, _, err := userNames(r.Context(), s.users, p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	charts := s.charts(s.localeOf(r), p.User.OrgID)
	views := make([]alertView, len(alerts))
	charted := 0
	for i, a := range alerts {
		if views[i], err = s.viewOf(r.Context(), p, charts, a, names, "series-"+a.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		if views[i].Chart != nil {
			charted++
		}
	}
	link := func(page int) string {
		v := url.Values{"state": {state}, "page": {strconv.Itoa(page)}}
		if f.MinSeverity != "" {
			v.Set("severity", string(f.MinSeverity))
		}
		if a := q.Get("assigned_to"); a != "" {
			v.Set("assigned_to", a)
		}
		return "/alerts?" + v.Encode()
	}
	data := map[string]any{"Alerts": views, "State": state, "Severity": string(f.MinSeverity), "AssignedTo": q.Get("assigned_to"),
		"States":     []string{"unresolved", "open", "acknowledged", "resolved", "all"},
		"Severities": []string{"low", "medium", "high", "critical"}, "Page": n, "Charted": charted}
	if n > 1 {
		data["Prev"] = link(n - 1)
	}
	if len(alerts) == alertsPerPage {
		data["Next"] = link(n + 1)
	}
	s.render(w, r, http.StatusOK, "alerts.html", data)
}

func (s *alertHandlers) alertPage(w http.ResponseWriter, r *http.Request) {
	s.renderAlert(w, r, http.StatusOK, nil)
}

func (s *alertHandlers) renderAlert(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	a, err := s.alerts.Alerts.Alert(r.Context(), p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, users, err := userNames(r.Context(), s.users, p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view, err := s.viewOf(r.Context(), p, s.charts(s.localeOf(r), p.User.OrgID), a, names, "series")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"Alert": view, "Users": users,
		"Snoozes": snoozeChoices(s.localeOf(r))}
	if view.Chart != nil {
		data["Chart"] = view.Chart
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "alerts_detail.html", data)
}

type snoozeChoice struct{ Hours, Label string }

// snoozeChoices are the lengths of snooze an alert's page offers, named in
// the reader's language.
func snoozeChoices(l *locale) []snoozeChoice {
	return []snoozeChoice{{"1", l.tr("1 hour")}, {"4", l.tr("4 hours")}, {"24", l.tr("1 day")},
		{"72", l.tr("3 days")}, {"168", l.tr("1 week")}, {"0", l.tr("End the snooze")}}
}

// transition is one of the alert changes a person can ask for.
type transition func(a earlywarning.Alert, p account.Principal, now time.Time) (earlywarning.Alert, error)

func (s *alertHandlers) apply(r *http.Request, t transition) (earlywarning.Alert, error) {
	p := principalOf(r)
	return s.alerts.Update(r.Context(), p.User.OrgID, r.PathValue("id"), func(a earlywarning.Alert, now time.Time) (earlywarning.Alert, error) {
		return t(a, p, now)
	})
}

func acknowledge(a earlywarning.Alert, p account.Principal, now time.Time) (earlywarning.Alert, error) {
	return a.Acknowledge(p.User.ID, now)
}

// assignTo checks that the assignee belongs to the organisation before the
// alert is given to them.
func (s *alertHandlers) assignTo(ctx context.Context, userID string) transition {
	return func(a earlywarning.Alert, p account.Principal, now time.Time) (earlywarning.Alert, error) {
		userID = strings.TrimSpace(userID)
		if userID != "" {
			if _, err := s.users.User(ctx, p.User.OrgID, userID); err != nil {
				if kernel.IsCode(err, kernel.NotFound) {
					return a, kernel.Errorf(kernel.Invalid, "assign: no such user in this organisation")
				}
				return a, err
			}
		}
		return a.Assign(userID, now)
	}
}

func snoozeUntil(until time.Time) transition {
	return func(a earlywarning.Alert, _ account.Principal, now time.Time) (earlywarning.Alert, error) {
		return a.Snooze(until, now)
	}
}

func snoozeHours(h string, now time.Time) (time.Time, error) {
	n, err := strconv.Atoi(h)
	if err != nil || n < 0 || n > int(earlywarning.MaxSnooze/time.Hour) {
		return time.Time{}, kernel.Errorf(kernel.Invalid, "snooze: %q is not a number of hours from 0 to 2160", h)
	}
	if n == 0 {
		return time.Time{}, nil
	}
	return now.Add(time.Duration(n) * time.Hour), nil
}

func resolveWith(note string) transition {
	return func(a earlywarning.Alert, p account.Principal, now time.Time) (earlywarning.Alert, error) {
		return a.Resolve(p.User.ID, strings.TrimSpace(note), now)
	}
}

// formAction runs a transition from a page form and shows the alert again:
// after success by redirect with msg, after a mistake with the message on
// the page.
func (s *alertHandlers) formAction(w http.ResponseWriter, r *http.Request, t transition, msg string) {
	if _, err := s.apply(r, t); err != nil {
		if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict {
			s.renderAlert(w, r, statusOf(code), map[string]any{"Error": kernel.ErrorMessage(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/alerts/"+url.PathEscape(r.PathValue("id")), msg)
}

func (s *alertHandlers) alertAcknowledge(w http.ResponseWriter, r *http.Request) {
	s.formAction(w, r, acknowledge, "Alert acknowledged: it is marked as being handled by you.")
}

func (s *alertHandlers) alertAssign(w http.ResponseWriter, r *http.Request) {
	msg := "Alert unassigned."
	if id := strings.TrimSpace(r.FormValue("user")); id != "" {
		msg = "Alert assigned."
		if u, err := s.users.User(r.Context(), principalOf(r).User.OrgID, id); err == nil {
			msg = s.tr(r, "Alert assigned to %v.", cmp.Or(u.Name, u.Email))
		}
	}
	s.formAction(w, r, s.assignTo(r.Context(), r.FormValue("user")), msg)
}

func (s *alertHandlers) alertSnooze(w http.ResponseWriter, r *http.Request) {
	until, err := snoozeHours(r.FormValue("hours"), s.clock.Now())
	if err != nil {
		s.renderAlert(w, r, http.StatusBadRequest, map[string]any{"Error": kernel.ErrorMessage(err)})
		return
	}
	msg := "Snooze lifted: the alert is open again."
	if !until.IsZero() {
		msg = s.tr(r, "Alert snoozed until %v.", s.localeOf(r).dateTime(until))
	}
	s.formAction(w, r, snoozeUntil(until), msg)
}

func (s *alertHandlers) alertResolve(w http.ResponseWriter, r *http.Request) {
	s.formAction(w, r, resolveWith(r.FormValue("resolution")), "Alert resolved.")
}
